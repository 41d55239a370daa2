import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openTestLedger,
  type TestLedger,
  testSigner,
  testTerminals,
  testVerifierKey,
} from '../../../test/support/ledger.js';
import {
  cosignatureLine,
  cosignatureVerifierOf,
  cosignerFromSeed,
  splitSignedNote,
} from '../../audit/cosignature.js';
import { signerFromSeed, verifierKeyString } from '../../audit/index.js';
import { SimulatedClock, seededIds, seedVesselCall } from '../../demo/seed.js';
import { seededRandom } from '../../demo/seeded-random.js';
import { buildServer } from '../../http/server.js';
import { createLedger } from '../ledger/index.js';
import { checkLog, type LogHttpPort, parseMonitorState } from './monitor.usecases.js';

/** A log served by the real HTTP server, in process: the monitor's port over Fastify's inject. */
interface ServedLog {
  readonly fixture: TestLedger;
  readonly app: FastifyInstance;
  readonly http: LogHttpPort;
  /** Adds one vessel call of `containers` boxes through the real use cases, signing a checkpoint. */
  grow(containers: number, seed?: string): Promise<void>;
}

/**
 * Logs built from the same seed have the same history: their events are identical leaf for leaf. A log
 * seeded differently from some point on has another history, as a rewrite with the stolen key would give.
 */
async function servedLog(signer = testSigner): Promise<ServedLog> {
  const fixture = await openTestLedger('sqlite');
  const clock = new SimulatedClock(new Date('2026-03-01T06:00:00Z'));
  const randoms = new Map<string, ReturnType<typeof seededRandom>>();
  const grow = async (containers: number, seed = 'monitor') => {
    const random = randoms.get(seed) ?? seededRandom(seed);
    randoms.set(seed, random);
    const ledger = createLedger({
      store: fixture.store,
      clock,
      ids: seededIds(random),
      log: { origin: testSigner.name, signer },
      checkpointIntervalMs: 0,
    });
    await seedVesselCall({ ledger, clock, random, terminals: testTerminals, terminal: 'T1', containers });
    await ledger.close();
  };
  const app = await buildServer({
    reads: fixture.store,
    verifierKey: verifierKeyString(signer),
    cosignatures: fixture.store.cosignatures,
  });
  const http: LogHttpPort = {
    async get(path) {
      const response = await app.inject({ url: path });
      return { status: response.statusCode, body: response.json() };
    },
  };
  return { fixture, app, http, grow };
}

const customs = cosignerFromSeed('customs.example/witness', new Uint8Array(32).fill(41));
const portAuthority = cosignerFromSeed('port-authority.example/witness', new Uint8Array(32).fill(42));
const now = new Date('2026-03-02T00:00:00Z');

describe('monitor: does the log prove it extends the checkpoint kept from last time?', () => {
  const logs: ServedLog[] = [];
  const open = async (signer?: typeof testSigner) => {
    const log = await servedLog(signer);
    logs.push(log);
    return log;
  };
  let log: ServedLog;

  beforeAll(async () => {
    log = await open();
    await log.grow(5);
  }, 120_000);

  afterAll(async () => {
    for (const served of logs) {
      await served.app.close();
      await served.fixture.cleanup();
    }
  });

  it('pins the log key on first use, then accepts a growing log with a verified consistency proof', async () => {
    const first = await checkLog({ log: log.http, state: undefined, witnesses: [], now });
    expect(first).toMatchObject({ ok: true, previousSize: undefined, pinnedKey: true });
    if (!first.ok) throw new Error(first.message);
    expect(first.state.logKey).toBe(testVerifierKey);
    expect(parseMonitorState(JSON.parse(JSON.stringify(first.state)))).toEqual(first.state);

    const unchanged = await checkLog({ log: log.http, state: first.state, witnesses: [], now });
    expect(unchanged).toMatchObject({ ok: true, previousSize: first.treeSize, treeSize: first.treeSize });

    await log.grow(3);
    const grown = await checkLog({ log: log.http, state: first.state, witnesses: [], now });
    expect(grown.ok).toBe(true);
    if (!grown.ok) throw new Error(grown.message);
    expect(grown.treeSize).toBeGreaterThan(first.treeSize);
    expect(grown.previousSize).toBe(first.treeSize);
  });

  it('names a rollback with both sizes when the log is shorter than the kept checkpoint', async () => {
    const longer = await open();
    await longer.grow(5);
    await longer.grow(3);
    const kept = await checkLog({ log: longer.http, state: undefined, witnesses: [], now });
    if (!kept.ok) throw new Error(kept.message);
    // The same history, cut before the second vessel call.
    const cut = await open();
    await cut.grow(5);
    const cutSize = (await cut.fixture.store.latestCheckpoint())!.treeSize;

    const outcome = await checkLog({ log: cut.http, state: kept.state, witnesses: [], now });
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.problem).toBe('rollback');
    expect(outcome.message).toMatch(/^rollback: /);
    expect(outcome.message).toContain(`size ${kept.treeSize}`);
    expect(outcome.message).toContain(`size ${cutSize}`);
    // The kept checkpoint stays; the shorter one is kept as evidence.
    expect(outcome.state?.treeSize).toBe(kept.treeSize);
    expect(outcome.state?.refused.map((r) => r.problem)).toEqual(['rollback']);
  });

  it('names a fork when a longer log signed with the same key does not extend the kept checkpoint', async () => {
    const kept = await checkLog({ log: log.http, state: undefined, witnesses: [], now });
    if (!kept.ok) throw new Error(kept.message);
    // Same signer, another history: the rewrite a thief of the log key can sign.
    const rewritten = await open();
    await rewritten.grow(5, 'rewritten');
    await rewritten.grow(8, 'rewritten');
    const size = (await rewritten.fixture.store.latestCheckpoint())!.treeSize;
    expect(size).toBeGreaterThan(kept.treeSize);

    const outcome = await checkLog({ log: rewritten.http, state: kept.state, witnesses: [], now });
    expect(outcome).toMatchObject({ ok: false, problem: 'fork' });
    if (outcome.ok) return;
    expect(outcome.message).toMatch(new RegExp(`^fork: .*size ${kept.treeSize}.*size ${size}`));
  });

  it('refuses a checkpoint signed by another key than the pinned one, and a key given that is not pinned', async () => {
    const kept = await checkLog({ log: log.http, state: undefined, witnesses: [], now });
    if (!kept.ok) throw new Error(kept.message);
    const impostor = await open(signerFromSeed(testSigner.name, new Uint8Array(32).fill(9)));
    await impostor.grow(2);
    expect(await checkLog({ log: impostor.http, state: kept.state, witnesses: [], now })).toMatchObject({
      ok: false,
      problem: 'signature_invalid',
    });
    const otherKey = verifierKeyString(signerFromSeed(testSigner.name, new Uint8Array(32).fill(9)));
    expect(
      await checkLog({ log: log.http, state: kept.state, logKey: otherKey, witnesses: [], now }),
    ).toMatchObject({ ok: false, problem: 'signature_invalid' });
  });

  it('requires a quorum of valid witness cosignatures when witness keys are given', async () => {
    const witnesses = [cosignatureVerifierOf(customs), cosignatureVerifierOf(portAuthority)];
    const noQuorum = await checkLog({ log: log.http, state: undefined, witnesses, quorum: 1, now });
    expect(noQuorum).toMatchObject({ ok: false, problem: 'quorum_missing' });
    if (!noQuorum.ok) expect(noQuorum.message).toContain('0 of the 1');

    // The customs witness cosigns the latest checkpoint; the log stores and serves its line.
    const checkpoint = (await log.fixture.store.latestCheckpoint())!;
    const split = splitSignedNote(checkpoint.note);
    if (!split.ok) throw new Error(split.message);
    const timestamp = Math.floor(now.getTime() / 1000);
    await log.fixture.store.cosignatures.insertCosignature({
      treeSize: checkpoint.treeSize,
      witness: customs.name,
      keyId: customs.keyId,
      rootHash: checkpoint.rootHash,
      timestamp,
      line: cosignatureLine({ cosigner: customs, noteText: split.text, timestamp }),
      receivedAt: now.toISOString(),
    });
    const one = await checkLog({ log: log.http, state: undefined, witnesses, quorum: 1, now });
    expect(one).toMatchObject({ ok: true, cosignatures: [customs.name] });
    const both = await checkLog({ log: log.http, state: undefined, witnesses, now });
    expect(both).toMatchObject({ ok: false, problem: 'quorum_missing' });
    if (!both.ok)
      expect(both.message).toContain(`1 of the 2 witness cosignatures required (${customs.name})`);
  });

  it('refuses a state file that is not a monitor state, rather than trusting the log afresh', () => {
    expect(parseMonitorState({ version: 1, refused: [] })).toBeUndefined();
    expect(parseMonitorState(null)).toBeUndefined();
    expect(parseMonitorState({ version: 2 })).toBeUndefined();
  });
});
