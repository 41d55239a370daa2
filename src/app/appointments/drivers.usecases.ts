/**
 * Drivers (issue 4): a haulier's planner registers the people who collect its boxes. Name, badge number,
 * licence and phone are personal data: they are stored only sealed (AES-256-GCM, key id inside the sealed value,
 * so keys rotate), and found by the keyed hash of the badge (`SecretSealer.badgeRef`). Events and audit leaves
 * carry that reference and never the clear data. Only the employing haulier reads its drivers back; the gate
 * compares keyed hashes and never opens the record.
 */
import { type SlotConfig, slotWindow } from '../../domain/index.js';
import type { SecretSealer } from '../access/security.ports.js';
import { AppError } from '../errors.js';
import type { DriverJobRecord, PageQuery } from '../gate/gate.ports.js';
import type { Ledger } from '../ledger/index.js';
import type { LedgerReads, LedgerWriteTx } from '../ports.js';

/** The personal data of a driver, as the haulier enters it. */
export interface DriverDetails {
  readonly name: string;
  readonly badge: string;
  readonly licence: string;
  readonly phone: string;
}

/** A driver as the employing haulier sees it. */
export interface DriverView extends DriverDetails {
  readonly badgeRef: string;
  readonly registeredAt: string;
  /** The driver person's console account, which reads his own jobs; `null` while none is linked. */
  readonly userId: string | null;
}

/** How the planner registers a driver besides the personal data. */
export interface RegisterDriverOptions {
  /**
   * The console account of the driver person: a user of the same haulier holding the role `driver`. Left out, an
   * update keeps the account already linked.
   */
  readonly userId?: string;
}

/** Who acts: a planner of the haulier. */
export interface DriverActor {
  readonly orgId: string;
  readonly userId: string;
}

export const driversStreamId = (orgId: string) => `drivers-${orgId}`;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Registers (or updates) a driver of the actor's haulier. Records `DriverRegistered` with the badge reference
 * (and the linked account's user id) only, and stores the sealed details beside it in the same transaction.
 * `options.userId` links the driver person's console account, so that he sees his own jobs; it must be a user of
 * the same haulier holding the role `driver` (`input.invalid` otherwise).
 *
 * @example
 * ```ts
 * const { badgeRef } = await registerDriver({ ledger, sealer }, planner, { name: 'Jan Peeters',
 *   badge: 'ANR-000123', licence: 'B-1234567', phone: '+32 470 12 34 56' }, { userId: 'driver' });
 * ```
 */
export async function registerDriver(
  deps: { ledger: Ledger; sealer: SecretSealer },
  actor: DriverActor,
  details: DriverDetails,
  options?: { userId?: string },
): Promise<DriverView> {
  const clean = {
    name: details.name.trim(),
    badge: details.badge.trim(),
    licence: details.licence.trim(),
    phone: details.phone.trim(),
  };
  if (Object.values(clean).some((value) => value === '')) {
    throw new AppError('input.invalid', 'name, badge, licence and phone are all required');
  }
  const badgeRef = deps.sealer.badgeRef(clean.badge);
  return deps.ledger.write(async (context) => {
    const { tx, now } = context;
    const at = now.toISOString();
    const streamId = driversStreamId(actor.orgId);
    // Only the version is needed: the haulier's stream holds every driver it ever registered (issue 13).
    const version = await tx.streamVersion(streamId);
    const existing = await tx.gate.getDriver(actor.orgId, badgeRef);
    const userId =
      options?.userId === undefined
        ? (existing?.userId ?? null)
        : await driverAccount(tx, actor.orgId, options.userId);
    await context.append(streamId, version, [
      {
        type: existing ? 'DriverUpdated' : 'DriverRegistered',
        data: { orgId: actor.orgId, badgeRef, userId, by: actor.userId, at },
      },
    ]);
    const registeredAt = existing?.registeredAt ?? at;
    await tx.gate.putDriver({
      orgId: actor.orgId,
      badgeRef,
      sealed: deps.sealer.seal(encoder.encode(JSON.stringify(clean))),
      registeredAt,
      userId,
    });
    return { ...clean, badgeRef, registeredAt, userId };
  });
}

/**
 * The drivers of one haulier, opened, by badge reference. Call only for the haulier's own organisation (the route
 * passes the caller's).
 *
 * @example
 * ```ts
 * (await listDrivers(store, sealer, 'org-haul')).map((d) => d.name);
 * ```
 */
export async function listDrivers(
  reads: LedgerReads,
  sealer: SecretSealer,
  orgId: string,
  /** One page of them, by badge reference (issue 13): a haulier's drivers are every one it ever registered. */
  page?: PageQuery<{ readonly badgeRef: string }>,
): Promise<DriverView[]> {
  const records = await reads.gate.listDrivers(orgId, page);
  return records.map((record) => ({
    ...openDriverDetails(sealer, record.sealed),
    badgeRef: record.badgeRef,
    registeredAt: record.registeredAt,
    userId: record.userId,
  }));
}

/**
 * The personal data of a driver record, opened. The only place that knows how a record is sealed (JSON, UTF-8);
 * call it only for the employing haulier's own drivers.
 *
 * @example
 * ```ts
 * openDriverDetails(sealer, record.sealed).name; // 'Jan Peeters'
 * ```
 */
export function openDriverDetails(sealer: SecretSealer, sealed: Uint8Array): DriverDetails {
  return JSON.parse(decoder.decode(sealer.open(sealed))) as DriverDetails;
}

/** The account a driver record may name: a user of the same haulier who holds the role `driver`. */
async function driverAccount(tx: LedgerWriteTx, orgId: string, userId: string): Promise<string> {
  const wanted = userId.trim();
  const user = wanted === '' ? undefined : await tx.identity.getUser(wanted);
  // One answer for "no such user" and "another organisation's user", so that asking confirms nothing.
  if (!user || user.orgId !== orgId) {
    throw new AppError('input.invalid', `your organisation has no user ${wanted}`, { field: 'userId' });
  }
  if (!user.roles.includes('driver')) {
    throw new AppError('input.invalid', `user ${wanted} does not hold the role driver`, { field: 'userId' });
  }
  return user.userId;
}

/** Where a driver's job stands now: its booking, or what happened to the box since. */
export type DriverJobState = 'booked' | 'cancelled' | 'collected' | 'closed';

/** One job, as the driver himself sees it: what to collect, where, when and with which truck. Nothing secret. */
export interface DriverJobView {
  readonly visitRef: string;
  readonly containerNumber: string;
  readonly terminal: string;
  readonly slotId: string;
  readonly slotStart: string;
  readonly slotEnd: string;
  readonly graceBeforeMinutes: number;
  readonly graceAfterMinutes: number;
  /** When the gate lets him through: the slot with its grace. */
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly truckPlate: string;
  readonly state: DriverJobState;
  /**
   * The pickup credential in force, by id: the token itself was handed once to the haulier and is not stored, so
   * it can never be shown here.
   */
  readonly credential: { readonly active: boolean; readonly credentialId: string | null };
  /**
   * What the driver's phone signs a rotating pass for (issue 10, row C): non-null while the job's pickup
   * credential is issued and unused. The window is the gate window (slot with grace); the time zone is the
   * terminal's, for showing it.
   */
  readonly pass: {
    readonly credentialId: string;
    readonly windowStart: string;
    readonly windowEnd: string;
    readonly terminalTimeZone: string;
  } | null;
  readonly updatedAt: string;
}

/** The most jobs one driver's list shows: his recent and coming ones. */
export const DRIVER_JOBS_LIMIT = 200;

/**
 * The caller's own jobs (MISSION §2, "the driver sees only his own jobs"): the appointments whose nominated
 * driver is a driver record of his haulier linked to his account. Today's first (by slot), then the coming ones,
 * then the past ones, latest first. Another driver's jobs cannot appear: the look-up starts from the caller's own
 * account and organisation.
 *
 * @example
 * ```ts
 * (await listDriverJobs(store, pickup.slots, { orgId: 'haul', userId: 'driver' }, new Date()))[0].visitRef;
 * ```
 */
export async function listDriverJobs(
  reads: LedgerReads,
  slots: ReadonlyMap<string, SlotConfig>,
  caller: { readonly orgId: string; readonly userId: string },
  now: Date,
): Promise<DriverJobView[]> {
  const drivers = await reads.gate.driversOfUser(caller.orgId, caller.userId);
  const records = await reads.gate.driverJobs(
    caller.orgId,
    drivers.map((d) => d.badgeRef),
    DRIVER_JOBS_LIMIT,
  );
  const jobs: DriverJobView[] = [];
  for (const record of records) {
    const visit = await reads.getVisit(record.visitRef);
    if (!visit) continue;
    const active = record.status === 'booked' ? await reads.gate.activeCredentials(record.visitRef) : [];
    jobs.push(jobView(record, visit.containerNumber, visit.status, slots.get(record.terminal), active));
  }
  return orderForToday(jobs, now);
}

function jobView(
  record: DriverJobRecord,
  containerNumber: string,
  visitStatus: string,
  config: SlotConfig | undefined,
  active: readonly { credentialId: string }[],
): DriverJobView {
  const grace = {
    graceBeforeMinutes: config?.graceBeforeMinutes ?? 0,
    graceAfterMinutes: config?.graceAfterMinutes ?? 0,
  };
  const window = slotWindow({ start: record.slotStart, end: record.slotEnd }, grace);
  const state: DriverJobState =
    record.status === 'cancelled'
      ? 'cancelled'
      : visitStatus === 'gated_out'
        ? 'collected'
        : visitStatus === 'loaded' || visitStatus === 'cancelled'
          ? 'closed'
          : 'booked';
  const current = state === 'booked' ? active.at(-1) : undefined;
  return {
    visitRef: record.visitRef,
    containerNumber,
    terminal: record.terminal,
    slotId: record.slotId,
    slotStart: record.slotStart,
    slotEnd: record.slotEnd,
    ...grace,
    windowStart: window.start,
    windowEnd: window.end,
    truckPlate: record.truckPlate,
    state,
    credential: { active: current !== undefined, credentialId: current?.credentialId ?? null },
    pass:
      current === undefined
        ? null
        : {
            credentialId: current.credentialId,
            windowStart: window.start,
            windowEnd: window.end,
            terminalTimeZone: config?.timeZone ?? 'UTC',
          },
    updatedAt: record.updatedAt,
  };
}

/** Today's jobs by slot, then the coming ones by slot, then the past ones, latest first (UTC days). */
function orderForToday(jobs: readonly DriverJobView[], now: Date): DriverJobView[] {
  const today = now.toISOString().slice(0, 10);
  const rank = (job: DriverJobView) => {
    const day = job.slotStart.slice(0, 10);
    return day === today ? 0 : day > today ? 1 : 2;
  };
  return [...jobs].sort((a, b) => {
    const byRank = rank(a) - rank(b);
    if (byRank !== 0) return byRank;
    const bySlot = a.slotStart < b.slotStart ? -1 : a.slotStart > b.slotStart ? 1 : 0;
    return rank(a) === 2 ? -bySlot : bySlot;
  });
}

/**
 * The reference under which the haulier registered this badge, trying every data key (a badge registered before
 * a key rotation keeps its old reference); `driver.not_found` when the haulier has no such driver.
 *
 * @example
 * ```ts
 * const badgeRef = await driverBadgeRef(tx, sealer, 'org-haul', 'ANR-000123');
 * ```
 */
export async function driverBadgeRef(
  reads: LedgerReads,
  sealer: SecretSealer,
  orgId: string,
  badge: string,
): Promise<string> {
  for (const ref of sealer.badgeRefs(badge)) {
    if (await reads.gate.getDriver(orgId, ref)) return ref;
  }
  throw new AppError('driver.not_found', 'your organisation has registered no driver with this badge');
}
