import { describe, expect, it } from 'vitest';
import { isDomainError } from '../errors.js';
import {
  checkDriverBadgeRef,
  checkTruckPlate,
  isDriverBadgeRef,
  normaliseTruckPlate,
} from './driver-truck.js';

describe('truck plates', () => {
  it.each([
    ['1-ABC-123', '1ABC123'],
    [' 1 abc 123 ', '1ABC123'],
    ['1–abc—123', '1ABC123'],
    ['AB.123.CD', 'AB123CD'],
    ['１ＡＢＣ１２３', '1ABC123'],
  ])('%s reads as %s', (input, plate) => {
    expect(normaliseTruckPlate(input)).toBe(plate);
  });

  it.each(['', ' - ', 'ÄBC123', '1234567890ABCDEF', 42, null])('%s is no plate', (input) => {
    expect(normaliseTruckPlate(input)).toBeUndefined();
  });

  it('refuses an unreadable plate with the caller’s code', () => {
    try {
      checkTruckPlate('appointment.command_invalid', 'truckPlate', '---');
      expect.unreachable();
    } catch (error) {
      expect(isDomainError(error, 'appointment.command_invalid')).toBe(true);
    }
  });
});

describe('driver badge references', () => {
  it('accept a keyed hash', () => {
    const ref = 'hb1.mQ3vYt0S2d7kPz9xW4cR1aL8eN6uJ5hG';
    expect(isDriverBadgeRef(ref)).toBe(true);
    expect(checkDriverBadgeRef('appointment.command_invalid', 'driverBadgeRef', ref)).toBe(ref);
  });

  it('refuse a short card number, so it cannot reach an audit leaf by mistake', () => {
    expect(isDriverBadgeRef('0412345678')).toBe(false);
    expect(isDriverBadgeRef('hb1.has spaces in it!')).toBe(false);
  });
});
