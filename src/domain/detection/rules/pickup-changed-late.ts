/**
 * `pickup.changed_late` (issue 15, the Antwerp chain): a booked pickup moved to an *earlier* slot close to the
 * pickup, or a driver the haulier has never sent named close to it. In Antwerp the gang changed the pickup times and
 * sent their own drivers before the real haulier came (MISSION §1); the booking decider already asks a second person
 * for such a change inside its sensitivity window (`isSensitiveChange`, 24 h), and this rule watches the narrower
 * band just before the pickup, where even an approved change leaves the real chain no time to notice.
 *
 * - **Moved earlier, close to the pickup**: the change comes less than N hours before the booked slot (or during
 *   it), or it moves the pickup to a slot that starts less than N hours after the change (a pickup two days out
 *   pulled forward to this afternoon is as close as it gets).
 * - **Another driver, close to the pickup**: less than N hours before the booked slot (or during it, or its grace),
 *   a driver named whom the haulier making the change has never named in the last year. A driver off sick on the
 *   day, replaced by a colleague of the same firm, is the daily routine and does not fire; a stranger is the gang's
 *   driver.
 *
 * Honest work it leaves alone besides: a pickup moved *later* (a truck running late), any change well ahead of the
 * slot (a planner rebooking a day ahead), a new truck for the same driver (a breakdown: the gate checks the driver's
 * badge, so a truck alone gives an outsider nothing), and a booking made again long after the cancelled slot passed.
 * A booking made again after a cancellation is compared with the cancelled one, as the decider compares it, so
 * cancelling and booking anew is no way around the rule.
 */
import type { DetectionAlert, LogEvent, PortFacts, Rule, RuleSettings, RuleStep } from '../rule.js';
import {
  boxName,
  DAY_MS,
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
  /** A change less than this many hours before the booked slot, or to a slot this close, is late. */
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
  /** Per organisation, the drivers (badge references) it named and when it last did. */
  drivers: Record<string, Record<string, number>>;
  lastPruneMs: number;
}

/**
 * A truck may still be let out this long after its slot ends (the terminal's grace, about 30 minutes; MISSION §6),
 * so a driver changed in that time is still a change before the pickup.
 */
const GRACE_MS = 60 * MINUTE_MS;
/** A driver the organisation named within this long is one of its own. */
const DRIVER_MEMORY_MS = 365 * DAY_MS;

const APPOINTMENT_STREAM = 'appointment-';

/** What a change did that makes it late. */
interface LateChange {
  readonly newStart: number | null;
  readonly strangerDriver: boolean;
}

export const pickupChangedLateRule: Rule<PickupChangedLateState, PickupChangedLateSettings> = {
  id: 'pickup.changed_late',
  description:
    'A booked pickup moved to an earlier slot, or given a driver the haulier never named, less than `hoursBeforePickup` hours before its slot (or moved to a slot that close).',
  defaults: { severity: 'high', hoursBeforePickup: 4 },
  initialState: () => ({ bookings: {}, drivers: {}, lastPruneMs: 0 }),
  step(state, event, facts, settings): RuleStep<PickupChangedLateState> {
    const now = eventMs(event);
    if (hourlyDue(state.lastPruneMs, now)) prune(state, now);
    if (!event.streamId.startsWith(APPOINTMENT_STREAM)) return { state, alerts: [] };
    const visitRef = textOf(event.data.visitRef);
    if (!visitRef) return { state, alerts: [] };
    const before = state.bookings[visitRef];
    const orgId = textOf(objectOf(event.data.by)?.orgId);
    const window = settings.hoursBeforePickup * HOUR_MS;
    const late = before !== undefined && now > before.start - window && now <= before.end + GRACE_MS;
    const earlierAndClose = (start: number) =>
      before !== undefined && start < before.start && (late || start < now + window);
    const stranger = (driver: string) =>
      late && driver !== '' && orgId !== undefined && state.drivers[orgId]?.[driver] === undefined;
    let change: LateChange | null = null;
    switch (event.type) {
      case 'SlotBooked': {
        const start = msOf(event.data.slotStart);
        const end = msOf(event.data.slotEnd);
        const driver = textOf(event.data.driverBadgeRef) ?? '';
        if (start === undefined || end === undefined) break;
        // Only a booking made again after a cancellation is a change; a first booking changes nothing.
        if (before?.cancelled) {
          const earlier = earlierAndClose(start);
          const otherDriver = before.driver !== '' && driver !== before.driver && stranger(driver);
          if (earlier || otherDriver)
            change = { newStart: earlier ? start : null, strangerDriver: otherDriver };
        }
        state.bookings[visitRef] = { start, end, driver, cancelled: false, index: event.index };
        noteDriver(state, orgId, driver, now);
        break;
      }
      case 'SlotRebooked': {
        const start = msOf(event.data.slotStart);
        const end = msOf(event.data.slotEnd);
        if (start === undefined || end === undefined) break;
        if (earlierAndClose(start)) change = { newStart: start, strangerDriver: false };
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
        if (before && driver !== fromDriver && stranger(driver))
          change = { newStart: null, strangerDriver: true };
        if (before) state.bookings[visitRef] = { ...before, driver, index: event.index };
        noteDriver(state, orgId, driver, now);
        break;
      }
      case 'BookingCancelled':
        if (before) before.cancelled = true;
        break;
    }
    const alerts = change && before ? [alertOf(event, facts, settings, visitRef, before, now, change)] : [];
    return { state, alerts };
  },
};

function noteDriver(
  state: PickupChangedLateState,
  orgId: string | undefined,
  driver: string,
  now: number,
): void {
  if (!orgId || driver === '') return;
  const named = state.drivers[orgId] ?? {};
  named[driver] = now;
  state.drivers[orgId] = named;
}

/** A booking whose slot (and grace) has passed can no longer make a change late: forget it; and long-gone drivers. */
function prune(state: PickupChangedLateState, now: number): void {
  state.lastPruneMs = now;
  for (const [visitRef, booking] of Object.entries(state.bookings)) {
    if (booking.end + GRACE_MS < now) delete state.bookings[visitRef];
  }
  for (const named of Object.values(state.drivers)) {
    for (const [driver, at] of Object.entries(named)) if (at + DRIVER_MEMORY_MS < now) delete named[driver];
  }
}

function alertOf(
  event: LogEvent,
  facts: PortFacts,
  settings: PickupChangedLateSettings,
  visitRef: string,
  before: BookedPickup,
  now: number,
  change: LateChange,
): DetectionAlert {
  const by = objectOf(event.data.by);
  const orgId = textOf(by?.orgId) ?? 'an unknown organisation';
  const who = `${textOf(by?.userId) ?? 'someone'} of ${orgId}`;
  const lead =
    now < before.start
      ? `${durationText(before.start - now)} before its booked slot`
      : 'after its booked slot began';
  const what = [
    change.newStart === null
      ? null
      : `moved from ${instantText(before.start)} to ${instantText(change.newStart)}`,
    change.strangerDriver ? `given a driver ${orgId} had not named before` : null,
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
