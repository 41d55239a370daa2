import { type Migration, sql } from 'kysely';
import type { StoreDialect } from '../dialect.js';
import type { MigrationDb } from './migration-db.js';

/**
 * The boxes on hold (issue 14's work queues): a partial index holding only the visits whose view says `onHold`, so
 * that counting a terminal's, a line's or an authority's held boxes reads the boxes on hold now, never every visit
 * the port has had. The predicate is written exactly as `queue-counts.repository.ts` asks it, which is what lets
 * each database use the index.
 */
export function heldVisitIndexMigration0035(dialect: StoreDialect): Migration {
  return {
    async up(db: MigrationDb) {
      await sql
        .raw(`create index visit_held_idx on visit (terminal, visit_ref) where ${visitOnHold(dialect)}`)
        .execute(db);
    },
    async down(db: MigrationDb) {
      await db.schema.dropIndex('visit_held_idx').ifExists().execute();
    },
  };
}

/** The visit's stored view says it is on hold: the index's predicate and the count's, in the same words. */
export function visitOnHold(dialect: StoreDialect): string {
  return dialect.name === 'sqlite'
    ? `json_extract(view, '$.onHold') = 1`
    : `(cast(view as json) ->> 'onHold') = 'true'`;
}
