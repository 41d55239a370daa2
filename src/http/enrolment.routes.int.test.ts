/**
 * Issue 10, row D: an attacker holding the demo's secrets file enrols its own software passkey through each
 * unused one-time enrolment link. Before, that gave a passkey session for all 13 people, administrators and
 * supervisors included, and no alert. Now every passkey registered through a link is pending: it opens no
 * session and no step-up until a supervisor of the same terminal organisation or a port administrator — never the
 * person — confirms it with a passkey session and a fresh step-up, having seen its device, time and network. A used
 * link presented again, and a second enrolment while one is pending, raise `auth.enrolment_repeated` (High); links
 * expire after 24 hours.
 *
 * The gang enrols first, so the one pending passkey of a person may well be theirs, with a label and user agent of
 * their choosing. Confirming therefore needs the confirmation code the enrolment page showed (from the credential
 * id and public key): the person reads theirs out; the gang's code is on the gang's screen only. A wrong code is
 * refused and recorded, and after five the enrolment can only be rejected.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testAuthDeps } from '../../test/support/auth.js';
import { confirmEnrolment, enrolThroughLink, passkeyLogin as signIn } from '../../test/support/enrolment.js';
import {
  openTestLedger,
  type TestLedger,
  testTerminals,
  testVerifierKey,
} from '../../test/support/ledger.js';
import { mintSession } from '../../test/support/sessions.js';
import { type SoftPasskey, softPasskey } from '../../test/support/soft-authenticator.js';
import {
  type AuthDeps,
  addUser,
  decideEnrolmentAsOperator,
  enrolmentCode,
  issueEnrolmentLink,
} from '../app/access/index.js';
import { foldAlertRecords } from '../app/alerts/index.js';
import { seedDemoIdentities } from '../demo/demo-identities.js';
import { buildServer } from './server.js';

type Session = Awaited<ReturnType<typeof mintSession>>;

/** A clock the test moves, so that the 24-hour expiry is exact. */
function movableClock(start: string) {
  let now = Date.parse(start);
  return { now: () => new Date(now), advance: (ms: number) => (now += ms) };
}

const ATTACKER = { 'user-agent': 'AttackerBot/6.6 (the gang’s laptop)' };
const PUBLIC_URL = 'http://localhost';

describe.each(['sqlite', 'postgres'] as const)(
  'a stolen enrolment link gives nothing (HTTP, %s)',
  (dialect) => {
    const clock = movableClock('2026-12-06T06:00:00Z');
    let fixture: TestLedger;
    let auth: AuthDeps;
    let app: FastifyInstance;
    /** The `users` of `demo-secrets.json`, as `portledger demo` writes them. */
    let secrets: { username: string; roles: readonly string[]; enrolmentLink: string }[];
    const attackerKeys = new Map<string, SoftPasskey>();
    const sessions: Record<string, Session> = {};

    const tokenOf = (link: string) => new URL(link).hash.replace('#token=', '');
    const inject = (session: Session, method: 'GET' | 'POST', url: string, payload: object = {}) =>
      app.inject({
        method,
        url,
        cookies: session.cookies,
        headers: session.headers,
        ...(method === 'POST' ? { payload } : {}),
      });
    /** The code the enrolment page shows for this passkey, computed from its credential as the server does. */
    const codeOf = (passkey: SoftPasskey) =>
      enrolmentCode({ credentialId: passkey.credentialId, publicKey: passkey.cosePublicKey });
    /** A code that is not `code` (its last symbol changed). */
    const otherThan = (code: string) => `${code.slice(0, 8)}${code.endsWith('0') ? '1' : '0'}`;
    const passkeyLogin = (passkey: SoftPasskey, userId: string) => signIn(app, passkey, userId);
    const enrolmentAlerts = async (who: Session) => {
      const listed = await inject(who, 'GET', '/v1/alerts?limit=200');
      expect(listed.statusCode).toBe(200);
      return (
        listed.json().alerts as { rule: string; severity: string; subject: { id: string }; summary: string }[]
      ).filter((alert) => alert.rule === 'auth.enrolment_repeated');
    };
    const pendingFor = async (who: Session) => {
      const listed = await inject(who, 'GET', '/v1/enrolments?status=pending');
      expect(listed.statusCode).toBe(200);
      return listed.json().enrolments as {
        enrolmentId: string;
        person: { username: string };
        ip: string;
        registeredAt: string;
        device: { userAgent: string; aaguid: string; authenticator: string | null };
        otherEnrolments: number;
      }[];
    };

    beforeAll(async () => {
      fixture = await openTestLedger(dialect, { clock });
      auth = testAuthDeps(fixture.ledger);
      const people = await seedDemoIdentities(auth, () => 'a demo password nobody types');
      secrets = people.map((person) => ({
        username: person.user.username,
        roles: person.roles,
        enrolmentLink: `${PUBLIC_URL}/enrol#token=${person.enrolmentToken}`,
      }));
      app = await buildServer({
        reads: fixture.store,
        verifierKey: testVerifierKey,
        auth,
        terminals: testTerminals,
      });
    });

    // The confirmers and the readers of alerts, as the tests of signed-in roles mint them (a passkey session with
    // a fresh step-up), afresh for each test: a confirmed enrolment ends the person's earlier sessions. The sign-in
    // ceremonies of everyone else are what is under test here.
    beforeEach(async () => {
      for (const userId of [
        'supervisor',
        'supervisor2',
        'admin',
        'admin2',
        'customs-officer',
        'investigator',
        'yard-planner',
      ])
        sessions[userId] = await mintSession(auth, userId);
    });

    afterAll(async () => {
      await app?.close();
      await fixture?.cleanup();
    });

    it('enrols the attacker’s passkey through each of the 13 unused links: pending, no session, no sign-in', async () => {
      expect(secrets).toHaveLength(13);
      for (const { username, enrolmentLink } of secrets) {
        const passkey = softPasskey();
        attackerKeys.set(username, passkey);
        const enrolled = await enrolThroughLink(app, tokenOf(enrolmentLink), passkey, ATTACKER);
        expect(enrolled.statusCode, username).toBe(202);
        expect(enrolled.json()).toMatchObject({ status: 'pending', user: { username } });
        // The page shows the gang the code of the gang's own passkey; the person never sees it.
        expect(enrolled.json().confirmationCode).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
        expect(enrolled.json().confirmationCode).toBe(await codeOf(passkey));
        expect(
          enrolled.cookies.find((c) => c.name === 'pl_session'),
          username,
        ).toBeUndefined();

        const login = await passkeyLogin(passkey, username);
        expect(login.statusCode, username).toBe(403);
        expect(login.json().code).toBe('auth.passkey_pending');
        expect(login.json().detail).toMatch(/must confirm it/);
        expect(
          login.cookies.find((c) => c.name === 'pl_session'),
          username,
        ).toBeUndefined();
      }
      // Every attempt is in the audit log, with the network and the device it came from.
      const events = await fixture.store.readStream('auth-admin');
      expect(events.find((e) => e.type === 'EnrolmentPending')?.data).toMatchObject({
        ip: '127.0.0.1',
        userAgent: ATTACKER['user-agent'],
      });
      expect(events.at(-1)).toMatchObject({ type: 'LoginFailed', data: { reason: 'passkey_pending' } });
    });

    it('the second attempt on a link raises a High alert for the confirmers of that organisation, customs and police', async () => {
      const clerk = secrets.find((s) => s.username === 'gate-clerk')!;
      const again = await enrolThroughLink(app, tokenOf(clerk.enrolmentLink), softPasskey());
      expect(again.statusCode).toBe(410);
      expect(again.json().code).toBe('auth.enrolment_link_invalid');

      for (const reader of ['supervisor', 'customs-officer', 'investigator']) {
        const alerts = await enrolmentAlerts(sessions[reader]!);
        expect(alerts, reader).toEqual([
          expect.objectContaining({ severity: 'high', subject: { kind: 'user', id: 'gate-clerk' } }),
        ]);
        expect(alerts[0]!.summary).toMatch(/Second enrolment attempt for Gina Gate/);
      }
      // A third go is recorded, but raises no second alert while the first is unresolved.
      expect((await enrolThroughLink(app, tokenOf(clerk.enrolmentLink), softPasskey())).statusCode).toBe(410);
      expect(await enrolmentAlerts(sessions.supervisor)).toHaveLength(1);
      const refusals = (await fixture.store.readStream('auth-gate-clerk')).filter(
        (e) => e.type === 'EnrolmentRefused',
      );
      expect(refusals).toHaveLength(2);
      expect(refusals[0]!.data).toMatchObject({ reason: 'link_used', ip: '127.0.0.1' });

      // The alert row is what the log folds to.
      const log = await fixture.store.readEvents(0, 100_000);
      const folded = await foldAlertRecords(log, {
        gateFacts: async () => ({ containerNumber: null, terminal: null }),
        orgOfUser: async () => '',
      });
      const row = [...folded.values()].find((r) => r.rule === 'auth.enrolment_repeated')!;
      expect(await fixture.store.getAlertRecord(row.alertId)).toEqual(row);
    });

    it('a confirmer sees the device, time and network; a rejected passkey never signs in; a confirmed one does', async () => {
      const pending = await pendingFor(sessions.supervisor!);
      // A supervisor confirms the people of their own terminal, never their own passkey nor another organisation's.
      expect(pending.map((p) => p.person.username).sort()).toEqual([
        'equipment-operator',
        'gate-clerk',
        'supervisor2',
        'yard-planner',
      ]);
      const clerk = pending.find((p) => p.person.username === 'gate-clerk')!;
      expect(clerk).toMatchObject({
        ip: '127.0.0.1',
        registeredAt: '2026-12-06T06:00:00.000Z',
        device: { userAgent: ATTACKER['user-agent'], aaguid: '00000000-0000-0000-0000-000000000000' },
      });
      // An administrator confirms anyone's, other administrators' included, but not their own.
      const forAdmin = (await pendingFor(sessions.admin!)).map((p) => p.person.username);
      expect(forAdmin).toHaveLength(12);
      expect(forAdmin).not.toContain('admin');

      // The supervisor does not know that browser: rejected. The passkey is gone.
      const rejected = await inject(
        sessions.supervisor!,
        'POST',
        `/v1/enrolments/${clerk.enrolmentId}/reject`,
      );
      expect(rejected.statusCode).toBe(200);
      expect(rejected.json()).toMatchObject({ status: 'rejected', decidedBy: 'supervisor' });
      expect((await passkeyLogin(attackerKeys.get('gate-clerk')!, 'gate-clerk')).statusCode).toBe(401);
      const twice = await inject(
        sessions.supervisor!,
        'POST',
        `/v1/enrolments/${clerk.enrolmentId}/confirm`,
        {
          code: await codeOf(attackerKeys.get('gate-clerk')!),
        },
      );
      expect(twice.statusCode).toBe(409);
      expect(twice.json().code).toBe('enrolment.not_pending');

      // The administrator issues Gina a new link; she enrols her own passkey, and the supervisor confirms it.
      const link = await issueEnrolmentLink(auth, { userId: 'gate-clerk', issuedBy: 'admin' });
      const hers = softPasskey();
      const enrolled = await enrolThroughLink(app, link.token, hers, {
        'user-agent': 'Firefox on the gate PC',
      });
      expect(enrolled.statusCode).toBe(202);
      // Gina reads out the code her page shows; the supervisor types it (in lower case, without the hyphen).
      const confirmed = await inject(
        sessions.supervisor!,
        'POST',
        `/v1/enrolments/${enrolled.json().enrolmentId}/confirm`,
        { code: enrolled.json().confirmationCode.replace('-', '').toLowerCase() },
      );
      expect(confirmed.statusCode).toBe(200);
      expect(confirmed.json()).toMatchObject({
        status: 'confirmed',
        device: { userAgent: 'Firefox on the gate PC' },
      });
      const login = await passkeyLogin(hers, 'gate-clerk');
      expect(login.statusCode).toBe(200);
      expect(login.json()).toMatchObject({ method: 'passkey', user: { username: 'gate-clerk' } });
      const events = (await fixture.store.readStream('auth-gate-clerk')).map((e) => e.type);
      expect(events).toEqual(
        expect.arrayContaining(['EnrolmentPending', 'EnrolmentRejected', 'EnrolmentConfirmed']),
      );
    });

    it('a new enrolment while one is pending raises the alert, and the confirmer is warned', async () => {
      const link = await issueEnrolmentLink(auth, { userId: 'yard-planner', issuedBy: 'admin' });
      expect((await enrolThroughLink(app, link.token, softPasskey())).statusCode).toBe(202);
      const alerts = (await enrolmentAlerts(sessions.supervisor!)).filter(
        (a) => a.subject.id === 'yard-planner',
      );
      expect(alerts).toHaveLength(1);
      expect(alerts[0]!.summary).toMatch(/while another was pending or active/);
      const both = (await pendingFor(sessions.supervisor!)).filter(
        (p) => p.person.username === 'yard-planner',
      );
      expect(both.map((p) => p.otherEnrolments)).toEqual([1, 1]);
    });

    it('nobody confirms their own passkey', async () => {
      // Each one's own pending passkey, as a fellow confirmer lists it: their own list never shows it.
      for (const [who, colleague] of [
        ['supervisor2', 'supervisor'],
        ['admin', 'admin2'],
      ] as const) {
        const mine = (await pendingFor(sessions[colleague])).find((p) => p.person.username === who)!;
        expect((await pendingFor(sessions[who])).map((p) => p.enrolmentId)).not.toContain(mine.enrolmentId);
        const response = await inject(sessions[who], 'POST', `/v1/enrolments/${mine.enrolmentId}/confirm`, {
          code: await codeOf(attackerKeys.get(who)!),
        });
        expect(response.statusCode, who).toBe(403);
        expect(response.json().code).toBe('enrolment.self_confirmation');
      }
      // Nor does a supervisor confirm someone of another organisation: as if it did not exist.
      const lena = (await pendingFor(sessions.admin!)).find((p) => p.person.username === 'line-clerk')!;
      const across = await inject(
        sessions.supervisor!,
        'POST',
        `/v1/enrolments/${lena.enrolmentId}/confirm`,
        {
          code: await codeOf(attackerKeys.get('line-clerk')!),
        },
      );
      expect(across.statusCode).toBe(404);
      expect(across.json().code).toBe('enrolment.not_found');
    });

    it('a password session, or a passkey session without a fresh step-up, confirms nothing', async () => {
      const target = (await pendingFor(sessions.admin!)).find(
        (p) => p.person.username === 'equipment-operator',
      )!;
      const code = { code: await codeOf(attackerKeys.get('equipment-operator')!) };
      const password = await mintSession(auth, 'supervisor', { method: 'password_totp' });
      const byPassword = await inject(password, 'POST', `/v1/enrolments/${target.enrolmentId}/confirm`, code);
      expect(byPassword.statusCode).toBe(403);
      expect(byPassword.json().code).toMatch(/^auth\.passkey_session_required$/);
      const stale = await mintSession(auth, 'supervisor', { stepUp: false });
      const byStale = await inject(stale, 'POST', `/v1/enrolments/${target.enrolmentId}/confirm`, code);
      expect(byStale.statusCode).toBe(403);
      expect(byStale.json().code).toBe('auth.step_up_required');
      // A planner is no confirmer at all.
      const byPlanner = await inject(
        sessions['yard-planner']!,
        'POST',
        `/v1/enrolments/${target.enrolmentId}/confirm`,
        code,
      );
      expect(byPlanner.statusCode).toBe(403);
      expect((await pendingFor(sessions.admin!)).map((p) => p.enrolmentId)).toContain(target.enrolmentId);
    });

    // Rita's link, used by the gang before she opens it.
    const ritaGang = softPasskey();
    let ritaGangEnrolment = '';

    it('the gang enrols first: the person gets no code, and neither her code nor a guess confirms the gang’s passkey', async () => {
      const added = await addUser(auth, {
        userId: 'rita.reefer',
        orgId: 'nqt',
        username: 'rita.reefer',
        displayName: 'Rita Reefer',
        roles: ['gate_clerk'],
        issuedBy: 'admin',
      });
      const gangs = await enrolThroughLink(app, added.enrolmentToken, ritaGang, {
        'user-agent': 'Firefox on the gate PC',
      });
      expect(gangs.statusCode).toBe(202);
      ritaGangEnrolment = gangs.json().enrolmentId;
      const gangCode = gangs.json().confirmationCode as string;

      // Rita opens her link later: it is used, and she is shown no code at all.
      const hers = softPasskey();
      const late = await enrolThroughLink(app, added.enrolmentToken, hers, {
        'user-agent': 'Firefox on the gate PC',
      });
      expect(late.statusCode).toBe(410);
      expect(late.json().confirmationCode).toBeUndefined();

      // The supervisor sees one pending passkey for Rita, with the device the gang chose to show; never a code.
      const listed = await inject(sessions.supervisor!, 'GET', '/v1/enrolments?status=pending');
      expect(listed.body).not.toContain(gangCode);
      expect(listed.body).not.toContain(gangCode.replace('-', ''));
      const forRita = (await pendingFor(sessions.supervisor!)).filter(
        (p) => p.person.username === 'rita.reefer',
      );
      expect(forRita).toEqual([
        expect.objectContaining({
          enrolmentId: ritaGangEnrolment,
          device: expect.objectContaining({ userAgent: 'Firefox on the gate PC' }),
          wrongCodes: 0,
          locked: false,
        }),
      ]);

      // Rita gets a new link and enrols her own passkey. Her code is not the gang's, and does not confirm theirs.
      const link = await issueEnrolmentLink(auth, { userId: 'rita.reefer', issuedBy: 'admin' });
      const own = await enrolThroughLink(app, link.token, hers, { 'user-agent': 'Firefox on the gate PC' });
      expect(own.statusCode).toBe(202);
      const herCode = own.json().confirmationCode as string;
      expect(herCode).toBe(await codeOf(hers));
      expect(herCode).not.toBe(gangCode);
      const withHers = await inject(
        sessions.supervisor!,
        'POST',
        `/v1/enrolments/${ritaGangEnrolment}/confirm`,
        { code: herCode },
      );
      expect(withHers.statusCode).toBe(409);
      expect(withHers.json()).toMatchObject({
        code: 'enrolment.code_mismatch',
        details: { attemptsLeft: 4 },
      });
      // Nor does a guess, nor what is not a code at all.
      for (const [guess, left] of [
        [otherThan(gangCode), 3],
        ['not a code', 2],
      ] as const) {
        const guessed = await inject(
          sessions.supervisor!,
          'POST',
          `/v1/enrolments/${ritaGangEnrolment}/confirm`,
          { code: guess },
        );
        expect(guessed.statusCode, guess).toBe(409);
        expect(guessed.json()).toMatchObject({
          code: 'enrolment.code_mismatch',
          details: { attemptsLeft: left },
        });
      }

      // The operator at the machine types Rita's code: it picks her enrolment, not the gang's.
      const confirmed = await decideEnrolmentAsOperator(auth, {
        username: 'rita.reefer',
        decision: 'confirm',
        code: herCode,
        operator: 'test',
      });
      expect(confirmed).toMatchObject({ enrolmentId: own.json().enrolmentId, status: 'confirmed' });
      expect((await passkeyLogin(ritaGang, 'rita.reefer')).json().code).toBe('auth.passkey_pending');
      expect((await passkeyLogin(hers, 'rita.reefer')).statusCode).toBe(200);

      // Her passkeys say which one waits.
      const rita = await mintSession(auth, 'rita.reefer');
      const mine = await inject(rita, 'GET', '/v1/me/passkeys');
      expect(mine.statusCode).toBe(200);
      expect(mine.json().passkeys).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ credentialId: hers.credentialId, status: 'active' }),
          expect.objectContaining({ credentialId: ritaGang.credentialId, status: 'pending' }),
        ]),
      );

      // Every wrong code is in the audit log, with who typed it and from where.
      const mismatches = (await fixture.store.readStream('auth-rita.reefer')).filter(
        (e) => e.type === 'EnrolmentCodeMismatch',
      );
      expect(mismatches.map((e) => e.data)).toEqual([
        expect.objectContaining({
          enrolmentId: ritaGangEnrolment,
          attempt: 1,
          by: 'supervisor',
          via: 'console',
          ip: '127.0.0.1',
        }),
        expect.objectContaining({ enrolmentId: ritaGangEnrolment, attempt: 2 }),
        expect.objectContaining({ enrolmentId: ritaGangEnrolment, attempt: 3 }),
      ]);
    });

    it('after five wrong codes an enrolment can only be rejected, even with its right code', async () => {
      const gangCode = await codeOf(ritaGang);
      for (const [guess, left] of [
        ['0000-0000', 1],
        ['ZZZZ-ZZZZ', 0],
      ] as const) {
        const guessed = await inject(
          sessions.supervisor!,
          'POST',
          `/v1/enrolments/${ritaGangEnrolment}/confirm`,
          { code: guess === gangCode ? otherThan(gangCode) : guess },
        );
        expect(guessed.statusCode).toBe(409);
        expect(guessed.json()).toMatchObject({
          code: 'enrolment.code_mismatch',
          details: { attemptsLeft: left },
        });
      }
      const right = await inject(sessions.admin!, 'POST', `/v1/enrolments/${ritaGangEnrolment}/confirm`, {
        code: gangCode,
      });
      expect(right.statusCode).toBe(409);
      expect(right.json().code).toBe('enrolment.locked');
      await expect(
        decideEnrolmentAsOperator(auth, {
          username: 'rita.reefer',
          decision: 'confirm',
          code: gangCode,
          operator: 'test',
        }),
      ).rejects.toMatchObject({ code: 'enrolment.locked' });
      await expect(confirmEnrolment(auth, 'rita.reefer', gangCode)).rejects.toMatchObject({
        code: 'enrolment.locked',
      });
      const listed = (await pendingFor(sessions.supervisor!)).find(
        (p) => p.enrolmentId === ritaGangEnrolment,
      );
      expect(listed).toMatchObject({ wrongCodes: 5, locked: true });
      // The locked attempts are refusals, not wrong codes: five are recorded.
      expect(
        (await fixture.store.readStream('auth-rita.reefer')).filter(
          (e) => e.type === 'EnrolmentCodeMismatch',
        ),
      ).toHaveLength(5);

      const rejected = await inject(
        sessions.supervisor!,
        'POST',
        `/v1/enrolments/${ritaGangEnrolment}/reject`,
      );
      expect(rejected.statusCode).toBe(200);
      expect(rejected.json()).toMatchObject({ status: 'rejected', locked: false, wrongCodes: 5 });
      expect((await passkeyLogin(ritaGang, 'rita.reefer')).statusCode).toBe(401);
    });

    it('refuses a link after 24 hours', async () => {
      const added = await addUser(auth, {
        userId: 'late-clerk',
        orgId: 'nqt',
        username: 'late-clerk',
        displayName: 'Laura Late',
        roles: ['gate_clerk'],
        issuedBy: 'admin',
      });
      expect(Date.parse(added.enrolmentExpiresAt) - clock.now().getTime()).toBe(24 * 3_600_000);
      clock.advance(24 * 3_600_000);
      const late = await enrolThroughLink(app, added.enrolmentToken, softPasskey());
      expect(late.statusCode).toBe(410);
      expect(late.json().code).toBe('auth.enrolment_link_invalid');
    });
  },
);
