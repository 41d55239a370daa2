import { describe, expect, it } from 'vitest';
import { AuditError } from './errors.js';
import {
  issuePickupCredential,
  MAX_PICKUP_CREDENTIAL_CHARS,
  openPickupCredential,
  type PickupCredentialPayload,
  type pickupCredentialOpenCodes,
} from './pickup-credential.js';
import { parseVerifierKey, signerFromSeed, verifierFromSigner, verifierKeyString } from './signed-note.js';

// Fixed seeds: Ed25519 is deterministic (RFC 8032 §5.1.6), so every token below is reproducible.
const gateKey = signerFromSeed('portledger.example/gate', new Uint8Array(32).fill(7));
const oldGateKey = signerFromSeed('portledger.example/gate', new Uint8Array(32).fill(8));
const logKey = signerFromSeed('portledger.example/log', new Uint8Array(32).fill(9));
const gate = verifierFromSigner(gateKey);

const payload: PickupCredentialPayload = {
  v: 1,
  credentialId: '01JN8Q6W3V5T2R9K7M4X1B0C8D',
  visitRef: 'V-7K3M-QW9P-0D5T-HZ2B-RC8N-J',
  driverBadgeRef: 'hb1.mQ3vYt0S2d7kPz9xW4cR1aL8eN6uJ5hG3bF0qZ2yX1w',
  truckPlate: '1ABC123',
  slotId: 'DPW1@20250303T0800Z',
  // 2025-03-03T07:30:00Z to 09:00:00Z, issued 2025-03-02T14:12:09Z.
  windowStart: 1_740_987_000,
  windowEnd: 1_740_992_400,
  rightVersion: 4,
  bookingVersion: 2,
  issuedAt: 1_740_924_729,
};

const b64url = (bytes: Uint8Array | string): string =>
  Buffer.from(typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes).toString('base64url');

/** Signs any payload text with a real key, to show that a valid signature alone does not make a credential. */
const signRaw = (payloadText: string, signer = gateKey, prefix = 'plc1.'): string => {
  const body = `${prefix}${b64url(payloadText)}`;
  const sealed = new Uint8Array(68);
  new DataView(sealed.buffer).setUint32(0, signer.keyId);
  sealed.set(signer.sign(new TextEncoder().encode(body)), 4);
  return `${body}.${b64url(sealed)}`;
};

const codeOf = (token: unknown, verifiers = [gate]) => {
  const opened = openPickupCredential(token, verifiers);
  return opened.ok ? 'ok' : opened.code;
};

describe('issuing and opening a pickup credential', () => {
  it('round-trips, and says which key signed', () => {
    const token = issuePickupCredential(payload, gateKey);
    expect(token.startsWith('plc1.')).toBe(true);
    expect(openPickupCredential(token, gate)).toEqual({
      ok: true,
      payload,
      key: { name: 'portledger.example/gate', keyId: gateKey.keyId },
    });
  });

  it('is one token per payload: canonical JSON and a deterministic signature', () => {
    const shuffled = Object.fromEntries(Object.entries(payload).reverse()) as PickupCredentialPayload;
    expect(issuePickupCredential(shuffled, gateKey)).toBe(issuePickupCredential(payload, gateKey));
  });

  it('fits a QR code: a realistic credential is at most 600 characters', () => {
    const largest: PickupCredentialPayload = {
      ...payload,
      driverBadgeRef: `hb1.${'x'.repeat(60)}`,
      truckPlate: 'ABCDEFGHIJKLMNO',
      slotId: 'TERMINAL0001@20250303T0800Z',
      rightVersion: 2 ** 40,
      bookingVersion: 2 ** 40,
    };
    const token = issuePickupCredential(largest, gateKey);
    expect(token.length).toBeLessThanOrEqual(MAX_PICKUP_CREDENTIAL_CHARS);
    expect(issuePickupCredential(payload, gateKey).length).toBeLessThan(540);
  });

  it('refuses to issue a payload that is not a credential, or one too long for a QR code', () => {
    const refusal = (bad: unknown) => {
      try {
        issuePickupCredential(bad as PickupCredentialPayload, gateKey);
      } catch (error) {
        return error instanceof AuditError ? error.code : error;
      }
      return 'issued';
    };
    expect(refusal({ ...payload, truckPlate: '1-abc-123' })).toBe('audit.invalid_argument');
    expect(refusal({ ...payload, driverBadgeRef: '0412345678' })).toBe('audit.invalid_argument');
    expect(refusal({ ...payload, windowEnd: payload.windowStart })).toBe('audit.invalid_argument');
    expect(refusal({ ...payload, extra: 1 })).toBe('audit.invalid_argument');
    expect(
      refusal({ ...payload, credentialId: 'c'.repeat(64), visitRef: 'v'.repeat(64), slotId: 's'.repeat(64) }),
    ).toBe('audit.invalid_argument');
  });

  it('can be signed by the log key, read from its verifier key string, and survives a key rotation', () => {
    const token = issuePickupCredential(payload, logKey);
    const logVerifier = parseVerifierKey(verifierKeyString(logKey));
    expect(codeOf(token, [logVerifier])).toBe('ok');
    const old = issuePickupCredential(payload, oldGateKey);
    expect(codeOf(old, [gate, verifierFromSigner(oldGateKey)])).toBe('ok');
    expect(codeOf(old, [gate])).toBe('credential.unknown_key');
  });

  it('opens a copy exactly like the original: the gate, not the token, stops a copied credential', () => {
    const token = issuePickupCredential(payload, gateKey);
    const copy = `${token}`;
    expect(openPickupCredential(copy, gate)).toEqual(openPickupCredential(token, gate));
  });
});

describe('opening a token read at the gate (attacker-controlled)', () => {
  const token = issuePickupCredential(payload, gateKey);
  const [, payloadPart, signaturePart] = token.split('.') as [string, string, string];
  const flip = (text: string, at: number) =>
    `${text.slice(0, at)}${text[at] === 'A' ? 'B' : 'A'}${text.slice(at + 1)}`;

  it.each<[string, unknown, (typeof pickupCredentialOpenCodes)[number]]>([
    ['a number', 42, 'credential.malformed'],
    ['a nine-digit PIN', '123456789', 'credential.malformed'],
    ['a longer text than any credential', `plc1.${'A'.repeat(600)}`, 'credential.too_large'],
    ['a later format', token.replace('plc1.', 'plc2.'), 'credential.unsupported_version'],
    ['a missing signature', `plc1.${payloadPart}`, 'credential.malformed'],
    ['an extra part', `${token}.AAAA`, 'credential.malformed'],
    ['padding', `plc1.${payloadPart}.${signaturePart}=`, 'credential.malformed'],
    [
      'standard base64',
      `plc1.${payloadPart}.${signaturePart.replace(/-/g, '+').replace(/_/g, '/')}+`,
      'credential.malformed',
    ],
    ['non-zero trailing bits', `plc1.${payloadPart}.${signaturePart.slice(0, -1)}B`, 'credential.malformed'],
    ['a short signature', `plc1.${payloadPart}.${signaturePart.slice(0, 40)}`, 'credential.malformed'],
    ['an empty payload', `plc1..${signaturePart}`, 'credential.malformed'],
    ['an unknown key', issuePickupCredential(payload, logKey), 'credential.unknown_key'],
    ['a changed payload', `plc1.${flip(payloadPart, 20)}.${signaturePart}`, 'credential.bad_signature'],
    ['a changed signature', `plc1.${payloadPart}.${flip(signaturePart, 30)}`, 'credential.bad_signature'],
  ])('refuses %s', (_, input, code) => {
    expect(codeOf(input)).toBe(code);
  });

  it('refuses signed payloads that are not canonical or not credentials', () => {
    const canonical = JSON.stringify(
      Object.fromEntries(Object.entries(payload).sort(([a], [b]) => (a < b ? -1 : 1))),
    );
    expect(codeOf(signRaw(canonical))).toBe('ok');
    expect(codeOf(signRaw(JSON.stringify(payload)))).toBe('credential.not_canonical');
    expect(codeOf(signRaw(canonical.replace('{', '{ ')))).toBe('credential.not_canonical');
    expect(codeOf(signRaw(canonical.replace('{', '{"bookingVersion":1,')))).toBe('credential.not_canonical');
    expect(codeOf(signRaw('{"v":1'))).toBe('credential.payload_invalid');
    expect(codeOf(signRaw('\u00ff'))).toBe('credential.payload_invalid');
    expect(codeOf(signRaw(canonical.replace('"v":1', '"v":2')))).toBe('credential.unsupported_version');
    expect(
      codeOf(signRaw(canonical.replace('"windowStart":1740987000', '"windowStart":"2025-03-03T07:30:00Z"'))),
    ).toBe('credential.payload_invalid');
    expect(codeOf(signRaw(canonical.replace('"windowStart":1740987000', '"windowStart":1740992400')))).toBe(
      'credential.payload_invalid',
    );
    expect(codeOf(signRaw(canonical.replace('"issuedAt":1740924729', '"issuedAt":1740924729.5')))).toBe(
      'credential.payload_invalid',
    );
    expect(codeOf(signRaw(canonical.replace('"bookingVersion":2', '"bookingVersion":-2')))).toBe(
      'credential.payload_invalid',
    );
    expect(codeOf(signRaw('[1]'))).toBe('credential.payload_invalid');
  });

  it('cannot be confused with a signed note: the signed text has no newline, a note text always ends in one', () => {
    const body = token.slice(0, token.lastIndexOf('.'));
    expect(body).not.toContain('\n');
  });

  it('never throws', () => {
    for (const input of [
      undefined,
      null,
      {},
      [],
      'plc1.',
      'plc1..',
      'plc1.\u0000.\u0000',
      `plc1.${'_'.repeat(599)}`,
    ]) {
      expect(openPickupCredential(input, gate).ok).toBe(false);
    }
  });
});
