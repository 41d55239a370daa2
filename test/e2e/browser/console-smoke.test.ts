import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { pageWithAuthenticator, screenshot } from '../../support/browser.js';
import { consoleSuite, describeBrowser } from '../../support/console-session.js';

/** Tabs through the page until `target` has focus; returns how many presses it took, or -1. */
async function tabTo(page: Page, isTarget: () => Promise<boolean>, limit = 15): Promise<number> {
  for (let presses = 1; presses <= limit; presses++) {
    await page.keyboard.press('Tab');
    if (await isTarget()) return presses;
  }
  return -1;
}

describeBrowser('console in Chromium: sign-in and enrolment pages', () => {
  const suite = consoleSuite();

  const newPage = (viewport?: { width: number; height: number }) =>
    pageWithAuthenticator(suite.browser, viewport);

  it('renders /login with labelled controls and a keyboard-reachable passkey button', async () => {
    const { page, problems, context } = await newPage();
    const response = await page.goto(`${suite.server.baseUrl}/login`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("default-src 'self'");

    await expect
      .poll(() => page.getByRole('heading', { level: 1, name: 'Sign in to PortLedger' }).isVisible())
      .toBe(true);
    expect(await page.title()).toBe('Sign in to PortLedger · PortLedger');
    const passkeyButton = page.getByRole('button', { name: 'Sign in with a passkey' });
    await passkeyButton.waitFor();
    for (const label of ['Username', 'Password', '6-digit code']) {
      await page.getByLabel(label, { exact: true }).waitFor();
    }
    expect(await page.getByLabel('6-digit code').getAttribute('autocomplete')).toBe('one-time-code');
    await page.getByRole('button', { name: 'Sign in with password and code' }).waitFor();

    // Keyboard: the skip link comes first, the passkey button right after; its focus ring is visible.
    const presses = await tabTo(page, () => passkeyButton.evaluate((el) => el === document.activeElement));
    expect(presses).toBeGreaterThan(0);
    expect(presses).toBeLessThanOrEqual(3);
    const outline = await passkeyButton.evaluate((el) => {
      const style = getComputedStyle(el);
      return { style: style.outlineStyle, width: Number.parseFloat(style.outlineWidth) };
    });
    expect(outline.style).not.toBe('none');
    expect(outline.width).toBeGreaterThanOrEqual(2);
    await screenshot(page, 'console-login-1280x800-passkey-focused');

    // The form checks its own input before asking the suite.server.
    await page.getByRole('button', { name: 'Sign in with password and code' }).click();
    expect(await page.getByText('Enter the 6-digit code from your authenticator app.').isVisible()).toBe(
      true,
    );
    expect(await page.getByLabel('6-digit code').getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, 'console-login-1280x800-form-errors');

    expect(problems.unexpected()).toEqual([]);
    await context.close();
  });

  it('shows a clear error for an enrolment link the server does not accept, and hides the token', async () => {
    const { page, problems, context } = await newPage();
    await page.goto(`${suite.server.baseUrl}/enrol#token=bogus`);
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.isVisible(), { timeout: 10_000 }).toBe(true);
    // Without the identity routes the server answers 404 route.not_found; with them, 410 enrolment_link_invalid.
    expect(await alert.textContent()).toMatch(/enrolment|link/i);
    const heading = await page.getByRole('heading', { level: 1 }).textContent();
    expect(heading).toMatch(/^(This enrolment link cannot be used|Enrolment is not available)$/);
    expect(new URL(page.url()).hash).toBe('');
    await page.getByRole('link', { name: 'Sign in' }).waitFor();
    await screenshot(page, 'console-enrol-invalid-link');

    // The only failure is the refused enrolment-options request (Chromium logs it as a console error).
    const enrolmentOptions = '/v1/auth/enrolment/options';
    expect(problems.all.some((problem) => problem.url.includes(enrolmentOptions))).toBe(true);
    expect(problems.unexpected(enrolmentOptions)).toEqual([]);
    await context.close();
  });

  it('explains an enrolment link without a token, without asking the server', async () => {
    const { page, problems, context } = await newPage();
    await page.goto(`${suite.server.baseUrl}/enrol`);
    await expect.poll(() => page.getByRole('alert').isVisible()).toBe(true);
    expect(await page.getByRole('alert').textContent()).toContain('The link is incomplete');
    expect(problems.all).toEqual([]);
    await context.close();
  });

  it('lays /login out at tablet width without horizontal scrolling', async () => {
    const { page, problems, context } = await newPage({ width: 768, height: 1024 });
    await page.goto(`${suite.server.baseUrl}/login`);
    await expect
      .poll(() => page.getByRole('button', { name: 'Sign in with a passkey' }).isVisible())
      .toBe(true);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, 'console-login-tablet-768x1024');
    expect(problems.unexpected()).toEqual([]);
    await context.close();
  });
});
