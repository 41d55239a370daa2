/**
 * The alerts console pages the alert read model: the first page shows the newest alerts, "Show more alerts" appends
 * the older ones, and the button goes once the last page is shown. The raised column turns the order round and the
 * filters narrow the list, on the server, with the CSV link asking for the same (issue 14).
 */
import { expect, it } from 'vitest';
import { DEFAULT_ALERT_PAGE, raiseGateAlert } from '../../../src/app/alerts/index.js';
import {
  addPeople,
  type ConsoleSuite,
  consoleSuite,
  describeBrowser,
  signedInPage,
} from '../../support/console-session.js';

const RAISED = DEFAULT_ALERT_PAGE + 5;

describeBrowser('alerts console paging in Chromium (real server)', () => {
  const suite = consoleSuite({ setup, timeout: 120_000 });

  async function setup({ server }: ConsoleSuite): Promise<void> {
    await addPeople(server, [
      ['pam.super', 'nqt', 'terminal_supervisor'],
      ['gus.clerk', 'nqt', 'gate_clerk'],
    ]);
    // Refusals at as many boxes of the terminal: one alert each, since the refusals of one box (or of one kiosk)
    // grow a single alert (issue 10, row G).
    await server.fixture.ledger.write(async (context) => {
      for (let n = 0; n < RAISED; n++) {
        await raiseGateAlert(
          context,
          {
            type: 'GateAlertRaised',
            data: {
              rule: 'gate.refused',
              attemptId: `paging-${n}`,
              visitRef: `V-PAGING-${n}`,
              failed: [{ check: 'driver.badge', reason: 'the badge is not the nominated driver' }],
              operator: 'gus.clerk',
            },
          },
          { containerNumber: `PAGE${String(n).padStart(7, '0')}`, terminal: 'T1' },
          'gus.clerk',
        );
      }
    });
  }

  it('shows the newest page first and appends the older alerts on "Show more alerts"', async () => {
    const { context, page, problems } = await signedInPage(suite.browser, suite.server, 'pam.super');
    await page.goto(`${suite.server.baseUrl}/alerts`);
    await page.getByRole('heading', { level: 1, name: 'Alerts' }).waitFor();
    const rows = page.getByRole('row').filter({ hasText: 'Gate refusal' });
    await rows.first().waitFor();
    expect(await rows.count()).toBe(DEFAULT_ALERT_PAGE);

    await page.getByRole('button', { name: 'Show more alerts' }).click();
    await rows.nth(RAISED - 1).waitFor();
    expect(await rows.count()).toBe(RAISED);
    expect(await page.getByRole('button', { name: 'Show more alerts' }).count()).toBe(0);
    expect(problems.unexpected()).toEqual([]);
    await context.close();
  });

  it('turns the list round on the raised column and filters it by rule, the CSV link following both (issue 14)', async () => {
    const { context, page, problems } = await signedInPage(suite.browser, suite.server, 'pam.super');
    await page.goto(`${suite.server.baseUrl}/alerts`);
    await page.getByRole('heading', { level: 1, name: 'Alerts' }).waitFor();
    const rows = page.getByRole('row').filter({ hasText: 'Gate refusal' });
    await rows.first().waitFor();
    const raised = page.getByRole('columnheader', { name: /^Raised/ });
    const csv = page.getByRole('link', { name: 'Download the list as CSV' });
    /** The number of the box the first row is about: the alerts were raised in the order of their numbers. */
    const firstBox = async () => /V-PAGING-(\d+)/.exec((await rows.first().textContent()) ?? '')?.[1];

    expect(await raised.getAttribute('aria-sort')).toBe('descending');
    expect(await firstBox()).toBe(String(RAISED - 1));
    expect(await csv.getAttribute('href')).toContain('direction=desc');

    await raised.getByRole('button').click();
    await raised.and(page.locator('[aria-sort="ascending"]')).waitFor();
    await page.waitForFunction(() =>
      /V-PAGING-0\b/.test(document.querySelector('tbody tr')?.textContent ?? ''),
    );
    expect(await firstBox()).toBe('0');
    expect(await rows.count()).toBe(DEFAULT_ALERT_PAGE);
    expect(await csv.getAttribute('href')).toContain('direction=asc');

    await page.getByLabel('Rule').selectOption({ label: 'Account lockout' });
    await page.getByText('No alert matches these filters.').waitFor();
    expect(await rows.count()).toBe(0);
    const href = (await csv.getAttribute('href')) ?? '';
    expect(href).toContain('rule=auth.lockout');
    expect(href).toContain('direction=asc');
    expect(href).toContain('format=csv');

    await page.getByLabel('Rule').selectOption({ label: 'Gate refusal' });
    await rows.first().waitFor();
    expect(await firstBox()).toBe('0');
    expect(await csv.getAttribute('href')).toContain('rule=gate.refused');
    expect(problems.unexpected()).toEqual([]);
    await context.close();
  });
});
