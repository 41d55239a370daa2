/**
 * Who looked at what, in the console (issue 15): a terminal supervisor opens a container page and sees who was shown
 * the box (not that the police were), and an investigator opens a `lookup.bulk` alert's evidence: each logged event
 * with its inclusion proof checked in the browser against the signed checkpoint.
 */
import { expect, it } from 'vitest';
import { addOrganisation } from '../../../src/app/access/index.js';
import { detectionEngine, runDetectionOnce } from '../../../src/app/detection/index.js';
import { announceVisit, runVisitCommand } from '../../../src/app/visits/index.js';
import { computeCheckDigit, DETECTION_RULE_SET } from '../../../src/domain/index.js';
import { screenshot } from '../../support/browser.js';
import {
  addPeople,
  type ConsoleSuite,
  consoleSuite,
  describeBrowser,
  signedInPage,
} from '../../support/console-session.js';
import { testTerminals } from '../../support/ledger.js';
import { mintSession } from '../../support/sessions.js';

const containerNumber = (serial: number) => {
  const first10 = `MSCU${String(serial).padStart(6, '0')}`;
  return `${first10}${computeCheckDigit(first10)}`;
};

describeBrowser(
  'who looked at this box, and a bulk look-up’s proven evidence (Chromium, real server)',
  () => {
    const visitRefs: string[] = [];
    const suite = consoleSuite({ setup, timeout: 180_000 });

    async function setup({ server }: ConsoleSuite): Promise<void> {
      await addOrganisation(server.auth, {
        orgId: 'police',
        kind: 'port_police',
        name: 'Port Police',
        code: 'POL',
      });
      await addPeople(server, [
        ['pam.super', 'nqt', 'terminal_supervisor', 'Pam Super'],
        ['yannick.yard', 'nqt', 'yard_planner', 'Yannick Yard'],
        ['gina.gate', 'nqt', 'gate_clerk', 'Gina Gate'],
        ['ivo.police', 'police', 'investigator', 'Ivo Investigator'],
      ]);
      const ledger = server.fixture.ledger;
      for (let i = 0; i < 4; i++) {
        const { visit } = await announceVisit(ledger, testTerminals, {
          containerNumber: containerNumber(500 + i),
          line: 'MSCU',
          sizeType: '22G1',
          fullEmpty: 'full',
          arrival: { mode: 'truck' },
        });
        await runVisitCommand(ledger, testTerminals, visit.visitRef, {
          type: 'GateInContainer',
          slot: { terminal: 'T1', block: 'A', bay: 1, row: i + 1, tier: 1 },
        });
        visitRefs.push(visit.visitRef);
      }
      // Real reads through the server: Yannick opens all four boxes, Gina and the police one of them.
      const read = async (userId: string, visitRef: string) => {
        const session = await mintSession(server.auth, userId);
        const answer = await server.app.inject({
          method: 'GET',
          url: `/v1/visits/${visitRef}`,
          cookies: session.cookies,
        });
        expect(answer.statusCode).toBe(200);
      };
      for (const visitRef of visitRefs) await read('yannick.yard', visitRef);
      await read('gina.gate', visitRefs[0]!);
      await read('ivo.police', visitRefs[0]!);
      // The server writes the views on its timer (five seconds); then the engine runs over the log, as `serve` does.
      const recorded = () =>
        server.fixture.store.positionViews.viewersOf({
          kind: 'visit',
          subject: visitRefs[0]!,
          since: '2000-01-01T00:00:00.000Z',
          limit: 10,
        });
      for (let waited = 0; (await recorded()).length < 3; waited += 250) {
        if (waited > 20_000) throw new Error('the server did not record the views within 20 s');
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      const engine = detectionEngine({
        rules: DETECTION_RULE_SET,
        settings: { 'lookup.bulk': { severity: 'high', limit: 3, windowMinutes: 10 } },
        dwellNormHours: 240,
      });
      while ((await runDetectionOnce({ ledger, engine })).applied > 0) {}
    }

    it('a terminal supervisor sees who looked at the box: the terminal’s people, not the police', async () => {
      const { context, page, problems } = await signedInPage(suite.browser, suite.server, 'pam.super');
      await page.goto(`${suite.server.baseUrl}/visits/${encodeURIComponent(visitRefs[0]!)}`);
      const card = page.getByRole('region', { name: 'Who looked at this box (30 days)' });
      await card.getByRole('table').waitFor();
      expect(await card.getByTestId('viewer-yannick.yard').textContent()).toContain('Yannick Yard');
      expect(await card.getByTestId('viewer-gina.gate').textContent()).toContain('Gina Gate');
      expect(await card.getByTestId('viewer-ivo.police').count()).toBe(0);
      expect(await card.getByRole('row').count()).toBe(3);
      await screenshot(page, 'who-looked-at-this-box');
      expect(problems.unexpected()).toEqual([]);
      await context.close();
    });

    it('an investigator opens the bulk look-up alert’s evidence: each event shown, its inclusion proof verified', async () => {
      const { context, page, problems } = await signedInPage(suite.browser, suite.server, 'ivo.police');
      await page.goto(`${suite.server.baseUrl}/alerts`);
      await page.getByRole('heading', { level: 1, name: 'Alerts' }).waitFor();
      const row = page.getByRole('row').filter({ hasText: 'was shown the yard positions of 4 containers' });
      await row.waitFor();
      const entries = row.locator('details.evidence-entry');
      const count = await entries.count();
      // The views' event (the four reads came within one batch) and the alert's own event.
      expect(count).toBeGreaterThanOrEqual(2);
      for (let i = 0; i < count; i++) {
        const entry = entries.nth(i);
        await entry.locator('summary').click();
        await entry.getByText('✓ Verified').waitFor({ timeout: 15_000 });
      }
      expect(await row.getByText('PositionsViewed').count()).toBeGreaterThanOrEqual(1);
      expect(await row.getByText('DetectionAlertRaised').count()).toBe(1);
      await screenshot(page, 'alert-evidence-verified');
      // The person the alert is about: which boxes did they look at.
      await row.getByRole('link', { name: 'Which boxes yannick.yard looked at' }).click();
      const views = page.getByRole('table', { name: 'What yannick.yard looked at, newest first' });
      await views.waitFor();
      for (let i = 0; i < 4; i++) await views.getByText(containerNumber(500 + i)).waitFor();
      expect(problems.unexpected()).toEqual([]);
      await context.close();
    });
  },
);
