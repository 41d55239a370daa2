/**
 * The digests the integrity check computes over every entry of the log (issue 13) — the RFC 9162 leaf hash, the
 * writer's HMAC-SHA-256 (RFC 2104) and the tree's interior nodes — held as lower-case hex text rather than bytes.
 * A digest returned as a Buffer costs an allocation with its own backing store, more than hashing a 65-byte node;
 * as text it costs a short string, which the check compares with the hex the database hands it and writes back into
 * scratch space when a node is hashed. The results are those of `hash.ts` and `entry-mac.ts`, in another form.
 */
import * as crypto from 'node:crypto';
import { bytesEqual } from './bytes.js';
import { emptyRootHash, HASH_SIZE } from './hash.js';

type TextDigest = (data: Uint8Array) => string;

const oneShot = (
  crypto as { hash?: (algorithm: string, data: Uint8Array, encoding: 'hex' | 'binary') => string }
).hash;

/** SHA-256 of one byte string as hex: one call (`crypto.hash`, Node ≥ 20.12), else a `createHash` chain. */
const sha256Hex: TextDigest = oneShot
  ? (data) => oneShot('sha256', data, 'hex')
  : (data) => crypto.createHash('sha256').update(data).digest('hex');

/** The same as Latin-1 text, one character a byte: the cheapest form to write back into bytes. */
const sha256Latin1: TextDigest = oneShot
  ? (data) => oneShot('sha256', data, 'binary')
  : (data) => crypto.createHash('sha256').update(data).digest('binary');

const EMPTY_ROOT_HEX = Buffer.from(emptyRootHash()).toString('hex');
/** SHA-256's block size B (RFC 2104 §2). */
const BLOCK_BYTES = 64;

/** Lower-case hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Bytes of hex text that {@link toHex} (or the database's hex) wrote. */
export function fromHex(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(text, 'hex'));
}

/**
 * Whether two texts are equal, in time that depends on their length only: a MAC is compared without telling, by
 * how long the comparison took, how many of its first characters were right.
 */
export function textsEqualInConstantTime(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}

// SHA-256(0x01 ‖ left ‖ right) is hashed over this: its children are written in as hex (RFC 9162 §2.1.1).
const nodeScratch = Buffer.alloc(1 + 2 * HASH_SIZE);
nodeScratch[0] = 0x01;

/** The interior node over two children given as hex: SHA-256(0x01 ‖ left ‖ right) (RFC 9162 §2.1.1), as hex. */
export function nodeHashHex(left: string, right: string): string {
  nodeScratch.write(left, 1, HASH_SIZE, 'hex');
  nodeScratch.write(right, 1 + HASH_SIZE, HASH_SIZE, 'hex');
  return sha256Hex(nodeScratch);
}

/** The interior node over two children given as text in `encoding`, as Latin-1 text. */
function nodeHashLatin1(left: string, right: string, encoding: 'hex' | 'latin1'): string {
  nodeScratch.write(left, 1, HASH_SIZE, encoding);
  nodeScratch.write(right, 1 + HASH_SIZE, HASH_SIZE, encoding);
  return sha256Latin1(nodeScratch);
}

/** A hash held as text, in bytes: leaf hashes (level 0) as hex, interior nodes as Latin-1. */
const bytesOf = (hash: string, level: number) =>
  Uint8Array.from(Buffer.from(hash, level === 0 ? 'hex' : 'latin1'));

/**
 * The right border of a tree grown leaf by leaf, its hashes as text: the tree of `appendLeaves` in `tree.ts`,
 * without the list of new nodes a store keeps, which a check does not need. Leaf hashes come and stay as hex (the
 * form the database compares them in); interior nodes are Latin-1, one character a byte, the cheapest text to make
 * and to write back when the next node is hashed.
 */
export class HexBorder {
  #size: number;
  /** The border's subtree levels, highest first; a leaf appended is a binary increment of the size. */
  readonly #levels: number[] = [];
  readonly #hashes: string[] = [];

  /** A tree of `size` leaves, from the hashes of `borderKeys(size)` (a tree of no leaves by default). */
  constructor(size = 0, border: readonly Uint8Array[] = []) {
    let remaining = size;
    const levels: number[] = [];
    for (let level = 0; remaining > 0; level++) {
      if (remaining % 2 === 1) levels.unshift(level);
      remaining = Math.floor(remaining / 2);
    }
    if (levels.length !== border.length || border.some((hash) => hash.length !== HASH_SIZE)) {
      throw new RangeError(
        `a tree of ${size} leaves has ${levels.length} border hashes of ${HASH_SIZE} bytes`,
      );
    }
    this.#size = size;
    this.#levels.push(...levels);
    this.#hashes.push(
      ...border.map((hash, i) => {
        const bytes = Buffer.from(hash.buffer, hash.byteOffset, hash.byteLength);
        return bytes.toString(levels[i] === 0 ? 'hex' : 'latin1');
      }),
    );
  }

  get size(): number {
    return this.#size;
  }

  /** Appends one leaf by its leaf hash (hex). */
  push(leafHash: string): void {
    let level = 0;
    let hash = leafHash;
    const levels = this.#levels;
    const hashes = this.#hashes;
    while (levels.length > 0 && levels[levels.length - 1] === level) {
      levels.pop();
      hash = nodeHashLatin1(hashes.pop()!, hash, level === 0 ? 'hex' : 'latin1');
      level += 1;
    }
    levels.push(level);
    hashes.push(hash);
    this.#size += 1;
  }

  /** The root (RFC 9162 §2.1.1): the border folded right to left; the empty tree's for no leaves. */
  #root(): Uint8Array {
    const hashes = this.#hashes;
    const levels = this.#levels;
    if (hashes.length === 0) return fromHex(EMPTY_ROOT_HEX);
    const last = hashes.length - 1;
    let root = levels[last] === 0 ? Buffer.from(hashes[last]!, 'hex').toString('latin1') : hashes[last]!;
    for (let i = last - 1; i >= 0; i--) root = nodeHashLatin1(hashes[i]!, root, 'latin1');
    return Uint8Array.from(Buffer.from(root, 'latin1'));
  }

  /** The root as hex. */
  rootHex(): string {
    return toHex(this.#root());
  }

  /** Whether the root is `rootHash`. */
  hasRoot(rootHash: Uint8Array): boolean {
    return bytesEqual(this.#root(), rootHash);
  }

  /** The border's hashes as bytes, for `VerifiedPrefix.border` and `rootFromBorder`. */
  border(): Uint8Array[] {
    return this.#hashes.map((hash, i) => bytesOf(hash, this.#levels[i]!));
  }
}

/**
 * The leaf hash, SHA-256(0x00 ‖ leaf) (RFC 9162 §2.1.1), and optionally the writer's MAC, HMAC-SHA-256 (RFC 2104
 * §2: H(K ⊕ opad ‖ H(K ⊕ ipad ‖ leaf))) under `macKey`, of a leaf given as its UTF-8 text, as hex. The text is
 * encoded once, after the padded key in scratch space: the MAC's inner hash covers [K ⊕ ipad ‖ leaf], and with the
 * byte before the leaf set to 0x00 for a moment, the leaf hash covers [0x00 ‖ leaf] of the same bytes.
 *
 * `digest` sets `leafHash` and `mac` (the empty string without a key), so that a check of millions of leaves
 * allocates no result object per leaf.
 */
export class LeafDigests {
  leafHash = '';
  mac = '';
  #scratch = Buffer.alloc(64 * 1024);
  readonly #ipadKey: Buffer;
  readonly #outer: Buffer | undefined;

  constructor(macKey?: Uint8Array) {
    const key =
      macKey && macKey.length > BLOCK_BYTES ? crypto.createHash('sha256').update(macKey).digest() : macKey;
    this.#ipadKey = Buffer.alloc(BLOCK_BYTES, 0x36);
    if (key) {
      this.#outer = Buffer.alloc(BLOCK_BYTES + HASH_SIZE, 0x5c);
      for (let i = 0; i < key.length; i++) {
        this.#ipadKey[i]! ^= key[i]!;
        this.#outer[i]! ^= key[i]!;
      }
    }
    this.#ipadKey.copy(this.#scratch);
  }

  /** Digests the leaf whose UTF-8 text is `leafText`. */
  digest(leafText: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 unit: a text that may not fit gets scratch space of its own, kept.
    if (BLOCK_BYTES + 3 * leafText.length > this.#scratch.length) {
      this.#scratch = Buffer.alloc(BLOCK_BYTES + 3 * leafText.length);
      this.#ipadKey.copy(this.#scratch);
    }
    const scratch = this.#scratch;
    const end = BLOCK_BYTES + scratch.write(leafText, BLOCK_BYTES, 'utf8');
    if (this.#outer) {
      this.#outer.write(sha256Latin1(scratch.subarray(0, end)), BLOCK_BYTES, HASH_SIZE, 'latin1');
      this.mac = sha256Hex(this.#outer);
    }
    scratch[BLOCK_BYTES - 1] = 0x00;
    this.leafHash = sha256Hex(scratch.subarray(BLOCK_BYTES - 1, end));
    scratch[BLOCK_BYTES - 1] = this.#ipadKey[BLOCK_BYTES - 1]!;
  }
}
