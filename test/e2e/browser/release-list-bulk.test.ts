/**
 * Issue 14, the line's releases: the list is filtered by state on the server, and the desk blocks or revokes several
 * releases at once — chosen with checkboxes, one reason — each changed as its own row's action would change it.
 */
import { expect, it } from 'vitest';
import { screenshot } from '../../support/browser.js';
import {
  type ConsoleSuite,
  consoleSuite,
  describeBrowser,
  signedInPage,
} from '../../support/console-session.js';
import {
  addJourneyOrganisations,
  addPerson,
  boxInYard,
  containerNumber,
  issueRelease,
  orgs,
} from '../../support/journeys.js';

describeBrowser("the line's releases: filter by state, block and revoke several at once (issue 14)", () => {
  const numbers = [820_001, 820_002, 820_003].map((serial) => containerNumber('MSCU', serial));
  const suite = consoleSuite({ setup, timeout: 120_000 });

  async function setup({ server }: ConsoleSuite): Promise<void> {
    await addJourneyOrganisations(server);
    const desk = await addPerson(server, {
      userId: 'rita.desk',
      displayName: 'Rita Desk',
      orgId: orgs.line.orgId,
      role: 'release_desk',
    });
    for (const [i, number] of numbers.entries()) {
      const visitRef = await boxInYard(server, number, { block: 'A', bay: 1 + 2 * i, row: 1, tier: 1 });
      await issueRelease(server, desk, visitRef, orgs.forwarder.orgId);
    }
  }

  it('blocks two, revokes one, and filters the list by state', async () => {
    const { page, context, problems } = await signedInPage(suite.browser, suite.server, 'rita.desk');
    await page.goto(`${suite.server.baseUrl}/releases`);
    const list = page.locator('section', {
      has: page.getByRole('heading', { level: 2, name: "Your line's releases" }),
    });
    const rows = list.getByRole('row').filter({ hasText: 'MSCU' });
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(3);

    for (const number of numbers.slice(0, 2)) {
      await page.getByRole('checkbox', { name: `Choose the release of ${number}` }).check();
    }
    await page.getByRole('button', { name: 'Block the 2 chosen releases' }).click();
    await page.getByText('Say why', { exact: false }).waitFor();
    await page.getByLabel('Reason for the 2 chosen releases').fill('payment not received');
    await page.getByRole('button', { name: 'Block the 2 chosen releases' }).click();
    await page.getByText('2 releases blocked.').waitFor({ timeout: 10_000 });
    await screenshot(page, 'releases-bulk-blocked');

    await page.getByRole('radio', { name: 'Blocked' }).check();
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(2);
    await page.getByRole('radio', { name: 'In force' }).check();
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(1);
    expect(await rows.first().textContent()).toContain(numbers[2]);

    await page.getByRole('checkbox', { name: `Choose the release of ${numbers[2]}` }).check();
    await page.getByLabel('Reason for the 1 chosen release').fill('cargo seized');
    await page.getByRole('button', { name: 'Revoke the 1 chosen release' }).click();
    await page.getByText('1 release revoked.').waitFor({ timeout: 10_000 });
    await page.getByRole('radio', { name: 'Revoked' }).check();
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(1);
    await screenshot(page, 'releases-filter-revoked');
    expect(problems.unexpected()).toEqual([]);
    await context.close();
  });

  it('turns the list round by its last change, read again from the server, and the CSV follows', async () => {
    const { page, context, problems } = await signedInPage(suite.browser, suite.server, 'rita.desk');
    await page.goto(`${suite.server.baseUrl}/releases`);
    const list = page.locator('section', {
      has: page.getByRole('heading', { level: 2, name: "Your line's releases" }),
    });
    const rows = list.getByRole('row').filter({ hasText: 'MSCU' });
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(3);
    const boxes = async () =>
      (await rows.getByRole('rowheader').allTextContents()).map((text) => text.trim());
    const latestFirst = await boxes();
    const header = list.getByRole('columnheader', { name: 'Last change' });
    const csv = list.getByRole('link', { name: 'Download the list as CSV' });
    expect(await header.getAttribute('aria-sort')).toBe('descending');
    expect(await csv.getAttribute('href')).toContain('direction=desc');

    const answered = page.waitForResponse((response) => response.url().includes('direction=asc'));
    await header.getByRole('button').click();
    expect((await answered).status()).toBe(200);
    await expect.poll(() => header.getAttribute('aria-sort'), { timeout: 10_000 }).toBe('ascending');
    await expect.poll(boxes, { timeout: 10_000 }).toEqual([...latestFirst].reverse());
    expect(await csv.getAttribute('href')).toContain('direction=asc');
    await screenshot(page, 'releases-oldest-first');

    await header.getByRole('button').click();
    await expect.poll(() => header.getAttribute('aria-sort'), { timeout: 10_000 }).toBe('descending');
    await expect.poll(boxes, { timeout: 10_000 }).toEqual(latestFirst);
    expect(problems.unexpected()).toEqual([]);
    await context.close();
  });
});
