/**
 * Why a gate check was crossed or not checked, in one sentence in the console's language (issue 14).
 *
 * The server answers each check with stable codes: the check, its state, and `why` — a reason code with the facts it
 * names (the badge and plate read, when the gate window opens or closed on the terminal's clock, the red lights, the
 * box's status). The console says that from its catalogue (`gate:reasons.<code>`), in English as in Dutch; the
 * server's English `reason` is for API users, and shown only by an English console when the answer carries no code
 * the catalogue knows.
 */
import { terminalClock } from '../clock.js';
import { currentLanguage, i18next } from '../i18n/index.js';
import { rawCodesIn } from '../i18n/raw-code.js';
import type { GateCheck, GateCheckWhy, GateVerdict } from './gate-api.js';

const t = (key: string, params: Record<string, unknown> = {}) =>
  String(i18next.t(key as never, params as never));

/**
 * A duration in words, rounded as the server rounds it (whole minutes; days and hours, hours and minutes).
 *
 * @example
 * ```ts
 * durationWords(95); // '1 hour 35 minutes' (English)
 * ```
 */
export function durationWords(minutes: number): string {
  if (minutes < 1) return t('gate:duration.lessThanMinute');
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  const part = (unit: string, count: number) => t(`gate:duration.${unit}`, { count });
  if (days > 0) return [part('days', days), ...(hours > 0 ? [part('hours', hours)] : [])].join(' ');
  if (hours > 0) return [part('hours', hours), ...(rest > 0 ? [part('minutes', rest)] : [])].join(' ');
  return part('minutes', rest);
}

/** The parameters of a reason, turned into the words its sentence uses. */
function wordsFor(why: GateCheckWhy): Record<string, unknown> {
  const params = why.params ?? {};
  const words: Record<string, unknown> = { ...params };
  if (typeof params.at === 'string') {
    const clock = terminalClock(typeof params.timeZone === 'string' ? params.timeZone : undefined);
    const sameDay = clock.dayKey(params.at) === clock.dayKey(Date.now());
    words.at = sameDay ? clock.time(params.at) : clock.dateTime(params.at);
    words.zone = clock.label;
  }
  if (typeof params.minutes === 'number') {
    words.wait = durationWords(params.minutes);
    words.ago = durationWords(params.minutes);
  }
  if (typeof params.red === 'string')
    words.red = params.red
      .split(',')
      .filter((light) => light !== '')
      .map((light) => (i18next.exists(`terms:lights.${light}`) ? t(`terms:lights.${light}`) : light))
      .join(', ');
  if (typeof params.status === 'string') words.context = params.status;
  return words;
}

/**
 * Why the gate checked nothing but the pass, from the codes of the verdict when the answer names no reason: what was
 * scanned is no pass, or the pass does not show it comes from the driver's confirmed phone now, or it did not open.
 */
function notCheckedCode(verdict: GateVerdict): string {
  const failed = new Set(verdict.checks.filter((c) => c.state === 'failed').map((c) => c.check));
  if (failed.has('credential.not_a_pass')) return 'not_checked.non_pass';
  if (['pass.device_signature', 'pass.fresh', 'pass.printed_disabled'].some((check) => failed.has(check)))
    return 'not_checked.presenter';
  return 'not_checked.not_opened';
}

/** The sentence under a check of `verdict`, or null when it passed or does not apply. */
export function checkReason(check: GateCheck, verdict: GateVerdict): string | null {
  const state = check.state ?? (check.passed ? 'passed' : 'failed');
  if (state !== 'failed' && state !== 'not_checked') return null;
  const why = check.why ?? (state === 'not_checked' ? { code: notCheckedCode(verdict), params: {} } : null);
  if (why && i18next.exists(`gate:reasons.${why.code}`)) return t(`gate:reasons.${why.code}`, wordsFor(why));
  // An answer without a code the catalogue knows: the server's sentence in English, else the check's own sentence.
  const server = check.reason?.trim() ?? '';
  const plainServer = server !== '' && rawCodesIn(server).length === 0;
  if (currentLanguage() === 'en' && plainServer) return server;
  if (i18next.exists(`gate:why.${check.check}`)) return t(`gate:why.${check.check}`);
  return plainServer ? server : null;
}
