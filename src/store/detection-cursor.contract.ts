import { describe, expect, it } from 'vitest';
import type { DetectionCursor } from '../app/detection/detection.ports.js';
import type { LedgerStore } from '../app/ports.js';

const cursor = (position: number, engineId = 'detection'): DetectionCursor => ({
  engineId,
  position,
  state: JSON.stringify({ position, facts: { note: 'é ✓' } }),
  updatedAt: `2026-03-02T08:00:0${position % 10}.000Z`,
});

/** The detection engine's place (`detection.ports.ts`, issue 15), on every store. */
export function describeDetectionCursorContract(storeOf: () => LedgerStore): void {
  describe('detection cursor', () => {
    it('stores an engine’s first place only when none is stored, then moves it on only from where it stands', async () => {
      const store = storeOf();
      expect(await store.detection.getDetectionCursor('detection')).toBeUndefined();
      expect(await store.writeTransaction((tx) => tx.detection.advanceDetectionCursor(cursor(5), null))).toBe(
        true,
      );
      // A second engine that also found nothing stored must not start over.
      expect(await store.writeTransaction((tx) => tx.detection.advanceDetectionCursor(cursor(3), null))).toBe(
        false,
      );
      expect(await store.detection.getDetectionCursor('detection')).toEqual(cursor(5));

      // From the wrong place: refused, nothing written.
      expect(await store.writeTransaction((tx) => tx.detection.advanceDetectionCursor(cursor(9), 4))).toBe(
        false,
      );
      expect(await store.writeTransaction((tx) => tx.detection.advanceDetectionCursor(cursor(9), 5))).toBe(
        true,
      );
      expect(await store.writeTransaction((tx) => tx.detection.advanceDetectionCursor(cursor(12), 5))).toBe(
        false,
      );
      expect(await store.detection.getDetectionCursor('detection')).toEqual(cursor(9));
      // Each engine has its own place.
      expect(await store.detection.getDetectionCursor('other')).toBeUndefined();
    });

    it('reads its own write inside the transaction, and a rolled-back advance leaves the place as it was', async () => {
      const store = storeOf();
      await store.writeTransaction((tx) => tx.detection.advanceDetectionCursor(cursor(2), null));
      await expect(
        store.writeTransaction(async (tx) => {
          expect(await tx.detection.advanceDetectionCursor(cursor(7), 2)).toBe(true);
          expect(await tx.detection.getDetectionCursor('detection')).toEqual(cursor(7));
          throw new Error('crash before commit');
        }),
      ).rejects.toThrow('crash before commit');
      expect(await store.detection.getDetectionCursor('detection')).toEqual(cursor(2));
    });

    it('keeps a large state whole', async () => {
      const store = storeOf();
      const big = { ...cursor(1), state: JSON.stringify({ visits: 'x'.repeat(3_000_000) }) };
      await store.writeTransaction((tx) => tx.detection.advanceDetectionCursor(big, null));
      expect((await store.detection.getDetectionCursor('detection'))?.state).toBe(big.state);
    });
  });
}
