/**
 * `npm run bench`: PortLedger's speed figures, each as a ratio to a baseline measured in the same run on the
 * same machine, because these machines are shared and noisy. Prints a table and writes bench-results/bench.json;
 * `--json` prints one JSON object instead.
 *
 * - appendSingleRatio: audited single-event transactions per second ÷ raw single-row insert transactions per
 *   second, same rows, same database, same durability settings.
 * - appendBatchRatio: the same for transactions of 100 events.
 * - proof1M: time to build an inclusion proof at 1,000,000 leaves ÷ time of one primary-key read of an event.
 * - verifyRatio: `verifyLog` throughput ÷ raw SHA-256 hashing of the same leaf bytes.
 * - gate: gate verdicts per second and p99 through HTTP ÷ `/healthz` of the same server (`bench/gate.ts`), with the
 *   SQLite writer on its thread (the default) and in place on the main thread; and the p99 of verdicts sent open
 *   loop at a steady 100 a second.
 * - detection: events per second through the detection engine (every registered rule, its writes) ÷ reading the
 *   same log in the same batches without rules (`bench/detection.ts`, issue 15).
 * - tnt: pages of 100 DCSA equipment events per second through `GET /v2/events?limit=100` with a line's token ÷
 *   `/healthz` of the same server (`bench/tnt.ts`, issue 16).
 * - witnesses: checkpoint → quorum of two local witnesses' cosignatures, p50 and p99, and audited appends per
 *   second with those witnesses ÷ with none (`bench/witnesses.ts`).
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import { inclusionProof, verifyLog } from '../src/app/audit/index.js';
import { createLedger, type Ledger } from '../src/app/ledger/index.js';
import type { IdSource, LedgerStore } from '../src/app/ports.js';
import {
  appendLeaves,
  encodeLogEntry,
  leafHash,
  rootFromBorder,
  signCheckpoint,
  signerFromSeed,
  verifierKeyString,
} from '../src/audit/index.js';
import { createPostgresKysely, createSqliteKysely, openLedgerStore } from '../src/store/open-store.js';
import { detectionFigures } from './detection.js';
import { gateFigures } from './gate.js';
import { tntFigures } from './tnt.js';
import { witnessFigures } from './witnesses.js';

const json = process.argv.includes('--json');
const quick = process.argv.includes('--quick');
const log = (line: string) => {
  if (!json) process.stderr.write(`${line}\n`);
};

const ids: IdSource = { eventId: () => randomUUID(), randomBytes: (n) => new Uint8Array(randomBytes(n)) };
const signer = signerFromSeed('bench.portledger.local/log', new Uint8Array(32).fill(7));
const clock = { now: () => new Date() };

function sampleData(i: number) {
  return {
    containerNumber: 'MSCU1234565',
    slot: { terminal: 'T1', block: 'A', bay: 1 + 2 * (i % 40), row: 1 + (i % 8), tier: 1 },
    vesselCall: 'VC000000042',
    equipment: 'STS3',
    operator: 'op-17',
    at: new Date(1_767_600_000_000 + i * 1000).toISOString(),
  };
}

function rawRow(i: number, stream: string) {
  const recordedAt = new Date().toISOString();
  const entry = {
    index: i,
    eventId: randomUUID(),
    streamId: stream,
    streamVersion: 1,
    type: 'ContainerDischarged',
    recordedAt,
    data: sampleData(i),
  };
  return {
    idx: i,
    event_id: entry.eventId,
    stream_id: entry.streamId,
    stream_version: 1,
    type: entry.type,
    recorded_at: recordedAt,
    data: JSON.stringify(entry.data),
    leaf: Buffer.from(encodeLogEntry(entry)),
  };
}

interface RawTable {
  bench_raw_event: {
    idx: number;
    event_id: string;
    stream_id: string;
    stream_version: number;
    type: string;
    recorded_at: string;
    data: string;
    leaf: Buffer;
  };
}

async function createRawTable(db: Kysely<RawTable>, blobType: 'blob' | 'bytea'): Promise<void> {
  await sql`drop table if exists bench_raw_event`.execute(db);
  await sql`create table bench_raw_event (
    idx bigint primary key, event_id text not null unique, stream_id text not null, stream_version integer not null,
    type text not null, recorded_at text not null, data text not null, leaf ${sql.raw(blobType)} not null,
    unique (stream_id, stream_version))`.execute(db);
}

/** Runs `rounds` alternating rounds of raw and audited work so that both see the same machine noise. */
async function alternate(
  rounds: number,
  raw: (round: number) => Promise<number>,
  audited: (round: number) => Promise<number>,
): Promise<{ rawPerSecond: number; auditedPerSecond: number }> {
  let rawOps = 0;
  let rawMs = 0;
  let auditedOps = 0;
  let auditedMs = 0;
  for (let round = 0; round < rounds; round++) {
    let start = performance.now();
    rawOps += await raw(round);
    rawMs += performance.now() - start;
    start = performance.now();
    auditedOps += await audited(round);
    auditedMs += performance.now() - start;
  }
  return { rawPerSecond: (rawOps * 1000) / rawMs, auditedPerSecond: (auditedOps * 1000) / auditedMs };
}

async function appendFigures(name: string, store: LedgerStore, raw: Kysely<RawTable>) {
  const ledger = createLedger({
    store,
    clock,
    ids,
    log: { origin: signer.name, signer },
    checkpointIntervalMs: 1000,
  });
  let rawIndex = 0;
  let stream = 0;
  const singles = quick ? 60 : 300;
  const singleRounds = 5;
  log(`${name}: ${singles * singleRounds} single-event transactions each way…`);
  const single = await alternate(
    singleRounds,
    async () => {
      for (let i = 0; i < singles; i++) {
        const row = rawRow(rawIndex++, `raw-${rawIndex}`);
        await raw.transaction().execute((trx) => trx.insertInto('bench_raw_event').values(row).execute());
      }
      return singles;
    },
    async () => {
      for (let i = 0; i < singles; i++) {
        const streamId = `bench-${stream++}`;
        await ledger.write(({ append }) =>
          append(streamId, 0, [{ type: 'ContainerDischarged', data: sampleData(stream) }]),
        );
      }
      return singles;
    },
  );

  const batches = quick ? 5 : 20;
  const batchRounds = 5;
  log(`${name}: ${batches * batchRounds} transactions of 100 events each way…`);
  const batch = await alternate(
    batchRounds,
    async () => {
      for (let b = 0; b < batches; b++) {
        const rows = Array.from({ length: 100 }, () => rawRow(rawIndex++, `raw-${rawIndex}`));
        await raw.transaction().execute((trx) => trx.insertInto('bench_raw_event').values(rows).execute());
      }
      return batches * 100;
    },
    async () => {
      for (let b = 0; b < batches; b++) {
        const streamId = `bench-${stream++}`;
        await ledger.write(({ append }) =>
          append(
            streamId,
            0,
            Array.from({ length: 100 }, (_, i) => ({
              type: 'ContainerDischarged',
              data: sampleData(i),
            })),
          ),
        );
      }
      return batches * 100;
    },
  );
  await ledger.close();
  return {
    rawSinglePerSecond: Math.round(single.rawPerSecond),
    auditedSinglePerSecond: Math.round(single.auditedPerSecond),
    appendSingleRatio: round3(single.auditedPerSecond / single.rawPerSecond),
    rawBatchEventsPerSecond: Math.round(batch.rawPerSecond),
    auditedBatchEventsPerSecond: Math.round(batch.auditedPerSecond),
    appendBatchRatio: round3(batch.auditedPerSecond / batch.rawPerSecond),
  };
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

async function sqliteFigures(dir: string) {
  const path = join(dir, 'bench.db');
  const store = await openLedgerStore(`sqlite:${path}`);
  // The baseline gets a connection made exactly as the store's own: WAL, synchronous=FULL, statement cache.
  const raw = createSqliteKysely(path) as unknown as Kysely<RawTable>;
  await createRawTable(raw, 'blob');
  try {
    return await appendFigures('sqlite', store, raw);
  } finally {
    await raw.destroy();
    await store.close();
  }
}

async function postgresFigures() {
  const url = process.env.PORTLEDGER_BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `bench_${process.pid}`;
  const probe = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await probe.connect();
  } catch {
    log('postgres: not reachable, skipped');
    return undefined;
  }
  await probe.query(`drop schema if exists ${schema} cascade`);
  const store = await openLedgerStore(url, { schema });
  const raw = (await createPostgresKysely(url, { schema })) as unknown as Kysely<RawTable>;
  await createRawTable(raw, 'bytea');
  try {
    return await appendFigures('postgres', store, raw);
  } finally {
    await raw.destroy();
    await store.close();
    await probe.query(`drop schema if exists ${schema} cascade`);
    await probe.end();
  }
}

/** Fills a SQLite ledger to 1,000,000 leaves, then times inclusion proofs against single primary-key reads. */
async function proofAtScale(dir: string) {
  const leaves = quick ? 100_000 : 1_000_000;
  const store = await openLedgerStore(`sqlite:${join(dir, 'proof.db')}`);
  const ledger: Ledger = createLedger({
    store,
    clock,
    ids,
    log: { origin: signer.name, signer },
    checkpointIntervalMs: 0,
  });
  log(`proof: filling a ledger with ${leaves.toLocaleString('en')} leaves…`);
  const fillStart = performance.now();
  const perTransaction = 10_000;
  for (let done = 0; done < leaves; done += perTransaction) {
    await ledger.write(({ append }) =>
      append(
        `fill-${done}`,
        0,
        Array.from({ length: perTransaction }, (_, i) => ({
          type: 'ContainerDischarged',
          data: sampleData(done + i),
        })),
      ),
    );
  }
  const fillSeconds = (performance.now() - fillStart) / 1000;
  const samples = 500;
  const indices = Array.from({ length: samples }, () => Math.floor(Math.random() * leaves));
  let proofMs = 0;
  let readMs = 0;
  for (const index of indices) {
    let start = performance.now();
    await store.readEvents(index, 1);
    readMs += performance.now() - start;
    start = performance.now();
    await inclusionProof(store, { index, treeSize: leaves });
    proofMs += performance.now() - start;
  }
  await ledger.close();
  await store.close();
  return {
    leaves,
    fillEventsPerSecond: Math.round(leaves / fillSeconds),
    inclusionProofMs: round3(proofMs / samples),
    primaryKeyReadMs: round3(readMs / samples),
    proofToReadRatio: round3(proofMs / readMs),
  };
}

/** `verifyLog` against hashing the same bytes with SHA-256 and nothing else. */
async function verifyThroughput() {
  const count = quick ? 20_000 : 200_000;
  const entries = Array.from({ length: count }, (_, index) => {
    const entry = {
      index,
      eventId: randomUUID(),
      streamId: `visit-${index % 5000}`,
      streamVersion: 1 + Math.floor(index / 5000),
      type: 'ContainerDischarged',
      recordedAt: new Date(1_767_600_000_000 + index).toISOString(),
      data: sampleData(index),
    };
    return { index, leaf: encodeLogEntry(entry) };
  });
  const bytes = entries.reduce((sum, e) => sum + e.leaf.length, 0);
  const { border } = appendLeaves(
    0,
    [],
    entries.map((e) => leafHash(e.leaf)),
  );
  const note = signCheckpoint(
    { origin: signer.name, treeSize: count, rootHash: rootFromBorder(border) },
    signer,
  );
  let rawMs = 0;
  let verifyMs = 0;
  for (let round = 0; round < 3; round++) {
    let start = performance.now();
    for (const e of entries) createHash('sha256').update(e.leaf).digest();
    rawMs += performance.now() - start;
    start = performance.now();
    const result = await verifyLog({
      entries: (async function* () {
        yield* entries;
      })(),
      checkpointNote: note,
      verifierKey: verifierKeyString(signer),
    });
    verifyMs += performance.now() - start;
    if (!result.ok) throw new Error(`bench log did not verify: ${result.message}`);
  }
  const mb = (bytes * 3) / 1e6;
  return {
    entries: count,
    rawSha256MBps: round3(mb / (rawMs / 1000)),
    verifyMBps: round3(mb / (verifyMs / 1000)),
    verifyEntriesPerSecond: Math.round((count * 3) / (verifyMs / 1000)),
    verifyRatio: round3(rawMs / verifyMs),
  };
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'portledger-bench-'));
  try {
    const results = {
      machine: { node: process.version, cpus: cpus().length },
      sqlite: await sqliteFigures(dir),
      postgres: await postgresFigures(),
      proof: await proofAtScale(dir),
      verify: await verifyThroughput(),
      gate: await gateFigures(dir, { quick }),
      gateInPlace: await gateFigures(dir, { quick, sqliteWriter: 'in-place' }),
      witnesses: await witnessFigures(dir, { quick, signer }),
      detection: await detectionFigures(dir, { quick }),
      tnt: await tntFigures(dir, { quick }),
    };
    mkdirSync('bench-results', { recursive: true });
    writeFileSync(join('bench-results', 'bench.json'), `${JSON.stringify(results, null, 2)}\n`);
    if (json) {
      process.stdout.write(`${JSON.stringify(results)}\n`);
      return;
    }
    const rows: [string, string][] = [
      [
        'sqlite: audited single ÷ raw single insert',
        `${results.sqlite.appendSingleRatio}× (${results.sqlite.auditedSinglePerSecond}/s vs ${results.sqlite.rawSinglePerSecond}/s)`,
      ],
      [
        'sqlite: audited batch-100 ÷ raw batch insert',
        `${results.sqlite.appendBatchRatio}× (${results.sqlite.auditedBatchEventsPerSecond}/s vs ${results.sqlite.rawBatchEventsPerSecond}/s events)`,
      ],
    ];
    if (results.postgres) {
      rows.push(
        [
          'postgres: audited single ÷ raw single insert',
          `${results.postgres.appendSingleRatio}× (${results.postgres.auditedSinglePerSecond}/s vs ${results.postgres.rawSinglePerSecond}/s)`,
        ],
        [
          'postgres: audited batch-100 ÷ raw batch insert',
          `${results.postgres.appendBatchRatio}× (${results.postgres.auditedBatchEventsPerSecond}/s vs ${results.postgres.rawBatchEventsPerSecond}/s events)`,
        ],
      );
    }
    rows.push(
      [
        `inclusion proof at ${results.proof.leaves.toLocaleString('en')} leaves ÷ one PK read`,
        `${results.proof.proofToReadRatio}× (${results.proof.inclusionProofMs} ms vs ${results.proof.primaryKeyReadMs} ms)`,
      ],
      [
        'verify ÷ raw SHA-256 of the same bytes',
        `${results.verify.verifyRatio}× (${results.verify.verifyMBps} MB/s vs ${results.verify.rawSha256MBps} MB/s)`,
      ],
    );
    rows.push([
      'gate verdicts/s through HTTP ÷ /healthz of the same server',
      `${results.gate.ratio}× (${results.gate.verdictsPerSecond}/s, p99 ${results.gate.p99Ms} ms vs ${results.gate.trivialPerSecond}/s, p99 ${results.gate.trivialP99Ms} ms)`,
    ]);
    rows.push([
      'gate verdicts at a steady 100/s: p99 (issue 13: under 10 ms)',
      `${results.gate.steadyP99Ms} ms (in place: ${results.gateInPlace.steadyP99Ms} ms)`,
    ]);
    rows.push([
      'the same, SQLite writing in place on the main thread',
      `${results.gateInPlace.ratio}× (${results.gateInPlace.verdictsPerSecond}/s, p99 ${results.gateInPlace.p99Ms} ms)`,
    ]);
    rows.push(
      [
        'checkpoint → quorum of 2 local witnesses (p50 / p99)',
        `${results.witnesses.quorumP50Ms} ms / ${results.witnesses.quorumP99Ms} ms over ${results.witnesses.quorumCheckpoints} checkpoints`,
      ],
      [
        'sqlite: audited single with 2 witnesses ÷ with none',
        `${results.witnesses.witnessedAppendRatio}× (${results.witnesses.witnessedAppendsPerSecond}/s vs ${results.witnesses.plainAppendsPerSecond}/s)`,
      ],
    );
    rows.push([
      `detection engine (${results.detection.rules} rules) ÷ reading the log without rules`,
      `${results.detection.engineToReadRatio}× (${results.detection.engineEventsPerSecond}/s vs ${results.detection.readEventsPerSecond}/s events; core alone ${results.detection.coreEventsPerSecond}/s)`,
    ]);
    rows.push([
      'DCSA /v2/events pages of 100 ÷ /healthz of the same server',
      `${results.tnt.ratio}× (${results.tnt.pagesPerSecond}/s, p99 ${results.tnt.pageP99Ms} ms vs ${results.tnt.trivialPerSecond}/s, p99 ${results.tnt.trivialP99Ms} ms)`,
    ]);
    const width = Math.max(...rows.map(([k]) => k.length));
    process.stdout.write(`${rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n')}\n`);
    process.stdout.write('written to bench-results/bench.json\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
