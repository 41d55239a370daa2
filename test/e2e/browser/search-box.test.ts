/**
 * Issue 14: the header's one search box finds a box by each of its five keys — container number, bill of lading,
 * booking, vessel call and truck plate, typed as a person reads them — and goes to the box, or lists the boxes when
 * several match; a line outside the box's release chain finds nothing, with the answer a search for no box gets.
 */
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { announceVisit, runVisitCommand } from '../../../src/app/visits/index.js';
import { screenshot } from '../../support/browser.js';
import {
  addOrganisations,
  addPeople,
  type ConsoleSuite,
  consoleSuite,
  describeBrowser,
  signedInPage,
} from '../../support/console-session.js';
import { testTerminals } from '../../support/ledger.js';
import { pickupReadyNow, principal } from '../../support/pickup.js';

describeBrowser('one search box (issue 14)', () => {
  const NUMBER = 'MSCU1234566';
  let released: string;
  let neighbour: string;
  const suite = consoleSuite({ setup, timeout: 120_000 });

  async function setup({ server }: ConsoleSuite): Promise<void> {
    await addOrganisations(server, [
      { orgId: 'mscu', kind: 'shipping_line', name: 'Mediterranean Lines', code: 'MSCU' },
      { orgId: 'maeu', kind: 'shipping_line', name: 'Maersk', code: 'MAEU' },
      { orgId: 'haul', kind: 'haulier', name: 'Delta Haulage', code: 'HAUL' },
    ]);
    await addPeople(server, [
      ['lena.line', 'mscu', 'release_desk', 'Lena Line'],
      ['mark.maersk', 'maeu', 'release_desk', 'Mark Maersk'],
      ['hank.haulier', 'haul', 'haulier_planner', 'Hank Haulier'],
    ]);
    const ledger = server.fixture.ledger;
    const announce = async (containerNumber: string, documents: object) => {
      const { visit } = await announceVisit(ledger, testTerminals, {
        containerNumber,
        line: 'MSCU',
        sizeType: '22G1',
        fullEmpty: 'full',
        arrival: { mode: 'vessel', vesselCall: 'MSC-ANNA-042' },
        ...documents,
      });
      return visit.visitRef;
    };
    released = await announce(NUMBER, {
      transportDocumentReference: 'MSCUB0001',
      carrierBookingReference: 'BKG-0001',
    });
    neighbour = await announce('CSQU3054383', {});
    await runVisitCommand(ledger, testTerminals, released, {
      type: 'DischargeContainer',
      vesselCall: 'MSC-ANNA-042',
      slot: { terminal: 'T1', block: 'A', bay: 3, row: 2, tier: 1 },
    });
    const party = (userId: string, orgId: string, orgKind: 'shipping_line' | 'haulier', orgCode: string) =>
      principal({
        userId,
        orgId,
        orgKind,
        orgCode,
        roles: [orgKind === 'haulier' ? 'haulier_planner' : 'release_desk'],
      });
    await pickupReadyNow(
      { ledger, sealer: server.auth.security.sealer, auth: server.auth },
      {
        visitRef: released,
        line: party('lena.line', 'mscu', 'shipping_line', 'MSCU'),
        haulier: party('hank.haulier', 'haul', 'haulier', 'HAUL'),
        badge: 'ANR-SRCH-01',
        truckPlate: '1-ABC-123',
      },
    );
  }

  /** Types `query` into the header's search box and presses Enter, as a person does. */
  async function searchFor(page: Page, query: string): Promise<void> {
    const box = page.getByRole('search').getByRole('searchbox');
    await box.fill(query);
    await box.press('Enter');
  }
  const heading = (page: Page) => page.getByRole('heading', { level: 1 }).textContent();

  it('finds the box by each of its five keys, for its line', async () => {
    const { page, context, problems } = await signedInPage(suite.browser, suite.server, 'lena.line');
    await page.goto(`${suite.server.baseUrl}/`);

    // The container number goes to the container page of its current visit.
    await searchFor(page, 'mscu 123456-6');
    await expect.poll(() => new URL(page.url()).pathname, { timeout: 10_000 }).toBe(`/containers/${NUMBER}`);
    await expect.poll(() => heading(page)).toContain(NUMBER);
    await screenshot(page, 'search-container-number');

    // The bill of lading, the booking and the booked truck each go straight to the box.
    for (const [key, query] of [
      ['bill-of-lading', 'mscub 0001'],
      ['booking', 'BKG-0001'],
      ['truck-plate', '1 abc 123'],
    ] as const) {
      await searchFor(page, query);
      await expect
        .poll(() => decodeURIComponent(new URL(page.url()).pathname), { timeout: 10_000 })
        .toBe(`/visits/${released}`);
      await expect.poll(() => heading(page)).toContain(NUMBER);
      await page.getByText('MSCUB0001').first().waitFor();
      await screenshot(page, `search-${key}`);
    }

    // A vessel call brings several boxes: they are listed, each with the key that found it.
    await searchFor(page, 'MSC ANNA 042');
    const table = page.getByRole('table', { name: 'Boxes found' });
    await expect.poll(() => table.getByRole('row').count(), { timeout: 10_000 }).toBe(3);
    expect(await page.getByRole('heading', { level: 2 }).first().textContent()).toBe('2 boxes found');
    const row = table.getByRole('row').filter({ hasText: NUMBER });
    expect(await row.getByRole('cell').first().textContent()).toBe('Vessel call');
    expect(await row.textContent()).toContain('B/L MSCUB0001');
    await screenshot(page, 'search-vessel-call');
    await row.getByRole('link', { name: NUMBER }).click();
    await expect
      .poll(() => decodeURIComponent(new URL(page.url()).pathname), { timeout: 10_000 })
      .toBe(`/visits/${released}`);
    expect(neighbour).not.toBe(released);
    expect(problems.unexpected()).toEqual([]);
    await context.close();
  });

  it('finds nothing outside the need-to-know: another line is told what it is told for no box', async () => {
    const { page, context, problems } = await signedInPage(suite.browser, suite.server, 'mark.maersk');
    await page.goto(`${suite.server.baseUrl}/`);
    const answers: string[] = [];
    for (const query of [
      'MSCU1234566',
      'MSCUB0001',
      'BKG-0001',
      'MSC-ANNA-042',
      '1-ABC-123',
      'NO-SUCH-BOX',
    ]) {
      await searchFor(page, query);
      await page.getByText(`No box found for “${query}”.`).waitFor({ timeout: 10_000 });
      answers.push((await page.locator('main').textContent())?.replaceAll(query, 'QUERY') ?? '');
    }
    expect(new Set(answers).size).toBe(1);
    await screenshot(page, 'search-outside-need-to-know');
    expect(problems.unexpected()).toEqual([]);
    await context.close();
  });

  it('reads in Dutch too', async () => {
    const { page, context } = await signedInPage(suite.browser, suite.server, 'lena.line');
    await page.goto(`${suite.server.baseUrl}/`);
    await page.evaluate(() => window.localStorage.setItem('portledger.language', 'nl'));
    await page.reload();
    await searchFor(page, 'MSC ANNA 042');
    await page.getByText('2 containers gevonden').waitFor({ timeout: 10_000 });
    expect(await page.getByRole('table').textContent()).toContain('Scheepsaanloop');
    await screenshot(page, 'search-vessel-call-nl');
    await context.close();
  });
});
