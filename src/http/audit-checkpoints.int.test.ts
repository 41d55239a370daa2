import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addPeople, testAuthDeps } from '../../test/support/auth.js';
import {
  openTestLedger,
  type TestLedger,
  testSigner,
  testTerminals,
  testVerifierKey,
} from '../../test/support/ledger.js';
import { mintSession } from '../../test/support/sessions.js';
import { addOrganisation } from '../app/access/index.js';
import { createLedger } from '../app/ledger/index.js';
import { openCheckpoint } from '../audit/index.js';
import { SimulatedClock, seededIds, seedVesselCall } from '../demo/seed.js';
import { seededRandom } from '../demo/seeded-random.js';
import { buildServer } from './server.js';

describe('HTTP audit checkpoints and stats (SQLite)', () => {
  let fixture: TestLedger;
  let app: FastifyInstance;
  let supervisor: Awaited<ReturnType<typeof mintSession>>;
  let haulier: Awaited<ReturnType<typeof mintSession>>;

  beforeAll(async () => {
    fixture = await openTestLedger('sqlite');
    const random = seededRandom('audit-checkpoints');
    const clock = new SimulatedClock(new Date('2026-03-01T06:00:00Z'));
    const ledger = createLedger({
      store: fixture.store,
      clock,
      ids: seededIds(random),
      log: { origin: testSigner.name, signer: testSigner },
      checkpointIntervalMs: 0,
    });
    await seedVesselCall({ ledger, clock, random, terminals: testTerminals, terminal: 'T1', containers: 20 });
    await seedVesselCall({ ledger, clock, random, terminals: testTerminals, terminal: 'T1', containers: 20 });
    await ledger.close();
    const auth = testAuthDeps(fixture.ledger);
    app = await buildServer({
      reads: fixture.store,
      verifierKey: testVerifierKey,
      auth,
      terminals: testTerminals,
    });
    await addOrganisation(auth, {
      orgId: 'nqt',
      kind: 'terminal_operator',
      name: 'NQT',
      code: 'NQT',
      terminals: ['T1'],
    });
    await addOrganisation(auth, { orgId: 'haul', kind: 'haulier', name: 'Haul', code: 'HAUL' });
    await addPeople(auth, [
      ['sup', 'nqt', 'terminal_supervisor'],
      ['hp', 'haul', 'haulier_planner'],
    ]);
    supervisor = await mintSession(auth, 'sup');
    haulier = await mintSession(auth, 'hp');
  });

  afterAll(async () => {
    await app.close();
    await fixture.cleanup();
  });

  it('lists signed checkpoints from a tree size, smallest first, each verifying with the key', async () => {
    const all = await app.inject({
      url: '/v1/audit/checkpoints?from=0&limit=500',
      cookies: supervisor.cookies,
    });
    expect(all.statusCode).toBe(200);
    const { checkpoints } = all.json() as {
      checkpoints: { treeSize: number; note: string; verifierKey: string }[];
    };
    expect(checkpoints.length).toBeGreaterThan(1);
    const sizes = checkpoints.map((c) => c.treeSize);
    expect(sizes).toEqual([...sizes].sort((a, b) => a - b));
    expect(sizes.at(-1)).toBe(await fixture.store.logSize());
    for (const c of checkpoints) {
      expect(c.verifierKey).toBe(testVerifierKey);
      const opened = openCheckpoint(c.note, testVerifierKey);
      expect(opened.ok && Number(opened.treeSize) === c.treeSize).toBe(true);
    }
    const second = sizes[1] as number;
    const page = await app.inject({
      url: `/v1/audit/checkpoints?from=${second}&limit=1`,
      cookies: supervisor.cookies,
    });
    expect(page.json().checkpoints.map((c: { treeSize: number }) => c.treeSize)).toEqual([second]);
  });

  it('computes log growth and events per hour', async () => {
    const response = await app.inject({ url: '/v1/audit/stats?hours=24', cookies: supervisor.cookies });
    expect(response.statusCode).toBe(200);
    const stats = response.json() as {
      logSize: number;
      growth: { at: string; treeSize: number }[];
      eventsPerHour: { hour: string; events: number }[];
      truncated: boolean;
    };
    const logSize = await fixture.store.logSize();
    expect(stats.logSize).toBe(logSize);
    expect(stats.growth.at(-1)?.treeSize).toBe(logSize);
    // Downsampled by look-ups (issue 13): each point a signed checkpoint, growing, at most 501 of them.
    const signed = new Map(
      (await fixture.store.readCheckpoints(0, 100_000)).map((c) => [c.treeSize, c.signedAt]),
    );
    const sizes = stats.growth.map((point) => point.treeSize);
    expect(sizes).toEqual([...sizes].sort((a, b) => a - b));
    expect(new Set(sizes).size).toBe(sizes.length);
    expect(sizes.length).toBeLessThanOrEqual(501);
    for (const point of stats.growth) expect(signed.get(point.treeSize)).toBe(point.at);
    expect(sizes[0]).toBe(Math.min(...signed.keys()));
    expect(stats.eventsPerHour).toHaveLength(24);
    expect(stats.eventsPerHour.reduce((sum, h) => sum + h.events, 0)).toBeGreaterThan(0);
    expect(stats.eventsPerHour.reduce((sum, h) => sum + h.events, 0)).toBeLessThanOrEqual(logSize);
    expect(stats.truncated).toBe(false);
  });

  it('refuses callers without audit.read, and nobody', async () => {
    for (const url of ['/v1/audit/checkpoints', '/v1/audit/stats']) {
      expect((await app.inject({ url })).statusCode).toBe(401);
      const refused = await app.inject({ url, cookies: haulier.cookies });
      expect(refused.statusCode).toBe(403);
    }
    expect(
      (await app.inject({ url: '/v1/audit/checkpoints?limit=0', cookies: supervisor.cookies })).statusCode,
    ).toBe(400);
  });
});
