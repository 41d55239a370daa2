/**
 * What a code looks like when it leaks into text meant for people: a namespaced code (`auth.passkey_required`,
 * `yard.map.read`), a snake_case value (`in_yard`, `not_checked`) or a CamelCase event type (`VisitAnnounced`).
 * The console never shows these outside a raw-event view; a server sentence that carries one is replaced by the
 * catalogue's, and the browser test of every page fails on any it finds (test/e2e/browser/plain-words.test.ts).
 */

/** Names that look like codes but are words people use. */
const PROPER_NAMES = new Set(['PortLedger', 'WebAuthn', 'WebCrypto', 'JavaScript', 'YubiKey', 'iPhone']);

const PATTERNS: readonly RegExp[] = [
  // Two or more dot-separated lowercase segments of two letters or more ("e.g." is not a code).
  /(?<![\w.@/-])[a-z][a-z_]+(?:\.[a-z][a-z_]+)+(?![\w@-])/g,
  // snake_case: lowercase words joined by underscores.
  /(?<![\w.@/-])[a-z]+(?:_[a-z]+)+(?![\w@-])/g,
  // CamelCase of two or more capitalised words (an event type).
  /(?<![\w.@/-])[A-Z][a-z]+(?:[A-Z][a-z]+)+(?![\w@-])/g,
];

/**
 * The raw codes in `text`, in order.
 *
 * @example
 * ```ts
 * rawCodesIn('your role may not yard.map.read'); // ['yard.map.read']
 * rawCodesIn('Status: in_yard'); // ['in_yard']
 * rawCodesIn('VisitAnnounced at 06:00'); // ['VisitAnnounced']
 * rawCodesIn('Sign in to PortLedger, e.g. with a passkey'); // []
 * ```
 */
export function rawCodesIn(text: string): string[] {
  const found: { at: number; code: string }[] = [];
  for (const pattern of PATTERNS) {
    for (const match of text.matchAll(pattern)) {
      if (!PROPER_NAMES.has(match[0])) found.push({ at: match.index ?? 0, code: match[0] });
    }
  }
  return found.sort((a, b) => a.at - b.at).map((entry) => entry.code);
}
