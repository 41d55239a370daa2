/**
 * The detection engine's shell (issue 15): reads the audit log in index order from its stored place, runs the pure
 * `DetectionCore` over each batch, and in ONE write transaction records every alert as a `DetectionAlertRaised`
 * event with its row, freezes each visit a high or critical alert names, and moves its place on with a
 * compare-and-set. A crash anywhere before the commit loses the whole batch, which the next run redoes from the
 * stored snapshot: the same alerts, none twice, none missed. Two engines that read the same place can never both
 * move on from it; on PostgreSQL only the holder of the `detection-engine` role runs (`serve.ts`).
 */
import {
  type DetectionAlert,
  DetectionCore,
  type DetectionCoreOptions,
  type LogEvent,
  type RuleFault,
} from '../../domain/index.js';
import {
  ALERTS_STREAM,
  DETECTION_ALERT_RAISED,
  type DetectionAlertData,
  detectionAlertRecord,
} from '../alerts/index.js';
import type { Ledger, WriteContext } from '../ledger/index.js';
import { ConcurrencyError, type LedgerReads, type StoredEvent } from '../ports.js';
import { executeVisitCommand } from '../visits/index.js';

/** The engine id of the port's own detection engine. */
export const DETECTION_ENGINE_ID = 'detection';
/** Who the log names as having frozen a visit on an alert of the engine. */
export const DETECTION_ENGINE_ACTOR = 'detection-engine';
/** Events per batch when none is given: one snapshot written per batch. */
export const DEFAULT_DETECTION_BATCH = 2000;

/** What a visit alert of these severities does at once (issue 15, Response). */
const FREEZING: ReadonlySet<string> = new Set(['high', 'critical']);
const ENDED_STATUSES: ReadonlySet<string> = new Set(['gated_out', 'loaded', 'cancelled']);

/** An engine's core and the place it was stored at, in this process. */
export interface DetectionEngineState {
  readonly engineId: string;
  readonly options: DetectionCoreOptions;
  /** The core as of `storedPosition`; undefined until loaded, and again after a failed batch. */
  core: DetectionCore | undefined;
  /** The stored position the core stands at (`null`: the engine never stored one). */
  storedPosition: number | null;
}

/** What one run did. */
export interface DetectionRunResult {
  /** Events applied and committed (0 when caught up). */
  readonly applied: number;
  /** The position stored now: the next audit index the engine reads. */
  readonly position: number;
  /** The audit indexes of the `DetectionAlertRaised` events it appended. */
  readonly alertIds: readonly number[];
  /** The visits it froze. */
  readonly frozen: readonly string[];
  /** Rules that threw on an event of the batch (the batch still committed). */
  readonly faults: readonly RuleFault[];
}

/** An engine for `options` (the rules, their settings, the dwell norms); nothing is read until it runs. */
export function detectionEngine(
  options: DetectionCoreOptions,
  engineId: string = DETECTION_ENGINE_ID,
): DetectionEngineState {
  return { engineId, options, core: undefined, storedPosition: null };
}

/** The core at the engine's stored place: restored from its snapshot, or new at index 0 when none is stored. */
export async function loadDetectionCore(
  reads: Pick<LedgerReads, 'detection'>,
  options: DetectionCoreOptions,
  engineId: string = DETECTION_ENGINE_ID,
): Promise<{ core: DetectionCore; storedPosition: number | null }> {
  const cursor = await reads.detection.getDetectionCursor(engineId);
  if (!cursor) return { core: new DetectionCore(options), storedPosition: null };
  const core = DetectionCore.restore(JSON.parse(cursor.state), options);
  if (core.position !== cursor.position) {
    throw new Error(
      `detection engine ${engineId}: stored at ${cursor.position}, its snapshot at ${core.position}`,
    );
  }
  return { core, storedPosition: cursor.position };
}

/**
 * Reads up to `batch` events from the engine's place and commits what they raise, with the new place, in one
 * write. Refused (`store.concurrency`, nothing written) when another engine moved the place on meanwhile; the next
 * run starts again from the stored place.
 *
 * @example
 * ```ts
 * const engine = detectionEngine({ rules: DETECTION_RULE_SET, settings, dwellNormHours: 240 });
 * while ((await runDetectionOnce({ ledger, engine })).applied > 0) {}
 * ```
 */
export async function runDetectionOnce(args: {
  ledger: Ledger;
  engine: DetectionEngineState;
  batch?: number;
  /**
   * Learn only: the rules' states and the facts move on and the place is stored, but what the rules raise is not
   * recorded. For history the engine was not running for (a log from before detection existed, a port's seeded
   * set-up): alerting on it would freeze boxes today for what happened months ago (`portledger detect --learn`).
   */
  learnOnly?: boolean;
}): Promise<DetectionRunResult> {
  const { ledger, engine } = args;
  const batch = args.batch ?? DEFAULT_DETECTION_BATCH;
  if (!engine.core) {
    const loaded = await loadDetectionCore(ledger.store, engine.options, engine.engineId);
    engine.core = loaded.core;
    engine.storedPosition = loaded.storedPosition;
  }
  const core = engine.core;
  const from = core.position;
  const events = await ledger.store.readEvents(from, batch);
  if (events.length === 0) {
    return { applied: 0, position: from, alertIds: [], frozen: [], faults: [] };
  }

  // The core moves on as it applies: from here until the commit, it is ahead of the stored place.
  engine.core = undefined;
  const alerts: DetectionAlert[] = [];
  for (const event of events) {
    for (const alert of core.apply(logEventOf(event))) alerts.push(alert);
  }
  const faults = core.takeFaults();
  const position = core.position;
  const state = JSON.stringify(core.snapshot());
  const expected = engine.storedPosition;

  const { alertIds, frozen } = await ledger.write(async (context) => {
    const moved = await context.tx.detection.advanceDetectionCursor(
      { engineId: engine.engineId, position, state, updatedAt: context.now.toISOString() },
      expected,
    );
    // Another engine moved on from the same place first: this batch is theirs; nothing of it is written.
    if (!moved) throw new ConcurrencyError(`detection-${engine.engineId}`, expected ?? 0, -1);
    return recordAlerts(context, args.learnOnly ? [] : alerts);
  });
  engine.core = core;
  engine.storedPosition = position;
  return { applied: events.length, position, alertIds, frozen, faults };
}

/** The log's event as the rules see it. */
export function logEventOf(event: StoredEvent): LogEvent {
  return {
    index: event.index,
    streamId: event.streamId,
    type: event.type,
    recordedAt: event.recordedAt,
    data: event.data,
  };
}

/** The data of the `DetectionAlertRaised` event that records `alert`. */
export function detectionAlertData(alert: DetectionAlert): DetectionAlertData {
  return {
    rule: alert.rule,
    severity: alert.severity,
    subjectKind: alert.subject.kind,
    subjectId: alert.subject.id,
    terminal: alert.terminal,
    orgId: alert.orgId,
    summary: alert.summary,
    evidence: [...alert.evidence],
  };
}

/**
 * Appends each alert with its row, marks its box on the yard map, and freezes each visit a high or critical alert
 * names, once, with the same event and rows an officer's freeze makes (`freeze.usecases.ts`).
 */
async function recordAlerts(
  context: WriteContext,
  alerts: readonly DetectionAlert[],
): Promise<{ alertIds: number[]; frozen: string[] }> {
  const { tx } = context;
  if (alerts.length === 0) return { alertIds: [], frozen: [] };
  const raised = await context.appendAtEnd(
    ALERTS_STREAM,
    alerts.map((alert) => ({ type: DETECTION_ALERT_RAISED, data: detectionAlertData(alert) })),
  );
  const frozen: string[] = [];
  for (const [i, event] of raised.entries()) {
    const alert = alerts[i]!;
    const record = detectionAlertRecord(event);
    await tx.putAlertRecord(record);
    if (alert.subject.kind !== 'visit') continue;
    const visit = await tx.getVisit(alert.subject.id);
    if (!visit) continue;
    // The yard map marks the box until the alert is resolved, as other visit alerts do.
    await tx.adjustOpenAlerts(visit.visitRef, 1);
    if (!FREEZING.has(alert.severity) || ENDED_STATUSES.has(visit.status)) continue;
    if (visit.view.frozen !== null && visit.view.frozen !== undefined) continue;
    // Freezing never changes the yard: no layouts are needed to decide it.
    await executeVisitCommand(context, new Map(), visit.visitRef, {
      type: 'FreezeVisit',
      reason: `Detection alert ${event.index}: ${alert.rule} (${alert.severity})`,
      by: DETECTION_ENGINE_ACTOR,
      alertId: String(event.index),
    });
    frozen.push(visit.visitRef);
  }
  return { alertIds: raised.map((event) => event.index), frozen };
}
