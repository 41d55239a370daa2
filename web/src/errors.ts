import { ApiError } from './api.js';
import { PasskeyError } from './passkeys.js';

/** Friendlier words for codes whose server detail may be terse; the server's detail is shown when it has one. */
const fallbackByCode: Record<string, string> = {
  'auth.passkey_required': 'Your role must sign in with a passkey.',
  'auth.credentials_invalid': 'The username, password or code is not correct.',
  'auth.passkey_invalid': 'That passkey was not accepted.',
  'auth.account_locked': 'This account is locked. Ask your port administrator to unlock it.',
  'auth.enrolment_link_invalid': 'This enrolment link has been used, has expired or is not valid.',
  'auth.passkey_pending':
    'This passkey is registered but not confirmed yet: a supervisor of your terminal or a port administrator must confirm it first.',
  'auth.last_passkey': 'You cannot remove your only passkey. Add another one first.',
  'auth.csrf': 'Your session changed in another tab. Reload the page and try again.',
};

/** The sentence to show a person for any error the console can meet. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) {
    let message = error.detail || fallbackByCode[error.code] || 'Something went wrong.';
    const wait = error.retryAfterSeconds;
    if (error.code === 'auth.throttled' && wait !== undefined)
      message = `${message} Try again in ${wait} second${wait === 1 ? '' : 's'}.`;
    return message;
  }
  if (error instanceof PasskeyError) return error.message;
  return 'Something went wrong in the console. Reload the page and try again.';
}

export function isUnauthenticated(error: unknown): boolean {
  return error instanceof ApiError && error.status === 401 && error.code !== 'auth.passkey_invalid';
}
