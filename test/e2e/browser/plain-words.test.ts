/**
 * Issue 14, plain words: a person of every role of the demo port signs in and visits every page of the console their
 * menu offers (and the container page of a box they may see), in English and in Dutch, and no visible text reads
 * like a code: `foo.bar_baz`, `snake_case_words` or a CamelCase event type (web/src/i18n/raw-code.ts says what a
 * code looks like). Code-like things that people do read as such are exempt: what sits in `code`, `pre`, `kbd` or
 * `samp` (hashes, keys, ids), and the raw event one click away in the history.
 *
 * The port holds something of everything the pages list: boxes in the yard with holds, a release chain in flight, a
 * booking with a driver and his phone waiting for confirmation, a gate refusal and its alert, a void request
 * waiting for approval. Dutch is reached the way a Flemish browser reaches it, by its language (`nl-BE`), and the
 * header's switch is checked to change the page at once and set `<html lang>`.
 * Screenshots: `plain-words-<lang>-<role>-<page>.png`.
 */
import type { Page } from 'playwright-core';
import { afterAll, expect, it } from 'vitest';
import { rawCodesIn } from '../../../web/src/i18n/raw-code.js';
import { collectPageProblems, screenshot } from '../../support/browser.js';
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
import { newPhoneKey } from '../../support/pickup.js';

const time = tomorrowMorning();
const HELD = containerNumber('MSCU', 750_001);
const OFFERED = containerNumber('MSCU', 750_002);
const BOOKED = containerNumber('MSCU', 750_003);
const BADGE = 'ANR-750001';
const PLATE = '1-PLW-750';

/** One person of each role of the demo port (the demo's roles, in the journeys' organisations). */
const CAST = [
  ['words-gate', 'Gina Gate', orgs.nqt.orgId, 'gate_clerk'],
  ['words-yard', 'Yannick Yard', orgs.nqt.orgId, 'yard_planner'],
  ['words-straddle', 'Eddy Straddle', orgs.nqt.orgId, 'equipment_operator'],
  ['words-super', 'Sofie Supervisor', orgs.nqt.orgId, 'terminal_supervisor'],
  ['words-line', 'Lena Line', orgs.line.orgId, 'release_desk'],
  ['words-fwd', 'Frank Forwarder', orgs.forwarder.orgId, 'release_desk'],
  ['words-haulier', 'Hanne Haulier', orgs.haulier.orgId, 'haulier_planner'],
  ['words-driver', 'Dirk Driver', orgs.haulier.orgId, 'driver'],
  ['words-customs', 'Cora Customs', orgs.customs.orgId, 'customs_officer'],
  ['words-police', 'Ivan Investigator', orgs.police.orgId, 'investigator'],
  ['words-admin', 'Adam Admin', orgs.admin.orgId, 'administrator'],
] as const;

/** Visible text of the page, element by element, outside the views of raw things. Runs in the page. */
function visibleTexts(): { text: string; where: string }[] {
  const RAW = 'code, pre, kbd, samp, [data-raw-event], script, style, noscript, textarea';
  const out: { text: string; where: string }[] = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent?.trim() ?? '';
    const element = node.parentElement;
    if (!text || !element || element.closest(RAW)) continue;
    if (!element.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) continue;
    const where = `${element.tagName.toLowerCase()}${element.className ? `.${String(element.className).split(' ')[0]}` : ''}`;
    out.push({ text, where });
  }
  // What a select shows is its chosen option, and its options when opened: people read those too.
  for (const option of document.querySelectorAll('select option')) {
    const text = option.textContent?.trim() ?? '';
    if (text) out.push({ text, where: 'option' });
  }
  return out;
}

describeBrowser('plain words on every page, in English and in Dutch (issue 14)', () => {
  let people: Record<string, Person>;
  const refs: Record<string, string> = {};
  const suite = consoleSuite({ server: { clock: time.clock }, setup, timeout: 180_000 });

  async function setup({ server }: ConsoleSuite): Promise<void> {
    await addJourneyOrganisations(server);
    people = await addCast(server, CAST);
    refs.held = await boxInYard(server, HELD, { block: 'A', bay: 1, row: 1, tier: 1 });
    refs.offered = await boxInYard(server, OFFERED, { block: 'A', bay: 3, row: 1, tier: 1 });
    refs.booked = await boxInYard(server, BOOKED, { block: 'A', bay: 5, row: 1, tier: 1 });
    const ok = (what: string, response: { status: number; body: unknown }) =>
      expect(response.status, `${what}: ${JSON.stringify(response.body)}`).toBeLessThan(300);

    // A customs hold, a release offered to the forwarder, and one the haulier holds and booked.
    ok(
      'hold',
      await callAs(server, 'words-customs', 'POST', `/v1/visits/${refs.held}/holds`, {
        kind: 'customs',
        reason: 'Selected for scan',
        reference: 'CUS-750',
      }),
    );
    await issueRelease(server, people['words-line']!, refs.offered, orgs.forwarder.orgId);
    await issueRelease(server, people['words-line']!, refs.booked, orgs.haulier.orgId);
    ok(
      'accept',
      await callAs(server, 'words-haulier', 'POST', `/v1/visits/${refs.booked}/release/offers/accept`),
    );
    ok(
      'driver',
      await callAs(server, 'words-haulier', 'POST', '/v1/drivers', {
        name: 'Dirk Driver',
        badge: BADGE,
        licence: 'B-7500001',
        phone: '+32 470 75 00 01',
        userId: 'words-driver',
      }),
    );
    const booking = await callAs(server, 'words-haulier', 'POST', `/v1/visits/${refs.booked}/appointment`, {
      slotId: time.slotId('14:00'),
      badge: BADGE,
      truckPlate: PLATE,
    });
    ok('booking', booking);
    // The driver's phone waits for his planner; a printed pass tried at the gate is refused and raises an alert.
    ok(
      'phone',
      await callAs(server, 'words-driver', 'POST', '/v1/me/devices', {
        publicKey: newPhoneKey().publicKey,
        label: "Dirk's phone",
      }),
    );
    const printed = (booking.body.credential as { token?: string } | null)?.token ?? 'plc1.x';
    const refused = await callAs(server, 'words-gate', 'POST', '/v1/gate/transactions', {
      credential: printed,
      badge: 'ANR-999999',
      truckPlate: PLATE,
    });
    ok('gate', refused);
    // A supervisor asks to void the gate-in of the held box: it waits in the Approvals inbox.
    ok(
      'void',
      await callAs(server, 'words-super', 'POST', `/v1/visits/${refs.held}/void-requests`, {
        voidedVersion: 2,
        reason: 'Gated in twice by mistake',
      }),
    );
  }

  afterAll(() => undefined);

  it('the check itself finds codes in visible text, and only there', async () => {
    const context = await suite.browser.newContext();
    const page = await context.newPage();
    try {
      await page.setContent(`<!doctype html><html><body>
        <p>Status: in_yard</p><p>Checks: credential.unused, lights.green</p><p>VisitAnnounced at 06:00</p>
        <p>Sign in to PortLedger, e.g. with a passkey</p>
        <code>visit.read</code><pre>ContainerMoved</pre>
        <details data-raw-event><summary>Raw event</summary><pre>{"type":"HoldPlaced"}</pre></details>
        <p hidden>not_shown</p>
      </body></html>`);
      const codes = (await page.evaluate(visibleTexts)).flatMap(({ text }) => rawCodesIn(text));
      expect(codes).toEqual(['in_yard', 'credential.unused', 'lights.green', 'VisitAnnounced']);
    } finally {
      await context.close();
    }
  });

  /** The pages a person's menu offers, and the container page of each box they may see. */
  async function pagesOf(page: Page): Promise<string[]> {
    const links = await page
      .getByRole('navigation', { name: /Main|Hoofdmenu/ })
      .getByRole('link')
      .all();
    const paths: string[] = [];
    for (const link of links)
      paths.push(new URL((await link.getAttribute('href')) ?? '/', 'http://x').pathname);
    return [
      ...paths,
      `/visits/${encodeURIComponent(refs.held!)}`,
      `/visits/${encodeURIComponent(refs.booked!)}`,
    ];
  }

  async function settled(page: Page): Promise<void> {
    await page.getByRole('heading', { level: 1 }).first().waitFor({ timeout: 15_000 });
    await page
      .locator('[aria-busy="true"], .loading')
      .first()
      .waitFor({ state: 'detached', timeout: 15_000 })
      .catch(() => undefined);
    // Proofs and lazy cards settle a moment after the page's own data.
    await page.waitForTimeout(300);
  }

  for (const [lang, locale] of [
    ['en', 'en-GB'],
    ['nl', 'nl-BE'],
  ] as const) {
    it.each(CAST.map(([userId, , , role]) => ({ userId, role })))(
      `${lang}: $role reads no code on any page`,
      async ({ userId, role }) => {
        const context = await suite.browser.newContext({ viewport: { width: 1280, height: 900 }, locale });
        await context.clock.install({ time: time.clock.now() });
        await addSessionCookie(context, suite.server, userId);
        const page = await context.newPage();
        const problems = collectPageProblems(page);
        const found: string[] = [];
        try {
          await page.goto(`${suite.server.baseUrl}/`);
          await settled(page);
          expect(await page.evaluate(() => document.documentElement.lang)).toBe(lang);
          for (const path of await pagesOf(page)) {
            await page.goto(`${suite.server.baseUrl}${path}`);
            await settled(page);
            for (const { text, where } of await page.evaluate(visibleTexts)) {
              const codes = rawCodesIn(text);
              if (codes.length > 0)
                found.push(`${path} ${where}: ${codes.join(', ')} in “${text.slice(0, 120)}”`);
            }
            await screenshot(page, `plain-words-${lang}-${role}-${path.split('/')[1] || 'home'}`);
          }
          expect(found).toEqual([]);
          expect(problems.all.filter((problem) => problem.kind === 'pageerror')).toEqual([]);
        } finally {
          await context.close();
        }
      },
      120_000,
    );
  }

  it('the header switch changes the language at once, remembers it, and sets <html lang>', async () => {
    const context = await suite.browser.newContext({
      viewport: { width: 1280, height: 900 },
      locale: 'en-GB',
    });
    await addSessionCookie(context, suite.server, 'words-super');
    const page = await context.newPage();
    try {
      await page.goto(`${suite.server.baseUrl}/alerts`);
      await page.getByRole('heading', { level: 1, name: 'Alerts' }).waitFor({ timeout: 15_000 });
      await page.getByRole('combobox', { name: 'Language' }).selectOption('nl');
      await page.getByRole('heading', { level: 1, name: 'Alarmen' }).waitFor();
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('nl');
      await page.reload();
      await page.getByRole('heading', { level: 1, name: 'Alarmen' }).waitFor({ timeout: 15_000 });
      await page.getByRole('combobox', { name: 'Taal' }).selectOption('en');
      await page.getByRole('heading', { level: 1, name: 'Alerts' }).waitFor();
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    } finally {
      await context.close();
    }
  }, 60_000);
});
