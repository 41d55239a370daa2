import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { testLog } from '../../test/support/witness-log.js';
import { leafHash, parseVerifierKey } from '../audit/index.js';
import {
  authenticateAddCheckpoint,
  checkConsistencyWithRecord,
  parseAddCheckpointBody,
} from './add-checkpoint.js';

const log = testLog({ leaves: 300 });
const logKeys = new Map([[log.origin, [parseVerifierKey(log.vkey)]]]);
const utf8 = (text: string) => new TextEncoder().encode(text);

function decide(body: string, record: { size: number; rootHash: Uint8Array } | undefined) {
  const submitted = authenticateAddCheckpoint({ body: utf8(body), logKeys });
  if (!submitted.ok) return submitted.status;
  const checked = checkConsistencyWithRecord({
    submitted,
    record: record && { size: BigInt(record.size), rootHash: record.rootHash },
  });
  return checked.ok ? 200 : checked.status;
}

describe('add-checkpoint decisions (tlog-witness §add-checkpoint)', () => {
  it('cosigns every honest extension m → n with its RFC 6962 consistency proof', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 0, max: 299 }), (n, k) => {
        const m = 1 + (k % n);
        expect(decide(log.body({ from: m, to: n }), { size: m, rootHash: log.rootAt(m) })).toBe(200);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses with 422 an extension whose proof has one bit flipped, or whose history differs below m', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 300 }),
        fc.integer({ min: 0, max: 299 }),
        fc.nat(),
        (n, k, bit) => {
          const m = 1 + (k % (n - 1));
          const proof = log.proofBetween(m, n).map((hash) => Uint8Array.from(hash));
          const target = proof[bit % proof.length]!;
          target[(bit >> 3) % 32]! ^= 1 << (bit % 8);
          expect(decide(log.body({ from: m, to: n, proof }), { size: m, rootHash: log.rootAt(m) })).toBe(422);

          // The log rewrote one entry below m and signed the recomputed tree: a fork.
          const forked = testLog({ leaves: n });
          forked.leaves[bit % m] = leafHash(new TextEncoder().encode('rewritten'));
          const note = log.checkpointAt(n, forked.rootAt(n));
          const body = log.body({ from: m, to: n, proof: forked.proofBetween(m, n), note });
          expect(decide(body, { size: m, rootHash: log.rootAt(m) })).toBe(422);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('answers 409 with its own size whenever the old size is another', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 0, max: 300 }), (cosigned, old) => {
        fc.pre(old !== cosigned && old <= 300);
        const submitted = authenticateAddCheckpoint({
          body: utf8(log.body({ from: old, to: 300 })),
          logKeys,
        });
        if (!submitted.ok) throw new Error(submitted.reason);
        const checked = checkConsistencyWithRecord({
          submitted,
          record: { size: BigInt(cosigned), rootHash: log.rootAt(cosigned) },
        });
        expect(checked).toMatchObject({ ok: false, status: 409, cosignedSize: BigInt(cosigned) });
      }),
      { numRuns: 100 },
    );
  });

  it('parses the body line by line and refuses anything else with 400', () => {
    expect(parseAddCheckpointBody(utf8('old 0\n\nrest'))).toMatchObject({
      ok: true,
      oldSize: 0n,
      note: 'rest',
    });
    for (const body of [
      'old 0',
      'old 0\n',
      'old\n\n',
      'old 1 \n\n',
      'OLD 1\n\n',
      'old 18446744073709551616\n\n',
    ]) {
      expect(parseAddCheckpointBody(utf8(body)), JSON.stringify(body)).toMatchObject({
        ok: false,
        status: 400,
      });
    }
    expect(parseAddCheckpointBody(Uint8Array.of(0x6f, 0x6c, 0x64, 0x20, 0xff, 0x0a, 0x0a))).toMatchObject({
      status: 400,
    });
  });
});
