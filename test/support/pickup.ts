/**
 * Setup for appointment and gate tests: a release held by a haulier (issued by the line, accepted by the
 * haulier, through the real release use cases), a registered driver, and slot ids relative to a clock.
 */

import { createHash, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import type { AuthDeps } from '../../src/app/access/index.js';
import { addOrganisation, addUser } from '../../src/app/access/index.js';
import type { SecretSealer } from '../../src/app/access/security.ports.js';
import {
  changeAppointment,
  decideDriverDevice,
  enrolDriverDevice,
  pickupDepsFor,
  registerDriver,
} from '../../src/app/appointments/index.js';
import type { Ledger } from '../../src/app/ledger/index.js';
import { runReleaseCommand } from '../../src/app/releases/index.js';
import { formatPickupPass, pickupPassCounter, pickupPassMessage } from '../../src/audit/index.js';
import {
  deviceCodeFromDigest,
  deviceCodeInput,
  type Principal,
  type SlotConfig,
} from '../../src/domain/index.js';
import { testSlots } from './ledger.js';

/** A principal of an organisation, for use-case calls in tests. */
export function principal(args: {
  userId: string;
  orgId: string;
  orgKind: Principal['orgKind'];
  orgCode: string;
  roles: Principal['roles'];
}): Principal {
  return { ...args, terminals: [] };
}

/** The line's release desk of the gate tests' world (organisation `org-line`, carrier MSCU). */
export const gateWorldLine = principal({
  userId: 'line-1',
  orgId: 'org-line',
  orgKind: 'shipping_line',
  orgCode: 'MSCU',
  roles: ['release_desk'],
});

/** The haulier's planner of the gate tests' world (organisation `org-hau`). */
export const gateWorldHaulier = principal({
  userId: 'hp-1',
  orgId: 'org-hau',
  orgKind: 'haulier',
  orgCode: 'HAU',
  roles: ['haulier_planner'],
});

/**
 * The organisations every gate test starts from: North Quay (`org-nqt`) running terminal T1, the line of
 * {@link gateWorldLine} and the haulier of {@link gateWorldHaulier}. Each test adds its own people and others.
 */
export async function addGateWorldOrganisations(auth: AuthDeps): Promise<void> {
  await addOrganisation(auth, {
    orgId: 'org-nqt',
    kind: 'terminal_operator',
    name: 'NQT',
    code: 'NQT',
    terminals: ['T1'],
  });
  await addOrganisation(auth, { orgId: 'org-line', kind: 'shipping_line', name: 'MSC', code: 'MSCU' });
  await addOrganisation(auth, { orgId: 'org-hau', kind: 'haulier', name: 'Delta', code: 'HAU' });
}

/** The line issues the release of `visitRef` to `haulier`, which accepts it: the haulier holds the right. */
export async function releaseToHaulier(
  ledger: Ledger,
  visitRef: string,
  parties: { line: Principal; haulier: Principal },
): Promise<void> {
  const now = ledger.clock.now().getTime();
  await runReleaseCommand(ledger, parties.line, visitRef, {
    type: 'IssueRelease',
    releaseId: `R-${visitRef.slice(2, 12)}-${Math.floor(Math.random() * 1e9)}`,
    visitRef,
    line: parties.line.orgCode,
    validFrom: new Date(now - 3_600_000).toISOString(),
    validUntil: new Date(now + 30 * 86_400_000).toISOString(),
    firstParty: parties.haulier.orgId,
  });
  await runReleaseCommand(ledger, parties.haulier, visitRef, { type: 'AcceptTransfer' });
}

/** Registers a driver of `orgId` with this badge. */
export async function addDriver(
  deps: { ledger: Ledger; sealer: SecretSealer },
  orgId: string,
  badge: string,
): Promise<string> {
  const driver = await registerDriver(
    deps,
    { orgId, userId: 'test-planner' },
    {
      name: `Driver ${badge}`,
      badge,
      licence: `L-${badge}`,
      phone: '+32 470 00 00 00',
    },
  );
  return driver.badgeRef;
}

/** The id of the T1 slot starting `days` days after `now`'s UTC date at `hh:mm` UTC. */
export function slotIdAt(now: Date, days: number, hh: number, mm: 0 | 30 = 0): string {
  const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + days, hh, mm));
  const iso = day.toISOString();
  return `T1@${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}Z`;
}

let exampleSerial = 0;

/**
 * Matrix examples of the appointment routes (`route-examples.ts`): for a haulier planner, a visit in the yard
 * whose right its haulier holds, a registered driver and (for changes) a booking three days ahead, so that no
 * change is sensitive; for everyone else a well-formed request the policy table refuses first.
 */
export async function appointmentExample(
  ctx: {
    world: {
      auth: { ledger: Ledger; security: { sealer: SecretSealer } };
      visit(args: { inYard: boolean }): Promise<{ visitRef: string }>;
    };
    caller: { role: string; orgKind: string; org: { orgId: string; code: string }; user: { userId: string } };
  },
  kind: 'book' | 'rebook' | 'driver' | 'cancel',
  line: { orgId: string; code: string; userId: string },
): Promise<{ method: 'POST'; url: string; payload: Record<string, unknown> }> {
  const n = ++exampleSerial;
  const { world, caller } = ctx;
  const now = world.auth.ledger.clock.now();
  const slot = (k: number) => slotIdAt(now, 3, 6 + (k % 13), k % 2 === 0 ? 0 : 30);
  const badge = `MTX-${String(n).padStart(6, '0')}`;
  const payloads = {
    book: { slotId: slot(n), badge, truckPlate: '1-MTX-001' },
    rebook: { slotId: slot(n + 1) },
    driver: { badge, truckPlate: '1-MTX-002' },
    cancel: { reason: 'ship delayed' },
  };
  const url = (visitRef: string) => `/v1/visits/${visitRef}/appointment${kind === 'book' ? '' : `/${kind}`}`;
  if (caller.role !== 'haulier_planner')
    return { method: 'POST', url: url('V-NONE'), payload: payloads[kind] };
  const { visitRef } = await world.visit({ inYard: true });
  const haulier = principal({
    userId: caller.user.userId,
    orgId: caller.org.orgId,
    orgKind: 'haulier',
    orgCode: caller.org.code,
    roles: ['haulier_planner'],
  });
  const lineParty = principal({
    ...line,
    orgKind: 'shipping_line',
    orgCode: line.code,
    roles: ['release_desk'],
  });
  await releaseToHaulier(world.auth.ledger, visitRef, { line: lineParty, haulier });
  const deps = { ledger: world.auth.ledger, sealer: world.auth.security.sealer };
  await addDriver(deps, caller.org.orgId, badge);
  if (kind !== 'book') {
    const first = `MTX-${String(n).padStart(6, '0')}-A`;
    await addDriver(deps, caller.org.orgId, first);
    await changeAppointment(
      { ...deps, pickup: pickupDepsFor({ signer: world.auth.ledger.log.signer, slots: testSlots }) },
      { orgId: caller.org.orgId, userId: caller.user.userId },
      visitRef,
      { type: 'book', slotId: slot(n + 2), badge: first, truckPlate: '1-MTX-001' },
    );
  }
  return { method: 'POST', url: url(visitRef), payload: payloads[kind] };
}

/**
 * Slots around the clock in UTC at T1, with the demo terminal's 30 minutes' grace: a test can book the slot under
 * way whatever the hour it runs at, and the gate (which reads the demo grace) finds the driver inside the window.
 */
export const allDaySlotConfig: SlotConfig = {
  terminal: 'T1',
  timeZone: 'UTC',
  slotMinutes: 30,
  graceBeforeMinutes: 30,
  graceAfterMinutes: 30,
  capacityPerSlot: 1000,
  openingHours: [{ from: '00:00', to: '24:00' }],
};

/**
 * A pickup ready at the gate now, made through the real use cases (issue 10: only the gate lets a box out): the
 * line releases `visitRef` to the haulier, which accepts, registers the driver and books the T1 slot under way
 * with that driver and truck. Returns the pickup credential the driver presents with his badge and plate.
 */
export async function pickupReadyNow(
  deps: { ledger: Ledger; sealer: SecretSealer; auth?: AuthDeps },
  args: {
    visitRef: string;
    line: Principal;
    haulier: Principal;
    badge: string;
    truckPlate: string;
  },
): Promise<{ credential: string; credentialId: string; printed: string; phone: TestPhone | null }> {
  await releaseToHaulier(deps.ledger, args.visitRef, { line: args.line, haulier: args.haulier });
  await addDriver(deps, args.haulier.orgId, args.badge);
  // With the identity layer, the driver gets an account and a phone his planner confirmed (issue 10, row C).
  const phone = deps.auth
    ? await bindDriverPhone(deps.auth, {
        orgId: args.haulier.orgId,
        badge: args.badge,
        plannerUserId: args.haulier.userId,
      })
    : null;
  const now = deps.ledger.clock.now();
  const halfHour = 30 * 60_000;
  const start = new Date(Math.floor(now.getTime() / halfHour) * halfHour).toISOString();
  const slotId = `T1@${start.slice(0, 4)}${start.slice(5, 7)}${start.slice(8, 10)}T${start.slice(11, 13)}${start.slice(14, 16)}Z`;
  const outcome = await changeAppointment(
    { ...deps, pickup: pickupDepsFor({ signer: deps.ledger.log.signer, slots: [allDaySlotConfig] }) },
    { orgId: args.haulier.orgId, userId: args.haulier.userId },
    args.visitRef,
    { type: 'book', slotId, badge: args.badge, truckPlate: args.truckPlate },
  );
  if (outcome.outcome !== 'applied' || !outcome.credential) {
    throw new Error(`booking ${slotId} for ${args.visitRef} gave no credential`);
  }
  const { token, credentialId } = outcome.credential;
  return {
    // The rotating pass of this 30-second step when the driver has a phone; the printed credential otherwise.
    credential: phone ? phone.passFor(credentialId, deps.ledger.clock.now()) : token,
    credentialId,
    printed: token,
    phone,
  };
}

/** A driver's phone in a test: its Ed25519 key (node:crypto, like the console's WebCrypto key) and its ids. */
export interface TestPhone {
  readonly userId: string;
  readonly deviceId: string;
  /** base64url of the raw 32-byte public key, as the console registers it. */
  readonly publicKey: string;
  /** The confirmation code the phone shows its driver (`XXXX-XXXX`), which the planner types to confirm it. */
  readonly code: string;
  /** The rotating pass for `credentialId` in the 30-second step of `at` (or `steps` steps later). */
  passFor(credentialId: string, at: Date, steps?: number): string;
}

/**
 * A new phone key pair, not yet enrolled: `publicKey` as `POST /v1/me/devices` takes it, `passFor` signs as the
 * console does (the contract's message, Ed25519).
 */
export function newPhoneKey(): Omit<TestPhone, 'userId' | 'deviceId'> {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const raw = rawPublicKey(publicKey);
  return {
    publicKey: raw,
    code: phoneCode(raw),
    passFor: (credentialId, at, steps = 0) => signPass(privateKey, credentialId, at, steps),
  };
}

/** The confirmation code of the phone whose raw public key is `publicKey` (base64url), as the phone shows it. */
export function phoneCode(publicKey: string): string {
  const digest = createHash('sha256')
    .update(deviceCodeInput(Buffer.from(publicKey, 'base64url')))
    .digest();
  return deviceCodeFromDigest(digest);
}

function rawPublicKey(key: KeyObject): string {
  const spki = key.export({ format: 'der', type: 'spki' });
  return spki.subarray(spki.length - 32).toString('base64url');
}

function signPass(privateKey: KeyObject, credentialId: string, at: Date, steps: number): string {
  const counter = pickupPassCounter(at.getTime()) + steps;
  return formatPickupPass(
    credentialId,
    counter,
    sign(null, pickupPassMessage(credentialId, counter), privateKey),
  );
}

let phoneSerial = 0;

/**
 * Gives the driver with `badge` (registered by his haulier `orgId`) a console account, links his driver record to
 * it, enrols a phone from that account and has a planner of the haulier confirm it with the code the phone shows:
 * all through the use cases.
 * Returns the phone, which signs his rotating passes.
 *
 * @example
 * ```ts
 * const phone = await bindDriverPhone(auth, { orgId: 'org-haul', badge: 'ANR-000123' });
 * await gateTransaction(gate, 'clerk', { credential: phone.passFor(credentialId, clock.now()), badge, truckPlate });
 * ```
 */
export async function bindDriverPhone(
  auth: AuthDeps,
  args: { orgId: string; badge: string; plannerUserId?: string; userId?: string },
): Promise<TestPhone> {
  const userId =
    args.userId ??
    `drv-${args.badge.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${++phoneSerial}`.slice(0, 60);
  if (!(await auth.ledger.store.identity.getUser(userId))) {
    await addUser(auth, {
      userId,
      orgId: args.orgId,
      username: userId,
      displayName: `Driver ${args.badge}`,
      roles: ['driver'],
      issuedBy: 'test',
    });
  }
  const deps = { ledger: auth.ledger, sealer: auth.security.sealer };
  // A driver record already linked to the account stays as the planner registered it.
  const refs = auth.security.sealer.badgeRefs(args.badge);
  const linked = (await auth.ledger.store.gate.driversOfUser(args.orgId, userId)).some((d) =>
    refs.includes(d.badgeRef),
  );
  if (!linked)
    await registerDriver(
      deps,
      { orgId: args.orgId, userId: args.plannerUserId ?? 'test-planner' },
      {
        name: `Driver ${args.badge}`,
        badge: args.badge,
        licence: `L-${args.badge}`,
        phone: '+32 470 00 00 00',
      },
      { userId },
    );
  const key = newPhoneKey();
  const { deviceId } = await enrolDriverDevice(
    { ledger: auth.ledger },
    { orgId: args.orgId, userId },
    { publicKey: key.publicKey, label: 'Test phone' },
    { ip: '192.0.2.10', userAgent: 'PortLedger test phone' },
  );
  await decideDriverDevice(
    deps,
    { orgId: args.orgId, userId: args.plannerUserId ?? 'test-planner' },
    deviceId,
    { decision: 'confirm', code: key.code },
    { ip: '192.0.2.11', userAgent: 'PortLedger test planner' },
  );
  return { ...key, userId, deviceId };
}
