/**
 * The work queues' counts over SQLite and PostgreSQL (issue 14, `queue.ports.ts`). Each is a `count(*)` of at most
 * `cap` rows found along an index of a read model — never a fold of the log, never a list loaded to be counted:
 *
 * - offers: `release_offered_to_inbox_idx` (`offered_to_org_id`, 0008); a line's blocked releases: the line's state
 *   index (`line_org_id, revoked, blocked`, 0032);
 * - requests to decide: `approval_status_expiry_idx` (`status, expires_at`, 0023), the live pending ones only; the
 *   terminal and the kind of hold a request names are read from its stored view in the database;
 * - open alerts: one branch per scope of the alert list, each along its `(scope, status, alert_id)` index (0022);
 * - trucks due: `slot_booking_slot_idx`, a range of slot ids being a window of time at one terminal;
 * - drivers' phones: `driver_device_org_idx` (`org_id, status`, 0014);
 * - boxes on hold: `visit_held_idx`, which holds only the visits on hold (0035); their terminal, line and the kinds of
 *   their holds are read from those rows.
 */
import { type Expression, type Kysely, type SelectQueryBuilder, sql } from 'kysely';
import type { AlertQuery } from '../app/alerts/alert.ports.js';
import type {
  DecidableApprovalQuery,
  HeldBoxQuery,
  QueueCountReads,
  SlotIdRange,
} from '../app/queues/queue.ports.js';
import type { StoreDialect } from './dialect.js';
import { visitOnHold } from './migrations/0035_held_visit_index.js';
import type { Database } from './schema.js';

/** The rows a query finds, counted up to `cap`: the database stops reading after them. */
async function countUpTo<T extends keyof Database>(
  db: Kysely<Database>,
  // biome-ignore lint/suspicious/noExplicitAny: any selection of the table; only the rows' number is read
  query: SelectQueryBuilder<Database, T, any>,
  cap: number,
): Promise<number> {
  if (cap <= 0) return 0;
  const row = await db
    .selectFrom(query.select(sql<number>`1`.as('one')).limit(cap).as('counted'))
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirst();
  // PostgreSQL answers a bigint as text.
  return Number(row?.n ?? 0);
}

/** A text field of the JSON object stored as text in `column`, at `path` (object keys), in SQL. */
function jsonText(dialect: StoreDialect, column: string, path: readonly string[]): Expression<string | null> {
  if (dialect.name === 'sqlite') {
    return sql<string | null>`json_extract(${sql.ref(column)}, ${`$.${path.join('.')}`})`;
  }
  const keys = path.map((key) => sql.lit(key));
  const inner = keys
    .slice(0, -1)
    .reduce((json, key) => sql`${json} -> ${key}`, sql`cast(${sql.ref(column)} as json)`);
  return sql<string | null>`(${inner} ->> ${keys.at(-1)!})`;
}

export function createQueueCountRepository({
  db,
  dialect,
}: {
  db: Kysely<Database>;
  dialect: StoreDialect;
}): QueueCountReads {
  return {
    countReleaseOffers(orgId, cap) {
      const query = db
        .selectFrom('release')
        .where('offered_to_org_id', '=', orgId)
        .where('revoked', '=', 0)
        .where('blocked', '=', 0);
      return countUpTo(db, query, cap);
    },

    countBlockedReleases(lineOrgId, cap) {
      const query = db
        .selectFrom('release')
        .where('line_org_id', '=', lineOrgId)
        .where('revoked', '=', 0)
        .where('blocked', '=', 1);
      return countUpTo(db, query, cap);
    },

    countDecidableApprovals(where: DecidableApprovalQuery, cap) {
      if (where.kinds.length === 0) return Promise.resolve(0);
      const terminal = jsonText(dialect, 'view', ['terminal']);
      const holdKind = jsonText(dialect, 'view', ['change', 'kind']);
      const query = db
        .selectFrom('approval')
        .where('status', '=', 'pending')
        .where('expires_at', '>', where.expiresAfter)
        .where('kind', 'in', [...where.kinds])
        .where('requested_by', '<>', where.userId)
        .where('subject', '<>', where.userId)
        .where((eb) =>
          eb.or([
            eb.and([eb(terminal, 'is', null), eb('org_id', '=', where.orgId)]),
            ...(where.terminals.length > 0 ? [eb(terminal, 'in', [...where.terminals])] : []),
          ]),
        )
        .where((eb) =>
          eb.or([
            eb('kind', '<>', 'hold.lift'),
            ...(where.holdKinds.length > 0 ? [eb(holdKind, 'in', [...where.holdKinds])] : []),
          ]),
        );
      return countUpTo(db, query, cap);
    },

    async countOpenAlerts(visibleTo: AlertQuery['visibleTo'], cap, notAboutUser?: string) {
      if (cap <= 0) return 0;
      let open = db.selectFrom('alert').where('status', '=', 'open');
      if (notAboutUser !== undefined) {
        open = open.where((eb) =>
          eb.or([eb('subject_kind', '<>', 'user'), eb('subject_id', '<>', notAboutUser)]),
        );
      }
      if (!visibleTo) return countUpTo(db, open, cap);
      // The alert list's branches (`alertPageQuery`): by rule, by organisation, by terminal; an alert in several
      // (an integrity alert of one's own organisation) is counted once.
      const branches = [
        ...[...new Set(visibleTo.rules)].map((rule) => open.where('rule', '=', rule)),
        open.where('org_id', '=', visibleTo.orgId),
        ...[...new Set(visibleTo.terminals)].map((terminal) => open.where('terminal', '=', terminal)),
      ];
      const visible = branches
        .map((branch, i) =>
          db.selectFrom(branch.select('alert_id').limit(cap).as(`b${i}`)).select('alert_id'),
        )
        .reduce((all, next) => all.union(next));
      const row = await db
        .selectFrom(visible.as('visible'))
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirst();
      return Math.min(Number(row?.n ?? 0), cap);
    },

    async countSlotBookings(ranges: readonly SlotIdRange[], cap) {
      // One terminal's slot ids share its prefix, so the ranges of different terminals never overlap.
      const counts = await Promise.all(
        ranges.map((range) =>
          countUpTo(
            db,
            db
              .selectFrom('slot_booking')
              .where('slot_id', '>=', range.fromSlotId)
              .where('slot_id', '<', range.untilSlotId),
            cap,
          ),
        ),
      );
      return Math.min(
        counts.reduce((sum, n) => sum + n, 0),
        cap,
      );
    },

    countPendingDevices(orgId, cap) {
      const query = db
        .selectFrom('driver_device')
        .where('org_id', '=', orgId)
        .where('status', '=', 'pending');
      return countUpTo(db, query, cap);
    },

    countHeldBoxes(where: HeldBoxQuery, cap) {
      if (where.kinds.length === 0 || where.terminals?.length === 0) return Promise.resolve(0);
      const kinds = sql.join(where.kinds.map((kind) => sql`${kind}`));
      const holdOfKind =
        dialect.name === 'sqlite'
          ? sql<boolean>`exists (select 1 from json_each(visit.view, '$.holds') as h where json_extract(h.value, '$.kind') in (${kinds}))`
          : sql<boolean>`exists (select 1 from json_array_elements(cast(visit.view as json) -> 'holds') as h where h ->> 'kind' in (${kinds}))`;
      let query = db
        .selectFrom('visit')
        .where(sql.raw<boolean>(visitOnHold(dialect)))
        .where(holdOfKind);
      if (where.terminals) query = query.where('terminal', 'in', [...where.terminals]);
      if (where.line !== undefined) query = query.where(jsonText(dialect, 'view', ['line']), '=', where.line);
      return countUpTo(db, query, cap);
    },
  };
}
