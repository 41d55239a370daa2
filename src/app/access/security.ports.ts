/**
 * The cryptographic services the identity use cases need. Adapters live in `src/security`; the use cases see
 * only these ports, so tests can run them with the real adapters and nothing mocked.
 */
import type { JsonObject } from '../../domain/index.js';

export interface PasswordHasher {
  /** An argon2id PHC string. */
  hash(password: string): Promise<string>;
  verify(passwordHash: string, password: string): Promise<boolean>;
}

export interface TotpService {
  /** A fresh random secret (20 bytes, as RFC 4226 recommends for HMAC-SHA1). */
  newSecret(): Uint8Array;
  /** The `otpauth://` URI an authenticator app scans. */
  uri(args: { secret: Uint8Array; account: string; issuer: string }): string;
  /** The RFC 6238 time step the code matches, within ±1 step of `at`; undefined when it matches none. */
  matchStep(args: { secret: Uint8Array; code: string; at: Date }): number | undefined;
}

/** AES-256-GCM sealing with rotatable keys: a sealed value names the key it was sealed with. */
export interface SecretSealer {
  seal(plain: Uint8Array): Uint8Array;
  open(sealed: Uint8Array): Uint8Array;
  /**
   * The keyed hash of a driver's badge number (HMAC-SHA256 under a key derived from the current data key): what
   * events, audit leaves and lookups carry instead of the number. Same badge, same key, same reference.
   */
  badgeRef(badge: string): string;
  /** {@link badgeRef} under every data key, the current first: a badge registered before a rotation still matches. */
  badgeRefs(badge: string): string[];
}

/** Opaque random tokens (sessions, enrolment links, API tokens, challenges) and their stored hashes. */
export interface TokenService {
  /** A random token of `bytes` bytes, base64url. */
  newToken(bytes?: number): string;
  /** SHA-256 of the token: what the store keeps. */
  hash(token: string): Uint8Array;
}

export interface NewPasskey {
  readonly credentialId: string;
  readonly publicKey: Uint8Array;
  readonly counter: number;
  readonly transports: readonly string[];
  /** The authenticator's AAGUID (WebAuthn L3 §6.5.1), shown to whoever confirms an enrolment; absent when unknown. */
  readonly aaguid?: string;
}

/** WebAuthn relying-party operations (@simplewebauthn/server), with user verification always required. */
export interface WebAuthnService {
  registrationOptions(args: {
    userId: string;
    username: string;
    displayName: string;
    exclude: readonly { credentialId: string; transports: readonly string[] }[];
  }): Promise<{ options: JsonObject; challenge: string }>;
  /** The new credential, or undefined when the response does not verify against the challenge. */
  verifyRegistration(args: {
    response: JsonObject;
    expectedChallenge: string;
  }): Promise<NewPasskey | undefined>;
  authenticationOptions(args: {
    allow?: readonly { credentialId: string; transports: readonly string[] }[];
  }): Promise<{ options: JsonObject; challenge: string }>;
  /** The authenticator's new signature counter, or undefined when the assertion does not verify. */
  verifyAuthentication(args: {
    response: JsonObject;
    expectedChallenge: string;
    passkey: { credentialId: string; publicKey: Uint8Array; counter: number; transports: readonly string[] };
  }): Promise<{ newCounter: number } | undefined>;
}

export interface SecurityServices {
  readonly passwords: PasswordHasher;
  readonly totp: TotpService;
  readonly sealer: SecretSealer;
  readonly tokens: TokenService;
  readonly webauthn: WebAuthnService;
}
