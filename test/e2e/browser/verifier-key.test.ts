/**
 * An install whose log key's base64 holds a '+' (about half of all generated keys): the console checks every
 * checkpoint signature and every event's proof with that key and shows ✓ everywhere; and when the checkpoint's
 * signature does not verify, the container page shows no green "Verified" badge at all, because a proof against an
 * unsigned root proves nothing. The server runs in its own process, started with the key in
 * `PORTLEDGER_SIGNING_KEY`, as an operator would.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { addOrganisation, addUser } from '../../../src/app/access/index.js';
import { createLedger } from '../../../src/app/ledger/index.js';
import {
  encodeSignerKey,
  type NoteSigner,
  signerFromSeed,
  verifierKeyString,
} from '../../../src/audit/index.js';
import { SimulatedClock, seededIds, seedVesselCall } from '../../../src/demo/seed.js';
import { seededRandom } from '../../../src/demo/seeded-random.js';
import { openLedgerStore } from '../../../src/store/open-store.js';
import { testAuthDeps } from '../../support/auth.js';
import {
  collectPageProblems,
  ensureConsoleBuilt,
  launchBrowser,
  type PageProblems,
  screenshot,
} from '../../support/browser.js';
import { startCli } from '../../support/cli.js';
import { describeBrowser } from '../../support/console-session.js';
import { testTerminals } from '../../support/ledger.js';
import { mintSession } from '../../support/sessions.js';

const ORIGIN = 'portledger.local/log';

/** A fresh Ed25519 log key from node:crypto, drawn until its verifier key's base64 holds a '+'. */
function signerWithPlusInKey(): NoteSigner {
  for (let attempt = 0; attempt < 1000; attempt++) {
    const pkcs8 = generateKeyPairSync('ed25519').privateKey.export({ format: 'der', type: 'pkcs8' });
    const signer = signerFromSeed(ORIGIN, Uint8Array.from(pkcs8.subarray(pkcs8.length - 32)));
    // <name>+<key id>+<base64>: a third '+' lies in the base64.
    if (verifierKeyString(signer).split('+').length > 3) return signer;
  }
  throw new Error("no key with a '+' in 1000 draws (each has about a 50 % chance)");
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeBrowser(
  "the console on an install whose verifier key holds a '+' (Chromium, across processes)",
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'portledger-key-'));
    const db = `sqlite:${join(dir, 'port.db')}`;
    const signer = signerWithPlusInKey();
    let server: ReturnType<typeof startCli> | undefined;
    let baseUrl = '';
    let browser: Browser;
    let sessionId = '';
    let visitRef = '';
    let eventCount = 0;

    beforeAll(async () => {
      await ensureConsoleBuilt();
      // The port's history, signed with this install's key: one vessel call at T1, and an investigator.
      const store = await openLedgerStore(db);
      const random = seededRandom('verifier-key');
      const clock = new SimulatedClock(new Date(Date.now() - 6 * 60 * 60_000));
      const log = { origin: ORIGIN, signer };
      const seeding = createLedger({ store, clock, ids: seededIds(random), log, checkpointIntervalMs: 0 });
      await seedVesselCall({
        ledger: seeding,
        clock,
        random,
        terminals: testTerminals,
        terminal: 'T1',
        containers: 12,
      });
      await seeding.close();
      const ledger = createLedger({
        store,
        clock: { now: () => new Date() },
        ids: seededIds(seededRandom('verifier-key-people')),
        log,
        checkpointIntervalMs: 0,
      });
      const auth = testAuthDeps(ledger);
      await addOrganisation(auth, {
        orgId: 'police',
        kind: 'port_police',
        name: 'Port Police',
        code: 'POLI',
      });
      await addUser(auth, {
        userId: 'ingrid',
        orgId: 'police',
        username: 'ingrid',
        displayName: 'Ingrid Investigator',
        roles: ['investigator'],
        issuedBy: 'test',
      });
      sessionId = (await mintSession(auth, 'ingrid')).cookie;
      const [visit] = await store.listVisits({ terminal: 'T1', status: 'in_yard', limit: 1 });
      if (!visit) throw new Error('the seed left no box in the yard');
      visitRef = visit.visitRef;
      await ledger.close();
      await store.close();

      server = startCli(['serve', '--db', db, '--port', '0'], {
        PORTLEDGER_SIGNING_KEY: encodeSignerKey(signer),
        PORTLEDGER_LOG_ORIGIN: ORIGIN,
      });
      let stdout = '';
      server.child.stdout?.on('data', (chunk) => {
        stdout += chunk;
      });
      for (const deadline = Date.now() + 30_000; !baseUrl; await sleep(100)) {
        baseUrl = stdout.match(/listening on (http:\/\/\S+)/)?.[1] ?? '';
        if (Date.now() > deadline) throw new Error(`the server did not start: ${stdout}`);
      }
      browser = await launchBrowser();
    }, 180_000);

    afterAll(async () => {
      await browser?.close();
      server?.child.kill('SIGTERM');
      await server?.done;
      rmSync(dir, { recursive: true, force: true });
    });

    async function investigatorPage(): Promise<{
      page: Page;
      problems: PageProblems;
      close(): Promise<void>;
    }> {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      await context.addCookies([
        { name: 'pl_session', value: sessionId, url: baseUrl, httpOnly: true, sameSite: 'Strict' },
      ]);
      const page = await context.newPage();
      return { page, problems: collectPageProblems(page), close: () => context.close() };
    }

    it("is the install under test: the server's verifier key has a '+' in its base64", async () => {
      const key = (await (await fetch(`${baseUrl}/v1/audit/key`)).text()).trim();
      expect(key).toContain(verifierKeyString(signer));
      expect(verifierKeyString(signer).split('+').length).toBeGreaterThan(3);
    });

    it('shows ✓ on every checkpoint and verifies the whole log in the browser', async () => {
      const { page, problems, close } = await investigatorPage();
      await page.goto(`${baseUrl}/audit`);
      await page.getByRole('heading', { name: 'Signed checkpoints' }).waitFor();
      const rows = page.locator('table.audit-checkpoints tbody tr');
      await expect.poll(() => rows.count(), { timeout: 10_000 }).toBeGreaterThan(0);
      await expect
        .poll(() => page.getByText('✓ Signature verified in your browser').count(), { timeout: 15_000 })
        .toBe(await rows.count());
      expect(await page.getByText('Signature not verified').count()).toBe(0);

      await page.getByRole('button', { name: 'Verify everything' }).click();
      await page.getByText('Verified: every entry is in the signed log').waitFor({ timeout: 30_000 });
      await screenshot(page, 'verifier-key-plus-audit');
      expect(problems.unexpected()).toEqual([]);
      await close();
    });

    it("shows every event of a box Verified, with the checkpoint's signature checked", async () => {
      const { page, problems, close } = await investigatorPage();
      const history = await page.request.get(`${baseUrl}/v1/visits/${encodeURIComponent(visitRef)}/history`);
      eventCount = ((await history.json()) as { events: unknown[] }).events.length;
      await page.goto(`${baseUrl}/visits/${encodeURIComponent(visitRef)}`);
      await page.getByText(`${eventCount} of ${eventCount} events verified.`).waitFor({ timeout: 20_000 });
      expect(eventCount).toBeGreaterThan(1);
      await page
        .getByText(`Checkpoint signature checked in this browser (Ed25519, key ${ORIGIN}).`)
        .waitFor();
      expect(await page.locator('.verdict-ok').count()).toBe(eventCount);
      expect(await page.getByText('Not verified').count()).toBe(0);
      expect(await page.getByText('NOT valid').count()).toBe(0);
      await screenshot(page, 'verifier-key-plus-visit');
      // A box with no release yet: the page asks, and shows none.
      expect(problems.unexpected(`/v1/visits/${visitRef}/release`)).toEqual([]);
      await close();
    });

    it('shows no green badge when the checkpoint signature is tampered with on the way', async () => {
      const { page, close } = await investigatorPage();
      // The proofs are genuine; only the signature on the checkpoint they lead to is not the log's.
      await page.route('**/v1/audit/checkpoint', async (route) => {
        const response = await route.fetch();
        const checkpoint = (await response.json()) as { note: string };
        const split = checkpoint.note.lastIndexOf(' ') + 1;
        const signature = Buffer.from(checkpoint.note.slice(split).trim(), 'base64');
        signature[20] = (signature[20] ?? 0) ^ 0x01;
        checkpoint.note = `${checkpoint.note.slice(0, split)}${signature.toString('base64')}\n`;
        await route.fulfill({ response, json: checkpoint });
      });
      await page.goto(`${baseUrl}/visits/${encodeURIComponent(visitRef)}`);
      await page.getByText(/Checkpoint signature NOT valid/).waitFor({ timeout: 20_000 });
      await page.getByText(`0 of ${eventCount} events verified.`).waitFor({ timeout: 20_000 });
      await expect.poll(() => page.getByText('✗ Not verified').count()).toBe(eventCount);
      expect(await page.locator('.verdict-ok').count()).toBe(0);
      expect(await page.getByText('✓ Verified').count()).toBe(0);
      await screenshot(page, 'verifier-key-tampered-checkpoint');
      await close();
    });
  },
);
