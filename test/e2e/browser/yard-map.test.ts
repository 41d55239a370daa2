/**
 * Issue 14, the yard map, in Chromium against the real server: "The map comes first, with the legend collapsible.
 * Labels adapt to zoom. Search explains a wrong number, including its check digit." What a tester found: at
 * 1280×800 the map started below the fold under the legend; a failed search left the last stack selected; a
 * 10-character number got "not in the yard" with no hint. The labels' placement has its own test
 * (test/web/yard-map.test.ts); here the screenshots `yard-map-<nn>-<screen>.png` show them zoomed out and in.
 */
import { expect, it } from 'vitest';
import { auditPage } from '../../support/a11y.js';
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
  orgs,
} from '../../support/journeys.js';

const FIRST = containerNumber('MSCU', 780_001);
const SECOND = containerNumber('MSCU', 780_002);
const NOT_HERE = containerNumber('MSCU', 780_999);

describeBrowser('the yard map: map first, labels, and a search that explains (issue 14)', () => {
  let shots = 0;
  const suite = consoleSuite({ setup, timeout: 120_000 });

  async function setup({ server }: ConsoleSuite): Promise<void> {
    await addJourneyOrganisations(server);
    await addPerson(server, {
      userId: 'yard.super',
      displayName: 'Sofie Supervisor',
      orgId: orgs.nqt.orgId,
      role: 'terminal_supervisor',
    });
    await boxInYard(server, FIRST, { block: 'A', bay: 3, row: 2, tier: 1 });
    await boxInYard(server, SECOND, { block: 'B', bay: 5, row: 1, tier: 1 });
  }

  async function yardPage() {
    const signedIn = await signedInPage(suite.browser, suite.server, 'yard.super');
    await signedIn.page.goto(`${suite.server.baseUrl}/yard`);
    await signedIn.page.getByRole('img', { name: /Yard map of terminal T1/ }).waitFor({ timeout: 15_000 });
    return {
      ...signedIn,
      shot: (screen: string) =>
        screenshot(signedIn.page, `yard-map-${String(++shots).padStart(2, '0')}-${screen}`),
    };
  }

  it('at 1280×800 the map starts above the fold, with the legend beside it, folded as it was left', async () => {
    const { context, page, problems, shot } = await yardPage();
    try {
      const map = page.getByRole('img', { name: /Yard map of terminal T1/ });
      const box = await map.boundingBox();
      expect(box?.y ?? Number.POSITIVE_INFINITY).toBeLessThan(800);
      // All of it, not only its top: the page opens on the map.
      expect((box?.y ?? 0) + (box?.height ?? 0)).toBeLessThanOrEqual(800);
      expect(box?.height ?? 0).toBeGreaterThanOrEqual(350);
      const legend = page.getByRole('region', { name: 'Legend' });
      await legend.getByText('a customs, line, terminal or police hold is in force').waitFor();
      await shot('map-first');

      await legend.getByRole('button', { name: 'Hide the legend' }).click();
      await legend
        .getByText('a customs, line, terminal or police hold is in force')
        .waitFor({ state: 'hidden' });
      expect(
        await legend.getByRole('button', { name: 'Show the legend' }).getAttribute('aria-expanded'),
      ).toBe('false');
      // The filters stay: they are the legend's key.
      expect(await legend.getByRole('checkbox').count()).toBe(5);
      await page.reload();
      await map.waitFor();
      await legend.getByRole('button', { name: 'Show the legend' }).waitFor();
      expect(await legend.getByText('a customs, line, terminal or police hold is in force').isVisible()).toBe(
        false,
      );
      await legend.getByRole('button', { name: 'Show the legend' }).click();
      await legend.getByText('a customs, line, terminal or police hold is in force').waitFor();
      expect(problems.unexpected()).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('a search explains a wrong number and leaves no stack selected', async () => {
    const { context, page, problems, shot } = await yardPage();
    try {
      const field = page.getByLabel('Find a container in the yard');
      const message = page.locator('#yard-search-message');
      const stackHeading = page.locator('#stack-heading');
      const find = async (typed: string) => {
        await field.fill(typed);
        await page.locator('form.yard-search').getByRole('button', { name: 'Find' }).click();
      };

      await find(FIRST);
      await expect.poll(() => message.textContent()).toBe(`${FIRST} found in block A, bay 3, row 2.`);
      await expect.poll(() => stackHeading.textContent()).toBe('Block A, bay 3, row 2');
      expect(await page.locator('.stack-list').textContent()).toContain(FIRST);
      await shot('found-zoomed-in');

      // A wrong check digit: the right one is named, and the stack found before is no longer selected.
      const wrong = `${FIRST.slice(0, 10)}${(Number(FIRST[10]) + 1) % 10}`;
      await find(wrong);
      await expect
        .poll(() => message.textContent())
        .toBe(
          `${wrong} is not a valid container number: the check digit of ${FIRST.slice(0, 10)} is ${FIRST[10]}, not ${wrong[10]}. Check the number on the box.`,
        );
      await expect.poll(() => stackHeading.textContent()).toBe('No stack selected');
      expect(await field.getAttribute('aria-invalid')).toBe('true');
      await shot('check-digit');
      // The explanation, the marked field and the legend meet the WCAG 2.1 AA basics.
      const findings = await auditPage(page);
      expect(findings, JSON.stringify(findings, null, 2)).toEqual([]);

      // Ten characters: what a container number is, and the digit that completes it.
      await find(SECOND.slice(0, 10));
      await expect
        .poll(() => message.textContent())
        .toBe(
          `${SECOND.slice(0, 10)} has only 10 characters: a container number is 4 letters and 7 digits, like MSCU1234566. The last digit is the check digit: the check digit of ${SECOND.slice(0, 10)} is ${SECOND[10]}, so the full number is ${SECOND}.`,
        );

      await find('12345');
      await expect
        .poll(() => message.textContent())
        .toBe(
          '12345 is not a container number: a container number is 4 letters and 7 digits, like MSCU1234566 (the fourth letter is U, J, Z or R).',
        );

      await find(SECOND);
      await expect.poll(() => stackHeading.textContent()).toBe('Block B, bay 5, row 1');
      await find(NOT_HERE);
      await expect.poll(() => message.textContent()).toBe(`${NOT_HERE} is not in the yard of T1.`);
      await expect.poll(() => stackHeading.textContent()).toBe('No stack selected');
      await shot('not-in-yard');

      // Zoomed well out: block names only.
      for (let i = 0; i < 12; i += 1) await page.getByRole('button', { name: 'Zoom out' }).click();
      await shot('zoomed-out');
      expect(problems.unexpected()).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
