import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import type { WebAuthnService } from '../app/access/security.ports.js';
import type { JsonObject } from '../app/ports.js';

/**
 * The relying party. User verification is required on every ceremony: a passkey is then "something you have"
 * plus "something you are or know", which a keylogger or a phishing page cannot replay (the origin is checked).
 * Discoverable credentials (resident keys) let people sign in without typing a username.
 */
export function simpleWebAuthn(config: {
  rpId: string;
  rpName: string;
  origins: readonly string[];
}): WebAuthnService {
  const expectedOrigin = [...config.origins];
  return {
    async registrationOptions({ userId, username, displayName, exclude }) {
      const options = await generateRegistrationOptions({
        rpName: config.rpName,
        rpID: config.rpId,
        userName: username,
        userDisplayName: displayName,
        userID: new Uint8Array(Buffer.from(userId, 'utf8')),
        attestationType: 'none',
        excludeCredentials: exclude.map((c) => ({ id: c.credentialId, transports: [...c.transports] })),
        authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
      });
      return { options: options as unknown as JsonObject, challenge: options.challenge };
    },
    async verifyRegistration({ response, expectedChallenge }) {
      try {
        const result = await verifyRegistrationResponse({
          response: response as unknown as RegistrationResponseJSON,
          expectedChallenge,
          expectedOrigin,
          expectedRPID: config.rpId,
          requireUserVerification: true,
        });
        if (!result.verified) return undefined;
        const { credential } = result.registrationInfo;
        return {
          credentialId: credential.id,
          publicKey: new Uint8Array(credential.publicKey),
          counter: credential.counter,
          transports: credential.transports ?? [],
          aaguid: result.registrationInfo.aaguid,
        };
      } catch {
        return undefined;
      }
    },
    async authenticationOptions({ allow }) {
      const options = await generateAuthenticationOptions({
        rpID: config.rpId,
        userVerification: 'required',
        ...(allow
          ? { allowCredentials: allow.map((c) => ({ id: c.credentialId, transports: [...c.transports] })) }
          : {}),
      });
      return { options: options as unknown as JsonObject, challenge: options.challenge };
    },
    async verifyAuthentication({ response, expectedChallenge, passkey }) {
      try {
        const result = await verifyAuthenticationResponse({
          response: response as unknown as AuthenticationResponseJSON,
          expectedChallenge,
          expectedOrigin,
          expectedRPID: config.rpId,
          requireUserVerification: true,
          credential: {
            id: passkey.credentialId,
            publicKey: new Uint8Array(passkey.publicKey) as Uint8Array<ArrayBuffer>,
            counter: passkey.counter,
            transports: [...passkey.transports] as never,
          },
        });
        return result.verified ? { newCounter: result.authenticationInfo.newCounter } : undefined;
      } catch {
        return undefined;
      }
    },
  };
}
