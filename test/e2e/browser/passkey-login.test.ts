/**
 * The passkey journey of issue 3, end to end in Chromium against the real server: enrol from the one-time link,
 * register a passkey, sign out, sign in with the passkey, confirm it's you (step-up); and the negative case, a
 * yard planner with the right password and code who is still refused.
 *
 * These tests wait for the identity routes (docs/auth-api.md). They skip at run time while
 * `POST /v1/auth/passkey/options` answers 404, or while `createEnrolledUserLink` / `createPasswordUser`
 * (console-server.ts) are not filled in, and start running the moment both exist.
 */
import { TOTP } from 'otpauth';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chromiumAvailable,
  ensureConsoleBuilt,
  launchBrowser,
  pageWithAuthenticator,
  screenshot,
} from '../../support/browser.js';
import { confirmEnrolment } from '../../support/enrolment.js';
import {
  type ConsoleServer,
  createEnrolledUserLink,
  createPasswordUser,
  serverOffers,
  startConsoleServer,
} from './console-server.js';

const waiting = 'waits for the identity routes of issue 3';

async function visible(locator: ReturnType<Page['getByRole']>, timeout = 10_000) {
  await locator.waitFor({ state: 'visible', timeout });
  return true;
}

describe.skipIf(!chromiumAvailable())('passkey sign-in in Chromium (real server)', () => {
  let server: ConsoleServer;
  let browser: Browser | undefined;
  let routesExist = false;

  beforeAll(async () => {
    server = await startConsoleServer();
    routesExist = await serverOffers(server, 'POST', '/v1/auth/passkey/options');
    if (!routesExist) {
      console.warn(`[passkey browser tests skipped] POST /v1/auth/passkey/options answers 404: ${waiting}`);
      return;
    }
    await ensureConsoleBuilt();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('enrols from the link, waits for confirmation, signs in with the passkey and confirms it is the user', async ({
    skip,
  }) => {
    if (!routesExist || !browser) return skip(`POST /v1/auth/passkey/options answers 404: ${waiting}`);
    const link = await createEnrolledUserLink(server, {
      role: 'yard_planner',
      username: 'yard.planner',
      displayName: 'Yara Planner',
    });
    if (!link)
      return skip('createEnrolledUserLink (test/e2e/browser/console-server.ts) is not filled in yet');

    // The virtual authenticator is there before any click, when the first ceremony starts.
    const { context, page, problems, authenticator } = await pageWithAuthenticator(browser);

    // 1. Enrol from the one-time link.
    await page.goto(`${server.baseUrl}/enrol#token=${encodeURIComponent(link.token)}`);
    await visible(page.getByRole('heading', { level: 1, name: 'Set up your passkey' }));
    await page.getByText(link.displayName, { exact: false }).first().waitFor();
    expect(new URL(page.url()).hash).toBe('');
    await page.getByLabel('Name for this passkey (optional)').fill('Test authenticator');
    await screenshot(page, 'passkey-1-enrol');
    await page.getByRole('button', { name: 'Create my passkey' }).click();

    // 2. Registered, but pending: a link can be stolen on its way, so a second person confirms it (issue 10, row D).
    await visible(page.getByRole('heading', { level: 1, name: 'Your passkey is registered' }));
    await page.getByText(`a terminal supervisor of ${link.orgName} or a port administrator`).waitFor();
    expect(await authenticator.credentials()).toHaveLength(1);
    await screenshot(page, 'passkey-2-pending-after-enrol');

    // The link works once.
    const reuse = await server.app.inject({
      method: 'POST',
      url: '/v1/auth/enrolment/options',
      payload: { token: link.token },
    });
    expect(reuse.statusCode).toBe(410);

    // 3. Until it is confirmed, the passkey signs nobody in.
    await page.getByRole('link', { name: 'sign in with your passkey' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Sign in to PortLedger' }));
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await visible(page.getByText(/not confirmed yet/));
    await screenshot(page, 'passkey-3-pending-refused');

    // 4. Confirmed (as the operator does), it signs in (discoverable: no username typed).
    await confirmEnrolment(server.auth, link.username);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await visible(page.getByRole('heading', { level: 1, name: `Welcome, ${link.displayName}` }));
    await page.getByText('You signed in with a passkey').waitFor();
    await page.getByText(link.orgName).first().waitFor();
    await screenshot(page, 'passkey-4-home-after-login');

    // 5. Step-up: confirm it's you (a passkey sign-in may already count as one: then the button confirms again).
    await page.getByRole('button', { name: /^Confirm (it's you|again)$/ }).click();
    await visible(page.getByText("You confirmed it's you", { exact: false }));
    await screenshot(page, 'passkey-5-step-up-confirmed');

    // 6. The passkey is listed on "My passkeys".
    await page.getByRole('link', { name: 'My passkeys' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Your passkeys' }));
    await visible(page.getByRole('rowheader', { name: 'Test authenticator' }));
    await screenshot(page, 'passkey-6-my-passkeys');

    // Only the expected 401 of a signed-out session check, if any, reached the browser console.
    // The refused sign-in of the pending passkey is expected too.
    expect(problems.unexpected('/v1/auth/session', '/v1/auth/passkey/verify')).toEqual([]);
    await context.close();
  });

  it('refuses a yard planner who has the right password and code: the role must use a passkey', async ({
    skip,
  }) => {
    if (!routesExist || !browser) return skip(`POST /v1/auth/passkey/options answers 404: ${waiting}`);
    const user = await createPasswordUser(server, {
      role: 'yard_planner',
      username: 'yard.planner.pw',
      displayName: 'Pat Password',
    });
    if (!user) return skip('createPasswordUser (test/e2e/browser/console-server.ts) is not filled in yet');

    const { context, page, problems } = await pageWithAuthenticator(browser);
    await page.goto(`${server.baseUrl}/login`);
    await page.getByLabel('Username').fill(user.username);
    await page.getByLabel('Password', { exact: true }).fill(user.password);
    await page.getByLabel('6-digit code').fill(new TOTP({ secret: user.totpSecret }).generate());
    await page.getByRole('button', { name: 'Sign in with password and code' }).click();

    const alert = page.getByRole('alert');
    await visible(alert);
    expect(await alert.textContent()).toMatch(/passkey/i);
    expect(new URL(page.url()).pathname).toBe('/login');
    await screenshot(page, 'passkey-7-password-refused-for-yard-planner');
    expect(problems.unexpected('/v1/auth/password')).toEqual([]);
    await context.close();
  });
});
