import { type Migration, sql } from 'kysely';
import type { StoreDialect } from '../dialect.js';
import type { MigrationDb } from './migration-db.js';

const RULES_BEFORE = `'gate.refused', 'integrity.failed', 'auth.lockout'`;
const RULES_AFTER = `'gate.refused', 'integrity.failed', 'auth.lockout', 'lookup.bulk'`;

/**
 * Lets the `alert` read model hold the bulk look-up rule (`lookup.bulk`, MISSION §1: "bulk look-ups are themselves
 * a signal"): `0009_alert_read_model` checks the rule against the three rules of its day.
 *
 * PostgreSQL replaces the column's check constraint. SQLite cannot alter a constraint, so the table is rebuilt
 * with the same columns and indexes and its rows copied, inside the migration's transaction.
 *
 * `down` puts the old check back; it first drops the `lookup.bulk` rows, which are derived from the
 * `LookupAlertRaised` events of the `alerts` stream (events are never deleted).
 */
export function lookupAlertRuleMigration0011(dialect: StoreDialect): Migration {
  const allowRules = async (db: MigrationDb, rules: string) => {
    if (dialect.name === 'postgres') {
      await sql.raw('alter table alert drop constraint alert_rule_check').execute(db);
      await sql
        .raw(`alter table alert add constraint alert_rule_check check (rule in (${rules}))`)
        .execute(db);
      return;
    }
    await rebuildSqliteAlertTable(db, dialect, rules);
  };
  return {
    async up(db: MigrationDb) {
      await allowRules(db, RULES_AFTER);
    },

    async down(db: MigrationDb) {
      await db.deleteFrom('alert').where('rule', '=', 'lookup.bulk').execute();
      await allowRules(db, RULES_BEFORE);
    },
  };
}

/** The `alert` table as `0009_alert_read_model` made it, with the rule checked against `rules`. */
async function rebuildSqliteAlertTable(db: MigrationDb, dialect: StoreDialect, rules: string): Promise<void> {
  const { orderedTextType: ordered, int8Type } = dialect;
  await db.schema
    .createTable('alert_rebuilt')
    .addColumn('alert_id', int8Type, (c) => c.primaryKey().check(sql`alert_id >= 0`))
    .addColumn('rule', ordered, (c) => c.notNull().check(sql.raw(`rule in (${rules})`)))
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('raised_at', ordered, (c) => c.notNull())
    .addColumn('subject_kind', 'text', (c) => c.notNull())
    .addColumn('subject_id', ordered, (c) => c.notNull())
    .addColumn('terminal', ordered)
    .addColumn('org_id', ordered)
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('evidence', 'text', (c) => c.notNull())
    .addColumn('status', ordered, (c) =>
      c.notNull().check(sql`status in ('open', 'acknowledged', 'resolved')`),
    )
    .addColumn('assigned_to', 'text')
    .addColumn('acknowledged_by', 'text')
    .addColumn('resolved_by', 'text')
    .addColumn('resolution', 'text')
    .addColumn('updated_at', ordered, (c) => c.notNull())
    .execute();
  const columns = [
    'alert_id',
    'rule',
    'severity',
    'raised_at',
    'subject_kind',
    'subject_id',
    'terminal',
    'org_id',
    'summary',
    'evidence',
    'status',
    'assigned_to',
    'acknowledged_by',
    'resolved_by',
    'resolution',
    'updated_at',
  ].join(', ');
  await sql.raw(`insert into alert_rebuilt (${columns}) select ${columns} from alert`).execute(db);
  await db.schema.dropTable('alert').execute();
  await sql.raw('alter table alert_rebuilt rename to alert').execute(db);
  for (const column of ['status', 'terminal', 'org_id', 'rule']) {
    await db.schema
      .createIndex(`alert_${column}_idx`)
      .on('alert')
      .columns([column, 'alert_id desc'])
      .execute();
  }
}
