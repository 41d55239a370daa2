/**
 * `partner_event` refilled from the log (issue 16): every published visit event whose row is missing gets it, from
 * the same functions the visit use cases write it with. For a database whose log predates migration 0040 (its
 * history would otherwise be absent from `/v2/events`, `/v3/events` and the outbox) and for
 * `rebuild-read-models`. Rows already present are left as they are: a row is only ever inserted.
 */

import type { VisitState, VisitView } from '../../domain/index.js';
import { visitDecider } from '../../domain/index.js';
import type { Ledger } from '../ledger/index.js';
import type { StoredEvent } from '../ports.js';
import {
  evolveVisit,
  partnerEventRowsOf,
  type TerminalLayouts,
  terminalLocations,
  visitRecordOf,
} from '../visits/index.js';
import type { PartnerEventRow } from './partners.ports.js';

const VISIT_STREAM = 'visit-';

export interface RefillResult {
  /** Events of the log read. */
  readonly scanned: number;
  /** Rows inserted. */
  readonly inserted: number;
}

/** Reads the log in batches of `batch`, folding each visit as it goes; writes the missing rows in batches too. */
export async function refillPartnerEvents(
  deps: { readonly ledger: Pick<Ledger, 'store'>; readonly terminals: TerminalLayouts },
  options: { readonly batch?: number } = {},
): Promise<RefillResult> {
  const { store } = deps.ledger;
  const batch = options.batch ?? 1000;
  const present = new Set<number>();
  for (let after = -1; ; ) {
    const rows = await store.partnerEvents.after(after, batch);
    for (const row of rows) present.add(row.auditIndex);
    if (rows.length < batch) break;
    after = rows.at(-1)!.auditIndex;
  }
  const locationOf = terminalLocations(deps.terminals);
  const states = new Map<string, VisitState>();
  const pending: PartnerEventRow[] = [];
  let inserted = 0;
  const flush = async () => {
    if (pending.length === 0) return;
    const rows = pending.splice(0);
    await store.writeTransaction((tx) => tx.partnerEvents.add(rows));
    inserted += rows.length;
  };
  const size = await store.logSize();
  let scanned = 0;
  for (let from = 0; from < size; from += batch) {
    const events = await store.readEvents(from, Math.min(batch, size - from));
    for (const event of events) {
      scanned += 1;
      if (!event.streamId.startsWith(VISIT_STREAM)) continue;
      const visitRef = event.streamId.slice(VISIT_STREAM.length);
      const state = evolveVisit(states.get(visitRef) ?? visitDecider.initialState(), event);
      states.set(visitRef, state);
      if (present.has(event.index)) continue;
      const record = visitRecordOf(visitRef, state, event.streamVersion, event.index);
      if (!record) continue;
      // A void names the event it voids by stream version: read just that one.
      const history: StoredEvent[] = [];
      const voidedVersion = event.type === 'EventVoided' ? event.data.voidedVersion : undefined;
      if (typeof voidedVersion === 'number') {
        const [voided] = await store.readStreamRange(event.streamId, {
          fromVersion: voidedVersion,
          limit: 1,
        });
        if (voided) history[voidedVersion - 1] = voided;
      }
      pending.push(
        ...partnerEventRowsOf({
          visitRef,
          history,
          events: [event],
          view: record.view as unknown as VisitView,
          locationOf,
        }),
      );
      if (pending.length >= batch) await flush();
    }
  }
  await flush();
  return { scanned, inserted };
}
