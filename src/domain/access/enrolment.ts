/**
 * Who confirms a passkey registered through a one-time enrolment link (issue 10, row D). A link travels by mail,
 * on paper or in a secrets file, and can be stolen on the way (MISSION §1: "a one-time enrolment link in transit");
 * so the passkey it registers signs nobody in until a second person who knows the holder has looked at the device,
 * the time and the network it came from, and confirmed it.
 *
 * The confirmers: a terminal supervisor of the same organisation (they know their staff), or a port administrator
 * of any organisation (they issued the link; the only confirmers of organisations without supervisors). Never the
 * person themselves. The very first administrator is confirmed by the operator at the machine (the CLI), who is
 * the root of trust of a fresh installation.
 */
import type { Role } from './roles.js';

/** The roles that confirm enrolments, as the policy table's `enrolment.confirm` row grants them. */
export const enrolmentConfirmerRoles = [
  'terminal_supervisor',
  'administrator',
] as const satisfies readonly Role[];

/** The one who would confirm, and the person whose passkey waits. */
export interface EnrolmentConfirmation {
  readonly confirmer: { readonly userId: string; readonly orgId: string; readonly roles: readonly string[] };
  readonly person: { readonly userId: string; readonly orgId: string };
}

/** Why a confirmer may not confirm: it is their own passkey, or not a person they confirm for. */
export type EnrolmentConfirmRefusal = 'self' | 'not_confirmer';

/**
 * Whether `confirmer` may confirm or reject `person`'s pending passkey: `undefined` when they may, else why not.
 *
 * @example
 * ```ts
 * enrolmentConfirmRefusal({
 *   confirmer: { userId: 'u-sup', orgId: 'nqt', roles: ['terminal_supervisor'] },
 *   person: { userId: 'u-clerk', orgId: 'nqt' },
 * }); // undefined
 * enrolmentConfirmRefusal({
 *   confirmer: { userId: 'u-sup', orgId: 'nqt', roles: ['terminal_supervisor'] },
 *   person: { userId: 'u-line', orgId: 'mscu' },
 * }); // 'not_confirmer'
 * ```
 */
export function enrolmentConfirmRefusal(args: EnrolmentConfirmation): EnrolmentConfirmRefusal | undefined {
  const { confirmer, person } = args;
  if (confirmer.userId === person.userId) return 'self';
  if (confirmer.roles.includes('administrator')) return undefined;
  if (confirmer.roles.includes('terminal_supervisor') && confirmer.orgId === person.orgId) return undefined;
  return 'not_confirmer';
}

/**
 * The pairing code of a passkey registered through a link, as device pairing does it: whoever holds a link can
 * enrol first, and the label and user agent a confirmer sees are theirs to choose; so the enrolment page shows the
 * person a code derived from their new credential, and the confirmer types the code the person reads out to them
 * (in person, or on a call the confirmer places). The gang's passkey has another code, which the person never sees.
 * The confirmer's list never shows it.
 *
 * The code is the first 40 bits of SHA-256 over the credential id (its base64url text, as WebAuthn reports it), a
 * zero byte and the COSE public key, in Crockford's base32 (https://www.crockford.com/base32.html): eight symbols
 * shown as `XXXX-XXXX`. The caller computes the digest ({@link enrolmentCodeInput} is what it hashes), so that
 * the domain stays free of side effects.
 */
const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CODE_SYMBOLS = 8;

/** Wrong codes a pending enrolment takes before it can only be rejected. */
export const ENROLMENT_CODE_ATTEMPTS = 5;

/** The bytes whose SHA-256 gives a credential's pairing code: the credential id, a zero byte, the public key. */
export function enrolmentCodeInput(credential: {
  readonly credentialId: string;
  readonly publicKey: Uint8Array;
}): Uint8Array<ArrayBuffer> {
  const id = new TextEncoder().encode(credential.credentialId);
  const bytes = new Uint8Array(id.length + 1 + credential.publicKey.length);
  bytes.set(id, 0);
  bytes.set(credential.publicKey, id.length + 1);
  return bytes;
}

/**
 * The pairing code from the SHA-256 digest of {@link enrolmentCodeInput}.
 *
 * @example
 * ```ts
 * enrolmentCodeFromDigest(new Uint8Array(32)); // '0000-0000'
 * ```
 */
export function enrolmentCodeFromDigest(digest: Uint8Array): string {
  if (digest.length < 5) throw new RangeError('a pairing code needs 40 bits of digest');
  let value = 0n;
  for (const byte of digest.subarray(0, 5)) value = (value << 8n) | BigInt(byte);
  let symbols = '';
  for (let i = CODE_SYMBOLS - 1; i >= 0; i -= 1)
    symbols += CODE_ALPHABET[Number((value >> BigInt(5 * i)) & 31n)];
  return `${symbols.slice(0, 4)}-${symbols.slice(4)}`;
}

/**
 * Whether a label holds something a confirmer could take for a pairing code: eight Crockford symbols in one word,
 * or two words of four. A label is text of the enroller's choosing that confirmers see beside "ask them for the
 * code"; a gang that enrols its own phone or passkey in someone's name would write its own code there (found by an
 * outside attacker, issue 10). Such a label is refused rather than shown.
 *
 * @example
 * ```ts
 * labelLooksLikeACode('Pixel 8'); // false
 * labelLooksLikeACode('new phone, code 7K3M-QW9P'); // true
 * ```
 */
export function labelLooksLikeACode(label: string): boolean {
  const words = label.split(/[^0-9A-Za-z]+/).filter((word) => word !== '');
  return words.some(
    (word, i) =>
      (word.length === CODE_SYMBOLS && normaliseEnrolmentCode(word) !== undefined) ||
      (word.length === CODE_SYMBOLS / 2 &&
        words[i + 1]?.length === CODE_SYMBOLS / 2 &&
        normaliseEnrolmentCode(word + words[i + 1]) !== undefined),
  );
}

/**
 * A pairing code as a confirmer may type it — any case, hyphens and spaces anywhere, I/L for 1 and O for 0 — in
 * its canonical form; `undefined` when it is not eight Crockford symbols.
 *
 * @example
 * ```ts
 * normaliseEnrolmentCode(' 7k3m qw9p '); // '7K3M-QW9P'
 * normaliseEnrolmentCode('7K3M-QW9'); // undefined
 * ```
 */
export function normaliseEnrolmentCode(input: string): string | undefined {
  if (input.length > 40) return undefined;
  const text = input.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
  if (text.length !== CODE_SYMBOLS || [...text].some((symbol) => !CODE_ALPHABET.includes(symbol)))
    return undefined;
  return `${text.slice(0, 4)}-${text.slice(4)}`;
}
