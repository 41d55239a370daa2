import * as crypto from 'node:crypto';
import { AuditError } from './errors.js';

/** Size in bytes of every hash in the audit tree (SHA-256). */
export const HASH_SIZE = 32;

const LEAF_PREFIX = 0x00;
const NODE_PREFIX = 0x01;

/**
 * `crypto.hash` (Node ≥ 20.12) digests one byte string in a single call into native code; a `createHash` chain
 * makes three calls and a Hash object per digest, which is most of the cost of hashing a 400-byte leaf or a
 * 65-byte node (issue 13: the integrity check hashes every leaf and node of the log). Older Node: the chain.
 */
const oneShot = (crypto as { hash?: (algorithm: string, data: Uint8Array, encoding: 'buffer') => Buffer })
  .hash;

/** Whether {@link sha256} is one call into native code (`crypto.hash`); else a `createHash` chain. */
export const SHA256_IN_ONE_CALL = oneShot !== undefined;

/**
 * SHA-256 of one byte string, as a plain `Uint8Array` (a view of the digest's own 32-byte buffer, never of a shared
 * pool, so a kept hash keeps 32 bytes alive).
 */
export function sha256(bytes: Uint8Array): Uint8Array {
  const digest = oneShot
    ? oneShot('sha256', bytes, 'buffer')
    : crypto.createHash('sha256').update(bytes).digest();
  return new Uint8Array(digest.buffer, digest.byteOffset, digest.byteLength);
}

// Scratch space where the prefix byte and the hashed bytes are laid side by side, so that each digest is one call
// over one byte string, without a concatenation per hash. Each thread has its own module, hence its own scratch,
// and nothing here awaits, so no two hashes share it at once.
const LEAF_SCRATCH_BYTES = 64 * 1024;
const leafScratch = new Uint8Array(LEAF_SCRATCH_BYTES);
const nodeScratch = new Uint8Array(1 + 2 * HASH_SIZE);
nodeScratch[0] = NODE_PREFIX;

/**
 * The hash of one leaf: SHA-256(0x00 ‖ bytes). The 0x00 prefix keeps leaves and interior nodes apart
 * (RFC 9162 §2.1.1).
 *
 * @example leafHash(encodeLogEntry(entry))
 */
export function leafHash(bytes: Uint8Array): Uint8Array {
  // A leaf larger than the scratch (none that PortLedger writes) gets bytes of its own, which are not kept.
  const into = bytes.length < LEAF_SCRATCH_BYTES ? leafScratch : new Uint8Array(bytes.length + 1);
  into[0] = LEAF_PREFIX;
  into.set(bytes, 1);
  return sha256(into.subarray(0, bytes.length + 1));
}

/**
 * The hash of an interior node: SHA-256(0x01 ‖ left ‖ right) (RFC 9162 §2.1.1).
 *
 * @throws AuditError `audit.invalid_argument` when a child is not {@link HASH_SIZE} bytes long.
 */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  if (left.length !== HASH_SIZE || right.length !== HASH_SIZE) {
    throw new AuditError('audit.invalid_argument', `child hashes must be ${HASH_SIZE} bytes`);
  }
  nodeScratch.set(left, 1);
  nodeScratch.set(right, 1 + HASH_SIZE);
  return sha256(nodeScratch);
}

/** The root of the empty tree: SHA-256 of the empty string (RFC 9162 §2.1.1). */
export function emptyRootHash(): Uint8Array {
  return sha256(new Uint8Array(0));
}
