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
    return new PasskeyError('This device already holds a passkey for your account. Use it to sign in.');
  if (code === 'ERROR_INVALID_DOMAIN' || code === 'ERROR_INVALID_RP_ID' || name === 'SecurityError')
    return new PasskeyError(
      'Passkeys do not work at this address. Open PortLedger at its official address and try again.',
    );
  if (name === 'NotAllowedError' || code === 'ERROR_CEREMONY_ABORTED' || name === 'AbortError')
    return new PasskeyError(
      ceremony === 'create'
        ? 'The passkey was not created: the prompt was closed or timed out. Try again when ready.'
        : 'No passkey was used: the prompt was closed or timed out, or this device holds no passkey for PortLedger.',
    );
  if (name === 'NotSupportedError' || code?.startsWith('ERROR_AUTHENTICATOR_MISSING'))
    return new PasskeyError(
      'This device cannot hold a PortLedger passkey. Use a device with a fingerprint reader, face unlock or a security key.',
    );
  return new PasskeyError(
    error instanceof Error && error.message
      ? `The passkey did not work: ${error.message}`
      : 'The passkey did not work on this device. Try again.',
  );
}

function requireSupport(): void {
  if (!browserSupportsWebAuthn())
    throw new PasskeyError(
      'This browser does not support passkeys. Use an up-to-date Chrome, Edge, Firefox or Safari.',
    );
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
