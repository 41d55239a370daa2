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
import {
  addGateWorldOrganisations,
  gateWorldHaulier,
  gateWorldLine,
  releaseToHaulier,
} from '../../test/support/pickup.js';
import { mintSession } from '../../test/support/sessions.js';
import { type AuthDeps, addOrganisation } from '../app/access/index.js';
import { announceVisit, runVisitCommand } from '../app/visits/index.js';
import { computeCheckDigit } from '../domain/index.js';
import { buildServer } from './server.js';

type Session = Awaited<ReturnType<typeof mintSession>>;

const kinds: StoreKind[] = (await postgresReachable()) ? ['sqlite', 'postgres'] : ['sqlite'];

/**
 * Issue 14: the visit list filtered by terminal and read in either direction of the visit reference, and the
 * release inbox oldest change first as well as latest first; each paged by keyset in its own order, its CSV in the
 * same order, and a cursor of the other order refused (400 `input.invalid`).
 */
describe.each(kinds)('visit and release lists in either order (%s)', (kind) => {
  let fixture: TestLedger;
  let auth: AuthDeps;
  let app: FastifyInstance;
  const sessions: Record<string, Session> = {};
  /** The visits of the line MSCU, discharged at T1 (in the yard), and one of another line, only announced. */
  const inYard: string[] = [];
  let announcedOnly: string;
  let otherLines: string;

  const get = (who: string, url: string) =>
    app.inject({ method: 'GET', url, cookies: sessions[who]!.cookies, headers: sessions[who]!.headers });

  /** Every page of a list, following its cursor (`next` as `after`, or `nextCursor` as `cursor`). */
  async function everyPage(who: string, path: string, list: 'visits' | 'items'): Promise<string[][]> {
    const [key, param] =
      list === 'visits' ? (['next', 'after'] as const) : (['nextCursor', 'cursor'] as const);
    const pages: string[][] = [];
    let url = path;
    for (;;) {
      const response = await get(who, url);
      expect(response.statusCode, response.body).toBe(200);
      const body = response.json() as Record<string, unknown>;
      pages.push((body[list] as { visitRef: string }[]).map((row) => row.visitRef));
      const cursor = body[key] as string | null;
      if (cursor === null) return pages;
      url = `${path}&${param}=${encodeURIComponent(cursor)}`;
    }
  }

  let serial = 0;
  const containerNumber = () => {
    const first10 = `LSTU${String(++serial + 300_000).padStart(6, '0')}`;
    return `${first10}${computeCheckDigit(first10)}`;
  };
  const announce = async (line: string) =>
    (
      await announceVisit(fixture.ledger, testTerminals, {
        containerNumber: containerNumber(),
        line,
        sizeType: '22G1',
        fullEmpty: 'full',
        arrival: { mode: 'vessel', vesselCall: 'ORDERS1' },
      })
    ).visit.visitRef;

  beforeAll(async () => {
    fixture = await openTestLedger(kind);
    auth = testAuthDeps(fixture.ledger);
    await addGateWorldOrganisations(auth);
    await addOrganisation(auth, { orgId: 'org-maeu', kind: 'shipping_line', name: 'Maersk', code: 'MAEU' });
    await addOrganisation(auth, { orgId: 'org-cus', kind: 'customs', name: 'Customs', code: 'BECUS' });
    await addPeople(auth, [
      ['customs', 'org-cus', 'customs_officer'],
      ['clerk', 'org-nqt', 'gate_clerk'],
      ['line', 'org-line', 'release_desk'],
      ['maeu', 'org-maeu', 'release_desk'],
      ['planner', 'org-hau', 'haulier_planner'],
    ]);
    for (const who of ['customs', 'clerk', 'line', 'maeu', 'planner']) {
      sessions[who] = await mintSession(auth, who);
    }
    app = await buildServer({
      reads: fixture.store,
      verifierKey: testVerifierKey,
      auth,
      terminals: testTerminals,
    });
    for (let n = 0; n < 5; n++) {
      const visitRef = await announce('MSCU');
      await runVisitCommand(fixture.ledger, testTerminals, visitRef, {
        type: 'DischargeContainer',
        vesselCall: 'ORDERS1',
        slot: { terminal: 'T1', block: 'B', bay: 2 * n + 1, row: 1, tier: 1 },
        operator: 'orders',
      });
      inYard.push(visitRef);
    }
    announcedOnly = await announce('MSCU');
    otherLines = await announce('MAEU');
    // Released one after another, so the inbox has a change order to read both ways.
    for (const visitRef of inYard) {
      await releaseToHaulier(fixture.ledger, visitRef, { line: gateWorldLine, haulier: gateWorldHaulier });
    }
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await fixture?.cleanup();
  });

  it('reads every visit backwards by reference a page at a time, the reverse of the forward pages', async () => {
    const forward = (await everyPage('customs', '/v1/visits?limit=2', 'visits')).flat();
    const backward = await everyPage('customs', '/v1/visits?limit=2&direction=desc', 'visits');
    expect(backward.length).toBe(4);
    expect(backward.every((page) => page.length <= 2)).toBe(true);
    expect(backward.flat()).toEqual([...forward].reverse());
    expect(new Set(forward)).toEqual(new Set([...inYard, announcedOnly, otherLines]));
  });

  it('filters by terminal, each visit still shown only as far as the caller may see it', async () => {
    const sorted = [...inYard].sort();
    // Customs sees everything: the five boxes at T1, not the two only announced.
    expect((await everyPage('customs', '/v1/visits?terminal=T1&limit=2', 'visits')).flat()).toEqual(sorted);
    expect(
      (
        await everyPage('customs', '/v1/visits?terminal=T1&status=in_yard&direction=desc&limit=3', 'visits')
      ).flat(),
    ).toEqual([...sorted].reverse());
    // The terminal's own clerk sees them with their slots.
    const clerks = (await get('clerk', '/v1/visits?terminal=T1&direction=desc')).json();
    expect(clerks.visits.map((v: { visitRef: string }) => v.visitRef)).toEqual([...sorted].reverse());
    expect(clerks.visits.every((v: Record<string, unknown>) => 'slot' in v)).toBe(true);
    // A line sees its own boxes there without the slot, and another line none of them.
    const lines = (await get('line', '/v1/visits?terminal=T1')).json();
    expect(lines.visits.map((v: { visitRef: string }) => v.visitRef)).toEqual(sorted);
    expect(lines.visits.some((v: Record<string, unknown>) => 'slot' in v)).toBe(false);
    expect((await get('maeu', '/v1/visits?terminal=T1')).json().visits).toEqual([]);
    expect((await get('customs', '/v1/visits?terminal=T9')).json()).toEqual({ visits: [], next: null });
  });

  it('exports the visits as CSV in the order asked for', async () => {
    const csv = await get('customs', '/v1/visits?terminal=T1&direction=desc&limit=2&format=csv');
    expect(csv.statusCode).toBe(200);
    const rows = csv.body.trim().split(/\r?\n/).slice(1);
    const refs = rows.map((row) => inYard.find((visitRef) => row.includes(visitRef)));
    expect(refs).toEqual([...inYard].sort().reverse());
  });

  it('refuses a visit cursor of the other direction, and bad parameters, as problems', async () => {
    const first = (await get('customs', '/v1/visits?limit=2')).json();
    const crossed = await get('customs', `/v1/visits?limit=2&direction=desc&after=${first.next}`);
    expect(crossed.statusCode).toBe(400);
    expect(crossed.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(crossed.json().code).toBe('input.invalid');
    const backward = (await get('customs', '/v1/visits?limit=2&direction=desc')).json();
    expect((await get('customs', `/v1/visits?limit=2&after=${backward.next}`)).json().code).toBe(
      'input.invalid',
    );
    // A bare visit reference, as `next` was before the list had a direction, still goes on forward only.
    const sorted = [...inYard].sort();
    const legacy = (await get('customs', `/v1/visits?terminal=T1&after=${sorted[1]}`)).json();
    expect(legacy.visits.map((v: { visitRef: string }) => v.visitRef)).toEqual(sorted.slice(2));
    expect(
      (await get('customs', `/v1/visits?terminal=T1&direction=desc&after=${sorted[1]}`)).json().code,
    ).toBe('input.invalid');
    const sideways = await get('customs', '/v1/visits?direction=sideways');
    expect(sideways.statusCode).toBe(400);
    expect(sideways.json().code).toBe('request.invalid');
  });

  it('reads the release inbox oldest change first a page at a time, the reverse of latest first', async () => {
    const latest = (await everyPage('line', '/v1/releases?view=issued&limit=2', 'items')).flat();
    const oldest = await everyPage('line', '/v1/releases?view=issued&limit=2&direction=asc', 'items');
    expect(oldest.length).toBe(3);
    expect(oldest.flat()).toEqual([...latest].reverse());
    expect(new Set(latest)).toEqual(new Set(inYard));
    const held = (await everyPage('planner', '/v1/releases?view=held&limit=4&direction=asc', 'items')).flat();
    expect(held).toEqual(oldest.flat());
    const inForce = await everyPage(
      'line',
      '/v1/releases?view=issued&state=in_force&direction=asc&limit=3',
      'items',
    );
    expect(inForce.flat()).toEqual(oldest.flat());
  });

  it('exports the release inbox as CSV in the order asked for, and refuses a cursor of the other order', async () => {
    const oldest = (await everyPage('line', '/v1/releases?view=issued&direction=asc', 'items')).flat();
    const csv = await get('line', '/v1/releases?view=issued&direction=asc&limit=2&format=csv');
    expect(csv.statusCode).toBe(200);
    const rows = csv.body.trim().split(/\r?\n/).slice(1);
    expect(rows.map((row) => oldest.find((visitRef) => row.includes(visitRef)))).toEqual(oldest);

    const first = (await get('line', '/v1/releases?view=issued&limit=2')).json();
    const crossed = await get(
      'line',
      `/v1/releases?view=issued&limit=2&direction=asc&cursor=${first.nextCursor}`,
    );
    expect(crossed.statusCode).toBe(400);
    expect(crossed.json().code).toBe('input.invalid');
    const backward = (await get('line', '/v1/releases?view=issued&limit=2&direction=asc')).json();
    expect(
      (await get('line', `/v1/releases?view=issued&limit=2&cursor=${backward.nextCursor}`)).json().code,
    ).toBe('input.invalid');
    expect((await get('line', '/v1/releases?view=issued&direction=up')).json().code).toBe('request.invalid');
  });
});
