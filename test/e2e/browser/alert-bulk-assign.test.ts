/**
 * Issue 14, the alerts list: a supervisor acknowledges several alerts at once, and assigns one to a colleague picked
 * by name from a searchable people picker, with the keyboard, instead of typing a user id.
 */
import { expect, it } from 'vitest';
import { raiseGateAlert } from '../../../src/app/alerts/index.js';
import { screenshot } from '../../support/browser.js';
import {
  addPeople,
  type ConsoleSuite,
  consoleSuite,
  describeBrowser,
  signedInPage,
} from '../../support/console-session.js';

describeBrowser('alerts: acknowledge several at once, assign from a people picker (issue 14)', () => {
  const suite = consoleSuite({ setup, timeout: 120_000 });

  async function setup({ server }: ConsoleSuite): Promise<void> {
    await addPeople(server, [
      ['pam.super', 'nqt', 'terminal_supervisor', 'Pam Supervisor'],
      ['gus.clerk', 'nqt', 'gate_clerk', 'Gus Clerk'],
      ['sue.second', 'nqt', 'terminal_supervisor', 'Sue Second'],
    ]);
    await server.fixture.ledger.write(async (context) => {
      for (let n = 0; n < 3; n++) {
        await raiseGateAlert(
          context,
          {
            type: 'GateAlertRaised',
            data: {
              rule: 'gate.refused',
              attemptId: `bulk-${n}`,
              visitRef: `V-BULK-${n}`,
              failed: [{ check: 'driver.badge', reason: 'the badge is not the nominated driver' }],
              operator: 'gus.clerk',
            },
          },
          { containerNumber: `BULK${String(n).padStart(7, '0')}`, terminal: 'T1' },
          'gus.clerk',
        );
      }
    });
  }

  it('acknowledges the chosen alerts in one go, then assigns one to a colleague chosen by name', async () => {
    const { context, page, problems } = await signedInPage(suite.browser, suite.server, 'pam.super');
    await page.goto(`${suite.server.baseUrl}/alerts`);
    const rows = page.getByRole('row').filter({ hasText: 'Gate refusal' });
    await rows.first().waitFor({ timeout: 15_000 });
    expect(await rows.count()).toBe(3);
    const bulk = page.getByRole('button', { name: 'Acknowledge the chosen alerts' });
    expect(await bulk.isDisabled()).toBe(true);

    await rows.nth(0).getByRole('checkbox').check();
    await rows.nth(1).getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Acknowledge the 2 chosen alerts' }).click();
    await page.getByText('2 alerts acknowledged.').waitFor({ timeout: 10_000 });
    await expect.poll(() => rows.filter({ hasText: 'Acknowledged' }).count(), { timeout: 10_000 }).toBe(2);
    await screenshot(page, 'alerts-bulk-acknowledged');

    // Assign the third from the people picker: type part of the name, choose with the keyboard.
    await rows
      .nth(2)
      .getByRole('button', { name: /^Assign alert/ })
      .click();
    const person = page.getByRole('combobox', { name: 'Assign to' });
    await person.fill('sue');
    await page.getByRole('option', { name: 'Sue Second' }).waitFor();
    expect(await page.getByRole('listbox', { name: 'Assign to' }).getByRole('option').count()).toBe(1);
    await person.press('Enter');
    expect(await person.inputValue()).toBe('Sue Second');
    await screenshot(page, 'alerts-assign-picker');
    await page.getByRole('button', { name: 'Assign', exact: true }).click();
    await page.getByText('Sue Second', { exact: false }).first().waitFor();
    await expect.poll(() => rows.nth(2).textContent(), { timeout: 10_000 }).toContain('sue.second');
    expect(problems.unexpected()).toEqual([]);
    await context.close();
  });
});
