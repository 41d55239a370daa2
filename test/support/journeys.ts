/**
 * Helpers for the browser journeys (test/e2e/browser/role-journeys.test.ts, antwerp-ui.test.ts): a small port with
 * one organisation of every kind and one person per role, signing people in THROUGH the console (passkey on a CDP
 * virtual authenticator, or password + TOTP), numbered screenshots, and the menu a person sees.
 *
 * Direct API calls here are for SETUP only (what is not the journey under test); every journey step is a click.
 */

import { Secret, TOTP, URI } from 'otpauth';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { addOrganisation, addUser } from '../../src/app/access/index.js';
import { runReleaseCommand } from '../../src/app/releases/index.js';
import { announceVisit, runVisitCommand } from '../../src/app/visits/index.js';
import { computeCheckDigit } from '../../src/domain/index.js';
import type { ConsoleServer } from '../e2e/browser/console-server.js';
import { type PageProblems, pageWithAuthenticator, screenshot } from './browser.js';
import { confirmEnrolment } from './enrolment.js';
import { testTerminals } from './ledger.js';
import { principal } from './pickup.js';
import { mintSession } from './sessions.js';

/**
 * A server clock from 09:50 UTC tomorrow, running: the 10:00 slot is open at the gate (grace included) and every
 * slot of that day is still ahead in the browser's own clock, whatever the hour the tests run.
 */
export function tomorrowMorning(): { clock: { now(): Date }; day: string; slotId(hhmm: string): string } {
  const started = Date.now();
  const today = new Date(started);
  const anchor = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + 1, 9, 50);
  const day = new Date(anchor).toISOString().slice(0, 10);
  return {
    clock: { now: () => new Date(anchor + (Date.now() - started)) },
    day,
    slotId: (hhmm) => `T1@${day.replace(/-/g, '')}T${hhmm.replace(':', '')}Z`,
  };
}

/** A valid ISO 6346 number of `owner` (4 letters) and a serial. */
export function containerNumber(owner: string, serial: number): string {
  const first10 = `${owner}${String(serial).padStart(6, '0')}`;
  return `${first10}${computeCheckDigit(first10)}`;
}

export interface Person {
  readonly userId: string;
  readonly displayName: string;
  readonly orgId: string;
  readonly orgName: string;
  readonly role: string;
  /** The one-time enrolment link's token. */
  readonly enrolmentToken: string;
  /** Only for the roles that may sign in with password + TOTP. */
  readonly password?: string;
  readonly totpSecret?: string;
}

/** The organisations of the journeys; `nqt` (North Quay Terminal, T1) comes with the console server. */
export const orgs = {
  nqt: { orgId: 'nqt', name: 'North Quay Terminal' },
  line: { orgId: 'org-line', kind: 'shipping_line', name: 'Mediterranean Lines', code: 'MSCU' },
  forwarder: { orgId: 'org-fwd', kind: 'forwarder', name: 'Fast Forwarding', code: 'FFWD' },
  haulier: { orgId: 'org-hau', kind: 'haulier', name: 'Delta Transport', code: 'DLTA' },
  customs: { orgId: 'org-customs', kind: 'customs', name: 'Belgian Customs', code: 'BECUS' },
  police: { orgId: 'org-police', kind: 'port_police', name: 'Port Police', code: 'POLI' },
  admin: { orgId: 'org-padm', kind: 'port_administration', name: 'Port Administration', code: 'PADM' },
} as const;

const PASSWORD_ROLES = new Set(['driver', 'customs_officer', 'investigator']);

/** Registers every organisation of {@link orgs} but the terminal, which the console server registers. */
export async function addJourneyOrganisations(server: ConsoleServer): Promise<void> {
  for (const org of [orgs.line, orgs.forwarder, orgs.haulier, orgs.customs, orgs.police, orgs.admin])
    await addOrganisation(server.auth, org);
}

/** A person in `orgId` holding `role`, with an enrolment link, and for the password roles a password + TOTP. */
export async function addPerson(
  server: ConsoleServer,
  person: { userId: string; displayName: string; orgId: string; role: string },
): Promise<Person> {
  const withPassword = PASSWORD_ROLES.has(person.role);
  const added = await addUser(server.auth, {
    userId: person.userId,
    orgId: person.orgId,
    username: person.userId,
    displayName: person.displayName,
    roles: [person.role],
    issuedBy: 'test',
    ...(withPassword ? { withPassword: { password: `pw of ${person.userId} 2026!` } } : {}),
  });
  const org = await server.fixture.store.identity.getOrganisation(person.orgId);
  const totpSecret = added.totpUri ? (URI.parse(added.totpUri) as TOTP).secret.base32 : undefined;
  return {
    ...person,
    orgName: org?.name ?? person.orgId,
    enrolmentToken: added.enrolmentToken,
    ...(added.password ? { password: added.password } : {}),
    ...(totpSecret ? { totpSecret } : {}),
  };
}

/** `[userId, displayName, orgId, role]`, one person of a story. */
export type CastRow = readonly [userId: string, displayName: string, orgId: string, role: string];

/** Adds every person of `cast` (see {@link addPerson}), by user id. */
export async function addCast(
  server: ConsoleServer,
  cast: readonly CastRow[],
): Promise<Record<string, Person>> {
  const people: Record<string, Person> = {};
  for (const [userId, displayName, orgId, role] of cast)
    people[userId] = await addPerson(server, { userId, displayName, orgId, role });
  return people;
}

/** Fails the test when a page of `open` threw a script error (refused requests are expected answers, not this). */
export function expectNoPageErrors(open: readonly SignedIn[]): void {
  for (const signedIn of open)
    expect(signedIn.problems.all.filter((problem) => problem.kind === 'pageerror')).toEqual([]);
}

/**
 * Plants a password and a TOTP seed for a person of a passkey-only role, as a rogue administrator or a legacy import
 * might (PortLedger itself never gives such a role one): the keylogged secrets of the Antwerp attack.
 */
export async function plantPassword(
  server: ConsoleServer,
  userId: string,
): Promise<{ password: string; totpSecret: string }> {
  const password = `keylogged ${userId}`;
  const secret = new Secret({ size: 20 });
  await server.fixture.store.writeTransaction(async (tx) => {
    await tx.identity.putPasswordCredential({
      userId,
      passwordHash: await server.auth.security.passwords.hash(password),
      totpSecretSealed: server.auth.security.sealer.seal(new Uint8Array(secret.buffer)),
      totpLastStep: 0,
    });
  });
  return { password, totpSecret: secret.base32 };
}

/** The 6-digit code of a base32 TOTP secret at the server's time (its clock may run a day ahead). */
export function totpCode(server: ConsoleServer, secret: string): string {
  return new TOTP({ secret }).generate({ timestamp: server.auth.ledger.clock.now().getTime() });
}

/** A box of the line MSCU gated in at `slot` of T1: in the yard, every light green once released. */
export async function boxInYard(
  server: ConsoleServer,
  number: string,
  slot: { block: string; bay: number; row: number; tier: number },
): Promise<string> {
  const ledger = server.fixture.ledger;
  const { visit } = await announceVisit(ledger, testTerminals, {
    containerNumber: number,
    line: orgs.line.code,
    sizeType: '22G1',
    fullEmpty: 'full',
    arrival: { mode: 'truck' },
  });
  await runVisitCommand(ledger, testTerminals, visit.visitRef, {
    type: 'GateInContainer',
    slot: { terminal: 'T1', ...slot },
  });
  return visit.visitRef;
}

/** SETUP: the line issues the release of `visitRef`, offering the right to `firstParty`. */
export async function issueRelease(
  server: ConsoleServer,
  lineDesk: Person,
  visitRef: string,
  firstParty: string,
): Promise<void> {
  const now = server.fixture.ledger.clock.now().getTime();
  await runReleaseCommand(
    server.fixture.ledger,
    principal({
      userId: lineDesk.userId,
      orgId: orgs.line.orgId,
      orgKind: 'shipping_line',
      orgCode: orgs.line.code,
      roles: ['release_desk'],
    }),
    visitRef,
    {
      type: 'IssueRelease',
      releaseId: `R-${visitRef.slice(0, 12)}`,
      visitRef,
      line: orgs.line.code,
      validFrom: new Date(now - 3_600_000).toISOString(),
      validUntil: new Date(now + 7 * 86_400_000).toISOString(),
      firstParty,
    },
  );
}

/** SETUP: an HTTP call to the real server as `userId` (a minted session with a fresh step-up). */
export async function callAs(
  server: ConsoleServer,
  userId: string,
  method: 'GET' | 'POST',
  url: string,
  payload?: object,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const session = await mintSession(server.auth, userId);
  const response = await server.app.inject({
    method,
    url,
    cookies: session.cookies,
    headers: session.headers,
    ...(payload ? { payload } : {}),
  });
  return { status: response.statusCode, body: response.json() as Record<string, unknown> };
}

export interface SignedIn {
  readonly context: BrowserContext;
  readonly page: Page;
  readonly problems: PageProblems;
  /**
   * Saves `test-results/screenshots/<prefix>-<nn>-<screen>.png`, numbered in order per prefix; `prefix` defaults to
   * the one the person signed in under (a later step of a story may name its own).
   */
  shot(screen: string, prefix?: string): Promise<string>;
}

const counters = new Map<string, number>();

function shooter(page: Page, first: string): SignedIn['shot'] {
  return (screen, prefix = first) => {
    const n = (counters.get(prefix) ?? 0) + 1;
    counters.set(prefix, n);
    return screenshot(page, `${prefix}-${String(n).padStart(2, '0')}-${screen}`);
  };
}

async function openPage(browser: Browser, prefix: string, viewport?: { width: number; height: number }) {
  const { context, page, problems } = await pageWithAuthenticator(browser, viewport);
  return { context, page, problems, shot: shooter(page, prefix) };
}

/**
 * Opens `url` and waits for `ready`. Other test runs on the machine may rebuild the console (Vite empties
 * `dist/web` first) while this one serves it: a page that came up without its script is loaded once more.
 */
export async function gotoAndWait(
  page: Page,
  url: string,
  ready: ReturnType<Page['getByRole']>,
): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    await page.goto(url);
    try {
      await ready.waitFor({ timeout: attempt < 3 ? 10_000 : 20_000 });
      return;
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
}

/** Waits for the level-1 heading of the home page of `person`. */
async function home(page: Page, person: { displayName: string }): Promise<void> {
  await page
    .getByRole('heading', { level: 1, name: `Welcome, ${person.displayName}` })
    .waitFor({ timeout: 15_000 });
}

/**
 * Enrols a passkey on the page's virtual authenticator through `person`'s one-time link, has it confirmed through
 * the real use case as the operator's `portledger enrolment confirm --by-operator` does (a link's passkey signs in
 * only once confirmed: issue 10, row D), then signs in with it from the login page (discoverable credential, no
 * username typed). `atLogin` runs on the login page, before the sign-in.
 */
export async function enrolConfirmAndSignIn(
  page: Page,
  server: ConsoleServer,
  person: { userId: string; displayName: string; enrolmentToken: string },
  atLogin?: () => Promise<unknown>,
): Promise<void> {
  await gotoAndWait(
    page,
    `${server.baseUrl}/enrol#token=${encodeURIComponent(person.enrolmentToken)}`,
    page.getByRole('button', { name: 'Create my passkey' }),
  );
  await page.getByRole('button', { name: 'Create my passkey' }).click();
  await page
    .getByRole('heading', { level: 1, name: 'Your passkey is registered' })
    .waitFor({ timeout: 15_000 });
  await confirmEnrolment(server.auth, person.userId);
  await page.getByRole('link', { name: 'sign in with your passkey' }).click();
  await page.getByRole('heading', { level: 1, name: 'Sign in to PortLedger' }).waitFor();
  await atLogin?.();
  await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
  await home(page, person);
}

/**
 * Signs `person` in through the console with a passkey: enrols one on a fresh virtual authenticator from the
 * one-time link, has it confirmed, then signs in with it (discoverable credential, no username typed).
 */
export async function passkeySignIn(
  browser: Browser,
  server: ConsoleServer,
  person: Person,
  prefix: string,
  viewport?: { width: number; height: number },
): Promise<SignedIn> {
  const opened = await openPage(browser, prefix, viewport);
  const { page } = opened;
  await enrolConfirmAndSignIn(page, server, person, () => opened.shot('login'));
  await page.getByText('You signed in with a passkey').waitFor();
  await opened.shot('home');
  return opened;
}

/** Signs `person` (a role that may use one) in through the console's password + one-time code form. */
export async function passwordSignIn(
  browser: Browser,
  server: ConsoleServer,
  person: Person,
  prefix: string,
): Promise<SignedIn> {
  if (!person.password || !person.totpSecret) throw new Error(`${person.userId} has no password`);
  const opened = await openPage(browser, prefix);
  const { page } = opened;
  await gotoAndWait(page, `${server.baseUrl}/login`, page.getByLabel('Username'));
  await fillPasswordForm(page, person.userId, person.password, totpCode(server, person.totpSecret));
  await opened.shot('login');
  await page.getByRole('button', { name: 'Sign in with password and code' }).click();
  await home(page, person);
  await page.getByText('You signed in with your password and a one-time code.').waitFor();
  await opened.shot('home');
  return opened;
}

/** Opens a fresh browser page on /login for an attacker (no passkey on this device). */
export async function attackerPage(browser: Browser, server: ConsoleServer, prefix: string) {
  const opened = await openPage(browser, prefix);
  await gotoAndWait(opened.page, `${server.baseUrl}/login`, opened.page.getByLabel('Username'));
  return opened;
}

export async function fillPasswordForm(page: Page, username: string, password: string, code: string) {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByLabel('6-digit code').fill(code);
}

/** The labels of the main menu, in order, without the count of what waits behind an entry (issue 14). */
export async function menu(page: Page): Promise<string[]> {
  const nav = page.getByRole('navigation', { name: 'Main' });
  await nav.getByRole('link', { name: 'Home', exact: true }).waitFor();
  return nav.getByRole('link').evaluateAll((links) =>
    links.map((link) => {
      const label = link.cloneNode(true) as Element;
      for (const badge of label.querySelectorAll('[data-testid="nav-badge"]')) badge.remove();
      return (label.textContent ?? '').trim();
    }),
  );
}

/** Opens a menu entry by its label and waits for the page's level-1 heading. */
/**
 * A main menu entry by its label, whether or not the menu counts what waits there: the link is then named
 * "Releases, 3 waiting" (issue 14's work queues).
 */
export function menuLink(page: Page, label: string): Locator {
  const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: new RegExp(`^${escaped}(, \\d+ waiting)?$`) });
}

export async function openFromMenu(page: Page, label: string, heading: string | RegExp): Promise<void> {
  await menuLink(page, label).click();
  await page.getByRole('heading', { level: 1, name: heading }).waitFor({ timeout: 15_000 });
}

/**
 * Finds a container from the header's one search box (issue 14: number, bill of lading, booking, vessel call or
 * truck) and waits for its page to load (status card shown).
 */
export async function openContainer(page: Page, number: string): Promise<void> {
  await page.getByRole('search').getByRole('searchbox', { name: 'Find a box' }).fill(number);
  await page.getByRole('search').getByRole('button', { name: 'Find' }).click();
  await page.getByRole('heading', { level: 1, name: `Container ${number}` }).waitFor({ timeout: 15_000 });
  await page.getByRole('heading', { level: 2, name: 'Status' }).waitFor({ timeout: 15_000 });
}

/**
 * Runs an action guarded by a step-up: if the console asks "Confirm it's you" inline, confirms with the passkey;
 * then waits for `done`.
 */
export async function withStepUp(page: Page, done: ReturnType<Page['getByText']>): Promise<void> {
  const confirm = page.getByRole('button', { name: 'Confirm and continue' });
  const failed = page.locator('.notice').filter({ hasText: 'That did not work' });
  const fail = async () => {
    if (await failed.isVisible()) throw new Error(`the console says: ${await failed.textContent()}`);
  };
  await done.or(confirm).or(failed).first().waitFor({ timeout: 15_000 });
  await fail();
  if (await confirm.isVisible()) await confirm.click();
  await done.or(failed).first().waitFor({ timeout: 15_000 });
  await fail();
}

/**
 * A call to the API from inside the signed-in page (as a script injected in the person's browser would make it):
 * the session cookie and the CSRF token of the session ride along.
 */
export async function fetchFromPage(
  page: Page,
  method: 'GET' | 'POST' | 'DELETE',
  url: string,
  body?: unknown,
): Promise<{ status: number; contentType: string; body: Record<string, unknown> }> {
  return page.evaluate(
    async ({ method, url, body }) => {
      const session = (await (await fetch('/v1/auth/session')).json()) as { csrfToken: string };
      const response = await fetch(url, {
        method,
        headers: {
          'x-csrf-token': session.csrfToken,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      let parsed: Record<string, unknown> = {};
      try {
        parsed = JSON.parse(text) as Record<string, unknown>;
      } catch {
        parsed = { text };
      }
      return {
        status: response.status,
        contentType: response.headers.get('content-type') ?? '',
        body: parsed,
      };
    },
    { method, url, body },
  );
}
