import { describe, expect, it } from 'vitest';
import type { SlotBooked } from '../appointments/index.js';
import { bookingDecider, pickupClaimsOf } from '../appointments/index.js';
import { foldEvents } from '../decider.js';
import { isDomainError } from '../errors.js';
import { newVisitReference } from '../visits/index.js';
import { gateAttemptEvents } from './gate.events.js';
import { gateCheckReasons, gateCheckSentences } from './gate-sentences.js';
import {
  type GateCheck,
  type GateInput,
  gateBookingFacts,
  gateChecks,
  gateTiming,
  gateVerdict,
  notAPass,
} from './verdict.js';

const visitRef = newVisitReference(new Uint8Array(13).fill(0xa5));
const otherVisit = newVisitReference(new Uint8Array(13).fill(0x5a));
const at = (hour: number, minute = 0): string => new Date(Date.UTC(2025, 2, 3, hour, minute)).toISOString();
const legitDriver = 'hb1.LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLL';
const gangDriver = 'hb1.GGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGG';
const grace = { graceBeforeMinutes: 30, graceAfterMinutes: 30 };

// The legitimate haulier booked 08:00–08:30 on 3 March for its driver and truck, on release right version 4.
const booked: SlotBooked = {
  type: 'SlotBooked',
  visitRef,
  bookingId: 'bk-1',
  bookingVersion: 1,
  slotId: 'DPW1@20250303T0800Z',
  slotStart: at(8),
  slotEnd: at(8, 30),
  driverBadgeRef: legitDriver,
  truckPlate: '1ABC123',
  rightVersion: 4,
  by: { orgId: 'org-hau', userId: 'u-plan-1' },
  approvalId: null,
  at: at(6),
};
const bookingState = foldEvents(bookingDecider, [booked]);
const claims = pickupClaimsOf(bookingState, { credentialId: 'cr-1', issuedAt: at(6), grace });
const greenLights = [
  { light: 'commercial_release', green: true, reasons: [] },
  { light: 'customs_release', green: true, reasons: [] },
  { light: 'discharge_confirmed', green: true, reasons: [] },
  { light: 'no_hold_or_block', green: true, reasons: [] },
];

/** The legitimate driver, in the booked truck, inside the slot, with the current credential. */
const legit: GateInput = {
  pass: { kind: 'rotating' },
  credential: { ok: true, payload: claims },
  presented: { badgeRef: legitDriver, truckPlate: '1-abc-123' },
  now: at(8, 10),
  visit: { visitRef, status: 'in_yard', terminal: 'DPW1' },
  gateTerminals: ['DPW1'],
  release: { rightVersion: 4, holder: 'org-hau' },
  booking: gateBookingFacts(bookingState, grace),
  credentialIds: { used: [], superseded: [] },
  lights: greenLights,
  frozen: false,
};

const failedChecks = (input: GateInput): GateCheck[] => {
  const verdict = gateVerdict(input);
  return verdict.accepted ? [] : verdict.failed.map((f) => f.check);
};

describe('the gate verdict', () => {
  it('accepts the legitimate driver with the current credential inside the window', () => {
    expect(gateVerdict(legit)).toEqual({ accepted: true });
  });

  it("says why a pass is refused at another operator's gate, without naming where the box stands", () => {
    expect(gateVerdict({ ...legit, gateTerminals: ['PSA9'] })).toEqual({
      accepted: false,
      failed: [
        { check: 'gate.terminal', reason: "the box is not at a terminal this gate's organisation runs" },
      ],
    });
  });

  it('accepts the printed pass only while the terminal allows it', () => {
    expect(gateVerdict({ ...legit, pass: { kind: 'printed', printedAllowed: true } })).toEqual({
      accepted: true,
    });
    expect(failedChecks({ ...legit, pass: { kind: 'printed', printedAllowed: false } })).toEqual([
      'pass.printed_disabled',
    ]);
  });

  it.each<[string, Partial<GateInput>, GateCheck[]]>([
    [
      "a pass signed by a device that is not the driver's active one",
      { pass: { kind: 'rotating', deviceSignature: 'pass.bad_signature: not the enrolled device' } },
      ['pass.device_signature', 'pass.fresh'],
    ],
    [
      'a pass two steps old',
      { pass: { kind: 'rotating', fresh: 'pass.stale: step 10, gate at 12' } },
      ['pass.fresh'],
    ],
    [
      'a forged or damaged credential',
      {
        credential: { ok: false, code: 'credential.bad_signature', message: 'the signature does not verify' },
      },
      ['credential.signature', 'credential.visit', 'credential.unused', 'credential.current'],
    ],
    [
      "another box's credential",
      { credential: { ok: true, payload: { ...claims, visitRef: otherVisit } } },
      ['credential.visit'],
    ],
    ['a used credential', { credentialIds: { used: ['cr-1'], superseded: [] } }, ['credential.unused']],
    [
      'a superseded credential id',
      { credentialIds: { used: [], superseded: ['cr-1'] } },
      ['credential.current'],
    ],
    [
      'a credential issued before the driver changed',
      { booking: { ...legit.booking!, bookingVersion: 2 } },
      ['credential.current'],
    ],
    [
      'a credential issued before the right changed hands',
      { release: { rightVersion: 5, holder: 'org-hau' } },
      ['credential.current'],
    ],
    ['another badge', { presented: { badgeRef: gangDriver, truckPlate: '1ABC123' } }, ['driver.badge']],
    [
      'a credential naming another driver than the booking',
      { credential: { ok: true, payload: { ...claims, driverBadgeRef: gangDriver } } },
      ['driver.badge'],
    ],
    ['another truck', { presented: { badgeRef: legitDriver, truckPlate: '9-ZZZ-999' } }, ['truck.plate']],
    ['an unreadable plate', { presented: { badgeRef: legitDriver, truckPlate: '' } }, ['truck.plate']],
    [
      'a credential naming another truck than the booking',
      { credential: { ok: true, payload: { ...claims, truckPlate: '9ZZZ999' } } },
      ['truck.plate'],
    ],
    ['one minute before the grace opens', { now: at(7, 29) }, ['slot.window']],
    ['the first minute of the grace', { now: at(7, 30) }, []],
    ['the last minute of the grace', { now: at(8, 59) }, []],
    ['the end of the grace', { now: at(9) }, ['slot.window']],
    ['a booking by a former holder', { release: { rightVersion: 4, holder: 'org-other' } }, ['right.holder']],
    ['a right nobody holds (revoked)', { release: { rightVersion: 4, holder: null } }, ['right.holder']],
    [
      'a customs hold',
      {
        lights: [
          ...greenLights.slice(0, 3),
          { light: 'no_hold_or_block', green: false, reasons: ['customs hold'] },
        ],
      },
      ['lights.green'],
    ],
    ['no lights at all', { lights: [] }, ['lights.green']],
    [
      'a box that already left',
      { visit: { visitRef, status: 'gated_out', terminal: 'DPW1' } },
      ['visit.in_yard'],
    ],
    // The gate is bound to its terminal: a genuine pass at another operator's gate lets nothing out there.
    ["another terminal operator's gate", { gateTerminals: ['PSA9', 'MPET'] }, ['gate.terminal']],
    ['a gate whose organisation runs no terminal', { gateTerminals: [] }, ['gate.terminal']],
    [
      'a box that stands at no terminal',
      { visit: { visitRef, status: 'gated_out', terminal: null } },
      ['visit.in_yard', 'gate.terminal'],
    ],
    ['a frozen visit', { frozen: true }, ['visit.not_frozen']],
    [
      'no booking in force',
      { booking: null },
      ['credential.current', 'driver.badge', 'truck.plate', 'slot.window', 'right.holder'],
    ],
  ])('%s', (_, change, failed) => {
    expect(failedChecks({ ...legit, ...change })).toEqual(failed);
  });

  it('says why each check failed', () => {
    const verdict = gateVerdict({
      ...legit,
      release: { rightVersion: 5, holder: 'org-hau' },
      now: at(7),
      lights: [{ light: 'customs_release', green: false, reasons: ['CUSS: selected for scan'] }],
    });
    expect(verdict).toEqual({
      accepted: false,
      failed: [
        { check: 'credential.current', reason: 'issued for right version 4, the right is at version 5' },
        {
          check: 'slot.window',
          reason: 'before the slot window: come back at 07:30 (UTC), when it opens',
          timing: { side: 'early', minutes: 30, withinLead: true },
        },
        { check: 'lights.green', reason: 'customs_release: CUSS: selected for scan' },
      ],
    });
  });

  it.each<[string, Partial<GateInput>, string]>([
    ['now', { now: 'soon' }, 'now'],
    [
      'the window',
      { booking: { ...legit.booking!, window: { start: at(9), end: at(8) } } },
      'booking.window',
    ],
    ['the right version', { release: { rightVersion: -1, holder: 'org-hau' } }, 'release.rightVersion'],
    ['a light', { lights: [{ light: 'customs_release', green: 'yes' } as never] }, 'lights[0]'],
  ])('throws for malformed facts from the caller: %s', (_, change, field) => {
    try {
      gateVerdict({ ...legit, ...change });
      expect.unreachable();
    } catch (error) {
      expect(isDomainError(error, 'gate.input_invalid')).toBe(true);
      expect((error as { details: unknown }).details).toEqual({ field });
    }
  });
});

// MISSION §1: "Their own drivers collected the boxes before the legitimate haulier arrived."
describe('the Antwerp case: the gang sends its own driver', () => {
  const attempt = (attemptId: string, change: Partial<GateInput>) => {
    const input = { ...legit, ...change };
    return gateAttemptEvents({ attemptId, input, verdict: gateVerdict(input) });
  };

  it('refuses the gang driver with a copied credential, and raises an alert', () => {
    const events = attempt('ga-1', { presented: { badgeRef: gangDriver, truckPlate: '7-GNG-007' } });
    expect(events).toEqual([
      {
        type: 'GateAttemptRefused',
        attemptId: 'ga-1',
        visitRef,
        credentialId: 'cr-1',
        badgeRef: gangDriver,
        truckPlate: '7GNG007',
        failed: [
          { check: 'driver.badge', reason: 'the badge is not the nominated driver' },
          { check: 'truck.plate', reason: 'the truck is not the booked truck' },
        ],
        at: at(8, 10),
      },
      {
        type: 'GateAlertRaised',
        rule: 'gate.refused',
        attemptId: 'ga-1',
        visitRef,
        failed: [
          { check: 'driver.badge', reason: 'the badge is not the nominated driver' },
          { check: 'truck.plate', reason: 'the truck is not the booked truck' },
        ],
        at: at(8, 10),
      },
    ]);
    expect(JSON.parse(JSON.stringify(events))).toStrictEqual(events);
  });

  it('refuses the gang driver in the booked truck, with a wrong badge', () => {
    const [refused, alert] = attempt('ga-2', { presented: { badgeRef: gangDriver, truckPlate: '1ABC123' } });
    expect(refused).toMatchObject({ type: 'GateAttemptRefused', failed: [{ check: 'driver.badge' }] });
    expect(alert).toMatchObject({ type: 'GateAlertRaised', rule: 'gate.refused' });
  });

  it('tells an early driver when to come back, on the terminal clock, and raises no alert (issue 10, row G)', () => {
    const booking = gateBookingFacts(bookingState, { ...grace, timeZone: 'Europe/Brussels' });
    const events = attempt('ga-early', { now: at(7, 10), booking });
    expect(events.map((e) => e.type)).toEqual(['GateAttemptRefused']);
    // The window opens at 07:30 UTC: 08:30 in Antwerp in March (CET, UTC+1).
    expect(events[0]).toMatchObject({
      failed: [
        {
          check: 'slot.window',
          reason: 'before the slot window: come back at 08:30 (Europe/Brussels), when it opens',
        },
      ],
    });
    // Early and with another badge is an attack, not a timing: the alert is raised.
    const gang = attempt('ga-early-2', {
      now: at(7, 10),
      booking,
      presented: { badgeRef: gangDriver, truckPlate: '1ABC123' },
    });
    expect(gang.map((e) => e.type)).toEqual(['GateAttemptRefused', 'GateAlertRaised']);
    // Late is not early: a refusal after the window closed is still raised.
    expect(attempt('ga-late', { now: at(9, 30) }).map((e) => e.type)).toEqual([
      'GateAttemptRefused',
      'GateAlertRaised',
    ]);
  });

  it('refuses a copied credential early, before the slot, even with a cloned badge', () => {
    expect(failedChecks({ ...legit, now: at(5) })).toEqual(['slot.window']);
    expect(
      failedChecks({ ...legit, now: at(5), presented: { badgeRef: gangDriver, truckPlate: 'X1' } }),
    ).toEqual(['driver.badge', 'truck.plate', 'slot.window']);
  });

  it('refuses a forged credential, and records no credential id', () => {
    const [refused] = attempt('ga-3', {
      credential: { ok: false, code: 'credential.bad_signature', message: 'the signature does not verify' },
      presented: { badgeRef: '0412345678', truckPlate: '---' },
    });
    expect(refused).toMatchObject({ credentialId: null, badgeRef: null, truckPlate: null });
  });

  it('then lets the legitimate driver out, once', () => {
    expect(attempt('ga-4', {})).toEqual([
      {
        type: 'GateAttemptAccepted',
        attemptId: 'ga-4',
        visitRef,
        credentialId: 'cr-1',
        badgeRef: legitDriver,
        truckPlate: '1ABC123',
        at: at(8, 10),
      },
    ]);
    // The caller records cr-1 as used; the same credential a second time is refused.
    expect(
      failedChecks({ ...legit, now: at(8, 20), credentialIds: { used: ['cr-1'], superseded: [] } }),
    ).toEqual(['credential.unused']);
  });

  it('refuses an accepted verdict without a credential, which only a caller bug can produce', () => {
    expect(() =>
      gateAttemptEvents({
        attemptId: 'ga-5',
        input: { ...legit, credential: { ok: false, code: 'credential.malformed', message: 'x' } },
        verdict: { accepted: true },
      }),
    ).toThrow(expect.objectContaining({ code: 'gate.input_invalid' }));
  });
});

describe('credentials after a change', () => {
  const newDriver = 'hb1.NNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNN';
  const changed = foldEvents(bookingDecider, [
    booked,
    {
      type: 'DriverChanged',
      visitRef,
      bookingId: 'bk-1',
      bookingVersion: 2,
      fromDriverBadgeRef: legitDriver,
      driverBadgeRef: newDriver,
      fromTruckPlate: '1ABC123',
      truckPlate: '1ABC123',
      rightVersion: 4,
      by: { orgId: 'org-hau', userId: 'u-plan-1' },
      approvalId: null,
      at: at(7),
    },
  ]);
  const afterChange: GateInput = { ...legit, booking: gateBookingFacts(changed, grace) };

  it('refuse a credential issued before the driver changed, whoever presents it', () => {
    expect(failedChecks(afterChange)).toEqual(['credential.current', 'driver.badge']);
    expect(
      failedChecks({ ...afterChange, presented: { badgeRef: newDriver, truckPlate: '1ABC123' } }),
    ).toEqual(['credential.current', 'driver.badge']);
  });

  it('accept the credential issued after it, for the new driver', () => {
    const fresh = pickupClaimsOf(changed, { credentialId: 'cr-2', issuedAt: at(7), grace });
    expect(
      gateVerdict({
        ...afterChange,
        credential: { ok: true, payload: fresh },
        presented: { badgeRef: newDriver, truckPlate: '1 ABC 123' },
        credentialIds: { used: [], superseded: ['cr-1'] },
      }),
    ).toEqual({ accepted: true });
  });
});

describe('gate booking facts', () => {
  it('come from the booking in force, with the grace', () => {
    expect(gateBookingFacts(bookingState, grace)).toEqual({
      bookingVersion: 1,
      driverBadgeRef: legitDriver,
      truckPlate: '1ABC123',
      nominatedBy: 'org-hau',
      window: { start: at(7, 30), end: at(9) },
    });
  });

  it('are null without a booking in force', () => {
    expect(gateBookingFacts(foldEvents(bookingDecider, []), grace)).toBeNull();
  });
});

// Issue 14, item 3: early is not an attack, and neither is a little late; a pass used long after its slot is.
describe('a truck outside its gate window', () => {
  // The 08:00–08:30 slot with 30 minutes' grace: the gate window runs 07:30–09:00 UTC, 08:30–10:00 in Antwerp.
  const booking = gateBookingFacts(bookingState, { ...grace, timeZone: 'Europe/Brussels' });
  const attempt = (change: Partial<GateInput>) => {
    const input = { ...legit, booking, ...change };
    return gateAttemptEvents({ attemptId: 'tm-1', input, verdict: gateVerdict(input) });
  };
  const alertOf = (change: Partial<GateInput>) =>
    attempt(change).find((event) => event.type === 'GateAlertRaised');

  it.each<[string, string, { side: 'early' | 'late'; minutes: number; withinLead: boolean }]>([
    ['3 minutes early', at(7, 27), { side: 'early', minutes: 3, withinLead: true }],
    ['early by the lead exactly', at(7), { side: 'early', minutes: 30, withinLead: true }],
    ['a minute more than the lead early', at(6, 59), { side: 'early', minutes: 31, withinLead: false }],
    ['just after the window closed', at(9), { side: 'late', minutes: 0, withinLead: true }],
    ['29 minutes late', at(9, 29), { side: 'late', minutes: 29, withinLead: true }],
    ['late by the lead', at(9, 30), { side: 'late', minutes: 30, withinLead: false }],
  ])('measures a truck %s against the lead', (_, now, timing) => {
    expect(gateTiming({ now, booking })).toEqual(timing);
  });

  it('is inside the window from its first minute to its last', () => {
    expect(gateTiming({ now: at(7, 30), booking })).toBeUndefined();
    expect(gateTiming({ now: '2025-03-03T08:59:59.999Z', booking })).toBeUndefined();
    expect(gateTiming({ now: at(7, 30), booking: null })).toBeUndefined();
  });

  it('takes the lead the terminal sets', () => {
    expect(gateTiming({ now: at(7, 20), booking, timingLeadMinutes: 5 })).toEqual({
      side: 'early',
      minutes: 10,
      withinLead: false,
    });
    expect(() => gateTiming({ now: at(7, 20), booking, timingLeadMinutes: -1 })).toThrow(
      expect.objectContaining({ code: 'gate.input_invalid' }),
    );
  });

  it('raises no alert for a truck early or late within the lead, and records the refusal with its timing', () => {
    const early = attempt({ now: at(7, 27) });
    expect(early).toEqual([
      expect.objectContaining({
        type: 'GateAttemptRefused',
        failed: [
          {
            check: 'slot.window',
            reason: 'before the slot window: come back at 08:30 (Europe/Brussels), when it opens',
            timing: { side: 'early', minutes: 3, withinLead: true },
          },
        ],
      }),
    ]);
    const late = attempt({ now: at(9, 12) });
    expect(late.map((e) => e.type)).toEqual(['GateAttemptRefused']);
    // The record says when the window closed on the terminal's clock, not as an ISO instant.
    expect(late[0]).toMatchObject({
      failed: [
        { check: 'slot.window', reason: 'after the slot window, which closed at 10:00 (Europe/Brussels)' },
      ],
    });
  });

  it('raises an alert for a truck further out, with the timing the alert severity reads', () => {
    expect(alertOf({ now: at(5) })).toMatchObject({
      failed: [{ check: 'slot.window', timing: { side: 'early', minutes: 150, withinLead: false } }],
    });
    expect(alertOf({ now: at(14) })).toMatchObject({
      failed: [{ check: 'slot.window', timing: { side: 'late', minutes: 300, withinLead: false } }],
    });
    // A shorter lead makes the same three minutes an alert.
    expect(alertOf({ now: at(7, 27), timingLeadMinutes: 2 })).toBeDefined();
  });

  it('still raises an alert for an identity refusal within the lead', () => {
    expect(
      alertOf({ now: at(7, 27), presented: { badgeRef: gangDriver, truckPlate: '1ABC123' } }),
    ).toMatchObject({
      failed: [{ check: 'driver.badge' }, { check: 'slot.window' }],
    });
  });
});

// Issue 14, item 9: text that is no pass at all is said to be so, rather than a pass whose signature failed.
describe('what was scanned is no pass', () => {
  it.each<[string, unknown, ReturnType<typeof notAPass>]>([
    ['an empty field', '', 'empty'],
    ['blanks', '  \n', 'empty'],
    ['not a text', 42, 'empty'],
    ['a web address', 'https://track.example/MSCU1234565', 'url'],
    ['a bare host', 'www.example.com', 'url'],
    ['random text', 'hello gate', 'text'],
    ['a container number', 'MSCU1234565', 'text'],
  ])('tells %s from a pass', (_, scanned, kind) => {
    expect(notAPass(scanned)).toBe(kind);
  });

  it.each(['plc1.eyJ2IjoxfQ.AAAA', 'plp1.cr-1.58036320.sig', 'plc2.later', '  plc1.x.y\n'])(
    'takes %s for a pass, whose signature the gate then checks',
    (scanned) => {
      expect(notAPass(scanned)).toBeUndefined();
    },
  );

  it('fails credential.not_a_pass, not the printed-pass switch, and names what it looks like', () => {
    const verdict = gateVerdict({
      ...legit,
      pass: { kind: 'not_a_pass', looksLike: 'url' },
      credential: {
        ok: false,
        code: 'credential.malformed',
        message: 'a pickup credential starts with plc1.',
      },
    });
    expect(verdict.accepted).toBe(false);
    const failed = verdict.accepted ? [] : verdict.failed;
    expect(failed[0]).toEqual({
      check: 'credential.not_a_pass',
      reason: 'what was scanned is not a pickup pass (url)',
    });
    expect(failed.map((f) => f.check)).not.toContain('pass.printed_disabled');
    // Fail closed all the same: nothing opened, so nothing the credential would vouch for passes.
    expect(failed.map((f) => f.check)).toEqual(
      expect.arrayContaining(['credential.signature', 'credential.visit', 'credential.unused']),
    );
  });

  it('is the first check the gate lists', () => {
    expect(gateChecks[0]).toBe('credential.not_a_pass');
  });
});

describe('the sentences a gate clerk reads', () => {
  const booking = gateBookingFacts(bookingState, { ...grace, timeZone: 'Europe/Brussels' });
  const read = { badge: 'ANR-000124', truckPlate: '1-abc-123' };
  const sentences = (change: Partial<GateInput>, typed = read) => {
    const input = { ...legit, booking, ...change };
    return gateCheckSentences(input, gateVerdict(input), typed);
  };

  it('says nothing of a truck let out', () => {
    expect(sentences({}).size).toBe(0);
  });

  it('names the badge and the plate read, never the booked ones', () => {
    const said = sentences(
      { presented: { badgeRef: gangDriver, truckPlate: '7 GNG 007' } },
      { badge: ' ANR-000124\u0007', truckPlate: '7 gng 007' },
    );
    expect(said.get('driver.badge')).toBe('The badge read is ANR-000124; the booking names another driver.');
    expect(said.get('truck.plate')).toBe('The plate read is 7GNG007; the booking names another truck.');
  });

  it('says when the window opens, on the terminal clock with its zone, and how long that is', () => {
    expect(sentences({ now: at(7, 27) }).get('slot.window')).toBe(
      'The gate opens for this slot at 08:30 (Europe/Brussels), in 3 minutes: the truck waits until then.',
    );
    expect(sentences({ now: '2025-03-03T07:27:30.000Z' }).get('slot.window')).toMatch(/in 3 minutes/);
    expect(sentences({ now: at(9, 12) }).get('slot.window')).toBe(
      'The gate window of this slot closed at 10:00 (Europe/Brussels), 12 minutes ago: the haulier books a new slot.',
    );
    // On another day at the terminal, the date is said too.
    expect(sentences({ now: '2025-03-02T20:00:00.000Z' }).get('slot.window')).toBe(
      'The gate opens for this slot at 2025-03-03 08:30 (Europe/Brussels), in 11 hours 30 minutes: the truck waits until then.',
    );
  });

  it('says what was scanned when it is no pass', () => {
    const said = sentences({
      pass: { kind: 'not_a_pass', looksLike: 'empty' },
      credential: { ok: false, code: 'credential.malformed', message: 'x' },
    });
    expect(said.get('credential.not_a_pass')).toBe(
      "Nothing was scanned: scan the QR code of the pickup pass on the driver's phone.",
    );
  });

  it('gives every check a sentence that reads as one, with no code in it', () => {
    const said = sentences(
      {
        pass: { kind: 'printed', printedAllowed: false },
        credential: { ok: false, code: 'credential.bad_signature', message: 'x' },
        presented: { badgeRef: '', truckPlate: '' },
        visit: { visitRef, status: 'gated_out', terminal: null },
        release: { rightVersion: 4, holder: null },
        lights: [{ light: 'customs_release', green: false, reasons: ['customs has not released the box'] }],
        frozen: true,
        now: at(5),
      },
      { badge: '', truckPlate: '' },
    );
    expect([...said.keys()].length).toBeGreaterThan(8);
    for (const sentence of said.values()) {
      expect(sentence).toMatch(/^[A-Z].*\.$/);
      expect(sentence).not.toMatch(/\b[a-z]+[._][a-z_]+\b/);
    }
  });

  // Issue 14: a console says each reason in its person's language from a code and the facts it names.
  it('gives each sentence as a stable code with the facts it names', () => {
    const reasons = (change: Partial<GateInput>, typed = read) => {
      const input = { ...legit, booking, ...change };
      return gateCheckReasons(input, gateVerdict(input), typed);
    };
    const wrongDriver = reasons(
      { presented: { badgeRef: gangDriver, truckPlate: '7 GNG 007' } },
      { badge: 'ANR-000124', truckPlate: '7 gng 007' },
    );
    expect(wrongDriver.get('driver.badge')).toMatchObject({
      code: 'badge.booking_names_another',
      params: { badge: 'ANR-000124' },
    });
    expect(wrongDriver.get('truck.plate')).toMatchObject({
      code: 'plate.booking_names_another',
      params: { plate: '7GNG007' },
    });
    expect(reasons({ now: at(7, 27) }).get('slot.window')).toEqual({
      code: 'window.early',
      params: { at: at(7, 30), timeZone: 'Europe/Brussels', minutes: 3 },
      sentence:
        'The gate opens for this slot at 08:30 (Europe/Brussels), in 3 minutes: the truck waits until then.',
    });
    expect(reasons({ now: at(9, 12) }).get('slot.window')).toMatchObject({
      code: 'window.closed',
      params: { at: at(9), minutes: 12 },
    });
    const red = reasons({
      lights: [
        { light: 'customs_release', green: false, reasons: ['customs has not released the box'] },
        { light: 'no_hold_or_block', green: false, reasons: ['terminal hold'] },
      ],
    });
    expect(red.get('lights.green')).toMatchObject({
      code: 'lights.red',
      params: { red: 'customs_release,no_hold_or_block' },
    });
    // The sentences are the codes' English words: the same map, said once.
    const sentences = gateCheckSentences(
      { ...legit, booking, now: at(7, 27) },
      gateVerdict({ ...legit, booking, now: at(7, 27) }),
      read,
    );
    expect(sentences.get('slot.window')).toBe(reasons({ now: at(7, 27) }).get('slot.window')?.sentence);
  });
});
