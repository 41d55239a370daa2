/**
 * Runs the detection engine over the evaluation's audit log and reads back the alerts it raised. The engine sees
 * the log and nothing else: the incidents' labels stay with the caller.
 */
import { DETECTION_ALERT_RAISED } from '../../src/app/alerts/index.js';
import type { LedgerStore, StoredEvent } from '../../src/app/ports.js';
import { DETECTION_RULE_SET, DetectionCore } from '../../src/domain/index.js';
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

/** The dwell norm the evaluation runs with: ten days, as the engine's own tests use. */
export const EVAL_DWELL_NORM_HOURS = 240;

export interface Detection {
  readonly alerts: ScoredAlert[];
  readonly rules: readonly string[];
  /** Rules that threw, by rule: how many events. */
  readonly faults: Readonly<Record<string, number>>;
  /** Seconds to read the log alone, and to read it and run the engine. */
  readonly readSeconds: number;
  readonly detectSeconds: number;
}

/**
 * Runs the engine's pure core (`DetectionCore`, every registered rule) over the log in index order, as the engine
 * shell does, and keeps the alerts it raises with the instant of the event that raised them.
 */
export async function runEngine(store: LedgerStore): Promise<Detection> {
  const readStarted = performance.now();
  let read = 0;
  for await (const _event of readLog(store)) read++;
  const readSeconds = (performance.now() - readStarted) / 1000;
  const started = performance.now();
  const core = new DetectionCore({ rules: DETECTION_RULE_SET, dwellNormHours: EVAL_DWELL_NORM_HOURS });
  const alerts: ScoredAlert[] = [];
  const faults: Record<string, number> = {};
  for await (const event of readLog(store)) {
    const raised = core.apply({
      index: event.index,
      streamId: event.streamId,
      type: event.type,
      recordedAt: event.recordedAt,
      data: event.data,
    });
    for (const alert of raised) {
      alerts.push({ rule: alert.rule, subject: alert.subject, at: event.recordedAt, summary: alert.summary });
    }
    for (const fault of core.takeFaults()) faults[fault.rule] = (faults[fault.rule] ?? 0) + 1;
  }
  void read;
  return {
    alerts,
    rules: core.ruleIds,
    faults,
    readSeconds,
    detectSeconds: (performance.now() - started) / 1000,
  };
}
