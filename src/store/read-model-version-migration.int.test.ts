import { describe, expect, it } from 'vitest';
import { READ_MODEL_VERSION } from '../app/audit/index.js';
import { storeDialect } from './dialect.js';
import { migrate } from './migrations/index.js';
import { createReadModelTablesRepository } from './read-model-tables.repository.js';
import { makeEvents } from './testing/fixtures.js';
import { migrationTestDatabases } from './testing/migration-databases.js';

const databases = await migrationTestDatabases('rmversion');

describe.each(databases)('0018_read_model_version ($name)', ({ make }) => {
  it('records the current projection version on a fresh database, and the store records a new one', async () => {
    const where = make();
    try {
      const store = await where.openStore();
      try {
        expect(await store.readModels?.projectionVersion()).toBe(READ_MODEL_VERSION);
        await store.writeTransaction((tx) => tx.readModels!.recordProjectionVersion(READ_MODEL_VERSION + 1));
        expect(await store.readModels?.projectionVersion()).toBe(READ_MODEL_VERSION + 1);
      } finally {
        await store.close();
      }
    } finally {
      await where.cleanup();
    }
  });

  it('records 0, built before the version was recorded, on a database whose log already holds events', async () => {
    const where = make();
    try {
      const store = await where.openStore();
      await store.writeTransaction(async (tx) => {
        await tx.appendToStream('visit-a', 0, makeEvents({ streamId: 'visit-a', fromIndex: 0, count: 2 }));
      });
      await store.close();

      const { db, migrator } = await where.openDb();
      try {
        // The database as the release before this migration left it, its log holding events.
        const { error, results } = await migrator.migrateTo('0017_witness_cosignatures');
        expect(error).toBeUndefined();
        const later = [
          '0018_read_model_version',
          '0019_live_visit_index',
          '0020_window_counts',
          '0021_entry_macs',
          '0022_live_alert_indexes',
          '0023_bounded_identity_lists',
          '0024_visit_status_index',
          '0025_enrolment_auth_version',
          '0026_read_model_counts',
          '0027_active_visit_index',
          '0028_bounded_directory_lists',
          '0030_read_model_count_changes',
          '0031_visit_search_keys',
          '0032_release_state_inbox',
          '0033_sorted_directory_lists',
          '0034_window_admit_function',
          '0035_held_visit_index',
          '0036_alert_filter_indexes',
          '0037_detection_cursor',
          '0038_position_view',
          '0039_detection_alert_rules',
          '0040_partner_event',
          '0041_event_subscriptions',
          '0042_edi_interchange',
        ];
        expect(results?.map((r) => r.migrationName)).toEqual([...later].reverse());
        expect((await migrate(db)).applied).toEqual(later);
        const tables = createReadModelTablesRepository({ db, dialect: storeDialect(where.kind) });
        expect(await tables.projectionVersion()).toBe(0);
      } finally {
        await db.destroy();
      }
    } finally {
      await where.cleanup();
    }
  });
});
