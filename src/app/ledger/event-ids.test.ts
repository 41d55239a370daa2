import { describe, expect, it } from 'vitest';
import { timeOrderedEventId } from './event-ids.js';

describe('time-ordered event ids (UUIDv7, RFC 9562 §5.7)', () => {
  const zeros = new Uint8Array(10);
  const ones = new Uint8Array(10).fill(0xff);

  it('puts the milliseconds first, then the version and variant, then the random bits', () => {
    // RFC 9562 appendix A.6's instant, 2022-02-22T19:22:22Z = 0x017F22E279B0 ms.
    expect(timeOrderedEventId(0x017f22e279b0, zeros)).toBe('017f22e2-79b0-7000-8000-000000000000');
    expect(timeOrderedEventId(0x017f22e279b0, ones)).toBe('017f22e2-79b0-7fff-bfff-ffffffffffff');
  });

  it('sorts as text in the order of its instants', () => {
    const ids = [0, 1, 255, 256, 1_700_000_000_000, 1_700_000_000_001, 2 ** 48 - 1].map((ms) =>
      timeOrderedEventId(ms, ones),
    );
    expect([...ids].sort()).toEqual(ids);
  });

  it('refuses an instant outside 48 bits and too few random bytes', () => {
    expect(() => timeOrderedEventId(-1, zeros)).toThrow(RangeError);
    expect(() => timeOrderedEventId(2 ** 48, zeros)).toThrow(RangeError);
    expect(() => timeOrderedEventId(0, new Uint8Array(9))).toThrow(RangeError);
  });
});
