/**
 * Writes the generated port into a real audit log: the product's ledger (`createLedger`) over a store, each event
 * recorded at its own instant (the ledger stamps a transaction with its clock, so the clock is set to each instant
 * before the transaction of the events that share it). Each visit's row is kept as the visit use case keeps it, so
 * that the engine can freeze a box. A gate-out names the audit index of the verdict that let the
 * box out, known only here, as the gate's use case fills it in.
 */
import { createLedger, type Ledger } from '../../src/app/ledger/index.js';
import type { IdSource, JsonObject, LedgerStore } from '../../src/app/ports.js';
import { evolveVisit, foldVisit, visitRecordOf } from '../../src/app/visits/index.js';
import { signerFromSeed } from '../../src/audit/index.js';
import { seededRandom } from '../../src/demo/seeded-random.js';
import type { VisitState } from '../../src/domain/index.js';
import type { GeneratedEvent } from './generate.js';

const DAY_MS = 86_400_000;
const VISIT_PREFIX = 'visit-';

export interface AppendedLog {
  readonly ledger: Ledger;
  readonly events: number;
}

/**
 * Appends the events in time order. `afterDay`, when given, runs after the last event of each simulated day with the
 * ledger's clock at that instant: the detection engine catching up, as `serve` runs it beside the port's work.
 * The ledger stays open for the caller.
 */
export async function appendToLedger(
  store: LedgerStore,
  events: readonly GeneratedEvent[],
  seed: string,
  afterDay?: (ledger: Ledger) => Promise<void>,
): Promise<AppendedLog> {
  let now = new Date(events[0]?.at ?? 0);
  const random = seededRandom(`detection-eval-ids:${seed}`);
  let eventNo = 0;
  // Deterministic event ids, so that the same seed gives the same log, leaf for leaf.
  const ids: IdSource = {
    eventId: () => {
      const hex = (++eventNo).toString(16).padStart(12, '0');
      return `00000000-0000-4000-8000-${hex}`;
    },
    randomBytes: (n) => random.bytes(n),
  };
  const signer = signerFromSeed('eval.portledger.local/log', new Uint8Array(32).fill(15));
  const ledger = createLedger({
    store,
    clock: { now: () => now },
    ids,
    log: { origin: signer.name, signer },
    // A checkpoint a simulated day is plenty: nobody asks for proofs during the run.
    checkpointIntervalMs: 24 * 3_600_000,
  });
  const visits = new Map<string, { state: VisitState; version: number }>();
  const verdictIndex = new Map<string, number>();
  let i = 0;
  while (i < events.length) {
    const at = events[i]!.at;
    let j = i;
    while (j < events.length && events[j]!.at === at) j++;
    const batch = events.slice(i, j);
    now = new Date(at);
    await ledger.write(async (context) => {
      for (const event of batch) {
        let data: JsonObject = event.data;
        if (event.type === 'ContainerGatedOut' && typeof data.gateAttemptId === 'string') {
          data = { ...data, verdictIndex: verdictIndex.get(data.gateAttemptId) ?? 0 };
        }
        // At the stream's end: the engine appends to visit streams too (a freeze) between the port's writes.
        const [stored] = await context.appendAtEnd(event.streamId, [{ type: event.type, data }]);
        // The visit's row, as the visit use case keeps it: the engine reads it to freeze a box on a high alert.
        // Folded on from the last event this loop appended, or again from the stream when the engine wrote since.
        if (stored && event.streamId.startsWith(VISIT_PREFIX)) {
          const cached = visits.get(event.streamId);
          const state =
            cached && cached.version === stored.streamVersion - 1
              ? evolveVisit(cached.state, stored)
              : foldVisit(await context.tx.readStream(event.streamId));
          visits.set(event.streamId, { state, version: stored.streamVersion });
          const visitRef = event.streamId.slice(VISIT_PREFIX.length);
          const row = visitRecordOf(visitRef, state, stored.streamVersion, stored.index);
          if (row) await context.tx.upsertVisit(row);
        }
        if (event.type === 'GateAttemptAccepted' && stored) {
          verdictIndex.set(String(event.data.attemptId), stored.index);
        }
      }
    });
    i = j;
    const day = Math.floor(at / DAY_MS);
    if (afterDay && (i === events.length || Math.floor(events[i]!.at / DAY_MS) !== day))
      await afterDay(ledger);
  }
  return { ledger, events: events.length };
}
