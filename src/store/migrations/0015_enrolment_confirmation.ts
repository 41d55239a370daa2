import { type Migration, sql } from 'kysely';
import type { StoreDialect } from '../dialect.js';
import { APP_ROLE } from './0001_ledger.js';
import type { MigrationDb } from './migration-db.js';

/** The alert rule this migration adds: a second enrolment attempt for one person (issue 10, row D). */
const ENROLMENT_RULE = 'auth.enrolment_repeated';

/**
 * Issue 10, row D: a passkey registered through an enrolment link waits for a second person's confirmation.
 *
 * - `enrolment`: one row per passkey registered through a link, with what its confirmer is shown (the device's
 *   AAGUID and user agent, the time, the IP it came from) and the decision. A read model of the `EnrolmentPending`,
 *   `EnrolmentConfirmed` and `EnrolmentRejected` auth events, written in their transaction; never deleted.
 * - the `alert` read model may hold the `auth.enrolment_repeated` rule. Other migrations of the same issue may
 *   widen the rule check too, so this one reads the rules the check allows now and adds its own, rather than
 *   writing a list that would drop theirs. PostgreSQL replaces the check constraint; SQLite cannot alter one, so
 *   the table is rebuilt from its own stored definition (whatever columns, indexes and triggers it has by then)
 *   with the widened list, and its rows copied, inside the migration's transaction.
 */
export function enrolmentConfirmationMigration0015(dialect: StoreDialect): Migration {
  const { orderedTextType: ordered } = dialect;
  return {
    async up(db: MigrationDb) {
      await db.schema
        .createTable('enrolment')
        .addColumn('enrolment_id', ordered, (c) => c.primaryKey())
        .addColumn('user_id', ordered, (c) => c.notNull())
        .addColumn('org_id', ordered, (c) => c.notNull())
        .addColumn('credential_id', ordered, (c) => c.notNull())
        .addColumn('link_id', 'text', (c) => c.notNull())
        .addColumn('status', ordered, (c) =>
          c.notNull().check(sql`status in ('pending', 'confirmed', 'rejected')`),
        )
        .addColumn('created_at', ordered, (c) => c.notNull())
        .addColumn('ip', 'text', (c) => c.notNull())
        .addColumn('user_agent', 'text', (c) => c.notNull())
        .addColumn('aaguid', 'text', (c) => c.notNull())
        .addColumn('decided_by', 'text')
        .addColumn('decided_at', ordered)
        .execute();
      await db.schema
        .createIndex('enrolment_status_idx')
        .on('enrolment')
        .columns(['status', 'created_at'])
        .execute();
      await db.schema.createIndex('enrolment_user_idx').on('enrolment').columns(['user_id']).execute();
      await db.schema
        .createIndex('enrolment_credential_idx')
        .on('enrolment')
        .columns(['credential_id'])
        .execute();
      if (dialect.name === 'postgres') {
        await sql.raw(`grant select, insert, update on enrolment to ${APP_ROLE}`).execute(db);
      }
      await setAlertRules(db, dialect, (rules) => [...new Set([...rules, ENROLMENT_RULE])]);
    },

    async down(db: MigrationDb) {
      // The rows are derived from the `EnrolmentAlertRaised` events of the `alerts` stream (never deleted).
      await db.deleteFrom('alert').where('rule', '=', ENROLMENT_RULE).execute();
      await setAlertRules(db, dialect, (rules) => rules.filter((rule) => rule !== ENROLMENT_RULE));
      await db.schema.dropTable('enrolment').execute();
    },
  };
}

const quotedRules = (text: string): string[] => [...text.matchAll(/'([a-z_.]+)'/g)].map((m) => m[1]!);
const ruleList = (rules: readonly string[]) => rules.map((rule) => `'${rule}'`).join(', ');

/** Replaces the rules the `alert.rule` check allows with `change(current rules)`; later migrations widen it too. */
export async function setAlertRules(
  db: MigrationDb,
  dialect: StoreDialect,
  change: (rules: readonly string[]) => string[],
): Promise<void> {
  if (dialect.name === 'postgres') {
    const { rows } = await sql<{ definition: string }>`
      select pg_get_constraintdef(c.oid) as definition
      from pg_constraint c join pg_class t on t.oid = c.conrelid
      where t.relname = 'alert' and c.conname = 'alert_rule_check'
        and t.relnamespace = (select oid from pg_namespace where nspname = current_schema())`.execute(db);
    const rules = change(quotedRules(rows[0]?.definition ?? ''));
    await sql.raw('alter table alert drop constraint alert_rule_check').execute(db);
    await sql
      .raw(`alter table alert add constraint alert_rule_check check (rule in (${ruleList(rules)}))`)
      .execute(db);
    return;
  }
  const { rows: tables } = await sql<{ sql: string }>`
    select sql from sqlite_master where type = 'table' and name = 'alert'`.execute(db);
  const definition = tables[0]?.sql ?? '';
  const ruleCheck = /rule"?\s+in\s*\(([^)]*)\)/i.exec(definition);
  if (!ruleCheck) throw new Error('0015: the alert table has no rule check to widen');
  const rules = change(quotedRules(ruleCheck[1]!));
  const rebuilt = definition
    .replace(ruleCheck[0], ruleCheck[0].replace(ruleCheck[1]!, ruleList(rules)))
    .replace(/^create table\s+"?alert"?/i, 'create table "alert_rebuilt"');
  const { rows: dependents } = await sql<{ sql: string }>`
    select sql from sqlite_master
    where tbl_name = 'alert' and type in ('index', 'trigger') and sql is not null`.execute(db);
  await sql.raw(rebuilt).execute(db);
  await sql.raw('insert into alert_rebuilt select * from alert').execute(db);
  await sql.raw('drop table alert').execute(db);
  await sql.raw('alter table alert_rebuilt rename to alert').execute(db);
  for (const dependent of dependents) await sql.raw(dependent.sql).execute(db);
}
