/**
 * Issue 10, row D in Chromium against the real server: an attacker holding a gate clerk's unused enrolment link
 * registers the passkey of their own (virtual) authenticator with it. The passkey is pending: it signs nobody in.
 * The attacker's second go at the link is refused and raises an alert. The clerk's terminal supervisor sees the
 * pending passkey under Approvals → Pending passkeys with the device, time and network it came from — never a
 * confirmation code — and rejects it after the step-up dialog; the clerk then enrols with a new link, and her page
 * shows her a confirmation code. The supervisor's Confirm asks for that code: the attacker's code (offered on the
 * phone, say) is refused, the one Gina reads out confirms her passkey, and she signs in. "My passkeys" says which
 * passkey waits for confirmation.
 */
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { issueEnrolmentLink } from '../../../src/app/access/index.js';
import { pageWithAuthenticator, screenshot } from '../../support/browser.js';
import {
  addPeople,
  type ConsoleSuite,
  consoleSuite,
  describeBrowser,
  enrolledPage,
} from '../../support/console-session.js';
import { confirmEnrolment } from '../../support/enrolment.js';
import { gotoAndWait } from '../../support/journeys.js';

describeBrowser('a stolen enrolment link gives nothing (Chromium, real server)', () => {
  let tokens: Record<string, string>;
  const suite = consoleSuite({ setup, timeout: 180_000 });

  async function setup({ server }: ConsoleSuite): Promise<void> {
    tokens = await addPeople(server, [
      ['sam.super', 'nqt', 'terminal_supervisor', 'Sam Supervisor'],
      ['gina.clerk', 'nqt', 'gate_clerk', 'Gina Clerk'],
      ['olga.ops', 'nqt', 'equipment_operator', 'Olga Ops'],
    ]);
  }

  /** Registers a passkey on `page`'s authenticator through the link of `token`, sees it wait, and reads its code. */
  async function enrolThroughLink(page: Page, token: string): Promise<string> {
    await gotoAndWait(
      page,
      `${suite.server.baseUrl}/enrol#token=${encodeURIComponent(token)}`,
      page.getByRole('button', { name: 'Create my passkey' }),
    );
    await page.getByRole('button', { name: 'Create my passkey' }).click();
    await page
      .getByRole('heading', { level: 1, name: 'Your passkey is registered' })
      .waitFor({ timeout: 15_000 });
    await page.getByText(/Read this code to the person who confirms your passkey/).waitFor();
    const code = (await page.getByRole('status', { name: 'Confirmation code' }).textContent())?.trim() ?? '';
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    return code;
  }

  /** Tries to sign in with the page's passkey from the login page. */
  async function trySignIn(page: Page) {
    await gotoAndWait(
      page,
      `${suite.server.baseUrl}/login`,
      page.getByRole('button', { name: 'Sign in with a passkey' }),
    );
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
  }

  it('the attacker’s passkey waits and signs nobody in; the supervisor rejects it, then confirms the clerk’s own', async () => {
    const { server, browser } = suite;

    // The attacker, with Gina's link from the secrets file and a passkey of their own.
    const attacker = await pageWithAuthenticator(browser);
    const attackerCode = await enrolThroughLink(attacker.page, tokens['gina.clerk']!);
    await attacker.page
      .getByText('a terminal supervisor of North Quay Terminal or a port administrator')
      .waitFor();
    await screenshot(attacker.page, 'enrolment-1-attacker-passkey-pending');
    await trySignIn(attacker.page);
    await attacker.page.getByText(/not confirmed yet/).waitFor();
    expect((await attacker.context.cookies()).some((c) => c.name === 'pl_session')).toBe(false);
    await screenshot(attacker.page, 'enrolment-2-attacker-sign-in-refused');

    // The second go at the link is refused, and raises the alert.
    await attacker.page.goto(`${server.baseUrl}/enrol#token=${encodeURIComponent(tokens['gina.clerk']!)}`);
    await attacker.page
      .getByRole('heading', { level: 1, name: 'This enrolment link cannot be used' })
      .waitFor({ timeout: 15_000 });

    // Sam, signed in with his own confirmed passkey but without a fresh step-up, sees what came in.
    const sam = await enrolledPage(
      browser,
      server,
      { userId: 'sam.super', displayName: 'Sam Supervisor', enrolmentToken: tokens['sam.super']! },
      { stepUp: false },
    );
    await sam.page.goto(`${server.baseUrl}/alerts`);
    await sam.page.getByText(/Second enrolment attempt for Gina Clerk/).waitFor({ timeout: 15_000 });
    await screenshot(sam.page, 'enrolment-3-alert');

    await sam.page.goto(`${server.baseUrl}/approvals`);
    const section = sam.page.getByRole('region', { name: 'Pending passkeys' });
    await section.getByRole('heading', { level: 3, name: /Gina Clerk/ }).waitFor({ timeout: 15_000 });
    const facts = await section.textContent();
    expect(facts).toContain('127.0.0.1');
    expect(facts).toContain('HeadlessChrome');
    // The authenticator's AAGUID, as the browser's authenticator reported it.
    expect(facts).toMatch(/Authenticator.*[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/);
    // The code is on the enrolling screen only: the confirmer's list never shows it.
    expect(facts).not.toContain(attackerCode);
    expect(facts).not.toContain(attackerCode.replace('-', ''));
    await screenshot(sam.page, 'enrolment-4-pending-passkeys');

    // He did not expect Gina to enrol from that browser: he rejects it, confirming with his own passkey first.
    await section.getByRole('button', { name: "Reject Gina Clerk's passkey" }).click();
    await sam.page.getByRole('button', { name: 'Confirm and continue' }).click();
    await sam.page.getByText("You rejected Gina Clerk's passkey").waitFor({ timeout: 15_000 });
    await section.getByText('No passkey is waiting for you.').waitFor();
    await screenshot(sam.page, 'enrolment-5-rejected');

    await trySignIn(attacker.page);
    await attacker.page.getByText('the passkey could not be verified', { exact: false }).waitFor();
    await attacker.context.close();

    // Gina gets a new link and enrols on her own device; Sam confirms it; she signs in.
    const link = await issueEnrolmentLink(server.auth, { userId: 'gina.clerk', issuedBy: 'admin' });
    const gina = await pageWithAuthenticator(browser);
    const ginaCode = await enrolThroughLink(gina.page, link.token);
    expect(ginaCode).not.toBe(attackerCode);
    await screenshot(gina.page, 'enrolment-6-confirmation-code');
    await sam.page.reload();
    await section.getByRole('heading', { level: 3, name: /Gina Clerk/ }).waitFor({ timeout: 15_000 });
    expect(await section.textContent()).not.toContain(ginaCode);
    // Confirm asks for the code on Gina's screen.
    await section.getByRole('button', { name: "Confirm Gina Clerk's passkey" }).click();
    const codeField = section.getByRole('textbox', { name: 'Confirmation code' });
    await codeField.waitFor();
    // A caller offers the attacker's code: refused, and counted.
    await codeField.fill(attackerCode);
    await section.getByRole('button', { name: 'Confirm with this code' }).click();
    await sam.page
      .getByText(/that is not the confirmation code of this passkey/)
      .waitFor({ timeout: 15_000 });
    await screenshot(sam.page, 'enrolment-7-wrong-code-refused');
    // Sam calls Gina at her desk; she reads out her code, and he types it.
    await codeField.fill(ginaCode.toLowerCase());
    await section.getByRole('button', { name: 'Confirm with this code' }).click();
    await sam.page.getByText("You confirmed Gina Clerk's passkey").waitFor({ timeout: 15_000 });
    await gina.page.getByRole('link', { name: 'sign in with your passkey' }).click();
    await gina.page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await gina.page
      .getByRole('heading', { level: 1, name: 'Welcome, Gina Clerk' })
      .waitFor({ timeout: 15_000 });
    await screenshot(gina.page, 'enrolment-8-confirmed-and-signed-in');

    // The gang used Olga's link before her; she gets a new one, and the operator confirms hers with the code her
    // page shows. The gang's passkey still waits in her name, and "My passkeys" tells her so.
    const thief = await pageWithAuthenticator(browser);
    await enrolThroughLink(thief.page, tokens['olga.ops']!);
    await thief.context.close();
    const olgaLink = await issueEnrolmentLink(server.auth, { userId: 'olga.ops', issuedBy: 'admin' });
    const olga = await pageWithAuthenticator(browser);
    await confirmEnrolment(server.auth, 'olga.ops', await enrolThroughLink(olga.page, olgaLink.token));
    await trySignIn(olga.page);
    await olga.page
      .getByRole('heading', { level: 1, name: 'Welcome, Olga Ops' })
      .waitFor({ timeout: 15_000 });
    await olga.page.goto(`${server.baseUrl}/me/passkeys`);
    const rows = olga.page.getByRole('table', { name: 'Your passkeys' }).getByRole('row');
    await rows.filter({ hasText: 'waiting for confirmation' }).waitFor({ timeout: 15_000 });
    expect(await rows.count()).toBe(3);
    expect(await rows.filter({ hasText: 'waiting for confirmation' }).count()).toBe(1);
    await screenshot(olga.page, 'enrolment-9-my-passkeys-one-waiting');
    await olga.context.close();

    // Only the expected refusals reached the browsers: the step-up prompt of the first reject, the wrong code.
    expect(sam.problems.unexpected(/\/reject$/, /\/confirm$/)).toEqual([]);
    await gina.context.close();
    await sam.context.close();
  });
});
