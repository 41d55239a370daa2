import { createHash } from 'node:crypto';
import { AuditError } from './errors.js';

/** Size in bytes of every hash in the audit tree (SHA-256). */
export const HASH_SIZE = 32;

const LEAF_PREFIX = Uint8Array.of(0x00);
const NODE_PREFIX = Uint8Array.of(0x01);

function sha256(...parts: readonly Uint8Array[]): Uint8Array {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  // Copy out of Node's Buffer so callers always hold a plain Uint8Array.
  return new Uint8Array(hash.digest());
}

/**
 * The hash of one leaf: SHA-256(0x00 ‖ bytes). The 0x00 prefix keeps leaves and interior nodes apart
 * (RFC 9162 §2.1.1).
 *
 * @example leafHash(encodeLogEntry(entry))
 */
export function leafHash(bytes: Uint8Array): Uint8Array {
  return sha256(LEAF_PREFIX, bytes);
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
  return sha256(NODE_PREFIX, left, right);
}

/** The root of the empty tree: SHA-256 of the empty string (RFC 9162 §2.1.1). */
export function emptyRootHash(): Uint8Array {
  return sha256();
}
