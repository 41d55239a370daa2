/**
 * Runs the detection engine over the evaluation's audit log and reads back the alerts it raised. The engine sees
 * the log and nothing else: the incidents' labels stay with the caller.
 */
import { DETECTION_ALERT_RAISED } from '../../src/app/alerts/index.js';
import { detectionEngine, runDetectionOnce } from '../../src/app/detection/index.js';
import type { Ledger } from '../../src/app/ledger/index.js';
import type { LedgerStore, StoredEvent } from '../../src/app/ports.js';
import { readDetectionSettings } from '../../src/cli/detection-settings.js';
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

export interface Detection {
  readonly rules: readonly string[];
  /** Rules that threw, by rule: on how many events. */
  readonly faults: Readonly<Record<string, number>>;
  /** Seconds the engine ran, in all its catch-ups. */
  readonly seconds: number;
  /** Visits it froze on a high or critical alert. */
  readonly frozen: number;
}

/**
 * The port's detection engine (`src/app/detection`) with the rules, thresholds and dwell norm the environment sets
 * (`PORTLEDGER_DETECT_*`, defaults otherwise), run to the end of the log each time it is called: every alert a
 * `DetectionAlertRaised` event in the log, every high or critical visit alert a freeze.
 */
export function detectionRunner(env: NodeJS.ProcessEnv = process.env) {
  const settings = readDetectionSettings(env);
  const engine = detectionEngine(settings.core);
  const faults: Record<string, number> = {};
  let seconds = 0;
  let frozen = 0;
  return {
    async catchUp(ledger: Ledger): Promise<void> {
      const started = performance.now();
      for (;;) {
        const run = await runDetectionOnce({ ledger, engine, batch: 5000 });
        for (const fault of run.faults) faults[fault.rule] = (faults[fault.rule] ?? 0) + 1;
        frozen += run.frozen.length;
        if (run.applied === 0) break;
      }
      seconds += (performance.now() - started) / 1000;
    },
    result(): Detection {
      return { rules: settings.core.rules.map((rule) => rule.id), faults, seconds, frozen };
    },
  };
}

/** Seconds to read the whole log without rules: the baseline the engine's speed is measured against. */
export async function readSeconds(store: LedgerStore): Promise<number> {
  const started = performance.now();
  let events = 0;
  for await (const _event of readLog(store)) events++;
  return events >= 0 ? (performance.now() - started) / 1000 : 0;
}
