import { describe, expect, it } from 'vitest';
import {
  ENROLMENT_CODE_ATTEMPTS,
  enrolmentCodeFromDigest,
  enrolmentCodeInput,
  enrolmentConfirmerRoles,
  enrolmentConfirmRefusal,
  labelLooksLikeACode,
  normaliseEnrolmentCode,
} from './enrolment.js';
import { policy } from './policy.js';

const supervisor = { userId: 'u-sup', orgId: 'nqt', roles: ['terminal_supervisor'] };
const admin = { userId: 'u-admin', orgId: 'port', roles: ['administrator'] };

describe('who confirms a pending passkey', () => {
  it('a supervisor confirms the people of their own terminal organisation only', () => {
    expect(
      enrolmentConfirmRefusal({ confirmer: supervisor, person: { userId: 'u-clerk', orgId: 'nqt' } }),
    ).toBe(undefined);
    expect(
      enrolmentConfirmRefusal({ confirmer: supervisor, person: { userId: 'u-line', orgId: 'mscu' } }),
    ).toBe('not_confirmer');
  });

  it('a port administrator confirms anyone, another administrator included', () => {
    expect(enrolmentConfirmRefusal({ confirmer: admin, person: { userId: 'u-line', orgId: 'mscu' } })).toBe(
      undefined,
    );
    expect(enrolmentConfirmRefusal({ confirmer: admin, person: { userId: 'u-admin2', orgId: 'port' } })).toBe(
      undefined,
    );
  });

  it('nobody confirms their own passkey, and other roles confirm nobody', () => {
    expect(enrolmentConfirmRefusal({ confirmer: admin, person: { userId: 'u-admin', orgId: 'port' } })).toBe(
      'self',
    );
    expect(
      enrolmentConfirmRefusal({ confirmer: supervisor, person: { userId: 'u-sup', orgId: 'nqt' } }),
    ).toBe('self');
    const planner = { userId: 'u-yp', orgId: 'nqt', roles: ['yard_planner'] };
    expect(enrolmentConfirmRefusal({ confirmer: planner, person: { userId: 'u-clerk', orgId: 'nqt' } })).toBe(
      'not_confirmer',
    );
  });

  it('the confirmers are exactly the roles the policy table grants enrolment.confirm', () => {
    expect([...policy['enrolment.confirm'].roles].sort()).toEqual([...enrolmentConfirmerRoles].sort());
    expect(policy['enrolment.confirm'].sensitive).toBe(true);
  });
});

describe('the confirmation code of a pending passkey', () => {
  it('is 40 bits of the digest in Crockford base32, as XXXX-XXXX', () => {
    expect(enrolmentCodeFromDigest(new Uint8Array(32))).toBe('0000-0000');
    expect(enrolmentCodeFromDigest(new Uint8Array(32).fill(0xff))).toBe('ZZZZ-ZZZZ');
    // 0x0123456789 = 00000 00100 10001 10100 01010 11001 11100 01001: 0 4 H M A S W 9
    expect(enrolmentCodeFromDigest(Uint8Array.from([0x01, 0x23, 0x45, 0x67, 0x89, 0xab]))).toBe('04HM-ASW9');
    expect(() => enrolmentCodeFromDigest(new Uint8Array(4))).toThrow(RangeError);
  });

  it('hashes the credential id, a zero byte and the public key', () => {
    expect([...enrolmentCodeInput({ credentialId: 'AB', publicKey: Uint8Array.from([7, 8]) })]).toEqual([
      0x41, 0x42, 0, 7, 8,
    ]);
  });

  it('reads a code as a person types it: any case, spaces and hyphens anywhere, I/L for 1 and O for 0', () => {
    expect(normaliseEnrolmentCode(' 04hm asW9 ')).toBe('04HM-ASW9');
    expect(normaliseEnrolmentCode('O4HM-ASW9')).toBe('04HM-ASW9');
    expect(normaliseEnrolmentCode('1L1I-0000')).toBe('1111-0000');
    expect(normaliseEnrolmentCode('04HM-ASW')).toBeUndefined();
    expect(normaliseEnrolmentCode('04HM-ASWU')).toBeUndefined();
    expect(normaliseEnrolmentCode('x'.repeat(100))).toBeUndefined();
  });

  it('takes five wrong codes before only a rejection is left', () => {
    expect(ENROLMENT_CODE_ATTEMPTS).toBe(5);
  });
});

describe('a label that could pass for a confirmation code', () => {
  it('refuses eight code symbols in one word or two words of four, in any case and with I, L or O typed', () => {
    for (const label of [
      '7K3M-QW9P',
      'new phone, code 7k3m qw9p',
      'c0de:7K3MQW9P',
      'Dirk 7K3M-QWOP',
      'DIRK WORK',
    ])
      expect(labelLooksLikeACode(label), label).toBe(true);
  });

  it('lets ordinary names of phones and keys through', () => {
    for (const label of [
      'Pixel 8',
      "Dirk's Samsung",
      'Galaxy S23 Ultra',
      'iPhone 15 Pro',
      'YubiKey 5 NFC',
      'Phone',
    ])
      expect(labelLooksLikeACode(label), label).toBe(false);
  });
});
