/**
 * Issue 14, work queues: the forwarder's home page shows what waits for it — offers to accept — and the menu shows
 * the count beside Releases, in the link's accessible name. When the line offers it another box through the API,
 * both rise without a reload, carried by the queue stream (`GET /v1/queues/events`).
 */
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { computeCheckDigit } from '../../../src/domain/index.js';
import { screenshot } from '../../support/browser.js';
import {
  addOrganisations,
  addPeople,
  type ConsoleSuite,
  consoleSuite,
  describeBrowser,
  signedInPage,
} from '../../support/console-session.js';
import { mintSession } from '../../support/sessions.js';

describeBrowser('work queues (issue 14)', () => {
  const suite = consoleSuite({ setup, timeout: 120_000 });
  let serial = 0;

  async function setup({ server }: ConsoleSuite): Promise<void> {
    await addOrganisations(server, [
      { orgId: 'mscu', kind: 'shipping_line', name: 'Mediterranean Lines', code: 'MSCU' },
      { orgId: 'fwd', kind: 'forwarder', name: 'Fast Forwarding', code: 'FWDA' },
    ]);
    await addPeople(server, [
      ['lena.line', 'mscu', 'release_desk', 'Lena Line'],
      ['fiona.forwarder', 'fwd', 'release_desk', 'Fiona Forwarder'],
    ]);
    await offerToForwarder();
  }

  /** The line announces a box and issues its release to the forwarder, through the API as its console would. */
  async function offerToForwarder(): Promise<void> {
    const { app, auth, fixture } = suite.server;
    const session = await mintSession(auth, 'lena.line');
    const as = { cookies: session.cookies, headers: session.headers };
    serial += 1;
    const first10 = `MSCU${String(700_000 + serial).padStart(6, '0')}`;
    const announced = await app.inject({
      method: 'POST',
      url: '/v1/visits',
      ...as,
      payload: {
        containerNumber: `${first10}${computeCheckDigit(first10)}`,
        sizeType: '22G1',
        fullEmpty: 'full',
        arrival: { mode: 'truck' },
      },
    });
    expect(announced.statusCode, announced.body).toBe(201);
    const now = fixture.ledger.clock.now().getTime();
    const issued = await app.inject({
      method: 'POST',
      url: `/v1/visits/${announced.json().visitRef}/release`,
      ...as,
      payload: {
        firstParty: 'fwd',
        validFrom: new Date(now - 3_600_000).toISOString(),
        validUntil: new Date(now + 7 * 86_400_000).toISOString(),
      },
    });
    expect(issued.statusCode, issued.body).toBe(201);
  }

  const offersCard = (page: Page) =>
    page.getByTestId('work-queues').getByRole('link', { name: /offers? to accept/ });
  const releasesEntry = (page: Page) =>
    page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /^Releases/ });

  it("shows the forwarder's offers to accept, and the count rises live on the home page and in the menu", async () => {
    const { page, context, problems } = await signedInPage(suite.browser, suite.server, 'fiona.forwarder');
    await page.goto(`${suite.server.baseUrl}/`);

    await expect.poll(() => offersCard(page).textContent(), { timeout: 10_000 }).toBe('1 offer to accept');
    expect(await offersCard(page).getAttribute('href')).toBe('/releases#offers-heading');
    // The badge's number is in the menu link's accessible name, in words.
    expect(await releasesEntry(page).textContent()).toBe('Releases1');
    expect(await page.getByRole('link', { name: 'Releases, 1 waiting' }).count()).toBe(1);
    expect(await page.getByTestId('nav-badge').textContent()).toBe('1');
    expect(await page.getByText('These numbers update by themselves.').count()).toBe(1);
    await screenshot(page, 'work-queues-home');

    // The line offers another box: no reload, the stream brings the new count.
    let loads = 0;
    page.on('load', () => {
      loads += 1;
    });
    await offerToForwarder();
    await expect.poll(() => offersCard(page).textContent(), { timeout: 15_000 }).toBe('2 offers to accept');
    await expect
      .poll(() => page.getByRole('link', { name: 'Releases, 2 waiting' }).count(), { timeout: 15_000 })
      .toBe(1);
    expect(await page.getByTestId('nav-badge').textContent()).toBe('2');
    expect(loads).toBe(0);

    // In Dutch, with its plural.
    await page.getByRole('combobox', { name: 'Language' }).selectOption('nl');
    await expect
      .poll(() => page.getByTestId('work-queues').getByRole('link').first().textContent())
      .toBe('2 aanbiedingen om te aanvaarden');
    expect(await page.getByRole('link', { name: 'Vrijgaven, 2 wachten' }).count()).toBe(1);
    await page.getByRole('combobox', { name: 'Taal' }).selectOption('en');

    // The card leads to the list it counts, and the badge stays there.
    await offersCard(page).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/releases');
    await expect.poll(() => page.getByTestId('nav-badge').textContent()).toBe('2');

    expect(problems.unexpected()).toEqual([]);
    await context.close();
  });

  it('shows a line its queues even when empty, and no badge while nothing waits', async () => {
    const { page, context, problems } = await signedInPage(suite.browser, suite.server, 'lena.line');
    await page.goto(`${suite.server.baseUrl}/`);
    await page.getByRole('heading', { name: 'Who you are' }).waitFor();
    // The line's queues (blocked releases, requests to approve, its boxes on hold) are empty, but their cards are there.
    await expect
      .poll(() => page.getByTestId('work-queues').getByRole('link').allTextContents(), { timeout: 10_000 })
      .toEqual(['0 blocked releases', '0 requests to approve', '0 boxes on hold']);
    expect(await page.getByTestId('nav-badge').count()).toBe(0);
    expect(problems.unexpected()).toEqual([]);
    await context.close();
  });
});
