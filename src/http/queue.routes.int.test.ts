import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testAuthDeps } from '../../test/support/auth.js';
import {
  openTestLedger,
  type TestLedger,
  testSlots,
  testTerminals,
  testVerifierKey,
} from '../../test/support/ledger.js';
import {
  buildWorld,
  type Caller,
  injectAs,
  type Session,
  type World,
  type WorldUser,
} from '../../test/support/route-examples.js';
import type { AuthDeps } from '../app/access/index.js';
import { addOrganisation } from '../app/access/index.js';
import { pickupDepsFor } from '../app/appointments/index.js';
import type { WorkQueue } from '../app/queues/index.js';
import { computeCheckDigit, type OrgKind, type Role, slotIdOf } from '../domain/index.js';
import { buildServer } from './server.js';

/** A server-sent events stream read with fetch: each `next()` answers the next event (comments skipped). */
async function openEvents(url: string, cookie: string) {
  const controller = new AbortController();
  const response = await fetch(url, {
    headers: { cookie, accept: 'text/event-stream' },
    signal: controller.signal,
  });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  async function next(): Promise<{ event: string; data: string } | 'ended'> {
    for (;;) {
      const boundary = buffer.indexOf('\n\n');
      if (boundary >= 0) {
        const block = buffer.slice(0, boundary);
        buffer = buffer.slice(boundary + 2);
        const fields = block.split('\n').filter((line) => !line.startsWith(':'));
        const field = (name: string) =>
          fields.filter((line) => line.startsWith(`${name}: `)).map((line) => line.slice(name.length + 2));
        const data = field('data');
        if (data.length > 0) return { event: field('event')[0] ?? 'message', data: data.join('\n') };
        continue;
      }
      const { value, done } = await reader.read();
      if (done) return 'ended';
      buffer += value;
    }
  }
  const nextQueues = async (): Promise<WorkQueue[]> => {
    const event = await next();
    if (event === 'ended') throw new Error('the stream ended');
    expect(event.event).toBe('queues');
    return (JSON.parse(event.data) as { queues: WorkQueue[] }).queues;
  };
  return { response, next, nextQueues, close: () => controller.abort() };
}

/**
 * Issue 14, work queues over HTTP: each role's queues and counts, within need-to-know (another line's offer to
 * another forwarder is not counted), and the live stream of them as server-sent events.
 */
describe('work queues (HTTP, SQLite)', () => {
  let fixture: TestLedger;
  let auth: AuthDeps;
  let app: FastifyInstance;
  let world: World;
  let otherLine: WorldUser;
  let otherForwarder: WorldUser;
  const sessions = new Map<string, Session>();

  const caller = (role: Role, orgKind?: OrgKind): Caller =>
    world.callers.find((c) => c.role === role && (orgKind === undefined || c.orgKind === orgKind))!;
  const as = async (who: WorldUser) => {
    const key = who.user.userId;
    if (!sessions.has(key)) sessions.set(key, await world.session(who));
    return sessions.get(key)!;
  };
  const queuesOf = async (who: WorldUser): Promise<WorkQueue[]> => {
    const answer = await injectAs(app, await as(who), { method: 'GET', url: '/v1/queues' });
    expect(answer.statusCode, answer.body).toBe(200);
    return (answer.json() as { queues: WorkQueue[] }).queues;
  };
  const countOf = async (who: WorldUser, kind: WorkQueue['kind']) =>
    (await queuesOf(who)).find((queue) => queue.kind === kind)?.count;

  /** Announces a box as `line` and issues its release to `firstParty`; answers the visit's reference. */
  async function issueRelease(line: WorldUser, firstParty: string): Promise<string> {
    const session = await as(line);
    const announced = await injectAs(app, session, {
      method: 'POST',
      url: '/v1/visits',
      payload: {
        containerNumber: nextContainer(),
        sizeType: '22G1',
        fullEmpty: 'full',
        arrival: { mode: 'truck' },
      },
    });
    expect(announced.statusCode, announced.body).toBe(201);
    const visitRef = announced.json().visitRef as string;
    const now = fixture.ledger.clock.now().getTime();
    const issued = await injectAs(app, session, {
      method: 'POST',
      url: `/v1/visits/${visitRef}/release`,
      payload: {
        firstParty,
        validFrom: new Date(now - 3_600_000).toISOString(),
        validUntil: new Date(now + 7 * 86_400_000).toISOString(),
      },
    });
    expect(issued.statusCode, issued.body).toBe(201);
    return visitRef;
  }

  let serial = 0;
  function nextContainer(): string {
    serial += 1;
    const first10 = `QUEU${String(500_000 + serial).padStart(6, '0')}`;
    return `${first10}${computeCheckDigit(first10)}`;
  }

  beforeAll(async () => {
    fixture = await openTestLedger('sqlite');
    auth = testAuthDeps(fixture.ledger);
    app = await buildServer({
      reads: fixture.store,
      verifierKey: testVerifierKey,
      auth,
      terminals: testTerminals,
      pickup: pickupDepsFor({ signer: auth.ledger.log.signer, slots: testSlots }),
    });
    world = await buildWorld({ app, auth, terminals: testTerminals });
    await addOrganisation(auth, { orgId: 'org-maeu', kind: 'shipping_line', name: 'Maersk', code: 'MAEU' });
    await addOrganisation(auth, {
      orgId: 'org-fwd2',
      kind: 'forwarder',
      name: 'Other forwarder',
      code: 'FWDB',
    });
    otherLine = await world.enrolUser({ orgId: 'org-maeu', roles: ['release_desk'] });
    otherForwarder = await world.enrolUser({ orgId: 'org-fwd2', roles: ['release_desk'] });
  }, 120_000);

  let closed = false;
  afterAll(async () => {
    if (!closed) await app?.close();
    await fixture?.cleanup();
  });

  it('shows each role the queues of its work only, and a role that waits on nothing an empty list', async () => {
    const kinds = async (who: WorldUser) => (await queuesOf(who)).map((queue) => queue.kind);
    expect(await kinds(caller('release_desk', 'forwarder'))).toEqual(['release_offers']);
    expect(await kinds(caller('haulier_planner'))).toEqual([
      'release_offers',
      'approvals',
      'open_alerts',
      'pending_phones',
    ]);
    expect(await kinds(caller('release_desk', 'shipping_line'))).toEqual([
      'blocked_releases',
      'approvals',
      'held_boxes',
    ]);
    expect(await kinds(caller('gate_clerk'))).toEqual(['trucks_due', 'held_boxes']);
    expect(await kinds(caller('terminal_supervisor'))).toEqual([
      'approvals',
      'open_alerts',
      'trucks_due',
      'held_boxes',
    ]);
    expect(await kinds(caller('driver'))).toEqual([]);
    expect(await kinds(caller('equipment_operator'))).toEqual([]);
    const forwarderQueue = (await queuesOf(caller('release_desk', 'forwarder')))[0]!;
    expect(forwarderQueue).toEqual({
      kind: 'release_offers',
      count: 0,
      more: false,
      link: '/releases#offers-heading',
    });
  });

  it("counts offers to one forwarder only: another line's offer to another forwarder is not counted", async () => {
    const forwarder = caller('release_desk', 'forwarder');
    const line = caller('release_desk', 'shipping_line');
    const before = await countOf(forwarder, 'release_offers');
    await issueRelease(line, forwarder.org.orgId);
    await issueRelease(otherLine, otherForwarder.org.orgId);
    expect(await countOf(forwarder, 'release_offers')).toBe(before! + 1);
    expect(await countOf(otherForwarder, 'release_offers')).toBe(1);

    // A blocked release waits for its line, not for the forwarder.
    const blockedRef = await issueRelease(line, forwarder.org.orgId);
    expect(await countOf(forwarder, 'release_offers')).toBe(before! + 2);
    const blocked = await injectAs(app, await as(line), {
      method: 'POST',
      url: `/v1/visits/${blockedRef}/release/block`,
      payload: { reason: 'unpaid freight' },
    });
    expect(blocked.statusCode, blocked.body).toBe(200);
    expect(await countOf(forwarder, 'release_offers')).toBe(before! + 1);
    expect(await countOf(line, 'blocked_releases')).toBe(1);
    expect(await countOf(otherLine, 'blocked_releases')).toBe(0);
  });

  it("counts the trucks due within the hour at the clerk's own terminal", async () => {
    const clerk = caller('gate_clerk');
    expect(await countOf(clerk, 'trucks_due')).toBe(0);
    const now = fixture.ledger.clock.now().getTime();
    const minute = Math.ceil(now / 60_000) * 60_000;
    const slotAt = (terminal: string, minutesAhead: number) =>
      slotIdOf(terminal, new Date(minute + minutesAhead * 60_000).toISOString());
    // Bookings as the booking use case leaves them (the slot_booking read model).
    await fixture.store.writeTransaction(async (tx) => {
      await tx.gate.putSlotBooking({ visitRef: 'V-DUE-1', slotId: slotAt('T1', 10), terminal: 'T1' });
      await tx.gate.putSlotBooking({ visitRef: 'V-DUE-2', slotId: slotAt('T1', 50), terminal: 'T1' });
      await tx.gate.putSlotBooking({ visitRef: 'V-LATER', slotId: slotAt('T1', 120), terminal: 'T1' });
      await tx.gate.putSlotBooking({ visitRef: 'V-ELSEWHERE', slotId: slotAt('T2', 10), terminal: 'T2' });
    });
    expect(await countOf(clerk, 'trucks_due')).toBe(2);
  });

  it('counts boxes on hold: a line its own, never by a police hold; customs and the police each their own kind', async () => {
    const line = caller('release_desk', 'shipping_line');
    const customs = caller('customs_officer');
    const police = caller('investigator', 'port_police');
    const before = {
      line: await countOf(line, 'held_boxes'),
      customs: await countOf(customs, 'held_boxes'),
      police: await countOf(police, 'held_boxes'),
    };
    const hold = async (who: WorldUser, visitRef: string, kind: 'customs' | 'police') => {
      const placed = await injectAs(app, await as(who), {
        method: 'POST',
        url: `/v1/visits/${visitRef}/holds`,
        payload: { kind, reason: 'selected', reference: `${kind}-1` },
      });
      expect(placed.statusCode, placed.body).toBe(200);
    };
    await hold(customs, await issueRelease(line, caller('release_desk', 'forwarder').org.orgId), 'customs');
    await hold(police, await issueRelease(line, caller('release_desk', 'forwarder').org.orgId), 'police');
    expect(await countOf(line, 'held_boxes')).toBe(before.line! + 1);
    expect(await countOf(customs, 'held_boxes')).toBe(before.customs! + 1);
    expect(await countOf(police, 'held_boxes')).toBe(before.police! + 1);
    expect(await countOf(otherLine, 'held_boxes')).toBe(0);
  });

  it('answers 401 without a session, for the list and for the stream', async () => {
    expect((await app.inject({ method: 'GET', url: '/v1/queues' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/v1/queues/events' })).statusCode).toBe(401);
  });

  it('opens no stream for a HEAD request, which would wait for headers that never come', async () => {
    const session = await as(caller('release_desk', 'forwarder'));
    const head = await injectAs(app, session, { method: 'HEAD', url: '/v1/queues/events' });
    expect(head.statusCode).toBe(404);
  });

  it('streams the queues at once and again when a count changes, at most a few streams a session, until the server closes', async () => {
    const forwarder = caller('release_desk', 'forwarder');
    const session = await world.session(forwarder);
    const cookie = Object.entries(session.cookies)
      .map(([name, value]) => `${name}=${value}`)
      .join('; ');
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const url = `${address}/v1/queues/events`;

    const stream = await openEvents(url, cookie);
    expect(stream.response.status).toBe(200);
    expect(stream.response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const first = await stream.nextQueues();
    const before = first.find((queue) => queue.kind === 'release_offers')!.count;

    // The line offers the forwarder another box: the stream sends the new count by itself.
    await issueRelease(caller('release_desk', 'shipping_line'), forwarder.org.orgId);
    const after = await stream.nextQueues();
    expect(after.find((queue) => queue.kind === 'release_offers')!.count).toBe(before + 1);

    // Another line's offer to another forwarder changes nothing of this forwarder's: nothing is sent for it.
    await issueRelease(otherLine, otherForwarder.org.orgId);
    await issueRelease(caller('release_desk', 'shipping_line'), forwarder.org.orgId);
    const third = await stream.nextQueues();
    expect(third.find((queue) => queue.kind === 'release_offers')!.count).toBe(before + 2);

    // A session holds a few streams at once (a tab each), no more.
    const more = [
      await openEvents(url, cookie),
      await openEvents(url, cookie),
      await openEvents(url, cookie),
    ];
    expect(more.map((s) => s.response.status)).toEqual([200, 200, 200]);
    const refused = await fetch(url, { headers: { cookie } });
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { code: string }).code).toBe('queues.too_many_streams');
    // A stream the client closed frees its place.
    more[0]!.close();
    let reopened: Awaited<ReturnType<typeof openEvents>> | undefined;
    for (let attempt = 0; attempt < 50 && reopened === undefined; attempt += 1) {
      const again = await openEvents(url, cookie);
      if (again.response.status === 200) reopened = again;
      else {
        await again.response.body?.cancel();
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
    expect(reopened?.response.status).toBe(200);

    // Closing the server ends every stream cleanly instead of waiting on them for ever.
    await app.close();
    closed = true;
    expect(await stream.next()).toBe('ended');
  });
});
