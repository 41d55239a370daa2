import { drillPasskey } from '../../src/cli/drill-passkey.js';

/**
 * A software passkey for HTTP tests: ES256 (COSE alg -7), `none` attestation, user presence and verification
 * flags set, as a platform authenticator would answer (WebAuthn Level 3 §6.1 authenticator data, §6.5.4
 * attested credential data). It is the drill's (src/cli/drill-passkey.ts), held to one relying party. The browser
 * tests use Chromium's virtual authenticator instead.
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

/** A new software passkey for the relying party `rpId`, answering ceremonies from `origin`. */
export function softPasskey(rpId = 'localhost', origin = 'http://localhost'): SoftPasskey {
  const passkey = drillPasskey(origin, rpId);
  return {
    credentialId: passkey.credentialId,
    cosePublicKey: passkey.cosePublicKey,
    register: ({ challenge }) => passkey.register({ challenge }),
    assert: ({ challenge }, userId) =>
      passkey.assert({ challenge }, userId ? Buffer.from(userId, 'utf8').toString('base64url') : undefined),
  };
}

/**
 * A new software passkey (a new key pair) that presents `credentialId`, someone else's credential id: what anyone
 * who saw that id (it is no secret: every sign-in sends it) can register under it. `none` attestation signs nothing
 * of the registration, so the id is replaced in the attested credential data, byte for byte (same length).
 */
export function softPasskeyUnderId(
  credentialId: string,
  rpId = 'localhost',
  origin = 'http://localhost',
): SoftPasskey {
  const own = softPasskey(rpId, origin);
  const ownId = Buffer.from(own.credentialId, 'base64url');
  const theirs = Buffer.from(credentialId, 'base64url');
  if (ownId.length !== theirs.length) throw new Error('softPasskeyUnderId: the id must be 16 bytes');
  return {
    credentialId,
    cosePublicKey: own.cosePublicKey,
    register(options) {
      const response = own.register(options) as { response: { attestationObject: string } };
      const bytes = Buffer.from(response.response.attestationObject, 'base64url');
      const at = bytes.indexOf(ownId);
      theirs.copy(bytes, at);
      return {
        ...response,
        id: credentialId,
        rawId: credentialId,
        response: { ...response.response, attestationObject: bytes.toString('base64url') },
      };
    },
    assert(options, userId) {
      return { ...own.assert(options, userId), id: credentialId, rawId: credentialId };
    },
  };
}
