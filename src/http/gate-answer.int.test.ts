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
  allDaySlotConfig,
  gateWorldHaulier,
  gateWorldLine,
  pickupReadyNow,
  type TestPhone,
} from '../../test/support/pickup.js';
import { mintSession } from '../../test/support/sessions.js';
import type { AuthDeps } from '../app/access/index.js';
import { createApiToken } from '../app/access/index.js';
import { ALERTS_STREAM } from '../app/alerts/index.js';
import { changeAppointment, pickupDepsFor } from '../app/appointments/index.js';
import { announceVisit, runVisitCommand } from '../app/visits/index.js';
import { computeCheckDigit } from '../domain/index.js';
import { buildServer } from './server.js';

const kinds: StoreKind[] = (await postgresReachable()) ? ['sqlite', 'postgres'] : ['sqlite'];

type Check = { check: string; passed: boolean; state: string; reason: string | null };
type Verdict = {
  accepted: boolean;
  visitRef: string;
  containerNumber: string | null;
  yardPosition: { terminal: string; block: string; bay: number; row: number; tier: number } | null;
  checks: Check[];
};

/**
 * Issue 14, items 3 and 9, through HTTP: a truck a few minutes early or late is told when, on the terminal's clock,
 * and raises no alert; further out it does (medium early, high late); the verdict names the container and, to the
 * terminal's own clerk only, where the truck goes; every crossed check is a sentence; and text that is no pass is
 * said to be so. The slot picker offers only slots that can still be made.
 */
describe.each(kinds)('the gate answer people understand (HTTP, %s)', (kind) => {
  // 08:07 UTC on 6 May 2030: 10:07 in Antwerp (CEST, UTC+2).
  let nowMs = Date.parse('2030-05-06T08:07:00.000Z');
  const clock = { now: () => new Date(nowMs) };
  let fixture: TestLedger;
  let auth: AuthDeps;
  let app: FastifyInstance;
  let kioskToken: string;
  let serial = 0;
  // The all-day table, on Antwerp's clock: slots on the half hour, 30 minutes' grace either side.
  const antwerp = { ...allDaySlotConfig, timeZone: 'Europe/Brussels' };

  type Box = {
    visitRef: string;
    containerNumber: string;
    credentialId: string;
    phone: TestPhone;
    badge: string;
    plate: string;
  };
  const boxes: Record<string, Box> = {};

  beforeAll(async () => {
    fixture = await openTestLedger(kind, { clock });
    auth = testAuthDeps(fixture.ledger);
    await addGateWorldOrganisations(auth);
    await addPeople(auth, [
      ['clerk', 'org-nqt', 'gate_clerk'],
      ['hp-1', 'org-hau', 'haulier_planner'],
    ]);
    kioskToken = (
      await createApiToken(auth, {
        orgId: 'org-nqt',
        permissions: ['visit.gate_out'],
        label: 'gate kiosk lane 1',
        createdBy: 'clerk',
      })
    ).token;
    app = await buildServer({
      reads: fixture.store,
      verifierKey: testVerifierKey,
      auth,
      terminals: testTerminals,
      pickup: pickupDepsFor({ signer: fixture.ledger.log.signer, slots: [antwerp], printedPass: false }),
      gateTimingLeadMinutes: 30,
    });
    // Every box booked now, at 08:07, for the 08:00 slot under way (gate window 07:30–09:00 UTC); some rebooked later.
    for (const name of ['early', 'earlier', 'late', 'later', 'clerk', 'kiosk'])
      boxes[name] = await readyBox();
    boxes.early = await rebook(boxes.early!, 'T1@20300506T1000Z');
    boxes.earlier = await rebook(boxes.earlier!, 'T1@20300506T1200Z');
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await fixture?.cleanup();
  });

  async function readyBox(): Promise<Box> {
    const n = ++serial;
    const first10 = `GTAU${String(700_000 + n).padStart(6, '0')}`;
    const containerNumber = `${first10}${computeCheckDigit(first10)}`;
    const { visit } = await announceVisit(fixture.ledger, testTerminals, {
      containerNumber,
      line: 'MSCU',
      sizeType: '22G1',
      fullEmpty: 'full',
      arrival: { mode: 'truck' },
    });
    await runVisitCommand(fixture.ledger, testTerminals, visit.visitRef, {
      type: 'GateInContainer',
      slot: { terminal: 'T1', block: 'D', bay: 2 * n - 1, row: 2, tier: 1 },
    });
    const badge = `ANR-71${String(n).padStart(4, '0')}`;
    const plate = `1-GTA-${String(n).padStart(3, '0')}`;
    const ready = await pickupReadyNow(
      { ledger: fixture.ledger, sealer: auth.security.sealer, auth },
      { visitRef: visit.visitRef, line: gateWorldLine, haulier: gateWorldHaulier, badge, truckPlate: plate },
    );
    return {
      visitRef: visit.visitRef,
      containerNumber,
      credentialId: ready.credentialId,
      phone: ready.phone!,
      badge,
      plate,
    };
  }

  /** Moves the booking to a later slot (not a sensitive change): a new credential, which the phone's pass names. */
  async function rebook(box: Box, slotId: string): Promise<Box> {
    const outcome = await changeAppointment(
      {
        ledger: fixture.ledger,
        sealer: auth.security.sealer,
        pickup: pickupDepsFor({ signer: fixture.ledger.log.signer, slots: [antwerp] }),
      },
      { orgId: gateWorldHaulier.orgId, userId: gateWorldHaulier.userId },
      box.visitRef,
      { type: 'rebook', slotId },
    );
    if (outcome.outcome !== 'applied' || !outcome.credential) throw new Error(`rebooking ${slotId} failed`);
    return { ...box, credentialId: outcome.credential.credentialId };
  }

  const asKiosk = (payload: object) =>
    app.inject({
      method: 'POST',
      url: '/v1/gate/transactions',
      headers: { authorization: `Bearer ${kioskToken}` },
      payload,
    });
  const asClerk = async (payload: object) => {
    const clerk = await mintSession(auth, 'clerk');
    return app.inject({
      method: 'POST',
      url: '/v1/gate/transactions',
      payload,
      cookies: clerk.cookies,
      headers: clerk.headers,
    });
  };
  const passOf = (box: Box) => ({
    credential: box.phone.passFor(box.credentialId, clock.now()),
    badge: box.badge,
    truckPlate: box.plate,
  });
  const failed = (verdict: Verdict) => verdict.checks.filter((c) => c.state === 'failed');
  const alertsOn = async (visitRef: string) => {
    const raised = (await fixture.store.readStream(ALERTS_STREAM)).filter(
      (e) => e.type === 'GateAlertRaised' && e.data.visitRef === visitRef,
    );
    return Promise.all(raised.map((e) => fixture.store.getAlertRecord(e.index)));
  };

  it('offers only slots that can still be made, with their gate window and the terminal zone', async () => {
    const planner = await mintSession(auth, 'hp-1');
    const response = await app.inject({
      method: 'GET',
      url: '/v1/terminals/T1/slots?day=2030-05-06',
      cookies: planner.cookies,
    });
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json();
    expect(body.timeZone).toBe('Europe/Brussels');
    // At 08:07 UTC the 07:00 slot's window closed at 08:00; the 07:30 slot's is open until 08:30.
    expect(body.slots[0]).toMatchObject({
      slotId: 'T1@20300506T0730Z',
      start: '2030-05-06T07:30:00.000Z',
      gateOpensAt: '2030-05-06T07:00:00.000Z',
      gateClosesAt: '2030-05-06T08:30:00.000Z',
    });
    // The Antwerp day ends at 22:00 UTC: its last slot starts at 21:30.
    expect(body.slots.at(-1).slotId).toBe('T1@20300506T2130Z');
    expect(body.slots).toHaveLength(29);
  });

  it('names the container and, to the terminal clerk, the yard position where the truck goes', async () => {
    nowMs = Date.parse('2030-05-06T08:10:00.000Z');
    const box = boxes.clerk!;
    const response = await asClerk(passOf(box));
    expect(response.statusCode, response.body).toBe(200);
    const verdict = response.json() as Verdict;
    expect(verdict.accepted, response.body).toBe(true);
    expect(verdict.containerNumber).toBe(box.containerNumber);
    expect(verdict.yardPosition).toEqual({ terminal: 'T1', block: 'D', bay: 9, row: 2, tier: 1 });
  });

  it("tells a kiosk's token the container, but not where it stands", async () => {
    const box = boxes.kiosk!;
    const verdict = (await asKiosk(passOf(box))).json() as Verdict;
    expect(verdict.accepted).toBe(true);
    expect(verdict.containerNumber).toBe(box.containerNumber);
    expect(verdict.yardPosition).toBeNull();
  });

  it('tells a truck 3 minutes early when the gate opens, on the terminal clock, and raises no alert', async () => {
    // The 10:00 UTC slot's window opens at 09:30 UTC, 11:30 in Antwerp.
    nowMs = Date.parse('2030-05-06T09:27:00.000Z');
    const box = boxes.early!;
    const verdict = (await asKiosk(passOf(box))).json() as Verdict;
    expect(verdict.accepted).toBe(false);
    expect(failed(verdict)).toEqual([
      {
        check: 'slot.window',
        passed: false,
        state: 'failed',
        reason:
          'The gate opens for this slot at 11:30 (Europe/Brussels), in 3 minutes: the truck waits until then.',
        // The same reason as a code with its facts, for a console to say in its own language (issue 14).
        why: {
          code: 'window.early',
          params: { at: expect.any(String), timeZone: 'Europe/Brussels', minutes: 3 },
        },
      },
    ]);
    expect(verdict.containerNumber).toBe(box.containerNumber);
    expect(await alertsOn(box.visitRef)).toEqual([]);
  });

  it('raises a medium alert for a truck hours early', async () => {
    const box = boxes.earlier!;
    const verdict = (await asKiosk(passOf(box))).json() as Verdict;
    expect(failed(verdict).map((c) => c.check)).toEqual(['slot.window']);
    expect(failed(verdict)[0]!.reason).toBe(
      'The gate opens for this slot at 13:30 (Europe/Brussels), in 2 hours 3 minutes: the truck waits until then.',
    );
    expect((await alertsOn(box.visitRef)).map((a) => a?.severity)).toEqual(['medium']);
  });

  it('tells a truck a little late that the window closed, and raises no alert', async () => {
    const box = boxes.late!;
    const verdict = (await asKiosk(passOf(box))).json() as Verdict;
    expect(failed(verdict)).toEqual([
      expect.objectContaining({
        check: 'slot.window',
        reason:
          'The gate window of this slot closed at 11:00 (Europe/Brussels), 27 minutes ago: the haulier books a new slot.',
      }),
    ]);
    expect(await alertsOn(box.visitRef)).toEqual([]);
  });

  it('raises a high alert for a pass used long after its window', async () => {
    nowMs = Date.parse('2030-05-06T10:00:00.000Z');
    const box = boxes.later!;
    const verdict = (await asKiosk(passOf(box))).json() as Verdict;
    expect(failed(verdict).map((c) => c.check)).toEqual(['slot.window']);
    expect((await alertsOn(box.visitRef)).map((a) => a?.severity)).toEqual(['high']);
  });

  it("says each crossed check in a sentence with the facts read, and still alerts for another driver's badge", async () => {
    const box = boxes.early!;
    nowMs = Date.parse('2030-05-06T09:45:00.000Z');
    const verdict = (
      await asClerk({ ...passOf(box), badge: 'ANR-000124', truckPlate: '2-XYZ-999' })
    ).json() as Verdict;
    expect(failed(verdict).map((c) => [c.check, c.reason])).toEqual([
      ['driver.badge', 'The badge read is ANR-000124; the booking names another driver.'],
      ['truck.plate', 'The plate read is 2XYZ999; the booking names another truck.'],
    ]);
    expect((await alertsOn(box.visitRef)).map((a) => a?.severity)).toEqual(['high']);
  });

  it.each<[string, string, RegExp]>([
    ['an empty field', '', /^Nothing was scanned/],
    [
      'a web address',
      'https://track.example/GTAU7000011',
      /^What was scanned is a web address, not a pickup pass/,
    ],
    ['random text', 'hello gate', /^What was scanned is not a pickup pass/],
  ])('says %s is no pass, with its own check, and nothing else', async (_, credential, sentence) => {
    const response = await asKiosk({ credential, badge: 'ANR-000124', truckPlate: '1-ABC-123' });
    expect(response.statusCode, response.body).toBe(200);
    const verdict = response.json() as Verdict;
    expect(verdict).toMatchObject({ accepted: false, visitRef: 'unidentified', containerNumber: null });
    expect(failed(verdict)).toEqual([
      {
        check: 'credential.not_a_pass',
        passed: false,
        state: 'failed',
        reason: expect.stringMatching(sentence),
        why: { code: expect.stringMatching(/^not_a_pass\.(empty|url|text)$/), params: {} },
      },
    ]);
    expect(verdict.checks.filter((c) => c.check !== 'credential.not_a_pass').map((c) => c.state)).toEqual(
      Array(verdict.checks.length - 1).fill('not_checked'),
    );
  });

  it('groups the non-passes of one kiosk in one medium alert, named as such', async () => {
    const raised = (await fixture.store.readStream(ALERTS_STREAM)).filter(
      (e) => e.type === 'GateAlertRaised' && e.data.visitRef === 'unidentified',
    );
    expect(raised).toHaveLength(1);
    expect(raised[0]!.data.failed).toEqual([
      { check: 'credential.not_a_pass', reason: 'what was scanned is not a pickup pass (empty)' },
    ]);
    const alert = await fixture.store.getAlertRecord(raised[0]!.index);
    expect(alert).toMatchObject({ severity: 'medium' });
    expect(alert?.summary).toMatch(/credential\.not_a_pass/);
  });

  it('still refuses a forged pass as not valid, not as text that is no pass', async () => {
    const verdict = (
      await asKiosk({ credential: 'plc1.bm90LWpzb24.AAAA', badge: 'ANR-000124', truckPlate: '1-ABC-123' })
    ).json() as Verdict;
    expect(failed(verdict).map((c) => c.check)).toContain('credential.signature');
    expect(failed(verdict).map((c) => c.check)).not.toContain('credential.not_a_pass');
    expect(failed(verdict)[0]!.reason).toMatch(/^This is not a valid pickup pass/);
  });
});
