/**
 * Issue 6 acceptance: `portledger demo` (what `npm start` runs) migrates and seeds a fresh SQLite file, answers on
 * /healthz, and prints one-time enrolment links that work in a real browser; a second start keeps the data and
 * does not seed again. The demo runs in its own process with its simulator on, as a user would start it.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addVirtualAuthenticator,
  chromiumAvailable,
  collectPageProblems,
  ensureConsoleBuilt,
  launchBrowser,
  screenshot,
} from '../support/browser.js';
import { runCli, startCli } from '../support/cli.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** A port nobody listens on now: the enrolment links name the port, so it must be known before the start. */
function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}

/** Starts the demo and resolves once it prints that it listens, with everything it printed until then. */
async function startDemo(db: string, port: number) {
  const demo = startCli(['demo', '--db', db, '--port', String(port)], {
    PORTLEDGER_INTEGRITY_INTERVAL_MS: '60000',
  });
  let stdout = '';
  demo.child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  const startedAt = Date.now();
  await waitFor(
    'the demo to listen',
    () => (/listening on http:\/\//.test(stdout) ? true : undefined),
    110_000,
  );
  return { demo, stdout: () => stdout, listenedAfterMs: Date.now() - startedAt };
}

async function stop(demo: ReturnType<typeof startCli>) {
  demo.child.kill('SIGTERM');
  const result = await demo.done;
  return result;
}

/** The `[name, verifier key]` of each witness the demo printed. */
const witnessKeys = (stdout: string) =>
  [...stdout.matchAll(/^witness (\S+) cosigns on \S+ \((\S+)\)$/gm)].map((m) => [m[1], m[2]]);

/** The latest checkpoint gets both witnesses' cosignature lines, soon after the start. */
async function expectCosignedByBoth(base: string): Promise<void> {
  await expect
    .poll(
      async () => {
        const checkpoint = (await (await fetch(`${base}/v1/audit/checkpoint`)).json()) as {
          cosignatures?: { witness: string }[];
        };
        return (checkpoint.cosignatures ?? []).map((c) => c.witness).sort();
      },
      { timeout: 30_000, interval: 250 },
    )
    .toEqual(['customs.portledger.local/witness', 'port-authority.portledger.local/witness']);
}

describe('portledger demo: a fresh start, its printed links, and a second start', () => {
  const dir = mkdtempSync(join(tmpdir(), 'portledger-demo-'));
  const db = `sqlite:${join(dir, 'port.db')}`;
  let browser: Browser | undefined;

  beforeAll(async () => {
    if (chromiumAvailable()) {
      await ensureConsoleBuilt();
      browser = await launchBrowser();
    }
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('seeds, serves, prints working enrolment links, and keeps its data on a second start', async () => {
    const port = await freePort();
    const base = `http://localhost:${port}`;
    const first = await startDemo(db, port);
    try {
      const health = await fetch(`${base}/healthz`);
      expect(health.status).toBe(200);
      console.info(`[demo-start] first start: seeded and listening after ${first.listenedAfterMs} ms`);
      const printed = first.stdout();
      expect(printed).toMatch(/seeding the demo port/);
      expect(printed).toMatch(/the live simulator is on/);
      // Issue 14: the URL once, with localhost, and every time on the terminal's clock with its zone named.
      expect(printed.match(/listening on http:\/\/\S+/g)).toEqual([`listening on ${base}`]);
      expect(printed).toMatch(/appointments from \d{4}-\d{2}-\d{2} \d{2}:\d{2} \(Europe\/Brussels\)/);
      expect(printed).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
      // Issue 11: two witnesses run beside the demo, and its checkpoints come cosigned by both.
      expect(witnessKeys(printed).map(([name]) => name)).toEqual([
        'customs.portledger.local/witness',
        'port-authority.portledger.local/witness',
      ]);
      await expectCosignedByBoth(base);

      // One line per person with its link; the roles that may use a password also get one and a TOTP seed.
      const links = new Map(
        [...printed.matchAll(/^ {2}(\S+)\s+.*?(http:\/\/localhost:\d+\/enrol#token=\S+)$/gm)].map((m) => [
          m[1]!,
          m[2]!,
        ]),
      );
      for (const username of [
        'gate-clerk',
        'yard-planner',
        'supervisor',
        'line-clerk',
        'haulier-planner',
        'admin',
      ])
        expect(links.get(username), `a link for ${username}`).toMatch(new RegExp(`^${base}/enrol#token=`));
      expect(printed).toMatch(/or password \S+ \+ TOTP otpauth:\/\/totp\//);

      // The secrets file says the same, readable by its owner only.
      const secretsFile = join(dir, 'demo-secrets.json');
      expect(statSync(secretsFile).mode & 0o777).toBe(0o600);
      const secrets = JSON.parse(readFileSync(secretsFile, 'utf8')) as {
        users: { username: string; enrolmentLink: string }[];
      };
      expect(secrets.users.find((u) => u.username === 'yard-planner')?.enrolmentLink).toBe(
        links.get('yard-planner'),
      );

      // The demo confirms nobody itself (its links are what a thief holds); it prints how the operator confirms one,
      // with the code the enrolment page shows: whoever enrols first gets a pending passkey, and only the code on
      // the person's own screen tells theirs from a thief's.
      const confirmLine = printed.match(
        /^ {2}npx portledger (enrolment confirm .*--user USERNAME --code XXXX-XXXX --by-operator)$/m,
      );
      expect(confirmLine, 'the one-line way to confirm a pending enrolment').not.toBeNull();
      expect(printed.match(/enrolment confirm/g)).toHaveLength(1);
      expect(printed).toMatch(/with the code the enrolment page shows/);
      const confirm = (username: string, code: string) =>
        runCli(confirmLine![1]!.replace('USERNAME', username).replace('XXXX-XXXX', code).split(' '), {
          PORTLEDGER_INTEGRITY_INTERVAL_MS: '60000',
        });

      // A person follows the printed link in Chromium and registers a passkey; it waits for confirmation.
      if (browser) {
        const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
        const page = await context.newPage();
        const problems = collectPageProblems(page);
        const authenticator = await addVirtualAuthenticator(page);
        await page.goto(links.get('yard-planner')!);
        await page
          .getByRole('heading', { level: 1, name: 'Set up your passkey' })
          .waitFor({ timeout: 15_000 });
        await page.getByText('Yannick Yard').first().waitFor();
        await screenshot(page, 'demo-1-printed-enrolment-link');
        await page.getByRole('button', { name: 'Create my passkey' }).click();
        await page
          .getByRole('heading', { level: 1, name: 'Your passkey is registered' })
          .waitFor({ timeout: 15_000 });
        expect(await authenticator.credentials()).toHaveLength(1);
        await screenshot(page, 'demo-2-passkey-waits-for-confirmation');
        // The page shows the code Yannick reads out to the operator.
        const code =
          (await page.getByRole('status', { name: 'Confirmation code' }).textContent())?.trim() ?? '';
        expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);

        // A code that is not the page's confirms nothing.
        const wrong = await confirm(
          'yard-planner',
          code.endsWith('0') ? `${code.slice(0, 8)}1` : `${code.slice(0, 8)}0`,
        );
        expect(wrong.code).toBe(1);
        expect(wrong.stderr).toMatch(/enrolment\.code_mismatch/);

        // The operator at the machine confirms it with the printed one-liner and the code, seeing what it confirms.
        const confirmed = await confirm('yard-planner', code);
        expect(confirmed.stderr).toBe('');
        expect(confirmed.code).toBe(0);
        expect(confirmed.stdout).toMatch(/^confirmed the passkey of yard-planner:/);
        expect(confirmed.stdout).toMatch(/registered \S+ from \S+/);
        expect(confirmed.stdout).toMatch(/device: Mozilla\/5\.0/);

        await page.getByRole('link', { name: 'sign in with your passkey' }).click();
        await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
        await page
          .getByRole('heading', { level: 1, name: 'Welcome, Yannick Yard' })
          .waitFor({ timeout: 15_000 });
        // The planner's menu leads to the seeded yard.
        await page.getByRole('link', { name: 'Yard map' }).first().waitFor();
        await screenshot(page, 'demo-3-signed-in-once-confirmed');
        expect(problems.unexpected()).toEqual([]);
        await context.close();
      } else {
        console.warn(
          '[demo-start] chromium is not installed: the printed link was not followed in a browser',
        );
      }
    } finally {
      await stop(first.demo);
    }

    // The second start keeps the data and says it does not seed again; the used link stays used.
    const sizeBefore = statSync(join(dir, 'port.db')).size;
    const second = await startDemo(db, port);
    try {
      expect(second.stdout()).toMatch(/not seeding again/);
      // The witnesses keep their keys and state under the data directory, and go on cosigning the same log.
      expect(witnessKeys(second.stdout())).toEqual(witnessKeys(first.stdout()));
      await expectCosignedByBoth(base);
      expect(second.stdout()).not.toMatch(/seeding the demo port/);
      expect(statSync(join(dir, 'port.db')).size).toBeGreaterThanOrEqual(sizeBefore);
      const reused = await fetch(`${base}/v1/auth/enrolment/options`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          token: new URL(first.stdout().match(/^ {2}yard-planner\s.*?(http\S+)$/m)![1]!).hash.slice(7),
        }),
      });
      expect(reused.status).toBe(410);
      const unused = await fetch(`${base}/v1/auth/enrolment/options`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          token: new URL(first.stdout().match(/^ {2}gate-clerk\s.*?(http\S+)$/m)![1]!).hash.slice(7),
        }),
      });
      expect(unused.status).toBe(200);
    } finally {
      await stop(second.demo);
    }
  }, 300_000);
});
