/**
 * The holes an outside attacker found (issue 10), as steps of `portledger drill`. The attacker holds what the 2013
 * gang held — data/demo-secrets.json: keylogged passwords and TOTP seeds, the gate kiosk's API token, the pickup
 * credentials the haulier handed its drivers with their badge numbers and plates, the unused one-time enrolment
 * links — plus its own driver, truck and software passkey. Each step makes one attack exactly as the report
 * describes it (rows A–G, and the verifier key) and says honestly whether it was blocked, detected or succeeded.
 */
import { randomBytes } from 'node:crypto';
import Sqlite from 'better-sqlite3';
import pg from 'pg';
import { canonicalJson } from '../audit/canonical-json.js';
import { openCheckpoint, signCheckpoint } from '../audit/checkpoint.js';
import { pickupPassCounter, pickupPassSignerFromSecret } from '../audit/pickup-pass.js';
import { parseVerifierKey, signerFromSeed, verifierKeyString } from '../audit/signed-note.js';
import {
  type AlertObserver,
  type AlertSeen,
  type Answer,
  alertMark,
  alertsSince,
  type Client,
  code,
  countOf,
  type DrillStep,
  describeAlert,
  failedChecks,
  forgedCredential,
  isGateAlert,
  noAlert,
  type Outcome,
  passwordLogin,
  type Secrets,
  type SecretsPickup,
  type Session,
  serverFailed,
  sessionFrom,
  sleep,
} from './drill-client.js';
import { drillPasskey } from './drill-passkey.js';

/** What the outsider holds when these steps start. */
export interface HoleContext {
  readonly client: Client;
  readonly secrets: Secrets;
  /**
   * The investigator's password + TOTP session (read-only by design): the gang's eyes on statuses. Renewed when a
   * step ends it (enrolling a passkey for a person ends that person's other sessions).
   */
  investigator: Session | undefined;
  /** The customs officer's password + TOTP session, once a step opened it (a TOTP code works once). */
  customs?: Session | undefined;
  /** The drill's observer of detection: the defender's view of the alerts, which the gang does not hold. */
  readonly observer: AlertObserver;
  /** Visits other steps aim at, which these steps leave alone. */
  readonly reserved: Set<string>;
}

interface VisitSeen {
  visitRef: string;
  containerNumber: string;
  status: string;
  holds?: { holdId: string; kind: string }[];
}

/** The gang's own driver and truck. */
const GANG_BADGE = 'GANG-0001';
const GANG_TRUCK = '1-GNG-001';
/** Row A of the report: the plate the attacker's truck drove out with. */
const GANG_TRUCK_A = '1-GNG-666';

const byRole = (secrets: Secrets, role: string) => secrets.users.find((u) => u.roles.includes(role));
const anyPassword = (secrets: Secrets) => secrets.users.find((u) => u.password)?.password ?? 'Password123!';
const kioskToken = (secrets: Secrets) => secrets.gateKiosk?.token;

/** Every visit in the yard, as a session sees it (statuses and holds; a password session sees no slot). */
async function visitsInYard(client: Client, session: Session, max = 4000): Promise<VisitSeen[]> {
  const seen: VisitSeen[] = [];
  let after: string | null = null;
  do {
    const page = await client.call(
      'GET',
      `/v1/visits?status=in_yard&limit=200${after ? `&after=${encodeURIComponent(after)}` : ''}`,
      { session },
    );
    if (page.status !== 200) break;
    seen.push(...((page.body.visits as VisitSeen[] | undefined) ?? []));
    after = typeof page.body.next === 'string' ? page.body.next : null;
  } while (after && seen.length < max);
  return seen;
}

/** The status of a visit as the investigator's session reads it, or the HTTP answer when it cannot. */
async function statusOf(
  client: Client,
  investigator: Session | undefined,
  visitRef: string,
): Promise<string> {
  if (!investigator) return 'unknown (no investigator session)';
  const view = await client.call('GET', `/v1/visits/${encodeURIComponent(visitRef)}`, {
    session: investigator,
  });
  return view.status === 200 ? String(view.body.status) : `unknown (HTTP ${view.status}${code(view.body)})`;
}

/**
 * Row A: the kiosk's API token on the bare `POST /v1/visits/{ref}/gate-out`, for a box with no release, booking
 * or credential, with the gang's truck. It must not exist (404 problem+json); the box must still be in the yard.
 */
export async function bareGateOut(ctx: HoleContext, unreleased: string | undefined): Promise<DrillStep> {
  const name =
    'gate out on the bare route with the kiosk token (POST /v1/visits/{ref}/gate-out, no release, booking or credential)';
  const token = kioskToken(ctx.secrets);
  if (!token || !unreleased) {
    return {
      name,
      outcome: 'succeeded',
      how: `the attack could not be made (${token ? 'no box without a release was found' : 'no kiosk token in the secrets file'}): the drill cannot vouch for this hole`,
      evidence: [],
    };
  }
  const evidence: string[] = [`aimed at ${unreleased}: in the yard, no release, no booking, no credential`];
  const before = await alertMark(ctx);
  const answer = await ctx.client.call('POST', `/v1/visits/${encodeURIComponent(unreleased)}/gate-out`, {
    bearer: token,
    body: { truckPlate: GANG_TRUCK_A },
  });
  evidence.push(
    `gate kiosk token: POST /v1/visits/${unreleased}/gate-out {"truckPlate":"${GANG_TRUCK_A}"}: HTTP ${answer.status}${code(answer.body)} (${answer.contentType.split(';')[0] || 'no body'})`,
  );
  const status = await statusOf(ctx.client, ctx.investigator, unreleased);
  evidence.push(`the box afterwards, as the investigator's view shows it: ${status}`);
  const alert = (await alertsSince(ctx, before)).find((a) => a.subject?.id === unreleased);
  if (alert) evidence.push(describeAlert(alert, ctx.observer));
  if (answer.status < 300 || status === 'gated_out') {
    return { name, outcome: 'succeeded', how: 'the box left the port on the kiosk token alone', evidence };
  }
  const crashed = serverFailed(name, [answer], evidence);
  if (crashed) return crashed;
  const gone = answer.status === 404 && answer.contentType.startsWith('application/problem+json');
  return {
    name,
    outcome: alert ? 'detected' : 'blocked',
    how: `${gone ? 'the bare gate-out route is gone (404 problem+json)' : `the route refused it (HTTP ${answer.status}${code(answer.body)})`}: a box leaves only through POST /v1/gate/transactions, which checks credential, driver, truck, slot, lights and holds; the box is still ${status}${alert ? `; ${alert.rule} alert ${alert.alertId} raised` : ''}`,
    evidence,
  };
}

/**
 * Row B: a customs officer's keylogged password + TOTP session lifts a customs hold. Lifting must need a session
 * opened with a passkey (403 `auth.passkey_session_required`), and the hold must stay.
 */
export async function customsLiftsHold(ctx: HoleContext): Promise<DrillStep> {
  const name = "lift a customs hold with a customs officer's keylogged password + TOTP";
  const officer = byRole(ctx.secrets, 'customs_officer');
  if (!officer) {
    return {
      name,
      outcome: 'succeeded',
      how: 'the attack could not be made (no customs officer in the secrets file): the drill cannot vouch for this hole',
      evidence: [],
    };
  }
  const login = ctx.customs
    ? {
        session: ctx.customs,
        line: `${officer.username}: the session the gang opened with the keylogged password + TOTP`,
      }
    : await passwordLogin(ctx.client, officer, anyPassword(ctx.secrets));
  ctx.customs = undefined;
  const evidence = [login.line];
  const customs = login.session;
  if (!customs) {
    return {
      name,
      outcome: 'blocked',
      how: "the customs officer's keylogged password + TOTP opens no session",
      evidence,
    };
  }
  try {
    const held = (await visitsInYard(ctx.client, customs)).find(
      (v) => !ctx.reserved.has(v.visitRef) && v.holds?.some((h) => h.kind === 'customs'),
    );
    const hold = held?.holds?.find((h) => h.kind === 'customs');
    if (!held || !hold) {
      evidence.push('no box with an active customs hold was found on GET /v1/visits?status=in_yard');
      return {
        name,
        outcome: 'succeeded',
        how: 'the attack could not be made (no customs hold found): the drill cannot vouch for this hole',
        evidence,
      };
    }
    ctx.reserved.add(held.visitRef);
    const path = `/v1/visits/${encodeURIComponent(held.visitRef)}/holds/${encodeURIComponent(hold.holdId)}/lift`;
    const answer = await ctx.client.call('POST', path, { session: customs, body: { reason: 'scan clear' } });
    evidence.push(`${officer.username}: POST ${path}: HTTP ${answer.status}${code(answer.body)}`);
    const after = await ctx.client.call('GET', `/v1/visits/${encodeURIComponent(held.visitRef)}`, {
      session: customs,
    });
    const stays = ((after.body.holds as { holdId: string }[] | undefined) ?? []).some(
      (h) => h.holdId === hold.holdId,
    );
    evidence.push(
      `hold ${hold.holdId} on ${held.visitRef} afterwards: ${after.status === 200 ? (stays ? 'still active' : 'lifted') : `HTTP ${after.status}`}`,
    );
    if (answer.status < 300 || (after.status === 200 && !stays)) {
      return { name, outcome: 'succeeded', how: 'the hold was lifted with a keylogged password', evidence };
    }
    const crashed = serverFailed(name, [answer], evidence);
    if (crashed) return crashed;
    return {
      name,
      outcome: 'blocked',
      how: `lifting a hold needs a session opened with a passkey: HTTP ${answer.status}${code(answer.body)}, and the hold stays`,
      evidence,
    };
  } finally {
    await ctx.client.call('POST', '/v1/auth/logout', { session: customs, body: {} }).catch(() => undefined);
  }
}

/**
 * The gang reads the alert inbox with the keylogged investigator's and customs officer's password + TOTP sessions,
 * to learn which of its attempts were detected. Alerts need a session opened with a passkey: 403
 * `auth.passkey_session_required`. The customs session stays open for the next step (a TOTP code works once).
 */
export async function readAlertInbox(ctx: HoleContext): Promise<DrillStep> {
  const name =
    "read the alert inbox with the investigator's and a customs officer's keylogged password + TOTP";
  const evidence: string[] = [];
  const officer = byRole(ctx.secrets, 'customs_officer');
  if (officer) {
    const login = await passwordLogin(ctx.client, officer, anyPassword(ctx.secrets));
    evidence.push(login.line);
    ctx.customs = login.session;
  }
  const sessions = [ctx.investigator, ctx.customs].filter((s): s is Session => s !== undefined);
  if (sessions.length === 0) {
    return {
      name,
      outcome: 'blocked',
      how: 'neither keylogged password + TOTP opens a session',
      evidence,
    };
  }
  const answers: Answer[] = [];
  const read: string[] = [];
  for (const session of sessions) {
    for (const path of ['/v1/alerts?status=unresolved&limit=200', '/v1/alerts?limit=1']) {
      const answer = await ctx.client.call('GET', path, { session });
      answers.push(answer);
      const listed = (answer.body.alerts as unknown[] | undefined)?.length;
      evidence.push(
        `${session.username}: GET ${path}: HTTP ${answer.status}${code(answer.body)}${answer.status === 200 ? `, ${listed ?? 0} alert(s) listed` : ''}`,
      );
      if (answer.status === 200) read.push(session.username);
    }
  }
  if (read.length > 0) {
    return {
      name,
      outcome: 'succeeded',
      how: `a keylogged password session (${[...new Set(read)].join(', ')}) read the alert inbox: the gang learns which of its attempts were detected`,
      evidence,
    };
  }
  const crashed = serverFailed(name, answers, evidence);
  if (crashed) return crashed;
  const codes = [...new Set(answers.map((a) => `HTTP ${a.status}${code(a.body)}`))].join(', ');
  return {
    name,
    outcome: 'blocked',
    how: `reading alerts needs a session opened with a passkey (${codes}): the gang cannot tell which of its attempts were detected`,
    evidence,
  };
}

/** A pickup whose gate window is open now (the demo books from the slot under way on), not aimed at already. */
export function pickupInWindow(ctx: HoleContext, at = Date.now()): SecretsPickup | undefined {
  const open = (p: SecretsPickup) =>
    p.windowStart !== undefined &&
    p.windowEnd !== undefined &&
    Date.parse(p.windowStart) <= at &&
    at < Date.parse(p.windowEnd);
  const free = (ctx.secrets.pickups ?? []).filter((p) => !ctx.reserved.has(p.visitRef));
  return free.find(open) ?? free.find((p) => p.windowStart === undefined);
}

/**
 * Row C: the pickup credential, the driver's badge number and the truck plate, all copied from the secrets file,
 * presented together at the kiosk inside the gate window. The printed `plc1.` pass is off by default now (its
 * holder is not bound to the driver's phone): the gate must refuse it and raise an alert.
 */
export async function copiedPassWithBadge(ctx: HoleContext): Promise<DrillStep> {
  const name =
    'gate out with a pickup credential, badge number and plate all copied from the secrets file (inside the gate window)';
  const token = kioskToken(ctx.secrets);
  const inWindow = pickupInWindow(ctx);
  // With the terminal's gate closed (the demo's opens 06:00–22:00), no pickup's window is open: the copies are still
  // tried, since the gate judges the pass before the hour, and the step vouches only if the pass itself was refused.
  const pickup = inWindow ?? (ctx.secrets.pickups ?? []).find((p) => !ctx.reserved.has(p.visitRef));
  if (!token || !pickup) {
    return {
      name,
      outcome: 'succeeded',
      how: `the attack could not be made (${token ? 'no pickup in the secrets file' : 'no kiosk token'}): the drill cannot vouch for this hole`,
      evidence: [],
    };
  }
  ctx.reserved.add(pickup.visitRef);
  const evidence = [
    `copied ${pickup.containerNumber}'s credential (${pickup.credential.slice(0, 5)}…), badge ${pickup.driverBadge} and plate ${pickup.truckPlate} from the secrets file; gate window ${pickup.windowStart ?? '?'} – ${pickup.windowEnd ?? '?'}${inWindow ? '' : ' (not open now: no pickup in the secrets file is inside its window at this hour)'}`,
  ];
  const before = await alertMark(ctx);
  const startedAt = Date.now();
  const verdict = await ctx.client.call('POST', '/v1/gate/transactions', {
    bearer: token,
    body: { credential: pickup.credential, badge: pickup.driverBadge, truckPlate: pickup.truckPlate },
  });
  const failed = failedChecks(verdict.body);
  const reasons = ((verdict.body.checks as { passed: boolean; reason: string | null }[] | undefined) ?? [])
    .filter((c) => !c.passed && c.reason)
    .map((c) => c.reason);
  evidence.push(
    `gate kiosk scans it with the right badge and plate: HTTP ${verdict.status}${code(verdict.body)}, accepted=${String(verdict.body.accepted)}, failed checks: ${failed.join(', ') || '-'}${reasons.length > 0 ? ` (${reasons.join('; ')})` : ''}, verdict at index ${String(verdict.body.index)}`,
  );
  if (verdict.body.accepted === true) {
    return {
      name,
      outcome: 'succeeded',
      how: 'the gate let the box out to whoever held the copies',
      evidence,
    };
  }
  const alert = (await alertsSince(ctx, before)).find(isGateAlert);
  const detectedMs = Date.now() - startedAt;
  if (alert) evidence.push(describeAlert(alert, ctx.observer));
  // The rotating pass the gate asks for now (plp1.<credentialId>.<counter>.<sig>), made for the copied credential
  // id with a phone key of the gang's own: only the driver's confirmed phone key may sign it.
  const answers: Answer[] = [verdict];
  let rotatingRefused = '';
  if (pickup.credentialId) {
    const gangPhone = pickupPassSignerFromSecret(randomBytes(32).toString('hex'));
    const rotating = await ctx.client.call('POST', '/v1/gate/transactions', {
      bearer: token,
      body: {
        credential: gangPhone.pass(pickup.credentialId, pickupPassCounter(Date.now())),
        badge: pickup.driverBadge,
        truckPlate: pickup.truckPlate,
      },
    });
    answers.push(rotating);
    const rotatingFailed = failedChecks(rotating.body);
    evidence.push(
      `gate kiosk scans a rotating plp1. pass for the copied credential id, signed by the gang's own phone key, with the right badge and plate: HTTP ${rotating.status}${code(rotating.body)}, accepted=${String(rotating.body.accepted)}, failed checks: ${rotatingFailed.join(', ') || '-'}`,
    );
    if (rotating.body.accepted === true) {
      return {
        name,
        outcome: 'succeeded',
        how: "a rotating pass signed by the gang's own phone key let the box out",
        evidence,
      };
    }
    rotatingRefused = `; a rotating plp1. pass the gang signed with its own phone key was refused too (${rotatingFailed.join(', ') || `HTTP ${rotating.status}${code(rotating.body)}`})`;
  }
  const crashed = serverFailed(name, answers, evidence);
  if (crashed) return crashed;
  if (!inWindow && !failed.some((check) => check.startsWith('pass.') || check.startsWith('credential.'))) {
    // Refused for the hour alone: inside the window the same copies might have opened the gate.
    return {
      name,
      outcome: 'succeeded',
      how: 'the gate refused the copies only for the hour (no pickup in the secrets file is inside its window now): the drill cannot vouch for this hole',
      evidence,
    };
  }
  const printedOff = JSON.stringify(verdict.body).includes('pass.printed_disabled');
  const why = `${
    printedOff
      ? 'the gate refused the printed pass (pass.printed_disabled): the copies alone open nothing'
      : `the gate refused it (${failed.join(', ') || `HTTP ${verdict.status}${code(verdict.body)}`})`
  }${rotatingRefused}`;
  return {
    name,
    outcome: alert ? 'detected' : 'blocked',
    how: alert
      ? `${why}; the verdict was recorded and raised ${alert.rule} alert ${alert.alertId} (${alert.severity}) within ${detectedMs} ms`
      : `${why}; ${noAlert(ctx.observer, name)}`,
    evidence,
  };
}

/** A forged pickup credential in the `plc1.` format: the real claims' shape naming `visitRef`, a random signature. */
function forgedWithClaims(visitRef: string, keyIdHex: string, credentialId?: string): string {
  const now = Math.floor(Date.now() / 1000);
  const payload = canonicalJson({
    v: 1,
    credentialId: credentialId ?? `PC-${randomBytes(6).toString('hex')}`,
    visitRef,
    driverBadgeRef: randomBytes(16).toString('base64url'),
    truckPlate: '1GNG001',
    slotId: 'T1-drill',
    windowStart: now - 900,
    windowEnd: now + 2700,
    rightVersion: 1,
    bookingVersion: 1,
    issuedAt: now - 3600,
  });
  const signature = Buffer.concat([
    Buffer.from(keyIdHex.padStart(8, '0').slice(0, 8), 'hex'),
    randomBytes(64),
  ]);
  return `plc1.${Buffer.from(payload).toString('base64url')}.${signature.toString('base64url')}`;
}

/** An answer with what differs between two aims (the visit named, per-attempt ids) taken out. */
function shapeOf(answer: Answer, visitRef: string): string {
  const { attemptId: _attempt, index: _index, ...rest } = answer.body;
  return `${answer.status} ${JSON.stringify(rest).split(visitRef).join('<visit>')}`;
}

const HOLD_KINDS_THE_KIOSK_MAY_NOT_SEE = ['police', 'customs'];
const namesHoldKind = (answer: Answer) =>
  HOLD_KINDS_THE_KIOSK_MAY_NOT_SEE.filter((kind) => JSON.stringify(answer.body).toLowerCase().includes(kind));

/**
 * Row F: what the kiosk token learns about a police-held box. The answers must name no hold kind the kiosk may not
 * see, and a forged credential must answer alike whether the box it names exists or not.
 */
export async function kioskLearnsHolds(ctx: HoleContext): Promise<DrillStep> {
  const name = 'learn from the gate whether the police hold a box (kiosk token), and whether a box exists';
  const token = kioskToken(ctx.secrets);
  const evidence: string[] = [];
  if (!token || !ctx.investigator) {
    return {
      name,
      outcome: 'succeeded',
      how: `the attack could not be made (${token ? 'no investigator session to find a held box with' : 'no kiosk token'}): the drill cannot vouch for this hole`,
      evidence,
    };
  }
  // A police-held box: one the police hold already, or else the investigator's stolen session places a hold on one
  // of the copied pickups, as the police would on a box they watch (a hold only stops a box).
  let held = (await visitsInYard(ctx.client, ctx.investigator)).find((v) =>
    v.holds?.some((h) => h.kind === 'police'),
  )?.visitRef;
  if (held) evidence.push(`${held} is on a police hold already`);
  const copied = (ctx.secrets.pickups ?? []).find((p) => !ctx.reserved.has(p.visitRef));
  if (!held && copied) {
    const placed = await ctx.client.call('POST', `/v1/visits/${encodeURIComponent(copied.visitRef)}/holds`, {
      session: ctx.investigator,
      body: { kind: 'police', reason: 'under investigation', reference: 'PPOL-DRILL-1' },
    });
    evidence.push(
      `setup: the police hold ${copied.visitRef} (investigator's session, POST …/holds kind police): HTTP ${placed.status}${code(placed.body)}`,
    );
    if (placed.status === 200) held = copied.visitRef;
  }
  if (!held) {
    return {
      name,
      outcome: 'succeeded',
      how: 'the attack could not be made (no police-held box): the drill cannot vouch for this hole',
      evidence,
    };
  }
  ctx.reserved.add(held);
  const missing = `V-${randomBytes(9).toString('base64url')}`;
  const keyText = (await (await fetch(new URL('/v1/audit/key', ctx.client.base))).text()).trim();
  const keyIdHex = keyText.split('+')[1] ?? '00000000';
  const before = await alertMark(ctx);
  const leaks: string[] = [];

  // The bare gate-out route on the held box and on a box that does not exist.
  const bare = async (visitRef: string) =>
    ctx.client.call('POST', `/v1/visits/${encodeURIComponent(visitRef)}/gate-out`, {
      bearer: token,
      body: { truckPlate: GANG_TRUCK_A },
    });
  const bareHeld = await bare(held);
  const bareMissing = await bare(missing);
  const answered: Answer[] = [bareHeld, bareMissing];
  evidence.push(
    `kiosk: POST /v1/visits/{held box}/gate-out: HTTP ${bareHeld.status}${code(bareHeld.body)}${namesHoldKind(bareHeld).length > 0 ? ` naming ${namesHoldKind(bareHeld).join(', ')}` : ''}`,
    `kiosk: POST /v1/visits/{missing box}/gate-out: HTTP ${bareMissing.status}${code(bareMissing.body)}`,
  );
  if (namesHoldKind(bareHeld).length > 0)
    leaks.push(`the bare gate-out names a ${namesHoldKind(bareHeld)} hold`);
  if (shapeOf(bareHeld, held) !== shapeOf(bareMissing, missing)) {
    leaks.push('the bare gate-out answers a held box unlike a missing one');
  }

  // A forged credential naming the held box (with its real credential id, when the secrets file lists it), and
  // one naming a box that does not exist.
  const real = (ctx.secrets.pickups ?? []).find((p) => p.visitRef === held);
  const gate = (visitRef: string, credentialId?: string) =>
    ctx.client.call('POST', '/v1/gate/transactions', {
      bearer: token,
      body: {
        credential: forgedWithClaims(visitRef, keyIdHex, credentialId),
        badge: GANG_BADGE,
        truckPlate: GANG_TRUCK,
      },
    });
  const forgedHeld = await gate(held, real?.credentialId);
  const forgedMissing = await gate(missing);
  answered.push(forgedHeld, forgedMissing);
  for (const [label, answer] of [
    [
      `a forged credential naming the held box${real?.credentialId ? ' and its real credential id' : ''}`,
      forgedHeld,
    ],
    ['a forged credential naming a missing box', forgedMissing],
  ] as const) {
    evidence.push(
      `kiosk scans ${label}: HTTP ${answer.status}${code(answer.body)}, accepted=${String(answer.body.accepted)}, visitRef ${String(answer.body.visitRef)}, failed checks: ${failedChecks(answer.body).join(', ') || '-'}`,
    );
  }
  if (namesHoldKind(forgedHeld).length > 0)
    leaks.push(`a forged credential's verdict names a ${namesHoldKind(forgedHeld)} hold`);
  if (shapeOf(forgedHeld, held) !== shapeOf(forgedMissing, missing)) {
    leaks.push('a forged credential answers an existing box unlike a missing one');
  }

  // The real credential of the held box, copied from the secrets file, with the gang's badge and truck.
  if (real) {
    const answer = await ctx.client.call('POST', '/v1/gate/transactions', {
      bearer: token,
      body: { credential: real.credential, badge: GANG_BADGE, truckPlate: GANG_TRUCK },
    });
    answered.push(answer);
    const reasons = (
      (answer.body.checks as { passed: boolean; check: string; reason: string | null }[]) ?? []
    )
      .filter((c) => !c.passed)
      .map((c) => `${c.check}${c.reason ? ` (${c.reason})` : ''}`);
    evidence.push(
      `kiosk scans the held box's copied credential with the gang's badge: HTTP ${answer.status}${code(answer.body)}, accepted=${String(answer.body.accepted)}, failed: ${reasons.join('; ') || '-'}`,
    );
    if (answer.body.accepted === true) leaks.push('the held box left');
    if (namesHoldKind(answer).length > 0)
      leaks.push(`the copied credential's verdict names a ${namesHoldKind(answer)} hold`);
  }
  const alerts = await alertsSince(ctx, before);
  if (alerts.length > 0)
    evidence.push(
      `${alerts.length} alert(s) raised meanwhile, newest ${describeAlert(alerts[0]!, ctx.observer)}`,
    );
  if (leaks.length > 0) {
    return { name, outcome: 'succeeded', how: leaks.join('; '), evidence };
  }
  const crashed = serverFailed(name, answered, evidence);
  if (crashed) return crashed;
  return {
    name,
    outcome: 'blocked',
    how: 'the kiosk learns no hold kind it may not see, and a forged credential answers alike whether its box exists or not',
    evidence,
  };
}

/**
 * Row D: every unused one-time enrolment link in the secrets file, enrolled with the gang's own software passkey.
 * The passkey must wait PENDING (a passkey sign-in answers 403 `auth.passkey_pending`), and presenting a link a
 * second time raises the alert `auth.enrolment_repeated`.
 */
export async function enrolWithLinks(ctx: HoleContext): Promise<DrillStep> {
  const name = "enrol the gang's own passkey with each unused one-time enrolment link";
  const origin = ctx.secrets.url ?? ctx.client.base;
  const evidence: string[] = [];
  // The investigator's own link last: enrolling it may end the session the drill reads alerts with.
  const linked = ctx.secrets.users
    .filter((u) => u.enrolmentLink?.includes('#token='))
    .sort(
      (a, b) =>
        Number(a.username === ctx.investigator?.username) - Number(b.username === ctx.investigator?.username),
    );
  const answers: Answer[] = [];
  const inside: string[] = [];
  const pending: string[] = [];
  const tokens: { username: string; token: string }[] = [];
  for (const user of linked) {
    const token = user.enrolmentLink!.split('#token=')[1]!;
    tokens.push({ username: user.username, token });
    const label = `${user.username} (${user.roles.join(',')})`;
    const options = await ctx.client.call('POST', '/v1/auth/enrolment/options', { body: { token } });
    if (options.status !== 200) {
      evidence.push(`${label}: the link answers HTTP ${options.status}${code(options.body)}`);
      continue;
    }
    const creation = options.body.options as {
      challenge: string;
      rp?: { id?: string };
      user?: { id?: string };
    };
    const passkey = drillPasskey(origin);
    const enrolled = await ctx.client.call('POST', '/v1/auth/enrolment/verify', {
      body: {
        token,
        challengeId: options.body.challengeId,
        response: passkey.register(creation),
        label: 'drill',
      },
    });
    answers.push(enrolled);
    let line = `${label}: enrolment HTTP ${enrolled.status}${code(enrolled.body)}`;
    const session = enrolled.status === 200 ? sessionFrom(user.username, enrolled) : undefined;
    let signedIn = false;
    if (session) {
      const current = await ctx.client.call('GET', '/v1/auth/session', { session });
      line += `; its session: HTTP ${current.status}${code(current.body)}`;
      if (current.status === 200) signedIn = true;
      await ctx.client.call('POST', '/v1/auth/logout', { session, body: {} }).catch(() => undefined);
    }
    if (enrolled.status < 300) {
      const request = await ctx.client.call('POST', '/v1/auth/passkey/options', { body: {} });
      const asserted = await ctx.client.call('POST', '/v1/auth/passkey/verify', {
        body: {
          challengeId: request.body.challengeId,
          response: passkey.assert(request.body.options as { challenge: string }, creation.user?.id),
        },
      });
      answers.push(asserted);
      line += `; passkey sign-in: HTTP ${asserted.status}${code(asserted.body)}`;
      const later = asserted.status === 200 ? sessionFrom(user.username, asserted) : undefined;
      if (later) {
        signedIn = true;
        await ctx.client.call('POST', '/v1/auth/logout', { session: later, body: {} }).catch(() => undefined);
      }
      if (!signedIn && code(asserted.body).includes('auth.passkey_pending')) pending.push(user.username);
    }
    if (signedIn) inside.push(user.username);
    evidence.push(line);
  }
  // The second attempt: each link presented again, as its owner (or the gang, retrying) would.
  const repeats: string[] = [];
  await keepInvestigatorSignedIn(ctx, evidence);
  const repeatFrom = await alertMark(ctx);
  const repeatedAt = Date.now();
  for (const { username, token } of tokens) {
    const again = await ctx.client.call('POST', '/v1/auth/enrolment/options', { body: { token } });
    answers.push(again);
    repeats.push(`${username} HTTP ${again.status}${code(again.body)}`);
  }
  evidence.push(`each link presented a second time: ${repeats.join(', ')}`);
  await keepInvestigatorSignedIn(ctx, evidence);
  const repeated = (await alertsSince(ctx, repeatFrom)).filter((a) => a.rule === 'auth.enrolment_repeated');
  const firstRaised = Math.min(...repeated.map((a) => Date.parse(String(a.raisedAt))));
  const detectedMs = Math.max(0, firstRaised - repeatedAt);
  for (const alert of repeated.slice(0, 3)) evidence.push(describeAlert(alert, ctx.observer));
  if (inside.length > 0) {
    return {
      name,
      outcome: 'succeeded',
      how: `passkey sessions for ${inside.length} of ${linked.length} people (${inside.join(', ')})${repeated.length > 0 ? `, though ${repeated.length} auth.enrolment_repeated alert(s) were raised` : ', and no alert'}`,
      evidence,
    };
  }
  const crashed = serverFailed(name, answers, evidence);
  if (crashed) return crashed;
  const outcome: Outcome = repeated.length > 0 ? 'detected' : 'blocked';
  return {
    name,
    outcome,
    how: `no enrolled passkey opens a session (${pending.length} of ${linked.length} wait PENDING: auth.passkey_pending)${repeated.length > 0 ? `; the second attempt raised ${repeated.length} auth.enrolment_repeated alert(s), first ${repeated.at(-1)!.alertId}, raised within ${detectedMs} ms of the attempt` : `; ${noAlert(ctx.observer, name, 'no auth.enrolment_repeated alert was raised')}`}`,
    evidence,
  };
}

/** Signs the investigator in again with the keylogged password + TOTP when a step ended the drill's session. */
async function keepInvestigatorSignedIn(ctx: HoleContext, evidence: string[]): Promise<void> {
  if (!ctx.investigator) return;
  const current = await ctx.client.call('GET', '/v1/auth/session', { session: ctx.investigator });
  if (current.status === 200) return;
  const user = ctx.secrets.users.find((u) => u.username === ctx.investigator?.username);
  if (!user) return;
  const again = await passwordLogin(ctx.client, user, anyPassword(ctx.secrets));
  evidence.push(
    `the investigator's session had ended (HTTP ${current.status}); signing in again: ${again.line}`,
  );
  ctx.investigator = again.session;
}

/**
 * Row G: 25 forged credentials at the gate within one second. After the limit the gate answers 429
 * `gate.rate_limited`, and the refusals make one grouped alert with a count, not 25 that bury the inbox.
 */
export async function gateFlood(ctx: HoleContext, tries = 25): Promise<DrillStep> {
  const name = `present ${tries} forged credentials at the gate in one second`;
  const token = kioskToken(ctx.secrets);
  if (!token) {
    return {
      name,
      outcome: 'succeeded',
      how: 'the attack could not be made (no kiosk token): the drill cannot vouch for this hole',
      evidence: [],
    };
  }
  const before = await alertMark(ctx);
  const startedAt = Date.now();
  const answers = await Promise.all(
    Array.from({ length: tries }, (_, i) =>
      ctx.client.call('POST', '/v1/gate/transactions', {
        bearer: token,
        body: {
          credential: forgedCredential(`V-GANG-${i}-${randomBytes(4).toString('hex')}`, GANG_BADGE),
          badge: GANG_BADGE,
          truckPlate: GANG_TRUCK,
        },
      }),
    ),
  );
  const tookMs = Date.now() - startedAt;
  const tally = new Map<string, number>();
  for (const answer of answers) {
    const key = `HTTP ${answer.status}${code(answer.body)}`;
    tally.set(key, (tally.get(key) ?? 0) + 1);
  }
  const limited = answers.filter(
    (a) => a.status === 429 && code(a.body).includes('gate.rate_limited'),
  ).length;
  const answered = answers.filter((a) => a.status === 200).length;
  const evidence = [
    `${tries} forged credentials sent at once, answered within ${tookMs} ms: ${[...tally].map(([k, n]) => `${n} × ${k}`).join(', ')}`,
  ];
  const alerts = (await alertsSince(ctx, before)).filter(isGateAlert);
  const listedMs = Date.now() - startedAt;
  const grown = (a: AlertSeen) => {
    const was = before.counts.get(a.alertId);
    return `${a.rule} (${a.severity}) ${a.alertId} × ${countOf(a)}${was === undefined ? ' (new)' : ` (was × ${was})`} "${a.summary}"`;
  };
  evidence.push(
    `${alerts.length} gate alert(s) raised or grown by the burst${alerts.length > 0 ? `: ${alerts.slice(0, 3).map(grown).join('; ')}` : ''}`,
  );
  const crashed = serverFailed(name, answers, evidence);
  if (crashed) return crashed;
  if (limited === 0) {
    return {
      name,
      outcome: 'succeeded',
      how: `${answered === tries ? `all ${tries} answered` : `${answered} of ${tries} answered`}, no 429 gate.rate_limited: a forger may try credentials as fast as the gate answers${alerts.length > 1 ? `, and ${alerts.length} separate alerts bury the inbox` : ''}`,
      evidence,
    };
  }
  if (alerts.length > 3) {
    return {
      name,
      outcome: 'succeeded',
      how: `rate-limited after ${answered} (${limited} × 429 gate.rate_limited), but ${alerts.length} separate alerts bury the inbox`,
      evidence,
    };
  }
  const grouped = alerts.find((a) => countOf(a) > 1) ?? alerts[0];
  return {
    name,
    outcome: grouped ? 'detected' : 'blocked',
    how: `the gate answered ${answered} and refused the other ${limited} with 429 gate.rate_limited${grouped ? `; ${alerts.length === 1 ? 'one grouped' : `${alerts.length} grouped`} ${grouped.rule} alert ${grouped.alertId} (${countOf(grouped)} attempts, ${countOf(grouped) - (before.counts.get(grouped.alertId) ?? 0)} of them this burst's) instead of ${tries} alerts, listed within ${listedMs} ms` : `; ${noAlert(ctx.observer, name)}`}`,
    evidence,
  };
}

/** The base64 field of a key string `name+hex+base64`: after the second '+' (a name holds no '+'). */
const keyBase64 = (text: string) => text.slice(text.indexOf('+', text.indexOf('+') + 1) + 1);

/**
 * The verifier key: `/v1/audit/key` must parse as `name+hex+base64` with the shared parser even when its base64
 * holds '+' or '/' (about half of all keys do), and `/v1/audit/checkpoint` must verify against it; a checkpoint the
 * gang signs with its own key under the log's name, or the real one with its root changed, must not.
 */
export async function verifierKeyHolds(ctx: HoleContext): Promise<DrillStep> {
  const name = "verify the log's signed checkpoint with its published key (base64 with '+' or '/')";
  const evidence: string[] = [];
  const keyAnswer = await fetch(new URL('/v1/audit/key', ctx.client.base));
  const keyText = (await keyAnswer.text()).trim();
  const checkpoint = await ctx.client.call('GET', '/v1/audit/checkpoint');
  evidence.push(`GET /v1/audit/key: HTTP ${keyAnswer.status} ${keyText}`);
  const problems: string[] = [];
  let verifier: ReturnType<typeof parseVerifierKey> | undefined;
  try {
    verifier = parseVerifierKey(keyText);
    const base64 = keyBase64(keyText);
    evidence.push(
      `parsed: name ${verifier.name}, key id ${verifier.keyId.toString(16).padStart(8, '0')}; its base64 holds ${['+', '/'].filter((c) => base64.includes(c)).join(' and ') || "neither '+' nor '/'"}`,
    );
  } catch (error) {
    problems.push(`the published key does not parse: ${(error as Error).message}`);
  }
  // The server's key is what it is; the parser must also take the keys whose base64 holds both '+' and '/'.
  const name0 = verifier?.name ?? 'portledger.drill/log';
  for (let tries = 0; tries < 200; tries++) {
    const signer = signerFromSeed(name0, randomBytes(32));
    const text = verifierKeyString(signer);
    const base64 = keyBase64(text);
    if (!base64.includes('+') || !base64.includes('/')) continue;
    try {
      const parsed = parseVerifierKey(text);
      const same =
        parsed.keyId === signer.keyId && Buffer.from(parsed.publicKey).equals(Buffer.from(signer.publicKey));
      evidence.push(
        `a key whose base64 holds both '+' and '/' (${text}) parses back to the same key: ${same}`,
      );
      if (!same) problems.push(`a key with '+' and '/' in its base64 parses to another key`);
    } catch (error) {
      problems.push(`a key with '+' and '/' in its base64 does not parse: ${(error as Error).message}`);
    }
    break;
  }
  const note = typeof checkpoint.body.note === 'string' ? checkpoint.body.note : undefined;
  if (!note) problems.push(`GET /v1/audit/checkpoint: HTTP ${checkpoint.status}, no note`);
  if (verifier && note) {
    const opened = openCheckpoint(note, verifier);
    if (opened.ok) {
      evidence.push(
        `GET /v1/audit/checkpoint verifies against the key: origin ${opened.origin}, tree size ${opened.treeSize}, root ${Buffer.from(opened.rootHash).toString('base64')}`,
      );
      if (checkpoint.body.verifierKey !== keyText)
        problems.push('the checkpoint names another key than /v1/audit/key');
      // The gang's own key, under the log's name, signing a history of its own.
      const gang = signerFromSeed(verifier.name, randomBytes(32));
      const forged = signCheckpoint(
        { origin: opened.origin, treeSize: opened.treeSize + 1n, rootHash: randomBytes(32) },
        gang,
      );
      const forgedOpened = openCheckpoint(forged, verifier);
      evidence.push(
        `a checkpoint the gang signed with its own key under the name ${verifier.name}: ${forgedOpened.ok ? 'verifies' : `refused (${forgedOpened.code})`}`,
      );
      if (forgedOpened.ok) problems.push("a checkpoint signed by the gang's key verifies");
      const lines = note.split('\n');
      const root = Buffer.from(lines[2] ?? '', 'base64');
      if (root.length > 0) root[0]! ^= 1;
      const altered = [lines[0], lines[1], root.toString('base64'), ...lines.slice(3)].join('\n');
      const alteredOpened = openCheckpoint(altered, verifier);
      evidence.push(
        `the real checkpoint with one bit of its root flipped: ${alteredOpened.ok ? 'verifies' : `refused (${alteredOpened.code})`}`,
      );
      if (alteredOpened.ok) problems.push('an altered checkpoint verifies');
    } else {
      problems.push(`the checkpoint does not verify against the published key: ${opened.code}`);
    }
  }
  if (problems.length > 0) {
    return {
      name,
      outcome: 'succeeded',
      how: `an outsider cannot hold the log to its signature: ${problems.join('; ')}`,
      evidence,
    };
  }
  return {
    name,
    outcome: 'blocked',
    how: "the published key parses with the shared parser (so do keys whose base64 holds '+' and '/'), the checkpoint verifies against it, and a checkpoint the gang signs itself or alters is refused",
    evidence,
  };
}

/**
 * Row E (with `--db`): as the DBA, delete an alert row and move a box in the `visit` read model with `json_set`.
 * The next integrity check must fail with `integrity.read_model_mismatch` naming the table and key, `/readyz`
 * answer 503, and a critical alert be raised.
 */
export async function tamperWithReadModels(
  ctx: HoleContext,
  db: string,
  options: { timeoutMs?: number } = {},
): Promise<DrillStep> {
  const name = "delete an alert and forge a box's yard slot in the read models (rogue DBA)";
  const evidence: string[] = [];
  const ready = await ctx.client.call('GET', '/readyz').catch(() => undefined);
  evidence.push(
    `/readyz before the edit: HTTP ${ready?.status ?? 'no answer'}${ready?.status === 503 ? ` (${JSON.stringify(ready.body.integrity ?? ready.body)})` : ''}`,
  );
  const before = await alertMark(ctx);
  const edit = db.startsWith('sqlite:')
    ? editSqliteReadModels(db.slice('sqlite:'.length), evidence)
    : db.startsWith('postgres://') || db.startsWith('postgresql://')
      ? await editPostgresReadModels(db, evidence)
      : undefined;
  if (!edit) {
    return {
      name,
      outcome: 'succeeded',
      how: 'the attack could not be made: the drill edits SQLite files and PostgreSQL databases only; the drill cannot vouch for this hole',
      evidence: [...evidence, db.split(':')[0] ?? ''],
    };
  }
  const { alertId, visitRef } = edit;
  const tamperedAt = Date.now();
  if (alertId && ctx.observer.bearer) {
    const gone = await ctx.client.call('GET', `/v1/alerts/${alertId}`, { bearer: ctx.observer.bearer });
    evidence.push(
      `GET /v1/alerts/${alertId} right after, with the operator's alert.read token: HTTP ${gone.status}${code(gone.body)}`,
    );
  }
  // Detected only when a check names what was edited: the alert table with the deleted id, or the visit table
  // with the forged box (a server that was failing already for another reason has not seen this edit).
  const namesTheEdit = (readModel: { table?: unknown; key?: unknown } | undefined) =>
    (readModel?.table === 'alert' && readModel.key === alertId) ||
    (readModel?.table === 'visit' && readModel.key === visitRef);
  let detectedMs: number | undefined;
  let summary: Record<string, unknown> | undefined;
  let lastFailure: Record<string, unknown> | undefined;
  const deadline = tamperedAt + (options.timeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    const ready = await ctx.client.call('GET', '/readyz').catch(() => undefined);
    const integrity = ready?.body.integrity as Record<string, unknown> | undefined;
    if (ready?.status === 503 && integrity?.ok === false) {
      lastFailure = integrity;
      if (
        integrity.code === 'integrity.read_model_mismatch' &&
        namesTheEdit(integrity.readModel as { table?: unknown; key?: unknown } | undefined)
      ) {
        detectedMs = Date.now() - tamperedAt;
        summary = integrity;
        break;
      }
    }
    await sleep(100);
  }
  const seconds = Math.round((Date.now() - tamperedAt) / 1000);
  if (summary) {
    evidence.push(
      `/readyz 503 after ${detectedMs} ms: integrity ${String(summary.code)}: ${String(summary.reason ?? '')}`,
    );
  } else if (lastFailure) {
    evidence.push(
      `/readyz 503 within ${seconds} s, but never naming the edit: integrity ${String(lastFailure.code)}: ${String(lastFailure.reason ?? '')}`,
    );
  } else {
    evidence.push(`/readyz still answered 200 ${seconds} s after the edit`);
  }
  if (ctx.investigator) {
    const checked = await ctx.client.call('GET', '/v1/audit/integrity', { session: ctx.investigator });
    evidence.push(
      `GET /v1/audit/integrity (investigator): HTTP ${checked.status}${code(checked.body)}${checked.status === 200 ? ` ok=${String(checked.body.ok)} ${String(checked.body.code ?? '')}` : ''}`,
    );
  }
  // The critical alert about this edit, as the defenders see it: it names the deleted alert's id or the forged box.
  const aboutTheEdit = (a: AlertSeen) =>
    (alertId !== undefined && new RegExp(`\\balert ${alertId}\\b`).test(a.summary)) ||
    (visitRef !== undefined && JSON.stringify(a).includes(visitRef));
  const critical = (await alertsSince(ctx, before)).find(
    (a) => a.rule.startsWith('integrity.') && a.severity === 'critical' && aboutTheEdit(a),
  );
  if (critical) evidence.push(describeAlert(critical, ctx.observer));
  if (!summary) {
    return {
      name,
      outcome: 'succeeded',
      how: lastFailure
        ? `the integrity watch ${ready?.status === 503 ? 'was failing already, before the edit' : 'failed'} on something else (${String(lastFailure.reason ?? lastFailure.code)}) and never named the deleted alert or the forged slot within ${seconds} s: a standing failure masks the tampering`
        : `the deleted alert and the forged slot went unnoticed for ${seconds} s: /readyz stayed 200`,
      evidence,
    };
  }
  const named = summary.readModel as { table: string; key: string };
  return {
    name,
    outcome: 'detected',
    how: `the integrity watch found it in ${detectedMs} ms: integrity.read_model_mismatch naming table ${named.table}, key ${named.key}; /readyz 503${critical ? `; critical ${critical.rule} alert ${critical.alertId}` : ctx.observer.sees ? '; but no critical alert was listed' : '; whether a critical alert was raised could not be observed (no --alert-token, no --db)'}`,
    evidence,
  };
}

/** What the DBA edited: the alert row deleted and the box whose slot was forged. */
interface ReadModelEdit {
  readonly alertId: string | undefined;
  readonly visitRef: string | undefined;
}

// The forged slot: block Z, bay 99, an empty corner of the yard, where the gang "finds" the box no longer stands.
const FORGED_SLOT_SQLITE = "json_set(view, '$.slot.block', 'Z', '$.slot.bay', 99)";
const FORGED_SLOT_POSTGRES =
  "jsonb_set(jsonb_set(view::jsonb, '{slot,block}', '\"Z\"'), '{slot,bay}', '99')::text";

/** Row E on a SQLite file: the newest gate alert deleted, one in-yard box's slot forged with `json_set`. */
function editSqliteReadModels(path: string, evidence: string[]): ReadModelEdit {
  const sqlite = new Sqlite(path);
  let alertId: string | undefined;
  let visitRef: string | undefined;
  try {
    // A DBA drops whatever guards the read models (none did when this step was written).
    const triggers = sqlite
      .prepare("select name from sqlite_master where type = 'trigger' and tbl_name in ('alert', 'visit')")
      .all() as { name: string }[];
    for (const { name: trigger } of triggers) sqlite.exec(`drop trigger "${trigger}"`);
    if (triggers.length > 0) evidence.push(`dropped ${triggers.map((t) => t.name).join(', ')}`);
    const alertRow = sqlite
      .prepare("select alert_id, rule from alert where rule like 'gate.%' order by alert_id desc limit 1")
      .get() as { alert_id: number; rule: string } | undefined;
    if (alertRow) {
      alertId = String(alertRow.alert_id);
      sqlite.prepare('delete from alert where alert_id = ?').run(alertRow.alert_id);
      evidence.push(`DELETE FROM alert WHERE alert_id = ${alertId} (a ${alertRow.rule} alert)`);
    }
    const visitRow = sqlite
      .prepare(
        "select visit_ref, json_extract(view, '$.slot') as slot from visit where status = 'in_yard' and json_extract(view, '$.slot') is not null order by visit_ref limit 1",
      )
      .get() as { visit_ref: string; slot: string } | undefined;
    if (visitRow) {
      visitRef = visitRow.visit_ref;
      sqlite.prepare(`update visit set view = ${FORGED_SLOT_SQLITE} where visit_ref = ?`).run(visitRef);
      evidence.push(
        `UPDATE visit SET view = ${FORGED_SLOT_SQLITE} WHERE visit_ref = '${visitRef}' (was ${visitRow.slot})`,
      );
    }
  } finally {
    sqlite.close();
  }
  return { alertId, visitRef };
}

/**
 * Row E on PostgreSQL, connected with the URL the server uses (its `search_path`, if the URL sets one, included):
 * the same two edits, with `jsonb_set` for SQLite's `json_set`.
 */
async function editPostgresReadModels(url: string, evidence: string[]): Promise<ReadModelEdit> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  let alertId: string | undefined;
  let visitRef: string | undefined;
  try {
    const triggers = await client.query<{ trigger: string; table: string }>(
      "select t.tgname as trigger, c.relname as table from pg_trigger t join pg_class c on c.oid = t.tgrelid where not t.tgisinternal and c.relname in ('alert', 'visit') and pg_table_is_visible(c.oid)",
    );
    for (const { trigger, table } of triggers.rows)
      await client.query(`drop trigger "${trigger}" on "${table}"`);
    if (triggers.rows.length > 0) evidence.push(`dropped ${triggers.rows.map((t) => t.trigger).join(', ')}`);
    const alertRow = (
      await client.query<{ alert_id: string; rule: string }>(
        "select alert_id::text as alert_id, rule from alert where rule like 'gate.%' order by alert_id desc limit 1",
      )
    ).rows[0];
    if (alertRow) {
      alertId = alertRow.alert_id;
      await client.query('delete from alert where alert_id = $1', [alertRow.alert_id]);
      evidence.push(`DELETE FROM alert WHERE alert_id = ${alertId} (a ${alertRow.rule} alert)`);
    }
    const visitRow = (
      await client.query<{ visit_ref: string; slot: string }>(
        "select visit_ref, (view::jsonb -> 'slot')::text as slot from visit where status = 'in_yard' and jsonb_typeof(view::jsonb -> 'slot') = 'object' order by visit_ref limit 1",
      )
    ).rows[0];
    if (visitRow) {
      visitRef = visitRow.visit_ref;
      await client.query(`update visit set view = ${FORGED_SLOT_POSTGRES} where visit_ref = $1`, [visitRef]);
      evidence.push(
        `UPDATE visit SET view = ${FORGED_SLOT_POSTGRES} WHERE visit_ref = '${visitRef}' (was ${visitRow.slot})`,
      );
    }
  } finally {
    await client.end();
  }
  return { alertId, visitRef };
}

/** An in-yard box no release, booking or credential names, for row A; none of the boxes other steps aim at. */
export async function unreleasedBox(ctx: HoleContext): Promise<string | undefined> {
  if (!ctx.investigator) return undefined;
  const pickups = new Set((ctx.secrets.pickups ?? []).map((p) => p.visitRef));
  const candidates = (await visitsInYard(ctx.client, ctx.investigator, 400)).filter(
    (v) => !pickups.has(v.visitRef) && !ctx.reserved.has(v.visitRef) && (v.holds?.length ?? 0) === 0,
  );
  for (const candidate of candidates.slice(-20).reverse()) {
    const lights = await ctx.client.call(
      'GET',
      `/v1/visits/${encodeURIComponent(candidate.visitRef)}/lights`,
      {
        session: ctx.investigator,
      },
    );
    const commercial = (lights.body.lights as { light: string; green: boolean }[] | undefined)?.find(
      (l) => l.light === 'commercial_release',
    );
    if (lights.status === 200 && commercial && !commercial.green) {
      ctx.reserved.add(candidate.visitRef);
      return candidate.visitRef;
    }
  }
  return undefined;
}
