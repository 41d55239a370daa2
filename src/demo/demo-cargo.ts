/**
 * The demo port's cargo in motion (issue 6): after the seeded vessel call is discharged, the demo's shipping line
 * releases some of its boxes, its forwarder and haulier pass the rights on, the haulier books today's pickups
 * with its drivers, and customs, the terminal and the line hold a few boxes. Every step goes through the same use
 * cases the console calls (releases, drivers, appointments, visit commands with their access checks), acting as
 * the demo's people, so each one is an audited event and every domain rule applies.
 *
 * The pickup credentials handed out at booking are not stored by PortLedger; they are returned here once, as the
 * haulier would have passed them to its drivers.
 */

import type { AuthDeps } from '../app/access/index.js';
import { addUser } from '../app/access/index.js';
import {
  type AppointmentDeps,
  activeDeviceOf,
  changeAppointment,
  decideDriverDevice,
  deviceCode,
  enrolDriverDevice,
  type IssuedCredential,
  listSlots,
  type PickupDeps,
  registerDriver,
  type SlotAvailability,
  slotConfigOf,
} from '../app/appointments/index.js';
import { AppError } from '../app/errors.js';
import type { LedgerReads, VisitRecord } from '../app/ports.js';
import { issueRelease, runReleaseCommand } from '../app/releases/index.js';
import type { TerminalLayouts } from '../app/visits/index.js';
import { principalOf, runScopedVisitCommand } from '../app/visits/index.js';
import { type PickupPassSigner, pickupPassSignerFromSecret } from '../audit/index.js';
import { cellsOf, DomainError, type Principal, parseSizeType, slotsFor } from '../domain/index.js';
import { seededRandom } from './seeded-random.js';

/** The demo's parties, by the user ids and organisation ids of `demo-identities.ts`. */
export const demoParties = {
  line: { userId: 'line-clerk', orgId: 'mscu' },
  forwarder: { userId: 'forwarder', orgId: 'fwd' },
  haulier: { userId: 'haulier-planner', orgId: 'haul' },
  customs: { userId: 'customs-officer', orgId: 'customs' },
  supervisor: { userId: 'supervisor', orgId: 'nqt' },
  /** The gate is bound to its terminal (`gate.terminal`): the simulated trucks drive through her lane. */
  gateClerk: { userId: 'gate-clerk', orgId: 'nqt' },
} as const;

/** The demo driver person (the `driver` user), and the badge the demo haulier registered him under. */
export const DEMO_DRIVER_USER = 'driver';
export const DEMO_DRIVER_BADGE = 'ANR-DEMO-0001';

/** The demo haulier's drivers, each with the truck he usually drives. Personal data: sealed at rest. */
export const demoDrivers = [
  {
    name: 'Dirk Driver',
    badge: DEMO_DRIVER_BADGE,
    licence: 'B-DEMO-0001',
    phone: '+32 470 00 00 01',
    truckPlate: '1-DLT-001',
    userId: DEMO_DRIVER_USER,
  },
  {
    name: 'Jan Peeters',
    badge: 'ANR-DEMO-0002',
    licence: 'B-DEMO-0002',
    phone: '+32 470 00 00 02',
    truckPlate: '1-DLT-002',
  },
  {
    name: 'Sara Claes',
    badge: 'ANR-DEMO-0003',
    licence: 'B-DEMO-0003',
    phone: '+32 470 00 00 03',
    truckPlate: '1-DLT-003',
  },
  {
    name: 'Mehmet Yilmaz',
    badge: 'ANR-DEMO-0004',
    licence: 'B-DEMO-0004',
    phone: '+32 470 00 00 04',
    truckPlate: '1-DLT-004',
  },
  {
    name: 'Pieter De Smet',
    badge: 'ANR-DEMO-0005',
    licence: 'B-DEMO-0005',
    phone: '+32 470 00 00 05',
    truckPlate: '1-DLT-005',
  },
] as const;

export type DemoDriver = (typeof demoDrivers)[number];

/** What the demo needs: the identity layer (which holds the ledger), the yards, the slot tables and key. */
export interface DemoCargoDeps {
  readonly auth: AuthDeps;
  readonly terminals: TerminalLayouts;
  readonly pickup: PickupDeps;
}

/** One booked pickup as the haulier handed it to its driver: the credential is shown here and nowhere else. */
export interface DemoPickup {
  readonly visitRef: string;
  readonly containerNumber: string;
  readonly slot: string;
  readonly slotStart: string;
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly driverName: string;
  readonly driverBadge: string;
  readonly truckPlate: string;
  /** The credential's id: PortLedger's record of it says whether it is still active, used or void. */
  readonly credentialId: string;
  readonly credential: string;
}

export interface DemoCargoSummary {
  readonly releases: number;
  readonly offeredToForwarder: number;
  readonly heldByForwarder: number;
  readonly offeredToHaulier: number;
  readonly heldByHaulier: number;
  readonly appointments: number;
  readonly holds: number;
  readonly customsReleased: number;
  readonly refused: number;
  readonly pickups: readonly DemoPickup[];
}

/** How many boxes end up where; the defaults make the mix the issue asks for. */
export interface DemoCargoMix {
  readonly offeredToForwarder: number;
  readonly heldByForwarder: number;
  readonly offeredToHaulier: number;
  readonly heldByHaulier: number;
  /** Of the boxes the haulier holds, how many get a slot today (the rest wait for the planner). */
  readonly booked: number;
  /** Of the booked boxes, how many customs had selected and then released (DCSA `CUSR`). */
  readonly customsReleased: number;
  /** Trucks per slot the demo books, so that the day's pickups spread over several slots. */
  readonly perSlot: number;
}

export const defaultDemoCargoMix: DemoCargoMix = {
  offeredToForwarder: 8,
  heldByForwarder: 6,
  offeredToHaulier: 7,
  heldByHaulier: 19,
  booked: 15,
  customsReleased: 3,
  perSlot: 3,
};

/** The principal a demo person acts as, from the identity store: its real roles and organisation. */
export async function demoPrincipal(
  reads: LedgerReads,
  party: { userId: string; orgId: string },
): Promise<Principal> {
  const user = await reads.identity.getUser(party.userId);
  const org = await reads.identity.getOrganisation(party.orgId);
  if (!user || !org || user.orgId !== org.orgId) {
    throw new AppError('input.invalid', `the demo has no user ${party.userId} of ${party.orgId}`);
  }
  return principalOf({ user, org });
}

/** The demo's cast as principals. */
export async function demoCast(reads: LedgerReads) {
  return {
    line: await demoPrincipal(reads, demoParties.line),
    forwarder: await demoPrincipal(reads, demoParties.forwarder),
    haulier: await demoPrincipal(reads, demoParties.haulier),
    customs: await demoPrincipal(reads, demoParties.customs),
    supervisor: await demoPrincipal(reads, demoParties.supervisor),
  };
}
export type DemoCast = Awaited<ReturnType<typeof demoCast>>;

interface BoxView {
  line?: string;
  sizeType?: string;
  arrival?: { mode?: string };
  holds?: readonly unknown[];
}

/**
 * Boxes in the yard of `terminal` that could leave now: nothing stands on them, no hold, no release yet. In the
 * yard's order (visit references), so the same database gives the same list.
 */
export async function collectableBoxes(
  reads: LedgerReads,
  terminal: string,
  filter: (view: BoxView, visit: VisitRecord) => boolean = () => true,
): Promise<VisitRecord[]> {
  const occupied = await reads.terminalOccupancy({ terminal });
  const heights = new Map<string, number>();
  for (const cell of occupied) {
    const key = `${cell.block}/${cell.row}/${cell.bay}`;
    heights.set(key, Math.max(heights.get(key) ?? 0, cell.tier));
  }
  const found: VisitRecord[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await reads.listVisits({
      status: 'in_yard',
      terminal,
      limit: 500,
      ...(after ? { after } : {}),
    });
    for (const visit of page) {
      const view = visit.view as BoxView & { slot?: Parameters<typeof cellsOf>[0] | null };
      if (!view.slot || (view.holds?.length ?? 0) > 0 || !filter(view, visit)) continue;
      const cells = cellsOf(view.slot, parseSizeType(String(view.sizeType)).lengthFt);
      if (!cells.every((cell) => heights.get(`${cell.block}/${cell.row}/${cell.bay}`) === cell.tier))
        continue;
      if (await reads.releases.getRelease(visit.visitRef)) continue;
      found.push(visit);
    }
    if (page.length < 500) break;
    after = page.at(-1)!.visitRef;
  }
  return found;
}

/** The terminal's calendar date (`YYYY-MM-DD`) at `at`. */
function terminalDay(timeZone: string, at: Date, plusDays = 0): string {
  const day = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at);
  if (plusDays === 0) return day;
  return new Date(Date.parse(`${day}T12:00:00Z`) + plusDays * 86_400_000).toISOString().slice(0, 10);
}

/**
 * The terminal's slots from now on with room left: the rest of today, and when today is over (or nearly), the
 * first slots of tomorrow. The slot under way counts: its trucks are still let in.
 */
export async function upcomingSlots(
  reads: LedgerReads,
  pickup: PickupDeps,
  terminal: string,
  now: Date,
): Promise<SlotAvailability[]> {
  const config = slotConfigOf(pickup, terminal);
  const slots: SlotAvailability[] = [];
  for (const plusDays of [0, 1]) {
    const day = terminalDay(config.timeZone, now, plusDays);
    if (slotsFor(config, day).length === 0) continue;
    const listed = await listSlots(reads, pickup, terminal, day);
    slots.push(...listed.filter((slot) => Date.parse(slot.end) > now.getTime() && slot.remaining > 0));
  }
  return slots;
}

/** The line issues the release of `visitRef` to the forwarder, for a week from an hour ago. */
export async function lineReleases(deps: DemoCargoDeps, cast: DemoCast, visitRef: string): Promise<void> {
  const now = deps.auth.ledger.clock.now().getTime();
  await issueRelease(deps.auth.ledger, cast.line, visitRef, {
    firstParty: cast.forwarder.orgId,
    validFrom: new Date(now - 3_600_000).toISOString(),
    validUntil: new Date(now + 7 * 86_400_000).toISOString(),
  });
}

/** The forwarder's release desk accepts the right it was offered. */
export async function forwarderAccepts(deps: DemoCargoDeps, cast: DemoCast, visitRef: string) {
  await runReleaseCommand(deps.auth.ledger, cast.forwarder, visitRef, { type: 'AcceptTransfer' });
}

/** The forwarder offers the right on to the haulier. */
export async function forwarderOffersToHaulier(deps: DemoCargoDeps, cast: DemoCast, visitRef: string) {
  await runReleaseCommand(deps.auth.ledger, cast.forwarder, visitRef, {
    type: 'OfferTransfer',
    to: cast.haulier.orgId,
  });
}

/** The haulier's planner accepts the right it was offered. */
export async function haulierAccepts(deps: DemoCargoDeps, cast: DemoCast, visitRef: string) {
  await runReleaseCommand(deps.auth.ledger, cast.haulier, visitRef, { type: 'AcceptTransfer' });
}

/** The whole chain at once: line → forwarder → haulier, each party accepting. */
export async function releaseToDemoHaulier(deps: DemoCargoDeps, cast: DemoCast, visitRef: string) {
  await lineReleases(deps, cast, visitRef);
  await forwarderAccepts(deps, cast, visitRef);
  await forwarderOffersToHaulier(deps, cast, visitRef);
  await haulierAccepts(deps, cast, visitRef);
}

/** The haulier's planner books `slotId` for `driver` and his truck; the credential comes back once. */
export async function bookDemoPickup(
  deps: DemoCargoDeps,
  cast: DemoCast,
  visit: { visitRef: string; containerNumber: string },
  slot: { slotId: string; start: string },
  driver: { name: string; badge: string; truckPlate: string },
): Promise<DemoPickup> {
  const appointments: AppointmentDeps = {
    ledger: deps.auth.ledger,
    sealer: deps.auth.security.sealer,
    pickup: deps.pickup,
  };
  const outcome = await changeAppointment(
    appointments,
    { orgId: cast.haulier.orgId, userId: cast.haulier.userId },
    visit.visitRef,
    { type: 'book', slotId: slot.slotId, badge: driver.badge, truckPlate: driver.truckPlate },
  );
  const credential: IssuedCredential | null = outcome.outcome === 'applied' ? outcome.credential : null;
  if (!credential) {
    throw new AppError('input.invalid', `the booking of ${visit.visitRef} issued no pickup credential`);
  }
  return {
    visitRef: visit.visitRef,
    containerNumber: visit.containerNumber,
    slot: slot.slotId,
    slotStart: slot.start,
    windowStart: credential.windowStart,
    windowEnd: credential.windowEnd,
    driverName: driver.name,
    driverBadge: driver.badge,
    truckPlate: driver.truckPlate,
    credentialId: credential.credentialId,
    credential: credential.token,
  };
}

/** Registers the demo haulier's drivers; the demo driver's record is linked to his own account. */
export async function registerDemoDrivers(deps: DemoCargoDeps, cast: DemoCast): Promise<void> {
  const planner = { orgId: cast.haulier.orgId, userId: cast.haulier.userId };
  for (const driver of demoDrivers) {
    const details = {
      name: driver.name,
      badge: driver.badge,
      licence: driver.licence,
      phone: driver.phone,
    };
    // The demo driver's record is linked to his account, so that he sees his own jobs when he signs in.
    await registerDriver(
      { ledger: deps.auth.ledger, sealer: deps.auth.security.sealer },
      planner,
      details,
      'userId' in driver ? { userId: driver.userId } : undefined,
    );
  }
}

/** The console account of a simulated driver (the demo driver, Dirk, has his own: `driver`). */
export const simulatedDriverUserId = (badge: string) => `sim-${badge.toLowerCase()}`;

/**
 * The phone of a simulated driver (issue 10, row C): a device key derived from the data key (through the keyed
 * hash of `SecretSealer.badgeRef`), so it survives a restart and is written nowhere, not even in the secrets file.
 * A real driver's key is made on his phone and never leaves it.
 */
export function simulatedDriverPhone(deps: Pick<DemoCargoDeps, 'auth'>, badge: string): PickupPassSigner {
  return pickupPassSignerFromSecret(
    deps.auth.security.sealer.badgeRef(`portledger demo phone ${simulatedDriverUserId(badge)}`),
  );
}

/**
 * Gives each simulated driver (all the demo haulier's drivers but Dirk) a console account linked to his driver
 * record and a phone his planner confirmed, through the use cases: the driver enrols it, the haulier's planner
 * confirms it. Idempotent: what is already in place is left as it is, so a restart (or a database seeded before
 * rotating passes) ends in the same state.
 */
export async function bindSimulatedDriverPhones(deps: DemoCargoDeps, cast: DemoCast): Promise<void> {
  const ledger = deps.auth.ledger;
  const sealer = deps.auth.security.sealer;
  const planner = { orgId: cast.haulier.orgId, userId: cast.haulier.userId };
  for (const driver of demoDrivers) {
    if ('userId' in driver) continue;
    const userId = simulatedDriverUserId(driver.badge);
    if (!(await ledger.store.identity.getUser(userId))) {
      await addUser(deps.auth, {
        userId,
        orgId: planner.orgId,
        username: userId,
        displayName: driver.name,
        roles: ['driver'],
        issuedBy: 'demo',
      });
    }
    const linked = (await ledger.store.gate.driversOfUser(planner.orgId, userId)).length > 0;
    if (!linked) {
      await registerDriver(
        { ledger, sealer },
        planner,
        { name: driver.name, badge: driver.badge, licence: driver.licence, phone: driver.phone },
        { userId },
      );
    }
    const phone = simulatedDriverPhone(deps, driver.badge);
    const active = await activeDeviceOf(ledger.store, userId);
    if (active && Buffer.from(active.publicKey).equals(Buffer.from(phone.publicKey))) continue;
    const { deviceId } = await enrolDriverDevice(
      { ledger },
      { orgId: planner.orgId, userId },
      { publicKey: Buffer.from(phone.publicKey).toString('base64url'), label: `${driver.name}'s phone` },
      { ip: 'demo', userAgent: 'PortLedger demo simulator' },
    );
    // The demo holds its simulated phones' keys, so it reads their confirmation codes as a driver would.
    await decideDriverDevice(
      { ledger, sealer },
      planner,
      deviceId,
      { decision: 'confirm', code: await deviceCode(phone.publicKey) },
      { ip: 'demo', userAgent: 'PortLedger demo simulator' },
    );
  }
}

const isRefusal = (error: unknown) => error instanceof AppError || error instanceof DomainError;

/**
 * Seeds the demo's cargo in motion on terminal `terminal` (see the module comment). Choices come from `seed`;
 * slots from the ledger's clock. A step the domain refuses is counted in `refused` and skipped.
 */
export async function seedDemoCargo(
  deps: DemoCargoDeps,
  options: { terminal: string; seed: string; mix?: Partial<DemoCargoMix> },
): Promise<DemoCargoSummary> {
  const mix = { ...defaultDemoCargoMix, ...options.mix };
  const reads = deps.auth.ledger.store;
  const random = seededRandom(`demo-cargo:${options.seed}`);
  const cast = await demoCast(reads);
  await registerDemoDrivers(deps, cast);
  await bindSimulatedDriverPhones(deps, cast);

  const lineCode = cast.line.orgCode;
  const ownImports = await collectableBoxes(
    reads,
    options.terminal,
    (view) => view.line === lineCode && view.arrival?.mode === 'vessel',
  );
  const others = await collectableBoxes(reads, options.terminal, (view) => view.line !== lineCode);
  const shuffled = shuffle(ownImports, random);
  const take = (n: number) => shuffled.splice(0, Math.min(n, shuffled.length));

  let refused = 0;
  const attempt = async (work: () => Promise<void>): Promise<boolean> => {
    try {
      await work();
      return true;
    } catch (error) {
      if (!isRefusal(error)) throw error;
      refused += 1;
      return false;
    }
  };
  const counts = {
    releases: 0,
    offeredToForwarder: 0,
    heldByForwarder: 0,
    offeredToHaulier: 0,
    heldByHaulier: 0,
    holds: 0,
    customsReleased: 0,
  };

  // Offers still waiting for the forwarder's release desk.
  for (const box of take(mix.offeredToForwarder)) {
    if (await attempt(() => lineReleases(deps, cast, box.visitRef))) counts.offeredToForwarder += 1;
  }
  // Rights the forwarder holds; customs selected two of them for a scan.
  const forwarderHeld: VisitRecord[] = [];
  for (const box of take(mix.heldByForwarder)) {
    const ok = await attempt(async () => {
      await lineReleases(deps, cast, box.visitRef);
      await forwarderAccepts(deps, cast, box.visitRef);
    });
    if (ok) {
      counts.heldByForwarder += 1;
      forwarderHeld.push(box);
    }
  }
  // Offers the forwarder passed on, waiting for the haulier's planner.
  for (const box of take(mix.offeredToHaulier)) {
    const ok = await attempt(async () => {
      await lineReleases(deps, cast, box.visitRef);
      await forwarderAccepts(deps, cast, box.visitRef);
      await forwarderOffersToHaulier(deps, cast, box.visitRef);
    });
    if (ok) counts.offeredToHaulier += 1;
  }
  // Rights the haulier holds: most get a slot today, the rest wait for the planner.
  const haulierHeld: VisitRecord[] = [];
  for (const box of take(mix.heldByHaulier)) {
    if (await attempt(() => releaseToDemoHaulier(deps, cast, box.visitRef))) {
      counts.heldByHaulier += 1;
      haulierHeld.push(box);
    }
  }
  counts.releases =
    counts.offeredToForwarder + counts.heldByForwarder + counts.offeredToHaulier + counts.heldByHaulier;

  // Today's pickups, a few trucks per slot from the slot under way on. Customs had selected some of these boxes
  // and released them again: their customs light is green and says so (CUSR).
  const toBook = haulierHeld.slice(0, mix.booked);
  const unbooked = haulierHeld.slice(mix.booked);
  const slots = await upcomingSlots(reads, deps.pickup, options.terminal, deps.auth.ledger.clock.now());
  const pickups: DemoPickup[] = [];
  for (const [i, box] of toBook.entries()) {
    if (i < mix.customsReleased) {
      const holdId = `CUS-DEMO-${i + 1}`;
      const ok = await attempt(async () => {
        await runScopedVisitCommand(deps, cast.customs, box.visitRef, {
          type: 'PlaceHold',
          holdId,
          kind: 'customs',
          reason: 'selected for scan',
          reference: `SCAN-${1000 + i}`,
        });
        await runScopedVisitCommand(deps, cast.customs, box.visitRef, {
          type: 'LiftHold',
          holdId,
          reason: 'scan clear',
          by: cast.customs.userId,
        });
      });
      if (ok) counts.customsReleased += 1;
    }
    const slot = slots.find(
      (candidate) => candidate.remaining > 0 && bookedHere(pickups, candidate) < mix.perSlot,
    );
    if (!slot) break;
    // The demo driver gets the first pickup of the day and every fifth after it; the others share the rest.
    const driver = i % 5 === 0 ? demoDrivers[0] : demoDrivers[1 + (i % (demoDrivers.length - 1))]!;
    await attempt(async () => {
      pickups.push(await bookDemoPickup(deps, cast, box, { slotId: slot.slotId, start: slot.start }, driver));
    });
  }

  // Holds on other boxes: customs on two the forwarder holds and on one the haulier has not booked yet, the
  // terminal on two of another line's boxes, the line on one of its own that has no release.
  const holds: { who: Principal; box: VisitRecord | undefined; kind: 'customs' | 'terminal' | 'line' }[] = [
    { who: cast.customs, box: forwarderHeld[0], kind: 'customs' },
    { who: cast.customs, box: forwarderHeld[1], kind: 'customs' },
    { who: cast.customs, box: unbooked[0], kind: 'customs' },
    { who: cast.supervisor, box: others[0], kind: 'terminal' },
    { who: cast.supervisor, box: others[1], kind: 'terminal' },
    { who: cast.line, box: take(1)[0], kind: 'line' },
  ];
  for (const [i, hold] of holds.entries()) {
    const box = hold.box;
    if (!box) continue;
    const ok = await attempt(async () => {
      await runScopedVisitCommand(deps, hold.who, box.visitRef, {
        type: 'PlaceHold',
        holdId: `${hold.kind.toUpperCase().slice(0, 3)}-DEMO-H${i + 1}`,
        kind: hold.kind,
        reason: holdReasons[hold.kind],
        reference: `${hold.kind.toUpperCase()}-${2000 + i}`,
      });
    });
    if (ok) counts.holds += 1;
  }

  return { ...counts, appointments: pickups.length, refused, pickups };
}

const holdReasons = {
  customs: 'selected for scan',
  terminal: 'damaged door, survey pending',
  line: 'freight not paid',
} as const;

function bookedHere(pickups: readonly DemoPickup[], slot: SlotAvailability): number {
  return pickups.filter((pickup) => pickup.slot === slot.slotId).length;
}

function shuffle<T>(items: readonly T[], random: { int(maxExclusive: number): number }): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}
