/**
 * Visits as the signed-in caller may see and touch them (MISSION §2, issue 3). The policy table says *whether* a
 * role may read visits or run a command; this file says *which* visits: need-to-know per visit
 * (`visitVisibility`), and for commands the terminal the caller's staff work at. A visit the caller may not see
 * is answered exactly like a visit that does not exist (`visit.not_found`), so asking does not confirm it exists.
 */

import { leafHash } from '../../audit/index.js';
import {
  DomainError,
  type HoldKind,
  holdLiftNeedsSecondOfficer,
  mayLiftHold,
  mayPlaceHold,
  type OrgKind,
  type Principal,
  parseContainerNumber,
  type Role,
  redactVisitView,
  type StatusVisitView,
  type VisitView,
  type VisitVisibility,
  type VisitVisibilityFacts,
  visitVisibility,
  type YardSlot,
} from '../../domain/index.js';
import type { ApprovalRecord } from '../access/identity.ports.js';
import type { AuthDeps, Authenticated } from '../access/index.js';
import { requestApproval } from '../access/index.js';
import { AppError } from '../errors.js';
import type { JsonObject, LedgerReads, VisitRecord } from '../ports.js';
import { visitApprovalKinds } from './visit-approvals.js';
import {
  announceVisit,
  executeVisitCommand,
  foldVisit,
  type TerminalLayouts,
  type VisitCommandInput,
  visitStreamId,
} from './visits.usecases.js';

/** What the visit use cases need: the identity layer (which holds the ledger) and the yards the port runs. */
export interface VisitAccessDeps {
  readonly auth: AuthDeps;
  readonly terminals: TerminalLayouts;
}

/** A visit as one caller may see it: everything, or its status without the yard position. */
export type ShownVisit = VisitView | StatusVisitView;

/**
 * The principal a signed-in caller acts as.
 *
 * @example
 * ```ts
 * const principal = principalOf(requireAuth(request));
 * ```
 */
export function principalOf(
  auth: Pick<Authenticated, 'user' | 'org'> & { readonly session?: Pick<Authenticated['session'], 'method'> },
): Principal {
  return {
    userId: auth.user.userId,
    orgId: auth.org.orgId,
    orgKind: auth.org.kind as OrgKind,
    orgCode: auth.org.code,
    terminals: [...auth.org.terminals],
    roles: auth.user.roles as Role[],
    ...(auth.session ? { signedInWith: auth.session.method } : {}),
  };
}

/**
 * The organisations that hold or held the visit's release right (the `release_party` read model, kept by
 * `releases.usecases.ts`): a forwarder or haulier sees the boxes whose right it holds or held, and no other. A
 * party only offered the right sees the chain (`readRelease`), not the box, until it accepts.
 */
export async function releasePartiesOf(reads: LedgerReads, visitRef: string): Promise<readonly string[]> {
  return reads.releases.releaseParties(visitRef);
}

const notFound = (visitRef: string) => new AppError('visit.not_found', `no visit ${visitRef}`, { visitRef });

/** A slot as events carry it, read defensively from stored JSON. */
function slotIn(value: unknown): YardSlot | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  return typeof (value as { terminal?: unknown }).terminal === 'string' ? (value as YardSlot) : undefined;
}

/**
 * The terminal a visit belongs to: where it stands, or after departure the terminal it left from (the last
 * slot its history names). An announced box belongs to no terminal yet (a pre-advice names none).
 */
async function terminalOf(reads: LedgerReads, record: VisitRecord): Promise<string | null> {
  if (record.terminal !== null) return record.terminal;
  if (record.status === 'announced') return null;
  const history = await reads.readStream(visitStreamId(record.visitRef));
  for (const event of [...history].reverse()) {
    const slot = slotIn(event.data.slot) ?? slotIn(event.data.to) ?? slotIn(event.data.from);
    if (slot) return slot.terminal;
  }
  return null;
}

async function factsOf(
  reads: LedgerReads,
  record: VisitRecord,
  principal: Principal,
): Promise<VisitVisibilityFacts> {
  const view = record.view as unknown as VisitView;
  // Only a terminal's staff are scoped by terminal; the history is read only for them.
  const terminal =
    principal.orgKind === 'terminal_operator' ? await terminalOf(reads, record) : record.terminal;
  return { line: view.line, terminal, releaseParties: await releasePartiesOf(reads, record.visitRef) };
}

/** How much of `record` the principal may see. */
export async function visibilityOf(
  reads: LedgerReads,
  principal: Principal,
  record: VisitRecord,
): Promise<VisitVisibility> {
  return visitVisibility(principal, await factsOf(reads, record, principal));
}

/**
 * The visit and how much of it the principal may see; `visit.not_found` when there is no such visit or it may see
 * nothing of it (the two are told apart by nobody).
 */
async function visibleVisit(
  reads: LedgerReads,
  principal: Principal,
  visitRef: string,
): Promise<{ record: VisitRecord; visibility: Exclude<VisitVisibility, 'none'> }> {
  const record = await reads.getVisit(visitRef);
  if (!record) throw notFound(visitRef);
  const visibility = await visibilityOf(reads, principal, record);
  if (visibility === 'none') throw notFound(visitRef);
  return { record, visibility };
}

/** A visit redacted to what `visibility` lets its viewer see, as every read of it shows it. */
export function shownVisit(record: VisitRecord, visibility: Exclude<VisitVisibility, 'none'>): ShownVisit {
  const view = record.view as unknown as VisitView;
  return visibility === 'full' ? redactVisitView(view, 'full') : redactVisitView(view, 'status');
}

/**
 * One visit, redacted to what the principal may see; `visit.not_found` when it may see nothing of it.
 *
 * @example
 * ```ts
 * const visit = await readVisit(store, lineClerk, 'V-…'); // no `slot` for a line
 * ```
 */
export async function readVisit(
  reads: LedgerReads,
  principal: Principal,
  visitRef: string,
): Promise<ShownVisit> {
  const { record, visibility } = await visibleVisit(reads, principal, visitRef);
  return shownVisit(record, visibility);
}

/** Page size of a visit listing when the caller names none, and the most one page holds. */
export const VISIT_LIST_DEFAULT = 50;
export const VISIT_LIST_MAX = 200;
/** How many visits one listing request examines at most, as a multiple of the page size. */
const SCAN_FACTOR = 10;

/**
 * The visits the principal may see, in visit reference order (ascending, or descending with `direction`), each
 * redacted. A page examines at most ten times
 * its size; `next` is where to continue, `null` at the end. Invisible visits are skipped silently, so a listing
 * confirms nothing about other parties' boxes.
 *
 * @example
 * ```ts
 * const { visits, next } = await listVisibleVisits(store, customs, { status: 'in_yard', limit: 50 });
 * ```
 */
export async function listVisibleVisits(
  reads: LedgerReads,
  principal: Principal,
  query: {
    containerNumber?: string;
    status?: string;
    terminal?: string;
    direction?: 'asc' | 'desc';
    limit?: number;
    after?: string;
  },
): Promise<{ visits: ShownVisit[]; next: string | null }> {
  const limit = Math.min(Math.max(query.limit ?? VISIT_LIST_DEFAULT, 1), VISIT_LIST_MAX);
  const containerNumber =
    query.containerNumber === undefined ? undefined : parseContainerNumber(query.containerNumber).text;
  const visits: ShownVisit[] = [];
  let after = query.after;
  let examined = 0;
  while (visits.length < limit && examined < limit * SCAN_FACTOR) {
    const batch = await reads.listVisits({
      ...(containerNumber === undefined ? {} : { containerNumber }),
      ...(query.status === undefined ? {} : { status: query.status }),
      // The terminal only narrows the range read: each visit is still shown only as the principal may see it.
      ...(query.terminal === undefined ? {} : { terminal: query.terminal }),
      ...(query.direction === undefined ? {} : { direction: query.direction }),
      ...(after === undefined ? {} : { after }),
      limit,
    });
    for (const record of batch) {
      examined += 1;
      after = record.visitRef;
      const visibility = await visibilityOf(reads, principal, record);
      if (visibility !== 'none') visits.push(shownVisit(record, visibility));
      if (visits.length === limit) return { visits, next: after };
    }
    if (batch.length < limit) return { visits, next: null };
  }
  return { visits, next: after ?? null };
}

/** One event of a visit's history, as its viewer may see it. */
export interface HistoryEntry {
  /** The event's index in the audit log (its Merkle leaf), for an inclusion proof. */
  readonly index: number;
  /**
   * Base64 SHA-256 leaf hash of the event (RFC 9162 §2.1.1), so a caller who may not read the leaf bytes can still
   * check its inclusion proof. A hash of the whole event reveals nothing a redacted view leaves out.
   */
  readonly leafHash: string;
  readonly version: number;
  readonly type: string;
  readonly at: string;
  readonly data: JsonObject;
}

const POSITION_FIELDS = new Set(['slot', 'from', 'to']);
const HOLD_EVENTS = new Set(['HoldPlaced', 'HoldLifted']);

/**
 * A status viewer sees events without yard positions, holds without reason or reference, and no police holds:
 * the same cut as `redactVisitView`. `undefined` leaves the event out.
 */
function redactEventData(type: string, data: JsonObject): JsonObject | undefined {
  if (HOLD_EVENTS.has(type) && data.kind === 'police') return undefined;
  // A freeze is an investigation's stop: like a police hold, it must not tip off a party who may be the suspect.
  if (type === 'VisitFrozen' || type === 'VisitUnfrozen') return undefined;
  const kept: JsonObject = {};
  for (const [key, value] of Object.entries(data)) {
    if (POSITION_FIELDS.has(key)) continue;
    if (HOLD_EVENTS.has(type) && (key === 'reason' || key === 'reference')) continue;
    kept[key] = value;
  }
  return kept;
}

/**
 * The events of one visit with their audit indices, redacted for a status viewer; `visit.not_found` when the
 * principal may see nothing of the visit.
 *
 * @example
 * ```ts
 * const { events } = await visitHistory(store, customs, visitRef);
 * events[0]; // { index: 1234, version: 1, type: 'VisitAnnounced', at: '…', data: { … } }
 * ```
 */
export async function visitHistory(
  reads: LedgerReads,
  principal: Principal,
  visitRef: string,
): Promise<{ visitRef: string; events: HistoryEntry[] }> {
  const { visibility } = await visibleVisit(reads, principal, visitRef);
  const events: HistoryEntry[] = [];
  for (const event of await reads.readStream(visitStreamId(visitRef))) {
    const data = visibility === 'full' ? event.data : redactEventData(event.type, event.data);
    if (data === undefined) continue;
    events.push({
      index: event.index,
      leafHash: Buffer.from(leafHash(event.leaf)).toString('base64'),
      version: event.streamVersion,
      type: event.type,
      at: event.recordedAt,
      data,
    });
  }
  return { visitRef, events };
}

/**
 * Whether an answer showed the visit's yard position: a full view of a box that stands in a slot. Such reads are
 * recorded as `PositionsViewed` events (`position-views.ts`, issue 15), which the bulk look-up rule counts.
 */
export function showsPosition(visit: ShownVisit): boolean {
  return 'slot' in visit && visit.slot !== null && visit.slot !== undefined;
}

/** Whether a history answer showed a yard position: at full visibility, an event that names a slot. */
export function historyShowsPosition(history: { readonly events: readonly HistoryEntry[] }): boolean {
  return history.events.some((event) => [...POSITION_FIELDS].some((key) => slotIn(event.data[key])));
}

/**
 * Pre-advice by a shipping line: the visit is announced under the caller's own carrier code, never one it names,
 * so a line announces only its own containers.
 */
export async function announceOwnVisit(
  deps: VisitAccessDeps,
  principal: Principal,
  input: Omit<VisitCommandInput & { type: 'AnnounceVisit' }, 'type' | 'visitRef' | 'line'>,
): Promise<ShownVisit> {
  const { visit } = await announceVisit(deps.auth.ledger, deps.terminals, {
    ...input,
    line: principal.orgCode,
  });
  const visibility = await visibilityOf(deps.auth.ledger.store, principal, visit);
  // A line always sees its own announcement; anyone else announcing would have been refused by the policy table.
  if (visibility === 'none') throw notFound(visit.visitRef);
  return shownVisit(visit, visibility);
}

/** The commands on an existing visit that the HTTP edge offers (the announce and the void have their own). */
export type ScopedVisitCommand = Exclude<VisitCommandInput, { type: 'AnnounceVisit' | 'VoidEvent' }>;

// Commands that put a box somewhere or take it out of the yard: only the staff of the terminal it is at.
const YARD_COMMANDS = new Set<ScopedVisitCommand['type']>([
  'DischargeContainer',
  'GateInContainer',
  'MoveContainer',
  'GateOutContainer',
  'LoadContainer',
]);

function slotsNamed(command: ScopedVisitCommand): YardSlot[] {
  switch (command.type) {
    case 'DischargeContainer':
    case 'GateInContainer':
      return [command.slot];
    case 'MoveContainer':
      return [command.from, command.to];
    default:
      return [];
  }
}

function mayDoHold(
  principal: Principal,
  kind: HoldKind,
  check: (role: Role, kind: HoldKind, orgKind: OrgKind) => boolean,
) {
  return principal.roles.some((role) => check(role, kind, principal.orgKind));
}

/**
 * Runs one command on a visit for `principal`, inside one write transaction so that what is checked is what is
 * changed:
 *
 * - the visit must be visible to the caller (else `visit.not_found`); a box arriving (discharge, gate-in) belongs
 *   to the terminal of the slot it arrives in;
 * - yard commands need the full view, i.e. the staff of the terminal the box is at, and every slot the command
 *   names must be at one of the caller's terminals (`auth.forbidden`);
 * - each authority places and lifts only its own kind of hold (`holdPolicy`, `auth.forbidden`); a hold the
 *   caller may not see (a police hold, for a line) is answered like a hold that does not exist.
 *
 * Returns the visit after the command, redacted as the caller saw it before.
 */
export async function runScopedVisitCommand(
  deps: VisitAccessDeps,
  principal: Principal,
  visitRef: string,
  command: ScopedVisitCommand,
): Promise<ShownVisit> {
  return deps.auth.ledger.write(async (context) => {
    const { tx } = context;
    const record = await tx.getVisit(visitRef);
    if (!record) throw notFound(visitRef);
    const facts = await factsOf(tx, record, principal);
    const arriving = command.type === 'DischargeContainer' || command.type === 'GateInContainer';
    if (arriving && facts.terminal === null) facts.terminal = slotIn(command.slot)?.terminal ?? null;
    const visibility = visitVisibility(principal, facts);
    if (visibility === 'none') throw notFound(visitRef);

    if (YARD_COMMANDS.has(command.type)) {
      if (visibility !== 'full') throw notFound(visitRef);
      const terminals = principal.terminals ?? [];
      const outside = slotsNamed(command).find(
        (slot) => principal.orgKind !== 'terminal_operator' || !terminals.includes(String(slot.terminal)),
      );
      if (outside !== undefined) {
        throw new AppError(
          'auth.forbidden',
          `terminal ${String(outside.terminal)} is not run by your organisation`,
          {
            terminal: String(outside.terminal),
          },
        );
      }
    }
    if (command.type === 'PlaceHold' && !mayDoHold(principal, command.kind, mayPlaceHold)) {
      throw new AppError('auth.forbidden', `your role may not place a ${command.kind} hold`, {
        kind: command.kind,
      });
    }
    if (command.type === 'LiftHold') liftableHold(record, visibility, principal, command.holdId);

    // Who places or lifts a hold is the caller, never what the command claims; a direct lift names no approval
    // (a second officer's approval is applied by `approvals.usecases.ts`, not here).
    const effective: ScopedVisitCommand =
      command.type === 'PlaceHold'
        ? { ...command, by: principal.userId }
        : command.type === 'LiftHold'
          ? { type: 'LiftHold', holdId: command.holdId, reason: command.reason, by: principal.userId }
          : command;
    const { visit } = await executeVisitCommand(context, deps.terminals, visitRef, effective);
    return shownVisit(visit, visibility);
  });
}

/**
 * The hold `holdId` of a visit, when the principal may lift it: a hold it may not see (a police hold, for a
 * line) is answered like a hold that does not exist (`hold.not_found`); each authority lifts only its own kind
 * (`auth.forbidden`).
 */
function liftableHold(
  record: VisitRecord,
  visibility: VisitVisibility,
  principal: Principal,
  holdId: string,
): { holdId: string; kind: HoldKind } {
  const hold = (record.view as unknown as VisitView).holds.find((h) => h.holdId === holdId);
  if (!hold || (visibility === 'status' && hold.kind === 'police')) {
    throw new DomainError('hold.not_found', `visit ${record.visitRef} has no hold ${holdId} in force`, {
      visitRef: record.visitRef,
      holdId,
    });
  }
  if (!mayDoHold(principal, hold.kind, mayLiftHold)) {
    throw new AppError('auth.forbidden', `your role may not lift a ${hold.kind} hold`, { kind: hold.kind });
  }
  return hold;
}

/** What lifting a hold did: lifted it, or asked a second officer (`hold.lift`). */
export type HoldLiftOutcome =
  | { readonly outcome: 'lifted'; readonly visit: ShownVisit }
  | { readonly outcome: 'approval_required'; readonly approval: ApprovalRecord };

/**
 * Lifts a hold of the caller's own authority (issue 10, row B). Terminal and line holds, and a customs or police
 * officer's own hold, are lifted at once; a customs or police hold placed by another officer (or by nobody
 * recorded) becomes a two-person `hold.lift` request that another officer of the same authority approves, and
 * nothing changes until then. The passkey session and step-up are the edge's to check before calling this.
 *
 * @example
 * ```ts
 * const result = await liftHold(deps, auth, 'V-…', { holdId: 'CUSTOMS-…', reason: 'scan clear' });
 * if (result.outcome === 'approval_required') console.log(result.approval.requestId);
 * ```
 */
export async function liftHold(
  deps: VisitAccessDeps,
  auth: Authenticated,
  visitRef: string,
  input: { holdId: string; reason: string },
): Promise<HoldLiftOutcome> {
  const reads = deps.auth.ledger.store;
  const principal = principalOf(auth);
  const { record, visibility } = await visibleVisit(reads, principal, visitRef);
  liftableHold(record, visibility, principal, input.holdId);
  // Who placed the hold is in the history, not in the read model's view.
  const active = foldVisit(await reads.readStream(visitStreamId(visitRef))).visit?.holds.find(
    (hold) => hold.holdId === input.holdId,
  );
  if (active && holdLiftNeedsSecondOfficer(active, principal.userId)) {
    const approval = await requestApproval(
      deps.auth,
      auth,
      {
        kind: 'hold.lift',
        subject: visitRef,
        change: { holdId: input.holdId, reason: input.reason },
      },
      visitApprovalKinds(deps.terminals),
    );
    return { outcome: 'approval_required', approval };
  }
  const visit = await runScopedVisitCommand(deps, principal, visitRef, {
    type: 'LiftHold',
    holdId: input.holdId,
    reason: input.reason,
    by: principal.userId,
  });
  return { outcome: 'lifted', visit };
}

// Events of a visit that are the line's own data: its announcement and its own holds.
function isLineData(event: { type: string; data: JsonObject }): boolean {
  return event.type === 'VisitAnnounced' || (HOLD_EVENTS.has(event.type) && event.data.kind === 'line');
}

/**
 * Asks for a two-person void of one event of a visit (kind `visit.void`); nothing changes until a second,
 * eligible person approves it. The visit must be visible to the caller; a shipping line may ask to void only
 * its own data (its announcement, its own holds), never the terminal's record of where the box went.
 */
export async function requestVisitVoid(
  deps: VisitAccessDeps,
  auth: Authenticated,
  visitRef: string,
  input: { voidedVersion: number; reason: string },
): Promise<ApprovalRecord> {
  const reads = deps.auth.ledger.store;
  const principal = principalOf(auth);
  const { visibility } = await visibleVisit(reads, principal, visitRef);
  const target = (await reads.readStream(visitStreamId(visitRef)))[input.voidedVersion - 1];
  if (visibility === 'status') {
    if (!target || !isLineData(target)) {
      throw new AppError('auth.forbidden', 'a line may ask to void only its own announcement and holds', {
        voidedVersion: input.voidedVersion,
      });
    }
  }
  // Voiding a hold's placement lets the box go as surely as lifting it (issue 10, row B): only the authority that
  // lifts that kind of hold may ask, so the terminal cannot make a customs or police hold vanish; those are lifted.
  const holdKind = target && HOLD_EVENTS.has(target.type) ? target.data.kind : undefined;
  if (holdKind !== undefined && !mayDoHold(principalOf(auth), holdKind as HoldKind, mayLiftHold)) {
    throw new AppError('auth.forbidden', `only the ${String(holdKind)} authority may undo its own hold`, {
      voidedVersion: input.voidedVersion,
      kind: String(holdKind),
    });
  }
  return requestApproval(
    deps.auth,
    auth,
    {
      kind: 'visit.void',
      subject: visitRef,
      change: { voidedVersion: input.voidedVersion, reason: input.reason },
    },
    visitApprovalKinds(deps.terminals),
  );
}

/**
 * Asks for a two-person correction of where a box is recorded to stand, when no physical move explains it (a yard
 * scan found it elsewhere). Only those who see the yard position may ask; nothing changes until a second person
 * at that terminal approves.
 */
export async function requestPositionCorrection(
  deps: VisitAccessDeps,
  auth: Authenticated,
  visitRef: string,
  input: { to: YardSlot; reason: string },
): Promise<ApprovalRecord> {
  const reads = deps.auth.ledger.store;
  const record = await reads.getVisit(visitRef);
  if (!record) throw notFound(visitRef);
  if ((await visibilityOf(reads, principalOf(auth), record)) !== 'full') throw notFound(visitRef);
  return requestApproval(
    deps.auth,
    auth,
    {
      kind: 'yard.correction',
      subject: visitRef,
      change: { to: input.to as unknown as JsonObject, reason: input.reason },
    },
    visitApprovalKinds(deps.terminals),
  );
}
