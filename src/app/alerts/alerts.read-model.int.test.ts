import { afterAll, describe, expect, it } from 'vitest';
import { testAuthDeps } from '../../../test/support/auth.js';
import {
  openTestLedger,
  postgresReachable,
  type StoreKind,
  type TestLedger,
  testTerminals,
} from '../../../test/support/ledger.js';
import type { SessionRecord } from '../access/identity.ports.js';
import {
  type AuthDeps,
  type Authenticated,
  addOrganisation,
  addUser,
  passwordLogin,
} from '../access/index.js';
import { raiseIntegrityAlert } from '../audit/index.js';
import { AppError } from '../errors.js';
import type { AlertRecord, LedgerStore } from '../ports.js';
import { announceVisit } from '../visits/index.js';
import {
  ALERTS_STREAM,
  DETECTION_ALERT_RAISED,
  detectionAlertRecord,
  foldAlertRecords,
  foldGateAlertGroups,
  isAlertEvent,
} from './alert-records.js';
import { actOnAlert, getAlert, listAlerts, raiseGateAlert } from './alerts.usecases.js';

const kinds: StoreKind[] = [
  'memory',
  'sqlite',
  ...((await postgresReachable()) ? ['postgres' as const] : []),
];

/** Every alert row the store holds, oldest first. */
async function storedRows(store: LedgerStore): Promise<AlertRecord[]> {
  return (await store.listAlertRecords({ limit: 500 })).reverse();
}

/** The alert rows re-derived from the log alone, with the visits and users as they stand. */
async function refoldedRows(store: LedgerStore): Promise<AlertRecord[]> {
  const events = (await store.readEvents(0, await store.logSize())).filter(isAlertEvent);
  const folded = await foldAlertRecords(events, {
    async gateFacts(data) {
      const { visitRef, operator } = data as { visitRef: string; operator: string };
      const visit = await store.getVisit(visitRef);
      const user = await store.identity.getUser(operator);
      const org = user && (await store.identity.getOrganisation(user.orgId));
      return {
        containerNumber: visit?.containerNumber ?? null,
        terminal: visit?.terminal ?? org?.terminals[0] ?? null,
      };
    },
    orgOfUser: async (userId) => (await store.identity.getUser(userId))?.orgId ?? '',
  });
  return [...folded.values()].sort((a, b) => a.alertId - b.alertId);
}

describe.each(kinds)('the alert read model (%s)', (kind) => {
  const opened: TestLedger[] = [];
  afterAll(async () => {
    for (const fixture of opened) await fixture.cleanup();
  });

  async function world() {
    let now = new Date('2030-03-01T08:00:00.000Z').getTime();
    const clock = { now: () => new Date(now), advance: (ms: number) => (now += ms) };
    const fixture = await openTestLedger(kind, { clock });
    opened.push(fixture);
    const auth = testAuthDeps(fixture.ledger);
    await addOrganisation(auth, {
      orgId: 'org-nqt',
      kind: 'terminal_operator',
      name: 'NQT',
      code: 'NQT',
      terminals: ['T1'],
    });
    await addOrganisation(auth, {
      orgId: 'org-sqt',
      kind: 'terminal_operator',
      name: 'SQT',
      code: 'SQT',
      terminals: ['T2'],
    });
    await addOrganisation(auth, { orgId: 'org-customs', kind: 'customs', name: 'Customs', code: 'BECUS' });
    const people: [string, string, string][] = [
      ['sup', 'org-nqt', 'terminal_supervisor'],
      ['clerk', 'org-nqt', 'gate_clerk'],
      ['clerk-b', 'org-nqt', 'gate_clerk'],
      ['clerk-c', 'org-nqt', 'gate_clerk'],
      ['sup2', 'org-sqt', 'terminal_supervisor'],
      ['sup2-b', 'org-sqt', 'terminal_supervisor'],
      ['officer', 'org-customs', 'customs_officer'],
      ['officer-b', 'org-customs', 'customs_officer'],
    ];
    for (const [userId, orgId, role] of people) {
      await addUser(auth, {
        userId,
        orgId,
        username: userId,
        displayName: userId,
        roles: [role],
        issuedBy: 'test',
        ...(role === 'customs_officer' ? { withPassword: { password: 'the right one 2030!' } } : {}),
      });
    }
    const caller = async (userId: string): Promise<Authenticated> => {
      const user = (await fixture.store.identity.getUser(userId))!;
      const org = (await fixture.store.identity.getOrganisation(user.orgId))!;
      return { sessionIdHash: new Uint8Array(32), session: {} as SessionRecord, user, org };
    };
    return { fixture, auth, clock, caller };
  }

  /** Wrong passwords until the account locks, waiting out the throttle as a patient attacker would. */
  async function lockOut(auth: AuthDeps, clock: { advance(ms: number): void }, username: string) {
    for (let attempt = 0; attempt < 40; attempt++) {
      try {
        await passwordLogin(
          auth,
          { username, password: `guess ${attempt}`, totp: '000000' },
          { ip: `10.0.0.${attempt}`, userAgent: 'test' },
        );
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        if (error.code === 'auth.account_locked') return;
        if (error.code === 'auth.throttled') {
          clock.advance(((error.details as { retryAfterSeconds: number }).retryAfterSeconds + 1) * 1000);
        }
      }
    }
    throw new Error(`${username} was never locked out`);
  }

  it('holds, after a mix of raises and actions, exactly what a re-fold of the log gives', async () => {
    const { fixture, auth, clock, caller } = await world();
    const { ledger, store } = fixture;
    const { visit } = await announceVisit(ledger, testTerminals, {
      containerNumber: 'CSQU3054383',
      line: 'MSCU',
      sizeType: '22G1',
      fullEmpty: 'full',
      arrival: { mode: 'truck' },
    });
    const refusal = (visitRef: string) => ({
      type: 'GateAlertRaised' as const,
      data: {
        rule: 'gate.refused',
        attemptId: `att-${visitRef}`,
        visitRef,
        failed: [{ check: 'driver.badge', reason: 'not the nominated driver' }],
        at: clock.now().toISOString(),
        operator: 'clerk',
      },
    });
    const named = await ledger.write((context) =>
      raiseGateAlert(context, refusal(visit.visitRef), visit, 'clerk'),
    );
    clock.advance(60_000);
    const unidentified = await ledger.write((context) =>
      raiseGateAlert(context, refusal('unidentified'), undefined, 'clerk'),
    );
    await raiseIntegrityAlert(ledger, {
      ok: false,
      checkedAt: clock.now().toISOString(),
      logSize: 3,
      checkpointsChecked: 1,
      code: 'integrity.entry_mismatch',
      firstBadIndex: 2,
      checkpointSize: null,
      reason: 'entry 2 does not match its leaf',
      durationMs: 5,
    });
    await lockOut(auth, clock, 'officer');

    const sup = await caller('sup');
    clock.advance(60_000);
    await actOnAlert(ledger, sup, String(named.index), { type: 'acknowledge' });
    await actOnAlert(ledger, sup, String(named.index), { type: 'assign', userId: 'clerk' });
    await actOnAlert(ledger, sup, String(unidentified.index), { type: 'resolve', note: 'a copied QR code' });
    // The officer locked out is not shown the alert about himself (issue 15); his colleague works it.
    const officer = await caller('officer');
    expect((await listAlerts(store, officer)).alerts.map((a) => a.rule)).toEqual([
      'integrity.failed',
      'gate.refused',
      'gate.refused',
    ]);
    const colleague = await caller('officer-b');
    const all = await listAlerts(store, colleague);
    expect(all.alerts.map((a) => a.rule)).toEqual([
      'auth.lockout',
      'integrity.failed',
      'gate.refused',
      'gate.refused',
    ]);
    const lockout = all.alerts[0]!;
    expect(lockout).toMatchObject({ subject: { kind: 'user', id: 'officer' }, status: 'open' });
    await expect(
      actOnAlert(ledger, officer, lockout.alertId, { type: 'resolve', note: 'mine' }),
    ).rejects.toMatchObject({
      code: 'alert.not_found',
    });
    await actOnAlert(ledger, colleague, lockout.alertId, { type: 'acknowledge' });
    await actOnAlert(ledger, colleague, lockout.alertId, { type: 'resolve', note: 'the officer forgot' });

    const stored = await storedRows(store);
    expect(stored).toHaveLength(4);
    expect(stored).toEqual(await refoldedRows(store));
    expect(stored.map((a) => [a.alertId, a.status, a.terminal, a.orgId])).toEqual([
      [named.index, 'acknowledged', 'T1', null],
      [unidentified.index, 'resolved', 'T1', null],
      [expect.any(Number), 'open', null, null],
      [Number(lockout.alertId), 'resolved', null, 'org-customs'],
    ]);
    // The yard map still counts the named visit's alert as open: acknowledging is not resolving.
    expect((await store.visitMapFlags([visit.visitRef])).get(visit.visitRef)?.openAlerts).toBe(1);
    await actOnAlert(ledger, sup, String(named.index), { type: 'resolve', note: 'driver swapped back' });
    expect((await store.visitMapFlags([visit.visitRef])).get(visit.visitRef)?.openAlerts ?? 0).toBe(0);
    expect(await storedRows(store)).toEqual(await refoldedRows(store));
  }, 120_000);

  it('pages newest first with the same visibility as before, and hides what a caller may not see', async () => {
    const { fixture, clock, caller } = await world();
    const { ledger, store } = fixture;
    const raised: number[] = [];
    // Five kiosks, so five alerts: the refusals of one kiosk would be one alert (row G, tested below).
    const kiosks = ['clerk', 'sup2', 'clerk-b', 'sup2-b', 'clerk-c'];
    for (let n = 0; n < 5; n++) {
      clock.advance(1000);
      const event = await ledger.write((context) =>
        raiseGateAlert(
          context,
          {
            type: 'GateAlertRaised',
            data: { rule: 'gate.refused', visitRef: 'unidentified', failed: [{ check: 'credential' }] },
          },
          undefined,
          kiosks[n]!,
        ),
      );
      raised.push(event.index);
    }
    const sup = await caller('sup');
    const first = await listAlerts(store, sup, { limit: 2 });
    expect(first.alerts.map((a) => Number(a.alertId))).toEqual([raised[4], raised[2]]);
    // The cursor is opaque (issue 14: it names the filter and order too); the next page starts after the last row.
    expect(first.nextCursor).not.toBeNull();
    const second = await listAlerts(store, sup, { limit: 2, cursor: first.nextCursor! });
    expect(second.alerts.map((a) => Number(a.alertId))).toEqual([raised[0]]);
    expect(second.nextCursor).toBeNull();

    const officer = await caller('officer');
    expect((await listAlerts(store, officer)).alerts.map((a) => Number(a.alertId))).toEqual(
      [...raised].reverse(),
    );
    const sup2 = await caller('sup2');
    expect((await listAlerts(store, sup2)).alerts.map((a) => Number(a.alertId))).toEqual([
      raised[3],
      raised[1],
    ]);
    await expect(getAlert(store, sup2, String(raised[0]))).rejects.toMatchObject({ code: 'alert.not_found' });
    expect(await getAlert(store, sup, String(raised[0]))).toMatchObject({ terminal: 'T1', status: 'open' });
    await expect(listAlerts(store, sup, { cursor: 'older' })).rejects.toMatchObject({
      code: 'input.invalid',
    });
    // An index that raised no alert is no alert.
    await expect(getAlert(store, officer, '0')).rejects.toMatchObject({ code: 'alert.not_found' });
  });

  it('never shows a person an alert about themselves, nor counts it in their queue (outside tester, issue 15)', async () => {
    const { fixture, caller } = await world();
    const { ledger, store } = fixture;
    const aboutClerk = await ledger.write(async ({ appendAtEnd, tx }) => {
      const [event] = await appendAtEnd(ALERTS_STREAM, [
        {
          type: DETECTION_ALERT_RAISED,
          data: {
            rule: 'lookup.bulk',
            severity: 'high',
            subjectKind: 'user',
            subjectId: 'clerk',
            terminal: null,
            orgId: 'org-nqt',
            summary: 'clerk was shown 500 containers in 10 minutes',
            evidence: [],
          },
        },
      ]);
      await tx.putAlertRecord(detectionAlertRecord(event!));
      return event!.index;
    });
    const reader = (userId: string) => ({
      org: { orgId: 'org-nqt', kind: 'terminal_operator', terminals: ['T1'] },
      userId,
    });
    const ids = async (userId: string) =>
      (await listAlerts(store, reader(userId))).alerts.map((alert) => Number(alert.alertId));
    // The supervisor of the same organisation sees it; the person it is about does not, by list, by id or by count.
    expect(await ids('sup')).toContain(aboutClerk);
    expect(await ids('clerk')).not.toContain(aboutClerk);
    await expect(getAlert(store, reader('clerk'), String(aboutClerk))).rejects.toMatchObject({
      code: 'alert.not_found',
    });
    await expect(
      actOnAlert(ledger, await caller('clerk'), String(aboutClerk), { type: 'acknowledge' }),
    ).rejects.toMatchObject({ code: 'alert.not_found' });
    const scope = { rules: [], orgId: 'org-nqt', terminals: ['T1'] };
    expect(await store.queueCounts.countOpenAlerts(scope, 100, 'sup')).toBe(1);
    expect(await store.queueCounts.countOpenAlerts(scope, 100, 'clerk')).toBe(0);
  });

  it('groups the refusals of one box, or of one kiosk, into one alert whose count grows, as the log folds it (issue 10, row G)', async () => {
    const { fixture, clock, caller } = await world();
    const { ledger, store } = fixture;
    const { visit } = await announceVisit(ledger, testTerminals, {
      containerNumber: 'MSCU1234566',
      line: 'MSCU',
      sizeType: '22G1',
      fullEmpty: 'full',
      arrival: { mode: 'truck' },
    });
    const refuse = (visitRef: string, operator: string, check: string) =>
      ledger.write(async (context) => {
        clock.advance(1000);
        const attemptId = `att-${clock.now().getTime()}`;
        // The gate records the attempt's verdict just before its alert.
        await context.append(`gate-${attemptId}`, 0, [
          { type: 'GateAttemptRefused', data: { attemptId, visitRef, failed: [{ check, reason: 'r' }] } },
        ]);
        return raiseGateAlert(
          context,
          {
            type: 'GateAlertRaised',
            data: { rule: 'gate.refused', attemptId, visitRef, failed: [{ check, reason: 'r' }], operator },
          },
          visitRef === 'unidentified' ? undefined : visit,
          operator,
        );
      });

    // A held box tried by its own driver: medium. Then the gang's driver at the same box: the same alert, now high.
    const first = await refuse(visit.visitRef, 'clerk', 'lights.green');
    const second = await refuse(visit.visitRef, 'clerk-b', 'driver.badge');
    expect(second.type).toBe('GateAlertRepeated');
    expect(second.streamId).toBe(`alert-${first.index}`);
    // Forged credentials at one kiosk: one alert for the kiosk, apart from the box's.
    const forged: number[] = [];
    for (let n = 0; n < 6; n++)
      forged.push((await refuse('unidentified', 'clerk', 'credential.signature')).index);
    const otherKiosk = await refuse('unidentified', 'clerk-b', 'credential.signature');

    const sup = await caller('sup');
    const alerts = (await listAlerts(store, sup)).alerts;
    expect(alerts.map((a) => [Number(a.alertId), a.severity, a.occurrences])).toEqual([
      [otherKiosk.index, 'high', 1],
      [forged[0], 'high', 6],
      [first.index, 'high', 2],
    ]);
    const kiosk = alerts[1]!;
    expect(Date.parse(kiosk.lastSeenAt) - Date.parse(kiosk.firstSeenAt)).toBe(5000);
    // Each attempt's verdict is evidence, by its audit index.
    const attempts = kiosk.evidence.filter((e) => e.label.startsWith('Gate attempt '));
    expect(attempts.map((e) => e.index)).toEqual(forged.map((index) => index - 1));

    // Resolved, the group closes: the next refusal at that kiosk is a new alert.
    await actOnAlert(ledger, sup, kiosk.alertId, { type: 'resolve', note: 'kiosk token revoked' });
    const after = await refuse('unidentified', 'clerk', 'credential.signature');
    expect(after.streamId).toBe('alerts');
    expect((await getAlert(store, sup, String(after.index))).occurrences).toBe(1);

    // The rows and the groups are what the log folds to.
    expect(await storedRows(store)).toEqual(await refoldedRows(store));
    const events = await store.readEvents(0, await store.logSize());
    const folded = foldGateAlertGroups(events);
    expect(await store.gate.alertGroups([...folded.keys()])).toEqual(folded);
  });
});
