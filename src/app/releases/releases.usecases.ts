/**
 * The release chain of a visit (issue 4; MISSION §3): the shell around `releaseDecider`. Each command loads the
 * `release-<visitRef>` stream, decides, appends the events and a `ChainNotified` event naming every party the
 * change concerns, and updates the read models (`release`, `release_party`) in the same transaction.
 *
 * Need-to-know: a caller who sees neither the visit nor the chain is answered exactly as for a visit that does
 * not exist (`visit.not_found`), so that asking confirms nothing.
 */
import {
  DomainError,
  type GreenLights,
  greenLights,
  initialReleaseState,
  type Principal,
  partiesThatHoldOrHeld,
  type Release,
  type ReleaseActor,
  type ReleaseChainView,
  type ReleaseCommand,
  type ReleaseEvent,
  type ReleaseState,
  releaseChainView,
  releaseChainVisibility,
  releaseDecider,
} from '../../domain/index.js';
import { AppError } from '../errors.js';
import type { Ledger, WriteContext } from '../ledger/index.js';
import type { JsonObject, LedgerReads, StoredEvent, VisitRecord } from '../ports.js';
import { foldVisit, visibilityOf, visitStreamId } from '../visits/index.js';
import { voidCredentials } from './pickup-credentials.js';
import type {
  ReleaseInboxCursor,
  ReleaseInboxView,
  ReleaseRecord,
  ReleaseStateFilter,
} from './release.ports.js';

/** The stream of one visit's release right. */
export function releaseStreamId(visitRef: string): string {
  return `release-${visitRef}`;
}

/** The event that tells the chain something changed; webhooks will carry it out later (MISSION §5). */
export const CHAIN_NOTIFIED = 'ChainNotified';

const RELEASE_EVENT_TYPES: ReadonlySet<string> = new Set<ReleaseEvent['type']>([
  'ReleaseIssued',
  'ReleaseTransferOffered',
  'ReleaseTransferAccepted',
  'ReleaseTransferDenied',
  'ReleaseOfferWithdrawn',
  'ReleaseBlocked',
  'ReleaseUnblocked',
  'ReleaseRevoked',
  'ReleaseValidityUpdated',
]);

/**
 * The state of a release stream; notifications in it are skipped, they change nothing.
 *
 * @example
 * ```ts
 * const state = foldRelease(await reads.readStream(releaseStreamId(visitRef)));
 * ```
 */
export function foldRelease(events: readonly StoredEvent[]): ReleaseState {
  return events.reduce(evolveRelease, releaseDecider.initialState());
}

/** The release after one more stored event of its stream; a notification changes nothing. */
export function evolveRelease(state: ReleaseState, stored: StoredEvent): ReleaseState {
  if (!RELEASE_EVENT_TYPES.has(stored.type)) return state;
  return releaseDecider.evolve(state, { ...stored.data, type: stored.type } as unknown as ReleaseEvent);
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A command as a caller gives it: the ledger stamps the time, the session names the actor. */
export type ReleaseCommandInput = DistributiveOmit<ReleaseCommand, 'at' | 'by'>;

/** What a release command leaves: the chain as the caller may now see it (`null`: nothing any more). */
export interface ReleaseCommandResult {
  readonly visitRef: string;
  readonly release: ReleaseChainView | null;
  readonly events: readonly StoredEvent[];
}

const notFound = (visitRef: string) => new AppError('visit.not_found', `no visit ${visitRef}`, { visitRef });

function toNewEvent(event: ReleaseEvent): { type: string; data: JsonObject } {
  const { type, ...data } = event;
  return { type, data: data as unknown as JsonObject };
}

/** Everyone a change of the right concerns: the line, every holder past and present, the offeree, the cut off. */
function chainParties(release: Release): string[] {
  return [
    ...new Set(
      [
        release.lineOrgId,
        ...release.chain.map((link) => link.orgId),
        release.offer?.to ?? null,
        release.revocation?.cutOffHolder ?? null,
        release.revocation?.cutOffOffer ?? null,
      ].filter((orgId): orgId is string => orgId !== null),
    ),
  ];
}

/**
 * The `release` row of a right after `streamVersion` events of its stream, the last recorded at `updatedAt`: what
 * the use case writes and what the read-model check (`read-model-projection.ts`) expects.
 */
export function releaseRecordOf(release: Release, streamVersion: number, updatedAt: string): ReleaseRecord {
  return {
    visitRef: release.visitRef,
    releaseId: release.releaseId,
    line: release.line,
    lineOrgId: release.lineOrgId,
    holder: release.holder,
    offeredTo: release.offer?.to ?? null,
    rightVersion: release.rightVersion,
    blocked: release.block !== null,
    revoked: release.revocation !== null,
    validFrom: release.validFrom,
    validUntil: release.validUntil,
    streamVersion,
    view: release as unknown as JsonObject,
    updatedAt,
  };
}

/** The state a read model holds, as the domain folds it. */
function stateOf(record: ReleaseRecord | undefined): ReleaseState {
  if (!record) return initialReleaseState();
  return { version: record.streamVersion, release: record.view as unknown as Release };
}

/** The actor of a release command, as the domain records it. */
function actorOf(principal: Principal): ReleaseActor {
  return {
    userId: principal.userId,
    orgId: principal.orgId,
    orgKind: principal.orgKind,
    orgCode: principal.orgCode,
  };
}

/** A release goes only to the organisations that collect boxes for cargo owners: forwarders and hauliers. */
async function requireReceivingParty(reads: LedgerReads, field: string, orgId: string): Promise<void> {
  const org = await reads.identity.getOrganisation(orgId);
  if (!org || (org.kind !== 'forwarder' && org.kind !== 'haulier')) {
    throw new DomainError('release.command_invalid', `${field} must be a forwarder or haulier organisation`, {
      field,
    });
  }
}

/**
 * Loads the release stream of `visitRef`, decides `input` (or what `input(state)` says) as `principal`, appends
 * the events and a `ChainNotified`, and updates the read models, all in the caller's transaction. The visit must
 * be visible to the caller, or the chain must be (an offeree sees the chain before it sees the box).
 */
export async function executeReleaseCommand(
  context: WriteContext,
  principal: Principal,
  visitRef: string,
  input: ReleaseCommandInput | ((state: ReleaseState, visit: VisitRecord) => ReleaseCommandInput),
): Promise<ReleaseCommandResult> {
  const { tx, now } = context;
  const visit = await tx.getVisit(visitRef);
  if (!visit) throw notFound(visitRef);
  const streamId = releaseStreamId(visitRef);
  const history = await tx.readStream(streamId);
  const state = foldRelease(history);
  const seesVisit = (await visibilityOf(tx, principal, visit)) !== 'none';
  if (!seesVisit && releaseChainVisibility(principal, state) === 'none') throw notFound(visitRef);

  const given = typeof input === 'function' ? input(state, visit) : input;
  if (given.type === 'IssueRelease') await requireReceivingParty(tx, 'firstParty', given.firstParty);
  if (given.type === 'OfferTransfer') await requireReceivingParty(tx, 'to', given.to);
  const command = { ...given, at: now.toISOString(), by: actorOf(principal) } as ReleaseCommand;
  const decided = releaseDecider.decide(command, state);
  const next = decided.reduce(releaseDecider.evolve, state);
  const release = next.release;
  if (!release) throw new DomainError('release.not_found', 'no release has been issued', { visitRef });

  const notified = {
    type: CHAIN_NOTIFIED,
    data: { visitRef, parties: chainParties(release), what: decided.map((event) => event.type) },
  };
  const events = await context.append(streamId, history.length, [...decided.map(toNewEvent), notified]);
  await tx.releases.putRelease(releaseRecordOf(release, history.length + events.length, now.toISOString()));
  await tx.releases.addReleaseParties(visitRef, partiesThatHoldOrHeld(next));
  // A pickup credential binds the right as it was: when the right changes hands, is blocked, revoked or re-dated,
  // every credential issued under it is void (the gate would refuse it anyway; now its record says so too).
  if (state.release && release.rightVersion !== state.release.rightVersion) {
    await voidCredentials(
      context,
      visitRef,
      `release changed: ${decided.map((event) => event.type).join(', ')}`,
    );
  }
  return { visitRef, release: releaseChainView(next, principal) ?? null, events };
}

/** Runs one release command in its own transaction. */
export function runReleaseCommand(
  ledger: Ledger,
  principal: Principal,
  visitRef: string,
  input: ReleaseCommandInput | ((state: ReleaseState, visit: VisitRecord) => ReleaseCommandInput),
): Promise<ReleaseCommandResult> {
  return ledger.write((context) => executeReleaseCommand(context, principal, visitRef, input));
}

/**
 * The line issues the commercial release of its own box and offers it to the first party. The visit must exist
 * and be announced under the caller's carrier code; a line's own boxes only.
 *
 * @example
 * ```ts
 * await issueRelease(ledger, lineDesk, visitRef, { firstParty: 'org-fwd', validFrom, validUntil });
 * ```
 */
export function issueRelease(
  ledger: Ledger,
  principal: Principal,
  visitRef: string,
  input: { firstParty: string; validFrom: string; validUntil: string },
): Promise<ReleaseCommandResult> {
  return runReleaseCommand(ledger, principal, visitRef, (_state, visit) => {
    const line = String((visit.view as { line?: unknown }).line ?? '');
    // Another line's box is not the caller's to know of, let alone release.
    if (principal.orgKind !== 'shipping_line' || line !== principal.orgCode) throw notFound(visitRef);
    return {
      type: 'IssueRelease',
      releaseId: `REL-${Buffer.from(ledger.ids.randomBytes(10)).toString('hex')}`,
      visitRef,
      line,
      ...input,
    };
  });
}

/**
 * Revoke as the policy table means it: the line takes the right back at any time (cutting off everyone
 * downstream); any other party takes back the offer it made, until the next party accepts it.
 */
export function revokeRelease(
  ledger: Ledger,
  principal: Principal,
  visitRef: string,
  input: { reason: string },
): Promise<ReleaseCommandResult> {
  return runReleaseCommand(ledger, principal, visitRef, (state) => {
    const release = state.release;
    const isLine = release !== null && release.lineOrgId === principal.orgId;
    if (!isLine && release?.offer?.from === principal.orgId) return { type: 'WithdrawOffer' };
    return { type: 'RevokeRelease', reason: input.reason };
  });
}

/**
 * The release chain of a visit as `principal` may see it: `visit.not_found` when it sees neither the box nor the
 * chain, `release.not_found` when it sees the box but no chain (none issued, or none of its business).
 *
 * @example
 * ```ts
 * const view = await readRelease(store, haulierPlanner, visitRef); // its predecessor, itself, no more
 * ```
 */
export async function readRelease(
  reads: LedgerReads,
  principal: Principal,
  visitRef: string,
): Promise<ReleaseChainView> {
  const visit = await reads.getVisit(visitRef);
  if (!visit) throw notFound(visitRef);
  const view = releaseChainView(stateOf(await reads.releases.getRelease(visitRef)), principal);
  if (view) return view;
  if ((await visibilityOf(reads, principal, visit)) === 'none') throw notFound(visitRef);
  throw new DomainError('release.not_found', `no release of visit ${visitRef} that you may see`, {
    visitRef,
  });
}

/**
 * The four green lights of a visit at `at`, with their reasons and DCSA 3.0 codes; police holds are left out
 * for status viewers, as in their view of the visit.
 *
 * @example
 * ```ts
 * const { allGreen, lights } = await visitLights(store, gateClerk, visitRef, now.toISOString());
 * ```
 */
export async function visitLights(
  reads: LedgerReads,
  principal: Principal,
  visitRef: string,
  at: string,
): Promise<GreenLights> {
  const visit = await reads.getVisit(visitRef);
  if (!visit) throw notFound(visitRef);
  const visibility = await visibilityOf(reads, principal, visit);
  if (visibility === 'none') throw notFound(visitRef);
  return greenLights(
    {
      visit: foldVisit(await reads.readStream(visitStreamId(visitRef))),
      release: stateOf(await reads.releases.getRelease(visitRef)),
      at,
    },
    { visibility },
  );
}

/** Where a release stands, as an inbox row shows it. */
export type ReleaseInboxState = 'offered' | 'held' | 'issued' | 'blocked' | 'revoked';

/**
 * One row of an organisation's release inbox: the box (by reference and container number, never where it
 * stands), the parties either side of the caller's hand-over and when, and the chain as far as the caller may see
 * it (`releaseChainView`).
 */
export interface ReleaseInboxItem {
  readonly visitRef: string;
  readonly containerNumber: string | null;
  readonly releaseId: string;
  readonly line: string;
  readonly state: ReleaseInboxState;
  /** Who handed, or offers, the right to the caller (for `issued`: the line itself). */
  readonly from: string | null;
  /** Whom the caller offers it to (or, for `issued`, who holds or is offered it now); `null` when nobody. */
  readonly to: string | null;
  readonly offeredAt: string | null;
  readonly acceptedAt: string | null;
  readonly validFrom: string;
  readonly validUntil: string;
  readonly updatedAt: string;
  readonly release: ReleaseChainView;
}

export interface ReleaseInboxPage {
  readonly view: ReleaseInboxView;
  readonly items: readonly ReleaseInboxItem[];
  /** Pass it back as `cursor` for the next page; `null` on the last one. */
  readonly nextCursor: string | null;
}

export const RELEASE_INBOX_DEFAULT_LIMIT = 50;
export const RELEASE_INBOX_MAX_LIMIT = 200;

/** The order of an inbox page: latest change first (`desc`, the default) or oldest first (`asc`). */
export type ReleaseInboxDirection = 'asc' | 'desc';

// The cursor names the order it was made in, so that a page never goes on from a place in the other order.
const encodeCursor = (cursor: ReleaseInboxCursor, direction: ReleaseInboxDirection) =>
  Buffer.from(JSON.stringify([cursor.updatedAt, cursor.visitRef, direction])).toString('base64url');

function decodeCursor(cursor: string, direction: ReleaseInboxDirection): ReleaseInboxCursor {
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parts = undefined;
  }
  if (Array.isArray(parts) && parts.every((part) => typeof part === 'string')) {
    // A cursor handed out before the inbox had a direction is one of latest change first.
    const [updatedAt, visitRef, cursorDirection = 'desc'] = parts as string[];
    if (updatedAt !== undefined && visitRef !== undefined && parts.length <= 3) {
      if (cursorDirection !== direction) {
        throw new AppError('input.invalid', 'the cursor belongs to another order of this list: start again', {
          field: 'cursor',
        });
      }
      return { updatedAt, visitRef };
    }
  }
  throw new AppError('input.invalid', 'cursor is not one this server handed out', { field: 'cursor' });
}

/**
 * One page of the caller organisation's release inbox, latest change first (or oldest first): `offers` awaiting its answer,
 * rights it `held` now, or (a line) releases it `issued`. Each row is cut to what the caller may see of the
 * chain; only its own organisation's rows are looked at, from an index of the `release` read model.
 *
 * @example
 * ```ts
 * const { items, nextCursor } = await listReleaseInbox(store, forwarderDesk, { view: 'offers' });
 * ```
 */
export async function listReleaseInbox(
  reads: LedgerReads,
  principal: Principal,
  query: {
    view: ReleaseInboxView;
    limit?: number;
    cursor?: string;
    state?: ReleaseStateFilter;
    direction?: ReleaseInboxDirection;
  },
): Promise<ReleaseInboxPage> {
  const direction = query.direction ?? 'desc';
  const limit = query.limit ?? RELEASE_INBOX_DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > RELEASE_INBOX_MAX_LIMIT) {
    throw new AppError('input.invalid', `limit must be between 1 and ${RELEASE_INBOX_MAX_LIMIT}`, {
      field: 'limit',
    });
  }
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, direction);
  const records = await reads.releases.listReleaseInbox({
    orgId: principal.orgId,
    view: query.view,
    limit: limit + 1,
    direction,
    ...(after ? { after } : {}),
    ...(query.state ? { state: query.state } : {}),
  });
  const page = records.slice(0, limit);
  const items: ReleaseInboxItem[] = [];
  for (const record of page) {
    const release = releaseChainView(stateOf(record), principal);
    if (!release) continue;
    const visit = await reads.getVisit(record.visitRef);
    items.push(inboxItem(query.view, principal.orgId, record, release, visit?.containerNumber ?? null));
  }
  const last = page.at(-1);
  return {
    view: query.view,
    items,
    nextCursor: records.length > limit && last ? encodeCursor(last, direction) : null,
  };
}

function inboxItem(
  view: ReleaseInboxView,
  orgId: string,
  record: ReleaseRecord,
  release: ReleaseChainView,
  containerNumber: string | null,
): ReleaseInboxItem {
  const offer = release.offer;
  const lastLink = release.chain.at(-1) ?? null;
  const ownLink = [...release.chain].reverse().find((link) => link.orgId === orgId) ?? null;
  const state: ReleaseInboxState = record.revoked
    ? 'revoked'
    : record.blocked
      ? 'blocked'
      : offer !== null
        ? 'offered'
        : record.holder !== null
          ? 'held'
          : 'issued';
  const sides =
    view === 'offers'
      ? { from: offer?.from ?? null, to: offer?.to ?? null, acceptedAt: null }
      : view === 'held'
        ? { from: ownLink?.from ?? null, to: offer?.to ?? null, acceptedAt: ownLink?.acceptedAt ?? null }
        : {
            from: record.lineOrgId,
            to: release.holder ?? offer?.to ?? null,
            acceptedAt: lastLink?.acceptedAt ?? null,
          };
  return {
    visitRef: record.visitRef,
    containerNumber,
    releaseId: record.releaseId,
    line: record.line,
    state,
    ...sides,
    offeredAt: offer?.offeredAt ?? null,
    validFrom: record.validFrom,
    validUntil: record.validUntil,
    updatedAt: record.updatedAt,
    release,
  };
}
