/**
 * `yard.correction_unexplained` (issue 15, the Antwerp chain): a box's recorded position corrected
 * (`ContainerPositionCorrected`, two people) with nothing physical to explain it. In Antwerp the gang changed where
 * the boxes were recorded to stand (MISSION §1); locations are meant to change by recorded physical moves only, and
 * a correction is the exception for a record that went wrong.
 *
 * A correction is explained, and honest, when shortly before it was asked for:
 * - the box itself was really moved, discharged or gated in to the slot the correction takes it *from*: the record
 *   just written is being fixed (an operator's typo'd slot, a clerk fixing it);
 * - some equipment put a box *into* the slot the correction takes it *to* (a move recorded against the wrong box:
 *   the box that really stands there is corrected into it);
 * - a yard survey saw the box in the slot the correction takes it to (the survey's `misplaced` list), when the survey
 *   was uploaded by someone other than the correction's requester and approver, and the box was not placed anew after
 *   it was seen. Issue 15, hardening: an outside tester holding a bribed planner's passkey uploaded a survey that
 *   "saw" a box in the slot the planner then corrected it to; a survey its own requester or approver uploaded is the
 *   correction vouching for itself. Only the survey's `misplaced` list counts: the sightings it judged (seen after the
 *   box's last placement), never its raw rows or the ones it left "not judged".
 * Only moves *into* the target count: a slot is free for a correction because something left it, so a move out of
 * it would explain nearly every correction in a busy yard. The window is measured back from when the correction was
 * asked for (its `approvalId`), not from the second person's approval, which may come hours later.
 */
import type { DetectionAlert, LogEvent, PortFacts, Rule, RuleSettings, RuleStep } from '../rule.js';
import {
  boxName,
  eventMs,
  evidenceOf,
  HOUR_MS,
  hourlyDue,
  MINUTE_MS,
  msOf,
  objectOf,
  slotKeyOf,
  textOf,
} from './event-fields.js';

export interface YardCorrectionUnexplainedSettings extends RuleSettings {
  /** A real move (of the box, or into the target slot) this many minutes before the request explains it. */
  readonly moveWindowMinutes: number;
  /** A survey that saw the box in the target slot this many hours before the request explains it. */
  readonly surveyWindowHours: number;
}

/** When something was placed somewhere, and the event that says so. */
interface Placement {
  slot: string;
  at: number;
  index: number;
}

/** Where a survey saw a box, and who uploaded the survey (absent in a survey event that names nobody). */
interface Sighting extends Placement {
  by?: string;
}

export interface YardCorrectionUnexplainedState {
  /** The last physical placement into each slot (any box), within the move window. */
  placedInto: Record<string, Placement>;
  /** Each visit's last physical placement, within the move window. */
  visitPlaced: Record<string, Placement>;
  /** Where a survey saw a box that the log has elsewhere, within the survey window. */
  surveySeen: Record<string, Sighting>;
  /** Pending `yard.correction` requests: when each was asked for, and when it expires. */
  requests: Record<string, { at: number; expiresAt: number }>;
  lastPruneMs: number;
}

/** The physical events that put a box in a slot, and where they name it. */
const PLACEMENTS: Readonly<Record<string, 'to' | 'slot'>> = {
  ContainerMoved: 'to',
  ContainerDischarged: 'slot',
  ContainerGatedIn: 'slot',
};

/** A request waits at most a day for its second person (`APPROVAL_TTL_MS`); kept a little longer for safety. */
const REQUEST_KEPT_MS = 48 * HOUR_MS;

export const yardCorrectionUnexplainedRule: Rule<
  YardCorrectionUnexplainedState,
  YardCorrectionUnexplainedSettings
> = {
  id: 'yard.correction_unexplained',
  description:
    "A yard position corrected with no real move of the box from that slot, no move of any box into the target slot within `moveWindowMinutes` before the request, and no survey, uploaded by someone other than the correction's requester and approver, that saw it there within `surveyWindowHours`.",
  defaults: { severity: 'high', moveWindowMinutes: 360, surveyWindowHours: 48 },
  initialState: () => ({ placedInto: {}, visitPlaced: {}, surveySeen: {}, requests: {}, lastPruneMs: 0 }),
  step(state, event, facts, settings): RuleStep<YardCorrectionUnexplainedState> {
    const now = eventMs(event);
    if (hourlyDue(state.lastPruneMs, now)) prune(state, now, settings);
    const data = event.data;
    const placedBy = PLACEMENTS[event.type];
    if (placedBy && event.streamId.startsWith('visit-')) {
      const visitRef = textOf(data.visitRef);
      const slot = slotKeyOf(data[placedBy]);
      if (visitRef && slot) {
        const placement = { slot, at: now, index: event.index };
        state.placedInto[slot] = placement;
        state.visitPlaced[visitRef] = placement;
        // The box stands somewhere new: where a survey saw it before says nothing about where it is now.
        delete state.surveySeen[visitRef];
      }
      return { state, alerts: [] };
    }
    switch (event.type) {
      case 'ApprovalRequested': {
        const requestId = textOf(data.requestId);
        if (requestId && data.kind === 'yard.correction') {
          state.requests[requestId] = { at: now, expiresAt: msOf(data.expiresAt) ?? now + REQUEST_KEPT_MS };
        }
        return { state, alerts: [] };
      }
      case 'YardSurveyRecorded': {
        const misplaced = objectOf(data.discrepancies)?.misplaced ?? data.misplaced;
        const by = textOf(objectOf(data.by)?.userId);
        for (const item of Array.isArray(misplaced) ? misplaced : []) {
          const found = objectOf(item);
          const visitRef = textOf(found?.visitRef);
          const slot = slotKeyOf(found?.seenSlot ?? found?.slot);
          if (!visitRef || !slot) continue;
          // A sighting from before the box's last recorded placement is where it stood before, not where it is.
          const seenAt = msOf(found?.seenAt);
          const placed = state.visitPlaced[visitRef];
          if (seenAt !== undefined && placed !== undefined && seenAt < placed.at) continue;
          state.surveySeen[visitRef] = { slot, at: now, index: event.index, ...(by ? { by } : {}) };
        }
        return { state, alerts: [] };
      }
      case 'ContainerPositionCorrected':
        return { state, alerts: correctionAlerts(state, event, facts, settings, now) };
      default:
        return { state, alerts: [] };
    }
  },
};

function correctionAlerts(
  state: YardCorrectionUnexplainedState,
  event: LogEvent,
  facts: PortFacts,
  settings: YardCorrectionUnexplainedSettings,
  now: number,
): DetectionAlert[] {
  const data = event.data;
  const visitRef = textOf(data.visitRef);
  const from = slotKeyOf(data.from);
  const to = slotKeyOf(data.to);
  if (!visitRef || !from || !to) return [];
  const approvalId = textOf(data.approvalId);
  const request = approvalId ? state.requests[approvalId] : undefined;
  if (approvalId) delete state.requests[approvalId];
  const askedAt = Math.min(request?.at ?? now, now);
  const sinceMove = askedAt - settings.moveWindowMinutes * MINUTE_MS;
  const sinceSurvey = askedAt - settings.surveyWindowHours * HOUR_MS;
  const own = state.visitPlaced[visitRef];
  const into = state.placedInto[to];
  const seen = state.surveySeen[visitRef];
  const people = [textOf(data.requestedBy), textOf(data.approvedBy)].filter((p) => p !== undefined);
  // A survey vouches for a correction only as a third person: one its requester or approver uploaded (or one that
  // names no uploader) is the correction explaining itself.
  const independent = seen?.by !== undefined && !people.includes(seen.by);
  const explained =
    (own !== undefined && own.slot === from && own.at >= sinceMove) ||
    (into !== undefined && into.at >= sinceMove) ||
    (seen !== undefined && independent && seen.slot === to && seen.at >= sinceSurvey);
  if (explained) return [];
  const byWhom = people.length > 0 ? ` by ${people.join(' and ')}` : '';
  return [
    {
      rule: 'yard.correction_unexplained',
      severity: settings.severity,
      subject: { kind: 'visit', id: visitRef },
      terminal: to.split('/')[0] ?? facts.visits[visitRef]?.terminal ?? null,
      orgId: null,
      summary: `The yard position of ${boxName(facts, visitRef)} was corrected from ${from} to ${to}${byWhom} with no yard move or survey to explain it.`,
      evidence: evidenceOf(own ? [own.index] : [], event.index),
    },
  ];
}

function prune(
  state: YardCorrectionUnexplainedState,
  now: number,
  settings: YardCorrectionUnexplainedSettings,
): void {
  state.lastPruneMs = now;
  // Measured back from the request, which is at most a request's lifetime before its correction.
  const moveCut = now - settings.moveWindowMinutes * MINUTE_MS - REQUEST_KEPT_MS;
  const surveyCut = now - settings.surveyWindowHours * HOUR_MS - REQUEST_KEPT_MS;
  for (const [key, placement] of Object.entries(state.placedInto)) {
    if (placement.at < moveCut) delete state.placedInto[key];
  }
  for (const [key, placement] of Object.entries(state.visitPlaced)) {
    if (placement.at < moveCut) delete state.visitPlaced[key];
  }
  for (const [key, sighting] of Object.entries(state.surveySeen)) {
    if (sighting.at < surveyCut) delete state.surveySeen[key];
  }
  for (const [key, request] of Object.entries(state.requests)) {
    if (Math.max(request.expiresAt, request.at + REQUEST_KEPT_MS) < now) delete state.requests[key];
  }
}
