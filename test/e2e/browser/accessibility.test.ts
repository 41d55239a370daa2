/**
 * Issue 5, quality: basic WCAG 2.1 AA on every screen of the console, as each role sees it in Chromium — labelled
 * controls (from Chromium's own accessibility tree), text contrast, a visible focus, the page's language, title
 * and heading. Each screen is audited once it has loaded its data, at 1280×800 and the gate also at tablet width.
 */
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { announceVisit } from '../../../src/app/visits/index.js';
import { base64url } from '../../../web/src/pickup-pass.js';
import { auditPage } from '../../support/a11y.js';
import { screenshot } from '../../support/browser.js';
import {
  type ConsoleSuite,
  consoleSuite,
  describeBrowser,
  signedInPage,
} from '../../support/console-session.js';
import {
  addJourneyOrganisations,
  addPerson,
  boxInYard,
  callAs,
  containerNumber,
  issueRelease,
  orgs,
  type Person,
} from '../../support/journeys.js';
import { testTerminals } from '../../support/ledger.js';

describeBrowser('accessibility of every screen (WCAG 2.1 AA basics)', () => {
  const people: Record<string, Person> = {};
  let number: string;
  const suite = consoleSuite({ setup, timeout: 120_000 });

  async function setup({ server }: ConsoleSuite): Promise<void> {
    await addJourneyOrganisations(server);
    for (const [key, userId, orgId, role] of [
      ['supervisor', 'a11y.supervisor', orgs.nqt.orgId, 'terminal_supervisor'],
      ['gate', 'a11y.gate', orgs.nqt.orgId, 'gate_clerk'],
      ['line', 'a11y.line', orgs.line.orgId, 'release_desk'],
      ['haulier', 'a11y.haulier', orgs.haulier.orgId, 'haulier_planner'],
      ['driver', 'a11y.driver', orgs.haulier.orgId, 'driver'],
      ['customs', 'a11y.customs', orgs.customs.orgId, 'customs_officer'],
      ['admin', 'a11y.admin', orgs.admin.orgId, 'administrator'],
    ] as const)
      people[key] = await addPerson(server, { userId, displayName: userId, orgId, role });
    number = containerNumber('MSCU', 771_001);
    const visitRef = await boxInYard(server, number, { block: 'A', bay: 1, row: 1, tier: 1 });
    await issueRelease(server, people.line!, visitRef, orgs.haulier.orgId);
    // Two boxes of one vessel call, so that the line's search lists them (issue 14).
    for (const serial of [771_002, 771_003]) {
      await announceVisit(server.fixture.ledger, testTerminals, {
        containerNumber: containerNumber('MSCU', serial),
        line: orgs.line.code,
        sizeType: '22G1',
        fullEmpty: 'full',
        arrival: { mode: 'vessel', vesselCall: 'A11Y-CALL-1' },
        transportDocumentReference: `MSCUB${serial}`,
      });
    }
    // A driver's phone waiting for the haulier planner, so that Approvals shows its Confirm and Reject.
    const key = (await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign'])) as CryptoKeyPair;
    const enrolled = await callAs(server, 'a11y.driver', 'POST', '/v1/me/devices', {
      publicKey: base64url(await crypto.subtle.exportKey('raw', key.publicKey)),
      label: 'Phone of the driver',
    });
    expect(enrolled.status).toBe(201);
  }

  function pageOf(person: Person | undefined, viewport = { width: 1280, height: 800 }) {
    return signedInPage(suite.browser, suite.server, person?.userId, { viewport });
  }

  async function audited(page: Page, name: string) {
    // Loaded: the page's heading is there and no loading indicator is left.
    await page.getByRole('heading', { level: 1 }).first().waitFor({ timeout: 15_000 });
    await page
      .locator('[aria-busy="true"], .loading')
      .first()
      .waitFor({ state: 'detached', timeout: 15_000 })
      .catch(() => undefined);
    await screenshot(page, `a11y-${name}`);
    return auditPage(page);
  }

  const screens: {
    who: string;
    path: () => string;
    name: string;
    viewport?: { width: number; height: number };
  }[] = [
    { who: '', path: () => '/login', name: 'login' },
    { who: 'supervisor', path: () => '/', name: 'home-supervisor' },
    // Work queues with something waiting (issue 14): a driver's phone to confirm, and its badge in the menu.
    { who: 'haulier', path: () => '/', name: 'home-queues-haulier' },
    { who: 'supervisor', path: () => '/yard', name: 'yard-map' },
    { who: 'supervisor', path: () => `/containers/${number}`, name: 'container-page' },
    { who: 'supervisor', path: () => '/alerts', name: 'alerts' },
    { who: 'supervisor', path: () => '/approvals', name: 'approvals' },
    { who: 'supervisor', path: () => '/audit', name: 'audit' },
    { who: 'supervisor', path: () => '/me/passkeys', name: 'passkeys' },
    { who: 'gate', path: () => '/gate', name: 'gate-kiosk' },
    { who: 'gate', path: () => '/gate', name: 'gate-kiosk-tablet', viewport: { width: 768, height: 1024 } },
    { who: 'line', path: () => '/releases', name: 'releases-line' },
    { who: 'haulier', path: () => '/releases', name: 'releases-haulier' },
    { who: 'haulier', path: () => '/approvals', name: 'approvals-haulier' },
    { who: 'driver', path: () => '/me/jobs', name: 'driver-jobs' },
    { who: 'customs', path: () => `/containers/${number}`, name: 'container-page-customs' },
    { who: 'admin', path: () => '/admin', name: 'admin' },
    { who: 'line', path: () => '/search?q=A11Y-CALL-1', name: 'search-results' },
    { who: 'supervisor', path: () => '/search?q=NO-SUCH-BOX', name: 'search-none' },
  ];

  it('the audit itself catches each kind of fault it checks', async () => {
    const { context, page } = await pageOf(undefined);
    try {
      await page.setContent(`<!doctype html><html><head><style>*:focus{outline:none}</style></head><body>
        <h1>One</h1><h1>Two</h1>
        <input type="text" placeholder="no label">
        <button></button>
        <p style="color:#aaa;background:#fff">pale grey on white</p>
        <p style="color:#767676;background:#fff">just enough grey</p>
        <a href="#x">a link that hides its focus</a>
      </body></html>`);
      const findings = await auditPage(page);
      const of = (rule: string) => findings.filter((f) => f.rule === rule).map((f) => f.detail);
      expect(of('document')).toEqual([
        '<html> has no lang',
        'the page has no title',
        '2 level-1 headings, not one',
      ]);
      expect(of('name')).toEqual([
        expect.stringMatching(/^textbox labelled only by its placeholder/),
        expect.stringMatching(/^button without an accessible name/),
      ]);
      expect(of('contrast')).toEqual([expect.stringMatching(/^"pale grey on white" 2\.32:1 < 4\.5:1/)]);
      expect(of('focus')).toHaveLength(3);
    } finally {
      await context.close();
    }
  });

  it.each(screens)(
    '$name has labelled controls, AA contrast, a visible focus and a title',
    async (screen) => {
      const { context, page, problems } = await pageOf(people[screen.who], screen.viewport);
      try {
        await page.goto(`${suite.server.baseUrl}${screen.path()}`);
        const findings = await audited(page, screen.name);
        expect(findings, JSON.stringify(findings, null, 2)).toEqual([]);
        expect(problems.unexpected()).toEqual([]);
      } finally {
        await context.close();
      }
    },
    60_000,
  );
});
