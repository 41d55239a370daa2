/**
 * The alerts console pages the alert read model: the first page shows the newest alerts, "Show more alerts" appends
 * the older ones, and the button goes once the last page is shown.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser } from '../../../src/app/admin.usecases.js';
import { DEFAULT_ALERT_PAGE, raiseGateAlert } from '../../../src/app/alerts.usecases.js';
import {
  chromiumAvailable,
  collectPageProblems,
  ensureConsoleBuilt,
  launchBrowser,
} from '../../support/browser.js';
import { mintSession } from '../../support/sessions.js';
import { type ConsoleServer, startConsoleServer } from './console-server.js';

const RAISED = DEFAULT_ALERT_PAGE + 5;

describe.skipIf(!chromiumAvailable())('alerts console paging in Chromium (real server)', () => {
  let server: ConsoleServer;
  let browser: Browser;

  beforeAll(async () => {
    await ensureConsoleBuilt();
    server = await startConsoleServer();
    browser = await launchBrowser();
    for (const [userId, role] of [
      ['pam.super', 'terminal_supervisor'],
      ['gus.clerk', 'gate_clerk'],
    ] as const) {
      await addUser(server.auth, {
        userId,
        orgId: 'nqt',
        username: userId,
        displayName: userId,
        roles: [role],
        issuedBy: 'test',
      });
    }
    // Refusals of credentials that did not open: they belong to the refusing clerk's terminal.
    await server.fixture.ledger.write(async (context) => {
      for (let n = 0; n < RAISED; n++) {
        await raiseGateAlert(
          context,
          {
            type: 'GateAlertRaised',
            data: {
              rule: 'gate.refused',
              attemptId: `paging-${n}`,
              visitRef: 'unidentified',
              failed: [{ check: 'credential', reason: 'signature does not verify' }],
              operator: 'gus.clerk',
            },
          },
          undefined,
          'gus.clerk',
        );
      }
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows the newest page first and appends the older alerts on "Show more alerts"', async () => {
    const session = await mintSession(server.auth, 'pam.super');
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.addCookies([
      { name: 'pl_session', value: session.cookie, url: server.baseUrl, httpOnly: true, sameSite: 'Strict' },
    ]);
    const page = await context.newPage();
    const problems = collectPageProblems(page);
    await page.goto(`${server.baseUrl}/alerts`);
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
});
