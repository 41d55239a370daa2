import { describe, expect, it } from 'vitest';
import { eventLog } from '../testing/event-log.js';
import { alertsOver, portFacts, visitFacts } from '../testing/port-facts.js';
import { pickupChangedLateRule } from './pickup-changed-late.js';

const by = { orgId: 'org-haulier', userId: 'u-planner' };
const facts = portFacts({ visits: [visitFacts('V1', { terminal: 'T1', inYard: true })] });

/** A log that starts at 06:00 with a booking of the 14:00–15:00 slot for driver D1. */
function bookedLog() {
  const log = eventLog('2026-03-02T06:00:00.000Z');
  log.add('appointment-V1', 'SlotBooked', {
    visitRef: 'V1',
    bookingId: 'B1',
    bookingVersion: 1,
    slotId: 'T1@20260302T1400Z',
    slotStart: '2026-03-02T14:00:00.000Z',
    slotEnd: '2026-03-02T15:00:00.000Z',
    driverBadgeRef: 'D1',
    truckPlate: '1-ABC-123',
    rightVersion: 3,
    by,
    approvalId: null,
    at: '2026-03-02T06:00:00.000Z',
  });
  return log;
}

const rebook = (slotStart: string, slotEnd: string) => ({
  visitRef: 'V1',
  bookingId: 'B1',
  bookingVersion: 2,
  fromSlotId: 'T1@20260302T1400Z',
  slotId: `T1@${slotStart.replace(/[-:]/g, '').slice(0, 13)}Z`,
  slotStart,
  slotEnd,
  rightVersion: 3,
  by,
  approvalId: 'A1',
  at: '',
});

const driverChange = (driver: string, truck = '1-ABC-123') => ({
  visitRef: 'V1',
  bookingId: 'B1',
  bookingVersion: 2,
  fromDriverBadgeRef: 'D1',
  driverBadgeRef: driver,
  fromTruckPlate: '1-ABC-123',
  truckPlate: truck,
  rightVersion: 3,
  by,
  approvalId: 'A1',
  at: '',
});

describe('pickup.changed_late', () => {
  it('fires when the pickup moves earlier two hours before the booked slot', () => {
    const log = bookedLog();
    log
      .after(6 * 60)
      .add('appointment-V1', 'SlotRebooked', rebook('2026-03-02T12:30:00.000Z', '2026-03-02T13:00:00.000Z'));
    const alerts = alertsOver(pickupChangedLateRule, log.events, facts);
    expect(alerts).toEqual([
      expect.objectContaining({
        rule: 'pickup.changed_late',
        severity: 'high',
        subject: { kind: 'visit', id: 'V1' },
        terminal: 'T1',
        orgId: null,
        evidence: [0, 1],
      }),
    ]);
    expect(alerts[0]?.summary).toBe(
      'The pickup of MSCU1234565 (visit V1) was moved from 2026-03-02 14:00 UTC to 2026-03-02 12:30 UTC 2 h before its booked slot, by u-planner of org-haulier.',
    );
  });

  it('fires when a driver the haulier never sent is named an hour before the slot, or during it', () => {
    const log = bookedLog();
    log.after(7 * 60).add('appointment-V1', 'DriverChanged', driverChange('D2'));
    log.after(90).add('appointment-V1', 'DriverChanged', { ...driverChange('D3'), fromDriverBadgeRef: 'D2' });
    const alerts = alertsOver(pickupChangedLateRule, log.events, facts);
    expect(alerts.map((a) => [a.raisedBy, a.evidence])).toEqual([
      [1, [0, 1]],
      [2, [1, 2]],
    ]);
    expect(alerts[1]?.summary).toBe(
      'The pickup of MSCU1234565 (visit V1) was given a driver org-haulier had not named before after its booked slot began, by u-planner of org-haulier.',
    );
  });

  it('fires when a pickup two days out is pulled forward to a slot within the hour', () => {
    // The booking was for 14:00 two days later: far from the old slot, but the new one is minutes away.
    const farLog = bookedLog();
    farLog.events[0] = {
      ...farLog.events[0]!,
      data: {
        ...farLog.events[0]!.data,
        slotStart: '2026-03-04T14:00:00.000Z',
        slotEnd: '2026-03-04T15:00:00.000Z',
      },
    };
    farLog
      .after(60)
      .add('appointment-V1', 'SlotRebooked', rebook('2026-03-02T07:30:00.000Z', '2026-03-02T08:30:00.000Z'));
    const alerts = alertsOver(pickupChangedLateRule, farLog.events, facts);
    expect(alerts.map((a) => a.summary)).toEqual([
      'The pickup of MSCU1234565 (visit V1) was moved from 2026-03-04 14:00 UTC to 2026-03-02 07:30 UTC 2 days before its booked slot, by u-planner of org-haulier.',
    ]);
  });

  it('stays quiet when a driver off sick is replaced on the day by a colleague the haulier has sent before', () => {
    const log = eventLog('2026-03-01T09:00:00.000Z');
    log.add('appointment-V9', 'SlotBooked', {
      ...(bookedLog().events[0]?.data ?? {}),
      visitRef: 'V9',
      slotStart: '2026-03-01T12:00:00.000Z',
      slotEnd: '2026-03-01T13:00:00.000Z',
      driverBadgeRef: 'D2',
    });
    log.after(21 * 60);
    log.add('appointment-V1', 'SlotBooked', bookedLog().events[0]?.data ?? {});
    log.after(6 * 60).add('appointment-V1', 'DriverChanged', driverChange('D2'));
    expect(alertsOver(pickupChangedLateRule, log.events, facts)).toEqual([]);
  });

  it('compares a booking made again after a cancellation with the cancelled one', () => {
    const log = bookedLog();
    log.after(7 * 60).add('appointment-V1', 'BookingCancelled', {
      visitRef: 'V1',
      bookingId: 'B1',
      bookingVersion: 2,
      slotId: 'T1@20260302T1400Z',
      reason: 'truck broke down',
      by,
      at: '',
    });
    log.after(5).add('appointment-V1', 'SlotBooked', {
      ...(log.events[0]?.data ?? {}),
      bookingId: 'B2',
      bookingVersion: 3,
      driverBadgeRef: 'D9',
    });
    expect(alertsOver(pickupChangedLateRule, log.events, facts).map((a) => a.raisedBy)).toEqual([2]);
  });

  it('stays quiet when the pickup moves later, even minutes before the slot (a truck running late)', () => {
    const log = bookedLog();
    log
      .after(7 * 60 + 50)
      .add('appointment-V1', 'SlotRebooked', rebook('2026-03-02T16:00:00.000Z', '2026-03-02T17:00:00.000Z'));
    expect(alertsOver(pickupChangedLateRule, log.events, facts)).toEqual([]);
  });

  it('stays quiet when the slot moves earlier and the driver changes a day ahead, or a truck alone changes late', () => {
    const log = eventLog('2026-03-01T08:00:00.000Z');
    log.add('appointment-V1', 'SlotBooked', {
      visitRef: 'V1',
      bookingId: 'B1',
      bookingVersion: 1,
      slotId: 'T1@20260302T1400Z',
      slotStart: '2026-03-02T14:00:00.000Z',
      slotEnd: '2026-03-02T15:00:00.000Z',
      driverBadgeRef: 'D1',
      truckPlate: '1-ABC-123',
      rightVersion: 3,
      by,
      approvalId: null,
      at: '',
    });
    // A day ahead: the planner moves it to the morning and names another driver.
    log
      .after(60)
      .add('appointment-V1', 'SlotRebooked', rebook('2026-03-02T09:00:00.000Z', '2026-03-02T10:00:00.000Z'));
    log.after(1).add('appointment-V1', 'DriverChanged', driverChange('D2'));
    // An hour before the new slot, the same driver comes with another truck.
    log.after(22 * 60).add('appointment-V1', 'DriverChanged', {
      ...driverChange('D2', '2-XYZ-987'),
      fromDriverBadgeRef: 'D2',
    });
    expect(alertsOver(pickupChangedLateRule, log.events, facts)).toEqual([]);
  });

  it('stays quiet on a booking made again a day after the cancelled slot passed', () => {
    const log = bookedLog();
    log.after(60).add('appointment-V1', 'BookingCancelled', {
      visitRef: 'V1',
      bookingId: 'B1',
      bookingVersion: 2,
      slotId: 'T1@20260302T1400Z',
      reason: 'vessel late',
      by,
      at: '',
    });
    log.after(30 * 60).add('appointment-V1', 'SlotBooked', {
      ...(log.events[0]?.data ?? {}),
      slotStart: '2026-03-03T14:00:00.000Z',
      slotEnd: '2026-03-03T15:00:00.000Z',
      driverBadgeRef: 'D9',
    });
    expect(alertsOver(pickupChangedLateRule, log.events, facts)).toEqual([]);
  });

  it('follows its setting: with 8 hours, a change 7 hours before the slot is late', () => {
    const log = bookedLog();
    log.after(60).add('appointment-V1', 'DriverChanged', driverChange('D2'));
    expect(alertsOver(pickupChangedLateRule, log.events, facts)).toEqual([]);
    expect(alertsOver(pickupChangedLateRule, log.events, facts, { hoursBeforePickup: 8 })).toHaveLength(1);
  });
});
