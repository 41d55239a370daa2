import { describe, expect, it } from 'vitest';
import {
  type ApprovalGranted,
  type ApprovalRequested,
  approvalDecider,
  type RecordedActor,
} from '../access/index.js';
import { foldEvents } from '../decider.js';
import type { JsonObject } from '../json.js';
import { deciderSpec } from '../testing/decider-spec.js';
import { newVisitReference } from '../visits/index.js';
import type { BookSlot, CancelBooking, ChangeDriver, RebookSlot } from './booking.commands.js';
import type { BookingCancelled, DriverChanged, SlotBooked, SlotRebooked } from './booking.events.js';
import {
  activeBooking,
  bookingDecider,
  initialBookingState,
  isSensitiveChange,
  pickupChangeOf,
  pickupClaimsOf,
} from './booking.js';

const spec = deciderSpec(bookingDecider);
const visitRef = newVisitReference(new Uint8Array(13).fill(0xa5));
const HOUR = 3_600_000;
// The booked slot starts at 08:00 on 3 March; `hoursBefore(h)` is h hours before it.
const SLOT = Date.UTC(2025, 2, 3, 8, 0);
const hoursBefore = (hours: number): string => new Date(SLOT - hours * HOUR).toISOString();
const slot = (hoursFromSlot: number) => {
  const start = new Date(SLOT + hoursFromSlot * HOUR).toISOString();
  const end = new Date(SLOT + hoursFromSlot * HOUR + 30 * 60_000).toISOString();
  const stamp = start.replace(/[-:]/g, '').slice(0, 13);
  return { slotId: `DPW1@${stamp}Z`, slotStart: start, slotEnd: end };
};

const planner = { orgId: 'org-hau', userId: 'u-plan-1' };
const newHolder = { orgId: 'org-hau2', userId: 'u-plan-9' };
const gang = { orgId: 'org-gang', userId: 'u-stolen' };
const driverA = 'hb1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
const driverB = 'hb1.BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB';

const book: BookSlot = {
  type: 'BookSlot',
  at: hoursBefore(48),
  bookingId: 'bk-1',
  visitRef,
  ...slot(0),
  driverBadgeRef: driverA,
  truckPlate: '1-abc-123',
  bookedBy: planner,
  rightVersion: 4,
  holder: 'org-hau',
  slotBooked: 39,
  capacity: 40,
};
const booked: SlotBooked = {
  type: 'SlotBooked',
  visitRef,
  bookingId: 'bk-1',
  bookingVersion: 1,
  ...slot(0),
  driverBadgeRef: driverA,
  truckPlate: '1ABC123',
  rightVersion: 4,
  by: planner,
  approvalId: null,
  at: hoursBefore(48),
};
const rebook = (hoursFromSlot: number, at: string): RebookSlot => ({
  type: 'RebookSlot',
  at,
  ...slot(hoursFromSlot),
  by: planner,
  rightVersion: 4,
  holder: 'org-hau',
  slotBooked: 0,
  capacity: 40,
});
const rebooked = (hoursFromSlot: number, at: string, approvalId: string | null = null): SlotRebooked => ({
  type: 'SlotRebooked',
  visitRef,
  bookingId: 'bk-1',
  bookingVersion: 2,
  fromSlotId: slot(0).slotId,
  ...slot(hoursFromSlot),
  rightVersion: 4,
  by: planner,
  approvalId,
  at,
});
const changeDriver = (at: string, driverBadgeRef = driverB, truckPlate = '1-ABC-123'): ChangeDriver => ({
  type: 'ChangeDriver',
  at,
  driverBadgeRef,
  truckPlate,
  by: planner,
  rightVersion: 4,
  holder: 'org-hau',
});
const driverChanged = (at: string, approvalId: string | null = null): DriverChanged => ({
  type: 'DriverChanged',
  visitRef,
  bookingId: 'bk-1',
  bookingVersion: 2,
  fromDriverBadgeRef: driverA,
  driverBadgeRef: driverB,
  fromTruckPlate: '1ABC123',
  truckPlate: '1ABC123',
  rightVersion: 4,
  by: planner,
  approvalId,
  at,
});
const cancel: CancelBooking = {
  type: 'CancelBooking',
  at: hoursBefore(30),
  by: planner,
  holder: 'org-hau',
  reason: 'vessel delayed',
};
const cancelled: BookingCancelled = {
  type: 'BookingCancelled',
  visitRef,
  bookingId: 'bk-1',
  bookingVersion: 2,
  slotId: slot(0).slotId,
  reason: 'vessel delayed',
  by: planner,
  at: hoursBefore(30),
};

// A granted two-person `pickup.change` approval (issue 3) for `change`.
const recorded = (userId: string): RecordedActor => ({
  userId,
  orgId: 'org-hau',
  orgKind: 'haulier',
  roles: ['haulier_planner'],
  terminals: [],
});
const approval = (
  change: JsonObject,
  options: { requestId?: string; granted?: boolean; subject?: string } = {},
) => {
  const requestId = options.requestId ?? 'apr-7';
  const requested: ApprovalRequested = {
    type: 'ApprovalRequested',
    requestId,
    kind: 'pickup.change',
    subject: options.subject ?? visitRef,
    change,
    terminal: null,
    requestedBy: recorded('u-plan-1'),
    expiresAt: hoursBefore(0),
    at: hoursBefore(6),
  };
  const granted: ApprovalGranted = {
    type: 'ApprovalGranted',
    requestId,
    approvedBy: recorded('u-plan-2'),
    at: hoursBefore(5),
  };
  return foldEvents(approvalDecider, options.granted === false ? [requested] : [requested, granted]);
};

describe('booking a slot', () => {
  it('records the slot, the driver reference and the normalised plate, at booking version 1', () => {
    const state = spec.given([]).when(book).then([booked]);
    expect(activeBooking(state)).toMatchObject({ slotId: slot(0).slotId, status: 'booked' });
    expect(state.bookingVersion).toBe(1);
  });

  it('is for the holder of the release right only', () => {
    spec
      .given([])
      .when({ ...book, bookedBy: gang })
      .thenFails('appointment.not_holder', { orgId: 'org-gang', holder: 'org-hau' });
    spec
      .given([])
      .when({ ...book, holder: null })
      .thenFails('appointment.not_holder', { holder: null });
  });

  it('never exceeds the capacity of the slot', () => {
    spec
      .given([])
      .when({ ...book, slotBooked: 40 })
      .thenFails('appointment.slot_full', { booked: 40, capacity: 40 });
  });

  it('cannot book a slot that has ended', () => {
    spec
      .given([])
      .when({ ...book, at: hoursBefore(-0.5) })
      .thenFails('appointment.slot_in_past');
  });

  it('allows one booking at a time', () => {
    spec
      .given([booked])
      .when({ ...book, bookingId: 'bk-2' })
      .thenFails('appointment.already_booked', { bookingId: 'bk-1' });
  });

  it.each([
    ['driverBadgeRef', { driverBadgeRef: '0412345678' }],
    ['truckPlate', { truckPlate: '---' }],
    ['slotId', { slotId: 'DPW1/A/03/02/1' }],
    ['slotStart', { slotStart: hoursBefore(1) }],
    ['visitRef', { visitRef: 'V-NOT-A-REF' }],
    ['bookedBy.userId', { bookedBy: { orgId: 'org-hau', userId: '' } }],
    ['capacity', { capacity: -1 }],
    ['at', { at: 'yesterday' }],
  ])('refuses a malformed %s', (field, change) => {
    spec
      .given([])
      .when({ ...book, ...change } as BookSlot)
      .thenFails('appointment.command_invalid', { field });
  });

  it('refuses an unknown command', () => {
    spec
      .given([])
      .when({ type: 'Teleport', at: hoursBefore(1) } as unknown as BookSlot)
      .thenFails('appointment.command_invalid', { field: 'type' });
  });
});

describe('re-booking', () => {
  it('moves the slot later at any time, without approval', () => {
    spec
      .given([booked])
      .when(rebook(2, hoursBefore(1)))
      .then([rebooked(2, hoursBefore(1))]);
  });

  it('moves the slot earlier without approval while the booked slot is more than 24 hours away', () => {
    spec
      .given([booked])
      .when(rebook(-3, hoursBefore(25)))
      .then([rebooked(-3, hoursBefore(25))]);
  });

  it('needs a second person to move the slot earlier within 24 hours of it', () => {
    spec
      .given([booked])
      .when(rebook(-3, hoursBefore(23)))
      .thenFails('appointment.approval_required', {
        kind: 'pickup.change',
        change: {
          bookingVersion: 1,
          slotId: slot(-3).slotId,
          driverBadgeRef: driverA,
          truckPlate: '1ABC123',
        },
      });
  });

  it('applies a granted approval for exactly this change, once', () => {
    const command = rebook(-3, hoursBefore(23));
    const change = pickupChangeOf(foldEvents(bookingDecider, [booked]), command);
    const state = spec
      .given([booked])
      .when({ ...command, approval: approval(change) })
      .then([rebooked(-3, hoursBefore(23), 'apr-7')]);
    expect(state.usedApprovals).toEqual(['apr-7']);
    // Back to 08:00 and earlier again with the same approval: refused.
    const back = rebooked(0, hoursBefore(22));
    spec
      .given([
        booked,
        rebooked(-3, hoursBefore(23), 'apr-7'),
        { ...back, fromSlotId: slot(-3).slotId, bookingVersion: 3 },
      ])
      .when({ ...rebook(-3, hoursBefore(21)), approval: approval({ ...change, bookingVersion: 3 }) })
      .thenFails('appointment.approval_used', { requestId: 'apr-7' });
  });

  it('refuses an approval that is pending, for another change, or for another visit', () => {
    const command = rebook(-3, hoursBefore(23));
    const change = pickupChangeOf(foldEvents(bookingDecider, [booked]), command);
    spec
      .given([booked])
      .when({ ...command, approval: approval(change, { granted: false }) })
      .thenFails('appointment.approval_required', { requestId: 'apr-7' });
    spec
      .given([booked])
      .when({ ...command, approval: approval({ ...change, slotId: slot(-5).slotId }) })
      .thenFails('appointment.approval_mismatch', { requestId: 'apr-7' });
    spec
      .given([booked])
      .when({ ...command, approval: approval(change, { subject: 'V-OTHER' }) })
      .thenFails('appointment.approval_mismatch');
  });

  it('takes the sensitivity window from the command', () => {
    spec
      .given([booked])
      .when({ ...rebook(-3, hoursBefore(30)), sensitivity: { hours: 48 } })
      .thenFails('appointment.approval_required');
  });

  it('refuses the same slot, another terminal, a full slot, and a non-holder', () => {
    spec
      .given([booked])
      .when(rebook(0, hoursBefore(30)))
      .thenFails('appointment.no_change');
    spec
      .given([booked])
      .when({ ...rebook(2, hoursBefore(30)), slotId: slot(2).slotId.replace('DPW1', 'PSA2') })
      .thenFails('appointment.command_invalid', { field: 'slotId' });
    spec
      .given([booked])
      .when({ ...rebook(2, hoursBefore(30)), slotBooked: 40 })
      .thenFails('appointment.slot_full');
    spec
      .given([booked])
      .when({ ...rebook(2, hoursBefore(30)), by: gang })
      .thenFails('appointment.not_holder');
  });

  it('needs a booking in force', () => {
    spec
      .given([])
      .when(rebook(2, hoursBefore(30)))
      .thenFails('appointment.not_found');
    spec
      .given([booked, cancelled])
      .when(rebook(2, hoursBefore(20)))
      .thenFails('appointment.not_found');
  });
});

describe('changing the driver', () => {
  it('names another driver freely while the slot is more than 24 hours away', () => {
    const state = spec
      .given([booked])
      .when(changeDriver(hoursBefore(30)))
      .then([driverChanged(hoursBefore(30))]);
    expect(activeBooking(state)?.driverBadgeRef).toBe(driverB);
    expect(state.bookingVersion).toBe(2);
  });

  it('needs a second person within 24 hours of the slot, and after it started', () => {
    spec
      .given([booked])
      .when(changeDriver(hoursBefore(2)))
      .thenFails('appointment.approval_required');
    spec
      .given([booked])
      .when(changeDriver(hoursBefore(-0.25)))
      .thenFails('appointment.approval_required');
    const command = changeDriver(hoursBefore(2));
    const change = pickupChangeOf(foldEvents(bookingDecider, [booked]), command);
    spec
      .given([booked])
      .when({ ...command, approval: approval(change) })
      .then([driverChanged(hoursBefore(2), 'apr-7')]);
  });

  it('changes only the truck without approval, even close to the slot', () => {
    spec
      .given([booked])
      .when(changeDriver(hoursBefore(1), driverA, '2-XYZ-987'))
      .then([{ ...driverChanged(hoursBefore(1)), driverBadgeRef: driverA, truckPlate: '2XYZ987' }]);
  });

  it('refuses a change that changes nothing', () => {
    spec
      .given([booked])
      .when(changeDriver(hoursBefore(30), driverA, '1 ABC 123'))
      .thenFails('appointment.no_change');
  });

  it('lets a new holder of the right re-nominate, and shuts out the old one', () => {
    const takeOver = { ...changeDriver(hoursBefore(30)), by: newHolder, holder: 'org-hau2', rightVersion: 6 };
    spec
      .given([booked])
      .when(takeOver)
      .then([{ ...driverChanged(hoursBefore(30)), by: newHolder, rightVersion: 6 }]);
    spec
      .given([booked])
      .when({ ...changeDriver(hoursBefore(30)), holder: 'org-hau2', rightVersion: 6 })
      .thenFails('appointment.not_holder', { holder: 'org-hau2' });
  });
});

describe('cancelling', () => {
  it('gives the slot back; a new booking continues the booking version', () => {
    const state = spec.given([booked]).when(cancel).then([cancelled]);
    expect(activeBooking(state)).toBeUndefined();
    spec
      .given([booked, cancelled])
      .when({ ...book, bookingId: 'bk-2', at: hoursBefore(30), ...slot(4) })
      .then([{ ...booked, bookingId: 'bk-2', bookingVersion: 3, ...slot(4), at: hoursBefore(30) }]);
  });

  it('is no way around the second person: booking again earlier or with another driver is compared with the cancelled booking', () => {
    spec
      .given([booked, cancelled])
      .when({ ...book, bookingId: 'bk-2', at: hoursBefore(20), ...slot(-2) })
      .thenFails('appointment.approval_required');
    spec
      .given([booked, cancelled])
      .when({ ...book, bookingId: 'bk-2', at: hoursBefore(20), ...slot(2), driverBadgeRef: driverB })
      .thenFails('appointment.approval_required');
  });

  it('keeps the stream to its visit', () => {
    spec
      .given([booked, cancelled])
      .when({ ...book, visitRef: newVisitReference(new Uint8Array(13).fill(0x11)) })
      .thenFails('appointment.command_invalid', { field: 'visitRef' });
  });

  it('needs a booking in force and the holder', () => {
    spec.given([]).when(cancel).thenFails('appointment.not_found');
    spec
      .given([booked])
      .when({ ...cancel, by: gang })
      .thenFails('appointment.not_holder');
  });
});

describe('isSensitiveChange', () => {
  const state = foldEvents(bookingDecider, [booked]);
  it.each([
    ['a slot 3 hours earlier, 23 hours before', rebook(-3, hoursBefore(23)), { hours: 24 }, true],
    ['a slot 3 hours earlier, 25 hours before', rebook(-3, hoursBefore(25)), { hours: 24 }, false],
    [
      'a slot 3 hours earlier, 25 hours before, with a 48-hour window',
      rebook(-3, hoursBefore(25)),
      { hours: 48 },
      true,
    ],
    ['a later slot, 1 hour before', rebook(2, hoursBefore(1)), { hours: 24 }, false],
    ['another driver, 2 hours before', changeDriver(hoursBefore(2)), { hours: 24 }, true],
    ['another truck, 2 hours before', changeDriver(hoursBefore(2), driverA, '9XX999'), { hours: 24 }, false],
    ['a cancellation, 1 hour before', { ...cancel, at: hoursBefore(1) }, { hours: 24 }, false],
  ])('%s: %s', (_, command, policy, expected) => {
    expect(isSensitiveChange(state, command, policy)).toBe(expected);
  });

  it('defaults to 24 hours, and a fresh visit has nothing to be sensitive about', () => {
    expect(isSensitiveChange(state, rebook(-3, hoursBefore(23)))).toBe(true);
    expect(isSensitiveChange(initialBookingState(), { ...book, at: hoursBefore(1) })).toBe(false);
  });
});

describe('pickup credential claims', () => {
  it('bind the visit, driver, truck, slot with grace, and the right and booking versions', () => {
    const state = foldEvents(bookingDecider, [booked, driverChanged(hoursBefore(30))]);
    expect(
      pickupClaimsOf(state, {
        credentialId: 'cr-01J0',
        issuedAt: hoursBefore(30),
        grace: { graceBeforeMinutes: 30, graceAfterMinutes: 15 },
      }),
    ).toEqual({
      v: 1,
      credentialId: 'cr-01J0',
      visitRef,
      driverBadgeRef: driverB,
      truckPlate: '1ABC123',
      slotId: slot(0).slotId,
      windowStart: (SLOT - 30 * 60_000) / 1000,
      windowEnd: (SLOT + 45 * 60_000) / 1000,
      rightVersion: 4,
      bookingVersion: 2,
      issuedAt: (SLOT - 30 * HOUR) / 1000,
    });
  });

  it('need a booking in force', () => {
    expect(() =>
      pickupClaimsOf(initialBookingState(), {
        credentialId: 'cr-1',
        issuedAt: hoursBefore(1),
        grace: { graceBeforeMinutes: 0, graceAfterMinutes: 0 },
      }),
    ).toThrow(expect.objectContaining({ code: 'appointment.not_found' }));
  });
});
