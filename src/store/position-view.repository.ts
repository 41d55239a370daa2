/**
 * The `position_view` read model over SQLite and PostgreSQL (issue 15, migration 0038). Each question is one range
 * of its own index, newest first, stopped by the page: "who looked at this box" along `position_view_subject_idx`
 * (kind, subject, viewed_at, audit_index), "which boxes did this person look at" along `position_view_user_idx`
 * (user_id, viewed_at, audit_index, kind, subject). The keyset is a row-value comparison in the index's column order,
 * which both databases read as a range of the index.
 */
import { type Kysely, sql } from 'kysely';
import type {
  PositionViewCursor,
  PositionViewReads,
  PositionViewRecord,
  PositionViewWrites,
} from '../app/alerts/position-view.ports.js';
import type { StoreDialect } from './dialect.js';
import { chunks, toNumber } from './rows.js';
import type { Database } from './schema.js';

const COLUMNS = 7;

interface Row {
  audit_index: number | string | bigint;
  kind: string;
  subject: string;
  user_id: string;
  org_id: string;
  routes: string;
  viewed_at: string;
}

const recordOf = (row: Row): PositionViewRecord => ({
  auditIndex: toNumber(row.audit_index),
  kind: row.kind as PositionViewRecord['kind'],
  subject: row.subject,
  userId: row.user_id,
  orgId: row.org_id,
  routes: row.routes === '' ? [] : row.routes.split(' '),
  viewedAt: row.viewed_at,
});

const limitOf = (limit: number) => Math.max(1, Math.trunc(limit));

export function createPositionViewRepository({
  db,
  dialect,
}: {
  db: Kysely<Database>;
  dialect: StoreDialect;
}): PositionViewReads & PositionViewWrites {
  const rowsPerInsert = Math.floor(dialect.maxParameters / COLUMNS);
  return {
    async putPositionViews(rows) {
      for (const chunk of chunks(rows, rowsPerInsert)) {
        await db
          .insertInto('position_view')
          .values(
            chunk.map((row) => ({
              audit_index: row.auditIndex,
              kind: row.kind,
              subject: row.subject,
              user_id: row.userId,
              org_id: row.orgId,
              // Route names are dotted words without spaces.
              routes: row.routes.join(' '),
              viewed_at: row.viewedAt,
            })),
          )
          .execute();
      }
    },
    async viewersOf({ kind, subject, since, after, limit }) {
      let query = db
        .selectFrom('position_view')
        .selectAll()
        .where('kind', '=', kind)
        .where('subject', '=', subject)
        .where('viewed_at', '>=', since);
      // Within one box, an event has one row: (viewed_at, audit_index) places a row exactly.
      if (after) {
        query = query.where(
          sql<boolean>`(viewed_at, audit_index) < (${after.viewedAt}, ${after.auditIndex})`,
        );
      }
      const rows = await query
        .orderBy('viewed_at', 'desc')
        .orderBy('audit_index', 'desc')
        .limit(limitOf(limit))
        .execute();
      return rows.map(recordOf);
    },
    async viewedBy({ userId, since, after, limit }) {
      let query = db
        .selectFrom('position_view')
        .selectAll()
        .where('user_id', '=', userId)
        .where('viewed_at', '>=', since);
      if (after) query = query.where(afterCursor(after));
      const rows = await query
        .orderBy('viewed_at', 'desc')
        .orderBy('audit_index', 'desc')
        .orderBy('kind', 'desc')
        .orderBy('subject', 'desc')
        .limit(limitOf(limit))
        .execute();
      return rows.map(recordOf);
    },
  };
}

/** Rows after `cursor` in newest-first order: one person's event has a row per visit, so every key column counts. */
function afterCursor(cursor: PositionViewCursor) {
  return sql<boolean>`(viewed_at, audit_index, kind, subject) < (${cursor.viewedAt}, ${cursor.auditIndex}, ${cursor.kind}, ${cursor.subject})`;
}
