/**
 * A driver's own jobs and a forwarder's release inbox in Chromium against the real server (issue 5): the driver
 * signs in and sees exactly the pickup his haulier nominated him for, not his colleague's; the forwarder sees the
 * offer the line sent it in its inbox, without typing any reference, and accepts it from the row.
 */

import { expect, it } from 'vitest';
import { changeAppointment, pickupDepsFor, registerDriver } from '../../../src/app/appointments/index.js';
import { runReleaseCommand } from '../../../src/app/releases/index.js';
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
import { boxInYard } from '../../support/journeys.js';
import { testSlots } from '../../support/ledger.js';
import { principal, releaseToHaulier, slotIdAt } from '../../support/pickup.js';

const container = (serial: string) => `${serial}${computeCheckDigit(serial)}`;
const DIRK_BOX = container('MSCU710001');
const DAAN_BOX = container('MSCU710002');
const OFFERED_BOX = container('MSCU710003');

describeBrowser('a driver sees his own jobs; a forwarder answers offers from its inbox', () => {
  let offeredRef: string;
  let dirkRef: string;
  const suite = consoleSuite({ setup, timeout: 180_000 });
  const signedInAs = (userId: string) => signedInPage(suite.browser, suite.server, userId);

  async function setup({ server }: ConsoleSuite): Promise<void> {
    await addOrganisations(server, [
      { orgId: 'org-line', kind: 'shipping_line', name: 'MSC', code: 'MSCU' },
      { orgId: 'org-fwd', kind: 'forwarder', name: 'Scheldt Forwarding', code: 'SCHF' },
      { orgId: 'org-hau', kind: 'haulier', name: 'Delta Transport', code: 'HAU' },
    ]);
    await addPeople(server, [
      ['rita.desk', 'org-line', 'release_desk'],
      ['fred.desk', 'org-fwd', 'release_desk'],
      ['hugo.planner', 'org-hau', 'haulier_planner'],
      ['dirk.driver', 'org-hau', 'driver', 'Dirk Driver'],
      ['daan.driver', 'org-hau', 'driver'],
      ['piet.driver', 'org-hau', 'driver'],
    ]);

    const ledger = server.fixture.ledger;
    const visitAt = (number: string, bay: number) =>
      boxInYard(server, number, { block: 'A', bay, row: 1, tier: 1 });
    dirkRef = await visitAt(DIRK_BOX, 1);
    const daanRef = await visitAt(DAAN_BOX, 3);
    offeredRef = await visitAt(OFFERED_BOX, 5);

    const line = principal({
      userId: 'rita.desk',
      orgId: 'org-line',
      orgKind: 'shipping_line',
      orgCode: 'MSCU',
      roles: ['release_desk'],
    });
    const haulier = principal({
      userId: 'hugo.planner',
      orgId: 'org-hau',
      orgKind: 'haulier',
      orgCode: 'HAU',
      roles: ['haulier_planner'],
    });
    const planner = { orgId: 'org-hau', userId: 'hugo.planner' };
    const deps = { ledger, sealer: server.auth.security.sealer };
    for (const [name, badge, userId] of [
      ['Dirk Driver', 'ANR-710001', 'dirk.driver'],
      ['Daan Driver', 'ANR-710002', 'daan.driver'],
    ] as const) {
      await registerDriver(
        deps,
        planner,
        { name, badge, licence: `B-${badge}`, phone: '+32 470 00 00 00' },
        { userId },
      );
    }
    const pickup = { ...deps, pickup: pickupDepsFor({ signer: ledger.log.signer, slots: testSlots }) };
    const now = ledger.clock.now();
    for (const [visitRef, badge, days] of [
      [dirkRef, 'ANR-710001', 1],
      [daanRef, 'ANR-710002', 2],
    ] as const) {
      await releaseToHaulier(ledger, visitRef, { line, haulier });
      await changeAppointment(pickup, planner, visitRef, {
        type: 'book',
        slotId: slotIdAt(now, days, 10),
        badge,
        truckPlate: '1-ABC-123',
      });
    }
    // The line offers the third box to the forwarder, who answers in the console.
    await runReleaseCommand(ledger, line, offeredRef, {
      type: 'IssueRelease',
      releaseId: 'R-INBOX-1',
      visitRef: offeredRef,
      line: 'MSCU',
      validFrom: new Date(now.getTime() - 3_600_000).toISOString(),
      validUntil: new Date(now.getTime() + 7 * 86_400_000).toISOString(),
      firstParty: 'org-fwd',
    });
  }

  it('shows the driver exactly his own job, from the menu', async () => {
    const { page, context, problems } = await signedInAs('dirk.driver');
    await page.goto(`${suite.server.baseUrl}/`);
    const menuLink = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My jobs' });
    await menuLink.click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('My jobs');
    const jobs = page.getByRole('region', { name: 'Your jobs' }).getByRole('article');
    await expect.poll(() => jobs.count()).toBe(1);
    const card = jobs.first();
    expect(await card.getByRole('heading', { level: 2 }).textContent()).toBe(DIRK_BOX);
    const text = (await card.textContent()) ?? '';
    expect(text).toContain('Booked');
    expect(text).toContain('T1');
    expect(text).toContain('1ABC123');
    expect(text).toContain(dirkRef);
    expect(text).toMatch(/Ready \(id /);
    expect(await page.getByText(DAAN_BOX).count()).toBe(0);
    expect(await page.getByText(OFFERED_BOX).count()).toBe(0);
    await screenshot(page, 'driver-jobs');
    expect(problems.unexpected()).toEqual([]);
    await context.close();
  });

  it('shows the menu entry only to drivers, and an empty list to a driver without jobs', async () => {
    const planner = await signedInAs('hugo.planner');
    await planner.page.goto(`${suite.server.baseUrl}/`);
    await planner.page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Releases' })
      .waitFor();
    expect(await planner.page.getByRole('link', { name: 'My jobs' }).count()).toBe(0);
    await planner.context.close();

    // Daan's one job is his, not Dirk's.
    const daan = await signedInAs('daan.driver');
    await daan.page.goto(`${suite.server.baseUrl}/me/jobs`);
    const jobs = daan.page.getByRole('region', { name: 'Your jobs' }).getByRole('article');
    await expect.poll(() => jobs.count()).toBe(1);
    expect(await jobs.first().getByRole('heading', { level: 2 }).textContent()).toBe(DAAN_BOX);
    await daan.context.close();

    // A driver whose account no driver record names has no jobs, and is told why.
    const piet = await signedInAs('piet.driver');
    await piet.page.goto(`${suite.server.baseUrl}/me/jobs`);
    await piet.page.getByText('No jobs for you').waitFor();
    expect(await piet.page.getByRole('article').count()).toBe(0);
    await screenshot(piet.page, 'driver-jobs-empty');
    await piet.context.close();
  });

  it('lists the offer in the forwarder inbox and accepts it from the row', async () => {
    const { page, context, problems } = await signedInAs('fred.desk');
    await page.goto(`${suite.server.baseUrl}/releases`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Releases');
    const offers = page.getByRole('table', { name: 'Offers to you' });
    const row = offers.getByRole('row', { name: new RegExp(OFFERED_BOX) });
    await row.waitFor();
    expect(await row.textContent()).toContain('org-line');
    await screenshot(page, 'releases-inbox-offer');
    await row.getByRole('button', { name: `Accept the right to collect visit ${offeredRef}` }).click();
    await page.getByText(`You hold the right to collect ${OFFERED_BOX}`).waitFor();
    await expect
      .poll(() => page.getByText('No right to collect is waiting for you to accept.').count())
      .toBe(1);
    const held = page
      .getByRole('table', { name: 'Releases' })
      .getByRole('row', { name: new RegExp(OFFERED_BOX) });
    await held.waitFor();
    expect(await held.textContent()).toContain('You hold it');
    await screenshot(page, 'releases-inbox-held');
    expect(problems.unexpected()).toEqual([]);
    await context.close();
  });
});
