/**
 * Issue 5 in Chromium against the real server: a gate attempt with the right credential but before its slot is
 * refused and raises an alert; a terminal supervisor freezes the box from the Alerts page; the yard map shows the
 * stack frozen; the supervisor asks for an unfreeze from the container page; a second supervisor approves it in
 * the Approvals inbox after an inline passkey step-up; the container page then shows the box not frozen.
 */
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addOrganisation, addUser } from '../../../src/app/admin.usecases.js';
import { announceVisit, runVisitCommand } from '../../../src/app/visits.usecases.js';
import {
  addVirtualAuthenticator,
  chromiumAvailable,
  collectPageProblems,
  ensureConsoleBuilt,
  launchBrowser,
  screenshot,
} from '../../support/browser.js';
import { testTerminals } from '../../support/ledger.js';
import { addDriver, principal, releaseToHaulier, slotIdAt } from '../../support/pickup.js';
import { mintSession } from '../../support/sessions.js';
import { type ConsoleServer, startConsoleServer } from './console-server.js';

const CONTAINER = 'CSQU3054383';
const BADGE = 'ANR-000123';
const PLATE = '1-ABC-123';

describe.skipIf(!chromiumAvailable())('freeze from an alert, two-person unfreeze (Chromium)', () => {
  let server: ConsoleServer;
  let browser: Browser;
  let visitRef: string;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    await ensureConsoleBuilt();
    server = await startConsoleServer();
    browser = await launchBrowser();
    const { auth } = server;
    await addOrganisation(auth, { orgId: 'mscu', kind: 'shipping_line', name: 'MSC', code: 'MSCU' });
    await addOrganisation(auth, { orgId: 'hau', kind: 'haulier', name: 'Delta Transport', code: 'HAU' });
    for (const [userId, orgId, role, displayName] of [
      ['anna.super', 'nqt', 'terminal_supervisor', 'Anna Supervisor'],
      ['bart.super', 'nqt', 'terminal_supervisor', 'Bart Supervisor'],
      ['gina.clerk', 'nqt', 'gate_clerk', 'Gina Clerk'],
      ['hank.planner', 'hau', 'haulier_planner', 'Hank Planner'],
    ] as const) {
      tokens[userId] = (
        await addUser(auth, { userId, orgId, username: userId, displayName, roles: [role], issuedBy: 'test' })
      ).enrolmentToken;
    }
    const ledger = server.fixture.ledger;
    visitRef = (
      await announceVisit(ledger, testTerminals, {
        containerNumber: CONTAINER,
        line: 'MSCU',
        sizeType: '22G1',
        fullEmpty: 'full',
        arrival: { mode: 'truck' },
      })
    ).visit.visitRef;
    await runVisitCommand(ledger, testTerminals, visitRef, {
      type: 'GateInContainer',
      slot: { terminal: 'T1', block: 'A', bay: 1, row: 1, tier: 1 },
    });
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
    await addDriver({ ledger, sealer: auth.security.sealer }, 'hau', BADGE);
    const planner = await mintSession(auth, 'hank.planner');
    const booked = await server.app.inject({
      method: 'POST',
      url: `/v1/visits/${visitRef}/appointment`,
      cookies: planner.cookies,
      headers: planner.headers,
      payload: { slotId: slotIdAt(ledger.clock.now(), 2, 10), badge: BADGE, truckPlate: PLATE },
    });
    expect(booked.statusCode, booked.body).toBe(201);
    // The right driver with the right credential, but two days early: refused, and an alert names the box.
    const clerk = await mintSession(auth, 'gina.clerk');
    const refused = await server.app.inject({
      method: 'POST',
      url: '/v1/gate/transactions',
      cookies: clerk.cookies,
      headers: clerk.headers,
      payload: { credential: booked.json().credential.token, badge: BADGE, truckPlate: PLATE },
    });
    expect(refused.json().accepted).toBe(false);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** A browser context for `userId`: a passkey enrolled on its virtual authenticator, then signed in. */
  async function signedIn(userId: string, displayName: string, stepUp: boolean): Promise<BrowserContext> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await addVirtualAuthenticator(page);
    await page.goto(`${server.baseUrl}/enrol#token=${encodeURIComponent(tokens[userId]!)}`);
    await page.getByRole('button', { name: 'Create my passkey' }).click();
    await page.getByRole('heading', { level: 1, name: `Welcome, ${displayName}` }).waitFor();
    const session = await mintSession(server.auth, userId, { stepUp });
    await context.clearCookies();
    await context.addCookies([
      { name: 'pl_session', value: session.cookie, url: server.baseUrl, httpOnly: true, sameSite: 'Strict' },
    ]);
    return context;
  }

  it('a supervisor freezes the box from the alert; the yard map shows it frozen; she asks to unfreeze it', async () => {
    const context = await signedIn('anna.super', 'Anna Supervisor', true);
    const page = context.pages()[0]!;
    const problems = collectPageProblems(page);

    await page.goto(`${server.baseUrl}/alerts`);
    await page.getByRole('heading', { level: 1, name: 'Alerts' }).waitFor();
    const row = page.getByRole('row').filter({ hasText: 'Gate refusal' });
    await row.waitFor();
    await row.getByRole('button', { name: /^Freeze the box of alert/ }).click();
    await page.getByRole('button', { name: 'Freeze the box', exact: true }).click();
    await page.getByText('Say why the box must stop.').waitFor();
    await page.getByLabel('Why freeze it').fill('Right driver two days early: check with the haulier');
    await page.getByRole('button', { name: 'Freeze the box', exact: true }).click();
    await page.getByText(/is frozen: it cannot gate out or be loaded/).waitFor();
    await row
      .getByText('by anna.super because “Right driver two days early: check with the haulier”')
      .waitFor();
    expect(await row.getByRole('button', { name: /^Freeze the box of alert/ }).count()).toBe(0);
    await row.getByRole('button', { name: /^Request unfreeze of the box of alert/ }).waitFor();
    await screenshot(page, 'freeze-alert-frozen');

    // Resolved, the alert no longer outranks the freeze on the map.
    await row.getByRole('button', { name: /^Resolve alert/ }).click();
    await page.getByLabel('Resolution note').fill('Box frozen until the haulier confirms the pickup');
    await page.getByRole('button', { name: 'Resolve alert', exact: true }).click();
    await page.getByText('Alert resolved.').waitFor();

    await page.goto(`${server.baseUrl}/yard?terminal=T1`);
    await page.getByRole('heading', { level: 1, name: 'Yard map T1' }).waitFor();
    await page
      .getByText(/1 boxes in \d+ blocks: 0 in yard, 0 released, 0 on hold, 1 frozen, 0 alert/)
      .waitFor();
    const legend = page.getByRole('list', { name: 'Legend' });
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

    await page.goto(`${server.baseUrl}/visits/${encodeURIComponent(visitRef)}`);
    await page.getByTestId('frozen-notice').waitFor();
    expect(await page.getByTestId('frozen-notice').textContent()).toContain(
      'Frozen by anna.super because “Right driver two days early: check with the haulier”',
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

    await page.goto(`${server.baseUrl}/approvals`);
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

    await page.goto(`${server.baseUrl}/visits/${encodeURIComponent(visitRef)}`);
    await page.getByTestId('frozen-state').waitFor();
    expect(await page.getByTestId('frozen-state').textContent()).toBe('Not frozen');
    expect(await page.getByTestId('frozen-notice').count()).toBe(0);
    await screenshot(page, 'freeze-unfrozen');
    const stream = await server.fixture.store.readStream(`visit-${visitRef}`);
    expect(stream.at(-1)).toMatchObject({
      type: 'VisitUnfrozen',
      data: { requestedBy: 'anna.super', approvedBy: 'bart.super' },
    });
    // The first approve answered "step-up required": expected, and shown as the inline prompt.
    expect(problems.unexpected(/\/approve$/)).toEqual([]);
    await context.close();
  });
});
