/**
 * Drivers (issue 4): a haulier's planner registers the people who collect its boxes. Name, badge number,
 * licence and phone are personal data: they are stored only sealed (AES-256-GCM, key id inside the sealed value,
 * so keys rotate), and found by the keyed hash of the badge (`SecretSealer.badgeRef`). Events and audit leaves
 * carry that reference and never the clear data. Only the employing haulier reads its drivers back; the gate
 * compares keyed hashes and never opens the record.
 */
import { AppError } from './errors.js';
import type { Ledger } from './ledger.js';
import type { LedgerReads } from './ports.js';
import type { SecretSealer } from './security.ports.js';

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
 * only, and stores the sealed details beside it in the same transaction.
 *
 * @example
 * ```ts
 * const { badgeRef } = await registerDriver({ ledger, sealer }, planner, { name: 'Jan Peeters',
 *   badge: 'ANR-000123', licence: 'B-1234567', phone: '+32 470 12 34 56' });
 * ```
 */
export async function registerDriver(
  deps: { ledger: Ledger; sealer: SecretSealer },
  actor: DriverActor,
  details: DriverDetails,
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
    const version = (await tx.readStream(streamId)).length;
    const existing = await tx.gate.getDriver(actor.orgId, badgeRef);
    await context.append(streamId, version, [
      {
        type: existing ? 'DriverUpdated' : 'DriverRegistered',
        data: { orgId: actor.orgId, badgeRef, by: actor.userId, at },
      },
    ]);
    await tx.gate.putDriver({
      orgId: actor.orgId,
      badgeRef,
      sealed: deps.sealer.seal(encoder.encode(JSON.stringify(clean))),
      registeredAt: existing?.registeredAt ?? at,
    });
    return { ...clean, badgeRef, registeredAt: existing?.registeredAt ?? at };
  });
}

/**
 * The drivers of one haulier, opened. Call only for the haulier's own organisation (the route passes the
 * caller's).
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
): Promise<DriverView[]> {
  const records = await reads.gate.listDrivers(orgId);
  return records.map((record) => ({
    ...(JSON.parse(decoder.decode(sealer.open(record.sealed))) as DriverDetails),
    badgeRef: record.badgeRef,
    registeredAt: record.registeredAt,
  }));
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
