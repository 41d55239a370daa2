/**
 * The release chain, the booking and the gate in Chromium against the real server: the haulier planner accepts the
 * right offered by the line, registers a driver, books a slot from the picker and gets the pickup credential (the
 * printed fallback as a QR code); the driver's phone, once the planner confirms it, shows the rotating pickup pass;
 * the gate clerk pastes that pass with a wrong badge (refused, the badge check crossed), then with the right badge
 * and plate (accepted, every check ticked).
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, expect, it } from 'vitest';
import { runReleaseCommand } from '../../../src/app/releases/index.js';
import { screenshot } from '../../support/browser.js';
import {
  addOrganisations,
  addPeople,
  type ConsoleSuite,
  consoleSuite,
  describeBrowser,
  signedInPage,
} from '../../support/console-session.js';
import { boxInYard, tomorrowMorning } from '../../support/journeys.js';
import { confirmPhoneInConsole, phoneCodeOnScreen } from '../../support/phone.js';
import { principal } from '../../support/pickup.js';

// The server's clock runs from 09:50 UTC tomorrow, so that the 10:00 slot is open at the gate (grace included)
// and still in the future in the browser, whatever the hour the tests run.
const { clock, day, slotId: slotAt } = tomorrowMorning();
const slotId = slotAt('10:00');

const CONTAINER = 'CSQU3054383';
const BADGE = 'ANR-000123';
const PLATE = '1-ABC-123';
const PHONE = { width: 390, height: 844 };

describeBrowser('releases, booking with a QR credential, and the gate kiosk', () => {
  let visitRef: string;
  let token: string;
  /** Jan's phone, open from its set-up to the gate: it renews the pass every 30 seconds. */
  let phone: { context: BrowserContext; page: Page } | undefined;
  const suite = consoleSuite({ server: { clock }, setup, timeout: 120_000 });
  const signedInAs = (userId: string, viewport?: { width: number; height: number }) =>
    signedInPage(suite.browser, suite.server, userId, { viewport });

  async function setup({ server }: ConsoleSuite): Promise<void> {
    await addOrganisations(server, [
      { orgId: 'org-line', kind: 'shipping_line', name: 'MSC', code: 'MSCU' },
      { orgId: 'org-hau', kind: 'haulier', name: 'Delta Transport', code: 'HAU' },
    ]);
    await addPeople(server, [
      ['rita.desk', 'org-line', 'release_desk'],
      ['hugo.planner', 'org-hau', 'haulier_planner'],
      ['gina.clerk', 'nqt', 'gate_clerk'],
      ['jan.driver', 'org-hau', 'driver', 'Jan Peeters'],
    ]);

    const ledger = server.fixture.ledger;
    visitRef = await boxInYard(server, CONTAINER, { block: 'A', bay: 1, row: 1, tier: 1 });
    // The line issues the release and offers it to the haulier, who accepts it in the console.
    const line = principal({
      userId: 'rita.desk',
      orgId: 'org-line',
      orgKind: 'shipping_line',
      orgCode: 'MSCU',
      roles: ['release_desk'],
    });
    const now = clock.now().getTime();
    await runReleaseCommand(ledger, line, visitRef, {
      type: 'IssueRelease',
      releaseId: 'R-BROWSER-1',
      visitRef,
      line: 'MSCU',
      validFrom: new Date(now - 3_600_000).toISOString(),
      validUntil: new Date(now + 7 * 86_400_000).toISOString(),
      firstParty: 'org-hau',
    });
  }

  it('shows the line its releases, with revoke', async () => {
    const { page, context, problems } = await signedInAs('rita.desk');
    await page.goto(`${suite.server.baseUrl}/releases`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Releases');
    // Revoking is behind the row's "More…" (issue 14), not a red button on every row.
    await page.getByRole('button', { name: `More actions for the release of ${CONTAINER}` }).click();
    await expect
      .poll(() => page.getByRole('button', { name: `Revoke the release of ${CONTAINER}` }).count())
      .toBe(1);
    expect(await page.getByRole('link', { name: 'Releases' }).count()).toBe(1);
    await screenshot(page, 'releases-line');
    expect(problems.unexpected()).toEqual([]);
    await context.close();
  });

  it('lets the haulier planner accept the offer, book a slot and see the QR credential', async () => {
    const { page, context, problems } = await signedInAs('hugo.planner');
    await page.goto(`${suite.server.baseUrl}/releases`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Releases');
    // Offered, not yet held: the box is not listed until the planner looks the offer up.
    await page.getByLabel('Find an offer by visit reference').fill(visitRef);
    await page.getByRole('button', { name: 'Find offer' }).click();
    const accept = page.getByRole('button', { name: `Accept the right to collect visit ${visitRef}` });
    await accept.waitFor();
    await screenshot(page, 'releases-offer');
    await accept.click();
    await page.getByText(`You hold the right to collect`).waitFor();
    const book = page.getByRole('button', { name: `Book the pickup of ${CONTAINER}` });
    await book.waitFor();
    await screenshot(page, 'releases-held');

    await book.click();
    await page.getByRole('button', { name: 'Register a new driver' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Jan Peeters');
    await page.getByLabel('Badge number').fill(BADGE);
    await page.getByLabel('Driving licence').fill('B-1234567');
    await page.getByLabel('Phone').fill('+32 470 12 34 56');
    await page.getByLabel("Driver's PortLedger account (optional)").fill('jan.driver');
    await page.getByRole('button', { name: 'Register driver' }).click();
    await page.getByText('Jan Peeters is registered.').waitFor();
    expect(await page.getByRole('combobox', { name: 'Driver', exact: true }).inputValue()).toBe(
      `Jan Peeters — badge ${BADGE}`,
    );
    await page.getByLabel('Truck plate').fill(PLATE);
    await page.getByLabel('Day').fill(day);
    const slot = page.locator(`input[name="slot"][value="${slotId}"]`);
    await slot.waitFor();
    expect(await slot.locator('xpath=..').textContent()).toContain('10 of 10 free');
    await slot.check();
    await screenshot(page, 'releases-slot-picker');
    await page.getByRole('button', { name: 'Book pickup', exact: true }).click();

    const qr = page.getByRole('img', { name: `QR code of the pickup credential for ${CONTAINER}` });
    await qr.waitFor();
    expect(await page.locator('canvas.qr-canvas').count()).toBe(1);
    token = await page.getByLabel('Credential text').inputValue();
    expect(token.startsWith('plc1.')).toBe(true);
    await expect.poll(() => slot.locator('xpath=..').textContent()).toContain('9 of 10 free');
    await page.getByText('Pickup credential for').scrollIntoViewIfNeeded();
    await screenshot(page, 'booking-qr');
    expect(problems.unexpected()).toEqual([]);
    await context.close();
  });

  afterAll(async () => {
    await phone?.context.close();
  });

  /** The pass Jan's phone shows now. */
  async function currentPass(): Promise<string> {
    const pass = (await phone?.page.getByTestId('pickup-pass-text').textContent())?.trim() ?? '';
    expect(pass).toMatch(/^plp1\./);
    return pass;
  }

  it('shows the driver the rotating pass on his phone once the planner confirms the phone', async () => {
    expect(token).toBeTruthy();
    const signedIn = await signedInAs('jan.driver', PHONE);
    // The phone keeps the port's time: the server's clock runs from 09:50 tomorrow.
    await signedIn.context.clock.install({ time: clock.now() });
    phone = signedIn;
    const { page } = signedIn;
    await page.goto(`${suite.server.baseUrl}/me/jobs`);
    await page.getByLabel('Name of this phone').fill('Jan’s phone');
    await page.getByRole('button', { name: 'Set up this phone for pickup passes' }).click();
    await page.getByText('Your planner must confirm this phone').waitFor();
    await screenshot(page, 'driver-phone-pending');

    const code = await phoneCodeOnScreen(page);
    const planner = await signedInAs('hugo.planner');
    await planner.page.goto(`${suite.server.baseUrl}/approvals`);
    await confirmPhoneInConsole(planner.page, { driverName: 'Jan Peeters', label: 'Jan’s phone', code });
    await planner.page.getByText("You confirmed Jan Peeters's phone").waitFor();
    await screenshot(planner.page, 'planner-phone-confirmed');
    expect(planner.problems.unexpected()).toEqual([]);
    await planner.context.close();

    await page.getByRole('button', { name: 'Check again' }).click();
    await page.getByRole('button', { name: `Show the pickup pass for ${CONTAINER}` }).click();
    await page.getByRole('img', { name: `Pickup pass QR code for ${CONTAINER}` }).waitFor();
    await currentPass();
    await screenshot(page, 'driver-pickup-pass');
    expect(signedIn.problems.unexpected()).toEqual([]);
  });

  it('refuses the pass at the gate with a wrong badge, the badge check crossed', async () => {
    const pass = await currentPass();
    const { page, context, problems } = await signedInAs('gina.clerk');
    await page.goto(`${suite.server.baseUrl}/gate`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Gate-out');
    // BarcodeDetector is not in headless Chromium on Linux: no camera button.
    expect(await page.getByRole('button', { name: 'Scan with camera' }).count()).toBe(0);
    await page.getByLabel('Pickup pass').fill(pass);
    await page.getByLabel('Badge number').fill('ANR-666666');
    await page.getByLabel('Truck plate').fill(PLATE);
    await page.getByLabel('Truck plate').press('Enter');
    await page.getByRole('heading', { name: /Refused/ }).waitFor();
    const checks = page.getByRole('list', { name: 'Checks' });
    expect(await checks.locator('.check-failed').allTextContents()).toEqual([
      expect.stringContaining('Driver badge matches'),
    ]);
    expect(await checks.locator('.check-passed').count()).toBeGreaterThan(5);
    await screenshot(page, 'gate-refused');
    expect(problems.unexpected()).toEqual([]);
    await context.close();
  });

  it('accepts the pass with the right badge and plate, every check ticked, at tablet width', async () => {
    const pass = await currentPass();
    const { page, context, problems } = await signedInAs('gina.clerk', { width: 820, height: 1180 });
    await page.goto(`${suite.server.baseUrl}/gate`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Gate-out');
    // Keyboard only: the credential field has focus; Enter in it submits the form.
    const field = page.getByLabel('Pickup pass');
    await expect.poll(() => field.evaluate((element) => element === document.activeElement)).toBe(true);
    await page.keyboard.insertText(pass);
    await page.keyboard.press('Tab');
    await page.keyboard.type(BADGE);
    await page.keyboard.press('Tab');
    await page.keyboard.type('1 abc 123');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: /Accepted/ }).waitFor();
    const checks = page.getByRole('list', { name: 'Checks' });
    expect(await checks.locator('.check-failed').count()).toBe(0);
    // The twelve checks of the credential, driver, truck, slot, right, lights, box and gate, the phone pass's own two,
    // and that what was scanned is a pass at all (issue 14); the printed fallback's switch does not apply to it.
    expect(await checks.locator('.check-passed').count()).toBe(15);
    expect(await checks.locator('.check-not-applicable').allTextContents()).toEqual([
      expect.stringContaining('does not apply to this kind of pass'),
    ]);
    await screenshot(page, 'gate-accepted');
    expect(problems.unexpected()).toEqual([]);
    await context.close();
  });
});
