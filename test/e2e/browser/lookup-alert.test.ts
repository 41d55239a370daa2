/**
 * The alerts console shows a bulk look-up of yard positions (`lookup.bulk`) to the person's own organisation: its
 * rule, what happened in a sentence, the person it is about, and the visits and audit entry as evidence.
 */
import { expect, it } from 'vitest';
import { raiseLookupAlert } from '../../../src/app/alerts/index.js';
import { screenshot } from '../../support/browser.js';
import {
  addPeople,
  type ConsoleSuite,
  consoleSuite,
  describeBrowser,
  signedInPage,
} from '../../support/console-session.js';

describeBrowser('a bulk look-up alert in the alerts console (Chromium, real server)', () => {
  const suite = consoleSuite({ setup, timeout: 120_000 });

  async function setup({ server }: ConsoleSuite): Promise<void> {
    await addPeople(server, [
      ['pam.super', 'nqt', 'terminal_supervisor'],
      ['yannick.yard', 'nqt', 'yard_planner', 'Yannick Yard'],
    ]);
    const at = server.fixture.ledger.clock.now().toISOString();
    await raiseLookupAlert(
      server.fixture.ledger,
      { userId: 'yannick.yard', displayName: 'Yannick Yard', orgId: 'nqt' },
      {
        userId: 'yannick.yard',
        count: 120,
        windowMinutes: 10,
        firstAt: at,
        lastAt: at,
        visitRefs: ['V-LOOKUP-1', 'V-LOOKUP-2'],
      },
    );
  }

  it("shows the rule, the sentence and the evidence to the person's supervisor", async () => {
    const { context, page, problems } = await signedInPage(suite.browser, suite.server, 'pam.super');
    await page.goto(`${suite.server.baseUrl}/alerts`);
    await page.getByRole('heading', { level: 1, name: 'Alerts' }).waitFor();
    const row = page.getByRole('row').filter({ hasText: 'Bulk position look-up' });
    await row.waitFor();
    expect(await row.textContent()).toContain(
      "Yannick Yard looked up 120 containers' positions in 10 minutes",
    );
    expect(await row.textContent()).toContain('yannick.yard');
    expect(await row.getByRole('link', { name: 'Visit V-LOOKUP-1' }).getAttribute('href')).toBe(
      '/visits/V-LOOKUP-1',
    );
    expect(await row.getByRole('link', { name: /^Alert event, audit index \d+/ }).count()).toBe(1);
    await screenshot(page, 'alerts-lookup-bulk');
    expect(problems.unexpected()).toEqual([]);
    await context.close();
  });
});
