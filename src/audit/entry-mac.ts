/**
 * Each log entry authenticated by its writer (issue 13): a database administrator can append rows whose leaves and
 * subtree hashes are all consistent — the server would sign checkpoints over them and every check of the tree would
 * pass — but cannot give them the MAC a PortLedger process writes beside each entry, because its key is derived
 * from the log's signing key, which never enters the database.
 *
 * The key is SHA-256 over a domain line and the log key's Ed25519 signature of a fixed message: Ed25519 signatures
 * are deterministic (RFC 8032 §5.1.6), so every process holding the log key derives the same key, and nobody else
 * can. The MAC is HMAC-SHA-256 (RFC 2104) over the leaf bytes.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { SHA256_IN_ONE_CALL, sha256 } from './hash.js';
import type { NoteSigner } from './signed-note.js';

const KEY_MESSAGE = 'portledger entry mac key v1';

export interface EntryAuthenticator {
  /** The MAC of one leaf. */
  mac(leaf: Uint8Array): Uint8Array;
  /** Whether `mac` is the MAC of `leaf`. */
  verify(leaf: Uint8Array, mac: Uint8Array | undefined): boolean;
  /** The key, for a thread that checks the log on its own (`entryAuthenticatorFromKey`). */
  readonly key: Uint8Array;
}

/** The authenticator of the log whose checkpoints `signer` signs. */
export function entryAuthenticatorFor(signer: NoteSigner): EntryAuthenticator {
  const message = new TextEncoder().encode(KEY_MESSAGE);
  const key = createHash('sha256').update(`${KEY_MESSAGE}\n`).update(signer.sign(message)).digest();
  return entryAuthenticatorFromKey(new Uint8Array(key));
}

/** SHA-256's block size B (RFC 2104 §2). */
const BLOCK_BYTES = 64;
const MAC_BYTES = 32;
const SCRATCH_BYTES = 64 * 1024;

/**
 * HMAC-SHA-256 as RFC 2104 §2 writes it, H(K ⊕ opad ‖ H(K ⊕ ipad ‖ text)), with both padded keys computed once and
 * each H one call (`crypto.hash`) over bytes laid out in scratch space: `createHmac` pads the key again and makes
 * three calls into native code per leaf, and the integrity check MACs every leaf of the log (issue 13).
 */
function hmacSha256(key: Uint8Array): (text: Uint8Array) => Uint8Array {
  const k = key.length > BLOCK_BYTES ? sha256(key) : key;
  const inner = new Uint8Array(SCRATCH_BYTES);
  const outer = new Uint8Array(BLOCK_BYTES + MAC_BYTES);
  inner.fill(0x36, 0, BLOCK_BYTES);
  outer.fill(0x5c, 0, BLOCK_BYTES);
  for (let i = 0; i < k.length; i++) {
    inner[i]! ^= k[i]!;
    outer[i]! ^= k[i]!;
  }
  const ipadKey = inner.slice(0, BLOCK_BYTES);
  return (text) => {
    // A text larger than the scratch (no leaf PortLedger writes) gets bytes of its own.
    let into = inner;
    if (BLOCK_BYTES + text.length > SCRATCH_BYTES) {
      into = new Uint8Array(BLOCK_BYTES + text.length);
      into.set(ipadKey);
    }
    into.set(text, BLOCK_BYTES);
    outer.set(sha256(into.subarray(0, BLOCK_BYTES + text.length)), BLOCK_BYTES);
    return sha256(outer);
  };
}

/** The authenticator for a key derived before (`EntryAuthenticator.key`). */
export function entryAuthenticatorFromKey(key: Uint8Array): EntryAuthenticator {
  const mac = SHA256_IN_ONE_CALL
    ? hmacSha256(key)
    : (leaf: Uint8Array) => new Uint8Array(createHmac('sha256', key).update(leaf).digest());
  return {
    key,
    mac,
    verify(leaf, given) {
      if (given?.length !== MAC_BYTES) return false;
      return timingSafeEqual(mac(leaf), given);
    },
  };
}
