/**
 * Plain words for the codes the server speaks in, from the catalogue (`terms` namespace) in the console's
 * language: roles, organisation kinds, gate checks and their states, alert rules, phone statuses, event types and
 * their fields, visit statuses, release states, lights and holds. A code the catalogue does not know yet is shown
 * readably ("Some new check") rather than raw.
 */
import { i18next } from './i18n/index.js';
import { rawCodesIn } from './i18n/raw-code.js';

/** "some_new.check" → "Some new check": the last resort for a code the catalogue lacks. */
export function readable(code: string): string {
  const words = code
    .replace(/[_.-]+/g, ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

type Group =
  | 'roles'
  | 'orgKinds'
  | 'gateChecks'
  | 'gateCheckStates'
  | 'alertRules'
  | 'deviceStatuses'
  | 'visitStatuses'
  | 'releaseStates'
  | 'lights'
  | 'holdKinds'
  | 'holdKindShort'
  | 'fullEmpty'
  | 'arrivalModes'
  | 'credentialStates'
  | 'jobStates'
  | 'approvalKinds'
  | 'approvalStatuses'
  | 'alertSeverities'
  | 'alertStatuses'
  | 'events'
  | 'fields'
  | 'searchKeys';

/** The catalogue's word for `code` in `group`, or undefined. Codes with dots are nested keys (`gate.refused`). */
export function termOrUndefined(group: Group, code: string): string | undefined {
  const key = `terms:${group}.${code}`;
  if (!code || !i18next.exists(key)) return undefined;
  const value = i18next.t(key as never);
  return typeof value === 'string' ? value : undefined;
}

/** The catalogue's word for `code` in `group`; a readable rendering of the code when the catalogue lacks it. */
export function term(group: Group, code: string): string {
  return termOrUndefined(group, code) ?? readable(code);
}

export const roleName = (role: string): string => term('roles', role);
export const orgKindName = (kind: string): string => term('orgKinds', kind);
export const gateCheckName = (check: string): string => term('gateChecks', check);
export const alertRuleName = (rule: string): string => term('alertRules', rule);
export const deviceStatusName = (status: string): string => term('deviceStatuses', status);
export const visitStatusName = (status: string): string => term('visitStatuses', status);
export const releaseStateName = (state: string): string => term('releaseStates', state);
export const lightName = (light: string): string => term('lights', light);
export const holdKindName = (kind: string): string => term('holdKinds', kind);
export const eventTypeName = (type: string): string => term('events', type);
export const fieldName = (field: string): string => term('fields', field);
export const searchKeyName = (key: string): string => term('searchKeys', key);

const MARKS: Record<string, string> = { passed: '✓', failed: '✗', not_checked: '–', not_applicable: '○' };

/** How a gate check came out, in the words the kiosk reads out beside its mark. */
export function gateCheckState(state: string): { mark: string; words: string } {
  return { mark: MARKS[state] ?? '✗', words: term('gateCheckStates', state).toLowerCase() };
}

const GROUPS_FOR_CODES: readonly Group[] = [
  'gateChecks',
  'alertRules',
  'events',
  'visitStatuses',
  'releaseStates',
  'lights',
  'roles',
  'orgKinds',
  'approvalKinds',
];

/** The words for one code found in a sentence: the first group of the catalogue that knows it, else readable. */
function wordsFor(code: string): string {
  for (const group of GROUPS_FOR_CODES) {
    const words = termOrUndefined(group, code);
    if (words) return words.charAt(0).toLowerCase() + words.slice(1);
  }
  return readable(code).toLowerCase();
}

/**
 * A sentence the server wrote for people (an alert's summary, its evidence), with any code left in it said in words:
 * "Refused: driver.badge, slot.window" → "Refused: driver badge matches, inside the slot window". The catalogue's
 * words for gate checks name what was checked, which reads right in a list of what failed.
 */
export function plainText(text: string): string {
  let out = text;
  for (const code of new Set(rawCodesIn(text))) out = out.split(code).join(wordsFor(code));
  return out;
}
