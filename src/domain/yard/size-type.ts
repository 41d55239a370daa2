/**
 * ISO 6346 size-type codes (the four characters painted under the container number, e.g. `22G1`, `45G1`).
 * 1st character: length; 2nd: height (and width); 3rd and 4th: type group and detail.
 */
import { DomainError } from '../errors.js';

/** Lengths the yard model handles; see `yard-slot.ts` for how each stands in a bay. */
export type LengthFt = 20 | 40 | 45;

/** A parsed size-type code. */
export interface SizeType {
  /** Normalised 4-character code, e.g. `42G1`. */
  readonly code: string;
  readonly lengthFt: LengthFt;
  /** The ISO 6346 height/width code (2nd character). */
  readonly heightCode: string;
  /** Nominal external height in millimetres; `null` where ISO only bounds it (over 2896 mm, up to 1219 mm). */
  readonly heightMm: number | null;
  /** 9 ft 6 in or taller. */
  readonly highCube: boolean;
  /** The type code (3rd and 4th characters), e.g. `G1`. */
  readonly typeCode: string;
  /** The type group letter, e.g. `G` general purpose, `R` reefer, `T` tank. */
  readonly typeGroup: string;
  readonly typeGroupName: string;
}

// ISO 6346 Annex D, length codes. Codes we know but do not stand in the yard are refused as unsupported.
const SUPPORTED_LENGTHS: Readonly<Record<string, LengthFt>> = { '2': 20, '4': 40, L: 45 };
const KNOWN_LENGTH_CODES = new Set('123456789ABCDEFGHKLMNP');

// ISO 6346 Annex D, height codes (2nd character); letters are the pallet-wide (> 2438 mm) variants.
const HEIGHTS_MM: Readonly<Record<string, number | null>> = {
  '0': 2438,
  '2': 2591,
  '4': 2743,
  '5': 2896,
  '6': null,
  '8': 1295,
  '9': null,
  C: 2591,
  D: 2743,
  E: 2896,
  F: null,
  L: 2591,
  M: 2743,
  N: 2896,
  P: null,
};
const OVER_HIGH_CUBE = new Set(['6', 'F', 'P']);

// ISO 6346 Annex E, type groups.
const TYPE_GROUPS: Readonly<Record<string, string>> = {
  G: 'general purpose',
  V: 'ventilated',
  B: 'dry bulk',
  S: 'named cargo',
  R: 'thermal, refrigerated',
  H: 'thermal, insulated',
  U: 'open top',
  P: 'platform',
  T: 'tank',
  A: 'air/surface',
};

/**
 * Parses an ISO 6346 size-type code. A code that is not 4 characters of a known length, height and type is
 * `container.size_type`; a well-formed code of a length the yard does not handle (anything but 20, 40 and
 * 45 ft) is `container.size_type_unsupported`.
 *
 * @example
 * ```ts
 * parseSizeType('45G1'); // { code: '45G1', lengthFt: 40, highCube: true, typeGroup: 'G', … }
 * parseSizeType('L5G1').lengthFt; // 45
 * parseSizeType('12G1'); // throws container.size_type_unsupported (10 ft)
 * ```
 */
export function parseSizeType(input: unknown): SizeType {
  const code = typeof input === 'string' && input.length <= 16 ? input.trim().toUpperCase() : '';
  const malformed = (why: string): DomainError =>
    new DomainError(
      'container.size_type',
      `"${String(input).slice(0, 16)}" is not an ISO 6346 size-type code: ${why}`,
      {
        input: typeof input === 'string' ? input.slice(0, 16) : typeof input,
      },
    );
  if (!/^[0-9A-Z]{2}[A-Z][0-9]$/.test(code)) throw malformed('expected 4 characters such as 22G1');
  const [lengthCode, heightCode, typeGroup] = [code[0]!, code[1]!, code[2]!];
  if (!KNOWN_LENGTH_CODES.has(lengthCode)) throw malformed(`unknown length code ${lengthCode}`);
  if (!(heightCode in HEIGHTS_MM)) throw malformed(`unknown height code ${heightCode}`);
  const typeGroupName = TYPE_GROUPS[typeGroup];
  if (typeGroupName === undefined) throw malformed(`unknown type group ${typeGroup}`);
  const lengthFt = SUPPORTED_LENGTHS[lengthCode];
  if (lengthFt === undefined) {
    throw new DomainError(
      'container.size_type_unsupported',
      `size-type ${code}: length code ${lengthCode} is not handled; the yard takes 20 ft (2), 40 ft (4) and 45 ft (L) boxes`,
      { code, lengthCode, supported: Object.keys(SUPPORTED_LENGTHS) },
    );
  }
  const heightMm = HEIGHTS_MM[heightCode]!;
  return {
    code,
    lengthFt,
    heightCode,
    heightMm,
    highCube: OVER_HIGH_CUBE.has(heightCode) || heightMm === 2896,
    typeCode: code.slice(2),
    typeGroup,
    typeGroupName,
  };
}
