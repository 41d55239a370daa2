/**
 * Issue 14: the README's "A five-minute tour", automated step by step in Chromium, once in English and once in Dutch.
 *
 * The demo starts as `portledger demo` starts it (test/support/demo-server.ts: the demo's own seeding of a fresh SQLite
 * file, its printed enrolment links and `demo-secrets.json`), on a clock of 10:50 in Antwerp tomorrow so that a slot
 * is under way whatever the hour the test runs; the live simulator is off, so that nothing else moves the box the tour
 * follows. Each person opens the link the demo printed for them, registers a passkey (a CDP virtual authenticator),
 * reads the confirmation code from the enrolment page, which the operator confirms as the printed `portledger
 * enrolment confirm` line does, and signs in; Dirk signs in on his phone with the printed password and code.
 *
 * The Dutch run switches each person's console to Nederlands with the header's language switch, as a person would;
 * every name the test looks for (menu entries, buttons, headings, sentences) is read from the console's locale
 * files, never typed in Dutch here. Screenshots: `test-results/readme-tour/<lang>/<nn>-<step>.png`.
 *
 * Step 7 (the drill) is not walked here: `portledger drill` has its own end-to-end test (test/e2e/drill.test.ts).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import i18next, { type TFunction } from 'i18next';
import { TOTP } from 'otpauth';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { VisitRecord } from '../../../src/app/ports.js';
import type { DemoPickup } from '../../../src/demo/demo-cargo.js';
import {
  addVirtualAuthenticator,
  chooseInPicker,
  collectPageProblems,
  ensureConsoleBuilt,
  launchBrowser,
  type PageProblems,
} from '../../support/browser.js';
import { describeBrowser } from '../../support/console-session.js';
import { type DemoServer, startDemoServer } from '../../support/demo-server.js';
import { confirmEnrolment } from '../../support/enrolment.js';
import { tomorrowMorning } from '../../support/journeys.js';
import { mintSession } from '../../support/sessions.js';

const projectRoot = resolve(import.meta.dirname, '..', '..', '..');
const localesDir = resolve(projectRoot, 'web', 'src', 'i18n', 'locales');

/** The console's own catalogue, read from its locale files, for one language. */
async function catalogue(
  language: 'en' | 'nl',
): Promise<{ t: TFunction; template: (key: string) => string }> {
  const load = (lang: string) =>
    Object.fromEntries(
      readdirSync(join(localesDir, lang)).map((file) => [
        file.replace(/\.json$/, ''),
        JSON.parse(readFileSync(join(localesDir, lang, file), 'utf8')),
      ]),
    );
  const instance = i18next.createInstance();
  await instance.init({
    resources: { en: load('en'), nl: load('nl') },
    lng: language,
    fallbackLng: 'en',
    defaultNS: 'common',
    interpolation: { escapeValue: false },
    initAsync: false,
  });
  /** A sentence as the catalogue holds it, its `{{placeholders}}` unfilled. */
  const template = (key: string) => {
    const [ns, path] = key.split(':') as [string, string];
    const found = instance.getResource(language, ns, path) ?? instance.getResource('en', ns, path);
    if (typeof found !== 'string') throw new Error(`no ${key} in the ${language} catalogue`);
    return found;
  };
  return { t: instance.t, template };
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A phone-sized screen (a 6.1-inch phone in CSS pixels). */
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
const DIRK_BADGE = 'ANR-DEMO-0001';
const DIRK_TRUCK = '1-DLT-001';

/** The counter of a `plp1.<credentialId>.<counter>.<signature>` pass. */
const counterOf = (pass: string) => Number(pass.split('.').at(-2));
const stepOf = (ms: number) => Math.floor(ms / 30_000);

for (const language of ['en', 'nl'] as const) {
  describeBrowser(
    `the README tour, steps 1 to 6, in ${language === 'en' ? 'English' : 'Dutch'} (issue 14; step 7, the drill, has its own test)`,
    () => {
      const time = tomorrowMorning();
      let t: TFunction;
      /** `key`'s sentence as a pattern: the placeholders not given in `known` match anything. */
      let template: (key: string) => string;
      /** `key`'s sentence as a pattern: the placeholders given in `known` filled in, the others matching anything. */
      const tRe = (key: string, known: Record<string, string> = {}) =>
        new RegExp(
          template(key)
            .split(/(\{\{[^}]+\}\})/)
            .map((part) => {
              const name = /^\{\{\s*([^}\s]+)\s*\}\}$/.exec(part)?.[1];
              if (name === undefined) return escapeRegExp(part);
              return name in known ? escapeRegExp(known[name]!) : '.+?';
            })
            .join(''),
        );
      let demo: DemoServer;
      let browser: Browser;
      const open: { context: BrowserContext; problems: PageProblems }[] = [];
      let shots = 0;
      const shotDir = resolve(projectRoot, 'test-results', 'readme-tour', language);
      const shot = async (page: Page, step: string) => {
        mkdirSync(shotDir, { recursive: true });
        const name = `${String(++shots).padStart(2, '0')}-${step}.png`;
        await page.screenshot({ path: join(shotDir, name), fullPage: true, animations: 'disabled' });
      };

      /** The box the tour follows: an MSCU import in the yard, released by nobody yet, on no hold. */
      let box: VisitRecord;
      /** An MSCU box that came in by truck, with the plate it came on. */
      let truckBox: { number: string; plate: string };
      /** Another line's box: Lena's search for it answers as a search for no box. */
      let otherLine: string;
      /** A printed credential from `demo-secrets.json`: one of Dirk's own pickups, booked by the demo. */
      let copied: DemoPickup;
      const serial = () => box.containerNumber.slice(4, 10);

      beforeAll(async () => {
        ({ t, template } = await catalogue(language));
        // This run's screenshots only: numbering starts again at 01.
        rmSync(shotDir, { recursive: true, force: true });
        await ensureConsoleBuilt();
        demo = await startDemoServer({ clock: time.clock });
        browser = await launchBrowser();
        const store = demo.system.store;
        const inYard = await store.listVisits({ status: 'in_yard', terminal: 'T1', limit: 5000 });
        for (const visit of inYard) {
          const v = view(visit);
          if (
            !box &&
            v.line === 'MSCU' &&
            typeof v.transportDocumentReference === 'string' &&
            v.onHold === false &&
            !(await store.releases.getRelease(visit.visitRef))
          )
            box = visit;
          if (!otherLine && v.line === 'MAEU') otherLine = visit.containerNumber;
          if (!truckBox && v.line === 'MSCU' && (v.arrival as { mode?: string }).mode === 'truck') {
            const gatedIn = (await store.readStream(`visit-${visit.visitRef}`)).find(
              (event) => event.type === 'ContainerGatedIn',
            );
            const plate = (gatedIn?.data as { truckPlate?: string } | undefined)?.truckPlate;
            if (plate) truckBox = { number: visit.containerNumber, plate };
          }
        }
        expect(box, 'an MSCU import in the yard without a release').toBeDefined();
        expect(truckBox, 'an MSCU box that came by truck').toBeDefined();
        // One of Dirk's own pickups: its printed copy is refused at the gate, and once its box is frozen, so is
        // Dirk himself with the live pass his phone shows for it.
        copied = demo.pickups.find((pickup) => pickup.driverBadge === DIRK_BADGE)!;
        expect(copied).toBeDefined();
      }, 180_000);

      afterAll(async () => {
        for (const { context } of open) await context.close().catch(() => undefined);
        await browser?.close();
        await demo?.close();
      });

      /** A fresh browser profile of one person, on the port's clock. */
      async function newProfile(viewport = DESKTOP, mobile = false) {
        const context = await browser.newContext({
          viewport,
          locale: 'en-GB',
          ...(mobile ? { isMobile: true, hasTouch: true } : {}),
        });
        await context.clock.install({ time: time.clock.now() });
        const page = await context.newPage();
        const problems = collectPageProblems(page);
        open.push({ context, problems });
        return { context, page, problems };
      }

      /** Dutch: the person chooses Nederlands in the header's switch (labelled in the language shown now). */
      async function chooseLanguage(page: Page) {
        if (language === 'en') return;
        await page.getByRole('combobox', { name: 'Language' }).selectOption('nl');
        await page.getByRole('combobox', { name: t('common:language') }).waitFor();
        expect(await page.evaluate(() => document.documentElement.lang)).toBe('nl');
      }

      /**
       * Opens the link the demo printed for `username`, registers a passkey, has the operator confirm it with the code
       * the enrolment page shows, and signs in with it.
       */
      async function signInWithPasskey(username: string, displayName: string) {
        const profile = await newProfile();
        const { page } = profile;
        await addVirtualAuthenticator(page);
        const link = demo.links.get(username);
        expect(link, `the demo printed a link for ${username}`).toBeDefined();
        await page.goto(link!);
        await page.getByRole('button', { name: 'Create my passkey' }).waitFor({ timeout: 20_000 });
        await chooseLanguage(page);
        await page.getByRole('button', { name: t('pages:enrol.create') }).click();
        await page
          .getByRole('heading', { level: 1, name: t('pages:enrol.registered') })
          .waitFor({ timeout: 15_000 });
        const code = (await page.getByRole('status', { name: t('pages:enrol.code') }).textContent())?.trim();
        expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
        // The operator at the machine: `portledger enrolment confirm --user USERNAME --code XXXX-XXXX --by-operator`.
        await confirmEnrolment(demo.system.auth, username, code);
        await page.getByRole('link', { name: linkText('pages:enrol.onceConfirmed', 'login') }).click();
        await page.getByRole('heading', { level: 1, name: t('pages:login.title') }).waitFor();
        await page.getByRole('button', { name: t('pages:login.withPasskey') }).click();
        await page
          .getByRole('heading', { level: 1, name: t('pages:home.welcome', { name: displayName }) })
          .waitFor({ timeout: 15_000 });
        return profile;
      }

      /** The text of `<tag>…</tag>` in a sentence of the catalogue. */
      function linkText(key: string, tag: string): string {
        const sentence = String(t(key));
        return new RegExp(`<${tag}>(.*?)</${tag}>`).exec(sentence)?.[1] ?? sentence;
      }

      /** The menu's labels, in order, without the count of what waits beside an entry. */
      async function menu(page: Page): Promise<string[]> {
        const nav = page.getByRole('navigation', { name: t('common:nav.label') });
        await menuEntry(page, 'home').waitFor();
        return nav.getByRole('link').evaluateAll((links) =>
          links.map((link) =>
            [...link.childNodes]
              .filter((node) => node.nodeType === Node.TEXT_NODE)
              .map((node) => node.textContent ?? '')
              .join('')
              .trim(),
          ),
        );
      }

      /** A menu entry by its label, also when it says how many things wait there ("Releases, 3 waiting"). */
      function menuEntry(page: Page, entry: string): Locator {
        const label = t(`common:nav.${entry}`);
        const names = [`^${escapeRegExp(label)}$`];
        // Where the console names the count in the link ("Releases, 3 waiting").
        for (const form of ['one', 'other'])
          try {
            names.push(`^${tRe(`common:nav.waiting_${form}`, { label }).source}$`);
          } catch {
            // A console without counts in its menu.
          }
        return page
          .getByRole('navigation', { name: t('common:nav.label') })
          .getByRole('link', { name: new RegExp(names.join('|')) });
      }

      async function openFromMenu(page: Page, entry: string, heading: string | RegExp) {
        await menuEntry(page, entry).click();
        await page.getByRole('heading', { level: 1, name: heading }).waitFor({ timeout: 15_000 });
      }

      /** The header's search box: type `query` as a person reads it, and press Find. */
      async function search(page: Page, query: string) {
        const form = page.getByRole('search');
        await form.getByRole('searchbox', { name: t('common:search.label') }).fill(query);
        await form.getByRole('button', { name: t('common:search.find') }).click();
      }

      async function expectContainerPage(page: Page, number: string) {
        await page
          .getByRole('heading', { level: 1, name: t('visits:page.title', { number }) })
          .waitFor({ timeout: 15_000 });
      }

      /** Runs an action behind a step-up: confirms with the passkey when the console asks, then waits for `done`. */
      async function withStepUp(page: Page, done: Locator) {
        const confirm = page.getByRole('button', { name: t('common:stepUp.confirmAndContinue') });
        await done.or(confirm).first().waitFor({ timeout: 15_000 });
        if (await confirm.isVisible()) await confirm.click();
        await done.waitFor({ timeout: 15_000 });
      }

      const people: Record<string, Awaited<ReturnType<typeof newProfile>>> = {};

      it('1. the terminal: Yannick Yard finds a box on the yard map, opens its stack and its container page, every event verified', async () => {
        const { page } = await signInWithPasskey('yard-planner', 'Yannick Yard');
        expect(await menu(page)).toContain(t('common:nav.yard'));
        await openFromMenu(page, 'yard', t('yard:page.title', { terminal: 'T1' }));
        await page.getByRole('img', { name: tRe('yard:page.canvas', { terminal: 'T1' }) }).waitFor();
        await page.getByLabel(t('yard:toolbar.find')).fill(box.containerNumber);
        await page
          .locator('#main')
          .getByRole('button', { name: t('yard:toolbar.findButton'), exact: true })
          .click();
        await page.getByText(tRe('yard:search.found', { number: box.containerNumber })).waitFor();
        const tier = page.locator('.stack-list li').filter({ hasText: box.containerNumber });
        await tier.waitFor();
        await shot(page, 'yard-map-stack');
        await tier.getByRole('link', { name: box.containerNumber }).click();
        await expectContainerPage(page, box.containerNumber);
        // The four lights with their reasons, the release chain, the history: every event verified in the browser.
        await page.getByRole('heading', { name: t('visits:chain.heading') }).waitFor();
        const history = page.getByRole('list', { name: t('visits:history.label') });
        await expect.poll(() => history.getByRole('listitem').count()).toBeGreaterThanOrEqual(2);
        const events = await history.getByRole('listitem').count();
        await expect
          .poll(() => history.getByText(t('visits:verdict.verified')).count(), { timeout: 20_000 })
          .toBe(events);
        await shot(page, 'container-verified');
      }, 90_000);

      it('2. the release chain: Lena issues the release, the forwarder offers it on, the haulier books the slot under way; Lena sees no yard and finds by every key', async () => {
        const lena = await signInWithPasskey('line-clerk', 'Lena Line');
        const { page } = lena;
        const nav = await menu(page);
        expect(nav).toContain(t('common:nav.releases'));
        expect(nav).not.toContain(t('common:nav.yard'));
        await openFromMenu(page, 'releases', t('releases:page.title'));
        const issue = page.getByRole('form', { name: t('releases:issue.heading') });
        const picker = issue.getByRole('combobox', { name: t('releases:issue.box') });
        await picker.fill(box.containerNumber.slice(4, 10));
        const option = t('releases:issue.boxOption', {
          number: box.containerNumber,
          status: t('releases:issue.statusInYard'),
        });
        await issue.getByRole('option', { name: option }).waitFor();
        await issue.getByRole('option', { name: option }).click();
        await chooseInPicker(issue, t('releases:issue.firstParty'), 'SCHF', /Scheldt Forwarding \(SCHF\)/);
        await shot(page, 'line-issue-release');
        await issue.getByRole('button', { name: t('releases:issue.submit') }).click();
        await withStepUp(
          page,
          page.getByText(tRe('releases:issue.issued', { number: box.containerNumber })).first(),
        );

        // No yard position on the container page, for the line.
        await search(page, box.containerNumber);
        await expectContainerPage(page, box.containerNumber);
        await page.getByRole('heading', { name: t('visits:chain.heading') }).waitFor();
        await page.getByText(t('visits:history.notYours')).waitFor();
        expect(await page.getByText(t('visits:summary.yardSlot'), { exact: true }).count()).toBe(0);
        expect(await page.locator('main').textContent()).not.toContain(String(view(box).slotText));
        await shot(page, 'line-container-no-position');
        // The search box: the bill of lading, the booking, the truck plate typed as it reads.
        for (const query of [`MSCUB${serial()}`, `BK-MSCU-${serial()}`]) {
          await search(page, query);
          await expectContainerPage(page, box.containerNumber);
        }
        const spoken = truckBox.plate.toLowerCase().replace(/-/g, ' ');
        await search(page, spoken);
        await expectContainerPage(page, truckBox.number);
        await search(page, otherLine);
        await page.getByText(t('search:none', { query: otherLine })).waitFor({ timeout: 15_000 });
        await shot(page, 'line-search-other-line');

        const frank = await signInWithPasskey('forwarder', 'Frank Forwarder');
        await openFromMenu(frank.page, 'releases', t('releases:page.title'));
        await frank.page
          .getByRole('button', { name: t('releases:offers.acceptLabel', { visit: box.visitRef }) })
          .click();
        await withStepUp(
          frank.page,
          frank.page.getByText(t('releases:offers.accepted', { box: box.containerNumber })),
        );
        await frank.page
          .getByRole('button', { name: t('releases:rights.offerLabel', { box: box.containerNumber }) })
          .click();
        await chooseInPicker(frank.page, t('releases:panel.offerTo'), 'DLTH', /Delta Haulage \(DLTH\)/);
        await frank.page.getByRole('button', { name: t('releases:panel.offerSubmit'), exact: true }).click();
        await withStepUp(
          frank.page,
          frank.page.getByText(tRe('releases:panel.offered', { box: box.containerNumber })),
        );
        await shot(frank.page, 'forwarder-offered-on');

        const hanne = await signInWithPasskey('haulier-planner', 'Hanne Haulier');
        people.hanne = hanne;
        await openFromMenu(hanne.page, 'releases', t('releases:page.title'));
        await hanne.page
          .getByRole('button', { name: t('releases:offers.acceptLabel', { visit: box.visitRef }) })
          .click();
        await withStepUp(
          hanne.page,
          hanne.page.getByText(t('releases:offers.accepted', { box: box.containerNumber })),
        );
        await hanne.page
          .getByRole('button', { name: t('releases:rights.bookLabel', { box: box.containerNumber }) })
          .click();
        // Its driver by badge, from the searchable picker.
        const driver = hanne.page.getByRole('combobox', { name: t('appointments:who.driver'), exact: true });
        await driver.fill(DIRK_BADGE);
        await hanne.page
          .getByRole('option', {
            name: t('appointments:who.driverOption', { name: 'Dirk Driver', badge: DIRK_BADGE }),
          })
          .click();
        await hanne.page.getByLabel(t('appointments:who.plate')).fill(DIRK_TRUCK);
        await hanne.page.getByLabel(t('appointments:when.day')).fill(time.day);
        // The slot under way: the half hour the port's clock is in now.
        const now = time.clock.now().getTime();
        const underWay = new Date(now - (now % 1_800_000)).toISOString();
        const slotId = time.slotId(underWay.slice(11, 16));
        const slot = hanne.page.locator(`input[name="slot"][value="${slotId}"]`);
        await slot.waitFor();
        expect(await slot.isEnabled()).toBe(true);
        await slot.check();
        await shot(hanne.page, 'haulier-slot-picker');
        await hanne.page.getByRole('button', { name: t('appointments:panel.book'), exact: true }).click();
        await withStepUp(
          hanne.page,
          hanne.page.getByRole('img', {
            name: t('appointments:credential.qr', { number: box.containerNumber }),
          }),
        );
        await hanne.page.getByText(tRe('appointments:credential.fallback')).waitFor();
        await shot(hanne.page, 'haulier-booked');
      }, 120_000);

      function view(visit: VisitRecord): Record<string, unknown> {
        return visit.view as unknown as Record<string, unknown>;
      }

      let pass = '';

      it('3. the driver’s phone and the gate: Dirk sets up his phone, the planner confirms it, the kiosk lets the box out once; a copied pass is refused', async () => {
        const phone = await newProfile(PHONE, true);
        people.dirk = phone;
        const { page } = phone;
        const secrets = demo.passwords.get('driver');
        expect(secrets).toBeDefined();
        await page.goto(`${demo.baseUrl}/login`);
        await page
          .getByRole('heading', { level: 1, name: 'Sign in to PortLedger' })
          .waitFor({ timeout: 20_000 });
        await chooseLanguage(page);
        await page.getByLabel(t('pages:login.username')).fill('driver');
        await page.getByLabel(t('pages:login.password'), { exact: true }).fill(secrets!.password);
        await page
          .getByLabel(t('pages:login.code'))
          .fill(
            new TOTP({ secret: secrets!.totpSecret }).generate({ timestamp: time.clock.now().getTime() }),
          );
        await page.getByRole('button', { name: t('pages:login.withPassword') }).click();
        await page
          .getByRole('heading', { level: 1, name: t('pages:home.welcome', { name: 'Dirk Driver' }) })
          .waitFor({ timeout: 15_000 });
        await openFromMenu(page, 'jobs', t('drivers:page.title'));
        await page.getByLabel(t('drivers:setUp.name')).fill("Dirk's phone");
        await page.getByRole('button', { name: t('drivers:setUp.submit') }).click();
        await page.getByText(t('drivers:phone.pending')).waitFor({ timeout: 15_000 });
        const codeOnPhone = page.getByRole('status', { name: t('drivers:phone.code') });
        await expect
          .poll(async () => ((await codeOnPhone.textContent()) ?? '').trim(), { timeout: 15_000 })
          .toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
        const code = ((await codeOnPhone.textContent()) ?? '').trim();
        await shot(page, 'driver-phone-waiting');

        // The planner types the code Dirk reads out, behind a passkey step-up (later in the day: none is recent).
        const hanne = people.hanne!;
        const session = await mintSession(demo.system.auth, 'haulier-planner', { stepUp: false });
        await hanne.context.clearCookies();
        await hanne.context.addCookies([
          {
            name: 'pl_session',
            value: session.cookie,
            url: demo.baseUrl,
            httpOnly: true,
            sameSite: 'Strict',
          },
        ]);
        await hanne.page.goto(`${demo.baseUrl}/`);
        await openFromMenu(hanne.page, 'approvals', t('pages:approvals.title'));
        const phones = hanne.page.getByRole('region', { name: t('approvals:phones.title') });
        await phones
          .getByRole('button', {
            name: t('approvals:panel.confirmLabel', {
              name: t('approvals:phones.buttonName', { driver: 'Dirk Driver', label: "Dirk's phone" }),
            }),
          })
          .click({ timeout: 15_000 });
        await phones.getByRole('textbox', { name: t('approvals:panel.code') }).fill(code);
        await phones.getByRole('button', { name: t('approvals:panel.confirmWithCode') }).click();
        await hanne.page.getByRole('button', { name: t('common:stepUp.confirmAndContinue') }).click();
        await hanne.page
          .getByText(tRe('approvals:phones.confirmed', { driver: 'Dirk Driver' }))
          .waitFor({ timeout: 15_000 });
        await shot(hanne.page, 'planner-phone-confirmed');

        // Dirk shows the pass: a full-screen QR code, signed afresh by the phone every 30 seconds.
        await page.getByRole('button', { name: t('drivers:phone.checkAgain') }).click();
        await page.getByText(t('drivers:phone.active')).waitFor({ timeout: 15_000 });
        await page
          .getByRole('button', { name: t('drivers:job.showPassFor', { number: box.containerNumber }) })
          .click();
        await page
          .getByRole('img', { name: t('drivers:pass.qr', { number: box.containerNumber }) })
          .waitFor();
        pass = await passAt(page, time.clock.now().getTime());
        await shot(page, 'driver-pass');

        const gina = await signInWithPasskey('gate-clerk', 'Gina Gate');
        people.gina = gina;
        const gate = gina.page;
        await openFromMenu(gate, 'gate', t('gate:title'));
        const name = (check: string) => expect.stringContaining(t(`terms:gateChecks.${check}`));

        const accepted = await present(pass, DIRK_BADGE, DIRK_TRUCK);
        expect(accepted.failed).toEqual([]);
        expect(accepted.accepted).toBe(true);
        expect(accepted.passed).toEqual(
          expect.arrayContaining([
            name('pass.device_signature'),
            name('pass.fresh'),
            name('credential.unused'),
          ]),
        );
        await shot(gate, 'gate-accepted');

        const again = await present(pass, DIRK_BADGE, DIRK_TRUCK);
        expect(again.accepted).toBe(false);
        expect(again.failed).toEqual(expect.arrayContaining([name('credential.unused')]));
        // Said in the console's language from the reason's code, not the server's English sentence.
        expect(again.reasons).toContain(t('gate:reasons.credential.used'));
        await shot(gate, 'gate-same-pass-refused');

        // A photo of the pass taken a minute earlier: the same phone, its clock set back a minute.
        await phone.context.clock.setSystemTime(time.clock.now().getTime() - 60_000);
        const minuteOld = await passAt(page, time.clock.now().getTime() - 60_000);
        await phone.context.clock.setSystemTime(time.clock.now());
        const stale = await present(minuteOld, DIRK_BADGE, DIRK_TRUCK);
        expect(stale.accepted).toBe(false);
        expect(stale.failed).toEqual(expect.arrayContaining([name('pass.fresh')]));
        await shot(gate, 'gate-photo-refused');

        // A printed pass from demo-secrets.json with a badge of one's own: printed passes are off, nothing leaves.
        const copy = await present(copied.credential, 'ANR-GANG-0001', copied.truckPlate);
        expect(copy.accepted).toBe(false);
        expect(copy.failed).toEqual([name('pass.printed_disabled')]);
        expect(copy.reasons).toContain(t('gate:reasons.printed.off'));
        expect(copy.reasons).toContain(t('gate:reasons.not_checked.presenter'));
        if (language === 'nl')
          expect(copy.text).not.toContain('This terminal does not accept printed passes');
        await gate.getByText(t('gate:verdict.notChecked')).waitFor();
        await gate.getByText(t('gate:verdict.alert'), { exact: false }).waitFor();
        await shot(gate, 'gate-copied-pass-refused');
      }, 120_000);

      const name = (check: string) => expect.stringContaining(t(`terms:gateChecks.${check}`));

      /** Gina presents a pass with a badge and a plate at the kiosk, presses Enter, and reads the verdict. */
      async function present(credential: string, badge: string, plate: string) {
        const gate = people.gina!.page;
        await gate.getByRole('button', { name: t('gate:form.next') }).click();
        await gate.getByLabel(t('gate:form.pass')).fill(credential);
        await gate.getByLabel(t('gate:form.badge')).fill(badge);
        await gate.getByLabel(t('gate:form.plate')).fill(plate);
        await gate.getByLabel(t('gate:form.plate')).press('Enter');
        const banner = gate.getByRole('heading', {
          level: 2,
          name: new RegExp(
            `${escapeRegExp(t('gate:verdict.accepted'))}|${escapeRegExp(t('gate:verdict.refused'))}`,
          ),
        });
        await banner.waitFor({ timeout: 15_000 });
        const checks = gate.getByRole('list', { name: t('gate:verdict.checks') });
        return {
          accepted: (await banner.textContent()) === t('gate:verdict.accepted'),
          failed: await checks.locator('.check-failed .check-name').allTextContents(),
          passed: await checks.locator('.check-passed .check-name').allTextContents(),
          reasons: (await checks.locator('.check-reason').allTextContents()).map((text) => text.trim()),
          text: (await checks.textContent()) ?? '',
        };
      }

      /** The pass text the phone shows once it is signed for the 30-second step of `ms`. */
      async function passAt(page: Page, ms: number): Promise<string> {
        const text = page.getByTestId('pickup-pass-text');
        await expect
          .poll(async () => counterOf((await text.textContent()) ?? ''), { timeout: 15_000 })
          .toBe(stepOf(ms));
        return ((await text.textContent()) ?? '').trim();
      }

      it('4. the response: Sofie acknowledges the copied pass, assigns it and freezes its box; Stan approves the unfreeze with a step-up', async () => {
        const sofie = await signInWithPasskey('supervisor', 'Sofie Supervisor');
        const { page } = sofie;
        await openFromMenu(page, 'alerts', t('pages:alerts.title'));
        const row = page.getByRole('row').filter({ hasText: copied.containerNumber }).first();
        await row.waitFor({ timeout: 15_000 });
        await shot(page, 'alerts');
        await row.getByRole('button', { name: tRe('alerts:row.ackLabel') }).click();
        await withStepUp(page, page.getByText(t('alerts:actions.acked')));
        await row.getByRole('button', { name: tRe('alerts:row.assignLabel') }).click();
        const colleague = page.getByRole('combobox', { name: t('alerts:assign.person') });
        await colleague.fill('Stan');
        await page.getByRole('option', { name: 'Stan Supervisor' }).click();
        await page.getByRole('button', { name: t('alerts:assign.submit'), exact: true }).click();
        await withStepUp(page, page.getByText(tRe('alerts:actions.assigned')));
        await row.getByRole('button', { name: tRe('alerts:row.freezeLabel') }).click();
        await page.getByLabel(t('visits:freeze.why')).fill('A copied pickup pass was presented at the gate');
        await page.getByRole('button', { name: t('visits:freeze.freezeIt'), exact: true }).click();
        await withStepUp(page, page.getByText(tRe('visits:freeze.frozen')).first());
        await shot(page, 'alerts-frozen');
        // Resolved, the alert no longer outranks the freeze on the map.
        await row.getByRole('button', { name: tRe('alerts:row.resolveLabel') }).click();
        await page
          .getByLabel(t('alerts:forms.note'))
          .fill('Box frozen until the haulier confirms the pickup');
        await page.getByRole('button', { name: t('alerts:forms.resolve'), exact: true }).click();
        await withStepUp(page, page.getByText(t('alerts:actions.resolved')));

        // The yard map shows the stack frozen.
        await openFromMenu(page, 'yard', t('yard:page.title', { terminal: 'T1' }));
        await page.getByLabel(t('yard:toolbar.find')).fill(copied.containerNumber);
        await page
          .locator('#main')
          .getByRole('button', { name: t('yard:toolbar.findButton'), exact: true })
          .click();
        const tier = page.locator('.stack-list li').filter({ hasText: copied.containerNumber });
        await tier.waitFor();
        expect(await tier.locator('[data-state]').getAttribute('data-state')).toBe('frozen');
        await shot(page, 'yard-map-frozen');

        // The gate refuses the frozen box even to the right driver: Dirk, with the pass his phone shows for it.
        const phone = people.dirk!.page;
        await phone.getByRole('button', { name: t('drivers:pass.close') }).click();
        await phone
          .getByRole('button', { name: t('drivers:job.showPassFor', { number: copied.containerNumber }) })
          .click();
        const frozenPass = await passAt(phone, time.clock.now().getTime());
        const refused = await present(frozenPass, DIRK_BADGE, copied.truckPlate);
        expect(refused.accepted).toBe(false);
        expect(refused.failed).toEqual(expect.arrayContaining([name('visit.not_frozen')]));
        expect(refused.reasons).toContain(t('gate:reasons.visit.frozen'));
        await shot(people.gina!.page, 'gate-frozen-box-refused');

        // The unfreeze is asked for on the container page.
        await tier.getByRole('link', { name: copied.containerNumber }).click();
        await expectContainerPage(page, copied.containerNumber);
        await page.getByTestId('frozen-notice').waitFor();
        await page.getByRole('button', { name: t('visits:freeze.requestUnfreeze'), exact: true }).click();
        await page
          .getByLabel(t('visits:freeze.whyLeave'))
          .fill('The haulier confirmed its own driver has the pass');
        await page.getByRole('button', { name: t('visits:freeze.requestUnfreeze'), exact: true }).click();
        await withStepUp(
          page,
          page.getByText(t('visits:freeze.unfreezeRequested', { box: copied.containerNumber })),
        );
        await shot(page, 'unfreeze-requested');

        const stan = await signInWithPasskey('supervisor2', 'Stan Supervisor');
        // Later in the day: his session holds no recent step-up, so approving asks for the passkey again.
        const session = await mintSession(demo.system.auth, 'supervisor2', { stepUp: false });
        await stan.context.clearCookies();
        await stan.context.addCookies([
          {
            name: 'pl_session',
            value: session.cookie,
            url: demo.baseUrl,
            httpOnly: true,
            sameSite: 'Strict',
          },
        ]);
        await stan.page.goto(`${demo.baseUrl}/`);
        await openFromMenu(stan.page, 'approvals', t('pages:approvals.title'));
        const request = stan.page.getByRole('article').filter({
          has: stan.page.getByRole('heading', {
            level: 3,
            name: tRe('terms:approvalKinds.visit.unfreeze'),
          }),
        });
        await request.first().waitFor({ timeout: 15_000 });
        await shot(stan.page, 'approvals-unfreeze');
        await request
          .first()
          .getByRole('button', { name: tRe('approvals:request.approveLabel') })
          .click();
        const confirm = stan.page.getByRole('button', { name: t('common:stepUp.confirmAndContinue') });
        await confirm.waitFor({ timeout: 15_000 });
        await confirm.click();
        await stan.page.getByText(tRe('approvals:decisions.approved')).waitFor({ timeout: 15_000 });
        await search(stan.page, copied.containerNumber);
        await expectContainerPage(stan.page, copied.containerNumber);
        await stan.page.getByTestId('frozen-state').waitFor();
        expect(await stan.page.getByTestId('frozen-state').textContent()).toBe(t('visits:summary.notFrozen'));
        await shot(stan.page, 'unfrozen');
      }, 120_000);

      it('5. the driver: My jobs on Dirk’s phone shows his own pickups only, the phone confirmed, the box collected', async () => {
        const { page } = people.dirk!;
        await page.getByRole('button', { name: t('drivers:pass.close') }).click();
        await page.getByText(t('drivers:phone.active')).waitFor();
        const job = page
          .getByRole('article')
          .filter({ has: page.getByRole('heading', { name: box.containerNumber }) });
        await job.getByText(t('terms:jobStates.collected'), { exact: true }).waitFor({ timeout: 15_000 });
        for (const other of demo.pickups.filter((pickup) => pickup.driverBadge !== DIRK_BADGE))
          expect(await page.getByRole('heading', { name: other.containerNumber }).count()).toBe(0);
        for (const own of demo.pickups.filter((pickup) => pickup.driverBadge === DIRK_BADGE))
          await page.getByRole('heading', { name: own.containerNumber }).waitFor();
        await shot(page, 'driver-my-jobs');
      }, 60_000);

      it('6. the record: Ingrid verifies everything in her browser against the signed checkpoint', async () => {
        const ingrid = await signInWithPasskey('investigator', 'Ingrid Investigator');
        const { page } = ingrid;
        await openFromMenu(page, 'audit', t('audit:page.title'));
        await page.getByText(t('audit:checkpoints.verified')).first().waitFor({ timeout: 15_000 });
        await page.getByRole('button', { name: t('audit:verify.button') }).click();
        await page.getByText(t('audit:verify.ok')).waitFor({ timeout: 60_000 });
        await shot(page, 'audit-verified');
      }, 90_000);

      it('no page of the tour threw a script error', () => {
        for (const { problems } of open)
          expect(problems.all.filter((problem) => problem.kind === 'pageerror')).toEqual([]);
      });
    },
  );
}
