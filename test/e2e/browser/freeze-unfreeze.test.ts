/**
 * Issue 5 in Chromium against the real server: a gate attempt with the right pass but another driver's badge, before
 * its slot, is refused and raises an alert (a driver who is only early is told when to come back, without one); a terminal supervisor freezes the box from the Alerts page; the yard map shows the
 * stack frozen; the supervisor asks for an unfreeze from the container page; a second supervisor approves it in
 * the Approvals inbox after an inline passkey step-up; the container page then shows the box not frozen.
 */
import type { BrowserContext } from 'playwright-core';
import { expect, it } from 'vitest';
import { collectPageProblems, screenshot } from '../../support/browser.js';
import {
  addOrganisations,
  addPeople,
  type ConsoleSuite,
  consoleSuite,
  describeBrowser,
  enrolledPage,
} from '../../support/console-session.js';
import { boxInYard, callAs } from '../../support/journeys.js';
import { confirmedPhone } from '../../support/phone.js';
import { principal, releaseToHaulier, slotIdAt } from '../../support/pickup.js';
import { mintSession } from '../../support/sessions.js';

const CONTAINER = 'CSQU3054383';
const BADGE = 'ANR-000123';
const OTHER_BADGE = 'ANR-666666';
const PLATE = '1-ABC-123';

describeBrowser('freeze from an alert, two-person unfreeze (Chromium)', () => {
  let visitRef: string;
  let tokens: Record<string, string> = {};
  const suite = consoleSuite({ setup, timeout: 180_000 });

  async function setup({ server }: ConsoleSuite): Promise<void> {
    const { auth } = server;
    await addOrganisations(server, [
      { orgId: 'mscu', kind: 'shipping_line', name: 'MSC', code: 'MSCU' },
      { orgId: 'hau', kind: 'haulier', name: 'Delta Transport', code: 'HAU' },
    ]);
    tokens = await addPeople(server, [
      ['anna.super', 'nqt', 'terminal_supervisor', 'Anna Supervisor'],
      ['bart.super', 'nqt', 'terminal_supervisor', 'Bart Supervisor'],
      ['gina.clerk', 'nqt', 'gate_clerk', 'Gina Clerk'],
      ['hank.planner', 'hau', 'haulier_planner', 'Hank Planner'],
      ['dirk.driver', 'hau', 'driver', 'Dirk Driver'],
    ]);
    const ledger = server.fixture.ledger;
    visitRef = await boxInYard(server, CONTAINER, { block: 'A', bay: 1, row: 1, tier: 1 });
    const line = principal({
      userId: 'line-1',
      orgId: 'mscu',
      orgKind: 'shipping_line',
      orgCode: 'MSCU',
      roles: ['release_desk'],
    });
    const haulier = principal({
      userId: 'hank.planner',
      orgId: 'hau',
      orgKind: 'haulier',
      orgCode: 'HAU',
      roles: ['haulier_planner'],
    });
    await releaseToHaulier(ledger, visitRef, { line, haulier });
    const driver = await callAs(server, 'hank.planner', 'POST', '/v1/drivers', {
      name: 'Dirk Driver',
      badge: BADGE,
      licence: 'B-0001234',
      phone: '+32 470 00 01 23',
      userId: 'dirk.driver',
    });
    expect(driver.status).toBe(201);
    const phone = await confirmedPhone(server, { driver: 'dirk.driver', planner: 'hank.planner' });
    const planner = await mintSession(auth, 'hank.planner');
    const booked = await server.app.inject({
      method: 'POST',
      url: `/v1/visits/${visitRef}/appointment`,
      cookies: planner.cookies,
      headers: planner.headers,
      payload: { slotId: slotIdAt(ledger.clock.now(), 2, 10), badge: BADGE, truckPlate: PLATE },
    });
    expect(booked.statusCode, booked.body).toBe(201);
    // The pass the driver's confirmed phone shows, presented two days early with another badge: refused, and an alert
    // names the box.
    const clerk = await mintSession(auth, 'gina.clerk');
    const refused = await server.app.inject({
      method: 'POST',
      url: '/v1/gate/transactions',
      cookies: clerk.cookies,
      headers: clerk.headers,
      payload: {
        credential: await phone.pass(booked.json().credential.credentialId),
        badge: OTHER_BADGE,
        truckPlate: PLATE,
      },
    });
    expect(refused.json().accepted).toBe(false);
    const crossed = refused.json().checks.filter((check: { passed: boolean }) => !check.passed);
    expect(crossed.map((check: { check: string }) => check.check).sort()).toEqual([
      'driver.badge',
      'slot.window',
    ]);
  }

  /** A browser context for `userId`: a passkey enrolled on its virtual authenticator, then signed in. */
  async function signedIn(userId: string, displayName: string, stepUp: boolean): Promise<BrowserContext> {
    const person = { userId, displayName, enrolmentToken: tokens[userId]! };
    const viewport = { width: 1280, height: 900 };
    return (await enrolledPage(suite.browser, suite.server, person, { stepUp, viewport })).context;
  }

  it('a supervisor freezes the box from the alert; the yard map shows it frozen; she asks to unfreeze it', async () => {
    const context = await signedIn('anna.super', 'Anna Supervisor', true);
    const page = context.pages()[0]!;
    const problems = collectPageProblems(page);

    await page.goto(`${suite.server.baseUrl}/alerts`);
    await page.getByRole('heading', { level: 1, name: 'Alerts' }).waitFor();
    const row = page.getByRole('row').filter({ hasText: 'Gate refusal' });
    await row.waitFor();
    await row.getByRole('button', { name: /^Freeze the box of alert/ }).click();
    await page.getByRole('button', { name: 'Freeze the box', exact: true }).click();
    await page.getByText('Say why the box must stop.').waitFor();
    await page.getByLabel('Why freeze it').fill('Another badge two days early: check with the haulier');
    await page.getByRole('button', { name: 'Freeze the box', exact: true }).click();
    await page.getByText(/is frozen: it cannot gate out or be loaded/).waitFor();
    await row
      .getByText('by anna.super because “Another badge two days early: check with the haulier”')
      .waitFor();
    expect(await row.getByRole('button', { name: /^Freeze the box of alert/ }).count()).toBe(0);
    await row.getByRole('button', { name: /^Request unfreeze of the box of alert/ }).waitFor();
    await screenshot(page, 'freeze-alert-frozen');

    // Resolved, the alert no longer outranks the freeze on the map.
    await row.getByRole('button', { name: /^Resolve alert/ }).click();
    await page.getByLabel('Resolution note').fill('Box frozen until the haulier confirms the pickup');
    await page.getByRole('button', { name: 'Resolve alert', exact: true }).click();
    await page.getByText('Alert resolved.').waitFor();

    await page.goto(`${suite.server.baseUrl}/yard?terminal=T1`);
    await page.getByRole('heading', { level: 1, name: 'Yard map T1' }).waitFor();
    await page
      .getByText(/1 box in \d+ blocks: 0 in yard, 0 released, 0 on hold, 1 frozen, 0 alert/)
      .waitFor();
    const legend = page.getByRole('region', { name: 'Legend' });
    expect(await legend.textContent()).toContain(
      'Frozen: a freeze is in force: it cannot leave until two people unfreeze it',
    );
    await page.getByLabel('Find a container in the yard').fill(CONTAINER);
    await page.locator('#main').getByRole('button', { name: 'Find', exact: true }).click();
    const tier = page.locator('.stack-list li').filter({ hasText: CONTAINER });
    await tier.waitFor();
    expect(await tier.locator('[data-state]').getAttribute('data-state')).toBe('frozen');
    expect(await tier.textContent()).toContain('Frozen');
    await screenshot(page, 'freeze-yard-map');

    await page.goto(`${suite.server.baseUrl}/visits/${encodeURIComponent(visitRef)}`);
    await page.getByTestId('frozen-notice').waitFor();
    expect(await page.getByTestId('frozen-notice').textContent()).toContain(
      'Frozen by anna.super because “Another badge two days early: check with the haulier”',
    );
    await page.getByRole('button', { name: 'Request unfreeze', exact: true }).click();
    await page
      .getByLabel('Why it may leave again')
      .fill('Haulier confirmed: the slot was booked two days ahead');
    await page.getByRole('button', { name: 'Request unfreeze', exact: true }).click();
    await page.getByText(/Unfreeze of CSQU3054383 requested/).waitFor();
    await screenshot(page, 'freeze-unfreeze-requested');
    expect(problems.unexpected()).toEqual([]);
    await context.close();
  });

  it('another supervisor approves the unfreeze after a passkey step-up; the box is no longer frozen', async () => {
    const context = await signedIn('bart.super', 'Bart Supervisor', false);
    const page = context.pages()[0]!;
    const problems = collectPageProblems(page);

    await page.goto(`${suite.server.baseUrl}/approvals`);
    await page.getByRole('heading', { level: 1, name: 'Approvals' }).waitFor();
    await page.getByRole('heading', { level: 3, name: /Unfreeze of a frozen box/ }).waitFor();
    await page.getByText('Anna Supervisor').first().waitFor();
    await page.getByRole('rowheader', { name: 'Freeze' }).waitFor();
    expect(await page.locator('.diff-before').first().textContent()).toContain('Frozen by anna.super');
    expect(await page.locator('.diff-after').first().textContent()).toContain('Not frozen');
    await screenshot(page, 'freeze-approvals-inbox');

    await page.getByRole('button', { name: `Approve the unfreeze of a frozen box of ${visitRef}` }).click();
    await page.getByRole('button', { name: 'Confirm and continue' }).click();
    await page.getByText(`You approved the unfreeze of a frozen box of ${visitRef}`).waitFor();

    await page.goto(`${suite.server.baseUrl}/visits/${encodeURIComponent(visitRef)}`);
    await page.getByTestId('frozen-state').waitFor();
    expect(await page.getByTestId('frozen-state').textContent()).toBe('Not frozen');
    expect(await page.getByTestId('frozen-notice').count()).toBe(0);
    await screenshot(page, 'freeze-unfrozen');
    const stream = await suite.server.fixture.store.readStream(`visit-${visitRef}`);
    expect(stream.at(-1)).toMatchObject({
      type: 'VisitUnfrozen',
      data: { requestedBy: 'anna.super', approvedBy: 'bart.super' },
    });
    // The first approve answered "step-up required": expected, and shown as the inline prompt.
    expect(problems.unexpected(/\/approve$/)).toEqual([]);
    await context.close();
  });
});
