/**
 * Issue 14, one clock rule, in Chromium: every browser here is set to New York's zone while the terminal's clocks run
 * on Brussels time, and the same slot reads the same on the slot picker, My jobs, the pickup pass, the container page
 * and the gate kiosk: the terminal's time, with the terminal's zone named, never the viewer's.
 *
 * The server's clock runs from 09:50 UTC tomorrow; the pickup is booked for 14:00 UTC that day, so that the kiosk,
 * shown the pass at 09:50, refuses it as early and says when the gate opens for it (on the terminal's clock).
 * Browsers format in en-GB (a 24-hour clock), so each screen can be compared with the same "HH:MM".
 * Screenshots: `one-clock-<nn>-<screen>.png`.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, expect, it } from 'vitest';
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
  issueRelease,
  orgs,
  type Person,
  tomorrowMorning,
} from '../../support/journeys.js';
import { phoneCodeOnScreen } from '../../support/phone.js';

const time = tomorrowMorning();
const BOX = containerNumber('MSCU', 740_001);
const BADGE = 'ANR-740001';
const PLATE = '1-CLK-740';
const TERMINAL_ZONE = 'Europe/Brussels';
const VIEWER_ZONE = 'America/New_York';
const SLOT_ID = time.slotId('14:00');
const SLOT_START = `${time.day}T14:00:00.000Z`;
const SLOT_END = `${time.day}T14:30:00.000Z`;
/** The gate opens 30 minutes before the slot (the demo terminal's grace). */
const WINDOW_START = `${time.day}T13:30:00.000Z`;

/** "HH:MM" of an instant on a 24-hour clock in `timeZone`. */
const hhmm = (iso: string, timeZone: string) =>
  new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(
    new Date(iso),
  );

const terminal = { start: hhmm(SLOT_START, TERMINAL_ZONE), end: hhmm(SLOT_END, TERMINAL_ZONE) };
const viewer = { start: hhmm(SLOT_START, VIEWER_ZONE), end: hhmm(SLOT_END, VIEWER_ZONE) };
const ZONE_NAMED = `terminal time, ${TERMINAL_ZONE}`;

describeBrowser(
  'one clock: a slot reads the same on every screen, whatever the viewer’s zone (issue 14)',
  () => {
    let people: Record<string, Person>;
    let visitRef: string;
    let pass = '';
    const open: { context: BrowserContext }[] = [];
    let shots = 0;
    const shot = (page: Page, screen: string) =>
      screenshot(page, `one-clock-${String(++shots).padStart(2, '0')}-${screen}`);
    const suite = consoleSuite({ server: { clock: time.clock }, setup, timeout: 120_000 });

    async function setup({ server }: ConsoleSuite): Promise<void> {
      await addJourneyOrganisations(server);
      people = await addCast(server, [
        ['clock.line', 'Lena Line', orgs.line.orgId, 'release_desk'],
        ['clock.planner', 'Hugo Planner', orgs.haulier.orgId, 'haulier_planner'],
        ['clock.driver', 'Dirk Driver', orgs.haulier.orgId, 'driver'],
        ['clock.clerk', 'Gina Clerk', orgs.nqt.orgId, 'gate_clerk'],
      ]);
      visitRef = await boxInYard(server, BOX, { block: 'C', bay: 3, row: 1, tier: 1 });
      await issueRelease(server, people['clock.line']!, visitRef, orgs.haulier.orgId);
      const accepted = await callAs(
        server,
        'clock.planner',
        'POST',
        `/v1/visits/${visitRef}/release/offers/accept`,
      );
      expect(accepted.status).toBe(200);
      const driver = await callAs(server, 'clock.planner', 'POST', '/v1/drivers', {
        name: 'Dirk Driver',
        badge: BADGE,
        licence: 'B-7400001',
        phone: '+32 470 74 00 01',
        userId: 'clock.driver',
      });
      expect(driver.status).toBe(201);
    }

    afterAll(async () => {
      for (const { context } of open) await context.close().catch(() => undefined);
    });

    /** A page of `userId` in a browser set to New York's zone, its clock the server's. */
    async function inNewYork(
      userId: string,
      viewport = { width: 1280, height: 900 },
    ): Promise<{ page: Page; problems: PageProblems }> {
      const context = await suite.browser.newContext({ viewport, timezoneId: VIEWER_ZONE, locale: 'en-GB' });
      await context.clock.install({ time: time.clock.now() });
      await addSessionCookie(context, suite.server, userId);
      const page = await context.newPage();
      open.push({ context });
      return { page, problems: collectPageProblems(page) };
    }

    /** The terminal's times and zone are on the screen, and the viewer's own times of the slot are not. */
    function expectTerminalTime(text: string | null, times: readonly string[]) {
      for (const t of times) expect(text).toContain(t);
      expect(text).toContain(ZONE_NAMED);
      expect(text).not.toContain(`${viewer.start}–${viewer.end}`);
    }

    it('the browser and the terminal are in different zones, and the slot differs between them', () => {
      expect(terminal.start).not.toBe(viewer.start);
    });

    it('the slot picker offers the slot in terminal time, and the planner books it', async () => {
      const { page, problems } = await inNewYork('clock.planner');
      await page.goto(`${suite.server.baseUrl}/releases`);
      await page.getByRole('button', { name: `Book the pickup of ${BOX}` }).click({ timeout: 15_000 });
      await chooseDriver(page, BADGE);
      await page.getByLabel('Truck plate').fill(PLATE);
      await page.getByLabel('Day').fill(time.day);
      const slot = page.locator(`input[name="slot"][value="${SLOT_ID}"]`);
      await slot.waitFor({ timeout: 15_000 });
      expect(await page.locator('.slot-picker legend').textContent()).toContain(ZONE_NAMED);
      expect(await slot.locator('xpath=..').locator('.slot-time').textContent()).toBe(
        `${terminal.start}–${terminal.end}`,
      );
      await slot.check();
      await shot(page, 'slot-picker');
      await page.getByRole('button', { name: 'Book pickup', exact: true }).click();
      await page.getByText('Booking done.').waitFor({ timeout: 15_000 });
      expect(problems.unexpected()).toEqual([]);
    }, 90_000);

    it('My jobs and the pass show the slot and the gate window in terminal time', async () => {
      const { page } = await inNewYork('clock.driver', { width: 390, height: 844 });
      await page.goto(`${suite.server.baseUrl}/me/jobs`);
      await page.getByRole('heading', { level: 1, name: 'My jobs' }).waitFor({ timeout: 15_000 });
      // The phone is set up here and confirmed by the planner with the code it shows.
      await page.getByLabel('Name of this phone').fill("Dirk's phone");
      await page.getByRole('button', { name: 'Set up this phone for pickup passes' }).click();
      const code = await phoneCodeOnScreen(page);
      const pending = await callAs(suite.server, 'clock.planner', 'GET', '/v1/drivers/devices');
      const device = (pending.body.items as { deviceId: string }[])[0]!;
      const confirmed = await callAs(
        suite.server,
        'clock.planner',
        'POST',
        `/v1/drivers/devices/${encodeURIComponent(device.deviceId)}/confirm`,
        { code },
      );
      expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
      await page.getByRole('button', { name: 'Check again' }).click();
      await page.getByText('This phone shows your pickup passes').waitFor({ timeout: 15_000 });

      const job = page.getByRole('article').filter({ has: page.getByRole('heading', { name: BOX }) });
      expectTerminalTime(await job.getByTestId('job-slot').textContent(), [
        `${terminal.start}–${terminal.end}`,
      ]);
      expect(await job.getByTestId('job-window').textContent()).toContain(hhmm(WINDOW_START, TERMINAL_ZONE));
      await shot(page, 'my-jobs');

      await page.getByRole('button', { name: `Show the pickup pass for ${BOX}` }).click();
      const dialog = page.getByRole('dialog', { name: 'Pickup pass' });
      await dialog.waitFor();
      expectTerminalTime(await dialog.getByTestId('pass-slot').textContent(), [
        `${terminal.start}–${terminal.end}`,
      ]);
      expect(await dialog.getByTestId('pass-window').textContent()).toContain(
        hhmm(WINDOW_START, TERMINAL_ZONE),
      );
      const text = dialog.getByTestId('pickup-pass-text');
      await expect.poll(async () => (await text.textContent()) ?? '').toMatch(/^plp1\./);
      pass = ((await text.textContent()) ?? '').trim();
      await shot(page, 'pass');
    }, 90_000);

    it('the container page shows the same slot in terminal time', async () => {
      const { page, problems } = await inNewYork('clock.clerk');
      await page.goto(`${suite.server.baseUrl}/visits/${encodeURIComponent(visitRef)}`);
      const slot = page.getByTestId('appointment-slot');
      await slot.waitFor({ timeout: 15_000 });
      expectTerminalTime(await slot.textContent(), [`${terminal.start}–${terminal.end}`]);
      expect(await page.getByTestId('appointment-window').textContent()).toContain(
        hhmm(WINDOW_START, TERMINAL_ZONE),
      );
      await shot(page, 'container-page');
      expect(problems.unexpected()).toEqual([]);
    }, 60_000);

    it('the gate kiosk, shown the pass early, says when the gate opens on the terminal’s clock', async () => {
      expect(pass).toMatch(/^plp1\./);
      const { page } = await inNewYork('clock.clerk', { width: 768, height: 1024 });
      await page.goto(`${suite.server.baseUrl}/gate`);
      await page.getByLabel('Pickup pass').fill(pass);
      await page.getByLabel('Badge number').fill(BADGE);
      await page.getByLabel('Truck plate').fill(PLATE);
      await page.getByRole('button', { name: 'Check and release' }).click();
      await page.getByRole('heading', { level: 2, name: /Refused/ }).waitFor({ timeout: 15_000 });
      const why = await page
        .locator('.check-failed')
        .filter({ hasText: 'Inside the slot window' })
        .textContent();
      expect(why).toContain(hhmm(WINDOW_START, TERMINAL_ZONE));
      expect(why).toContain(TERMINAL_ZONE);
      expect(why).not.toContain(hhmm(WINDOW_START, VIEWER_ZONE));
      await shot(page, 'kiosk');
    }, 60_000);
  },
);
