/**
 * The sentence a person reads for any error the console meets, from the catalogue (`errors` namespace): a sentence
 * per server error code (src/http/problem.ts, AppError and DomainError codes), in the console's language.
 *
 * In English the server's own detail is shown when it is plain words, since it often says more ("4 tries left");
 * one that carries a code ("your role may not yard.map.read") gives way to the catalogue's sentence. In Dutch the
 * catalogue speaks, with the parameters the problem carries (`details`, such as the tries left): the server writes
 * English.
 */
import { ApiError } from './api.js';
import { currentLanguage, i18next } from './i18n/index.js';
import { rawCodesIn } from './i18n/raw-code.js';
import { PasskeyError } from './passkeys.js';

/** The catalogue's sentence for an error code, or undefined when the catalogue has none. */
export function errorSentence(code: string): string | undefined {
  const key = `errors:codes.${code}`;
  return i18next.exists(key) ? String(i18next.t(key as never)) : undefined;
}

function statusSentence(status: number): string {
  const key = `errors:status.${status}`;
  return i18next.exists(key)
    ? String(i18next.t(key as never))
    : status > 0
      ? i18next.t('errors:unknownStatus', { status })
      : i18next.t('errors:unknown');
}

/** The sentence to show a person for any error the console can meet. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) {
    const catalogue = errorSentence(error.code);
    const detail = error.detail.trim();
    const plainDetail = detail !== '' && rawCodesIn(detail).length === 0;
    const fromServer = currentLanguage() === 'en' && plainDetail;
    let message = fromServer ? detail : (catalogue ?? statusSentence(error.status));
    // The server's parameters, said in the catalogue's words where its English sentence is not shown.
    const attemptsLeft = (error.problem.details as { attemptsLeft?: unknown } | undefined)?.attemptsLeft;
    if (!fromServer && typeof attemptsLeft === 'number')
      message = `${message} ${i18next.t('errors:triesLeft', { count: attemptsLeft })}`;
    const wait = error.retryAfterSeconds;
    if (error.code === 'auth.throttled' && wait !== undefined)
      message = `${message} ${i18next.t('errors:retryIn', { count: wait })}`;
    return message;
  }
  if (error instanceof PasskeyError) return error.message;
  return i18next.t('errors:console');
}

export function isUnauthenticated(error: unknown): boolean {
  return error instanceof ApiError && error.status === 401 && error.code !== 'auth.passkey_invalid';
}
