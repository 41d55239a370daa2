import { type Migration, sql } from 'kysely';
import type { StoreDialect } from '../dialect.js';
import type { MigrationDb } from './migration-db.js';

/**
 * The directory lists read a keyset page at a time (issue 13), each through an index in its own order, so a page
 * costs the page and not every row the port ever wrote:
 * - a haulier's drivers' phones, every one ever enrolled or those in one state, by (enrolment, id)
 *   (`GET /v1/drivers/devices`);
 * - the party directory, of one kind or all its kinds, by (name, id) (`GET /v1/parties`). An organisation's name is
 *   sorted and paged
 *   on now, so on PostgreSQL it compares byte by byte (`collate "C"`) as every other paged text does: pages and
 *   cursors then agree across databases whatever the server's locale.
 * A haulier's drivers page along the driver table's own key (org, badge reference), and the administrators' list of
 * organisations along the unique code: neither needs an index of its own.
 */
const INDEXES = [
  {
    name: 'driver_device_org_enrolled_idx',
    table: 'driver_device',
    columns: ['org_id', 'enrolled_at', 'device_id'],
  },
  {
    name: 'driver_device_org_status_enrolled_idx',
    table: 'driver_device',
    columns: ['org_id', 'status', 'enrolled_at', 'device_id'],
  },
  // Each kind the directory shows is one range of it; a page of several kinds merges one page of each.
  { name: 'organisation_kind_name_idx', table: 'organisation', columns: ['kind', 'name', 'org_id'] },
] as const;

export function boundedDirectoryListsMigration0028(dialect: StoreDialect): Migration {
  return {
    async up(db: MigrationDb) {
      if (dialect.name === 'postgres') {
        await sql`alter table organisation alter column name type text collate "C"`.execute(db);
      }
      for (const { name, table, columns } of INDEXES) {
        await db.schema
          .createIndex(name)
          .on(table)
          .columns([...columns])
          .execute();
      }
    },
    async down(db: MigrationDb) {
      for (const { name } of INDEXES) await db.schema.dropIndex(name).ifExists().execute();
      if (dialect.name === 'postgres') {
        await sql`alter table organisation alter column name type text collate "default"`.execute(db);
      }
    },
  };
}
