/**
 * The approvals inbox and the alerts console in Chromium against the real server. A yard planner asked for a
 * position correction; the supervisor (enrolled with a passkey on a CDP virtual authenticator, and signed in
 * without a fresh step-up) sees it with its before/after, approves it, confirms with the passkey inline and the
 * approval goes through. A refused gate attempt raises an alert that the supervisor acknowledges and resolves.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser } from '../../../src/app/admin.usecases.js';
import { requestApproval } from '../../../src/app/approvals.usecases.js';
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
import { mintSession } from '../../support/sessions.js';
import { type ConsoleServer, startConsoleServer } from './console-server.js';

describe.skipIf(!chromiumAvailable())('approvals inbox and alerts in Chromium (real server)', () => {
  let server: ConsoleServer;
  let browser: Browser;
  let visitRef: string;
  let supervisorToken: string;

  beforeAll(async () => {
    await ensureConsoleBuilt();
    server = await startConsoleServer();
    browser = await launchBrowser();
    const added: Record<string, string> = {};
    for (const [userId, role, displayName] of [
      ['yara.planner', 'yard_planner', 'Yara Planner'],
      ['sam.super', 'terminal_supervisor', 'Sam Supervisor'],
      ['gina.clerk', 'gate_clerk', 'Gina Clerk'],
    ] as const) {
      added[userId] = (
        await addUser(server.auth, {
          userId,
          orgId: 'nqt',
          username: userId,
          displayName,
          roles: [role],
          issuedBy: 'test',
        })
      ).enrolmentToken;
    }
    supervisorToken = added['sam.super']!;
    const ledger = server.fixture.ledger;
    visitRef = (
      await announceVisit(ledger, testTerminals, {
        containerNumber: 'CSQU3054383',
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
    const identity = server.auth.ledger.store.identity;
    const planner = (await identity.getUser('yara.planner'))!;
    const org = (await identity.getOrganisation('nqt'))!;
    await requestApproval(
      server.auth,
      { user: planner, org },
      {
        kind: 'yard.correction',
        subject: visitRef,
        change: {
          to: { terminal: 'T1', block: 'A', bay: 3, row: 1, tier: 1 },
          reason: 'Yard scan found it one bay along',
        },
      },
    );
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows the request with its before/after, and approves it after an inline step-up', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const problems = collectPageProblems(page);
    await addVirtualAuthenticator(page);
    // The supervisor enrols a passkey on this device…
    await page.goto(`${server.baseUrl}/enrol#token=${encodeURIComponent(supervisorToken)}`);
    await page.getByRole('button', { name: 'Create my passkey' }).click();
    await page.getByRole('heading', { level: 1, name: 'Welcome, Sam Supervisor' }).waitFor();
    // …and comes back later, signed in but without a fresh confirmation.
    const session = await mintSession(server.auth, 'sam.super', { stepUp: false });
    await context.clearCookies();
    await context.addCookies([
      { name: 'pl_session', value: session.cookie, url: server.baseUrl, httpOnly: true, sameSite: 'Strict' },
    ]);

    await page.goto(`${server.baseUrl}/approvals`);
    await page.getByRole('heading', { level: 1, name: 'Approvals' }).waitFor();
    expect(await page.getByRole('link', { name: 'Approvals' }).getAttribute('aria-current')).toBe('page');
    await page.getByRole('heading', { level: 3, name: /Yard position correction/ }).waitFor();
    await page.getByText('Yara Planner').waitFor();
    await page.getByRole('rowheader', { name: 'Position' }).waitFor();
    expect(await page.locator('.diff-before').first().textContent()).toBe('T1 A-1-1, tier 1');
    expect(await page.locator('.diff-after').first().textContent()).toBe('T1 A-3-1, tier 1');
    await screenshot(page, 'approvals-inbox');

    await page.getByRole('button', { name: `Approve the yard position correction of ${visitRef}` }).click();
    await page.getByRole('button', { name: 'Confirm and continue' }).click();
    await page.getByText(`You approved the yard position correction of ${visitRef}`).waitFor();
    await page.getByText('Nothing is waiting for you.').waitFor();
    await screenshot(page, 'approvals-approved');
    const visit = await server.fixture.store.getVisit(visitRef);
    expect(JSON.stringify(visit?.view)).toContain('"bay":3');
    // The first approve answered "step-up required": expected, and shown as the inline prompt.
    expect(problems.unexpected(/\/approve$/)).toEqual([]);
    await context.close();
  });

  it('lists a refused gate attempt as an alert, and the supervisor acknowledges and resolves it', async () => {
    const clerk = await mintSession(server.auth, 'gina.clerk');
    const refused = await server.app.inject({
      method: 'POST',
      url: '/v1/gate/transactions',
      cookies: clerk.cookies,
      headers: clerk.headers,
      payload: { credential: 'plc1.copied-and-edited', badge: 'ANR-666666', truckPlate: '1-GNG-666' },
    });
    expect(refused.json().accepted).toBe(false);

    const session = await mintSession(server.auth, 'sam.super');
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.addCookies([
      { name: 'pl_session', value: session.cookie, url: server.baseUrl, httpOnly: true, sameSite: 'Strict' },
    ]);
    const page = await context.newPage();
    const problems = collectPageProblems(page);
    await page.goto(`${server.baseUrl}/alerts`);
    await page.getByRole('heading', { level: 1, name: 'Alerts' }).waitFor();
    const row = page.getByRole('row').filter({ hasText: 'Gate refusal' });
    await row.waitFor();
    expect(await row.textContent()).toContain('high');
    expect(await row.getByRole('link', { name: /audit index/ }).count()).toBeGreaterThan(0);
    await screenshot(page, 'alerts-list');

    await row.getByRole('button', { name: /^Acknowledge alert/ }).click();
    await page.getByText('Alert acknowledged.').waitFor();
    await page.getByRole('button', { name: /^Resolve alert \d+/ }).click();
    await page.getByLabel('Resolution note').fill('Copied credential; driver turned away, police told');
    await page.getByRole('button', { name: 'Resolve alert', exact: true }).click();
    await page.getByText('Alert resolved.').waitFor();
    await page.getByText('No alert needs attention.').waitFor();
    await page.getByLabel('All').check();
    await page.getByText('“Copied credential; driver turned away, police told”').waitFor();
    await screenshot(page, 'alerts-resolved');
    expect(problems.unexpected()).toEqual([]);
    await context.close();
  });
});
