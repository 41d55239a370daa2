/**
 * Writes the generated port into a real audit log: the product's ledger (`createLedger`) over a store, each event
 * recorded at its own instant (the ledger stamps a transaction with its clock, so the clock is set to each instant
 * before the transaction of the events that share it). A gate-out names the audit index of the verdict that let the
 * box out, known only here, as the gate's use case fills it in.
 */
import { createLedger, type Ledger } from '../../src/app/ledger/index.js';
import type { IdSource, JsonObject, LedgerStore } from '../../src/app/ports.js';
import { signerFromSeed } from '../../src/audit/index.js';
import { seededRandom } from '../../src/demo/seeded-random.js';
import type { GeneratedEvent } from './generate.js';

export interface AppendedLog {
  readonly ledger: Ledger;
  readonly events: number;
}

export async function appendToLedger(
  store: LedgerStore,
  events: readonly GeneratedEvent[],
  seed: string,
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
  const versions = new Map<string, number>();
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
        const version = versions.get(event.streamId) ?? 0;
        const [stored] = await context.append(event.streamId, version, [{ type: event.type, data }]);
        versions.set(event.streamId, version + 1);
        if (event.type === 'GateAttemptAccepted' && stored) {
          verdictIndex.set(String(event.data.attemptId), stored.index);
        }
      }
    });
    i = j;
  }
  await ledger.close();
  return { ledger, events: events.length };
}
