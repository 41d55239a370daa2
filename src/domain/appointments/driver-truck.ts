/**
 * The two things a booking names besides the slot: the driver, by a badge reference, and the truck, by its plate.
 *
 * A driver's badge number is personal data (issue 4): it is encrypted at rest and never written in clear into an
 * event, because every event becomes an audit leaf that customs, police and the shipping lines keep for years. The
 * domain only ever sees a `driverBadgeRef`: a keyed hash of the badge number (e.g. HMAC-SHA256 under a key of the
 * port's, base64url) or a reference to the encrypted driver record, made by the caller. The domain cannot tell a
 * hash from a badge number; it asks for 16 to 64 characters, so that a short card number pasted by mistake is
 * refused, and the caller's wiring test is what proves that only hashes arrive here.
 */
import { DomainError } from '../errors.js';
import { type FieldCode, invalid } from '../pickup-fields.js';

/** Shape of a driver badge reference: 16 to 64 characters of base64url, hex or id punctuation. */
const BADGE_REF = /^[A-Za-z0-9._:~=-]{16,64}$/;

/** Longest normalised plate we accept; the longest European plates have 10 characters. */
const MAX_PLATE = 15;

// Spaces, every Unicode dash and the dots some countries print between plate groups.
const PLATE_SEPARATORS = /[\s\p{Pd}.·]/gu;

/**
 * Whether `value` has the shape of a driver badge reference.
 *
 * @example
 * ```ts
 * isDriverBadgeRef('12345'); // false
 * ```
 */
export function isDriverBadgeRef(value: unknown): value is string {
  return typeof value === 'string' && BADGE_REF.test(value);
}

/**
 * A driver badge reference, checked for shape; `code` otherwise.
 *
 * @example
 * ```ts
 * checkDriverBadgeRef('appointment.command_invalid', 'driverBadgeRef', 'hb1.Jv3b8Q…'); // 'hb1.Jv3b8Q…'
 * ```
 */
export function checkDriverBadgeRef(code: FieldCode, field: string, value: unknown): string {
  if (!isDriverBadgeRef(value)) {
    throw invalid(
      code,
      field,
      'must be a keyed hash or reference of 16 to 64 characters, never the badge number itself',
    );
  }
  return value;
}

/**
 * A truck plate in the one form we compare: Unicode NFKC (full-width letters fold to ASCII), upper case, without
 * spaces, dashes or dots, 1 to 15 ASCII letters or digits; `undefined` for anything else. The gate compares the
 * plate it reads with the booked plate in this form, so `1-abc-123` and `1 ABC 123` are one plate.
 *
 * @example
 * ```ts
 * normaliseTruckPlate(' 1-abc-123 '); // '1ABC123'
 * normaliseTruckPlate('—'); // undefined
 * ```
 */
export function normaliseTruckPlate(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 64) return undefined;
  const plate = value.normalize('NFKC').replace(PLATE_SEPARATORS, '').toUpperCase();
  return plate.length >= 1 && plate.length <= MAX_PLATE && /^[A-Z0-9]+$/.test(plate) ? plate : undefined;
}

/**
 * {@link normaliseTruckPlate}, throwing `code` for a value that is not a plate.
 *
 * @example
 * ```ts
 * checkTruckPlate('appointment.command_invalid', 'truckPlate', '1-ABC-123'); // '1ABC123'
 * ```
 */
export function checkTruckPlate(code: FieldCode, field: string, value: unknown): string {
  const plate = normaliseTruckPlate(value);
  if (plate === undefined) {
    throw new DomainError(code, `${field} must be a truck plate of 1 to ${MAX_PLATE} letters or digits`, {
      field,
    });
  }
  return plate;
}
