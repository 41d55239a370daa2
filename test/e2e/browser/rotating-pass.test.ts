/**
 * Issue 10, row C, in Chromium against the real server: "a pickup credential, badge number and plate copied from the
 * secrets file, presented together in the gate window" no longer open the gate. The pass lives on the driver's
 * phone, signed afresh every 30 seconds by a key made on that phone, which a planner of his haulier confirmed.
 *
 * The story: the haulier planner books the pickup for Dirk; Dirk sets up "his phone" (a mobile browser context) in My
 * jobs, which shows him a confirmation code; the planner's Confirm asks for that code (never shown to him) behind a
 * passkey step-up: a wrong code is refused with the tries left, the one Dirk reads out confirms it; Dirk opens the
 * pass. At the gate kiosk: a badge
 * number typed as the pass is "not a pickup pass" and never sent; the planner's printed pass is refused (printed
 * passes are off); a pass the same phone showed with its clock a minute earlier (a screenshot taken a minute ago)
 * is refused; the current pass is accepted once, and the same pass again is refused.
 *
 * The phone's clock is the server's (Playwright's `clock`): the server's runs from 09:50 tomorrow so that the
 * 10:00 slot is open. Screenshots: `rotating-pass-<nn>-<screen>.png`.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, expect, it } from 'vitest';
import { auditPage } from '../../support/a11y.js';
import { chooseDriver, collectPageProblems, type PageProblems, screenshot } from '../../support/browser.js';
import {
  addSessionCookie,
  type ConsoleSuite,
  consoleSuite,
  describeBrowser,
} from '../../support/console-session.js';
import {
  addCast,
  addJourneyOrganisations,
  boxInYard,
  callAs,
  containerNumber,
  expectNoPageErrors,
  fetchFromPage,
  fillPasswordForm,
  gotoAndWait,
  issueRelease,
  openFromMenu,
  orgs,
  type Person,
  passkeySignIn,
  type SignedIn,
  tomorrowMorning,
  totpCode,
  withStepUp,
} from '../../support/journeys.js';
import { phoneCodeOnScreen } from '../../support/phone.js';

const time = tomorrowMorning();
const BOX = containerNumber('MSCU', 730_001);
const BADGE = 'ANR-530001';
const PLATE = '1-DLT-530';
/** A phone-sized screen (a 6.1-inch phone in CSS pixels). */
const PHONE = { width: 390, height: 844 };

/** The counter of a `plp1.<credentialId>.<counter>.<signature>` pass. */
const counterOf = (pass: string) => Number(pass.split('.').at(-2));
const stepOf = (ms: number) => Math.floor(ms / 30_000);

describeBrowser('the rotating pickup pass on the driver’s phone (issue 10, row C)', () => {
  let people: Record<string, Person>;
  let planner: SignedIn;
  let clerk: SignedIn;
  let phone: { context: BrowserContext; page: Page; problems: PageProblems };
  let printed = '';
  let minuteOld = '';
  let current = '';
  const open: SignedIn[] = [];
  let shots = 0;
  const shot = (page: Page, screen: string) =>
    screenshot(page, `rotating-pass-${String(++shots).padStart(2, '0')}-${screen}`);
  const suite = consoleSuite({ server: { clock: time.clock }, setup, timeout: 120_000 });

  async function setup({ server }: ConsoleSuite): Promise<void> {
    await addJourneyOrganisations(server);
    people = await addCast(server, [
      ['lena.line', 'Lena Line', orgs.line.orgId, 'release_desk'],
      ['hugo.planner', 'Hugo Planner', orgs.haulier.orgId, 'haulier_planner'],
      ['dirk.driver', 'Dirk Driver', orgs.haulier.orgId, 'driver'],
      ['gina.clerk', 'Gina Clerk', orgs.nqt.orgId, 'gate_clerk'],
    ]);
    // SETUP: the box in the yard, its release held by the haulier, and Dirk registered as its driver with his
    // own account linked (so that the job is his under My jobs).
    const visitRef = await boxInYard(server, BOX, { block: 'C', bay: 1, row: 1, tier: 1 });
    await issueRelease(server, people['lena.line']!, visitRef, orgs.haulier.orgId);
    const accepted = await callAs(
      server,
      'hugo.planner',
      'POST',
      `/v1/visits/${visitRef}/release/offers/accept`,
    );
    expect(accepted.status).toBe(200);
    const driver = await callAs(server, 'hugo.planner', 'POST', '/v1/drivers', {
      name: 'Dirk Driver',
      badge: BADGE,
      licence: 'B-5300001',
      phone: '+32 470 53 00 01',
      userId: 'dirk.driver',
    });
    expect(driver.status).toBe(201);
  }

  afterAll(async () => {
    await phone?.context.close().catch(() => undefined);
    for (const signedIn of open) await signedIn.context.close().catch(() => undefined);
  });

  afterEach(() => {
    expectNoPageErrors(open);
    if (phone) expect(phone.problems.all.filter((problem) => problem.kind === 'pageerror')).toEqual([]);
  });

  /** The pass text the phone shows now, once it is signed for the step of `ms` (the phone's clock). */
  async function passFor(ms: number): Promise<string> {
    const text = phone.page.getByTestId('pickup-pass-text');
    await expect
      .poll(async () => counterOf((await text.textContent()) ?? ''), { timeout: 10_000 })
      .toBe(stepOf(ms));
    return ((await text.textContent()) ?? '').trim();
  }

  /** Presents a pass with Dirk's badge and the booked truck at the kiosk, and waits for the verdict. */
  async function present(pass: string): Promise<{ accepted: boolean; failed: string[]; passed: string[] }> {
    const { page } = clerk;
    await page.getByRole('button', { name: 'Next truck' }).click();
    await page.getByLabel('Pickup pass').fill(pass);
    await page.getByLabel('Badge number').fill(BADGE);
    await page.getByLabel('Truck plate').fill(PLATE);
    await page.getByRole('button', { name: 'Check and release' }).click();
    const banner = page.getByRole('heading', { level: 2, name: /Accepted|Refused/ });
    await banner.waitFor({ timeout: 15_000 });
    const checks = page.getByRole('list', { name: 'Checks' });
    return {
      accepted: /Accepted/.test((await banner.textContent()) ?? ''),
      failed: await checks.locator('.check-failed').allTextContents(),
      passed: await checks.locator('.check-passed').allTextContents(),
    };
  }

  it('the haulier planner books the pickup for Dirk', async () => {
    planner = await passkeySignIn(
      suite.browser,
      suite.server,
      people['hugo.planner']!,
      'rotating-pass-planner',
    );
    open.push(planner);
    const { page } = planner;
    await openFromMenu(page, 'Releases', 'Releases');
    await page.getByRole('button', { name: `Book the pickup of ${BOX}` }).click();
    await chooseDriver(page, BADGE);
    await page.getByLabel('Truck plate').fill(PLATE);
    await page.getByLabel('Day').fill(time.day);
    await page.locator(`input[name="slot"][value="${time.slotId('10:00')}"]`).check();
    await page.getByRole('button', { name: 'Book pickup', exact: true }).click();
    await withStepUp(page, page.getByText('Booking done.'));
    // The printed pass is still shown, once, as the terminal's fallback; the driver does not need it.
    await page.getByText('The printed pass below is only a fallback').waitFor();
    printed = await page.getByLabel('Credential text').inputValue();
    expect(printed.startsWith('plc1.')).toBe(true);
    await shot(page, 'planner-booked');
  }, 90_000);

  it('Dirk sets up his phone in My jobs: it waits for his planner, and shows no pass yet', async () => {
    const context = await suite.browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true });
    // The phone keeps the port's time (its clock is set by the network, as the server's is).
    await context.clock.install({ time: time.clock.now() });
    const page = await context.newPage();
    phone = { context, page, problems: collectPageProblems(page) };
    const dirk = people['dirk.driver']!;
    await gotoAndWait(page, `${suite.server.baseUrl}/login`, page.getByLabel('Username'));
    await fillPasswordForm(page, dirk.userId, dirk.password!, totpCode(suite.server, dirk.totpSecret!));
    await page.getByRole('button', { name: 'Sign in with password and code' }).click();
    await page.getByRole('heading', { level: 1, name: 'Welcome, Dirk Driver' }).waitFor({ timeout: 15_000 });
    await page.goto(`${suite.server.baseUrl}/me/jobs`);
    await page.getByRole('heading', { level: 1, name: 'My jobs' }).waitFor();
    const job = page.getByRole('article').filter({ has: page.getByRole('heading', { name: BOX }) });
    await job.getByText('shown only on your confirmed phone').waitFor({ timeout: 15_000 });
    await page.getByText('This phone has no key for pickup passes yet.').waitFor();
    expect(await page.getByRole('button', { name: /Show the pickup pass/ }).count()).toBe(0);
    await shot(page, 'phone-not-set-up');

    await page.getByLabel('Name of this phone').fill("Dirk's phone");
    await page.getByRole('button', { name: 'Set up this phone for pickup passes' }).click();
    await page.getByText('Your planner must confirm this phone').waitFor({ timeout: 15_000 });
    expect(await page.getByRole('button', { name: /Show the pickup pass/ }).count()).toBe(0);
    // The code Dirk reads out to his planner, computed on the phone from its own key.
    await page.getByText('Read this code to your planner').waitFor();
    expect(await phoneCodeOnScreen(page)).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    await shot(page, 'phone-pending');
  }, 90_000);

  it('the planner confirms the phone under Drivers’ phones with the code Dirk reads out, behind a passkey step-up', async () => {
    const fingerprint = (await phone.page.locator('.notice .mono').first().textContent())?.trim() ?? '';
    expect(fingerprint).toMatch(/^[0-9a-f]{4}(:[0-9a-f]{4}){3}$/);
    const code = await phoneCodeOnScreen(phone.page);
    const { page } = planner;
    // Later in the day: the planner's session holds no recent step-up any more (a new one, without it).
    await addSessionCookie(planner.context, suite.server, 'hugo.planner', { stepUp: false });
    await gotoAndWait(
      page,
      `${suite.server.baseUrl}/approvals`,
      page.getByRole('heading', { level: 1, name: 'Approvals' }),
    );
    const drivers = page.getByRole('region', { name: "Drivers' phones" });
    const item = drivers.getByRole('article').filter({ hasText: 'Dirk Driver' });
    await item.waitFor({ timeout: 15_000 });
    // What the planner compares with what the driver reads out from his phone.
    expect(await item.getByText(fingerprint).count()).toBe(1);
    // The code is on the phone only: the planner's list never shows it.
    const facts = (await item.textContent()) ?? '';
    expect(facts).not.toContain(code);
    expect(facts).not.toContain(code.replace('-', ''));
    await shot(page, 'planner-phone-waiting');
    await item.getByRole('button', { name: "Confirm Dirk Driver's phone Dirk's phone" }).click();
    // Confirm asks for the code on Dirk's phone.
    const codeField = item.getByRole('textbox', { name: 'Confirmation code' });
    await codeField.waitFor();
    // A caller offers a code of their own: refused, and counted.
    await codeField.fill(code === 'AAAA-AAAA' ? 'BBBB-BBBB' : 'AAAA-AAAA');
    await item.getByRole('button', { name: 'Confirm with this code' }).click();
    // Confirming a phone is sensitive: the console asks for the passkey before the server takes it.
    await page
      .getByText("To confirm Dirk Driver's phone “Dirk's phone”, confirm with your passkey.")
      .waitFor();
    await shot(page, 'planner-step-up');
    await page.getByRole('button', { name: 'Confirm and continue' }).click();
    await page
      .getByText(/that is not the confirmation code of this phone.*\(4 tries left\)/)
      .waitFor({ timeout: 15_000 });
    await item.getByText('1 wrong confirmation code typed so far.').waitFor({ timeout: 15_000 });
    await shot(page, 'planner-wrong-code-refused');
    // Dirk reads out the code his phone shows; the planner types it as heard.
    await codeField.fill(code.toLowerCase().replace('-', ' '));
    await item.getByRole('button', { name: 'Confirm with this code' }).click();
    await page.getByText("You confirmed Dirk Driver's phone").waitFor({ timeout: 15_000 });
    await drivers.getByText("No driver's phone is waiting for you.").waitFor();
    await shot(page, 'planner-phone-confirmed');
  }, 60_000);

  it('Dirk opens the pass: a large QR code, renewed every 30 s, the slot in terminal time', async () => {
    const { page } = phone;
    await page.getByRole('button', { name: 'Check again' }).click();
    await page.getByText('This phone shows your pickup passes').waitFor({ timeout: 15_000 });
    await page.getByRole('button', { name: `Show the pickup pass for ${BOX}` }).click();
    await page.getByRole('dialog', { name: 'Pickup pass' }).waitFor();
    await page.getByRole('img', { name: `Pickup pass QR code for ${BOX}` }).waitFor();
    const now = time.clock.now().getTime();
    const pass = await passFor(now);
    expect(pass).toMatch(/^plp1\.[A-Za-z0-9_-]+\.\d+\.[A-Za-z0-9_-]{86}$/);
    await page.getByText(/New code in \d+ s/).waitFor();
    // The slot and the gate window in the terminal's time, its zone named (the phone may be set to another).
    const jobs = await fetchFromPage(page, 'GET', '/v1/me/jobs');
    const zone = (jobs.body.jobs as { pass: { terminalTimeZone: string } | null }[])[0]?.pass
      ?.terminalTimeZone;
    expect(zone).toBeTruthy();
    await page.getByRole('dialog').getByTestId('pass-slot').getByText(`(terminal time, ${zone})`).waitFor();
    await shot(page, 'phone-pass');
    // The screen a driver holds up at the gate meets the same WCAG 2.1 AA basics as every other screen.
    const findings = await auditPage(page);
    expect(findings, JSON.stringify(findings, null, 2)).toEqual([]);

    // A screenshot taken a minute ago: the same phone, its clock set back a minute, shows the pass of then.
    await phone.context.clock.setSystemTime(now - 60_000);
    minuteOld = await passFor(now - 60_000);
    expect(counterOf(minuteOld)).toBe(counterOf(pass) - 2);
    await shot(page, 'phone-pass-a-minute-earlier');
    await phone.context.clock.setSystemTime(time.clock.now());
    await passFor(time.clock.now().getTime());
  }, 60_000);

  it('the kiosk refuses what is not a pass, the printed pass and the minute-old pass', async () => {
    clerk = await passkeySignIn(suite.browser, suite.server, people['gina.clerk']!, 'rotating-pass-gate');
    open.push(clerk);
    const { page } = clerk;
    await openFromMenu(page, 'Gate', 'Gate-out');

    // A badge number where the pass goes: said at once, nothing is sent.
    let sent = 0;
    page.on('request', (request) => {
      if (request.url().endsWith('/v1/gate/transactions')) sent += 1;
    });
    await page.getByLabel('Pickup pass').fill(BADGE);
    await page.getByLabel('Badge number').fill(BADGE);
    await page.getByLabel('Truck plate').fill(PLATE);
    await page.getByRole('button', { name: 'Check and release' }).click();
    await page.getByText('This is not a pickup pass').waitFor();
    expect(sent).toBe(0);
    await shot(page, 'gate-not-a-pass');

    const printedVerdict = await present(printed);
    expect(printedVerdict.accepted).toBe(false);
    expect(printedVerdict.failed).toEqual(
      expect.arrayContaining([
        expect.stringContaining('Not a printed pass (printed passes are switched off here)'),
      ]),
    );
    // A printed copy does not show who holds it: the kiosk is told nothing else about the box, in plain words.
    await page.getByText('so the gate checked nothing else').waitFor();
    expect(
      await page.getByRole('list', { name: 'Checks' }).locator('.check-not-checked').allTextContents(),
    ).toEqual(expect.arrayContaining([expect.stringContaining('All four lights green: not checked')]));
    await shot(page, 'gate-printed-refused');

    const stale = await present(minuteOld);
    expect(stale.accepted).toBe(false);
    expect(stale.failed).toEqual([expect.stringContaining('Pass is the current one')]);
    expect(stale.passed).toEqual(
      expect.arrayContaining([expect.stringContaining("Pass signed by the driver's confirmed phone")]),
    );
    await page.getByText('an alert was raised').waitFor();
    await shot(page, 'gate-minute-old-refused');
    expect(sent).toBe(2);
  }, 60_000);

  it('the kiosk accepts the current pass from the phone once; the same pass again is refused', async () => {
    current = await passFor(time.clock.now().getTime());
    const accepted = await present(current);
    expect(accepted.failed).toEqual([]);
    expect(accepted.accepted).toBe(true);
    expect(accepted.passed).toEqual(
      expect.arrayContaining([
        expect.stringContaining("Pass signed by the driver's confirmed phone"),
        expect.stringContaining('Pass is the current one'),
        expect.stringContaining('Driver badge matches'),
      ]),
    );
    await shot(clerk.page, 'gate-accepted');

    const again = await present(current);
    expect(again.accepted).toBe(false);
    expect(again.failed).toEqual(
      expect.arrayContaining([expect.stringContaining('Credential not used before')]),
    );
    await shot(clerk.page, 'gate-same-pass-refused');

    // The phone: the job is collected, and no pass is offered any more.
    await phone.page.getByRole('button', { name: 'Close the pass' }).click();
    const job = phone.page
      .getByRole('article')
      .filter({ has: phone.page.getByRole('heading', { name: BOX }) });
    await job.getByText('Collected', { exact: true }).waitFor({ timeout: 15_000 });
    expect(await phone.page.getByRole('button', { name: /Show the pickup pass/ }).count()).toBe(0);
    await shot(phone.page, 'phone-collected');
    expect(phone.problems.unexpected()).toEqual([]);
  }, 60_000);

  it('another phone in Dirk’s name is told the passes are elsewhere; setting it up alerts his haulier', async () => {
    // Someone holding Dirk's keylogged password and TOTP seed signs in on a phone of their own.
    let gangCode = '';
    const context = await suite.browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    const problems = collectPageProblems(page);
    try {
      await addSessionCookie(context, suite.server, 'dirk.driver', {
        method: 'password_totp',
        stepUp: false,
      });
      await gotoAndWait(
        page,
        `${suite.server.baseUrl}/me/jobs`,
        page.getByRole('heading', { level: 1, name: 'My jobs' }),
      );
      await page
        .getByText("Your pickup passes are on another phone, “Dirk's phone”")
        .waitFor({ timeout: 15_000 });
      await page.getByLabel('Name of this phone').fill('New phone');
      await page.getByRole('button', { name: 'Set up this phone for pickup passes' }).click();
      await page.getByText('Your planner must confirm this phone').waitFor({ timeout: 15_000 });
      gangCode = await phoneCodeOnScreen(page);
      await shot(page, 'second-phone-pending');
      expect(problems.all.filter((problem) => problem.kind === 'pageerror')).toEqual([]);
    } finally {
      await context.close();
    }

    // The planner sees it waiting, and an alert in plain words: a phone set up while another is in use.
    const { page: office } = planner;
    await gotoAndWait(
      office,
      `${suite.server.baseUrl}/approvals`,
      office.getByRole('heading', { level: 1, name: 'Approvals' }),
    );
    const waiting = office
      .getByRole('region', { name: "Drivers' phones" })
      .getByRole('article')
      .filter({ hasText: 'New phone' });
    await waiting.waitFor({ timeout: 15_000 });
    // Its code is on the gang's phone only: the planner cannot be led to confirm it from his list.
    expect(gangCode).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(await waiting.textContent()).not.toContain(gangCode);
    await openFromMenu(office, 'Alerts', 'Alerts');
    await office.getByRole('row').filter({ hasText: "Driver's phone set up again" }).first().waitFor();
    await shot(office, 'planner-alert-phone-set-up-again');
  }, 60_000);
});
