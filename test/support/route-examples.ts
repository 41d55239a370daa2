/**
 * A valid example request for every API route, for every caller: the role × route matrix test
 * (`src/http/access-matrix.int.test.ts`) sends each one as each (role, organisation kind) and as nobody. An
 * example builds whatever state its call consumes (a fresh visit per gate-out, a fresh user per enrolment), so
 * the calls do not depend on each other's order.
 *
 * A route missing here fails the matrix test by name: a new route cannot escape the matrix.
 */

import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { URI } from 'otpauth';
import type { OrganisationRecord, UserRecord } from '../../src/app/access/identity.ports.js';
import type { AuthDeps, Authenticated } from '../../src/app/access/index.js';
import { addOrganisation, addUser, createApiToken, requestApproval } from '../../src/app/access/index.js';
import { changeAppointment, enrolDriverDevice, pickupDepsFor } from '../../src/app/appointments/index.js';
import type { JsonObject } from '../../src/app/ports.js';
import { issueRelease, runReleaseCommand } from '../../src/app/releases/index.js';
import {
  announceVisit,
  runVisitCommand,
  type TerminalLayouts,
  type VisitCommandInput,
  visitApprovalKinds,
} from '../../src/app/visits/index.js';
import {
  computeCheckDigit,
  type HoldKind,
  mayPlaceHold,
  type OrgKind,
  type Principal,
  type Role,
  roleAssignments,
  type YardSlot,
} from '../../src/domain/index.js';
import { confirmEnrolment, enrolThroughLink } from './enrolment.js';
import { testSlots } from './ledger.js';
import { addDriver, appointmentExample, newPhoneKey, slotIdAt } from './pickup.js';
import { mintSession } from './sessions.js';
import { type SoftPasskey, softPasskey } from './soft-authenticator.js';

export type Session = Awaited<ReturnType<typeof mintSession>>;

/** A subscription's secret (DCSA 2.2 `secret`: base64 of 32 bytes). */
const SUBSCRIPTION_SECRET = Buffer.alloc(32, 7).toString('base64');

/** A route of one subscription, asked about one that does not exist: 404 for whoever may manage subscriptions. */
function noSubscription(method: 'GET' | 'PUT' | 'DELETE', url: string, payload?: JsonObject) {
  return {
    method,
    url: url.replace('NONE', '00000000-0000-4000-8000-000000000016'),
    ...(payload ? { payload } : {}),
    expect: { status: 404, why: 'no such subscription of the caller’s organisation' },
  } as const;
}

/** One user of the world, with the passkey they enrolled. */
export interface WorldUser {
  readonly user: UserRecord;
  readonly org: OrganisationRecord;
  readonly passkey: SoftPasskey;
}

/** A row of the matrix: a role in an organisation of one kind, its user and a colleague in the same role. */
export interface Caller extends WorldUser {
  readonly role: Role;
  readonly orgKind: OrgKind;
  readonly colleague: WorldUser;
}

/** The organisations of the matrix world, one per kind. */
export const worldOrganisations: Record<OrgKind, { orgId: string; code: string; terminals?: string[] }> = {
  terminal_operator: { orgId: 'org-nqt', code: 'NQT', terminals: ['T1'] },
  shipping_line: { orgId: 'org-mscu', code: 'MSCU' },
  forwarder: { orgId: 'org-fwd', code: 'FWDA' },
  haulier: { orgId: 'org-haul', code: 'HAUL' },
  customs: { orgId: 'org-customs', code: 'BECUS' },
  port_police: { orgId: 'org-police', code: 'POLICE' },
  port_administration: { orgId: 'org-padm', code: 'PADM' },
};

export interface World {
  readonly app: FastifyInstance;
  readonly auth: AuthDeps;
  readonly terminals: TerminalLayouts;
  readonly callers: readonly Caller[];
  /** Enrols a user with a software passkey through the real enrolment routes. */
  enrolUser(args: { orgId: string; roles: Role[]; userId?: string }): Promise<WorldUser>;
  /** A fresh session of `who` (after a passkey sign-in, with a step-up). */
  session(who: WorldUser): Promise<Session>;
  /** A visit made through the use cases: announced, or in the yard at `T1`, optionally with one hold. */
  visit(args?: {
    line?: string;
    arrival?: 'vessel' | 'truck';
    inYard?: boolean;
    hold?: HoldKind;
  }): Promise<{ visitRef: string; slot?: YardSlot; holdId?: string; version: number }>;
  /** A free 20-ft ground slot at T1. */
  freeSlot(): YardSlot;
}

let serial = 0;
const nextSerial = () => ++serial;

function containerNumber(): string {
  const first10 = `TSTU${String(nextSerial() + 100_000).padStart(6, '0')}`;
  return `${first10}${computeCheckDigit(first10)}`;
}

/** Builds the world: one organisation per kind, one user and one colleague per (role, kind), all enrolled. */
export async function buildWorld(args: {
  app: FastifyInstance;
  auth: AuthDeps;
  terminals: TerminalLayouts;
}): Promise<World> {
  const { app, auth, terminals } = args;
  for (const [kind, org] of Object.entries(worldOrganisations)) {
    if (await auth.ledger.store.identity.getOrganisation(org.orgId)) continue;
    await addOrganisation(auth, { ...org, kind, name: `${kind} ${org.code}` });
  }

  let slotCounter = 0;
  const freeSlot = (): YardSlot => {
    const n = slotCounter++;
    // Ground slots of the demo terminal: blocks A…, odd bays 1…79, rows 1…8.
    const blocks = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
    const row = (n % 8) + 1;
    const bay = (Math.floor(n / 8) % 40) * 2 + 1;
    const block = blocks[Math.floor(n / 320)]!;
    return { terminal: 'T1', block, bay, row, tier: 1 };
  };

  const enrolUser: World['enrolUser'] = async ({ orgId, roles, userId }) => {
    const id = userId ?? `u-${nextSerial()}`;
    const added = await addUser(auth, {
      userId: id,
      orgId,
      username: id.toLowerCase().replace(/[^a-z0-9._-]/g, '-'),
      displayName: `User ${id}`,
      roles,
      issuedBy: 'matrix',
    });
    const passkey = softPasskey();
    const verify = await enrolThroughLink(app, added.enrolmentToken, passkey);
    if (verify.statusCode !== 202) throw new Error(`enrolment of ${id} failed: ${verify.body}`);
    // The passkey of a link waits for a confirmer (issue 10, row D); the operator confirms it, as the CLI does.
    await confirmEnrolment(auth, added.user.username);
    const org = (await auth.ledger.store.identity.getOrganisation(orgId))!;
    const user = (await auth.ledger.store.identity.getUser(id))!;
    return { user, org, passkey };
  };

  const callers: Caller[] = [];
  for (const { role, orgKind } of roleAssignments()) {
    const orgId = worldOrganisations[orgKind].orgId;
    const user = await enrolUser({ orgId, roles: [role], userId: `u-${role}-${orgKind}` });
    const colleague = await enrolUser({ orgId, roles: [role], userId: `c-${role}-${orgKind}` });
    callers.push({ ...user, role, orgKind, colleague });
  }

  const visit: World['visit'] = async (options = {}) => {
    const arrival = options.arrival ?? 'vessel';
    const announce = () =>
      announceVisit(auth.ledger, terminals, {
        containerNumber: containerNumber(),
        line: options.line ?? 'MSCU',
        sizeType: '22G1',
        fullEmpty: 'full',
        arrival: arrival === 'vessel' ? { mode: 'vessel', vesselCall: 'MATRIX1' } : { mode: 'truck' },
      });
    const visitRef = (await announce()).visit.visitRef;
    let version = 1;
    const run = async (command: VisitCommandInput) => {
      await runVisitCommand(auth.ledger, terminals, visitRef, command);
      version += 1;
    };
    let slot: YardSlot | undefined;
    if (options.inYard) {
      slot = freeSlot();
      await run(
        arrival === 'vessel'
          ? { type: 'DischargeContainer', vesselCall: 'MATRIX1', slot, operator: 'matrix' }
          : { type: 'GateInContainer', slot, operator: 'matrix' },
      );
    }
    let holdId: string | undefined;
    if (options.hold) {
      holdId = `H-${nextSerial()}`;
      await run({ type: 'PlaceHold', holdId, kind: options.hold, reason: 'matrix', reference: 'REF-1' });
    }
    return { visitRef, version, ...(slot ? { slot } : {}), ...(holdId ? { holdId } : {}) };
  };

  const session = async (who: WorldUser) => mintSession(auth, who.user.userId);

  return { app, auth, terminals, callers, enrolUser, session, visit, freeSlot };
}

/** A request to send, and (rarely) the status an allowed caller gets instead of 2xx, with the reason. */
export interface RouteExample {
  readonly method: 'GET' | 'POST' | 'DELETE' | 'PUT' | 'PATCH';
  readonly url: string;
  readonly payload?: Record<string, unknown>;
  /** Send with this session instead of the caller's (e.g. a fresh one for sign-out). */
  readonly session?: Session;
  /**
   * For an allowed caller who may call the route but for whom no valid target exists yet: the status expected
   * (never 401, 403 or 5xx) and why.
   */
  readonly expect?: { readonly status: number; readonly why: string };
}

export interface ExampleContext {
  readonly world: World;
  /** Who the example is for; for calls without a session, a customs officer builds it. */
  readonly caller: Caller;
  /** The caller's session, for setup calls. */
  readonly session: Session;
}

type Example = (ctx: ExampleContext) => Promise<RouteExample>;

/** Sends a setup request as `session`, with its CSRF token on state-changing methods. */
export function injectAs(
  app: FastifyInstance,
  session: Session | undefined,
  request: InjectOptions,
): Promise<LightMyRequestResponse> {
  return app.inject({
    ...request,
    ...(session
      ? { cookies: session.cookies, headers: { ...(request.headers ?? {}), ...session.headers } }
      : {}),
  });
}

const isTerminalStaff = (caller: Caller) => caller.orgKind === 'terminal_operator';
const lineOf = (caller: Caller) =>
  caller.orgKind === 'shipping_line' ? caller.org.code : worldOrganisations.shipping_line.code;
const releaseParty = (caller: Caller) => caller.orgKind === 'forwarder' || caller.orgKind === 'haulier';

function holdKindFor(caller: Caller): HoldKind {
  const kinds: HoldKind[] = ['customs', 'police', 'terminal', 'line'];
  return kinds.find((kind) => mayPlaceHold(caller.role, kind, caller.orgKind)) ?? 'customs';
}

const asAuthenticated = (who: WorldUser) => ({ user: who.user, org: who.org }) as unknown as Authenticated;

/**
 * A pending two-person request that `caller` may decide (by its colleague) or withdraw (its own), or undefined
 * when no kind of request the caller deals with exists yet.
 */
async function pendingRequestFor(ctx: ExampleContext, by: 'colleague' | 'self'): Promise<string | undefined> {
  const { world, caller } = ctx;
  const requester = by === 'self' ? caller : caller.colleague;
  if (caller.role === 'yard_planner') {
    const visit = await world.visit({ inYard: true });
    return (
      await requestApproval(
        world.auth,
        asAuthenticated(requester),
        {
          kind: 'yard.correction',
          subject: visit.visitRef,
          change: { to: world.freeSlot() as unknown as JsonObject, reason: 'yard scan found it elsewhere' },
        },
        visitApprovalKinds(world.terminals),
      )
    ).requestId;
  }
  if (caller.role === 'terminal_supervisor') {
    const visit = await world.visit({ inYard: true, hold: 'terminal' });
    return (
      await requestApproval(
        world.auth,
        asAuthenticated(requester),
        {
          kind: 'visit.void',
          subject: visit.visitRef,
          change: { voidedVersion: visit.version, reason: 'placed on the wrong box' },
        },
        visitApprovalKinds(world.terminals),
      )
    ).requestId;
  }
  if (caller.role === 'release_desk' && caller.orgKind === 'shipping_line') {
    const visit = await world.visit({ line: caller.org.code, hold: 'line' });
    return (
      await requestApproval(
        world.auth,
        asAuthenticated(requester),
        {
          kind: 'visit.void',
          subject: visit.visitRef,
          change: { voidedVersion: visit.version, reason: 'placed on the wrong box' },
        },
        visitApprovalKinds(world.terminals),
      )
    ).requestId;
  }
  if (caller.role === 'administrator') {
    const target = await world.enrolUser({
      orgId: worldOrganisations.terminal_operator.orgId,
      roles: ['gate_clerk'],
    });
    return (
      await requestApproval(world.auth, asAuthenticated(requester), {
        kind: 'role.grant',
        subject: target.user.userId,
        change: { role: 'yard_planner' },
      })
    ).requestId;
  }
  return undefined;
}

const NO_ALERT = { status: 404, why: 'audit index 0 raised no alert' };

const NO_REQUEST_KIND = {
  status: 404,
  why: 'the two-person changes this role deals with (pickup changes) are not available yet',
};

async function decideExample(ctx: ExampleContext, decision: 'approve' | 'reject'): Promise<RouteExample> {
  const mayDecide =
    ctx.caller.role === 'terminal_supervisor' ||
    ctx.caller.role === 'yard_planner' ||
    ctx.caller.role === 'administrator' ||
    (ctx.caller.role === 'release_desk' && ctx.caller.orgKind === 'shipping_line');
  const requestId = mayDecide ? await pendingRequestFor(ctx, 'colleague') : undefined;
  return {
    method: 'POST',
    url: `/v1/approvals/${requestId ?? 'no-such-request'}/${decision}`,
    ...(decision === 'reject' ? { payload: { reason: 'not like this' } } : {}),
    ...(requestId ? {} : { expect: NO_REQUEST_KIND }),
  };
}

/**
 * A fresh pending enrolment (a new person of the caller's organisation, or of the terminal operator for callers of
 * other kinds, who enrolled through their link) and the request deciding it. A supervisor confirms the people of
 * their own organisation, an administrator anyone's.
 */
async function enrolmentDecisionExample(
  ctx: ExampleContext,
  decision: 'confirm' | 'reject',
): Promise<RouteExample> {
  const { world, caller } = ctx;
  const orgId =
    caller.orgKind === 'terminal_operator' ? caller.org.orgId : worldOrganisations.terminal_operator.orgId;
  const id = `p-${nextSerial()}`;
  const added = await addUser(world.auth, {
    userId: id,
    orgId,
    username: id,
    displayName: `Pending ${id}`,
    roles: ['gate_clerk'],
    issuedBy: 'matrix',
  });
  const pending = await enrolThroughLink(world.app, added.enrolmentToken, softPasskey());
  if (pending.statusCode !== 202) throw new Error(`enrolment of ${id} failed: ${pending.body}`);
  return {
    method: 'POST',
    url: `/v1/enrolments/${pending.json().enrolmentId}/${decision}`,
    // A confirmation carries the code the person's enrolment page showed them (the verify answer's).
    payload: decision === 'confirm' ? { code: pending.json().confirmationCode } : {},
  };
}

/** Adds a second passkey to the caller through the API, so that one can be removed. */
async function addPasskey(ctx: ExampleContext): Promise<string> {
  const { app } = ctx.world;
  const options = await injectAs(app, ctx.session, {
    method: 'POST',
    url: '/v1/me/passkeys/options',
    payload: {},
  });
  const passkey = softPasskey();
  const added = await injectAs(app, ctx.session, {
    method: 'POST',
    url: '/v1/me/passkeys/verify',
    payload: {
      challengeId: options.json().challengeId,
      response: passkey.register(options.json().options),
      label: 'spare',
    },
  });
  if (added.statusCode !== 201) throw new Error(`adding a passkey failed: ${added.body}`);
  return passkey.credentialId;
}

/** The release desk (or a haulier's planner) of the matrix world's organisation of `orgKind`, as a principal. */
function deskOf(world: World, orgKind: 'shipping_line' | 'forwarder' | 'haulier'): Principal {
  const role: Role = orgKind === 'haulier' ? 'haulier_planner' : 'release_desk';
  const desk = world.callers.find((c) => c.role === role && c.orgKind === orgKind)!;
  return {
    userId: desk.user.userId,
    orgId: desk.org.orgId,
    orgKind,
    orgCode: desk.org.code,
    roles: [role],
  };
}

/**
 * A visit of the world's line with a release: issued and offered to the forwarder, then as far along the chain as
 * asked (the forwarder holds it, or the haulier does), with an offer to the next party pending when asked.
 */
async function releasedVisit(
  world: World,
  args: {
    holder?: 'forwarder' | 'haulier';
    offerNext?: boolean;
    denied?: boolean;
    blocked?: boolean;
    inYard?: boolean;
  } = {},
): Promise<string> {
  const { visitRef } = await world.visit({ inYard: args.inYard ?? false });
  const ledger = world.auth.ledger;
  const [line, forwarder, haulier] = (['shipping_line', 'forwarder', 'haulier'] as const).map((kind) =>
    deskOf(world, kind),
  ) as [Principal, Principal, Principal];
  const now = ledger.clock.now().getTime();
  await issueRelease(ledger, line, visitRef, {
    firstParty: forwarder.orgId,
    validFrom: new Date(now - 3_600_000).toISOString(),
    validUntil: new Date(now + 7 * 86_400_000).toISOString(),
  });
  if (args.denied) await runReleaseCommand(ledger, forwarder, visitRef, { type: 'DenyTransfer' });
  if (args.holder) await runReleaseCommand(ledger, forwarder, visitRef, { type: 'AcceptTransfer' });
  if (args.holder === 'haulier' || (args.holder === 'forwarder' && args.offerNext)) {
    await runReleaseCommand(ledger, forwarder, visitRef, { type: 'OfferTransfer', to: haulier.orgId });
  }
  if (args.holder === 'haulier')
    await runReleaseCommand(ledger, haulier, visitRef, { type: 'AcceptTransfer' });
  if (args.blocked)
    await runReleaseCommand(ledger, line, visitRef, { type: 'BlockRelease', reason: 'matrix' });
  return visitRef;
}

const NO_CHAIN_FOR_TERMINALS = {
  status: 404,
  why: "a terminal's staff see the box and its green lights, not who passes the right to whom",
};

/** Every API route, keyed `METHOD /path/{param}` as in the OpenAPI document. */
export const routeExamples: Record<string, Example> = {
  'GET /healthz': async () => ({ method: 'GET', url: '/healthz' }),
  'GET /readyz': async () => ({ method: 'GET', url: '/readyz' }),
  'GET /metrics': async () => ({ method: 'GET', url: '/metrics' }),

  'GET /v1/audit/checkpoint': async () => ({ method: 'GET', url: '/v1/audit/checkpoint' }),
  'GET /v1/audit/key': async () => ({ method: 'GET', url: '/v1/audit/key' }),
  'GET /v1/audit/proof/inclusion': async () => ({ method: 'GET', url: '/v1/audit/proof/inclusion?index=0' }),
  'GET /v1/audit/proof/consistency': async () => ({
    method: 'GET',
    url: '/v1/audit/proof/consistency?from=1',
  }),
  'GET /v1/audit/entries': async () => ({ method: 'GET', url: '/v1/audit/entries?start=0&limit=5' }),
  'GET /v1/audit/views': async () => ({ method: 'GET', url: '/v1/audit/views?userId=u-anyone&days=30' }),
  'GET /v1/audit/integrity': async () => ({ method: 'GET', url: '/v1/audit/integrity' }),
  'GET /v1/audit/checkpoints': async () => ({ method: 'GET', url: '/v1/audit/checkpoints?from=0&limit=5' }),
  'GET /v1/audit/stats': async () => ({ method: 'GET', url: '/v1/audit/stats?hours=24' }),
  'GET /v1/audit/witnesses': async () => ({ method: 'GET', url: '/v1/audit/witnesses' }),
  // C2SP tlog-tiles: the matrix world's log is short, so its tiles are the partial ones at the right edge.
  'GET /checkpoint': async () => ({ method: 'GET', url: '/checkpoint' }),
  'GET /tile/{level}/{*}': async () => ({ method: 'GET', url: '/tile/0/000.p/1' }),
  'GET /tile/entries/{*}': async () => ({ method: 'GET', url: '/tile/entries/000.p/1' }),

  'GET /v1/auth/session': async () => ({ method: 'GET', url: '/v1/auth/session' }),
  'POST /v1/auth/logout': async ({ world, caller }) => ({
    method: 'POST',
    url: '/v1/auth/logout',
    session: await world.session(caller),
  }),
  'POST /v1/auth/enrolment/options': async ({ world }) => {
    const added = await addUser(world.auth, {
      userId: `e-${nextSerial()}`,
      orgId: worldOrganisations.haulier.orgId,
      username: `enrol.${serial}`,
      displayName: 'New driver',
      roles: ['driver'],
      issuedBy: 'matrix',
    });
    return { method: 'POST', url: '/v1/auth/enrolment/options', payload: { token: added.enrolmentToken } };
  },
  'POST /v1/auth/enrolment/verify': async ({ world }) => {
    const added = await addUser(world.auth, {
      userId: `e-${nextSerial()}`,
      orgId: worldOrganisations.haulier.orgId,
      username: `enrol.${serial}`,
      displayName: 'New driver',
      roles: ['driver'],
      issuedBy: 'matrix',
    });
    const options = await world.app.inject({
      method: 'POST',
      url: '/v1/auth/enrolment/options',
      payload: { token: added.enrolmentToken },
    });
    return {
      method: 'POST',
      url: '/v1/auth/enrolment/verify',
      payload: {
        token: added.enrolmentToken,
        challengeId: options.json().challengeId,
        response: softPasskey().register(options.json().options),
      },
    };
  },
  'POST /v1/auth/passkey/options': async () => ({
    method: 'POST',
    url: '/v1/auth/passkey/options',
    payload: {},
  }),
  'POST /v1/auth/passkey/verify': async ({ world, caller }) => {
    const options = await world.app.inject({ method: 'POST', url: '/v1/auth/passkey/options', payload: {} });
    return {
      method: 'POST',
      url: '/v1/auth/passkey/verify',
      payload: {
        challengeId: options.json().challengeId,
        response: caller.passkey.assert(options.json().options, caller.user.userId),
      },
    };
  },
  'POST /v1/auth/password': async ({ world }) => {
    const added = await addUser(world.auth, {
      userId: `p-${nextSerial()}`,
      orgId: worldOrganisations.haulier.orgId,
      username: `driver.${serial}`,
      displayName: 'Driver',
      roles: ['driver'],
      issuedBy: 'matrix',
      withPassword: { password: 'a long passphrase for the matrix' },
    });
    const totp = URI.parse(added.totpUri!);
    return {
      method: 'POST',
      url: '/v1/auth/password',
      payload: {
        username: added.user.username,
        password: 'a long passphrase for the matrix',
        totp: totp.generate({ timestamp: world.auth.ledger.clock.now().getTime() }),
      },
    };
  },
  'POST /v1/auth/step-up/options': async () => ({
    method: 'POST',
    url: '/v1/auth/step-up/options',
    payload: {},
  }),
  'POST /v1/auth/step-up/verify': async (ctx) => {
    // A step-up renews the session id and ends the old one: give it a session of its own.
    const session = await ctx.world.session(ctx.caller);
    const options = await injectAs(ctx.world.app, session, {
      method: 'POST',
      url: '/v1/auth/step-up/options',
      payload: {},
    });
    return {
      session,
      method: 'POST',
      url: '/v1/auth/step-up/verify',
      payload: {
        challengeId: options.json().challengeId,
        response: ctx.caller.passkey.assert(options.json().options),
      },
    };
  },
  'GET /v1/me/passkeys': async () => ({ method: 'GET', url: '/v1/me/passkeys' }),
  'POST /v1/me/passkeys/options': async () => ({
    method: 'POST',
    url: '/v1/me/passkeys/options',
    payload: {},
  }),
  'POST /v1/me/passkeys/verify': async (ctx) => {
    const options = await injectAs(ctx.world.app, ctx.session, {
      method: 'POST',
      url: '/v1/me/passkeys/options',
      payload: {},
    });
    return {
      method: 'POST',
      url: '/v1/me/passkeys/verify',
      payload: {
        challengeId: options.json().challengeId,
        response: softPasskey().register(options.json().options),
        label: 'Second key',
      },
    };
  },
  'DELETE /v1/me/passkeys/{credentialId}': async (ctx) => ({
    method: 'DELETE',
    url: `/v1/me/passkeys/${await addPasskey(ctx)}`,
  }),

  'GET /v1/visits': async () => ({ method: 'GET', url: '/v1/visits?limit=20' }),
  'GET /v1/search': async () => ({ method: 'GET', url: '/v1/search?q=1-ABC-123&limit=20' }),
  'GET /v2/events': async () => ({ method: 'GET', url: '/v2/events?limit=20&eventType=EQUIPMENT' }),
  'GET /v3/events': async () => ({ method: 'GET', url: '/v3/events?limit=20' }),
  'GET /v1/queues': async () => ({ method: 'GET', url: '/v1/queues' }),
  'GET /v1/visits/{visitRef}': async ({ world, caller }) => {
    // A forwarder or haulier sees a box whose release right it holds or held.
    const visitRef = releaseParty(caller)
      ? await releasedVisit(world, { holder: 'haulier', inYard: true })
      : (await world.visit({ line: lineOf(caller), inYard: true })).visitRef;
    return { method: 'GET', url: `/v1/visits/${visitRef}` };
  },
  'GET /v1/terminals/{terminal}/yard': async ({ world, caller }) => {
    await world.visit({ line: lineOf(caller), inYard: true });
    return { method: 'GET', url: '/v1/terminals/T1/yard' };
  },
  // A survey of an empty block (the world stacks boxes from block A on): one unknown box, a fresh one each call so that
  // no file repeats, and no missing box whose alert would mark the other examples' boxes.
  // An interchange is UN/EDIFACT text (application/edifact); the matrix sends JSON, which is refused as unreadable.
  // The applied, duplicate, refused and forbidden answers are tested in src/http/edi.routes.int.test.ts.
  'POST /v1/edi/interchanges': async () => ({
    method: 'POST',
    url: '/v1/edi/interchanges',
    payload: { interchange: 'UNB+UNOA:2' },
    expect: { status: 400, why: 'the body must be the interchange text, not JSON' },
  }),
  'GET /v1/edi/interchanges': async () => ({ method: 'GET', url: '/v1/edi/interchanges?limit=5' }),
  'GET /v1/edi/interchanges/{interchangeId}': async () => ({
    method: 'GET',
    url: '/v1/edi/interchanges/EDI-000000000000000000000000',
    expect: { status: 404, why: 'no interchange was received' },
  }),
  // Subscriptions (issue 16): a callback to a public address literal (the matrix server resolves no names); the
  // routes of one subscription are asked about one that does not exist (their own answers: subscription.routes.int.test.ts).
  'POST /v2/event-subscriptions': async () => ({
    method: 'POST',
    url: '/v2/event-subscriptions',
    payload: {
      callbackUrl: 'https://93.184.215.14/dcsa',
      secret: SUBSCRIPTION_SECRET,
      equipmentEventTypeCode: ['GTIN'],
    },
  }),
  'GET /v2/event-subscriptions': async () => ({ method: 'GET', url: '/v2/event-subscriptions?limit=5' }),
  'GET /v2/event-subscriptions/{subscriptionID}': async () =>
    noSubscription('GET', '/v2/event-subscriptions/NONE'),
  'PUT /v2/event-subscriptions/{subscriptionID}': async () =>
    noSubscription('PUT', '/v2/event-subscriptions/NONE', { callbackUrl: 'https://93.184.215.14/dcsa' }),
  'DELETE /v2/event-subscriptions/{subscriptionID}': async () =>
    noSubscription('DELETE', '/v2/event-subscriptions/NONE'),
  'PUT /v2/event-subscriptions/{subscriptionID}/secret': async () =>
    noSubscription('PUT', '/v2/event-subscriptions/NONE/secret', { secret: SUBSCRIPTION_SECRET }),
  'GET /v2/event-subscriptions/{subscriptionID}/deliveries': async () =>
    noSubscription('GET', '/v2/event-subscriptions/NONE/deliveries?status=dead'),
  'POST /v1/webhooks': async () => ({
    method: 'POST',
    url: '/v1/webhooks',
    payload: {
      callbackUrl: 'https://93.184.215.14/thin',
      secret: SUBSCRIPTION_SECRET,
      types: ['visit.gated_in'],
    },
  }),
  'GET /v1/webhooks': async () => ({ method: 'GET', url: '/v1/webhooks' }),
  'GET /v1/webhooks/{id}': async () => noSubscription('GET', '/v1/webhooks/NONE'),
  'DELETE /v1/webhooks/{id}': async () => noSubscription('DELETE', '/v1/webhooks/NONE'),
  'PUT /v1/webhooks/{id}/secret': async () =>
    noSubscription('PUT', '/v1/webhooks/NONE/secret', { secret: SUBSCRIPTION_SECRET }),
  'GET /v1/webhooks/{id}/deliveries': async () => noSubscription('GET', '/v1/webhooks/NONE/deliveries'),
  'POST /v1/terminals/{terminal}/surveys': async () => ({
    method: 'POST',
    url: '/v1/terminals/T1/surveys?blocks=AF',
    payload: {
      rows: [{ container: containerNumber(), slot: 'T1/AF/01/01/1', seenAt: new Date().toISOString() }],
    },
  }),
  'GET /v1/visits/{visitRef}/history': async ({ world, caller }) => {
    const { visitRef } = await world.visit({ line: lineOf(caller), inYard: true });
    return { method: 'GET', url: `/v1/visits/${visitRef}/history` };
  },
  'GET /v1/visits/{visitRef}/viewers': async ({ world, caller }) => {
    const { visitRef } = await world.visit({ line: lineOf(caller), inYard: true });
    return { method: 'GET', url: `/v1/visits/${visitRef}/viewers?days=30` };
  },
  'POST /v1/visits': async () => ({
    method: 'POST',
    url: '/v1/visits',
    payload: {
      containerNumber: containerNumber(),
      sizeType: '45G1',
      fullEmpty: 'full',
      arrival: { mode: 'vessel', vesselCall: 'MATRIX1' },
    },
  }),
  'POST /v1/visits/{visitRef}/discharge': async ({ world }) => {
    const { visitRef } = await world.visit({ arrival: 'vessel' });
    return {
      method: 'POST',
      url: `/v1/visits/${visitRef}/discharge`,
      payload: { vesselCall: 'MATRIX1', slot: world.freeSlot(), equipment: 'STS-04' },
    };
  },
  'POST /v1/visits/{visitRef}/gate-in': async ({ world }) => {
    const { visitRef } = await world.visit({ arrival: 'truck' });
    return {
      method: 'POST',
      url: `/v1/visits/${visitRef}/gate-in`,
      payload: { slot: world.freeSlot(), truckPlate: '1-ABC-123' },
    };
  },
  'POST /v1/visits/{visitRef}/moves': async ({ world }) => {
    const { visitRef, slot } = await world.visit({ inYard: true });
    return {
      method: 'POST',
      url: `/v1/visits/${visitRef}/moves`,
      payload: { from: slot!, to: world.freeSlot(), equipment: 'RTG-12' },
    };
  },
  'POST /v1/visits/{visitRef}/holds': async ({ world, caller }) => {
    const { visitRef } = await world.visit({ line: lineOf(caller), inYard: isTerminalStaff(caller) });
    return {
      method: 'POST',
      url: `/v1/visits/${visitRef}/holds`,
      payload: { kind: holdKindFor(caller), reason: 'documents missing', reference: 'CASE-1' },
    };
  },
  'POST /v1/visits/{visitRef}/holds/{holdId}/lift': async ({ world, caller }) => {
    const { visitRef, holdId } = await world.visit({
      line: lineOf(caller),
      inYard: isTerminalStaff(caller),
      hold: holdKindFor(caller),
    });
    return {
      method: 'POST',
      url: `/v1/visits/${visitRef}/holds/${holdId}/lift`,
      payload: { reason: 'documents received' },
    };
  },
  'POST /v1/visits/{visitRef}/load': async ({ world }) => {
    const { visitRef } = await world.visit({ inYard: true });
    return { method: 'POST', url: `/v1/visits/${visitRef}/load`, payload: { vesselCall: 'MATRIX2' } };
  },
  'POST /v1/visits/{visitRef}/void-requests': async ({ world, caller }) => {
    const terminal = isTerminalStaff(caller);
    const { visitRef, version } = await world.visit({
      line: lineOf(caller),
      inYard: terminal,
      hold: terminal ? 'terminal' : 'line',
    });
    return {
      method: 'POST',
      url: `/v1/visits/${visitRef}/void-requests`,
      payload: { voidedVersion: version, reason: 'placed on the wrong box' },
    };
  },
  'POST /v1/visits/{visitRef}/freeze': async ({ world }) => {
    const { visitRef } = await world.visit({ inYard: true });
    return {
      method: 'POST',
      url: `/v1/visits/${visitRef}/freeze`,
      payload: { reason: 'driver was not the nominated one' },
    };
  },
  'POST /v1/visits/{visitRef}/unfreeze-requests': async ({ world }) => {
    const { visitRef } = await world.visit({ inYard: true });
    await runVisitCommand(world.auth.ledger, world.terminals, visitRef, {
      type: 'FreezeVisit',
      reason: 'suspect box',
      by: 'matrix',
    });
    return {
      method: 'POST',
      url: `/v1/visits/${visitRef}/unfreeze-requests`,
      payload: { reason: 'the police cleared the box' },
    };
  },
  'POST /v1/visits/{visitRef}/position-corrections': async ({ world, caller }) => {
    const { visitRef } = await world.visit({ line: lineOf(caller), inYard: true });
    return {
      method: 'POST',
      url: `/v1/visits/${visitRef}/position-corrections`,
      payload: { to: world.freeSlot(), reason: 'yard scan found the box elsewhere' },
    };
  },

  'GET /v1/enrolments': async () => ({ method: 'GET', url: '/v1/enrolments?status=pending' }),
  'POST /v1/enrolments/{enrolmentId}/confirm': (ctx) => enrolmentDecisionExample(ctx, 'confirm'),
  'POST /v1/enrolments/{enrolmentId}/reject': (ctx) => enrolmentDecisionExample(ctx, 'reject'),

  'GET /v1/approvals': async () => ({ method: 'GET', url: '/v1/approvals' }),
  'GET /v1/approvals/{requestId}': async (ctx) => {
    const requestId = await pendingRequestFor(ctx, 'colleague');
    return {
      method: 'GET',
      url: `/v1/approvals/${requestId ?? 'no-such-request'}`,
      ...(requestId ? {} : { expect: NO_REQUEST_KIND }),
    };
  },
  'POST /v1/approvals/{requestId}/approve': (ctx) => decideExample(ctx, 'approve'),
  'POST /v1/approvals/{requestId}/reject': (ctx) => decideExample(ctx, 'reject'),
  'POST /v1/approvals/{requestId}/withdraw': async (ctx) => {
    const requestId = await pendingRequestFor(ctx, 'self');
    return {
      method: 'POST',
      url: `/v1/approvals/${requestId ?? 'no-such-request'}/withdraw`,
      ...(requestId ? {} : { expect: NO_REQUEST_KIND }),
    };
  },

  'GET /v1/admin/orgs': async () => ({ method: 'GET', url: '/v1/admin/orgs' }),
  'POST /v1/admin/orgs': async () => {
    const n = nextSerial();
    return {
      method: 'POST',
      url: '/v1/admin/orgs',
      payload: { orgId: `org-new-${n}`, kind: 'haulier', name: `Haulier ${n}`, code: `HN${n}` },
    };
  },
  'GET /v1/admin/orgs/{orgId}/networks': async () => ({
    method: 'GET',
    url: `/v1/admin/orgs/${worldOrganisations.haulier.orgId}/networks`,
  }),
  'PUT /v1/admin/orgs/{orgId}/networks': async () => ({
    method: 'PUT',
    url: `/v1/admin/orgs/${worldOrganisations.haulier.orgId}/networks`,
    payload: { networks: [{ cidr: '198.51.100.0/24', place: 'Antwerp', lat: 51.22, lon: 4.4 }] },
  }),
  'GET /v1/admin/users': async () => ({ method: 'GET', url: '/v1/admin/users' }),
  'POST /v1/admin/users': async () => {
    const n = nextSerial();
    return {
      method: 'POST',
      url: '/v1/admin/users',
      payload: {
        orgId: worldOrganisations.haulier.orgId,
        username: `new.driver.${n}`,
        displayName: `Driver ${n}`,
        roles: ['driver'],
      },
    };
  },
  'POST /v1/admin/users/{userId}/enrolment-link': async ({ world }) => {
    // A user who has not enrolled yet (a user with a passkey gets a link only through a passkey reset).
    const added = await addUser(world.auth, {
      userId: `l-${nextSerial()}`,
      orgId: worldOrganisations.haulier.orgId,
      username: `link.${serial}`,
      displayName: 'Driver',
      roles: ['driver'],
      issuedBy: 'matrix',
    });
    return { method: 'POST', url: `/v1/admin/users/${added.user.userId}/enrolment-link` };
  },
  'POST /v1/admin/users/{userId}/role-grants': async ({ world }) => {
    const target = await world.enrolUser({
      orgId: worldOrganisations.terminal_operator.orgId,
      roles: ['gate_clerk'],
    });
    return {
      method: 'POST',
      url: `/v1/admin/users/${target.user.userId}/role-grants`,
      payload: { role: 'yard_planner' },
    };
  },
  'POST /v1/admin/users/{userId}/passkey-resets': async ({ world }) => {
    const target = await world.enrolUser({
      orgId: worldOrganisations.haulier.orgId,
      roles: ['haulier_planner'],
    });
    return { method: 'POST', url: `/v1/admin/users/${target.user.userId}/passkey-resets` };
  },
  'GET /v1/admin/tokens': async () => ({ method: 'GET', url: '/v1/admin/tokens' }),
  'POST /v1/admin/tokens': async () => ({
    method: 'POST',
    url: '/v1/admin/tokens',
    payload: { orgId: worldOrganisations.customs.orgId, permissions: ['visit.read'], label: 'matrix' },
  }),
  'DELETE /v1/admin/tokens/{tokenId}': async ({ world }) => {
    const created = await createApiToken(world.auth, {
      orgId: worldOrganisations.customs.orgId,
      permissions: ['visit.read'],
      createdBy: 'matrix',
    });
    return { method: 'DELETE', url: `/v1/admin/tokens/${created.apiToken.tokenId}` };
  },

  'GET /v1/visits/{visitRef}/release': async ({ world, caller }) => {
    const visitRef = await releasedVisit(world, { holder: 'haulier', inYard: true });
    return {
      method: 'GET',
      url: `/v1/visits/${visitRef}/release`,
      ...(isTerminalStaff(caller) ? { expect: NO_CHAIN_FOR_TERMINALS } : {}),
    };
  },
  'GET /v1/visits/{visitRef}/lights': async ({ world }) => ({
    method: 'GET',
    url: `/v1/visits/${await releasedVisit(world, { holder: 'haulier', inYard: true })}/lights`,
  }),
  'POST /v1/visits/{visitRef}/release': async ({ world, caller }) => {
    const { visitRef } = await world.visit({ line: lineOf(caller) });
    const now = world.auth.ledger.clock.now().getTime();
    return {
      method: 'POST',
      url: `/v1/visits/${visitRef}/release`,
      payload: {
        firstParty: worldOrganisations.forwarder.orgId,
        validFrom: new Date(now).toISOString(),
        validUntil: new Date(now + 86_400_000).toISOString(),
      },
    };
  },
  'POST /v1/visits/{visitRef}/release/block': async ({ world }) => ({
    method: 'POST',
    url: `/v1/visits/${await releasedVisit(world)}/release/block`,
    payload: { reason: 'freight unpaid' },
  }),
  'POST /v1/visits/{visitRef}/release/unblock': async ({ world }) => ({
    method: 'POST',
    url: `/v1/visits/${await releasedVisit(world, { blocked: true })}/release/unblock`,
  }),
  'POST /v1/visits/{visitRef}/release/revoke': async ({ world, caller }) => {
    // The line revokes the release; a forwarder takes back the offer it made.
    const forwarder = caller.orgKind === 'forwarder';
    const visitRef = await releasedVisit(world, forwarder ? { holder: 'forwarder', offerNext: true } : {});
    return {
      method: 'POST',
      url: `/v1/visits/${visitRef}/release/revoke`,
      payload: { reason: 'released in error' },
    };
  },
  'POST /v1/visits/{visitRef}/release/validity': async ({ world }) => {
    const now = world.auth.ledger.clock.now().getTime();
    return {
      method: 'POST',
      url: `/v1/visits/${await releasedVisit(world)}/release/validity`,
      payload: {
        validFrom: new Date(now).toISOString(),
        validUntil: new Date(now + 2 * 86_400_000).toISOString(),
      },
    };
  },
  'POST /v1/visits/{visitRef}/release/offers': async ({ world, caller }) => {
    // The forwarder passes on what it holds; the line offers again after the first party denied.
    const visitRef = await releasedVisit(
      world,
      caller.orgKind === 'forwarder' ? { holder: 'forwarder' } : { denied: true },
    );
    return {
      method: 'POST',
      url: `/v1/visits/${visitRef}/release/offers`,
      payload: { to: worldOrganisations.haulier.orgId },
    };
  },
  'POST /v1/visits/{visitRef}/release/offers/accept': async ({ world, caller }) => {
    const visitRef = await releasedVisit(
      world,
      caller.orgKind === 'haulier' ? { holder: 'forwarder', offerNext: true } : {},
    );
    return { method: 'POST', url: `/v1/visits/${visitRef}/release/offers/accept` };
  },
  'POST /v1/visits/{visitRef}/release/offers/deny': async ({ world, caller }) => {
    const visitRef = await releasedVisit(
      world,
      caller.orgKind === 'haulier' ? { holder: 'forwarder', offerNext: true } : {},
    );
    return {
      method: 'POST',
      url: `/v1/visits/${visitRef}/release/offers/deny`,
      payload: { reason: 'not our job' },
    };
  },
  'POST /v1/visits/{visitRef}/release/offers/withdraw': async ({ world, caller }) => {
    const visitRef = await releasedVisit(
      world,
      caller.orgKind === 'forwarder' ? { holder: 'forwarder', offerNext: true } : {},
    );
    return { method: 'POST', url: `/v1/visits/${visitRef}/release/offers/withdraw` };
  },
  'GET /v1/drivers': async () => ({ method: 'GET', url: '/v1/drivers' }),
  'POST /v1/drivers': async () => ({
    method: 'POST',
    url: '/v1/drivers',
    payload: {
      name: 'Matrix Driver',
      badge: `MTX-D-${nextSerial()}`,
      licence: 'B-1',
      phone: '+32 3 000 00 00',
    },
  }),
  'GET /v1/me/jobs': async () => ({ method: 'GET', url: '/v1/me/jobs' }),
  'POST /v1/me/devices': async () => ({
    method: 'POST',
    url: '/v1/me/devices',
    payload: { publicKey: newPhoneKey().publicKey, label: 'Matrix phone' },
  }),
  'GET /v1/me/devices': async () => ({ method: 'GET', url: '/v1/me/devices' }),
  'GET /v1/drivers/devices': async () => ({ method: 'GET', url: '/v1/drivers/devices?status=pending' }),
  'POST /v1/drivers/devices/{deviceId}/confirm': (ctx) => deviceDecisionExample(ctx, 'confirm'),
  'POST /v1/drivers/devices/{deviceId}/reject': (ctx) => deviceDecisionExample(ctx, 'reject'),
  'GET /v1/releases': async ({ caller }) => ({
    method: 'GET',
    url: `/v1/releases?view=${caller.orgKind === 'shipping_line' ? 'issued' : 'offers'}&limit=5`,
  }),
  // Answered 200 with each visit's outcome: a visit with no release is refused by its code, the others go on.
  'POST /v1/releases/blocks': async () => ({
    method: 'POST',
    url: '/v1/releases/blocks',
    payload: { visitRefs: ['V-NO-SUCH-VISIT'], reason: 'matrix' },
  }),
  'POST /v1/releases/revocations': async () => ({
    method: 'POST',
    url: '/v1/releases/revocations',
    payload: { visitRefs: ['V-NO-SUCH-VISIT'], reason: 'matrix' },
  }),
  'GET /v1/parties': async () => ({ method: 'GET', url: '/v1/parties?kind=forwarder' }),
  'GET /v1/terminals': async () => ({ method: 'GET', url: '/v1/terminals' }),
  'GET /v1/terminals/{terminal}/slots': async ({ world }) => ({
    method: 'GET',
    url: `/v1/terminals/T1/slots?day=${world.auth.ledger.clock.now().toISOString().slice(0, 10)}`,
  }),
  'GET /v1/visits/{visitRef}/appointment': async ({ world }) => {
    // A box every reader may see (its line, the chain, T1's staff, customs, police), booked by the haulier.
    const visitRef = await releasedVisit(world, { holder: 'haulier', inYard: true });
    const n = nextSerial();
    const haulier = deskOf(world, 'haulier');
    const deps = { ledger: world.auth.ledger, sealer: world.auth.security.sealer };
    const badge = `MTX-R-${n}`;
    await addDriver(deps, haulier.orgId, badge);
    const booked = await changeAppointment(
      { ...deps, pickup: pickupDepsFor({ signer: world.auth.ledger.log.signer, slots: testSlots }) },
      { orgId: haulier.orgId, userId: haulier.userId },
      visitRef,
      {
        type: 'book',
        slotId: slotIdAt(world.auth.ledger.clock.now(), 5, 6 + (n % 12), n % 2 === 0 ? 0 : 30),
        badge,
        truckPlate: '1-MTX-003',
      },
    );
    if (booked.outcome !== 'applied') throw new Error('the matrix booking needed an approval');
    return { method: 'GET', url: `/v1/visits/${visitRef}/appointment` };
  },
  'POST /v1/visits/{visitRef}/appointment': (ctx) => appointmentExample(ctx, 'book', matrixLine(ctx)),
  'POST /v1/visits/{visitRef}/appointment/rebook': (ctx) =>
    appointmentExample(ctx, 'rebook', matrixLine(ctx)),
  'POST /v1/visits/{visitRef}/appointment/driver': (ctx) =>
    appointmentExample(ctx, 'driver', matrixLine(ctx)),
  'POST /v1/visits/{visitRef}/appointment/cancel': (ctx) =>
    appointmentExample(ctx, 'cancel', matrixLine(ctx)),
  // Alerts: the list for every reader; one alert and its actions on an id that raised nothing (the real flow is
  // in src/http/alert.routes.int.test.ts), so that the matrix stays cheap and order-free.
  'GET /v1/alerts': async () => ({ method: 'GET', url: '/v1/alerts' }),
  'GET /v1/alerts/{alertId}': async () => ({ method: 'GET', url: '/v1/alerts/0', expect: NO_ALERT }),
  'POST /v1/alerts/{alertId}/acknowledge': async () => ({
    method: 'POST',
    url: '/v1/alerts/0/acknowledge',
    payload: {},
    expect: NO_ALERT,
  }),
  'POST /v1/alerts/acknowledgements': async () => ({
    method: 'POST',
    url: '/v1/alerts/acknowledgements',
    // Answered 200 with each alert's outcome: audit index 0 raised no alert, so it is refused by its code.
    payload: { alertIds: ['0'] },
  }),
  'GET /v1/alerts/assignees': async () => ({ method: 'GET', url: '/v1/alerts/assignees?limit=50' }),
  'POST /v1/alerts/{alertId}/assign': async ({ caller }) => ({
    method: 'POST',
    url: '/v1/alerts/0/assign',
    payload: { userId: caller.colleague.user.userId },
    expect: NO_ALERT,
  }),
  'POST /v1/alerts/{alertId}/resolve': async () => ({
    method: 'POST',
    url: '/v1/alerts/0/resolve',
    payload: { note: 'checked' },
    expect: NO_ALERT,
  }),
  // A credential that does not open: a refusal is still a 200 verdict, and keeps the matrix cheap.
  'POST /v1/gate/transactions': async () => ({
    method: 'POST',
    url: '/v1/gate/transactions',
    payload: { credential: 'plc1.not-a-credential', badge: 'MTX-000000', truckPlate: '1-MTX-001' },
  }),
};

/**
 * A phone a driver of the caller's haulier enrolled and nobody decided yet (for a haulier planner), through the use
 * case; for everyone else an id the policy table refuses first.
 */
async function deviceDecisionExample(
  ctx: ExampleContext,
  decision: 'confirm' | 'reject',
): Promise<RouteExample> {
  const url = (deviceId: string) => `/v1/drivers/devices/${deviceId}/${decision}`;
  const payload = decision === 'confirm' ? { code: '0000-0000' } : {};
  if (ctx.caller.role !== 'haulier_planner') return { method: 'POST', url: url('D-NONE'), payload };
  const driver = ctx.world.callers.find((c) => c.role === 'driver' && c.org.orgId === ctx.caller.org.orgId);
  if (!driver) throw new Error('the matrix world has no driver in the haulier');
  const key = newPhoneKey();
  const { deviceId } = await enrolDriverDevice(
    { ledger: ctx.world.auth.ledger },
    { orgId: driver.org.orgId, userId: driver.user.userId },
    { publicKey: key.publicKey, label: 'Matrix phone' },
    { ip: '192.0.2.20', userAgent: 'matrix' },
  );
  return { method: 'POST', url: url(deviceId), payload: decision === 'confirm' ? { code: key.code } : {} };
}

/** The matrix world's shipping line, as the party that issues releases in the appointment examples. */
function matrixLine(ctx: ExampleContext): { orgId: string; code: string; userId: string } {
  const desk = ctx.world.callers.find((c) => c.role === 'release_desk' && c.orgKind === 'shipping_line');
  return {
    orgId: worldOrganisations.shipping_line.orgId,
    code: worldOrganisations.shipping_line.code,
    userId: desk?.user.userId ?? 'line',
  };
}
