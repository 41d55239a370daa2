/**
 * The browser side of WebAuthn, with the errors a person can act on. The ceremonies themselves are
 * @simplewebauthn/browser's; the server checks everything that matters.
 */
import {
  type AuthenticationResponseJSON,
  browserSupportsWebAuthn,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
  startAuthentication,
  startRegistration,
  WebAuthnError,
} from '@simplewebauthn/browser';
import { i18next } from './i18n/index.js';

/** A failure on this device (not the server's): the passkey prompt was closed, or the browser cannot do it. */
export class PasskeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PasskeyError';
  }
}

export function passkeysSupported(): boolean {
  return browserSupportsWebAuthn();
}

function explain(error: unknown, ceremony: 'create' | 'use'): PasskeyError {
  const name = error instanceof Error ? error.name : '';
  const code = error instanceof WebAuthnError ? error.code : undefined;
  if (code === 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED')
    return new PasskeyError(i18next.t('passkey.alreadyOnDevice'));
  if (code === 'ERROR_INVALID_DOMAIN' || code === 'ERROR_INVALID_RP_ID' || name === 'SecurityError')
    return new PasskeyError(i18next.t('passkey.wrongAddress'));
  if (name === 'NotAllowedError' || code === 'ERROR_CEREMONY_ABORTED' || name === 'AbortError')
    return new PasskeyError(
      ceremony === 'create' ? i18next.t('passkey.notCreated') : i18next.t('passkey.notUsed'),
    );
  if (name === 'NotSupportedError' || code?.startsWith('ERROR_AUTHENTICATOR_MISSING'))
    return new PasskeyError(i18next.t('passkey.unsupportedDevice'));
  return new PasskeyError(
    error instanceof Error && error.message
      ? i18next.t('passkey.failedWith', { message: error.message })
      : i18next.t('passkey.failed'),
  );
}

function requireSupport(): void {
  if (!browserSupportsWebAuthn()) throw new PasskeyError(i18next.t('passkey.unsupportedBrowser'));
}

export async function createPasskey(
  optionsJSON: PublicKeyCredentialCreationOptionsJSON,
): Promise<RegistrationResponseJSON> {
  requireSupport();
  try {
    return await startRegistration({ optionsJSON });
  } catch (error) {
    throw explain(error, 'create');
  }
}

export async function signWithPasskey(
  optionsJSON: PublicKeyCredentialRequestOptionsJSON,
): Promise<AuthenticationResponseJSON> {
  requireSupport();
  try {
    return await startAuthentication({ optionsJSON });
  } catch (error) {
    throw explain(error, 'use');
  }
}
