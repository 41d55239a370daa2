/**
 * The gang's own software passkey, for the drill's enrolment step: ES256 (COSE alg -7), `none` attestation, user
 * presence and verification flags set, as any authenticator an attacker writes would answer (WebAuthn Level 3
 * §6.1 authenticator data, §6.5.4 attested credential data, §8.7 `none` attestation). Nothing stops such software
 * from claiming user verification; that is why an enrolment link must not be a bearer secret. The test suite's
 * software passkey (test/support/soft-authenticator.ts) is this one.
 */
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';

export interface DrillPasskey {
  readonly credentialId: string;
  /** The COSE_Key of the public key (RFC 9053 §7.1.1), as a relying party stores it. */
  readonly cosePublicKey: Uint8Array;
  /** A registration response (`navigator.credentials.create`) to these creation options. */
  register(options: { challenge: string; rp?: { id?: string } }): Record<string, unknown>;
  /** An assertion (`navigator.credentials.get`) for these request options. */
  assert(options: { challenge: string; rpId?: string }, userHandle?: string): Record<string, unknown>;
}

const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');

/**
 * A new software passkey answering ceremonies as if from `origin` (the console's public URL), for the relying party
 * `rpId` if given, else the one the options name, else `origin`'s host name.
 */
export function drillPasskey(origin: string, rpId?: string): DrillPasskey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  const credentialIdBytes = randomBytes(16);
  const credentialId = b64url(credentialIdBytes);
  // RFC 9053 §7.1.1: kty EC2 (1: 2), alg ES256 (3: -7), crv P-256 (-1: 1), x (-2), y (-3).
  const cosePublicKey = cbor(
    new Map<number, CborValue>([
      [1, 2],
      [3, -7],
      [-1, 1],
      [-2, Buffer.from(jwk.x!, 'base64url')],
      [-3, Buffer.from(jwk.y!, 'base64url')],
    ]),
  );
  const defaultRpId = new URL(origin).hostname;
  let signCount = 0;
  const clientData = (type: string, challenge: string) =>
    Buffer.from(JSON.stringify({ type, challenge, origin: new URL(origin).origin, crossOrigin: false }));
  const authData = (rpId: string, flags: number, attested?: Uint8Array) => {
    const count = Buffer.alloc(4);
    count.writeUInt32BE(++signCount);
    const rpIdHash = createHash('sha256').update(rpId).digest();
    return Buffer.concat([rpIdHash, Buffer.from([flags]), count, ...(attested ? [attested] : [])]);
  };
  return {
    credentialId,
    cosePublicKey,
    register(options) {
      const idLength = Buffer.alloc(2);
      idLength.writeUInt16BE(credentialIdBytes.length);
      // UP (0x01) | UV (0x04) | AT (0x40); an all-zero AAGUID, as `none` attestation allows.
      const data = authData(
        rpId ?? options.rp?.id ?? defaultRpId,
        0x45,
        Buffer.concat([Buffer.alloc(16), idLength, credentialIdBytes, cosePublicKey]),
      );
      const attestationObject = cbor(
        new Map<string, CborValue>([
          ['fmt', 'none'],
          ['attStmt', new Map()],
          ['authData', data],
        ]),
      );
      return {
        id: credentialId,
        rawId: credentialId,
        type: 'public-key',
        response: {
          clientDataJSON: b64url(clientData('webauthn.create', options.challenge)),
          attestationObject: b64url(attestationObject),
          transports: ['internal'],
        },
        clientExtensionResults: {},
        authenticatorAttachment: 'platform',
      };
    },
    assert(options, userHandle) {
      const data = authData(rpId ?? options.rpId ?? defaultRpId, 0x05);
      const client = clientData('webauthn.get', options.challenge);
      // WebAuthn §6.5.6: ES256 signatures are ASN.1 DER, node's default for EC keys.
      const signature = sign(
        'sha256',
        Buffer.concat([data, createHash('sha256').update(client).digest()]),
        privateKey,
      );
      return {
        id: credentialId,
        rawId: credentialId,
        type: 'public-key',
        response: {
          clientDataJSON: b64url(client),
          authenticatorData: b64url(data),
          signature: b64url(signature),
          ...(userHandle ? { userHandle } : {}),
        },
        clientExtensionResults: {},
        authenticatorAttachment: 'platform',
      };
    },
  };
}

type CborValue = number | string | Uint8Array | Map<number | string, CborValue>;

/** The few CBOR (RFC 8949) items WebAuthn needs: integers, byte and text strings, maps. */
function cbor(value: CborValue): Buffer {
  if (typeof value === 'number') return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([head(3, bytes.length), bytes]);
  }
  if (value instanceof Uint8Array) return Buffer.concat([head(2, value.length), Buffer.from(value)]);
  const parts: Buffer[] = [head(5, value.size)];
  for (const [key, item] of value) parts.push(cbor(key), cbor(item));
  return Buffer.concat(parts);
}

function head(major: number, length: number): Buffer {
  if (length < 24) return Buffer.from([(major << 5) | length]);
  if (length < 0x100) return Buffer.from([(major << 5) | 24, length]);
  const out = Buffer.alloc(3);
  out[0] = (major << 5) | 25;
  out.writeUInt16BE(length, 1);
  return out;
}
