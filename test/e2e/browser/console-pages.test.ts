/**
 * The signed-in pages (home, step-up, my passkeys) in Chromium, against a scripted stand-in of the identity API
 * (docs/auth-api.md) while the real routes are being built. The WebAuthn ceremonies are real: a CDP virtual
 * authenticator creates and uses the passkeys; only the server's answers are scripted. It also checks the
 * API client's manners: the CSRF token on every state-changing request, and problem details shown as they come.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { Request, Route } from 'playwright-core';
import { expect, it } from 'vitest';
import { pageWithAuthenticator, screenshot } from '../../support/browser.js';
import { consoleSuite, describeBrowser } from '../../support/console-session.js';

const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');

interface FakePasskey {
  credentialId: string;
  label: string;
  createdAt: string;
  lastUsedAt: string | null;
}

/** A scripted identity API for one signed-in terminal supervisor. */
function scriptedIdentityApi() {
  const csrfToken = 'csrf-test-token';
  const session = {
    user: {
      userId: 'u-1',
      username: 'sam.supervisor',
      displayName: 'Sam Supervisor',
      orgId: 'org-t1',
      orgName: 'North Sea Terminal',
      orgKind: 'terminal_operator',
      roles: ['terminal_supervisor', 'yard_planner'],
    },
    csrfToken,
    method: 'passkey' as const,
    stepUpUntil: null as string | null,
    passkeyRequired: true,
  };
  const passkeys: FakePasskey[] = [
    {
      credentialId: 'seeded',
      label: 'Gate office PC',
      createdAt: '2026-03-01T08:00:00Z',
      lastUsedAt: '2026-03-02T07:12:00Z',
    },
  ];
  const stateChanging: { method: string; url: string; csrf: string | undefined }[] = [];
  const json = (route: Route, status: number, body: unknown) =>
    route.fulfill({ status, contentType: 'application/json', body: JSON.stringify(body) });

  async function handle(route: Route, request: Request) {
    const url = new URL(request.url());
    const method = request.method();
    if (method !== 'GET')
      stateChanging.push({ method, url: url.pathname, csrf: request.headers()['x-csrf-token'] });
    const key = `${method} ${url.pathname}`;
    if (key === 'GET /v1/auth/session') return json(route, 200, session);
    if (key === 'GET /v1/me/passkeys') return json(route, 200, { passkeys });
    if (key === 'POST /v1/auth/step-up/options')
      return json(route, 200, {
        challengeId: 'c-step-up',
        options: {
          challenge: b64url(randomBytes(32)),
          rpId: 'localhost',
          userVerification: 'required',
          timeout: 60_000,
        },
      });
    if (key === 'POST /v1/auth/step-up/verify') {
      session.stepUpUntil = new Date(Date.now() + 5 * 60_000).toISOString();
      return json(route, 200, session);
    }
    if (key === 'POST /v1/me/passkeys/options')
      return json(route, 200, {
        challengeId: 'c-add',
        options: {
          challenge: b64url(randomBytes(32)),
          rp: { name: 'PortLedger', id: 'localhost' },
          user: { id: b64url(Buffer.from('u-1')), name: 'sam.supervisor', displayName: 'Sam Supervisor' },
          pubKeyCredParams: [{ alg: -7, type: 'public-key' }],
          excludeCredentials: [],
          authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
          attestation: 'none',
          timeout: 60_000,
        },
      });
    if (key === 'POST /v1/me/passkeys/verify') {
      const body = request.postDataJSON() as { response: { id: string }; label: string };
      const passkey = {
        credentialId: body.response.id,
        label: body.label,
        createdAt: new Date().toISOString(),
        lastUsedAt: null,
      };
      passkeys.push(passkey);
      return json(route, 201, passkey);
    }
    if (method === 'DELETE' && url.pathname.startsWith('/v1/me/passkeys/')) {
      const id = decodeURIComponent(url.pathname.slice('/v1/me/passkeys/'.length));
      if (passkeys.length <= 1)
        return route.fulfill({
          status: 409,
          contentType: 'application/problem+json',
          body: JSON.stringify({
            code: 'auth.last_passkey',
            title: 'auth.last_passkey',
            status: 409,
            detail: 'x',
          }),
        });
      passkeys.splice(
        passkeys.findIndex((p) => p.credentialId === id),
        1,
      );
      return route.fulfill({ status: 204 });
    }
    if (key === 'POST /v1/auth/logout') return route.fulfill({ status: 204 });
    // Nothing waits for this supervisor (issue 14's work queues): the list, and the live stream's first event.
    if (key === 'GET /v1/queues') return json(route, 200, { queues: [] });
    if (key === 'GET /v1/queues/events')
      return route.fulfill({
        status: 200,
        contentType: 'text/event-stream',
        body: `event: queues\ndata: ${JSON.stringify({ queues: [] })}\n\n`,
      });
    return route.fulfill({
      status: 404,
      contentType: 'application/problem+json',
      body: JSON.stringify({ code: 'route.not_found', title: 'route.not_found', status: 404, detail: key }),
    });
  }

  return { session, passkeys, stateChanging, csrfToken, handle };
}

describeBrowser('console in Chromium: signed-in pages (scripted API)', () => {
  const suite = consoleSuite();

  async function signedInPage(viewport: { width: number; height: number }) {
    const identity = scriptedIdentityApi();
    const { context, page, problems, authenticator } = await pageWithAuthenticator(suite.browser, viewport);
    // The passkey the user enrolled earlier, on this device.
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    await authenticator.cdp.send('WebAuthn.addCredential', {
      authenticatorId: authenticator.authenticatorId,
      credential: {
        credentialId: Buffer.from('seeded').toString('base64'),
        isResidentCredential: true,
        rpId: 'localhost',
        privateKey: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
        userHandle: Buffer.from('u-1').toString('base64'),
        signCount: 0,
      },
    });
    await page.route('**/v1/**', (route, request) => identity.handle(route, request));
    return { page, problems, context, identity, authenticator };
  }

  it('shows who I am, how I signed in, and confirms it is me (step-up)', async () => {
    const { page, problems, context, identity } = await signedInPage({ width: 1280, height: 800 });
    await page.goto(`${suite.server.baseUrl}/`);
    await page.getByRole('heading', { level: 1, name: 'Welcome, Sam Supervisor' }).waitFor();
    for (const text of ['sam.supervisor', 'North Sea Terminal', 'Terminal supervisor', 'Yard planner'])
      await page.getByText(text, { exact: true }).first().waitFor();
    await page.getByText('You signed in with a passkey').waitFor();
    await page.getByText('Your role must sign in with a passkey.').waitFor();
    expect(await page.getByRole('link', { name: 'Home', exact: true }).getAttribute('aria-current')).toBe(
      'page',
    );
    await screenshot(page, 'console-home-1280x800');

    await page.getByRole('button', { name: "Confirm it's you" }).click();
    await page.getByText("You confirmed it's you", { exact: false }).waitFor();
    expect(identity.stateChanging.map((r) => r.url)).toEqual([
      '/v1/auth/step-up/options',
      '/v1/auth/step-up/verify',
    ]);
    expect(identity.stateChanging.every((r) => r.csrf === identity.csrfToken)).toBe(true);
    await screenshot(page, 'console-home-step-up-confirmed');

    // Sign out: back to /login with a notice, and the logout carried the CSRF token too.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sign in to PortLedger' }).waitFor();
    await page.getByText('You are signed out.').waitFor();
    expect(identity.stateChanging.at(-1)).toEqual({
      method: 'POST',
      url: '/v1/auth/logout',
      csrf: identity.csrfToken,
    });
    expect(problems.unexpected()).toEqual([]);
    await context.close();
  });

  it('lists my passkeys, asks for a step-up inline, adds one and removes one', async () => {
    const { page, problems, context, identity, authenticator } = await signedInPage({
      width: 1280,
      height: 800,
    });
    await page.goto(`${suite.server.baseUrl}/me/passkeys`);
    await page.getByRole('heading', { level: 1, name: 'Your passkeys' }).waitFor();
    await page.getByRole('rowheader', { name: 'Gate office PC' }).waitFor();
    await page.getByText('Your only passkey cannot be removed').waitFor();
    expect(await page.getByRole('button', { name: 'Add a passkey' }).getAttribute('aria-disabled')).toBe(
      'true',
    );
    await screenshot(page, 'console-passkeys-needs-step-up');

    // Step-up inline, then add.
    await page.getByRole('button', { name: "Confirm it's you" }).click();
    await page.getByText("You confirmed it's you", { exact: false }).waitFor();
    await page.getByLabel('Name for the new passkey').fill('Blue security key');
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await page.getByRole('rowheader', { name: 'Blue security key' }).waitFor();
    // Rendered a moment after the row under load: wait for it rather than look once.
    await page.getByRole('status').filter({ hasText: 'Blue security key' }).waitFor();
    // The new passkey was really created on the (virtual) device, and its id is what the server was sent.
    const added = identity.passkeys.find((passkey) => passkey.label === 'Blue security key');
    const held = (await authenticator.credentials()).map((credential) =>
      Buffer.from(credential.credentialId, 'base64').toString('base64url'),
    );
    expect(held).toContain(added?.credentialId);
    await screenshot(page, 'console-passkeys-added');

    // Remove the old one, after an inline confirmation.
    await page.getByRole('button', { name: 'Remove passkey Gate office PC' }).click();
    await page.getByRole('heading', { name: 'Remove “Gate office PC”?' }).waitFor();
    await screenshot(page, 'console-passkeys-remove-confirm');
    await page.getByRole('button', { name: 'Remove passkey', exact: true }).click();
    await page.getByText('Passkey “Gate office PC” removed', { exact: false }).waitFor();
    expect(await page.getByRole('rowheader', { name: 'Gate office PC' }).count()).toBe(0);

    const changes = identity.stateChanging;
    expect(changes.map((r) => `${r.method} ${r.url}`)).toEqual([
      'POST /v1/auth/step-up/options',
      'POST /v1/auth/step-up/verify',
      'POST /v1/me/passkeys/options',
      'POST /v1/me/passkeys/verify',
      'DELETE /v1/me/passkeys/seeded',
    ]);
    expect(changes.every((r) => r.csrf === identity.csrfToken)).toBe(true);
    expect(problems.unexpected()).toEqual([]);
    await context.close();
  });

  it("shows the server's problem detail when password + code sign-in is refused", async () => {
    const { context, page, problems } = await pageWithAuthenticator(suite.browser);
    const answers = [
      { status: 403, code: 'auth.passkey_required', detail: 'Your role must sign in with a passkey' },
      { status: 429, code: 'auth.throttled', detail: 'Too many attempts.', retryAfterSeconds: 30 },
    ];
    await page.route('**/v1/auth/password', (route) => {
      const { status, code, ...rest } = answers.shift()!;
      return route.fulfill({
        status,
        contentType: 'application/problem+json',
        body: JSON.stringify({
          type: `https://portledger.dev/problems/${code}`,
          title: code,
          status,
          code,
          ...rest,
        }),
      });
    });
    await page.goto(`${suite.server.baseUrl}/login`);
    await page.getByLabel('Username').fill('yard.planner');
    await page.getByLabel('Password', { exact: true }).fill('correct horse battery staple');
    await page.getByLabel('6-digit code').fill('123456');
    await page.getByRole('button', { name: 'Sign in with password and code' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('Your role must sign in with a passkey');
    // A code works once: the field is emptied for the next one.
    expect(await page.getByLabel('6-digit code').inputValue()).toBe('');
    await screenshot(page, 'console-login-passkey-required');

    await page.getByLabel('6-digit code').fill('654321');
    await page.getByRole('button', { name: 'Sign in with password and code' }).click();
    await page.getByText('Try again in 30 seconds.', { exact: false }).waitFor();
    expect(problems.unexpected('/v1/auth/password')).toEqual([]);
    await context.close();
  });

  it('works at tablet width and by keyboard alone', async () => {
    const { page, problems, context } = await signedInPage({ width: 768, height: 1024 });
    await page.goto(`${suite.server.baseUrl}/`);
    await page.getByRole('heading', { level: 1, name: 'Welcome, Sam Supervisor' }).waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, 'console-home-tablet-768x1024');

    // Skip link first; then the navigation; Enter on "My passkeys" opens the page and focuses its heading.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to main content');
    let reached = false;
    for (let i = 0; i < 12 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = (await page.evaluate(() => document.activeElement?.textContent)) === 'My passkeys';
    }
    expect(reached).toBe(true);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Your passkeys' }).waitFor();
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
    await screenshot(page, 'console-passkeys-tablet-768x1024');
    expect(problems.unexpected()).toEqual([]);
    await context.close();
  });
});
