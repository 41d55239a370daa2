import type { Kysely } from 'kysely';
import type {
  DetectionCursor,
  DetectionCursorReads,
  DetectionCursorWrites,
} from '../app/detection/detection.ports.js';
import type { Database } from './schema.js';

/** The detection engine's place on SQLite and PostgreSQL (migration 0037, `detection.ports.ts`). */
export function createDetectionCursorRepository({ db }: { db: Kysely<Database> }): DetectionCursorWrites {
  return {
    ...detectionCursorReads(db),
    async advanceDetectionCursor(cursor, expectedPosition) {
      const values = { position: cursor.position, state: cursor.state, updated_at: cursor.updatedAt };
      if (expectedPosition === null) {
        // The first place an engine stores: only if no other engine stored one first.
        const result = await db
          .insertInto('detection_cursor')
          .values({ engine_id: cursor.engineId, ...values })
          .onConflict((oc) => oc.column('engine_id').doNothing())
          .executeTakeFirst();
        return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
      }
      const result = await db
        .updateTable('detection_cursor')
        .set(values)
        .where('engine_id', '=', cursor.engineId)
        .where('position', '=', expectedPosition)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
  };
}

export function detectionCursorReads(db: Kysely<Database>): DetectionCursorReads {
  return {
    async getDetectionCursor(engineId) {
      const row = await db
        .selectFrom('detection_cursor')
        .selectAll()
        .where('engine_id', '=', engineId)
        .executeTakeFirst();
      if (!row) return undefined;
      const cursor: DetectionCursor = {
        engineId: row.engine_id,
        position: Number(row.position),
        state: row.state,
        updatedAt: row.updated_at,
      };
      return cursor;
    },
  };
}
