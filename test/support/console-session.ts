/**
 * The wiring every browser test of the console shares: a suite with the console built, a real server and headless
 * Chromium (started before, closed after), the people and organisations of its port, and browser contexts signed in
 * with a minted session (for tests of what a signed-in role sees; the sign-in ceremonies have their own tests).
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe } from 'vitest';
import type { SessionRecord } from '../../src/app/access/identity.ports.js';
import { addOrganisation, addUser } from '../../src/app/access/index.js';
import { type ConsoleServer, startConsoleServer } from '../e2e/browser/console-server.js';
import {
  chromiumAvailable,
  collectPageProblems,
  ensureConsoleBuilt,
  launchBrowser,
  type PageProblems,
  pageWithAuthenticator,
} from './browser.js';
import { enrolConfirmAndSignIn } from './journeys.js';
import { mintSession } from './sessions.js';

/** `describe` for the tests that drive Chromium: skipped, visibly, where there is none (see `chromiumAvailable`). */
export function describeBrowser(name: string, body: () => void): void {
  describe.skipIf(!chromiumAvailable())(name, body);
}

export interface ConsoleSuite {
  readonly server: ConsoleServer;
  readonly browser: Browser;
}

/**
 * Starts the console server and Chromium before the suite's tests (after building the console when `web/` changed)
 * and closes both after them. Call it inside the suite's `describe`; read `server` and `browser` in hooks and tests.
 * `setup` runs in the same `beforeAll`, so `timeout` covers the build, the start and the setup together.
 */
export function consoleSuite(
  options: {
    server?: Parameters<typeof startConsoleServer>[0];
    setup?: (suite: ConsoleSuite) => Promise<void>;
    timeout?: number;
  } = {},
): ConsoleSuite {
  let server: ConsoleServer | undefined;
  let browser: Browser | undefined;
  const suite: ConsoleSuite = {
    get server() {
      if (!server) throw new Error('the console server is not started yet (use it in a hook or a test)');
      return server;
    },
    get browser() {
      if (!browser) throw new Error('the browser is not launched yet (use it in a hook or a test)');
      return browser;
    },
  };
  beforeAll(async () => {
    await ensureConsoleBuilt();
    server = await startConsoleServer(options.server);
    browser = await launchBrowser();
    await options.setup?.(suite);
  }, options.timeout);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  return suite;
}

/** Registers organisations (the terminal `nqt` comes with the console server). */
export async function addOrganisations(
  server: ConsoleServer,
  organisations: readonly Parameters<typeof addOrganisation>[1][],
): Promise<void> {
  for (const organisation of organisations) await addOrganisation(server.auth, organisation);
}

/** `[userId, orgId, role, displayName?]`: a person holding one role; the display name defaults to the user id. */
export type PersonRow = readonly [userId: string, orgId: string, role: string, displayName?: string];

/**
 * Registers people (username = user id, one role each) and returns each one's one-time enrolment token by user id.
 */
export async function addPeople(
  server: ConsoleServer,
  people: readonly PersonRow[],
): Promise<Record<string, string>> {
  const enrolmentTokens: Record<string, string> = {};
  for (const [userId, orgId, role, displayName] of people) {
    const added = await addUser(server.auth, {
      userId,
      orgId,
      username: userId,
      displayName: displayName ?? userId,
      roles: [role],
      issuedBy: 'test',
    });
    enrolmentTokens[userId] = added.enrolmentToken;
  }
  return enrolmentTokens;
}

export interface SessionOptions {
  method?: SessionRecord['method'];
  /** Whether the session carries a fresh step-up (default: yes). */
  stepUp?: boolean;
}

/** Mints a session for `userId` and sets it as the context's session cookie, replacing any cookie it had. */
export async function addSessionCookie(
  context: BrowserContext,
  server: ConsoleServer,
  userId: string,
  options: SessionOptions = {},
): Promise<void> {
  const session = await mintSession(server.auth, userId, options);
  await context.clearCookies();
  await context.addCookies([
    { name: 'pl_session', value: session.cookie, url: server.baseUrl, httpOnly: true, sameSite: 'Strict' },
  ]);
}

export const desktop = { width: 1280, height: 800 } as const;

/**
 * A fresh browser context signed in as `userId` (or signed out when `userId` is undefined), with one page whose
 * problems are collected from the start.
 */
export async function signedInPage(
  browser: Browser,
  server: ConsoleServer,
  userId: string | undefined,
  options: SessionOptions & { viewport?: { width: number; height: number }; locale?: string } = {},
): Promise<{ context: BrowserContext; page: Page; problems: PageProblems }> {
  const context = await browser.newContext({
    viewport: options.viewport ?? desktop,
    ...(options.locale ? { locale: options.locale } : {}),
  });
  if (userId !== undefined) await addSessionCookie(context, server, userId, options);
  const page = await context.newPage();
  return { context, page, problems: collectPageProblems(page) };
}

/**
 * A fresh browser context of `person` with a passkey enrolled on a virtual authenticator from the one-time link and
 * confirmed (as the operator does), then signed in with a minted session (e.g. without a step-up, so that a passkey step-up prompt can follow). The
 * page's problems are collected from the start, enrolment included.
 */
export async function enrolledPage(
  browser: Browser,
  server: ConsoleServer,
  person: { userId: string; displayName: string; enrolmentToken: string },
  options: SessionOptions & { viewport?: { width: number; height: number } } = {},
): Promise<{ context: BrowserContext; page: Page; problems: PageProblems }> {
  const { context, page, problems } = await pageWithAuthenticator(browser, options.viewport);
  await enrolConfirmAndSignIn(page, server, person);
  await addSessionCookie(context, server, person.userId, options);
  return { context, page, problems };
}
