/**
 * `visit.void_with_live_release` (issue 15, the Antwerp chain): a void asked for on a visit whose release right is
 * live (issued, not revoked, not yet used at the gate). In Antwerp the gang wiped the records so the boxes
 * "vanished" (MISSION §1); here nothing is deleted, but a void takes an event back, and taking back a discharge, a
 * move or a hold on a box that can be collected right now is how a record would be bent before a pickup.
 *
 * It fires when the void is asked for (`ApprovalRequested` of kind `visit.void`, whose subject is the visit), so
 * that the box is frozen while the second person still decides, and again only for a void recorded without such a
 * request while the right is live (`EventVoided` not asked for through the approvals, or asked for before the
 * release was issued). One alert per void. Voids on boxes with no live right, the everyday fixing of a clerk's
 * mistake before the line releases the box, do not fire.
 */
import type { DetectionAlert, LogEvent, PortFacts, Rule, RuleSettings, RuleStep } from '../rule.js';
import { boxName, DAY_MS, eventMs, evidenceOf, hourlyDue, objectOf, textOf } from './event-fields.js';

export type VisitVoidWithLiveReleaseSettings = RuleSettings;

/** A void asked for: which version of which visit, when, and whether it raised an alert. */
interface AskedVoid {
  version: number;
  at: number;
  index: number;
  fired: boolean;
}

export interface VisitVoidWithLiveReleaseState {
  /** Voids asked for, by visit, until they are recorded or their request is long expired. */
  asked: Record<string, AskedVoid[]>;
  lastPruneMs: number;
}

/** A void request waits a day at most (`APPROVAL_TTL_MS`); its memory is kept a little longer. */
const ASKED_KEPT_MS = 2 * DAY_MS;

export const visitVoidWithLiveReleaseRule: Rule<
  VisitVoidWithLiveReleaseState,
  VisitVoidWithLiveReleaseSettings
> = {
  id: 'visit.void_with_live_release',
  description:
    "A void of an event of a visit asked for, or recorded, while the visit's release right is live.",
  defaults: { severity: 'high' },
  initialState: () => ({ asked: {}, lastPruneMs: 0 }),
  step(state, event, facts, settings): RuleStep<VisitVoidWithLiveReleaseState> {
    const now = eventMs(event);
    if (hourlyDue(state.lastPruneMs, now)) prune(state, now);
    const data = event.data;
    if (event.type === 'ApprovalRequested' && data.kind === 'visit.void') {
      const visitRef = textOf(data.subject);
      const change = objectOf(data.change);
      const version = typeof change?.voidedVersion === 'number' ? change.voidedVersion : -1;
      if (!visitRef) return { state, alerts: [] };
      const live = facts.visits[visitRef]?.liveRelease === true;
      const asked = state.asked[visitRef] ?? [];
      state.asked[visitRef] = asked;
      asked.push({ version, at: now, index: event.index, fired: live });
      if (!live) return { state, alerts: [] };
      const requester = objectOf(data.requestedBy);
      const voidedType = textOf(objectOf(change?.before)?.type);
      const who = `${textOf(requester?.userId) ?? 'someone'} of ${textOf(requester?.orgId) ?? 'an unknown organisation'}`;
      const terminal = textOf(data.terminal) ?? null;
      return {
        state,
        alerts: [alertOf(event, facts, settings, visitRef, voidedType, `asked for by ${who}`, terminal, [])],
      };
    }
    if (event.type === 'EventVoided' && event.streamId.startsWith('visit-')) {
      const visitRef = textOf(data.visitRef);
      if (!visitRef) return { state, alerts: [] };
      const asked = state.asked[visitRef] ?? [];
      const request = asked.find((a) => a.version === data.voidedVersion);
      if (request) {
        asked.splice(asked.indexOf(request), 1);
        if (asked.length === 0) delete state.asked[visitRef];
        if (request.fired) return { state, alerts: [] };
      }
      if (facts.visits[visitRef]?.liveRelease !== true) return { state, alerts: [] };
      const people = [textOf(data.requestedBy), textOf(data.approvedBy)].filter((p) => p !== undefined);
      const how = people.length > 0 ? `recorded by ${people.join(' and ')}` : 'recorded';
      return {
        state,
        alerts: [
          alertOf(
            event,
            facts,
            settings,
            visitRef,
            textOf(data.voidedType),
            how,
            null,
            request ? [request.index] : [],
          ),
        ],
      };
    }
    return { state, alerts: [] };
  },
};

function alertOf(
  event: LogEvent,
  facts: PortFacts,
  settings: VisitVoidWithLiveReleaseSettings,
  visitRef: string,
  voidedType: string | undefined,
  how: string,
  terminal: string | null,
  earlier: number[],
): DetectionAlert {
  const what = voidedType
    ? `the ${voidedType} of ${boxName(facts, visitRef)}`
    : `an event of ${boxName(facts, visitRef)}`;
  return {
    rule: 'visit.void_with_live_release',
    severity: settings.severity,
    subject: { kind: 'visit', id: visitRef },
    terminal: terminal ?? facts.visits[visitRef]?.terminal ?? null,
    orgId: null,
    summary: `A void of ${what} was ${how} while its release right is live.`,
    evidence: evidenceOf(earlier, event.index),
  };
}

function prune(state: VisitVoidWithLiveReleaseState, now: number): void {
  state.lastPruneMs = now;
  for (const [visitRef, asked] of Object.entries(state.asked)) {
    const kept = asked.filter((a) => a.at + ASKED_KEPT_MS >= now);
    if (kept.length === 0) delete state.asked[visitRef];
    else state.asked[visitRef] = kept;
  }
}
