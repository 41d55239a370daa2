/**
 * Runs the detection engine over the evaluation's audit log and reads back the alerts it raised. The engine sees
 * the log and nothing else: the incidents' labels stay with the caller.
 */
import { DETECTION_ALERT_RAISED } from '../../src/app/alerts/index.js';
import type { Ledger } from '../../src/app/ledger/index.js';
import type { LedgerStore, StoredEvent } from '../../src/app/ports.js';
import type { ScoredAlert } from './score.js';

const PAGE = 5000;

/** Every event of the log in index order, a page at a time. */
export async function* readLog(store: LedgerStore, from = 0): AsyncGenerator<StoredEvent> {
  for (let index = from; ; ) {
    const page = await store.readEvents(index, PAGE);
    if (page.length === 0) return;
    for (const event of page) yield event;
    index = page[page.length - 1]!.index + 1;
  }
}

/**
 * The detection alerts in the log, each timed by the last event of its evidence (the event that raised it), so a
 * catch-up run at the end is timed as if it had run live.
 */
export async function alertsInLog(store: LedgerStore): Promise<ScoredAlert[]> {
  const raised: StoredEvent[] = [];
  const recordedAt = new Map<number, string>();
  for await (const event of readLog(store)) {
    recordedAt.set(event.index, event.recordedAt);
    if (event.type === DETECTION_ALERT_RAISED) raised.push(event);
  }
  return raised.map((event) => {
    const data = event.data;
    const evidence = Array.isArray(data.evidence) ? (data.evidence as number[]) : [];
    const last = evidence[evidence.length - 1];
    return {
      rule: String(data.rule),
      subject: { kind: data.subjectKind as 'visit' | 'user' | 'log', id: String(data.subjectId) },
      at: (last !== undefined ? recordedAt.get(last) : undefined) ?? event.recordedAt,
      summary: String(data.summary ?? ''),
    };
  });
}

/** Runs the detection engine over the whole log. (Wired to `src/app/detection` once the engine lands.) */
export async function runEngine(_ledger: Ledger): Promise<void> {}
