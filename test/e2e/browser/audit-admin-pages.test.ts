/**
 * The audit and admin pages in Chromium against the real server: checkpoints with their signatures checked in the
 * browser, "verify everything" recomputing the whole tree (and naming the bad index when an entry is tampered with
 * on the way), and an administrator adding an organisation and a user.
 */
import { createHash } from 'node:crypto';
import { expect, it } from 'vitest';
import { announceVisit, runVisitCommand } from '../../../src/app/visits/index.js';
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
import { testTerminals } from '../../support/ledger.js';

const containerNumber = (serial: number) => {
  const first10 = `MSCU${String(serial).padStart(6, '0')}`;
  return `${first10}${computeCheckDigit(first10)}`;
};

describeBrowser('audit and admin pages', () => {
  let logSize = 0;
  const suite = consoleSuite({ setup, timeout: 120_000 });
  const signedInAs = (userId: string) => signedInPage(suite.browser, suite.server, userId);

  async function setup({ server }: ConsoleSuite): Promise<void> {
    await addOrganisations(server, [
      { orgId: 'customs', kind: 'customs', name: 'Customs', code: 'BECUS' },
      { orgId: 'padm', kind: 'port_administration', name: 'Port Administration', code: 'PADM' },
    ]);
    await addPeople(server, [
      ['cora.customs', 'customs', 'customs_officer'],
      ['sam.supervisor', 'nqt', 'terminal_supervisor'],
      ['ada.admin', 'padm', 'administrator'],
    ]);
    // A few boxes with a life, checkpointed along the way so there are several signed checkpoints.
    const ledger = server.fixture.ledger;
    for (let i = 0; i < 12; i += 1) {
      const { visit } = await announceVisit(ledger, testTerminals, {
        containerNumber: containerNumber(500_000 + i),
        line: 'MSCU',
        sizeType: '22G1',
        fullEmpty: 'full',
        arrival: { mode: 'vessel', vesselCall: 'MSC-ANNA-042' },
      });
      await runVisitCommand(ledger, testTerminals, visit.visitRef, {
        type: 'DischargeContainer',
        vesselCall: 'MSC-ANNA-042',
        slot: { terminal: 'T1', block: 'A', bay: 1 + 2 * i, row: 1, tier: 1 },
        operator: 'seed',
      });
      if (i % 4 === 3) await ledger.checkpoint();
    }
    await ledger.checkpoint();
    logSize = await server.fixture.store.logSize();
  }

  it('shows checkpoints with verified signatures and charts; a supervisor is told why he cannot verify all', async () => {
    const { page, context, problems } = await signedInAs('sam.supervisor');
    await page.goto(`${suite.server.baseUrl}/audit`);
    await page.getByRole('heading', { name: 'Signed checkpoints' }).waitFor();
    const rows = page.locator('table.audit-checkpoints tbody tr');
    expect(await rows.count()).toBeGreaterThanOrEqual(3);
    await expect
      .poll(() => page.getByText('✓ Signature verified in your browser').count(), { timeout: 10_000 })
      .toBe(await rows.count());
    expect(await page.getByRole('img', { name: /Log size grew/ }).count()).toBe(1);
    expect(await page.getByRole('img', { name: /events over 48 hours/ }).count()).toBe(1);
    await page.getByText('Whole-log verification needs the entries permission').waitFor();
    expect(await page.getByRole('button', { name: 'Verify everything' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Audit' }).count()).toBe(1);
    await screenshot(page, 'audit-page');
    expect(problems.unexpected()).toEqual([]);
    await context.close();
  });

  it('verifies the whole log in the browser for a customs officer', async () => {
    const { page, context, problems } = await signedInAs('cora.customs');
    // A sign-in is an entry of the log too (its session's stream): the whole log is what is signed now.
    await suite.server.fixture.ledger.checkpoint();
    logSize = await suite.server.fixture.store.logSize();
    await page.goto(`${suite.server.baseUrl}/audit`);
    await page.getByRole('button', { name: 'Verify everything' }).click();
    await page.getByText('Verified: every entry is in the signed log').waitFor({ timeout: 20_000 });
    const progress = page.locator('progress');
    expect(await progress.getAttribute('value')).toBe(String(logSize));
    expect(await progress.getAttribute('max')).toBe(String(logSize));
    await page.getByText(`${logSize} of ${logSize} entries checked`).waitFor();
    await screenshot(page, 'audit-verify-everything');
    expect(problems.unexpected()).toEqual([]);
    await context.close();
  });

  it('names the first bad index when an entry is tampered with on the way', async () => {
    const { page, context } = await signedInAs('cora.customs');
    const bad = Math.floor(logSize / 2);
    await page.route('**/v1/audit/entries?**', async (route) => {
      const response = await route.fetch();
      const body = (await response.json()) as { entries: { index: number; leaf: string }[] };
      for (const entry of body.entries)
        if (entry.index === bad) {
          const bytes = Buffer.from(entry.leaf, 'base64');
          bytes[10] = (bytes[10] ?? 0) ^ 0x01;
          entry.leaf = bytes.toString('base64');
        }
      await route.fulfill({ response, json: body });
    });
    await page.goto(`${suite.server.baseUrl}/audit`);
    await page.getByRole('button', { name: 'Verify everything' }).click();
    await page.getByText(`Not verified: entry ${bad} is bad`).waitFor({ timeout: 20_000 });
    expect(await page.locator(`[data-bad-index="${bad}"]`).count()).toBe(1);
    expect(await page.getByText('Verified: every entry is in the signed log').count()).toBe(0);
    await screenshot(page, 'audit-verify-tampered');
    await context.close();
  });

  it('names the bad index when an entry and its leaf hash are both rewritten, from the signed checkpoints', async () => {
    const { page, context } = await signedInAs('cora.customs');
    const bad = logSize - 3;
    await page.route('**/v1/audit/entries?**', async (route) => {
      const response = await route.fetch();
      const body = (await response.json()) as {
        entries: { index: number; leaf: string; leafHash: string }[];
      };
      for (const entry of body.entries)
        if (entry.index === bad) {
          const bytes = Buffer.from(entry.leaf, 'base64');
          bytes[10] = (bytes[10] ?? 0) ^ 0x01;
          entry.leaf = bytes.toString('base64');
          entry.leafHash = createHash('sha256')
            .update(Buffer.concat([Buffer.of(0), bytes]))
            .digest('base64');
        }
      await route.fulfill({ response, json: body });
    });
    await page.goto(`${suite.server.baseUrl}/audit`);
    await page.getByRole('button', { name: 'Verify everything' }).click();
    await page.getByText(`Not verified: entry ${bad} is bad`).waitFor({ timeout: 20_000 });
    await page.getByText(`is not the leaf the signed checkpoint`).waitFor();
    await context.close();
  });

  it('lets an administrator add an organisation and a user, and shows the enrolment link', async () => {
    const { page, context, problems } = await signedInAs('ada.admin');
    await page.goto(`${suite.server.baseUrl}/admin`);
    await page.getByRole('heading', { name: 'Organisations' }).waitFor();
    expect(await page.getByRole('link', { name: 'Admin' }).count()).toBe(1);

    const orgForm = page.getByRole('form', { name: 'Add an organisation' });
    await orgForm.getByLabel('Organisation id').fill('haul-x');
    await orgForm.getByLabel('Kind').selectOption('haulier');
    await orgForm.getByLabel('Name').fill('Haulage X');
    await orgForm.getByLabel('Code').fill('HAULX');
    await orgForm.getByRole('button', { name: 'Add organisation' }).click();
    await page.getByText('Organisation Haulage X (haul-x) added').waitFor();
    // Exact: the row's "Client networks of Haulage X" button names its cell too (issue 15).
    await page.getByRole('cell', { name: 'Haulage X', exact: true }).waitFor();

    const userForm = page.getByRole('form', { name: 'Add a user' });
    await userForm.getByLabel('Organisation').selectOption('haul-x');
    await userForm.getByLabel('Username').fill('hugo.planner');
    await userForm.getByLabel('Full name').fill('Hugo Planner');
    await userForm.getByLabel('Haulier planner').check();
    await userForm.getByRole('button', { name: 'Add user' }).click();
    await page.getByText('User hugo.planner added').waitFor();
    const link = await page.getByTestId('enrolment-link').textContent();
    expect(link).toContain(`${suite.server.baseUrl}/enrol#token=`);
    await page.getByText('Role-grant requests filed for a second administrator').waitFor();
    expect(await page.locator('.admin-result li').count()).toBe(1);
    await page.getByRole('cell', { name: 'Hugo Planner' }).waitFor();
    await screenshot(page, 'admin-page');
    expect(problems.unexpected()).toEqual([]);
    await context.close();
  });
});
