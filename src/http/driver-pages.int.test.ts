import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addPeople, testAuthDeps } from '../../test/support/auth.js';
import {
  openTestLedger,
  postgresReachable,
  type StoreKind,
  type TestLedger,
  testTerminals,
  testVerifierKey,
} from '../../test/support/ledger.js';
import { mintSession } from '../../test/support/sessions.js';
import { type AuthDeps, addOrganisation } from '../app/access/index.js';
import type { DriverDeviceRecord } from '../app/gate/gate.ports.js';
import { buildServer } from './server.js';

type Session = Awaited<ReturnType<typeof mintSession>>;

const kinds: StoreKind[] = (await postgresReachable()) ? ['sqlite', 'postgres'] : ['sqlite'];

/**
 * Issue 13: a haulier's drivers and its drivers' phones are every one it ever registered or they ever enrolled, so
 * `GET /v1/drivers` and `GET /v1/drivers/devices` (without a status) are read a keyset page at a time, as the
 * administrators' lists are: at most `limit` (500 at most: more is 400 `request.invalid`), with a `nextCursor`
 * (a forged one is 400 `input.invalid`).
 */
describe.each(kinds)("a haulier's drivers and phones, one page at a time (%s)", (kind) => {
  let fixture: TestLedger;
  let auth: AuthDeps;
  let app: FastifyInstance;
  let planner: Session;
  const badges = ['ANR-PG-0005', 'ANR-PG-0001', 'ANR-PG-0004', 'ANR-PG-0002', 'ANR-PG-0003'];

  const get = (url: string) =>
    app.inject({ method: 'GET', url, cookies: planner.cookies, headers: planner.headers });
  /** Every page of a list, following `nextCursor`, each no longer than `limit`. */
  async function everyPage<T>(path: string, key: string, limit: number): Promise<T[][]> {
    const pages: T[][] = [];
    const join = path.includes('?') ? '&' : '?';
    let url = `${path}${join}limit=${limit}`;
    for (;;) {
      const response = await get(url);
      expect(response.statusCode, response.body).toBe(200);
      const body = response.json() as Record<string, unknown> & { nextCursor: string | null };
      const rows = body[key] as T[];
      expect(rows.length).toBeLessThanOrEqual(limit);
      pages.push(rows);
      if (body.nextCursor === null) return pages;
      url = `${path}${join}limit=${limit}&cursor=${body.nextCursor}`;
    }
  }

  beforeAll(async () => {
    fixture = await openTestLedger(kind);
    auth = testAuthDeps(fixture.ledger);
    await addOrganisation(auth, { orgId: 'org-hau', kind: 'haulier', name: 'Delta Transport', code: 'DLTA' });
    await addPeople(auth, [['planner', 'org-hau', 'haulier_planner']]);
    planner = await mintSession(auth, 'planner');
    app = await buildServer({
      reads: fixture.store,
      verifierKey: testVerifierKey,
      auth,
      terminals: testTerminals,
    });
    for (const badge of badges) {
      const registered = await app.inject({
        method: 'POST',
        url: '/v1/drivers',
        cookies: planner.cookies,
        headers: planner.headers,
        payload: { name: `Driver ${badge}`, badge, licence: 'B-1234567', phone: '+32 470 12 34 56' },
      });
      expect(registered.statusCode, registered.body).toBe(201);
    }
    // Phones as the enrolment writes them; who enrolled them does not matter to the list.
    await fixture.store.writeTransaction(async (tx) => {
      for (const [n, status] of (
        ['pending', 'active', 'revoked', 'pending', 'rejected'] as const
      ).entries()) {
        const device: DriverDeviceRecord = {
          deviceId: `dev-${n}`,
          orgId: 'org-hau',
          userId: `driver-${n}`,
          publicKey: new Uint8Array(32).fill(n),
          fingerprint: '0a1b:2c3d:4e5f:6071',
          label: `Phone ${n}`,
          status,
          enrolledAt: `2030-01-01T0${n}:00:00.000Z`,
          ip: '192.0.2.7',
          userAgent: 'Mozilla/5.0 (Android 14)',
          decidedBy: null,
          decidedAt: null,
        };
        await tx.gate.putDevice(device);
      }
    });
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await fixture?.cleanup();
  });

  it('pages the drivers by badge reference: each once, none beyond the last page', async () => {
    const whole = (await get('/v1/drivers')).json() as { drivers: { badgeRef: string }[]; nextCursor: null };
    expect(whole.drivers).toHaveLength(badges.length);
    expect(whole.nextCursor).toBeNull();
    const pages = await everyPage<{ badgeRef: string; badge: string }>('/v1/drivers', 'drivers', 2);
    expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
    expect(pages.flat().map((driver) => driver.badgeRef)).toEqual(
      whole.drivers.map((driver) => driver.badgeRef),
    );
    expect(new Set(pages.flat().map((driver) => driver.badge))).toEqual(new Set(badges));
  });

  it('pages the phones, every one or those in one state, oldest first', async () => {
    const every = await everyPage<{ deviceId: string }>('/v1/drivers/devices', 'items', 2);
    expect(every.map((page) => page.map((device) => device.deviceId))).toEqual([
      ['dev-0', 'dev-1'],
      ['dev-2', 'dev-3'],
      ['dev-4'],
    ]);
    const pending = await everyPage<{ deviceId: string }>('/v1/drivers/devices?status=pending', 'items', 1);
    expect(pending.flat().map((device) => device.deviceId)).toEqual(['dev-0', 'dev-3']);
  });

  it('pages the phones newest first across pages, refuses a cursor of the other order, and gives them as CSV (issue 14)', async () => {
    const newest = await everyPage<{ deviceId: string }>('/v1/drivers/devices?direction=desc', 'items', 2);
    expect(newest.flat().map((device) => device.deviceId)).toEqual([
      'dev-4',
      'dev-3',
      'dev-2',
      'dev-1',
      'dev-0',
    ]);
    const first = (await get('/v1/drivers/devices?direction=desc&limit=2')).json() as { nextCursor: string };
    const other = await get(`/v1/drivers/devices?limit=2&cursor=${first.nextCursor}`);
    expect(other.statusCode).toBe(400);
    expect(other.json().code).toBe('input.invalid');
    const csv = await get('/v1/drivers/devices?status=pending&direction=desc&limit=1&format=csv');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.body.split('\r\n').filter(Boolean);
    expect(lines[0]).toBe('deviceId,driverName,label,fingerprint,status,enrolledAt,wrongCodes,locked');
    expect(lines.slice(1).map((line) => line.split(',')[0])).toEqual(['dev-3', 'dev-0']);
  });

  it('refuses a page larger than the maximum (400 request.invalid) and a forged cursor (400 input.invalid)', async () => {
    for (const url of ['/v1/drivers?limit=501', '/v1/drivers/devices?limit=501', '/v1/drivers?limit=0']) {
      const refused = await get(url);
      expect(refused.statusCode, url).toBe(400);
      expect(refused.headers['content-type']).toContain('application/problem+json');
      expect(refused.json().code).toBe('request.invalid');
    }
    for (const url of ['/v1/drivers?cursor=bm90LWEtY3Vyc29y', '/v1/drivers/devices?cursor=WyJvbmUiXQ']) {
      const forged = await get(url);
      expect(forged.statusCode, url).toBe(400);
      expect(forged.json()).toMatchObject({
        code: 'input.invalid',
        detail: 'not a page cursor of this list',
      });
    }
  });
});
