/**
 * The organisations that use the port's system (MISSION §2). Every user belongs to exactly one, and what a
 * user may see is scoped by its organisation: a shipping line by its carrier code, a terminal operator by the
 * terminals it runs.
 */
import { type InvalidCode, id, invalid, MAX_TEXT, oneOf, text } from './fields.js';

/** Every kind of organisation, in the order of MISSION §2. */
export const orgKinds = [
  'terminal_operator',
  'shipping_line',
  'forwarder',
  'haulier',
  'customs',
  'port_police',
  'port_administration',
] as const;

/** The kind of an organisation. */
export type OrgKind = (typeof orgKinds)[number];

/**
 * One organisation.
 *
 * `code` is the party's own code: a shipping line's carrier code, equal to a visit's `line` (e.g. `MSCU`); for
 * others their customs, SCAC or port-community code. `terminals` lists the terminal codes a terminal operator
 * runs (e.g. `['T1']`), matching `YardSlot.terminal`; it is empty for every other kind.
 */
export type Organisation = {
  orgId: string;
  kind: OrgKind;
  name: string;
  code: string;
  terminals: string[];
};

/**
 * Whether `value` names an organisation kind.
 *
 * @example
 * ```ts
 * isOrgKind('haulier'); // true
 * isOrgKind('bank'); // false
 * ```
 */
export function isOrgKind(value: unknown): value is OrgKind {
  return orgKinds.includes(value as OrgKind);
}

// SCAC codes are 2–4 letters (NMFTA) and SMDG line codes up to 3; the same shape as a visit's `line`.
const PARTY_CODE = /^[A-Z0-9]{2,10}$/;
// The same shape as `YardSlot.terminal`, so a principal's terminals compare equal to a slot's.
const TERMINAL_CODE = /^[A-Z0-9]{1,12}$/;

/**
 * A party code, trimmed and upper-cased; `access.organisation_invalid` when malformed.
 *
 * @example
 * ```ts
 * parsePartyCode(' mscu '); // 'MSCU'
 * ```
 */
export function parsePartyCode(value: unknown, field = 'code'): string {
  const code = typeof value === 'string' ? value.trim().toUpperCase() : '';
  if (!PARTY_CODE.test(code)) {
    throw invalidOrg(field, 'must be 2 to 10 letters or digits, such as a carrier code MSCU');
  }
  return code;
}

/**
 * A terminal code, trimmed and upper-cased, as used in `YardSlot.terminal`; `code` (by default
 * `access.organisation_invalid`) when malformed.
 *
 * @example
 * ```ts
 * parseTerminalCode('t1'); // 'T1'
 * ```
 */
export function parseTerminalCode(
  value: unknown,
  field = 'terminal',
  code: InvalidCode = 'access.organisation_invalid',
): string {
  const terminal = typeof value === 'string' ? value.trim().toUpperCase() : '';
  if (!TERMINAL_CODE.test(terminal)) throw invalid(code, field, 'must be a terminal code such as T1 or DPW1');
  return terminal;
}

/**
 * Checks and normalises an organisation from untrusted input (CLI, admin API). A terminal operator runs at
 * least one terminal, and no other kind runs any, because terminal codes are what grants sight of yard
 * positions (see `visitVisibility`).
 *
 * @example
 * ```ts
 * checkOrganisation({ orgId: 'org-psa', kind: 'terminal_operator', name: 'PSA', code: 'PSA', terminals: ['t1'] });
 * // → { …, code: 'PSA', terminals: ['T1'] }
 * checkOrganisation({ orgId: 'org-msc', kind: 'shipping_line', name: 'MSC', code: 'MSCU' }); // terminals: []
 * ```
 */
export function checkOrganisation(input: unknown): Organisation {
  const value = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  const kind = oneOf('access.organisation_invalid', 'kind', value.kind, orgKinds);
  const orgId = id('access.organisation_invalid', 'orgId', value.orgId);
  const name = text('access.organisation_invalid', 'name', value.name, MAX_TEXT.name);
  const code = parsePartyCode(value.code);
  const raw = value.terminals ?? [];
  if (!Array.isArray(raw)) throw invalidOrg('terminals', 'must be a list of terminal codes');
  const terminals = raw.map((terminal, i) => parseTerminalCode(terminal, `terminals[${i}]`));
  if (new Set(terminals).size !== terminals.length)
    throw invalidOrg('terminals', 'must not repeat a terminal');
  if (kind === 'terminal_operator' && terminals.length === 0) {
    throw invalidOrg('terminals', 'must name at least one terminal for a terminal operator');
  }
  if (kind !== 'terminal_operator' && terminals.length > 0) {
    throw invalidOrg('terminals', 'are run only by terminal operators');
  }
  return { orgId, kind, name, code, terminals };
}

function invalidOrg(field: string, why: string) {
  return invalid('access.organisation_invalid', field, why);
}
