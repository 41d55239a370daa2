/**
 * The DCSA Track & Trace figure of `npm run bench` (issue 16): pages of 100 equipment events per second through
 * `GET /v2/events?limit=100` with a shipping line's API token — a real server on localhost, need-to-know in the
 * query, each page validated by nobody but produced in full — against `/healthz` of the same server in the same run,
 * as a ratio. The port holds the line's boxes and another line's, so the scope has rows to leave out.
 *
 * Standalone: `tsc -p tsconfig.build.json && node dist/bench/tnt.js [--quick]`.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  type AuthDeps,
  addOrganisation,
  createApiToken,
  defaultAuthSettings,
} from '../src/app/access/index.js';
import { createLedger } from '../src/app/ledger/index.js';
import type { IdSource } from '../src/app/ports.js';
import { announceVisit, runVisitCommand } from '../src/app/visits/index.js';
import { signerFromSeed, verifierKeyString } from '../src/audit/index.js';
import { demoTerminal } from '../src/demo/demo-port.js';
import { computeCheckDigit } from '../src/domain/index.js';
import { buildServer } from '../src/http/server.js';
import { argon2idHasher } from '../src/security/passwords.js';
import { aesGcmSealer } from '../src/security/sealer.js';
import { randomTokens } from '../src/security/tokens.js';
import { rfc6238Totp } from '../src/security/totp.js';
import { simpleWebAuthn } from '../src/security/webauthn.js';
import { openLedgerStore } from '../src/store/open-store.js';

const round1 = (n: number) => Math.round(n * 10) / 10;
const round3 = (n: number) => Math.round(n * 1000) / 1000;

function p99(latencies: number[]): number {
  const sorted = [...latencies].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)] ?? 0;
}

/** Runs `count` calls of `request` through `concurrency` client loops; per-second rate and p99 in milliseconds. */
async function drive(
  request: () => Promise<void>,
  count: number,
  concurrency: number,
): Promise<{ perSecond: number; p99Ms: number }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < count) {
        const t = performance.now();
        await request();
        latencies.push(performance.now() - t);
      }
    }),
  );
  return { perSecond: (count * 1000) / (performance.now() - started), p99Ms: p99(latencies) };
}

export async function tntFigures(dir: string, options: { quick: boolean }) {
  const ids: IdSource = { eventId: () => randomUUID(), randomBytes: (n) => new Uint8Array(randomBytes(n)) };
  const signer = signerFromSeed('bench.portledger.local/log', new Uint8Array(32).fill(11));
  const store = await openLedgerStore(`sqlite:${join(dir, 'tnt.db')}`);
  const ledger = createLedger({
    store,
    clock: { now: () => new Date() },
    ids,
    log: { origin: signer.name, signer },
    checkpointIntervalMs: 1000,
  });
  const auth: AuthDeps = {
    ledger,
    settings: defaultAuthSettings,
    security: {
      passwords: argon2idHasher({ memoryCost: 4096, timeCost: 1 }),
      totp: rfc6238Totp(),
      sealer: aesGcmSealer({ current: 'b1', keys: new Map([['b1', new Uint8Array(32).fill(3)]]) }),
      tokens: randomTokens(),
      webauthn: simpleWebAuthn({ rpId: 'localhost', rpName: 'bench', origins: ['http://localhost'] }),
    },
  };
  const terminals = new Map([[demoTerminal.terminal, demoTerminal]]);
  await addOrganisation(auth, { orgId: 'msc', kind: 'shipping_line', name: 'MSC', code: 'MSCU' });
  await addOrganisation(auth, { orgId: 'maersk', kind: 'shipping_line', name: 'Maersk', code: 'MAEU' });

  // The line's boxes discharged from a vessel, and a quarter as many of another line's gated in, interleaved.
  const boxes = options.quick ? 160 : 400;
  for (let i = 0; i < boxes; i++) {
    const ours = i % 5 !== 4;
    const first10 = `${ours ? 'MSCU' : 'MSKU'}${String(200_000 + i).padStart(6, '0')}`;
    const { visit } = await announceVisit(ledger, terminals, {
      containerNumber: `${first10}${computeCheckDigit(first10)}`,
      line: ours ? 'MSCU' : 'MAEU',
      sizeType: '22G1',
      fullEmpty: 'full',
      arrival: { mode: 'vessel', vesselCall: 'MSC-2030-01' },
      carrierBookingReference: `BKG${i}`,
    });
    const slot = {
      terminal: 'T1',
      block: 'B',
      bay: 1 + 2 * (i % 40),
      row: 1 + (Math.floor(i / 40) % 8),
      tier: 1 + Math.floor(i / 320),
    };
    await runVisitCommand(ledger, terminals, visit.visitRef, {
      type: 'DischargeContainer',
      vesselCall: 'MSC-2030-01',
      slot,
    });
  }
  const { token } = await createApiToken(auth, {
    orgId: 'msc',
    permissions: ['visit.read'],
    createdBy: 'bench',
    label: 'visibility platform',
  });

  const app = await buildServer({ reads: store, verifierKey: verifierKeyString(signer), auth, terminals });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const concurrency = 8;
  const total = options.quick ? 200 : 1000;
  let eventsServed = 0;
  const pageCall = async () => {
    const response = await fetch(`${base}/v2/events?limit=100`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const events = (await response.json()) as unknown[];
    if (response.status !== 200 || events.length !== 100) {
      throw new Error(`bench: /v2/events answered ${response.status} with ${events.length} events`);
    }
    eventsServed += events.length;
  };
  const trivialCall = async () => {
    const response = await fetch(`${base}/healthz`);
    await response.arrayBuffer();
  };
  try {
    await drive(trivialCall, 50, concurrency);
    await drive(pageCall, 20, concurrency);
    const trivialBefore = await drive(trivialCall, total, concurrency);
    const pages = await drive(pageCall, total, concurrency);
    const trivialAfter = await drive(trivialCall, total, concurrency);
    const trivialPerSecond = (trivialBefore.perSecond + trivialAfter.perSecond) / 2;
    return {
      pagesPerSecond: round1(pages.perSecond),
      eventsPerSecond: Math.round(pages.perSecond * 100),
      pageP99Ms: round3(pages.p99Ms),
      trivialPerSecond: round1(trivialPerSecond),
      trivialP99Ms: round3(Math.max(trivialBefore.p99Ms, trivialAfter.p99Ms)),
      ratio: round3(pages.perSecond / trivialPerSecond),
      eventsServed,
      concurrency,
      boxes,
    };
  } finally {
    await app.close();
    await ledger.close();
    await store.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const dir = mkdtempSync(join(tmpdir(), 'portledger-bench-tnt-'));
  try {
    const figures = await tntFigures(dir, { quick: process.argv.includes('--quick') });
    process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
    process.stdout.write(
      `/v2/events?limit=100 pages/s ÷ /healthz of the same server: ${figures.ratio}× (${figures.pagesPerSecond}/s, p99 ${figures.pageP99Ms} ms vs ${figures.trivialPerSecond}/s, p99 ${figures.trivialP99Ms} ms)\n`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
