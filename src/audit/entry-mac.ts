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

/** The authenticator for a key derived before (`EntryAuthenticator.key`). */
export function entryAuthenticatorFromKey(key: Uint8Array): EntryAuthenticator {
  const mac = (leaf: Uint8Array) => new Uint8Array(createHmac('sha256', key).update(leaf).digest());
  return {
    key,
    mac,
    verify(leaf, given) {
      if (given?.length !== 32) return false;
      return timingSafeEqual(mac(leaf), given);
    },
  };
}
