/**
 * `pickup.changed_late` (issue 15, the Antwerp chain): a booked pickup moved to an *earlier* slot, or another driver
 * named, close to the pickup. In Antwerp the gang changed the pickup times and sent their own drivers before the
 * real haulier came (MISSION §1); the booking decider already asks a second person for such a change inside its
 * sensitivity window (`isSensitiveChange`, 24 h), and this rule watches the narrower band just before the slot,
 * where an approved change still leaves the real chain no time to notice.
 *
 * Honest work it leaves alone: a pickup moved *later* (a truck running late), any change well ahead of the slot (a
 * planner rebooking a day ahead), a new truck for the same driver (a breakdown: the gate checks the driver's badge,
 * so a truck alone gives an outsider nothing), and a booking made again long after the cancelled slot passed.
 * A booking made again after a cancellation is compared with the cancelled one, as the decider compares it, so
 * cancelling and booking anew is no way around the rule.
 */
import type { DetectionAlert, LogEvent, PortFacts, Rule, RuleSettings, RuleStep } from '../rule.js';
import {
  boxName,
  durationText,
  eventMs,
  evidenceOf,
  HOUR_MS,
  hourlyDue,
  instantText,
  MINUTE_MS,
  msOf,
  objectOf,
  textOf,
} from './event-fields.js';

export interface PickupChangedLateSettings extends RuleSettings {
  /** A change less than this many hours before the booked (old) slot starts, or during it, is late. */
  readonly hoursBeforePickup: number;
}

/** The booking in force (or last cancelled) of one visit, as the rule remembers it. */
interface BookedPickup {
  start: number;
  end: number;
  /** `''` when the rule no longer knows it (its memory of the visit was pruned and a re-booking brought it back). */
  driver: string;
  cancelled: boolean;
  /** The audit index of the event that set the slot or driver: the evidence of what was booked before. */
  index: number;
}

export interface PickupChangedLateState {
  bookings: Record<string, BookedPickup>;
  lastPruneMs: number;
}

/**
 * A truck may still be let out this long after its slot ends (the terminal's grace, about 30 minutes; MISSION §6),
 * so a driver changed in that time is still a change before the pickup.
 */
const GRACE_MS = 60 * MINUTE_MS;

const APPOINTMENT_STREAM = 'appointment-';

export const pickupChangedLateRule: Rule<PickupChangedLateState, PickupChangedLateSettings> = {
  id: 'pickup.changed_late',
  description:
    'A booked pickup moved to an earlier slot, or another driver named, less than N hours before the booked slot',
  defaults: { severity: 'high', hoursBeforePickup: 4 },
  initialState: () => ({ bookings: {}, lastPruneMs: 0 }),
  step(state, event, facts, settings): RuleStep<PickupChangedLateState> {
    const now = eventMs(event);
    if (hourlyDue(state.lastPruneMs, now)) prune(state, now);
    if (!event.streamId.startsWith(APPOINTMENT_STREAM)) return { state, alerts: [] };
    const visitRef = textOf(event.data.visitRef);
    if (!visitRef) return { state, alerts: [] };
    const before = state.bookings[visitRef];
    const alerts: DetectionAlert[] = [];
    const late = before !== undefined && isLate(before, now, settings);
    switch (event.type) {
      case 'SlotBooked': {
        const start = msOf(event.data.slotStart);
        const end = msOf(event.data.slotEnd);
        const driver = textOf(event.data.driverBadgeRef) ?? '';
        if (start === undefined || end === undefined) break;
        // Only a booking made again after a cancellation is a change; a first booking changes nothing.
        if (before?.cancelled && late) {
          const earlier = start < before.start;
          const otherDriver = before.driver !== '' && driver !== before.driver;
          if (earlier || otherDriver) {
            alerts.push(
              alertOf(event, facts, settings, visitRef, before, now, earlier ? start : null, otherDriver),
            );
          }
        }
        state.bookings[visitRef] = { start, end, driver, cancelled: false, index: event.index };
        break;
      }
      case 'SlotRebooked': {
        const start = msOf(event.data.slotStart);
        const end = msOf(event.data.slotEnd);
        if (start === undefined || end === undefined) break;
        if (before && late && start < before.start) {
          alerts.push(alertOf(event, facts, settings, visitRef, before, now, start, false));
        }
        state.bookings[visitRef] = {
          start,
          end,
          driver: before?.driver ?? '',
          cancelled: false,
          index: event.index,
        };
        break;
      }
      case 'DriverChanged': {
        const driver = textOf(event.data.driverBadgeRef) ?? '';
        const fromDriver = textOf(event.data.fromDriverBadgeRef) ?? before?.driver ?? '';
        if (before && late && driver !== fromDriver) {
          alerts.push(alertOf(event, facts, settings, visitRef, before, now, null, true));
        }
        if (before) state.bookings[visitRef] = { ...before, driver, index: event.index };
        break;
      }
      case 'BookingCancelled':
        if (before) before.cancelled = true;
        break;
    }
    return { state, alerts };
  },
};

/** A change at `now` is late when it comes less than the setting's hours before the old slot, or during it. */
function isLate(before: BookedPickup, now: number, settings: PickupChangedLateSettings): boolean {
  return now > before.start - settings.hoursBeforePickup * HOUR_MS && now <= before.end + GRACE_MS;
}

/** A booking whose slot (and grace) has passed can no longer make a change late: forget it. */
function prune(state: PickupChangedLateState, now: number): void {
  state.lastPruneMs = now;
  for (const [visitRef, booking] of Object.entries(state.bookings)) {
    if (booking.end + GRACE_MS < now) delete state.bookings[visitRef];
  }
}

function alertOf(
  event: LogEvent,
  facts: PortFacts,
  settings: PickupChangedLateSettings,
  visitRef: string,
  before: BookedPickup,
  now: number,
  newStart: number | null,
  otherDriver: boolean,
): DetectionAlert {
  const by = objectOf(event.data.by);
  const who = `${textOf(by?.userId) ?? 'someone'} of ${textOf(by?.orgId) ?? 'an unknown organisation'}`;
  const lead =
    now < before.start
      ? `${durationText(before.start - now)} before its booked slot`
      : 'after its booked slot began';
  const what = [
    newStart === null ? null : `moved from ${instantText(before.start)} to ${instantText(newStart)}`,
    otherDriver ? 'given another driver' : null,
  ]
    .filter((part) => part !== null)
    .join(' and ');
  const slotId = textOf(event.data.slotId);
  return {
    rule: 'pickup.changed_late',
    severity: settings.severity,
    subject: { kind: 'visit', id: visitRef },
    terminal: facts.visits[visitRef]?.terminal ?? slotId?.split('@')[0] ?? null,
    orgId: null,
    summary: `The pickup of ${boxName(facts, visitRef)} was ${what} ${lead}, by ${who}.`,
    evidence: evidenceOf([before.index], event.index),
  };
}
