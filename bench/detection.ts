/**
 * The detection engine's throughput (issue 15): events per second through the real engine (every registered rule,
 * the facts, one snapshot and one write per batch of 2000, the alerts and freezes recorded) ÷ reading the same log
 * in the same batches without rules, on one SQLite file in the same run. Also the pure core alone (no store).
 *
 * The log is a port's work as the use cases record it (organisations and people, sign-ins from a few networks,
 * boxes discharged, moved and gated out, positions viewed), spread over simulated days by the ledger's clock.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { detectionEngine, logEventOf, runDetectionOnce } from '../src/app/detection/index.js';
import { createLedger, type Ledger } from '../src/app/ledger/index.js';
import type { IdSource, JsonObject } from '../src/app/ports.js';
import { signerFromSeed } from '../src/audit/index.js';
import { computeCheckDigit, DETECTION_RULE_SET, DetectionCore, type LogEvent } from '../src/domain/index.js';
import { openLedgerStore } from '../src/store/open-store.js';

const BATCH = 2000;
const round = (n: number) => Math.round(n * 1000) / 1000;

/** Appends about `events` events of a port at work, 30 simulated seconds per transaction. */
async function portLog(ledger: Ledger, events: number): Promise<void> {
  const orgs = ['org-term', 'org-line', 'org-fwd', 'org-haul', 'org-cus'];
  const kinds = ['terminal_operator', 'shipping_line', 'forwarder', 'haulier', 'customs'];
  const people = 60;
  await ledger.write(async ({ appendAtEnd }) => {
    for (const [i, orgId] of orgs.entries()) {
      await appendAtEnd(`org-${orgId}`, [
        {
          type: 'OrganisationRegistered',
          data: { orgId, kind: kinds[i]!, name: orgId, code: orgId, terminals: i === 0 ? ['T1'] : [] },
        },
      ]);
    }
    for (let u = 0; u < people; u++) {
      await appendAtEnd(`user-u${u}`, [
        {
          type: 'UserRegistered',
          data: {
            userId: `u${u}`,
            orgId: orgs[u % orgs.length]!,
            orgKind: kinds[u % orgs.length]!,
            roles: [],
          },
        },
      ]);
    }
  });
  let written = orgs.length + people;
  let box = 0;
  const open: string[] = [];
  const slot = (n: number, bay: number) => ({ terminal: 'T1', block: 'A', bay, row: 1 + (n % 8), tier: 1 });
  while (written < events) {
    written += await ledger.write(async ({ appendAtEnd }) => {
      let count = 0;
      const add = async (streamId: string, type: string, data: JsonObject) => {
        await appendAtEnd(streamId, [{ type, data }]);
        count += 1;
      };
      for (let k = 0; k < 4; k++) {
        const n = box++;
        const visitRef = `V${n}`;
        const first10 = `BNCU${String(n % 1_000_000).padStart(6, '0')}`;
        await add(`visit-${visitRef}`, 'VisitAnnounced', {
          visitRef,
          containerNumber: `${first10}${computeCheckDigit(first10)}`,
          line: 'BNCU',
          sizeType: '22G1',
          fullEmpty: 'full',
          arrival: { mode: 'vessel', vesselCall: 'VC1' },
        });
        await add(`visit-${visitRef}`, 'ContainerDischarged', {
          visitRef,
          slot: slot(n, 1),
          vesselCall: 'VC1',
        });
        await add(`visit-${visitRef}`, 'ContainerMoved', { visitRef, from: slot(n, 1), to: slot(n, 3) });
        open.push(visitRef);
      }
      while (open.length > 40) {
        const visitRef = open.shift()!;
        await add(`visit-${visitRef}`, 'ContainerGatedOut', { visitRef, truckPlate: null });
      }
      const u = box % people;
      await add(`auth-u${u}`, 'LoginSucceeded', {
        method: 'passkey',
        ip: `10.0.${u % 4}.${u}`,
        userAgent: 'Mozilla/5.0 bench',
      });
      await add(`views-u${u}`, 'PositionsViewed', {
        userId: `u${u}`,
        orgId: orgs[u % orgs.length]!,
        routes: ['visit'],
        visitRefs: open.slice(-3),
        terminals: [],
        firstAt: new Date().toISOString(),
        lastAt: new Date().toISOString(),
        ip: `10.0.${u % 4}.${u}`,
      });
      return count;
    });
  }
}

/** Reads events [0, size) in batches of `BATCH`, as the engine does, without rules; returns the time. */
async function readAll(ledger: Ledger, size: number): Promise<{ ms: number; events: LogEvent[] }> {
  const started = performance.now();
  const events: LogEvent[] = [];
  for (let from = 0; from < size; from += BATCH) {
    for (const event of await ledger.store.readEvents(from, Math.min(BATCH, size - from))) {
      events.push(logEventOf(event));
    }
  }
  return { ms: performance.now() - started, events };
}

export async function detectionFigures(dir: string, options: { quick: boolean }) {
  const target = options.quick ? 6000 : 40_000;
  const store = await openLedgerStore(`sqlite:${join(dir, 'detection.db')}`);
  let tick = Date.parse('2026-03-02T06:00:00.000Z');
  const ids: IdSource = { eventId: () => randomUUID(), randomBytes: (n) => new Uint8Array(randomBytes(n)) };
  const ledger = createLedger({
    store,
    clock: {
      now: () => {
        tick += 30_000;
        return new Date(tick);
      },
    },
    ids,
    log: {
      origin: 'bench.portledger.local/log',
      signer: signerFromSeed('bench.portledger.local/log', new Uint8Array(32).fill(9)),
    },
    checkpointIntervalMs: 60_000,
  });
  try {
    await portLog(ledger, target);
    const size = await store.logSize();
    const options = { rules: DETECTION_RULE_SET, dwellNormHours: 240 };

    // The reading baseline before and after the engine, so that a busy neighbour weighs on both alike.
    const readBefore = await readAll(ledger, size);
    const engine = detectionEngine(options);
    let applied = 0;
    let alerts = 0;
    const engineStarted = performance.now();
    while (applied < size) {
      const result = await runDetectionOnce({ ledger, engine, batch: Math.min(BATCH, size - applied) });
      if (result.applied === 0) break;
      applied += result.applied;
      alerts += result.alertIds.length;
    }
    const engineMs = performance.now() - engineStarted;
    const readAfter = await readAll(ledger, size);
    const readMs = (readBefore.ms + readAfter.ms) / 2;

    const core = new DetectionCore(options);
    const coreStarted = performance.now();
    for (const event of readAfter.events) core.apply(event);
    const coreMs = performance.now() - coreStarted;
    const snapshotBytes = Buffer.byteLength(JSON.stringify(core.snapshot()));

    return {
      events: applied,
      rules: DETECTION_RULE_SET.length,
      batch: BATCH,
      readEventsPerSecond: Math.round(size / (readMs / 1000)),
      engineEventsPerSecond: Math.round(applied / (engineMs / 1000)),
      engineToReadRatio: round(readMs / size / (engineMs / applied)),
      coreEventsPerSecond: Math.round(size / (coreMs / 1000)),
      alerts,
      snapshotBytes,
    };
  } finally {
    await ledger.close();
    await store.close();
  }
}

// `node dist/bench/detection.js [--quick]`: this figure alone, as JSON (`npm run bench` runs it with the others).
if (process.argv[1]?.endsWith('/bench/detection.js')) {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'portledger-bench-detection-'));
  try {
    process.stdout.write(
      `${JSON.stringify(await detectionFigures(dir, { quick: process.argv.includes('--quick') }))}\n`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
