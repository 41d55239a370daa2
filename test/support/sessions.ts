import type { SessionRecord } from '../../src/app/access/identity.ports.js';
import { type AuthDeps, putNewSession } from '../../src/app/access/index.js';

/**
 * Mints a session for a registered user straight into the store and the log, as a passkey login would leave it (with a fresh
 * step-up). For tests of what a signed-in role may do; the sign-in ceremonies have their own tests.
 */
export async function mintSession(
  auth: AuthDeps,
  userId: string,
  options: { method?: SessionRecord['method']; stepUp?: boolean } = {},
): Promise<{
  cookie: string;
  csrfToken: string;
  headers: Record<string, string>;
  cookies: Record<string, string>;
}> {
  const sessionId = auth.security.tokens.newToken();
  const csrfToken = auth.security.tokens.newToken();
  const now = auth.ledger.clock.now();
  const user = await auth.ledger.store.identity.getUser(userId);
  if (!user) throw new Error(`no user ${userId}`);
  // Put as a sign-in puts it: the row, and the session's stream in the log that backs it.
  await auth.ledger.write(async (context) => {
    await putNewSession(auth, context, {
      idHash: auth.security.tokens.hash(sessionId),
      userId,
      csrfToken,
      method: options.method ?? 'passkey',
      createdAt: now.toISOString(),
      lastSeenAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + auth.settings.sessionAbsoluteMs).toISOString(),
      stepUpAt: options.stepUp === false ? null : now.toISOString(),
      securityEpoch: user.securityEpoch,
      revokedAt: null,
      ip: '127.0.0.1',
      userAgent: 'test',
    });
  });
  return {
    cookie: sessionId,
    csrfToken,
    headers: { 'x-csrf-token': csrfToken },
    cookies: { pl_session: sessionId },
  };
}
