/**
 * The pairing code of a passkey registered through an enrolment link (`enrolmentCodeFromDigest` says why and how):
 * the enrolment page shows it to the person, and a confirmer must type it to confirm the passkey.
 */
import { enrolmentCodeFromDigest, enrolmentCodeInput, normaliseEnrolmentCode } from '../../domain/index.js';

/** The `XXXX-XXXX` code of this credential: SHA-256 over its id and public key, 40 bits in Crockford base32. */
export async function enrolmentCode(credential: {
  readonly credentialId: string;
  readonly publicKey: Uint8Array;
}): Promise<string> {
  const input = enrolmentCodeInput(credential);
  const digest = await globalThis.crypto.subtle.digest('SHA-256', input);
  return enrolmentCodeFromDigest(new Uint8Array(digest));
}

/** Whether `typed` (as a person types it) is the code of this credential. */
export async function enrolmentCodeMatches(
  typed: string,
  credential: { readonly credentialId: string; readonly publicKey: Uint8Array },
): Promise<boolean> {
  const normalised = normaliseEnrolmentCode(typed);
  return normalised !== undefined && normalised === (await enrolmentCode(credential));
}
