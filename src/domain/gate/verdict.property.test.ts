import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PickupCredentialClaims } from '../appointments/index.js';
import { type GateCheck, type GateInput, gateChecks, gateVerdict } from './verdict.js';

const driver = 'hb1.LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLL';
const claims: PickupCredentialClaims = {
  v: 1,
  credentialId: 'cr-1',
  visitRef: 'V-AAAA-AAAA-AAAA-AAAA-AAAA-A',
  driverBadgeRef: driver,
  truckPlate: '1ABC123',
  slotId: 'DPW1@20250303T0800Z',
  windowStart: Date.parse('2025-03-03T07:30:00Z') / 1000,
  windowEnd: Date.parse('2025-03-03T09:00:00Z') / 1000,
  rightVersion: 4,
  bookingVersion: 2,
  issuedAt: Date.parse('2025-03-03T06:00:00Z') / 1000,
};
const WINDOW_START = claims.windowStart * 1000;
const WINDOW_END = claims.windowEnd * 1000;

/** One way to break the legitimate pickup, and the checks it must fail. */
type Breakage = { name: string; fails: GateCheck[]; apply: (input: GateInput) => GateInput };

const breakages: Breakage[] = [
  {
    name: 'signed by another device',
    // Fail closed: a pass whose signature failed is not fresh either.
    fails: ['pass.device_signature', 'pass.fresh'],
    apply: (input) => ({
      ...input,
      pass: { ...input.pass, kind: 'rotating', deviceSignature: 'pass.bad_signature: x' },
    }),
  },
  {
    name: 'stale pass',
    fails: ['pass.fresh'],
    apply: (input) => ({ ...input, pass: { ...input.pass, kind: 'rotating', fresh: 'pass.stale: x' } }),
  },
  {
    name: 'forged',
    // Fail closed: without a credential that opened, nothing about the credential holds.
    fails: ['credential.signature', 'credential.visit', 'credential.unused', 'credential.current'],
    apply: (input) => ({
      ...input,
      credential: { ok: false, code: 'credential.bad_signature', message: 'x' },
    }),
  },
  {
    name: 'other visit',
    fails: ['credential.visit'],
    apply: (input) => ({ ...input, visit: { ...input.visit, visitRef: 'V-BBBB-BBBB-BBBB-BBBB-BBBB-B' } }),
  },
  {
    name: 'used',
    fails: ['credential.unused'],
    apply: (input) => ({ ...input, credentialIds: { ...input.credentialIds, used: ['cr-0', 'cr-1'] } }),
  },
  {
    name: 'right moved on',
    fails: ['credential.current'],
    apply: (input) => ({ ...input, release: { ...input.release, rightVersion: 5 } }),
  },
  {
    name: 'booking moved on',
    fails: ['credential.current'],
    apply: (input) => ({ ...input, booking: { ...input.booking!, bookingVersion: 3 } }),
  },
  {
    name: 'superseded',
    fails: ['credential.current'],
    apply: (input) => ({ ...input, credentialIds: { ...input.credentialIds, superseded: ['cr-1'] } }),
  },
  {
    name: 'badge',
    fails: ['driver.badge'],
    apply: (input) => ({
      ...input,
      presented: { ...input.presented, badgeRef: 'hb1.GGGGGGGGGGGGGGGGGGGGGG' },
    }),
  },
  {
    name: 'plate',
    fails: ['truck.plate'],
    apply: (input) => ({ ...input, presented: { ...input.presented, truckPlate: '7-GNG-007' } }),
  },
  {
    name: 'early',
    fails: ['slot.window'],
    apply: (input) => ({ ...input, now: new Date(WINDOW_START - 60_000).toISOString() }),
  },
  {
    name: 'holder',
    fails: ['right.holder'],
    apply: (input) => ({ ...input, release: { ...input.release, holder: 'org-gang' } }),
  },
  {
    name: 'red light',
    fails: ['lights.green'],
    apply: (input) => ({
      ...input,
      lights: input.lights.map((light, i) =>
        i === 1 ? { ...light, green: false, reasons: ['hold'] } : light,
      ),
    }),
  },
  {
    name: 'not in yard',
    fails: ['visit.in_yard'],
    apply: (input) => ({ ...input, visit: { ...input.visit, status: 'announced' } }),
  },
  {
    name: "another operator's gate",
    fails: ['gate.terminal'],
    apply: (input) => ({ ...input, gateTerminals: input.gateTerminals.filter((t) => t !== 'DPW1') }),
  },
  { name: 'frozen', fails: ['visit.not_frozen'], apply: (input) => ({ ...input, frozen: true }) },
];

// The legitimate pickup, at any minute of the window, with the plate as any gate camera might read it.
const legitimate = fc
  .record({
    minute: fc.integer({ min: 0, max: (WINDOW_END - WINDOW_START) / 60_000 - 1 }),
    plate: fc.constantFrom('1ABC123', '1-abc-123', ' 1 ABC 123 ', '1–ABC–123', '1.abc.123'),
  })
  .map(
    ({ minute, plate }): GateInput => ({
      pass: { kind: 'rotating' },
      credential: { ok: true, payload: claims },
      presented: { badgeRef: driver, truckPlate: plate },
      now: new Date(WINDOW_START + minute * 60_000).toISOString(),
      visit: { visitRef: claims.visitRef, status: 'in_yard', terminal: 'DPW1' },
      gateTerminals: ['MPET', 'DPW1'],
      release: { rightVersion: 4, holder: 'org-hau' },
      booking: {
        bookingVersion: 2,
        driverBadgeRef: driver,
        truckPlate: '1ABC123',
        nominatedBy: 'org-hau',
        window: { start: new Date(WINDOW_START).toISOString(), end: new Date(WINDOW_END).toISOString() },
      },
      credentialIds: { used: ['cr-0'], superseded: [] },
      lights: ['commercial', 'customs', 'discharge', 'no_hold'].map((light) => ({
        light,
        green: true,
        reasons: [],
      })),
      frozen: false,
    }),
  );

describe('gate verdict properties', () => {
  it('is accepted iff no check fails, and lists exactly the failing checks, in order, once each', () => {
    fc.assert(
      fc.property(legitimate, fc.subarray(breakages), (base, broken) => {
        const input = broken.reduce((acc, breakage) => breakage.apply(acc), base);
        const expected = gateChecks.filter((check) =>
          broken.some((breakage) => breakage.fails.includes(check)),
        );
        const verdict = gateVerdict(input);
        expect(verdict.accepted).toBe(expected.length === 0);
        expect(verdict.accepted ? [] : verdict.failed.map((f) => f.check)).toEqual(expected);
        if (!verdict.accepted) for (const f of verdict.failed) expect(f.reason.length).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on what the driver brings', () => {
    fc.assert(
      fc.property(
        legitimate,
        fc.anything(),
        fc.anything(),
        fc.option(fc.string({ maxLength: 40 })),
        (base, badgeRef, truckPlate, code) => {
          const credential: GateInput['credential'] =
            code === null ? base.credential : { ok: false, code, message: 'attacker input' };
          const verdict = gateVerdict({
            ...base,
            credential,
            presented: { badgeRef: badgeRef as string, truckPlate: truckPlate as string },
          });
          expect(verdict.accepted).toBe(false);
        },
      ),
    );
  });
});
