import { describe, expect, it } from 'vitest';
import { aesGcmSealer } from './sealer.js';

const key = (fill: number) => new Uint8Array(32).fill(fill);

describe('badge references (keyed hash of a driver badge)', () => {
  const sealer = aesGcmSealer({ current: 'k1', keys: new Map([['k1', key(1)]]) });

  it('is stable, ignores how the number was typed, and never shows the number', () => {
    const ref = sealer.badgeRef('ANR-000123');
    expect(ref).toMatch(/^b1\.[A-Za-z0-9_-]{43}$/);
    expect(sealer.badgeRef(' anr 000123 ')).toBe(ref);
    expect(ref).not.toContain('000123');
    expect(sealer.badgeRef('ANR-000124')).not.toBe(ref);
  });

  it('depends on the data key, and still finds a badge registered before a rotation', () => {
    const rotated = aesGcmSealer({
      current: 'k2',
      keys: new Map([
        ['k1', key(1)],
        ['k2', key(2)],
      ]),
    });
    const before = sealer.badgeRef('ANR-000123');
    expect(rotated.badgeRef('ANR-000123')).not.toBe(before);
    expect(rotated.badgeRefs('ANR-000123')).toEqual([rotated.badgeRef('ANR-000123'), before]);
  });
});
