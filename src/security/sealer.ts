import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import type { SecretSealer } from '../app/access/security.ports.js';

/**
 * AES-256-GCM with rotatable keys. A sealed value is `v1 ‖ keyIdLength ‖ keyId ‖ nonce(12) ‖ ciphertext ‖ tag(16)`:
 * it names its key, so old values still open after a new key becomes current.
 */
export function aesGcmSealer(keys: { current: string; keys: ReadonlyMap<string, Uint8Array> }): SecretSealer {
  for (const [id, key] of keys.keys) {
    if (key.length !== 32) throw new Error(`data key ${id} must be 32 bytes`);
    if (Buffer.byteLength(id) > 255) throw new Error(`data key id ${id} is too long`);
  }
  const current = keys.keys.get(keys.current);
  if (!current) throw new Error(`the current data key ${keys.current} is not among the keys`);
  const currentId = Buffer.from(keys.current, 'utf8');
  // RFC 5869 HKDF-SHA256: a key of its own for badge references, so that the sealing key is never an HMAC key.
  const refKeys = new Map(
    [...keys.keys].map(([id, key]) => [
      id,
      Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'portledger/badge-ref/v1', 32)),
    ]),
  );
  const refUnder = (id: string, badge: string) =>
    `b1.${createHmac('sha256', refKeys.get(id)!).update(normaliseBadge(badge), 'utf8').digest('base64url')}`;
  return {
    badgeRef: (badge) => refUnder(keys.current, badge),
    badgeRefs: (badge) =>
      [keys.current, ...[...keys.keys.keys()].filter((id) => id !== keys.current)].map((id) =>
        refUnder(id, badge),
      ),
    seal(plain) {
      const nonce = randomBytes(12);
      const header = Buffer.concat([Buffer.from([1, currentId.length]), currentId]);
      const cipher = createCipheriv('aes-256-gcm', current, nonce);
      // The header is authenticated too, so a value cannot be relabelled with another key id.
      cipher.setAAD(header);
      const body = Buffer.concat([cipher.update(plain), cipher.final()]);
      return new Uint8Array(Buffer.concat([header, nonce, body, cipher.getAuthTag()]));
    },
    open(sealed) {
      const bytes = Buffer.from(sealed);
      if (bytes.length < 2 || bytes[0] !== 1) throw new Error('not a sealed value');
      const idLength = bytes[1]!;
      const header = bytes.subarray(0, 2 + idLength);
      const id = header.subarray(2).toString('utf8');
      const key = keys.keys.get(id);
      if (!key) throw new Error(`no data key ${id}`);
      const nonce = bytes.subarray(2 + idLength, 14 + idLength);
      const tag = bytes.subarray(bytes.length - 16);
      const decipher = createDecipheriv('aes-256-gcm', key, nonce);
      decipher.setAAD(header);
      decipher.setAuthTag(tag);
      return new Uint8Array(
        Buffer.concat([decipher.update(bytes.subarray(14 + idLength, bytes.length - 16)), decipher.final()]),
      );
    },
  };
}

/** A badge number as printed or read from a card: NFKC, without spaces or dashes, upper case. */
function normaliseBadge(badge: string): string {
  return badge
    .normalize('NFKC')
    .replace(/[\s\p{Pd}]/gu, '')
    .toUpperCase();
}
