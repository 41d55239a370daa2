/**
 * The approvals inbox and the alerts console in Chromium against the real server. A yard planner asked for a
 * position correction; the supervisor (enrolled with a passkey on a CDP virtual authenticator, and signed in
 * without a fresh step-up) sees it with its before/after, approves it, confirms with the passkey inline and the
 * approval goes through. A refused gate attempt raises an alert that the supervisor acknowledges and resolves.
 */
import { expect, it } from 'vitest';
import { requestApproval } from '../../../src/app/access/index.js';
import { visitApprovalKinds } from '../../../src/app/visits/index.js';
import { screenshot } from '../../support/browser.js';
import {
  addPeople,
  type ConsoleSuite,
  consoleSuite,
  describeBrowser,
  enrolledPage,
  signedInPage,
} from '../../support/console-session.js';
import { boxInYard } from '../../support/journeys.js';
import { testTerminals } from '../../support/ledger.js';
import { mintSession } from '../../support/sessions.js';

describeBrowser('approvals inbox and alerts in Chromium (real server)', () => {
  let visitRef: string;
  let supervisorToken: string;
  const suite = consoleSuite({ setup, timeout: 120_000 });

  async function setup({ server }: ConsoleSuite): Promise<void> {
    const added = await addPeople(server, [
      ['yara.planner', 'nqt', 'yard_planner', 'Yara Planner'],
      ['sam.super', 'nqt', 'terminal_supervisor', 'Sam Supervisor'],
      ['gina.clerk', 'nqt', 'gate_clerk', 'Gina Clerk'],
    ]);
    supervisorToken = added['sam.super']!;
    visitRef = await boxInYard(server, 'CSQU3054383', { block: 'A', bay: 1, row: 1, tier: 1 });
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
      visitApprovalKinds(testTerminals),
    );
  }

  it('shows the request with its before/after, and approves it after an inline step-up', async () => {
    // The supervisor enrols a passkey on this device, and comes back later, signed in but without a fresh
    // confirmation.
    const person = { userId: 'sam.super', displayName: 'Sam Supervisor', enrolmentToken: supervisorToken };
    const { context, page, problems } = await enrolledPage(suite.browser, suite.server, person, {
      stepUp: false,
    });

    await page.goto(`${suite.server.baseUrl}/approvals`);
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
    const visit = await suite.server.fixture.store.getVisit(visitRef);
    expect(JSON.stringify(visit?.view)).toContain('"bay":3');
    // The first approve answered "step-up required": expected, and shown as the inline prompt.
    expect(problems.unexpected(/\/approve$/)).toEqual([]);
    await context.close();
  });

  it('lists a refused gate attempt as an alert, and the supervisor acknowledges and resolves it', async () => {
    const clerk = await mintSession(suite.server.auth, 'gina.clerk');
    const refused = await suite.server.app.inject({
      method: 'POST',
      url: '/v1/gate/transactions',
      cookies: clerk.cookies,
      headers: clerk.headers,
      payload: { credential: 'plc1.copied-and-edited', badge: 'ANR-666666', truckPlate: '1-GNG-666' },
    });
    expect(refused.json().accepted).toBe(false);

    const { context, page, problems } = await signedInPage(suite.browser, suite.server, 'sam.super');
    await page.goto(`${suite.server.baseUrl}/alerts`);
    await page.getByRole('heading', { level: 1, name: 'Alerts' }).waitFor();
    const row = page.getByRole('row').filter({ hasText: 'Gate refusal' });
    await row.waitFor();
    expect(await row.textContent()).toContain('High');
    // Each evidence entry opens in place with its inclusion proof (issue 15): a disclosure named by its audit index.
    expect(await row.locator('summary', { hasText: /audit index/ }).count()).toBeGreaterThan(0);
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
