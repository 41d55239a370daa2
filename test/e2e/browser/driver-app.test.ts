/**
 * Issue 14, the driver: "My jobs shows the pass full screen, with its time window in terminal time and a large,
 * low-density QR code. It works as an installable web app on a phone." In Chromium against the real server:
 *
 * - the console at My jobs has no installability errors (CDP `Page.getInstallabilityErrors`): its manifest opens My
 *   jobs standalone with 192 and 512 px icons, its service worker controls the page, and the server serves both with
 *   their own content types under a Content-Security-Policy that allows them; the worker never answers an API call
 *   from its cache, and the kept shell loads without a network;
 * - on a phone, the pass fills the screen as a modal dialog, with the QR code most of the screen's width, the gate
 *   window in the terminal's time with its zone named, and the console behind it inert; Escape closes it.
 *
 * The phone's key is made in the browser (the pass is signed there); the planner confirms it over the API (SETUP:
 * rotating-pass.test.ts walks through the confirmation in the console). Screenshots: `driver-app-<nn>-<screen>.png`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, expect, it } from 'vitest';
import { changeAppointment, pickupDepsFor, registerDriver } from '../../../src/app/appointments/index.js';
import { auditPage } from '../../support/a11y.js';
import { chromiumPath, screenshot } from '../../support/browser.js';
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
  gotoAndWait,
  issueRelease,
  orgs,
  tomorrowMorning,
} from '../../support/journeys.js';
import { testSlots } from '../../support/ledger.js';
import { phoneCodeOnScreen } from '../../support/phone.js';

const time = tomorrowMorning();
const BOX = containerNumber('MSCU', 790_001);
const BADGE = 'ANR-790001';
const PLATE = '1-APP-790';
const PHONE = { width: 390, height: 844 };

describeBrowser('the driver’s pass as an installable app (issue 14)', () => {
  let zone = '';
  let shots = 0;
  const contexts: BrowserContext[] = [];
  const shot = (page: Page, screen: string) =>
    screenshot(page, `driver-app-${String(++shots).padStart(2, '0')}-${screen}`);
  const suite = consoleSuite({ server: { clock: time.clock }, setup, timeout: 180_000 });

  async function setup({ server }: ConsoleSuite): Promise<void> {
    await addJourneyOrganisations(server);
    const people = await addCast(server, [
      ['app.line', 'Lena Line', orgs.line.orgId, 'release_desk'],
      ['app.planner', 'Hugo Planner', orgs.haulier.orgId, 'haulier_planner'],
      ['app.driver', 'Dirk Driver', orgs.haulier.orgId, 'driver'],
    ]);
    const visitRef = await boxInYard(server, BOX, { block: 'C', bay: 1, row: 1, tier: 1 });
    await issueRelease(server, people['app.line']!, visitRef, orgs.haulier.orgId);
    const accepted = await callAs(
      server,
      'app.planner',
      'POST',
      `/v1/visits/${visitRef}/release/offers/accept`,
    );
    expect(accepted.status).toBe(200);
    const ledger = server.fixture.ledger;
    const deps = { ledger, sealer: server.auth.security.sealer };
    const planner = { orgId: orgs.haulier.orgId, userId: 'app.planner' };
    await registerDriver(
      deps,
      planner,
      { name: 'Dirk Driver', badge: BADGE, licence: 'B-7900001', phone: '+32 470 79 00 01' },
      { userId: 'app.driver' },
    );
    await changeAppointment(
      { ...deps, pickup: pickupDepsFor({ signer: ledger.log.signer, slots: testSlots }) },
      planner,
      visitRef,
      { type: 'book', slotId: time.slotId('10:00'), badge: BADGE, truckPlate: PLATE },
    );
  }

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
  });

  /** Opens My jobs as the driver in `context`, on the server's time. */
  async function openJobs(context: BrowserContext) {
    await context.clock.install({ time: time.clock.now() });
    await addSessionCookie(context, suite.server, 'app.driver', { method: 'password_totp', stepUp: false });
    const page = context.pages()[0] ?? (await context.newPage());
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    await gotoAndWait(
      page,
      `${suite.server.baseUrl}/me/jobs`,
      page.getByRole('heading', { level: 1, name: 'My jobs' }),
    );
    return { context, page, errors };
  }

  async function phonePage() {
    const context = await suite.browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true });
    contexts.push(context);
    return openJobs(context);
  }

  it('serves the manifest and the service worker with their content types, allowed by the page’s CSP', async () => {
    const { app } = suite.server;
    const manifest = await app.inject({ method: 'GET', url: '/manifest.webmanifest' });
    expect(manifest.statusCode).toBe(200);
    expect(manifest.headers['content-type']).toMatch(/^application\/manifest\+json/);
    expect(manifest.headers['cache-control']).toBe('no-cache');
    const body = manifest.json() as {
      start_url: string;
      display: string;
      icons: { src: string; sizes: string }[];
    };
    expect(body.start_url).toBe('/me/jobs');
    expect(body.display).toBe('standalone');
    expect(body.icons.map((icon) => icon.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
    for (const icon of body.icons) {
      const png = await app.inject({ method: 'GET', url: icon.src });
      expect(png.statusCode, icon.src).toBe(200);
      expect(png.headers['content-type'], icon.src).toBe('image/png');
    }
    const worker = await app.inject({ method: 'GET', url: '/sw.js' });
    expect(worker.statusCode).toBe(200);
    expect(worker.headers['content-type']).toMatch(/javascript/);
    expect(worker.headers['cache-control']).toBe('no-cache');
    const page = await app.inject({ method: 'GET', url: '/me/jobs', headers: { accept: 'text/html' } });
    expect(page.body).toContain('<link rel="manifest" href="/manifest.webmanifest"');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("manifest-src 'self'");
    expect(csp).toContain("worker-src 'self'");
  });

  it('My jobs is installable: no installability errors, a worker in control, no API answer kept', async () => {
    // Chromium never offers to install from an incognito profile, which every `newContext` is: a profile on disk.
    const profile = mkdtempSync(join(tmpdir(), 'portledger-driver-app-'));
    const persistent = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath,
      headless: true,
      viewport: { width: 1280, height: 800 },
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
    try {
      await installable(persistent);
    } finally {
      await persistent.close();
      rmSync(profile, { recursive: true, force: true });
    }
  }, 90_000);

  async function installable(persistent: BrowserContext): Promise<void> {
    const { context, page, errors } = await openJobs(persistent);
    // The worker installs and takes control of the page without a reload (clients.claim).
    await expect
      .poll(() => page.evaluate(() => navigator.serviceWorker.controller?.scriptURL ?? ''), {
        timeout: 15_000,
      })
      .toBe(`${suite.server.baseUrl}/sw.js`);
    const cdp = await context.newCDPSession(page);
    const manifest = await cdp.send('Page.getAppManifest', {});
    expect(manifest.url).toBe(`${suite.server.baseUrl}/manifest.webmanifest`);
    expect(manifest.errors).toEqual([]);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    expect(installabilityErrors).toEqual([]);
    // The jobs are fetched again (through the worker) and never land in its cache.
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.getByRole('region', { name: 'Your jobs' }).getByRole('article').first().waitFor();
    const kept = await page.evaluate(async () => {
      const urls: string[] = [];
      for (const name of await caches.keys())
        for (const request of await (await caches.open(name)).keys())
          urls.push(new URL(request.url).pathname);
      return urls;
    });
    expect(kept).toContain('/');
    expect(kept).toContain('/manifest.webmanifest');
    expect(kept.some((path) => path.startsWith('/assets/'))).toBe(true);
    expect(kept.filter((path) => path.startsWith('/v1'))).toEqual([]);
    // Without a network the installed app still starts: the kept shell loads and says what it cannot reach.
    await context.setOffline(true);
    await page.reload();
    // The console itself ran (its script came from the worker's cache) and says the server cannot be reached.
    await page.getByRole('heading', { level: 1 }).first().waitFor({ timeout: 15_000 });
    expect(await page.title()).toBe('PortLedger is not available · PortLedger');
    await shot(page, 'offline-shell');
    await context.setOffline(false);
    expect(errors).toEqual([]);
  }

  it('on a phone, the pass fills the screen: a large QR code and the gate window in terminal time', async () => {
    const { page, errors } = await phonePage();
    // SETUP: the phone makes its key here, and the planner confirms it with the code the phone shows.
    await page.getByLabel('Name of this phone').fill("Dirk's phone");
    await page.getByRole('button', { name: 'Set up this phone for pickup passes' }).click();
    const code = await phoneCodeOnScreen(page);
    const devices = await callAs(suite.server, 'app.driver', 'GET', '/v1/me/devices');
    const device = (devices.body.items as { deviceId: string; status: string }[]).find(
      (candidate) => candidate.status === 'pending',
    );
    const confirmed = await callAs(
      suite.server,
      'app.planner',
      'POST',
      `/v1/drivers/devices/${encodeURIComponent(device?.deviceId ?? '')}/confirm`,
      { code },
    );
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    await page.getByRole('button', { name: 'Check again' }).click();
    await page.getByText('This phone shows your pickup passes').waitFor({ timeout: 15_000 });
    const jobs = await callAs(suite.server, 'app.driver', 'GET', '/v1/me/jobs');
    zone =
      (jobs.body.jobs as { pass: { terminalTimeZone: string } | null }[])[0]?.pass?.terminalTimeZone ?? '';
    expect(zone).not.toBe('');

    await page.getByRole('button', { name: `Show the pickup pass for ${BOX}` }).click();
    const dialog = page.getByRole('dialog', { name: 'Pickup pass' });
    await dialog.waitFor();
    const qr = dialog.getByRole('img', { name: `Pickup pass QR code for ${BOX}` });
    await qr.waitFor();
    await page.getByTestId('pickup-pass-text').waitFor();
    // The overlay covers the whole viewport, and the code most of the phone's width.
    const cover = await dialog.boundingBox();
    expect(cover).toMatchObject({ x: 0, y: 0, width: PHONE.width, height: PHONE.height });
    const box = await qr.boundingBox();
    expect(box?.width ?? 0).toBeGreaterThanOrEqual(PHONE.width * 0.8);
    expect(box?.width).toBe(box?.height);
    // The QR code and the gate window both in view without scrolling.
    const window = dialog.getByTestId('pass-window');
    const windowBox = await window.boundingBox();
    expect((windowBox?.y ?? PHONE.height) + (windowBox?.height ?? 0)).toBeLessThanOrEqual(PHONE.height);
    const windowText = (await window.textContent()) ?? '';
    expect(windowText).toMatch(/^Gate open \d{1,2}:\d{2}( [AP]M)?–\d{1,2}:\d{2}/);
    expect(windowText).toContain(`(terminal time, ${zone})`);
    // The console behind the pass can be neither reached nor read out.
    expect(await page.evaluate(() => document.getElementById('root')?.inert)).toBe(true);
    await shot(page, 'phone-pass');
    // The screen held up at the gate meets the WCAG 2.1 AA basics every screen does.
    const findings = await auditPage(page);
    expect(findings, JSON.stringify(findings, null, 2)).toEqual([]);

    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await page.evaluate(() => document.getElementById('root')?.inert)).toBe(false);
    await page.getByRole('heading', { level: 1, name: 'My jobs' }).waitFor();
    expect(errors).toEqual([]);
  }, 90_000);
});
