/**
 * Issues 16 and 17 in Chromium against the real server: Admin → Integrations. A line's release desk adds an event
 * subscription from the page (its shared secret shown once), sees each subscription's delivery state — one whose
 * receiver on localhost took its notification, one whose receiver is down and whose notification became a dead
 * letter through the real outbox dispatcher (a closed port and a maximum age of 1 ms) — opens the dead letters, and
 * sees the EDI interchange it sent through `POST /v1/edi/interchanges` with its message's outcome. An administrator
 * finds the API tokens there too. In English and in Dutch; WCAG basics checked.
 * Screenshots: `integrations-<nn>-<screen>.png`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, expect, it } from 'vitest';
import {
  createSubscription,
  type DispatcherDeps,
  listSubscriptionDeliveries,
  parseCidrList,
  queueDeliveriesOnce,
  sendDueOnce,
} from '../../../src/app/partners/index.js';
import { hmacSha256, httpCallbackTransport } from '../../../src/security/callback-transport.js';
import { auditPage } from '../../support/a11y.js';
import { screenshot } from '../../support/browser.js';
import {
  addOrganisations,
  addPeople,
  addSessionCookie,
  type ConsoleSuite,
  consoleSuite,
  describeBrowser,
  signedInPage,
} from '../../support/console-session.js';
import { mintSession } from '../../support/sessions.js';

const LINE = { orgId: 'cos', kind: 'shipping_line', name: 'COSCO Shipping Lines', code: 'COS' } as const;
const BOX = 'MSKU9070323';
const secret = Buffer.from('thirty-two bytes of shared key!!').toString('base64');
const loopback = parseCidrList('127.0.0.1/32');

/** A COPARN D.00B (SMDG 2.0) of one message: the line announces one import box on a vessel call. */
const COPARN = [
  'UNB+UNOA:2+COSEDI+PORTLEDGER+260101:1200+IC7701',
  'UNH+M1+COPARN:D:00B:UN:SMDG20',
  'BGM+126+ANN1+9',
  'DTM+137:201901302054:203',
  'RFF+BN:400123456',
  'TDT+20+0002W+++COS:172:20+++XNOE:146:11:NOE VESSEL',
  'LOC+9+ITGOA:139:6',
  'NAD+CF+COS:160:166',
  `EQD+CN+${BOX}+45G1:102:5++3+5`,
  'RFF+BM:BL123',
  'LOC+11+ITGOA:139:6',
  'CNT+16:1',
  'UNT+12+M1',
  'UNZ+1+IC7701',
]
  .map((segment) => `${segment}'\n`)
  .join('');

/** A receiver on localhost that answers 204 to every callback. */
async function startReceiver(): Promise<{ url: string; received: string[]; close(): Promise<void> }> {
  const received: string[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push(Buffer.concat(chunks).toString('utf8'));
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port on localhost nobody listens on: taken, then closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describeBrowser('Admin → Integrations in the console (issues 16, 17)', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let deadUrl: string;
  let shots = 0;
  const shot = (page: Parameters<typeof screenshot>[0], name: string) =>
    screenshot(page, `integrations-${String(++shots).padStart(2, '0')}-${name}`);
  const suite = consoleSuite({ setup, timeout: 180_000 });
  afterAll(async () => {
    await receiver?.close();
  });

  async function setup({ server }: ConsoleSuite): Promise<void> {
    await addOrganisations(server, [
      LINE,
      { orgId: 'padm', kind: 'port_administration', name: 'Port Administration', code: 'PADM' },
    ]);
    await addPeople(server, [
      ['lena.line', LINE.orgId, 'release_desk', 'Lena Line'],
      ['ada.admin', 'padm', 'administrator', 'Ada Admin'],
    ]);
    receiver = await startReceiver();
    deadUrl = `http://127.0.0.1:${await closedPort()}/hook`;

    // Two thin webhooks of the line, made through the use case: the console server's own guard allows no loopback.
    const ledger = server.auth.ledger;
    const subscriptionDeps = {
      ledger,
      sealer: server.auth.security.sealer,
      resolve: async () => [],
      allow: loopback,
    };
    const caller = { orgId: LINE.orgId, actor: 'lena.line' };
    await createSubscription(subscriptionDeps, caller, {
      kind: 'thin',
      callbackUrl: receiver.url,
      secret,
      filters: {},
    });
    const dead = await createSubscription(subscriptionDeps, caller, {
      kind: 'thin',
      callbackUrl: deadUrl,
      secret,
      filters: {},
    });

    // The line sends a COPARN through the real route: the box is announced, and each webhook gets a notification.
    const session = await mintSession(server.auth, 'lena.line');
    const imported = await server.app.inject({
      method: 'POST',
      url: '/v1/edi/interchanges',
      cookies: session.cookies,
      headers: { ...session.headers, 'content-type': 'application/edifact' },
      payload: COPARN,
    });
    expect(imported.statusCode, imported.body).toBe(201);
    expect(imported.json()).toMatchObject({
      outcome: 'applied',
      messages: [{ type: 'COPARN', outcome: 'applied' }],
    });

    // The real dispatcher: queue the thin feed, then send until the receiver has it and the other is a dead letter.
    const deps: DispatcherDeps = {
      ledger,
      sealer: server.auth.security.sealer,
      hmac: hmacSha256,
      transport: httpCallbackTransport({ allow: loopback }),
      policy: { baseMs: 10, capMs: 50, maxAgeMs: 1 },
      timeoutMs: 10_000,
    };
    while ((await queueDeliveriesOnce(deps, 'thin')).read > 0);
    const deadLetters = () =>
      listSubscriptionDeliveries(ledger.store.outbox, caller, dead.subscriptionID, { status: 'dead' });
    for (
      let round = 0;
      round < 200 && (receiver.received.length === 0 || (await deadLetters()).length === 0);
      round++
    ) {
      await sendDueOnce(deps);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(receiver.received.length).toBeGreaterThan(0);
    expect((await deadLetters()).length).toBeGreaterThan(0);
  }

  it('adds a subscription, shows each one’s delivery state and dead letters, and the EDI file received', async () => {
    const { context, page, problems } = await signedInPage(suite.browser, suite.server, 'lena.line');
    try {
      await page.goto(`${suite.server.baseUrl}/`);
      await page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Integrations' })
        .click();
      await page.getByRole('heading', { level: 1, name: 'Integrations' }).waitFor();
      const subscriptions = page.getByRole('region', { name: 'Event subscriptions' });
      await subscriptions.getByRole('table').waitFor();

      // Add one from the page: container events of one box, sent to a public address.
      const form = page.getByRole('form', { name: 'Add a subscription' });
      await form.getByLabel("Your system's address").fill('https://93.184.215.14/portledger/events');
      await form.getByLabel('Only this container (optional)').fill('cosu1234560');
      await form.getByRole('checkbox', { name: 'Discharged (DISC)' }).check();
      await form.getByRole('button', { name: 'Add subscription' }).click();
      await page.getByText('Subscription to https://93.184.215.14/portledger/events added.').waitFor();
      const shown = await page.getByTestId('subscription-secret').textContent();
      expect(Buffer.from(shown ?? '', 'base64')).toHaveLength(32);
      const added = subscriptions
        .getByRole('row')
        .filter({ hasText: 'https://93.184.215.14/portledger/events' });
      await added.waitFor();
      expect(await added.textContent()).toContain('Container events (DCSA Track & Trace)');
      expect(await added.textContent()).toContain('Discharged (DISC)');
      expect(await added.textContent()).toContain('Only container COSU1234560');
      await added.getByText('Nothing sent yet').waitFor();

      // The delivery state of each: the live receiver's delivered, the closed port's a dead letter.
      const live = subscriptions.getByRole('row').filter({ hasText: receiver.url });
      await live
        .getByTestId('delivery-state')
        .filter({ hasText: /^1 delivered$/ })
        .waitFor();
      expect(await live.textContent()).toContain('Notifications of your own work');
      const down = subscriptions.getByRole('row').filter({ hasText: deadUrl });
      await down
        .getByTestId('delivery-state')
        .filter({ hasText: /^1 dead letter$/ })
        .waitFor();
      expect(await down.textContent()).toContain('Last error:');
      await shot(page, 'subscriptions');

      await page.getByRole('button', { name: `Show the dead letters of ${deadUrl}` }).click();
      const letters = page.getByRole('region', { name: `Dead letters of ${deadUrl}` });
      await letters.getByTestId('dead-letter').first().waitFor();
      expect(await letters.getByTestId('dead-letter').count()).toBe(1);
      expect(await letters.getByRole('columnheader').allTextContents()).toEqual([
        'Event',
        'Log entry',
        'Tries',
        'First tried',
        'Last error',
      ]);
      await shot(page, 'dead-letters');

      // The interchange received, its outcome and its message's.
      const interchanges = page.getByRole('region', { name: 'EDI files received' });
      const received = interchanges.getByTestId('interchange');
      await received.first().waitFor();
      expect(await received.count()).toBe(1);
      expect(await received.textContent()).toContain('COSEDI');
      expect(await received.textContent()).toContain('IC7701');
      expect(await received.textContent()).toContain('Applied');
      await received.getByText('1 message').click();
      const message = received.getByTestId('interchange-message');
      await message.waitFor();
      const messageText = await message.textContent();
      expect(messageText).toContain('Container announcement');
      expect(messageText).toContain('COPARN');
      expect(messageText).toContain('Applied');
      expect(messageText).toMatch(/\d+ entr(y|ies)/);
      await shot(page, 'interchange');

      // A file sent from the page with a wrong UNT count is refused naming the segment; nothing is kept.
      const sendForm = page.getByRole('form', { name: 'Send an EDI file' });
      const fileInput = sendForm.getByLabel('EDI file');
      await fileInput.setInputFiles({
        name: 'bad.edi',
        mimeType: 'application/edifact',
        buffer: Buffer.from(COPARN.replace('UNT+12+M1', 'UNT+13+M1'), 'latin1'),
      });
      await sendForm.getByRole('button', { name: 'Send file' }).click();
      const answer = sendForm.getByTestId('import-answer');
      await answer.getByText('Refused. Nothing changed.').waitFor();
      expect(await answer.textContent()).toMatch(/Segment 13:/);
      expect(await received.count()).toBe(1);
      await shot(page, 'import-refused');

      // The same file as the API sent: recognised, nothing changed.
      await fileInput.setInputFiles({
        name: 'coparn.edi',
        mimeType: 'application/edifact',
        buffer: Buffer.from(COPARN, 'latin1'),
      });
      await sendForm.getByRole('button', { name: 'Send file' }).click();
      await answer.getByText('This file was received before. Nothing changed.').waitFor();
      expect(await received.count()).toBe(1);

      const findings = await auditPage(page);
      expect(findings, JSON.stringify(findings, null, 2)).toEqual([]);
      // The refused file's 400 is the one answer of 400 or more the page asked for.
      expect(problems.unexpected('/v1/edi/interchanges')).toEqual([]);

      // A release desk manages no API tokens: that card is not there.
      expect(await page.getByRole('heading', { name: 'API tokens' }).count()).toBe(0);
    } finally {
      await context.close();
    }
  });

  it('speaks Dutch', async () => {
    const context = await suite.browser.newContext({ locale: 'nl-BE' });
    await addSessionCookie(context, suite.server, 'lena.line');
    const page = await context.newPage();
    try {
      await page.goto(`${suite.server.baseUrl}/admin/integrations`);
      await page.getByRole('heading', { level: 1, name: 'Koppelingen' }).waitFor();
      await page.getByRole('region', { name: 'Abonnementen op gebeurtenissen' }).getByRole('table').waitFor();
      await page.getByText('1 onbestelbaar bericht').waitFor();
      await page
        .getByRole('region', { name: 'Ontvangen EDI-bestanden' })
        .getByTestId('interchange')
        .waitFor();
      await shot(page, 'dutch');
    } finally {
      await context.close();
    }
  });

  it('shows an administrator the API tokens, the same card as on the Admin page', async () => {
    const { context, page } = await signedInPage(suite.browser, suite.server, 'ada.admin');
    try {
      await page.goto(`${suite.server.baseUrl}/admin/integrations`);
      await page.getByRole('heading', { level: 1, name: 'Integrations' }).waitFor();
      await page.getByRole('heading', { level: 2, name: 'API tokens' }).waitFor();
      // An administrator manages no subscriptions and reads no EDI files (policy table): those cards are not there.
      expect(await page.getByRole('heading', { name: 'Event subscriptions' }).count()).toBe(0);
      expect(await page.getByRole('heading', { name: 'EDI files received' }).count()).toBe(0);
      await shot(page, 'admin-tokens');
    } finally {
      await context.close();
    }
  });
});
