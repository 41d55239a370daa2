import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';

/**
 * A software passkey for HTTP tests: ES256 (COSE alg -7), `none` attestation, user presence and verification
 * flags set, as a platform authenticator would answer (WebAuthn Level 3 §6.1 authenticator data, §6.5.4
 * attested credential data). The browser tests use Chromium's virtual authenticator instead.
 */
export interface SoftPasskey {
  readonly credentialId: string;
  /** The COSE_Key of the public key (RFC 9053 §7.1.1), as a relying party stores it. */
  readonly cosePublicKey: Uint8Array;
  /** A registration response (`navigator.credentials.create`) for these creation options. */
  register(options: { challenge: string }): Record<string, unknown>;
  /** An assertion (`navigator.credentials.get`) for these request options. */
  assert(options: { challenge: string }, userId?: string): Record<string, unknown>;
}

const b64url = (bytes: Uint8Array | Buffer) => Buffer.from(bytes).toString('base64url');

/** A new software passkey for the relying party `rpId`, answering ceremonies from `origin`. */
export function softPasskey(rpId = 'localhost', origin = 'http://localhost'): SoftPasskey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  const credentialIdBytes = randomBytes(16);
  const credentialId = b64url(credentialIdBytes);
  const cosePublicKey = cbor(
    new Map<number, CborValue>([
      [1, 2], // kty: EC2
      [3, -7], // alg: ES256
      [-1, 1], // crv: P-256
      [-2, Buffer.from(jwk.x!, 'base64url')],
      [-3, Buffer.from(jwk.y!, 'base64url')],
    ]),
  );
  const rpIdHash = createHash('sha256').update(rpId).digest();
  let signCount = 0;

  const clientData = (type: string, challenge: string) =>
    Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }), 'utf8');
  const authData = (flags: number, attested?: Uint8Array) => {
    const count = Buffer.alloc(4);
    count.writeUInt32BE(++signCount);
    return Buffer.concat([rpIdHash, Buffer.from([flags]), count, ...(attested ? [attested] : [])]);
  };

  return {
    credentialId,
    cosePublicKey,
    register({ challenge }) {
      const idLength = Buffer.alloc(2);
      idLength.writeUInt16BE(credentialIdBytes.length);
      // UP (0x01) | UV (0x04) | AT (0x40): attested credential data follows.
      const data = authData(
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
          clientDataJSON: b64url(clientData('webauthn.create', challenge)),
          attestationObject: b64url(attestationObject),
          transports: ['internal'],
        },
        clientExtensionResults: {},
        authenticatorAttachment: 'platform',
      };
    },
    assert({ challenge }, userId) {
      const data = authData(0x05);
      const client = clientData('webauthn.get', challenge);
      const signature = signEs256(
        privateKey,
        Buffer.concat([data, createHash('sha256').update(client).digest()]),
      );
      return {
        id: credentialId,
        rawId: credentialId,
        type: 'public-key',
        response: {
          clientDataJSON: b64url(client),
          authenticatorData: b64url(data),
          signature: b64url(signature),
          ...(userId ? { userHandle: b64url(Buffer.from(userId, 'utf8')) } : {}),
        },
        clientExtensionResults: {},
        authenticatorAttachment: 'platform',
      };
    },
  };
}

// WebAuthn ES256 signatures are ASN.1 DER (WebAuthn §6.5.6), node's default for EC keys.
function signEs256(key: KeyObject, data: Buffer): Buffer {
  return sign('sha256', data, key);
}

type CborValue = number | string | Uint8Array | Map<number | string, CborValue>;

/** The few CBOR (RFC 8949) items WebAuthn needs: integers, byte and text strings, maps. */
function cbor(value: CborValue): Buffer {
  if (typeof value === 'number') {
    return value >= 0 ? head(0, value) : head(1, -1 - value);
  }
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
