import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareWithKept, describeHistoryBreak } from './checkpoint-comparison.js';
import { leafHash } from './hash.js';
import { consistencyProofFromLeaves } from './proof.js';
import { rootOfLeafHashes } from './tree.js';

const leaves = (count: number, salt = 0) =>
  Array.from({ length: count }, (_, i) => leafHash(Uint8Array.of(i & 0xff, i >> 8, salt)));

const head = (hashes: readonly Uint8Array[]) => ({ size: hashes.length, rootHash: rootOfLeafHashes(hashes) });

/** The proof an honest log hands out from `size1` to all of `hashes` (RFC 9162 §2.1.4.1). */
const proofFrom = (size1: number, hashes: readonly Uint8Array[]) =>
  size1 === 0 ? [] : consistencyProofFromLeaves(size1, hashes);

describe('compareWithKept: does the log extend the kept checkpoint?', () => {
  it('a log that grew from the kept tree extends it, whatever the sizes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.nat({ max: 300 }), (kept, grown) => {
        const all = leaves(kept + grown);
        const result = compareWithKept({
          kept: head(all.slice(0, kept)),
          log: head(all),
          proof: proofFrom(kept, all),
        });
        expect(result).toEqual({ ok: true });
      }),
    );
  });

  it('a shorter log is a rollback naming both sizes', () => {
    const all = leaves(40);
    const result = compareWithKept({ kept: head(all), log: head(all.slice(0, 31)), proof: [] });
    expect(result).toMatchObject({ ok: false, kind: 'rollback', keptSize: 40, logSize: 31 });
    if (!result.ok)
      expect(describeHistoryBreak(result)).toMatch(/^rollback: kept checkpoint of size 40, log of size 31/);
  });

  it('the same size with another root is a fork', () => {
    const kept = leaves(25);
    const rewritten = [...kept];
    rewritten[7] = leafHash(Uint8Array.of(0xee));
    const result = compareWithKept({ kept: head(kept), log: head(rewritten), proof: [] });
    expect(result).toMatchObject({ ok: false, kind: 'fork', keptSize: 25, logSize: 25 });
  });

  it('a longer log whose prefix was rewritten is a fork, even with its own honest proof', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 1, max: 200 }),
        fc.nat(),
        (keptSize, grown, pick) => {
          const original = leaves(keptSize + grown);
          const forked = [...original];
          const rewrittenIndex = pick % keptSize;
          forked[rewrittenIndex] = leafHash(Uint8Array.of(0xee, rewrittenIndex & 0xff));
          const result = compareWithKept({
            kept: head(original.slice(0, keptSize)),
            log: head(forked),
            proof: proofFrom(keptSize, forked),
          });
          expect(result).toMatchObject({ ok: false, kind: 'fork', keptSize, logSize: keptSize + grown });
        },
      ),
    );
  });

  it('a proof of the true history does not cover a log whose root is of another one', () => {
    const original = leaves(60);
    const forked = leaves(60, 1);
    const result = compareWithKept({
      kept: head(original.slice(0, 33)),
      log: head(forked),
      proof: proofFrom(33, original),
    });
    expect(result).toMatchObject({ ok: false, kind: 'fork' });
  });

  it('a kept checkpoint of the empty tree commits to nothing', () => {
    expect(compareWithKept({ kept: head([]), log: head(leaves(3)), proof: [] })).toEqual({ ok: true });
  });
});
