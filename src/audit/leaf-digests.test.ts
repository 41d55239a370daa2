import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { entryAuthenticatorFromKey } from './entry-mac.js';
import { leafHash, nodeHash } from './hash.js';
import {
  fromHex,
  HexBorder,
  LeafDigests,
  nodeHashHex,
  textsEqualInConstantTime,
  toHex,
} from './leaf-digests.js';
import { appendLeaves, borderKeys, rootFromBorder } from './tree.js';

const hashes = (n: number, seed: number) =>
  Array.from({ length: n }, (_, i) => leafHash(Uint8Array.of(seed & 0xff, i & 0xff, i >> 8)));

describe('hex digests for the integrity check (issue 13)', () => {
  it('hash nodes as nodeHash does', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (a, b) => {
          expect(nodeHashHex(toHex(a), toHex(b))).toBe(toHex(nodeHash(a, b)));
        },
      ),
    );
  });

  it('grow the tree appendLeaves grows, from any border, to the same root and border', () => {
    fc.assert(
      fc.property(fc.nat(300), fc.nat(300), fc.nat(255), (start, more, seed) => {
        const leaves = hashes(start + more, seed);
        const { border: atStart } = appendLeaves(0, [], leaves.slice(0, start));
        const tree = new HexBorder(start, atStart);
        for (const leaf of leaves.slice(start)) tree.push(toHex(leaf));
        const onePass = appendLeaves(0, [], leaves);
        expect(tree.size).toBe(start + more);
        expect(tree.border().map(toHex)).toEqual(onePass.border.map(toHex));
        expect(tree.rootHex()).toBe(toHex(rootFromBorder(onePass.border)));
        expect(tree.hasRoot(rootFromBorder(onePass.border))).toBe(true);
        expect(tree.border()).toHaveLength(borderKeys(start + more).length);
      }),
    );
  });

  it('refuse a border that does not fit the size', () => {
    expect(() => new HexBorder(3, [new Uint8Array(32)])).toThrow(RangeError);
    expect(() => new HexBorder(1, [new Uint8Array(31)])).toThrow(RangeError);
    expect(new HexBorder().rootHex()).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });

  it('give the leaf hash and the writer MAC of a leaf from its text, as leafHash and HMAC-SHA-256 do', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 100 }),
        fc.string({ unit: 'grapheme', maxLength: 300 }),
        (key, text) => {
          const digests = new LeafDigests(key);
          digests.digest(text);
          const bytes = new TextEncoder().encode(text);
          expect(digests.leafHash).toBe(toHex(leafHash(bytes)));
          expect(digests.mac).toBe(createHmac('sha256', key).update(bytes).digest('hex'));
          expect(digests.mac).toBe(toHex(entryAuthenticatorFromKey(key).mac(bytes)));
        },
      ),
    );
  });

  it('digest one leaf after another, long ones too, without one leaking into the next', () => {
    const digests = new LeafDigests(new Uint8Array(32).fill(7));
    const texts = ['{"a":1}', 'é'.repeat(40_000), '', 'x'.repeat(70_000), '{"a":1}'];
    const seen = texts.map((text) => {
      digests.digest(text);
      expect(digests.leafHash).toBe(toHex(leafHash(new TextEncoder().encode(text))));
      return digests.mac;
    });
    expect(seen[0]).toBe(seen[4]);
    const unkeyed = new LeafDigests();
    unkeyed.digest('{}');
    expect(unkeyed.mac).toBe('');
  });

  it('compare texts whole', () => {
    expect(textsEqualInConstantTime('abcd', 'abcd')).toBe(true);
    expect(textsEqualInConstantTime('abcd', 'abce')).toBe(false);
    expect(textsEqualInConstantTime('abcd', 'abc')).toBe(false);
    expect(toHex(fromHex('00ff10'))).toBe('00ff10');
  });
});
