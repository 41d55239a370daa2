/**
 * Browser tests: Chromium driven by playwright-core, with a CDP virtual authenticator standing in for the
 * passkey of a person's device.
 *
 * Chromium comes from the system (`/usr/bin/chromium`, e.g. `apt-get install -y chromium`). Without it the browser
 * tests skip, visibly; under `CI=true` a missing browser is a failure instead.
 *
 * WebAuthn refuses an IP address as relying party: serve the console on `http://localhost:PORT`, never
 * `127.0.0.1`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  type Browser,
  type BrowserContext,
  type CDPSession,
  chromium,
  type Locator,
  type Page,
} from 'playwright-core';

export const chromiumPath = process.env.PORTLEDGER_CHROMIUM ?? '/usr/bin/chromium';

const projectRoot = resolve(import.meta.dirname, '..', '..');

/** Where screenshots go: `test-results/` is git-ignored. */
export const screenshotDir = resolve(projectRoot, 'test-results', 'screenshots');

/**
 * Whether the browser tests can run. Under CI a missing Chromium throws (the test file then fails); elsewhere the
 * tests skip and say why.
 */
export function chromiumAvailable(): boolean {
  if (existsSync(chromiumPath)) return true;
  const message = `Chromium not found at ${chromiumPath}: install it with \`apt-get install -y chromium\``;
  if (process.env.CI === 'true') throw new Error(`${message} (required in CI)`);
  console.warn(`[browser tests skipped] ${message}`);
  return false;
}

/**
 * Launches headless Chromium. Playwright's `launch` gives every browser a fresh, temporary user-data dir (profile),
 * deleted on close, so no cookie, passkey or cache survives from one test to the next.
 */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface VirtualAuthenticator {
  readonly cdp: CDPSession;
  readonly authenticatorId: string;
  /** The passkeys the authenticator holds (resident credentials). */
  credentials(): Promise<{ credentialId: string; rpId?: string; userHandle?: string; signCount: number }[]>;
  /** Whether the next ceremonies succeed with user verification (set false to simulate a cancelled prompt). */
  setUserVerified(isUserVerified: boolean): Promise<void>;
  remove(): Promise<void>;
}

/**
 * A platform authenticator (like Windows Hello or Touch ID) that holds discoverable credentials and verifies the
 * user, attached to `page` through CDP. Add it before the first click that may start a WebAuthn ceremony.
 */
export async function addVirtualAuthenticator(page: Page): Promise<VirtualAuthenticator> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return {
    cdp,
    authenticatorId,
    async credentials() {
      const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
      return credentials;
    },
    async setUserVerified(isUserVerified) {
      await cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified });
    },
    async remove() {
      await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId });
    },
  };
}

export interface PageProblem {
  readonly kind: 'console' | 'pageerror' | 'requestfailed' | 'response';
  readonly text: string;
  readonly url: string;
}

export interface PageProblems {
  readonly all: PageProblem[];
  /** Problems not matched by any of `expected` (matched against `url` and `text`). */
  unexpected(...expected: (string | RegExp)[]): PageProblem[];
}

/** A URL with its %-escapes decoded (visit references may end in `=` or `$`), or as it is when malformed. */
function decoded(url: string): string {
  try {
    return decodeURIComponent(url);
  } catch {
    return url;
  }
}

/**
 * Records everything that would show as an error in the browser: console errors, uncaught exceptions, requests
 * that failed on the network, and HTTP answers of 400 and above (which Chromium also logs to the console as
 * "Failed to load resource").
 *
 * A request the browser itself cancelled (`net::ERR_ABORTED`) is not recorded: Chromium aborts whatever is still in
 * flight, such as the favicon, when the page navigates or a fetch is aborted on purpose, and no user sees it.
 */
export function collectPageProblems(page: Page): PageProblems {
  const all: PageProblem[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error')
      all.push({ kind: 'console', text: message.text(), url: message.location().url ?? '' });
  });
  page.on('pageerror', (error) => all.push({ kind: 'pageerror', text: String(error), url: page.url() }));
  page.on('requestfailed', (request) => {
    const text = request.failure()?.errorText ?? 'failed';
    if (text !== 'net::ERR_ABORTED') all.push({ kind: 'requestfailed', text, url: request.url() });
  });
  page.on('response', (response) => {
    if (response.status() >= 400)
      all.push({
        kind: 'response',
        text: `${response.request().method()} ${response.status()}`,
        url: response.url(),
      });
  });
  return {
    all,
    unexpected(...expected) {
      return all.filter(
        (problem) =>
          !expected.some((pattern) =>
            typeof pattern === 'string'
              ? decoded(problem.url).includes(pattern) ||
                problem.url.includes(pattern) ||
                problem.text.includes(pattern)
              : pattern.test(problem.url) || pattern.test(problem.text),
          ),
      );
    },
  };
}

/**
 * A fresh browser context (1280×800 unless `viewport` says otherwise) with one page whose problems are collected
 * from the start and a virtual authenticator attached before any ceremony can begin.
 */
export async function pageWithAuthenticator(
  browser: Browser,
  viewport: { width: number; height: number } = { width: 1280, height: 800 },
): Promise<{
  context: BrowserContext;
  page: Page;
  problems: PageProblems;
  authenticator: VirtualAuthenticator;
}> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const problems = collectPageProblems(page);
  const authenticator = await addVirtualAuthenticator(page);
  return { context, page, problems, authenticator };
}

/** Saves a full-page screenshot as `test-results/screenshots/NAME.png` and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name}.png`);
  await page.screenshot({ path, fullPage: true, animations: 'disabled' });
  return path;
}

const webSource = resolve(projectRoot, 'web');
// The console also bundles the verifier-key parser it shares with the server (src/audit/note-key.ts).
const sharedSources = ['note-key.ts', 'text.ts'].map((file) => resolve(projectRoot, 'src', 'audit', file));
const webBuilt = resolve(projectRoot, 'dist', 'web', 'index.html');

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce(
    (newest, entry) => (entry === 'node_modules' ? newest : Math.max(newest, newestMtime(join(path, entry)))),
    stat.mtimeMs,
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

/**
 * Builds the console into `dist/web` (as `npm run build` does) when it is missing or older than `web/`. Test files
 * run in parallel processes, so the build is guarded by a lock directory.
 */
export async function ensureConsoleBuilt(): Promise<void> {
  const fresh = () =>
    existsSync(webBuilt) &&
    statSync(webBuilt).mtimeMs >= Math.max(newestMtime(webSource), ...sharedSources.map(newestMtime));
  if (fresh()) return;
  const lock = resolve(projectRoot, 'dist', '.web-build.lock');
  mkdirSync(resolve(projectRoot, 'dist'), { recursive: true });
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock older than two minutes belongs to a crashed run.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 120_000)
        rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}`);
      await sleep(250);
    }
  }
  try {
    if (!fresh())
      execFileSync(
        resolve(projectRoot, 'node_modules', '.bin', 'vite'),
        ['build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'],
        // vitest sets NODE_ENV=test, which would bundle React's development build: StrictMode then mounts every
        // page twice and each request goes out twice. Test the console as it ships.
        { cwd: projectRoot, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } },
      );
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Chooses the driver with badge `badge` in the booking form's searchable driver picker (issue 14), by the badge. */
export function chooseDriver(scope: Page | Locator, badge: string, label = 'Driver'): Promise<void> {
  return chooseInPicker(scope, label, badge, `badge ${badge}`);
}

/**
 * Chooses, in the searchable picker labelled `label` (issue 14's combo boxes), the option named `option`: types
 * `typed` (part of it, as a person would) and clicks the option.
 */
export async function chooseInPicker(
  scope: Page | Locator,
  label: string,
  typed: string,
  option: string | RegExp,
): Promise<void> {
  await scope.getByRole('combobox', { name: label, exact: true }).fill(typed);
  const choice = scope.getByRole('option', { name: option });
  await choice.waitFor();
  await choice.click();
}
