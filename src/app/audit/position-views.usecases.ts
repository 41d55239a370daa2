/**
 * Who looked at what, read back (issue 15): "who looked at this box in the last N days" for the box's terminal staff,
 * customs and the police, and "which boxes did this person look at" for investigators. Each row names the audit index
 * of the `PositionsViewed` event that recorded it, whose inclusion proof is the evidence.
 *
 * A view by customs or the police is shown to customs and the police only: a corrupt clerk at the terminal who could
 * see that an officer keeps opening a box would tip off the gang, as a police hold's reason would (MISSION §1–2).
 */

import type { Principal } from '../../domain/index.js';
import {
  POSITION_VIEW_PAGE_MAX,
  type PositionViewCursor,
  type PositionViewRecord,
} from '../alerts/position-view.ports.js';
import { AppError } from '../errors.js';
import type { LedgerReads, LedgerStore } from '../ports.js';
import { readVisit } from '../visits/index.js';

/** How far back a question may reach, in days, and its default. */
export const VIEWS_DAYS_DEFAULT = 30;
export const VIEWS_DAYS_MAX = 366;
export const VIEWS_PAGE_DEFAULT = 50;

/** The organisation kinds whose views only their own kinds may see. */
const INVESTIGATING_KINDS: ReadonlySet<string> = new Set(['customs', 'port_police']);

/** One view as the API shows it: the row, with the person and organisation named. */
export interface ShownView extends PositionViewRecord {
  readonly displayName: string | null;
  readonly orgName: string | null;
  readonly orgKind: string | null;
  /** For a visit row: its container number, when the visit exists. */
  readonly containerNumber: string | null;
}

export interface ViewsPage {
  readonly views: ShownView[];
  /** Where the next page starts (the last row read), `null` at the end. */
  readonly next: PositionViewCursor | null;
}

export interface ViewsQuery {
  readonly days?: number;
  readonly limit?: number;
  readonly after?: PositionViewCursor;
  readonly now: Date;
}

type Reads = Pick<LedgerStore, 'positionViews'> & LedgerReads;

function bounds(query: ViewsQuery): { since: string; limit: number } {
  const days = query.days ?? VIEWS_DAYS_DEFAULT;
  const limit = query.limit ?? VIEWS_PAGE_DEFAULT;
  if (!Number.isInteger(days) || days < 1 || days > VIEWS_DAYS_MAX) {
    throw new AppError('input.invalid', `days must be a whole number from 1 to ${VIEWS_DAYS_MAX}`, { days });
  }
  if (!Number.isInteger(limit) || limit < 1 || limit > POSITION_VIEW_PAGE_MAX) {
    throw new AppError('input.invalid', `limit must be a whole number from 1 to ${POSITION_VIEW_PAGE_MAX}`, {
      limit,
    });
  }
  return { since: new Date(query.now.getTime() - days * 86_400_000).toISOString(), limit };
}

/** The rows with their people, organisations and boxes named, each looked up once per page. */
async function named(reads: Reads, rows: readonly PositionViewRecord[]): Promise<ShownView[]> {
  const users = new Map<string, Promise<{ displayName: string } | undefined>>();
  const orgs = new Map<string, Promise<{ name: string; kind: string } | undefined>>();
  for (const row of rows) {
    if (!users.has(row.userId)) users.set(row.userId, reads.identity.getUser(row.userId));
    if (!orgs.has(row.orgId)) orgs.set(row.orgId, reads.identity.getOrganisation(row.orgId));
  }
  const visitRefs = [...new Set(rows.filter((row) => row.kind === 'visit').map((row) => row.subject))];
  const visits = visitRefs.length > 0 ? await reads.getVisits(visitRefs) : new Map();
  return Promise.all(
    rows.map(async (row) => {
      const user = await users.get(row.userId);
      const org = await orgs.get(row.orgId);
      return {
        ...row,
        routes: [...row.routes],
        displayName: user?.displayName ?? null,
        orgName: org?.name ?? null,
        orgKind: org?.kind ?? null,
        containerNumber: row.kind === 'visit' ? (visits.get(row.subject)?.containerNumber ?? null) : null,
      };
    }),
  );
}

/**
 * Who was shown the yard position (or history) of one visit, newest first. The caller must see the visit in full
 * (its terminal's staff, customs and police in a passkey session): anyone else gets `visit.not_found`, as for no
 * visit. A page read from the index may lose rows to the tip-off rule above, so it may hold fewer than `limit` rows
 * and still name a `next`.
 *
 * @example
 * ```ts
 * const { views } = await visitViewers(store, planner, 'V-…', { days: 30, now: new Date() });
 * ```
 */
export async function visitViewers(
  reads: Reads,
  principal: Principal,
  visitRef: string,
  query: ViewsQuery,
): Promise<ViewsPage> {
  const { since, limit } = bounds(query);
  const visit = await readVisit(reads, principal, visitRef);
  // Seen in full (its position field is there, even once the box has left the yard and it is null): a box that is
  // gone is exactly the one whose viewers an investigator asks for.
  if (!('slot' in visit)) throw new AppError('visit.not_found', `no visit ${visitRef}`, { visitRef });
  const rows = await reads.positionViews.viewersOf({
    kind: 'visit',
    subject: visitRef,
    since,
    limit,
    ...(query.after ? { after: query.after } : {}),
  });
  const shown = await named(reads, rows);
  const seesInvestigators = INVESTIGATING_KINDS.has(principal.orgKind);
  return {
    views: shown.filter(
      (view) => seesInvestigators || view.orgKind === null || !INVESTIGATING_KINDS.has(view.orgKind),
    ),
    next: rows.length < limit ? null : cursorOf(rows.at(-1)!),
  };
}

/**
 * Which boxes (and which terminals' yard maps) one person was shown, newest first: for customs and investigators
 * (`audit.views.read`), who see every box. An unknown person has no views: the answer is empty, not an error, so
 * that it confirms nothing about who has an account.
 */
export async function viewsOfPerson(reads: Reads, userId: string, query: ViewsQuery): Promise<ViewsPage> {
  const { since, limit } = bounds(query);
  const rows = await reads.positionViews.viewedBy({
    userId,
    since,
    limit,
    ...(query.after ? { after: query.after } : {}),
  });
  return { views: await named(reads, rows), next: rows.length < limit ? null : cursorOf(rows.at(-1)!) };
}

const cursorOf = (row: PositionViewRecord): PositionViewCursor => ({
  viewedAt: row.viewedAt,
  auditIndex: row.auditIndex,
  kind: row.kind,
  subject: row.subject,
});
