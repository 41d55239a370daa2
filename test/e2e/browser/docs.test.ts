/**
 * Swagger UI at /docs (issue 16) in a real browser: it renders the API's operations under the page's own
 * Content-Security-Policy, with no CSP violation and no request to another origin (it works on a port network with no
 * way out), and the console's private routes are not among them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchBrowser } from '../../support/browser.js';
import { type ConsoleServer, startConsoleServer } from './console-server.js';

describe.skipIf(!chromiumAvailable())('Swagger UI at /docs in Chromium', () => {
  let server: ConsoleServer;

  beforeAll(async () => {
    server = await startConsoleServer();
  });

  afterAll(async () => {
    await server?.close();
  });

  it('renders the operations under its CSP, loading nothing from elsewhere', async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      const elsewhere: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text());
      });
      page.on('pageerror', (error) => problems.push(error.message));
      page.on('request', (request) => {
        const url = request.url();
        if (!url.startsWith(server.baseUrl) && !url.startsWith('data:')) elsewhere.push(url);
      });
      await page.goto(`${server.baseUrl}/docs`);
      // Swagger UI draws one block per operation once it has read /docs/json.
      const visits = page.locator('.opblock-summary-path[data-path="/v1/visits/{visitRef}"]');
      await visits.first().waitFor({ timeout: 60_000 });
      expect(await page.locator('.opblock').count()).toBeGreaterThan(50);
      expect(await page.locator('.opblock-summary-path[data-path^="/v1/auth/"]').count()).toBe(0);
      expect(await page.locator('.opblock-summary-path[data-path="/v1/me/passkeys"]').count()).toBe(0);
      // Opening an operation shows its schema: the UI's scripts run, not only its first paint.
      await visits.first().click();
      await page.locator('.opblock.is-open .responses-wrapper').first().waitFor({ timeout: 30_000 });
      expect(problems.filter((text) => /Content Security Policy|Refused to/i.test(text))).toEqual([]);
      expect(problems).toEqual([]);
      expect(elsewhere).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 180_000);
});
