/**
 * The Audit page with witnesses (issue 11), in Chromium against the real server and two real witness servers on
 * localhost (`src/witness`, the code `portledger witness serve` runs): each checkpoint says who cosigned it, and the
 * Witnesses card lists each witness with the size it last cosigned and how long ago. The browser still checks the
 * log's own signature, the witnesses' lines beside it notwithstanding.
 */
import { afterAll, expect, it } from 'vitest';
import { startDemoWitnesses } from '../../../src/cli/demo-witnesses.js';
import { tempDirectory } from '../../../src/store/testing/databases.js';
import { screenshot } from '../../support/browser.js';
import {
  addOrganisations,
  addPeople,
  type ConsoleSuite,
  consoleSuite,
  describeBrowser,
  signedInPage,
} from '../../support/console-session.js';
import { testVerifierKey } from '../../support/ledger.js';

describeBrowser('audit page with witnesses', () => {
  const dir = tempDirectory('audit-witnesses');
  let closeWitnesses: (() => Promise<void>) | undefined;
  let cosignedSize = 0;
  const suite = consoleSuite({
    setup,
    timeout: 120_000,
    server: {
      witnesses: async () => {
        const started = await startDemoWitnesses({ dataDir: dir.path, logVerifierKey: testVerifierKey });
        closeWitnesses = started.close;
        return started.witnesses;
      },
    },
  });

  async function setup({ server }: ConsoleSuite): Promise<void> {
    await addOrganisations(server, [{ orgId: 'customs', kind: 'customs', name: 'Customs', code: 'BECUS' }]);
    await addPeople(server, [['cora.customs', 'customs', 'customs_officer']]);
    const checkpoint = await server.fixture.ledger.checkpoint();
    await server.witnesses?.quorumReached(checkpoint.treeSize);
    cosignedSize = checkpoint.treeSize;
  }

  it('shows each checkpoint cosigned by customs and the port authority, and each witness with its size', async () => {
    const { page, context, problems } = await signedInPage(suite.browser, suite.server, 'cora.customs');
    await page.goto(`${suite.server.baseUrl}/audit`);
    await page.getByRole('heading', { name: 'Witnesses' }).waitFor();
    const latest = page.locator(`table.audit-checkpoints tbody tr[data-tree-size="${cosignedSize}"]`);
    await expect
      .poll(() => latest.locator('.audit-cosigners li').allInnerTexts())
      .toEqual([
        expect.stringContaining('customs.portledger.local/witness'),
        expect.stringContaining('port-authority.portledger.local/witness'),
      ]);
    await expect
      .poll(() => latest.getByText('✓ Signature verified in your browser').count(), { timeout: 10_000 })
      .toBe(1);
    const rows = page.locator('table.audit-witnesses tbody tr');
    expect(await rows.count()).toBe(2);
    for (const name of ['customs.portledger.local/witness', 'port-authority.portledger.local/witness']) {
      const row = page.locator(`table.audit-witnesses tbody tr[data-witness="${name}"]`);
      const cells = await row.locator('td').allInnerTexts();
      expect(Number(cells[1]?.replaceAll(/[^0-9]/g, ''))).toBeGreaterThanOrEqual(cosignedSize);
      expect(cells[2]).toMatch(/s ago|min ago/);
      expect(cells[3]).toBe('Cosigning');
    }
    await page.getByText(/A quorum of 2 has cosigned the log up to/).waitFor();
    await screenshot(page, 'audit-witnesses');
    expect(problems.unexpected()).toEqual([]);
    await context.close();
  });

  afterAll(async () => {
    await closeWitnesses?.();
    dir.remove();
  });
});
