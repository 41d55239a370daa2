/**
 * Appointments (issue 4; MISSION §3, Appointments): the haulier holding the release right books, re-books,
 * changes the driver of, or cancels the pickup slot of a visit, and each booking with a driver gets a single-use
 * pickup credential. Facts from other streams — who holds the right and its version (`release-<visitRef>`), how
 * many bookings the slot has — are read in the same write transaction, which holds the log head lock: writers
 * are serialised, so counting the slot's bookings there is enough for capacity never to be exceeded.
 *
 * A sensitive change (earlier, or another driver, within N hours of the slot) is not applied: it becomes a
 * two-person `pickup.change` request (approved by another planner of the haulier, see `approvals.usecases.ts`),
 * and the whole release chain is notified (`ChainNotified` on the visit's `pickup-<visitRef>` stream).
 */
import {
  issuePickupCredential,
  type NoteSigner,
  type NoteVerifier,
  verifierFromSigner,
} from '../../audit/index.js';
import {
  type ApprovalState,
  type BookingCommand,
  type BookingEvent,
  type BookingState,
  bookingDecider,
  DEFAULT_SENSITIVITY,
  DomainError,
  grantedApproval,
  isSensitiveChange,
  type Principal,
  parseSlotId,
  pickupChangeOf,
  pickupClaimsOf,
  type ReleaseState,
  type SensitivityPolicy,
  type SlotConfig,
  slotsFor,
  slotWindow,
} from '../../domain/index.js';
import type { ApprovalKinds } from '../access/index.js';
import type { SecretSealer } from '../access/security.ports.js';
import { AppError } from '../errors.js';
import type { DriverJobRecord, PickupCredentialStatus, SlotBookingRecord } from '../gate/gate.ports.js';
import type { Ledger, WriteContext } from '../ledger/index.js';
import type { JsonObject, LedgerReads, StoredEvent } from '../ports.js';
import { foldRelease, pickupStreamId, releaseStreamId, voidCredentials } from '../releases/index.js';
import { visibilityOf } from '../visits/index.js';
import { driverBadgeRef, openDriverDetails } from './drivers.usecases.js';

export const appointmentStreamId = (visitRef: string) => `appointment-${visitRef}`;
/** Credentials issued and voided, and notices to the release chain, for one visit. */

/** What appointments and the gate need besides the ledger: slot tables, the sensitivity rule, the credential key. */
export interface PickupDeps {
  /** Slot configuration per terminal code. */
  readonly slots: ReadonlyMap<string, SlotConfig>;
  readonly sensitivity: SensitivityPolicy;
  /** Signs pickup credentials. */
  readonly signer: NoteSigner;
  /** Keys a credential may be signed with: the current one and any still honoured after a rotation. */
  readonly verifiers: readonly NoteVerifier[];
  /**
   * Whether the gate still accepts the printed `plc1.` credential as a fallback for the rotating pass on the
   * driver's phone (`PORTLEDGER_PRINTED_PASS`, issue 10 row C); each use then raises a `gate.printed_pass` alert.
   */
  readonly printedPass: boolean;
}

/**
 * Pickup settings around one credential key and the slot tables of the terminals that take appointments.
 *
 * @example
 * ```ts
 * const pickup = pickupDepsFor({ signer: gateSigner, slots: [t1Slots], sensitivityHours: 24 });
 * ```
 */
export function pickupDepsFor(args: {
  signer: NoteSigner;
  slots: readonly SlotConfig[];
  sensitivityHours?: number;
  /** Accept the printed credential at the gate; off unless asked for. */
  printedPass?: boolean;
}): PickupDeps {
  return {
    slots: new Map(args.slots.map((config) => [config.terminal, config])),
    sensitivity: { hours: args.sensitivityHours ?? DEFAULT_SENSITIVITY.hours },
    signer: args.signer,
    verifiers: [verifierFromSigner(args.signer)],
    printedPass: args.printedPass ?? false,
  };
}

/** Everything an appointment use case needs. */
export interface AppointmentDeps {
  readonly ledger: Ledger;
  readonly sealer: SecretSealer;
  readonly pickup: PickupDeps;
}

/** The planner acting for its haulier. */
export interface AppointmentActor {
  readonly orgId: string;
  readonly userId: string;
}

/** A change asked for, as the HTTP edge (and later a COPINO message) gives it. */
export type AppointmentChange =
  | { readonly type: 'book'; readonly slotId: string; readonly badge: string; readonly truckPlate: string }
  | { readonly type: 'rebook'; readonly slotId: string }
  | { readonly type: 'driver'; readonly badge: string; readonly truckPlate: string }
  | { readonly type: 'cancel'; readonly reason: string };

/** A credential as handed to the haulier, once: the token is not stored. */
export interface IssuedCredential {
  readonly credentialId: string;
  readonly token: string;
  readonly windowStart: string;
  readonly windowEnd: string;
}

/** The booking of a visit as its haulier sees it. */
export interface AppointmentView {
  readonly visitRef: string;
  readonly status: 'booked' | 'cancelled' | 'none';
  readonly bookingVersion: number;
  readonly slotId: string | null;
  readonly slotStart: string | null;
  readonly slotEnd: string | null;
  readonly driverBadgeRef: string | null;
  readonly truckPlate: string | null;
  readonly rightVersion: number | null;
}

export type AppointmentOutcome =
  | {
      readonly outcome: 'applied';
      readonly appointment: AppointmentView;
      readonly credential: IssuedCredential | null;
    }
  | { readonly outcome: 'approval_required'; readonly visitRef: string; readonly change: JsonObject };

/** The slot of a terminal day with what is left of it. */
export interface SlotAvailability {
  readonly slotId: string;
  readonly start: string;
  readonly end: string;
  readonly capacity: number;
  readonly booked: number;
  readonly remaining: number;
}

export function foldBooking(events: readonly StoredEvent[]): BookingState {
  return events.reduce(evolveBooking, bookingDecider.initialState());
}

/** The booking after one more stored event of its `appointment-<visitRef>` stream. */
export function evolveBooking(state: BookingState, stored: StoredEvent): BookingState {
  return bookingDecider.evolve(state, { ...stored.data, type: stored.type } as unknown as BookingEvent);
}

/**
 * The rows a booking in `state` keeps, changed last at `updatedAt`: the slot's capacity counts it while it is
 * booked, and the nominated driver's job list (`driver.jobs.read`) holds one row per visit under the badge named
 * now. The use case writes them and the read-model check (`read-model-projection.ts`) expects them from here.
 */
export function bookingRowsOf(
  visitRef: string,
  state: BookingState,
  updatedAt: string,
): { slotBooking: SlotBookingRecord | undefined; driverJob: DriverJobRecord } | undefined {
  const booking = state.booking;
  if (!booking) return undefined;
  return {
    slotBooking:
      booking.status === 'booked'
        ? { visitRef, slotId: booking.slotId, terminal: booking.terminal }
        : undefined,
    driverJob: {
      visitRef,
      orgId: booking.nominatedBy.orgId,
      driverBadgeRef: booking.driverBadgeRef,
      terminal: booking.terminal,
      slotId: booking.slotId,
      slotStart: booking.slotStart,
      slotEnd: booking.slotEnd,
      truckPlate: booking.truckPlate,
      status: booking.status,
      bookingVersion: state.bookingVersion,
      updatedAt,
    },
  };
}

/** The release right of a visit, folded from its stream: who holds it now and the version credentials bind. */
export async function releaseFacts(
  reads: Pick<LedgerReads, 'readStream'>,
  visitRef: string,
): Promise<{ state: ReleaseState; holder: string | null; rightVersion: number }> {
  const state = foldRelease(await reads.readStream(releaseStreamId(visitRef)));
  return { state, holder: state.release?.holder ?? null, rightVersion: state.release?.rightVersion ?? 0 };
}

/**
 * The slots of a terminal day with their remaining capacity.
 *
 * @example
 * ```ts
 * (await listSlots(store, pickup, 'T1', '2025-03-01'))[0]; // { slotId: 'T1@20250301T0500Z', remaining: 10, … }
 * ```
 */
export async function listSlots(
  reads: LedgerReads,
  pickup: PickupDeps,
  terminal: string,
  day: string,
): Promise<SlotAvailability[]> {
  const config = slotConfigOf(pickup, terminal);
  const slots = slotsFor(config, day);
  const counts = await reads.gate.slotBookingCounts(slots.map((slot) => slot.slotId));
  return slots.map((slot) => {
    const booked = counts.get(slot.slotId) ?? 0;
    return {
      slotId: slot.slotId,
      start: slot.start,
      end: slot.end,
      capacity: slot.capacity,
      booked,
      remaining: Math.max(0, slot.capacity - booked),
    };
  });
}

/**
 * Books, re-books, changes the driver of, or cancels the pickup of a visit. A sensitive change is not applied:
 * the outcome says `approval_required` with the exact change a `pickup.change` request must carry.
 *
 * @example
 * ```ts
 * const result = await changeAppointment(deps, planner, visitRef, { type: 'book', slotId: 'T1@20250301T0800Z',
 *   badge: 'ANR-000123', truckPlate: '1-ABC-123' });
 * if (result.outcome === 'applied') result.credential?.token; // 'plc1.…'
 * ```
 */
export async function changeAppointment(
  deps: AppointmentDeps,
  actor: AppointmentActor,
  visitRef: string,
  change: AppointmentChange,
): Promise<AppointmentOutcome> {
  return deps.ledger.write(async (context) => {
    const { tx } = context;
    if (!(await tx.getVisit(visitRef)))
      throw new AppError('visit.not_found', `no visit ${visitRef}`, { visitRef });
    const state = foldBooking(await tx.readStream(appointmentStreamId(visitRef)));
    const release = await releaseFacts(tx, visitRef);
    const at = context.now.toISOString();
    const by = { orgId: actor.orgId, userId: actor.userId };
    let command: BookingCommand;
    switch (change.type) {
      case 'book': {
        const slot = findSlot(deps.pickup, change.slotId);
        command = {
          type: 'BookSlot',
          at,
          bookingId: newId(context),
          visitRef,
          slotId: slot.slotId,
          slotStart: slot.start,
          slotEnd: slot.end,
          driverBadgeRef: await driverBadgeRef(tx, deps.sealer, actor.orgId, change.badge),
          truckPlate: change.truckPlate,
          bookedBy: by,
          rightVersion: release.rightVersion,
          holder: release.holder,
          slotBooked: await bookedIn(context, slot.slotId),
          capacity: slot.capacity,
        };
        break;
      }
      case 'rebook': {
        const slot = findSlot(deps.pickup, change.slotId);
        command = {
          type: 'RebookSlot',
          at,
          slotId: slot.slotId,
          slotStart: slot.start,
          slotEnd: slot.end,
          by,
          rightVersion: release.rightVersion,
          holder: release.holder,
          slotBooked: await bookedIn(context, slot.slotId),
          capacity: slot.capacity,
        };
        break;
      }
      case 'driver':
        command = {
          type: 'ChangeDriver',
          at,
          driverBadgeRef: await driverBadgeRef(tx, deps.sealer, actor.orgId, change.badge),
          truckPlate: change.truckPlate,
          by,
          rightVersion: release.rightVersion,
          holder: release.holder,
        };
        break;
      case 'cancel':
        command = { type: 'CancelBooking', at, by, holder: release.holder, reason: change.reason };
        break;
    }
    if (isSensitiveChange(state, command, deps.pickup.sensitivity)) {
      return { outcome: 'approval_required', visitRef, change: pickupChangeOf(state, command) };
    }
    return applyBookingCommand(context, deps.pickup, visitRef, state, command);
  });
}

/**
 * Applies a granted `pickup.change` request, in the transaction that grants it: the change is rebuilt from the
 * approved pickup and decided again against the state of now, so it applies only if nothing changed meanwhile.
 */
export async function applyPickupChange(
  context: WriteContext,
  pickup: PickupDeps,
  approval: ApprovalState,
): Promise<void> {
  const granted = grantedApproval(approval);
  if (!granted) return;
  const { request } = granted;
  const visitRef = request.subject;
  const { tx } = context;
  const state = foldBooking(await tx.readStream(appointmentStreamId(visitRef)));
  const release = await releaseFacts(tx, visitRef);
  const booking = state.booking;
  if (booking === null) throw new AppError('input.invalid', `visit ${visitRef} has no appointment`);
  const at = context.now.toISOString();
  const by = { orgId: request.requestedBy.orgId, userId: request.requestedBy.userId };
  const wanted = request.change;
  const slotId = String(wanted.slotId);
  const common = {
    at,
    by,
    rightVersion: release.rightVersion,
    holder: release.holder,
    approval,
    sensitivity: pickup.sensitivity,
  };
  let command: BookingCommand;
  if (booking.status === 'cancelled' || slotId !== booking.slotId) {
    const slot = findSlot(pickup, slotId);
    const slotBooked = await bookedIn(context, slot.slotId);
    command =
      booking.status === 'cancelled'
        ? {
            ...common,
            type: 'BookSlot',
            bookingId: newId(context),
            visitRef,
            slotId: slot.slotId,
            slotStart: slot.start,
            slotEnd: slot.end,
            driverBadgeRef: String(wanted.driverBadgeRef),
            truckPlate: String(wanted.truckPlate),
            bookedBy: by,
            slotBooked,
            capacity: slot.capacity,
          }
        : {
            ...common,
            type: 'RebookSlot',
            slotId: slot.slotId,
            slotStart: slot.start,
            slotEnd: slot.end,
            slotBooked,
            capacity: slot.capacity,
          };
  } else {
    command = {
      ...common,
      type: 'ChangeDriver',
      driverBadgeRef: String(wanted.driverBadgeRef),
      truckPlate: String(wanted.truckPlate),
    };
  }
  await applyBookingCommand(context, pickup, visitRef, state, command);
}

/**
 * Checks that a `pickup.change` request names the pickup change the visit's booking would make now, before it is
 * recorded (so an approver never approves a change that cannot apply).
 */
export async function describePickupChange(
  context: WriteContext,
  input: { subject: string; change: JsonObject },
): Promise<{ change: JsonObject; terminal: string | null }> {
  const state = foldBooking(await context.tx.readStream(appointmentStreamId(input.subject)));
  if (state.booking === null)
    throw new AppError('input.invalid', `visit ${input.subject} has no appointment`);
  const { bookingVersion, slotId, driverBadgeRef: badgeRef, truckPlate } = input.change;
  if (bookingVersion !== state.bookingVersion) {
    throw new AppError(
      'input.invalid',
      `the appointment of ${input.subject} is at version ${state.bookingVersion}`,
    );
  }
  if (typeof slotId !== 'string' || typeof badgeRef !== 'string' || typeof truckPlate !== 'string') {
    throw new AppError(
      'input.invalid',
      'a pickup change names bookingVersion, slotId, driverBadgeRef and truckPlate',
    );
  }
  return { change: { bookingVersion, slotId, driverBadgeRef: badgeRef, truckPlate }, terminal: null };
}

/**
 * The appointments' two-person change (`pickup.change`), registered with approvals by whoever decides requests:
 * a sensitive change of who collects a box, or when, waits for a second person of the haulier.
 */
export function pickupApprovalKinds(pickup: PickupDeps): ApprovalKinds {
  return {
    'pickup.change': {
      describe: describePickupChange,
      apply: (context, _granted, state) => applyPickupChange(context, pickup, state),
    },
  };
}

/**
 * Records that the release chain of a visit was told about a sensitive pickup change (requested or applied).
 * The parties are the line, every holder and the party offered the right; webhooks will deliver it later.
 */
export async function notifyChain(
  context: WriteContext,
  visitRef: string,
  notice: { reason: 'pickup.change.requested' | 'pickup.change.applied'; requestId: string },
): Promise<void> {
  const { tx } = context;
  const release = await releaseFacts(tx, visitRef);
  const r = release.state.release;
  const parties = r
    ? [
        ...new Set([r.lineOrgId, ...r.chain.map((link) => link.orgId), ...(r.offer ? [r.offer.to] : [])]),
      ].sort()
    : [];
  const streamId = pickupStreamId(visitRef);
  const version = (await tx.readStream(streamId)).length;
  await context.append(streamId, version, [
    {
      type: 'ChainNotified',
      data: {
        visitRef,
        reason: notice.reason,
        requestId: notice.requestId,
        parties,
        at: context.now.toISOString(),
      },
    },
  ]);
}

/**
 * The booking of a visit as its haulier sees it.
 *
 * @example
 * ```ts
 * (await readAppointment(store, visitRef)).slotId; // 'T1@20250301T0800Z'
 * ```
 */
export async function readAppointment(reads: LedgerReads, visitRef: string): Promise<AppointmentView> {
  return viewOf(visitRef, foldBooking(await reads.readStream(appointmentStreamId(visitRef))));
}

/** The pickup credential of a visit's latest booking, by id and state: its token is never stored nor shown. */
/**
 * The credential's state, never its id (gate issue 2): with the id anyone could aim junk passes at the box; only
 * the driver's phone needs it (`/v1/me/jobs`).
 */
export interface AppointmentCredentialView {
  /** `active` until the gate uses it (`used`) or a change voids it (`void`). */
  readonly state: PickupCredentialStatus;
  readonly issuedAt: string;
  readonly closedAt: string | null;
}

/**
 * The appointment of a visit as whoever may see the visit reads it (issue 5): the slot and the gate window its
 * grace opens, the truck, whether a driver is nominated and the credential's state. The driver's name is filled
 * in only for the haulier that employs him; everyone else learns only that a driver is nominated.
 */
export interface VisitAppointmentView {
  readonly visitRef: string;
  /** `cancelled`: the last booking was given back; no pickup is booked. */
  readonly status: 'booked' | 'cancelled';
  readonly terminal: string;
  /** IANA time zone of the terminal's clocks, to show the slot as the gate reads it; `null` when not configured. */
  readonly timeZone: string | null;
  readonly slotId: string;
  readonly slotStart: string;
  readonly slotEnd: string;
  readonly graceBeforeMinutes: number;
  readonly graceAfterMinutes: number;
  /** When the gate lets the driver through: the slot with its grace. */
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly truckPlate: string;
  readonly driver: { readonly nominated: boolean; readonly name: string | null };
  readonly credential: AppointmentCredentialView | null;
  /** When this booking was made (a cancelled and re-made booking starts again). */
  readonly bookedAt: string;
  /** The last booking, re-booking, driver change or cancellation. */
  readonly updatedAt: string;
}

/** What reading a visit's appointment needs: the reads, the sealer (for driver names) and the slot tables. */
export interface AppointmentReadDeps {
  readonly reads: LedgerReads;
  readonly sealer: SecretSealer;
  readonly pickup: PickupDeps;
}

/**
 * The appointment of a visit for `principal`; `null` when none was ever booked. Need-to-know is the visit's own
 * (`visibilityOf`): terminal staff of its terminal, customs, police, its line and the parties that hold or held its
 * release right, since a change of the pickup window or driver notifies that whole chain anyway (MISSION §3).
 * Anyone else gets `visit.not_found`, exactly as for a visit that does not exist.
 *
 * `readsDrivers` says that the caller may open its own haulier's driver records (`driver.nominate`); with it, and
 * only when the caller's organisation nominated the driver, the driver's name is shown. Personal data stays with
 * the employer (MISSION §4).
 *
 * @example
 * ```ts
 * const appointment = await readVisitAppointment(deps, gateClerk, visitRef, { readsDrivers: false });
 * appointment?.driver; // { nominated: true, name: null }
 * ```
 */
export async function readVisitAppointment(
  deps: AppointmentReadDeps,
  principal: Principal,
  visitRef: string,
  options: { readsDrivers: boolean },
): Promise<VisitAppointmentView | null> {
  const { reads } = deps;
  const record = await reads.getVisit(visitRef);
  if (!record || (await visibilityOf(reads, principal, record)) === 'none')
    throw new AppError('visit.not_found', `no visit ${visitRef}`, { visitRef });
  const events = await reads.readStream(appointmentStreamId(visitRef));
  const booking = foldBooking(events).booking;
  if (booking === null) return null;
  const config = deps.pickup.slots.get(booking.terminal);
  const grace = {
    graceBeforeMinutes: config?.graceBeforeMinutes ?? 0,
    graceAfterMinutes: config?.graceAfterMinutes ?? 0,
  };
  const window = slotWindow({ start: booking.slotStart, end: booking.slotEnd }, grace);
  const booked = booking.status === 'booked';
  const employer = options.readsDrivers && booked && booking.nominatedBy.orgId === principal.orgId;
  const bookedEvent = events.findLast(
    (event) => event.type === 'SlotBooked' && event.data.bookingId === booking.bookingId,
  );
  return {
    visitRef,
    status: booking.status,
    terminal: booking.terminal,
    timeZone: config?.timeZone ?? null,
    slotId: booking.slotId,
    slotStart: booking.slotStart,
    slotEnd: booking.slotEnd,
    ...grace,
    windowStart: window.start,
    windowEnd: window.end,
    truckPlate: booking.truckPlate,
    driver: {
      nominated: booked,
      name: employer ? await driverName(deps, principal.orgId, booking.driverBadgeRef) : null,
    },
    credential: await latestCredential(reads, visitRef),
    bookedAt: typeof bookedEvent?.data.at === 'string' ? bookedEvent.data.at : booking.updatedAt,
    updatedAt: booking.updatedAt,
  };
}

/** The name of a driver of `orgId`, opened from its sealed record; `null` if the haulier has no such record. */
async function driverName(
  deps: AppointmentReadDeps,
  orgId: string,
  badgeRef: string,
): Promise<string | null> {
  const record = await deps.reads.gate.getDriver(orgId, badgeRef);
  if (!record) return null;
  return openDriverDetails(deps.sealer, record.sealed).name;
}

/**
 * The credential issued last for a visit, with where it stands now. Every applied change that leaves a booking
 * issues a new one and voids the ones before, so the last issued is the one of the latest booking version.
 */
async function latestCredential(
  reads: LedgerReads,
  visitRef: string,
): Promise<AppointmentCredentialView | null> {
  const issued = (await reads.readStream(pickupStreamId(visitRef))).findLast(
    (event) => event.type === 'PickupCredentialIssued',
  );
  const credentialId = issued?.data.credentialId;
  if (typeof credentialId !== 'string') return null;
  const credential = await reads.gate.getCredential(credentialId);
  if (!credential) return null;
  return {
    state: credential.status,
    issuedAt: credential.issuedAt,
    closedAt: credential.closedAt,
  };
}

async function applyBookingCommand(
  context: WriteContext,
  pickup: PickupDeps,
  visitRef: string,
  state: BookingState,
  command: BookingCommand,
): Promise<AppointmentOutcome> {
  const { tx } = context;
  const events = bookingDecider.decide(command, state);
  await context.append(
    appointmentStreamId(visitRef),
    state.version,
    events.map(({ type, ...data }) => ({ type, data: data as unknown as JsonObject })),
  );
  const next = events.reduce(bookingDecider.evolve, state);
  const booking = next.booking!;
  const rows = bookingRowsOf(visitRef, next, context.now.toISOString())!;
  if (rows.slotBooking) await tx.gate.putSlotBooking(rows.slotBooking);
  else await tx.gate.removeSlotBooking(visitRef);
  await tx.gate.putDriverJob(rows.driverJob);
  await voidCredentials(context, visitRef, `appointment changed: ${events.map((e) => e.type).join(', ')}`);
  const credential =
    booking.status === 'booked' ? await issueCredential(context, pickup, visitRef, next) : null;
  for (const event of events) {
    if ('approvalId' in event && event.approvalId !== null) {
      await notifyChain(context, visitRef, { reason: 'pickup.change.applied', requestId: event.approvalId });
    }
  }
  return { outcome: 'applied', appointment: viewOf(visitRef, next), credential };
}

async function issueCredential(
  context: WriteContext,
  pickup: PickupDeps,
  visitRef: string,
  state: BookingState,
): Promise<IssuedCredential> {
  const { tx } = context;
  const at = context.now.toISOString();
  const config = slotConfigOf(pickup, state.booking!.terminal);
  const credentialId = newId(context);
  const claims = pickupClaimsOf(state, { credentialId, issuedAt: at, grace: config });
  const token = issuePickupCredential(claims, pickup.signer);
  await tx.gate.putCredential({
    credentialId,
    visitRef,
    bookingVersion: claims.bookingVersion,
    rightVersion: claims.rightVersion,
    status: 'active',
    issuedAt: at,
    closedAt: null,
  });
  const streamId = pickupStreamId(visitRef);
  const version = (await tx.readStream(streamId)).length;
  await context.append(streamId, version, [
    {
      type: 'PickupCredentialIssued',
      data: {
        visitRef,
        credentialId,
        bookingVersion: claims.bookingVersion,
        rightVersion: claims.rightVersion,
        driverBadgeRef: claims.driverBadgeRef,
        at,
      },
    },
  ]);
  return {
    credentialId,
    token,
    windowStart: new Date(claims.windowStart * 1000).toISOString(),
    windowEnd: new Date(claims.windowEnd * 1000).toISOString(),
  };
}

function viewOf(visitRef: string, state: BookingState): AppointmentView {
  const booking = state.booking;
  return {
    visitRef,
    status: booking?.status ?? 'none',
    bookingVersion: state.bookingVersion,
    slotId: booking?.slotId ?? null,
    slotStart: booking?.slotStart ?? null,
    slotEnd: booking?.slotEnd ?? null,
    driverBadgeRef: booking?.driverBadgeRef ?? null,
    truckPlate: booking?.truckPlate ?? null,
    rightVersion: booking?.rightVersion ?? null,
  };
}

async function bookedIn(context: WriteContext, slotId: string): Promise<number> {
  return (await context.tx.gate.slotBookingCounts([slotId])).get(slotId) ?? 0;
}

function newId(context: WriteContext): string {
  return Buffer.from(context.ids.randomBytes(12)).toString('base64url');
}

/** The slot configuration of a terminal; `terminal.unknown` when it takes no appointments. */
export function slotConfigOf(pickup: PickupDeps, terminal: string): SlotConfig {
  const config = pickup.slots.get(terminal.trim().toUpperCase());
  if (!config)
    throw new AppError('terminal.unknown', `terminal ${terminal} takes no appointments`, { terminal });
  return config;
}

/** A slot of the terminal's table; `appointment.slot_invalid` for an id the table does not have. */
function findSlot(pickup: PickupDeps, slotId: string) {
  const { terminal, start } = parseSlotId(slotId);
  const config = slotConfigOf(pickup, terminal);
  const day = Date.parse(start);
  // The terminal's day of a slot is its UTC date, or the day before or after.
  for (const offset of [0, -1, 1]) {
    const date = new Date(day + offset * 86_400_000).toISOString().slice(0, 10);
    const slot = slotsFor(config, date).find((candidate) => candidate.slotId === slotId);
    if (slot) return slot;
  }
  throw new DomainError('appointment.slot_invalid', `${slotId} is not a slot of terminal ${terminal}`, {
    slotId,
  });
}
