import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testAuthDeps } from '../../test/support/auth.js';
import {
  openTestLedger,
  type TestLedger,
  testSigner,
  testTerminals,
  testVerifierKey,
} from '../../test/support/ledger.js';
import { mintSession } from '../../test/support/sessions.js';
import { addOrganisation, addUser } from '../app/access/index.js';
import { createLedger } from '../app/ledger/index.js';
import { decodeLogEntry, openCheckpoint, verifyConsistency, verifyInclusion } from '../audit/index.js';
import { SimulatedClock, seededIds, seedVesselCall } from '../demo/seed.js';
import { seededRandom } from '../demo/seeded-random.js';
import { buildServer } from './server.js';

const fromB64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));

describe('HTTP audit API (SQLite)', () => {
  let fixture: TestLedger;
  let app: FastifyInstance;
  let firstCheckpointSize = 0;
  let customs: Awaited<ReturnType<typeof mintSession>>;

  beforeAll(async () => {
    fixture = await openTestLedger('sqlite');
    const random = seededRandom('http-test');
    const clock = new SimulatedClock(new Date('2026-03-01T06:00:00Z'));
    const ledger = createLedger({
      store: fixture.store,
      clock,
      ids: seededIds(random),
      log: { origin: testSigner.name, signer: testSigner },
      checkpointIntervalMs: 0,
    });
    await seedVesselCall({ ledger, clock, random, terminals: testTerminals, terminal: 'T1', containers: 60 });
    firstCheckpointSize = (await fixture.store.latestCheckpoint())!.treeSize;
    await seedVesselCall({ ledger, clock, random, terminals: testTerminals, terminal: 'T1', containers: 60 });
    await ledger.close();
    const auth = testAuthDeps(fixture.ledger);
    app = await buildServer({
      reads: fixture.store,
      verifierKey: testVerifierKey,
      auth,
      terminals: testTerminals,
    });
    // Whole entries carry yard positions: only customs and the police may read them.
    await addOrganisation(auth, { orgId: 'customs', kind: 'customs', name: 'Customs', code: 'CUST' });
    await addUser(auth, {
      userId: 'c1',
      orgId: 'customs',
      username: 'c1',
      displayName: 'C One',
      roles: ['customs_officer'],
      issuedBy: 'test',
    });
    customs = await mintSession(auth, 'c1');
  });

  afterAll(async () => {
    await app.close();
    await fixture.cleanup();
  });

  it('answers liveness and readiness', async () => {
    expect((await app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await app.inject('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ready', logSize: await fixture.store.logSize() });
  });

  it('serves the latest checkpoint, which verifies with the published key', async () => {
    const response = await app.inject('/v1/audit/checkpoint');
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.verifierKey).toBe(testVerifierKey);
    const opened = openCheckpoint(body.note, (await app.inject('/v1/audit/key')).body.trim());
    expect(opened.ok).toBe(true);
    if (!opened.ok) return;
    expect(Number(opened.treeSize)).toBe(body.treeSize);
    expect(body.treeSize).toBe(await fixture.store.logSize());
  });

  it('serves inclusion proofs that verify against the checkpoint root', async () => {
    const { note, treeSize } = (await app.inject('/v1/audit/checkpoint')).json();
    const opened = openCheckpoint(note, testVerifierKey);
    if (!opened.ok) throw new Error(opened.message);
    for (const index of [0, 1, Math.floor(treeSize / 2), treeSize - 1]) {
      const response = await app.inject(`/v1/audit/proof/inclusion?index=${index}`);
      expect(response.statusCode).toBe(200);
      const proof = response.json();
      expect(proof.checkpoint).toBe(note);
      const entry = (
        await app.inject({ url: `/v1/audit/entries?start=${index}&limit=1`, cookies: customs.cookies })
      ).json().entries[0];
      expect(entry.leafHash).toBe(proof.leafHash);
      expect(decodeLogEntry(fromB64(entry.leaf)).index).toBe(index);
      const verified = verifyInclusion({
        leafIndex: BigInt(index),
        treeSize: BigInt(treeSize),
        leafHash: fromB64(proof.leafHash),
        proof: proof.proof.map(fromB64),
        rootHash: opened.rootHash,
      });
      expect(verified).toEqual({ ok: true });
    }
  });

  it('serves consistency proofs between two signed checkpoints', async () => {
    const response = await app.inject(`/v1/audit/proof/consistency?from=${firstCheckpointSize}`);
    expect(response.statusCode).toBe(200);
    const proof = response.json();
    const older = openCheckpoint(proof.fromCheckpoint, testVerifierKey);
    const newer = openCheckpoint(proof.toCheckpoint, testVerifierKey);
    if (!older.ok || !newer.ok) throw new Error('checkpoints must open');
    expect(
      verifyConsistency({
        size1: older.treeSize,
        size2: newer.treeSize,
        root1: older.rootHash,
        root2: newer.rootHash,
        proof: proof.proof.map(fromB64),
      }),
    ).toEqual({ ok: true });
  });

  it('answers bad input with RFC 9457 problem details and a stable code', async () => {
    const size = await fixture.store.logSize();
    const cases: [string, number, string][] = [
      [`/v1/audit/proof/inclusion?index=${size + 5}`, 400, 'audit.index_out_of_range'],
      ['/v1/audit/proof/inclusion?index=abc', 400, 'request.invalid'],
      ['/v1/audit/proof/inclusion', 400, 'request.invalid'],
      [`/v1/audit/proof/consistency?from=${size + 1}&to=${size + 2}`, 400, 'audit.size_out_of_range'],
      ['/v1/audit/entries?start=0&limit=5', 401, 'auth.unauthenticated'],
      ['/v1/nothing-here', 404, 'route.not_found'],
    ];
    for (const [url, status, code] of cases) {
      const response = await app.inject(url);
      expect(response.statusCode, url).toBe(status);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.json()).toMatchObject({ status, code, title: code });
    }
  });

  it('serves the OpenAPI document that is committed (set UPDATE_OPENAPI=1 to regenerate)', async () => {
    const document = `${JSON.stringify((await app.inject('/openapi.json')).json(), null, 2)}\n`;
    const committed = resolve(import.meta.dirname, '..', '..', 'openapi.json');
    if (process.env.UPDATE_OPENAPI === '1') writeFileSync(committed, document);
    expect(document).toBe(readFileSync(committed, 'utf8'));
  });
});
