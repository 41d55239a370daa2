import { type Migration, sql } from 'kysely';
import type { StoreDialect } from '../dialect.js';
import { APP_ROLE } from './0001_ledger.js';
import { setAlertRules } from './0015_enrolment_confirmation.js';
import type { MigrationDb } from './migration-db.js';

/** The alert rule this migration adds: no quorum of witnesses has cosigned for longer than the allowed lag. */
const WITNESS_LAG_RULE = 'witness.lagging';

const refusal = 'portledger: cosignature is append-only; a correction is a new event';

/**
 * The cosignatures the log's witnesses returned (C2SP tlog-witness add-checkpoint, tlog-cosignature
 * cosignature/v1), one row per witness and checkpoint. They are evidence that outsiders saw this history, so the
 * table is append-only like `checkpoint` (0001): the database refuses UPDATE, DELETE and TRUNCATE, and on
 * PostgreSQL the application role may only read and insert.
 */
export function witnessCosignaturesMigration0017(dialect: StoreDialect): Migration {
  const { int8Type, blobType, orderedTextType } = dialect;
  return {
    async up(db: MigrationDb) {
      await db.schema
        .createTable('cosignature')
        .addColumn('tree_size', int8Type, (c) => c.notNull().check(sql`tree_size >= 0`))
        .addColumn('witness', orderedTextType, (c) => c.notNull())
        .addColumn('key_id', int8Type, (c) => c.notNull())
        .addColumn('root_hash', blobType, (c) => c.notNull())
        .addColumn('timestamp', int8Type, (c) => c.notNull().check(sql`timestamp > 0`))
        .addColumn('line', 'text', (c) => c.notNull())
        .addColumn('received_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('cosignature_pk', ['tree_size', 'witness'])
        .execute();
      await db.schema
        .createIndex('cosignature_witness_idx')
        .on('cosignature')
        .columns(['witness', 'tree_size'])
        .execute();

      if (dialect.name === 'sqlite') {
        for (const operation of ['update', 'delete'] as const) {
          await sql
            .raw(
              `create trigger cosignature_refuse_${operation} before ${operation} on cosignature ` +
                `begin select raise(abort, '${refusal}'); end`,
            )
            .execute(db);
        }
      } else {
        // portledger_refuse_change() is 0001's: it names the table in its message.
        await sql
          .raw(
            'create trigger cosignature_refuse_change before update or delete or truncate on cosignature ' +
              'for each statement execute function portledger_refuse_change()',
          )
          .execute(db);
        await sql.raw(`grant select, insert on cosignature to ${APP_ROLE}`).execute(db);
        await sql.raw(`revoke update, delete, truncate on cosignature from public, ${APP_ROLE}`).execute(db);
      }
      await setAlertRules(db, dialect, (rules) => [...new Set([...rules, WITNESS_LAG_RULE])]);
    },

    async down(db: MigrationDb) {
      await db.deleteFrom('alert').where('rule', '=', WITNESS_LAG_RULE).execute();
      await setAlertRules(db, dialect, (rules) => rules.filter((rule) => rule !== WITNESS_LAG_RULE));
      await db.schema.dropTable('cosignature').ifExists().execute();
    },
  };
}
