import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testAuthDeps } from '../../test/support/auth.js';
import {
  openTestLedger,
  postgresReachable,
  type StoreKind,
  type TestLedger,
  testTerminals,
  testVerifierKey,
} from '../../test/support/ledger.js';
import { allDaySlotConfig, newPhoneKey } from '../../test/support/pickup.js';
import { mintSession } from '../../test/support/sessions.js';
import type { AuthDeps } from '../app/access/index.js';
import { addOrganisation, addUser } from '../app/access/index.js';
import { ALERTS_STREAM, alertStream, foldAlertRecords } from '../app/alerts/index.js';
import { activeDeviceInLog, driverDevicesStreamId, pickupDepsFor } from '../app/appointments/index.js';
import { ReadModelCheck } from '../app/audit/index.js';
import { buildServer } from './server.js';

type Session = Awaited<ReturnType<typeof mintSession>>;

const pgReachable = await postgresReachable();
const kinds: StoreKind[] = pgReachable ? ['sqlite', 'postgres'] : ['sqlite'];

/**
 * Issue 10, row C: the gang holds a driver's keylogged password and TOTP seed, so it can set up a phone of its own in
 * his name, with the label it likes; a busy planner who sees one phone waiting clicks Confirm. Now the phone shows
 * its driver a confirmation code derived from its key, and confirming needs that code: the gang's phone has another
 * one, which the driver never sees and the planner's list never shows. A wrong code is refused and recorded, and
 * after five the phone can only be rejected.
 */
describe.each(kinds)("confirming a driver's phone needs the code it shows him (%s)", (kind) => {
  const clock = { now: () => new Date('2030-03-04T08:10:05Z') };
  let fixture: TestLedger;
  let auth: AuthDeps;
  let app: FastifyInstance;
  let planner: Session;
  let serial = 0;

  beforeAll(async () => {
    fixture = await openTestLedger(kind, { clock });
    auth = testAuthDeps(fixture.ledger);
    await addOrganisation(auth, { orgId: 'org-hau', kind: 'haulier', name: 'Delta', code: 'HAU' });
    await addUser(auth, {
      userId: 'hp-1',
      orgId: 'org-hau',
      username: 'hp-1',
      displayName: 'Hugo Planner',
      roles: ['haulier_planner'],
      issuedBy: 'test',
    });
    planner = await mintSession(auth, 'hp-1');
    app = await buildServer({
      reads: fixture.store,
      verifierKey: testVerifierKey,
      auth,
      terminals: testTerminals,
      pickup: pickupDepsFor({ signer: fixture.ledger.log.signer, slots: [allDaySlotConfig] }),
    });
  });

  afterAll(async () => {
    await app?.close();
    await fixture?.cleanup();
  });

  const post = (who: Session, url: string, payload: object = {}, userAgent = 'PlannerBrowser/1.0') =>
    app.inject({
      method: 'POST',
      url,
      payload,
      cookies: who.cookies,
      headers: { ...who.headers, 'user-agent': userAgent },
    });
  const get = (who: Session, url: string) => app.inject({ method: 'GET', url, cookies: who.cookies });
  const confirm = (deviceId: string, code: string) =>
    post(planner, `/v1/drivers/devices/${deviceId}/confirm`, { code });

  /** A driver of the haulier, and a session opened with his (keylogged) password and TOTP code. */
  async function driver(): Promise<{ userId: string; session: Session }> {
    const userId = `drv-code-${kind}-${++serial}`;
    await addUser(auth, {
      userId,
      orgId: 'org-hau',
      username: userId,
      displayName: `Driver ${serial}`,
      roles: ['driver'],
      issuedBy: 'test',
    });
    return { userId, session: await mintSession(auth, userId, { method: 'password_totp', stepUp: false }) };
  }

  async function enrol(session: Session, label: string) {
    const key = newPhoneKey();
    const enrolled = await post(session, '/v1/me/devices', { publicKey: key.publicKey, label });
    expect(enrolled.statusCode, enrolled.body).toBe(201);
    return { ...key, deviceId: enrolled.json().deviceId as string };
  }

  const mismatches = async (userId: string, deviceId: string) =>
    (await fixture.store.readStream(driverDevicesStreamId(userId)))
      .filter((e) => e.type === 'DriverDeviceCodeMismatch' && e.data.deviceId === deviceId)
      .map((e) => e.data);

  it("refuses to confirm the gang's phone with no code or with the code the driver's own phone shows", async () => {
    const { userId, session } = await driver();
    // The gang, signed in with the keylogged password and code, sets up its phone first, named like his.
    const gang = await enrol(session, "Dirk's Samsung");

    // The busy planner sees one phone waiting: its fingerprint, label and network, never its code.
    const listed = await get(planner, '/v1/drivers/devices?status=pending');
    expect(listed.statusCode, listed.body).toBe(200);
    const item = (listed.json().items as Record<string, unknown>[]).find((d) => d.deviceId === gang.deviceId);
    expect(item).toMatchObject({ label: "Dirk's Samsung", status: 'pending', wrongCodes: 0, locked: false });
    expect(item?.fingerprint).toMatch(/^[0-9a-f]{4}(:[0-9a-f]{4}){3}$/);
    expect(listed.body).not.toContain(gang.code);
    expect(listed.body).not.toContain(gang.code.replace('-', ''));
    expect(listed.body).not.toContain(gang.publicKey);

    // Confirm alone is no longer enough.
    const bare = await post(planner, `/v1/drivers/devices/${gang.deviceId}/confirm`);
    expect(bare.statusCode, bare.body).toBe(400);
    expect((await fixture.store.gate.getDevice(gang.deviceId))?.status).toBe('pending');

    // The planner calls the driver, who reads out the code of the phone in his hand: not the gang's phone's code.
    // His own phone cannot wait beside the gang's (gate issue 3): it shows its code, and its enrolment is refused.
    const own = newPhoneKey();
    expect(own.code).not.toBe(gang.code);
    const second = await post(session, '/v1/me/devices', { publicKey: own.publicKey, label: "Dirk's phone" });
    expect(second.statusCode, second.body).toBe(409);
    expect(second.json()).toMatchObject({ code: 'driver.device_pending_exists' });
    const refused = await post(
      planner,
      `/v1/drivers/devices/${gang.deviceId}/confirm`,
      { code: own.code },
      'PlannerBrowser/2.0',
    );
    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(refused.json()).toMatchObject({
      code: 'driver.device_code_mismatch',
      details: { attemptsLeft: 4 },
    });
    expect(refused.json().detail).toMatch(/not the confirmation code of this phone.*4 tries left/);
    expect((await fixture.store.gate.getDevice(gang.deviceId))?.status).toBe('pending');
    expect(await activeDeviceInLog(fixture.store, userId)).toBeUndefined();
    // Recorded in the driver's device stream, in the log: who typed it, from where, which attempt.
    expect(await mismatches(userId, gang.deviceId)).toEqual([
      expect.objectContaining({
        deviceId: gang.deviceId,
        userId,
        attempt: 1,
        by: 'hp-1',
        userAgent: 'PlannerBrowser/2.0',
        at: clock.now().toISOString(),
      }),
    ]);
    const after = (await get(planner, '/v1/drivers/devices?status=pending')).json().items as {
      deviceId: string;
      wrongCodes: number;
    }[];
    expect(after.find((d) => d.deviceId === gang.deviceId)?.wrongCodes).toBe(1);

    // The code belongs to his own phone: the planner rejects the gang's, the driver sets his own up again, and
    // its code, typed as heard, confirms it.
    expect((await post(planner, `/v1/drivers/devices/${gang.deviceId}/reject`)).statusCode).toBe(200);
    const again = await post(session, '/v1/me/devices', { publicKey: own.publicKey, label: "Dirk's phone" });
    expect(again.statusCode, again.body).toBe(201);
    const ownId = again.json().deviceId as string;
    const confirmed = await confirm(ownId, own.code.toLowerCase().replace('-', ' '));
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.json()).toMatchObject({ deviceId: ownId, status: 'active', wrongCodes: 0 });
    expect((await activeDeviceInLog(fixture.store, userId))?.deviceId).toBe(ownId);
    expect((await fixture.store.gate.getDevice(gang.deviceId))?.status).toBe('rejected');
  });

  it('gate issue 3: a flood of enrolments with the keylogged password leaves one pending phone and one alert whose count grows', async () => {
    const { userId, session } = await driver();
    // The driver's own phone is confirmed; the gang then floods POST /v1/me/devices twelve times.
    const own = await enrol(session, "Dirk's phone");
    expect((await confirm(own.deviceId, own.code)).statusCode).toBe(200);
    const statuses = [];
    for (let n = 0; n < 12; n++) {
      statuses.push(
        (await post(session, '/v1/me/devices', { publicKey: newPhoneKey().publicKey, label: `Gang ${n}` }))
          .statusCode,
      );
    }
    expect(statuses).toEqual([201, ...Array(11).fill(409)]);
    const devices = (await fixture.store.gate.devicesOfUser(userId)).map((d) => d.status);
    expect(devices.filter((status) => status === 'pending')).toHaveLength(1);
    // Each refusal is an event of the driver's device stream.
    const stream = await fixture.store.readStream(driverDevicesStreamId(userId));
    expect(stream.filter((e) => e.type === 'DriverDeviceEnrolmentRefused')).toHaveLength(11);
    expect(
      stream
        .filter((e) => e.type === 'DriverDeviceEnrolmentRefused')
        .every((e) => e.data.reason === 'pending_exists'),
    ).toBe(true);
    // One open high alert for the driver, counting the twelve tries, not twelve alerts.
    const alerts = (await fixture.store.listAlertRecords({ limit: 500 })).filter(
      (a) => a.rule === 'driver.device.enrolled_again' && a.subjectId === userId,
    );
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ severity: 'high', status: 'open', orgId: 'org-hau' });
    expect(alerts[0]!.summary).toBe(
      `Driver ${userId} tried to set up another phone 12 times while another was active or pending`,
    );
    expect(alerts[0]!.evidence.filter((e) => e.label.startsWith('Device enrolment'))).toHaveLength(12);
    // The row is what the log folds to: the alert events, with the shared row functions.
    const events = [
      ...(await fixture.store.readStream(ALERTS_STREAM)).map((e) => ({ ...e, streamId: ALERTS_STREAM })),
      ...(await fixture.store.readStream(alertStream(alerts[0]!.alertId))).map((e) => ({
        ...e,
        streamId: alertStream(alerts[0]!.alertId),
      })),
    ].sort((a, b) => a.index - b.index);
    const folded = await foldAlertRecords(events, {
      gateFacts: async () => ({ containerNumber: null, terminal: null }),
      orgOfUser: async () => '',
    });
    expect(folded.get(alerts[0]!.alertId)).toEqual(alerts[0]);
    // And the integrity watch's own check, with the same projection code, finds every table equal to the log.
    expect(await new ReadModelCheck({ store: fixture.store, keysPerCycle: 10_000 }).run()).toMatchObject({
      ok: true,
    });
  });

  it('gate issue 4: refuses a small-order phone key (400 driver.device_key_invalid) and records nothing', async () => {
    const { userId, session } = await driver();
    for (const key of [
      `01${'00'.repeat(31)}`,
      '00'.repeat(32),
      'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff',
    ]) {
      const refused = await post(session, '/v1/me/devices', {
        publicKey: Buffer.from(key, 'hex').toString('base64url'),
        label: 'No phone at all',
      });
      expect(refused.statusCode, refused.body).toBe(400);
      expect(refused.json()).toMatchObject({ code: 'driver.device_key_invalid' });
    }
    expect(await fixture.store.readStream(driverDevicesStreamId(userId))).toEqual([]);
  });

  it('counts wrong codes, and after five leaves the phone to be rejected only, even with its right code', async () => {
    const { userId, session } = await driver();
    const gang = await enrol(session, 'Pixel 8');
    const guesses = ['0000-0000', 'ZZZZ-ZZZZ', 'not a code', '1234-5678', 'ABCD-EFGH'].filter(
      (guess) => guess !== gang.code,
    );
    expect(guesses).toHaveLength(5);
    for (const [i, guess] of guesses.entries()) {
      const refused = await confirm(gang.deviceId, guess);
      expect(refused.statusCode, refused.body).toBe(409);
      expect(refused.json()).toMatchObject({
        code: 'driver.device_code_mismatch',
        details: { attemptsLeft: 4 - i },
      });
    }
    expect((await mismatches(userId, gang.deviceId)).map((e) => e.attempt)).toEqual([1, 2, 3, 4, 5]);
    const listed = (await get(planner, '/v1/drivers/devices?status=pending')).json().items as {
      deviceId: string;
    }[];
    expect(listed.find((d) => d.deviceId === gang.deviceId)).toMatchObject({ wrongCodes: 5, locked: true });

    // Locked: even the code the phone shows confirms nothing now, and nothing more is recorded.
    const locked = await confirm(gang.deviceId, gang.code);
    expect(locked.statusCode, locked.body).toBe(409);
    expect(locked.json()).toMatchObject({ code: 'driver.device_locked' });
    expect(await mismatches(userId, gang.deviceId)).toHaveLength(5);
    expect((await fixture.store.gate.getDevice(gang.deviceId))?.status).toBe('pending');
    expect(await activeDeviceInLog(fixture.store, userId)).toBeUndefined();

    // Only a rejection is left.
    const rejected = await post(planner, `/v1/drivers/devices/${gang.deviceId}/reject`);
    expect(rejected.statusCode, rejected.body).toBe(200);
    expect(rejected.json()).toMatchObject({ status: 'rejected', locked: false, wrongCodes: 5 });
  });

  it('answers 404 for another haulier’s phone whatever the code, before any code is counted', async () => {
    await addOrganisation(auth, {
      orgId: `org-gang-${kind}`,
      kind: 'haulier',
      name: 'Gang Transport',
      code: 'GNG',
    });
    await addUser(auth, {
      userId: `hp-gang-${kind}`,
      orgId: `org-gang-${kind}`,
      username: `hp-gang-${kind}`,
      displayName: 'Gang Planner',
      roles: ['haulier_planner'],
      issuedBy: 'test',
    });
    const gangPlanner = await mintSession(auth, `hp-gang-${kind}`);
    const { userId, session } = await driver();
    const phone = await enrol(session, 'Phone');
    const foreign = await post(gangPlanner, `/v1/drivers/devices/${phone.deviceId}/confirm`, {
      code: '0000-0000',
    });
    expect(foreign.statusCode, foreign.body).toBe(404);
    expect(foreign.json()).toMatchObject({ code: 'driver.device_not_found' });
    expect(await mismatches(userId, phone.deviceId)).toEqual([]);
  });
});
