/**
 * `visit.vanished` (issue 15, the Antwerp chain): a box the log has in the yard that nothing has shown to be there
 * for too long. In Antwerp the boxes "vanished": collected by the gang's drivers, their records wiped (MISSION §1).
 * Here nothing is wiped, so a box that left without a gate-out still stands in the log's yard; this rule notices
 * that nothing happens to it any more, or that a survey did not find it:
 *
 * - **Idle past the dwell norm**: no event about the box (its visit, release, booking, pickup or gate events) for
 *   longer than its terminal's dwell norm (`PortFacts.dwellNormHours`, the engine's setting). A survey that covered
 *   its block and did not list it as missing or misplaced saw it there, and counts as an event about it. A freeze
 *   does not: it is the response to an alert, not a sign of the box.
 * - **Not where the survey saw it**: a `YardSurveyRecorded` that lists the box as missing or misplaced, followed by
 *   no explanation within the grace hours: no move, correction, gate-out, load or void of it, and no later survey of
 *   its block that found it where the log has it. The survey itself raises `survey.missing` / `survey.misplaced` at
 *   once; this alert says the discrepancy was never explained.
 *
 * Time advances with every event (the log's clock); the rule checks at most once per simulated hour, against a
 * queue per terminal of boxes by their last event, so a 90-day log stays cheap. One alert per box per disappearance:
 * a new event about the box starts its count again.
 */
import type { JsonValue } from '../../json.js';
import type { DetectionAlert, LogEvent, PortFacts, Rule, RuleSettings, RuleStep } from '../rule.js';
import { boxName, durationText, eventMs, evidenceOf, HOUR_MS, objectOf, textOf } from './event-fields.js';

export interface VisitVanishedSettings extends RuleSettings {
  /** A survey's missing or misplaced box with no explanation this many hours later fires. */
  readonly surveyGraceHours: number;
}

/** A box in the yard by the log, as of its last event. */
interface YardBox {
  terminal: string;
  /** Its last event's time and audit index. */
  at: number;
  index: number;
  alerted: boolean;
}

/** A survey that did not see the box where the log has it. */
interface SurveyMiss {
  at: number;
  index: number;
  how: 'missing' | 'misplaced';
  surveyId: string;
}

export interface VisitVanishedState {
  boxes: Record<string, YardBox>;
  /** Per terminal, boxes by the time of their last event, oldest first; stale entries are skipped. */
  queues: Record<string, { head: number; items: [visitRef: string, at: number][] }>;
  misses: Record<string, SurveyMiss>;
  /** The log's time: the latest event seen. */
  clock: number;
  lastCheckMs: number;
}

/** Events that explain a survey's discrepancy: the box was moved, its record fixed, or it left. */
const EXPLAINS = new Set([
  'ContainerMoved',
  'ContainerPositionCorrected',
  'ContainerGatedOut',
  'ContainerLoaded',
  'EventVoided',
  'GateAttemptAccepted',
]);
/** Events about a box that do not show it is there: the freeze an alert causes. */
const NOT_A_SIGN = new Set(['VisitFrozen', 'VisitUnfrozen']);
/** Streams whose events name a visit without being about the box itself. */
const NOT_ABOUT_THE_BOX = ['alerts', 'alert-', 'views-', 'survey-', 'approval-'];
const SURVEY = 'YardSurveyRecorded';

export const visitVanishedRule: Rule<VisitVanishedState, VisitVanishedSettings> = {
  id: 'visit.vanished',
  description:
    "A box in the yard by the log with no event for longer than its terminal's dwell norm (`PORTLEDGER_DETECT_DWELL_NORM_HOURS`), or missed by a survey and not explained within `surveyGraceHours` hours.",
  defaults: { severity: 'critical', surveyGraceHours: 24 },
  initialState: () => ({ boxes: {}, queues: {}, misses: {}, clock: 0, lastCheckMs: 0 }),
  step(state, event, facts, settings): RuleStep<VisitVanishedState> {
    const now = eventMs(event);
    state.clock = Math.max(state.clock, now);
    if (event.type === SURVEY && event.streamId.startsWith('survey-')) noteSurvey(state, event, facts);
    else noteEvent(state, event, facts);
    if (state.clock - state.lastCheckMs < HOUR_MS) return { state, alerts: [] };
    state.lastCheckMs = state.clock;
    return { state, alerts: check(state, event, facts, settings) };
  },
};

function noteEvent(state: VisitVanishedState, event: LogEvent, facts: PortFacts): void {
  const visitRef = textOf(event.data.visitRef);
  if (!visitRef || NOT_A_SIGN.has(event.type)) return;
  if (NOT_ABOUT_THE_BOX.some((prefix) => event.streamId.startsWith(prefix))) return;
  if (EXPLAINS.has(event.type)) delete state.misses[visitRef];
  const visit = facts.visits[visitRef];
  if (visit?.inYard && visit.terminal) seen(state, visitRef, visit.terminal, eventMs(event), event.index);
  else {
    delete state.boxes[visitRef];
    delete state.misses[visitRef];
  }
}

/** The box was shown to be there at `at` (by event `index`): its count starts again. */
function seen(
  state: VisitVanishedState,
  visitRef: string,
  terminal: string,
  at: number,
  index: number,
): void {
  state.boxes[visitRef] = { terminal, at, index, alerted: false };
  const queue = state.queues[terminal] ?? { head: 0, items: [] };
  state.queues[terminal] = queue;
  queue.items.push([visitRef, at]);
}

function noteSurvey(state: VisitVanishedState, event: LogEvent, facts: PortFacts): void {
  const data = event.data;
  const terminal = textOf(data.terminal);
  if (!terminal) return;
  const found = objectOf(data.discrepancies) ?? data;
  const listed = (list: JsonValue | undefined): string[] =>
    (Array.isArray(list) ? list : []).flatMap((item) => {
      const visitRef = typeof item === 'string' ? item : textOf(objectOf(item)?.visitRef);
      return visitRef ? [visitRef] : [];
    });
  const missing = new Set(listed(found.missing));
  const misplaced = new Set(listed(found.misplaced));
  const blocks = Array.isArray(data.blocks) ? data.blocks.filter((b) => typeof b === 'string') : null;
  const at = eventMs(event);
  const surveyId = textOf(data.surveyId) ?? `at index ${event.index}`;
  for (const [visitRef, box] of Object.entries(state.boxes)) {
    if (box.terminal !== terminal) continue;
    const how = missing.has(visitRef) ? 'missing' : misplaced.has(visitRef) ? 'misplaced' : null;
    if (how !== null) {
      // The first survey that missed it starts the grace; a later one that misses it again does not push it back.
      state.misses[visitRef] ??= { at, index: event.index, how, surveyId };
      continue;
    }
    const block = facts.visits[visitRef]?.slot?.split('/')[1];
    if (blocks !== null && (block === undefined || !blocks.includes(block))) continue;
    // Covered by the survey and not listed: the survey saw it where the log has it.
    delete state.misses[visitRef];
    seen(state, visitRef, terminal, at, event.index);
  }
}

function check(
  state: VisitVanishedState,
  event: LogEvent,
  facts: PortFacts,
  settings: VisitVanishedSettings,
): DetectionAlert[] {
  const alerts: DetectionAlert[] = [];
  const now = state.clock;
  for (const [visitRef, miss] of Object.entries(state.misses)) {
    if (miss.at + settings.surveyGraceHours * HOUR_MS > now) continue;
    delete state.misses[visitRef];
    const box = state.boxes[visitRef];
    if (!box || box.alerted || facts.visits[visitRef]?.inYard !== true) continue;
    box.alerted = true;
    const where = miss.how === 'missing' ? 'did not see it' : 'saw it elsewhere';
    alerts.push(
      alertOf(
        event,
        settings,
        visitRef,
        box,
        `${boxName(facts, visitRef)} is in the yard of ${box.terminal} by the log, but survey ${miss.surveyId} ${where} and nothing has explained it in ${durationText(now - miss.at)}.`,
        [box.index, miss.index],
      ),
    );
  }
  for (const [terminal, queue] of Object.entries(state.queues)) {
    const norm = facts.dwellNormHours[terminal] ?? facts.dwellNormHours['*'];
    if (norm === undefined) continue;
    const cutoff = now - norm * HOUR_MS;
    while (queue.head < queue.items.length) {
      const [visitRef, at] = queue.items[queue.head] as [string, number];
      if (at > cutoff) break;
      queue.head += 1;
      const box = state.boxes[visitRef];
      if (!box || box.at !== at || box.alerted) continue;
      if (facts.visits[visitRef]?.inYard !== true) {
        delete state.boxes[visitRef];
        continue;
      }
      box.alerted = true;
      const slot = facts.visits[visitRef]?.slot;
      alerts.push(
        alertOf(
          event,
          settings,
          visitRef,
          box,
          `${boxName(facts, visitRef)} has stood in the yard${slot ? ` at ${slot}` : ''} with no event for ${durationText(now - at)}, longer than terminal ${terminal}'s dwell norm of ${norm} h.`,
          [box.index],
        ),
      );
    }
    // Drop what was read, once it is most of the queue, so the queue stays the size of the yard and its recent events.
    if (queue.head > 1024 && queue.head * 2 > queue.items.length) {
      queue.items = queue.items.slice(queue.head);
      queue.head = 0;
    }
  }
  return alerts;
}

function alertOf(
  event: LogEvent,
  settings: VisitVanishedSettings,
  visitRef: string,
  box: YardBox,
  summary: string,
  earlier: number[],
): DetectionAlert {
  return {
    rule: 'visit.vanished',
    severity: settings.severity,
    subject: { kind: 'visit', id: visitRef },
    terminal: box.terminal,
    orgId: null,
    summary,
    // The current event is last: a recorded instant past the norm, the proof that the log's time went on without the box.
    evidence: evidenceOf(earlier, event.index),
  };
}
