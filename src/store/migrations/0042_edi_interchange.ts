import { type Migration, sql } from 'kysely';
import type { StoreDialect } from '../dialect.js';
import { APP_ROLE } from './0001_ledger.js';
import type { MigrationDb } from './migration-db.js';

/**
 * The UN/EDIFACT interchanges received and applied (issue 17): one row per interchange, inserted in the transaction
 * that appends its `EdiInterchangeReceived` event. The unique (org_id, sender, control_ref) is the duplicate check
 * (ISO 9735-1 §5: the sender keeps UNB 0020 unique), per organisation: any organisation may write any UNB sender, so
 * a reference another organisation used first must neither block nor reveal this one's interchange; the (org_id, received_at) index serves the console's list, newest
 * first. Rows are only ever inserted: the application role may not update or delete them on PostgreSQL.
 */
export function ediInterchangeMigration0042(dialect: StoreDialect): Migration {
  const { int8Type, orderedTextType } = dialect;
  return {
    async up(db: MigrationDb) {
      await db.schema
        .createTable('edi_interchange')
        .addColumn('interchange_id', orderedTextType, (c) => c.primaryKey())
        .addColumn('sender', orderedTextType, (c) => c.notNull())
        .addColumn('recipient', 'text', (c) => c.notNull())
        .addColumn('control_ref', orderedTextType, (c) => c.notNull())
        .addColumn('org_id', orderedTextType, (c) => c.notNull())
        .addColumn('received_by', 'text', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('received_at', orderedTextType, (c) => c.notNull())
        .addColumn('audit_index', int8Type, (c) => c.notNull())
        // The per-message outcomes as JSON text (a list; small: a reference, a type, the events' indexes).
        .addColumn('messages', 'text', (c) => c.notNull())
        .addUniqueConstraint('edi_interchange_sender_ref_uq', ['org_id', 'sender', 'control_ref'])
        .execute();
      await db.schema
        .createIndex('edi_interchange_org_idx')
        .on('edi_interchange')
        .columns(['org_id', 'received_at', 'interchange_id'])
        .execute();
      await db.schema
        .createIndex('edi_interchange_received_idx')
        .on('edi_interchange')
        .columns(['received_at', 'interchange_id'])
        .execute();
      if (dialect.name === 'postgres') {
        await sql.raw(`grant select, insert on edi_interchange to ${APP_ROLE}`).execute(db);
      }
    },
    async down(db: MigrationDb) {
      await db.schema.dropTable('edi_interchange').ifExists().execute();
    },
  };
}
