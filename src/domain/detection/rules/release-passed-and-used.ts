/**
 * `release.passed_and_used` (issue 15, the Antwerp chain): a release right that changed hands and was used for a
 * pickup within minutes. In Antwerp the PIN went from party to party and whoever typed it at the gate drove off
 * with the box, ahead of the real haulier (MISSION §1); a right that lands with a party and goes straight to the
 * gate leaves the chain no time to notice.
 *
 * "Used" means the pickup itself, not the paperwork around it:
 * - a truck at the gate for the box (`GateAttemptAccepted` or `GateAttemptRefused`), or
 * - the new holder booking, re-booking or naming the driver of a pickup whose slot begins within the same minutes
 *   (the box is being sent for at once; this alert comes before the truck does, while a freeze still stops it).
 * The default window is an hour and a half: slots are booked days ahead (MISSION §6), and a right that lands with
 * a haulier less than that before its truck is at the gate leaves the line and the forwarder no time to notice.
 * A haulier accepting a right and booking a slot in the same sitting for later that day is the daily routine, and
 * so is a forwarder passing a right on hours before the pickup: neither fires. The pickup credential is issued with
 * the booking, so it says nothing the booking does not.
 */
import type { DetectionAlert, LogEvent, PortFacts, Rule, RuleSettings, RuleStep } from '../rule.js';
import {
  boxName,
  durationText,
  eventMs,
  evidenceOf,
  hourlyDue,
  MINUTE_MS,
  msOf,
  objectOf,
  textOf,
} from './event-fields.js';

export interface ReleasePassedAndUsedSettings extends RuleSettings {
  /** A pickup within this many minutes of the right changing hands fires. */
  readonly withinMinutes: number;
}

/** The last accepted transfer of a visit's right. */
interface Transfer {
  at: number;
  index: number;
  from: string;
  to: string;
  /** An alert was raised for it already: one alert per transfer. */
  fired: boolean;
}

export interface ReleasePassedAndUsedState {
  transfers: Record<string, Transfer>;
  lastPruneMs: number;
}

const GATE_ATTEMPTS = new Set(['GateAttemptAccepted', 'GateAttemptRefused']);
const BOOKINGS = new Set(['SlotBooked', 'SlotRebooked', 'DriverChanged']);

export const releasePassedAndUsedRule: Rule<ReleasePassedAndUsedState, ReleasePassedAndUsedSettings> = {
  id: 'release.passed_and_used',
  description:
    'A release right accepted by a new party and, within `withinMinutes` minutes, presented at the gate or booked by that party for a slot starting by then.',
  defaults: { severity: 'high', withinMinutes: 90 },
  initialState: () => ({ transfers: {}, lastPruneMs: 0 }),
  step(state, event, facts, settings): RuleStep<ReleasePassedAndUsedState> {
    const now = eventMs(event);
    const window = settings.withinMinutes * MINUTE_MS;
    if (hourlyDue(state.lastPruneMs, now)) {
      state.lastPruneMs = now;
      for (const [visitRef, transfer] of Object.entries(state.transfers)) {
        if (transfer.at + window < now) delete state.transfers[visitRef];
      }
    }
    const visitRef = textOf(event.data.visitRef);
    if (!visitRef) return { state, alerts: [] };
    if (event.type === 'ReleaseTransferAccepted' && event.streamId.startsWith('release-')) {
      const from = textOf(event.data.from);
      const to = textOf(event.data.to);
      if (from && to) state.transfers[visitRef] = { at: now, index: event.index, from, to, fired: false };
      return { state, alerts: [] };
    }
    const transfer = state.transfers[visitRef];
    if (!transfer || transfer.fired || now - transfer.at > window) return { state, alerts: [] };
    let used: string | null = null;
    if (GATE_ATTEMPTS.has(event.type) && event.streamId.startsWith('gate-')) {
      used = `${event.type === 'GateAttemptAccepted' ? 'collected at the gate' : 'presented at the gate'} ${durationText(now - transfer.at)} later`;
    } else if (BOOKINGS.has(event.type) && event.streamId.startsWith('appointment-')) {
      const byOrg = textOf(objectOf(event.data.by)?.orgId);
      const slotStart = msOf(event.data.slotStart) ?? msOf(facts.visits[visitRef]?.pickupAt ?? undefined);
      if (byOrg === transfer.to && slotStart !== undefined && slotStart <= transfer.at + window) {
        const lead =
          slotStart > transfer.at ? `${durationText(slotStart - transfer.at)} after that` : 'at once';
        used = `booked ${durationText(now - transfer.at)} later for a pickup starting ${lead}`;
      }
    }
    if (used === null) return { state, alerts: [] };
    transfer.fired = true;
    return { state, alerts: [alertOf(event, facts, settings, visitRef, transfer, used)] };
  },
};

function alertOf(
  event: LogEvent,
  facts: PortFacts,
  settings: ReleasePassedAndUsedSettings,
  visitRef: string,
  transfer: Transfer,
  used: string,
): DetectionAlert {
  return {
    rule: 'release.passed_and_used',
    severity: settings.severity,
    subject: { kind: 'visit', id: visitRef },
    terminal: facts.visits[visitRef]?.terminal ?? null,
    orgId: null,
    summary: `The release right of ${boxName(facts, visitRef)} passed from ${transfer.from} to ${transfer.to} and was ${used}.`,
    evidence: evidenceOf([transfer.index], event.index),
  };
}
