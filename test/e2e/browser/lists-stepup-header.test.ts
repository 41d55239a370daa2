/**
 * Issue 14 in Chromium against the real server:
 * - the administrators' users list filtered and sorted on the server, with column headers that say their order
 *   (aria-sort) and a CSV link of the filter on screen;
 * - step-up as one modal dialog over the person's form, which stays as it was: Cancel leaves what they typed, and
 *   Confirm (a passkey on the virtual authenticator) sends it; the console opens the dialog before sending an action
 *   it knows needs a step-up, so no 403 reaches the browser;
 * - the header on one row at 1280×800 for the person with the most menu entries.
 */
import { expect, it } from 'vitest';
import { addUser } from '../../../src/app/access/index.js';
import { auditPage } from '../../support/a11y.js';
import { screenshot } from '../../support/browser.js';
import {
  addOrganisations,
  addPeople,
  type ConsoleSuite,
  consoleSuite,
  describeBrowser,
  desktop,
  enrolledPage,
  signedInPage,
} from '../../support/console-session.js';

describeBrowser('lists, the step-up dialog and the header (issue 14)', () => {
  let tokens: Record<string, string>;
  const suite = consoleSuite({ setup, timeout: 180_000 });

  async function setup({ server }: ConsoleSuite): Promise<void> {
    await addOrganisations(server, [
      { orgId: 'padm', kind: 'port_administration', name: 'Port Administration', code: 'PADM' },
      { orgId: 'msc', kind: 'shipping_line', name: 'Mediterranean Lines', code: 'MSCU' },
    ]);
    tokens = await addPeople(server, [
      ['ada.admin', 'padm', 'administrator', 'Ada Admin'],
      ['anna.desk', 'msc', 'release_desk', 'Anna Peeters'],
      ['bram.desk', 'msc', 'release_desk', 'Bram de Wit'],
      ['cas.desk', 'msc', 'release_desk', 'Cas Janssens'],
    ]);
    // The person with the most menu entries: every role a terminal operator's staff may hold at once.
    await addUser(server.auth, {
      userId: 'tess.terminal',
      orgId: 'nqt',
      username: 'tess.terminal',
      displayName: 'Tess Terminal-Supervisor',
      roles: ['gate_clerk', 'yard_planner', 'equipment_operator', 'terminal_supervisor'],
      issuedBy: 'test',
    });
  }

  it('filters and sorts the users on the server, the headers saying the order, and links the CSV of the filter', async () => {
    const { page, context, problems } = await signedInPage(suite.browser, suite.server, 'ada.admin');
    await page.goto(`${suite.server.baseUrl}/admin`);
    const card = page.getByRole('region', { name: 'Users' });
    const names = () => card.locator('tbody tr td:first-child').allTextContents();
    await expect.poll(names).toContain('Cas Janssens');
    const filters = card.getByRole('group', { name: 'Show only' });
    await filters.getByRole('combobox', { name: 'Organisation' }).selectOption('msc');
    await expect.poll(names).toEqual(['Anna Peeters', 'Bram de Wit', 'Cas Janssens']);
    const byName = card.getByRole('columnheader', { name: /^Name/ });
    expect(await byName.getAttribute('aria-sort')).toBe('none');
    await byName.getByRole('button').click();
    await byName.getByRole('button').click();
    await expect.poll(() => byName.getAttribute('aria-sort')).toBe('descending');
    await expect.poll(names).toEqual(['Cas Janssens', 'Bram de Wit', 'Anna Peeters']);
    expect(await card.getByRole('columnheader', { name: /^Username/ }).getAttribute('aria-sort')).toBe(
      'none',
    );
    await filters.getByRole('searchbox', { name: 'Name or username contains' }).fill('bram');
    await expect.poll(names).toEqual(['Bram de Wit']);
    const csv = await card.getByRole('link', { name: 'Download CSV of this filter' }).getAttribute('href');
    const query = new URL(csv ?? '', suite.server.baseUrl).searchParams;
    expect(Object.fromEntries(query)).toEqual({
      orgId: 'msc',
      name: 'bram',
      sort: 'displayName',
      direction: 'desc',
      format: 'csv',
    });
    const download = await page.request.get(new URL(csv ?? '', suite.server.baseUrl).toString());
    expect(download.status()).toBe(200);
    expect((await download.text()).split('\r\n').filter(Boolean)).toHaveLength(2);
    await screenshot(page, 'admin-users-filtered');
    expect(problems.unexpected()).toEqual([]);
    await context.close();
  });

  it('asks for the passkey in one dialog over the form, keeps what was typed on Cancel, and adds the user after it', async () => {
    const { page, context, problems } = await enrolledPage(
      suite.browser,
      suite.server,
      { userId: 'ada.admin', displayName: 'Ada Admin', enrolmentToken: tokens['ada.admin']! },
      { stepUp: false },
    );
    await page.goto(`${suite.server.baseUrl}/admin`);
    const form = page.getByRole('form', { name: 'Add a user' });
    await form.getByRole('textbox', { name: 'Username' }).waitFor();
    await form.getByRole('combobox', { name: 'Organisation' }).selectOption('msc');
    await form.getByRole('textbox', { name: 'Username' }).fill('dirk.desk');
    await form.getByRole('textbox', { name: 'Full name' }).fill('Dirk Vos');
    await form.getByRole('checkbox', { name: 'Release desk' }).check();
    const sent: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().endsWith('/v1/admin/users')) sent.push(request.url());
    });

    await form.getByRole('button', { name: 'Add user' }).click();
    const dialog = page.getByRole('dialog', { name: "Confirm it's you" });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('To add the user, confirm with your passkey.');
    // Modal: the form is still there, as typed, and its own button cannot be reached behind the dialog.
    expect(await form.isVisible()).toBe(true);
    expect(await page.evaluate(() => document.querySelector('dialog')?.matches(':modal'))).toBe(true);
    const reachable = await form.getByRole('button', { name: 'Add user' }).evaluate((button: HTMLElement) => {
      button.focus();
      return document.activeElement === button;
    });
    expect(reachable).toBe(false);
    // The console knew the action needs a step-up: nothing was sent yet.
    expect(sent).toEqual([]);
    // The keyboard starts on the dialog's first action.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Confirm and continue');
    await screenshot(page, 'stepup-dialog');

    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await form.getByRole('textbox', { name: 'Username' }).inputValue()).toBe('dirk.desk');
    expect(await form.getByRole('textbox', { name: 'Full name' }).inputValue()).toBe('Dirk Vos');
    expect(await form.getByRole('combobox', { name: 'Organisation' }).inputValue()).toBe('msc');
    expect(await form.getByRole('checkbox', { name: 'Release desk' }).isChecked()).toBe(true);
    expect(await page.getByText('User dirk.desk added').count()).toBe(0);
    expect(sent).toEqual([]);

    await form.getByRole('button', { name: 'Add user' }).click();
    await dialog.getByRole('button', { name: 'Confirm and continue' }).click();
    await page.getByText('User dirk.desk added').waitFor({ timeout: 15_000 });
    await dialog.waitFor({ state: 'detached' });
    expect(sent).toHaveLength(1);
    const added = await suite.server.fixture.store.identity.findUserByUsername('dirk.desk');
    expect(added?.displayName).toBe('Dirk Vos');
    // No 403 and no error in the console at any point.
    expect(problems.unexpected()).toEqual([]);
    await context.close();
  });

  it('audits the step-up dialog as the screens are: labelled controls, AA contrast, a visible focus', async () => {
    const { page, context, problems } = await signedInPage(suite.browser, suite.server, 'ada.admin', {
      stepUp: false,
    });
    await page.goto(`${suite.server.baseUrl}/admin`);
    const form = page.getByRole('form', { name: 'Add a user' });
    await form.getByRole('textbox', { name: 'Username' }).fill('eva.desk');
    await form.getByRole('textbox', { name: 'Full name' }).fill('Eva Smet');
    await form.getByRole('button', { name: 'Add user' }).click();
    await page.getByRole('dialog', { name: "Confirm it's you" }).waitFor();
    const findings = await auditPage(page);
    expect(findings, JSON.stringify(findings, null, 2)).toEqual([]);
    expect(problems.unexpected()).toEqual([]);
    await context.close();
  });

  it('fits the header on one row at 1280×800 for the person with the most menu entries', async () => {
    const { page, context, problems } = await signedInPage(suite.browser, suite.server, 'tess.terminal', {
      viewport: desktop,
    });
    await page.goto(`${suite.server.baseUrl}/`);
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Home', exact: true }).waitFor();
    await screenshot(page, 'header-1280');
    const header = page.locator('.header-inner');
    const rows = await header.evaluate((element) => {
      const tops = new Set<number>();
      for (const child of Array.from(element.children)) {
        const box = child.getBoundingClientRect();
        if (box.width > 0) tops.add(Math.round(box.top + box.height / 2));
      }
      const spread = Math.max(...tops) - Math.min(...tops);
      return {
        spread,
        height: element.getBoundingClientRect().height,
        overflow: element.scrollWidth > element.clientWidth,
      };
    });
    // Every item of the header on one line: their middles within a few pixels, no taller than one row, no overflow.
    expect(rows.spread).toBeLessThanOrEqual(4);
    expect(rows.height).toBeLessThan(72);
    expect(rows.overflow).toBe(false);
    expect(problems.unexpected()).toEqual([]);
    await context.close();
  });

  it('keeps the page within the window at 1280×800 in Dutch, the menu taking a second row if it must', async () => {
    const { page, context, problems } = await signedInPage(suite.browser, suite.server, 'tess.terminal', {
      viewport: desktop,
      locale: 'nl-BE',
    });
    await page.goto(`${suite.server.baseUrl}/`);
    const nav = page.getByRole('navigation', { name: 'Hoofdmenu' });
    await nav.getByRole('link', { name: 'Koppelingen' }).waitFor();
    await screenshot(page, 'header-1280-nl');
    const widths = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      window: document.documentElement.clientWidth,
      header: document.querySelector('.header-inner')?.scrollWidth ?? 0,
    }));
    expect(widths.page).toBeLessThanOrEqual(widths.window);
    expect(widths.header).toBeLessThanOrEqual(widths.window);
    expect(problems.unexpected()).toEqual([]);
    await context.close();
  });
});
