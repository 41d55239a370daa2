import { type Migration, sql } from 'kysely';
import type { StoreDialect } from '../dialect.js';
import { APP_ROLE } from './0001_ledger.js';
import { rebuildSqliteAlertTable } from './0011_lookup_alert_rule.js';
import type { MigrationDb } from './migration-db.js';

/** The alert rules this migration adds to the `alert` read model. */
const NEW_RULES = ['driver.device.enrolled_again', 'gate.printed_pass'] as const;

/**
 * Driver devices (issue 10, row C: "a copied pass is worthless"): the phones drivers enrolled, each with the raw
 * Ed25519 public key its rotating pickup passes are signed with, pending until a planner of the driver's haulier
 * confirms it. Derived from the `driver-devices-<userId>` streams in the transactions that append to them.
 *
 * It also lets the `alert` read model hold the two new rules (`driver.device.enrolled_again`,
 * `gate.printed_pass`). Other changes of the same issue add rules too, so the rules are added to whatever the
 * constraint allows when this runs, rather than replaced by a list fixed here.
 */
export function driverDevicesMigration0014(dialect: StoreDialect): Migration {
  const { blobType, orderedTextType: ordered } = dialect;
  return {
    async up(db: MigrationDb) {
      await db.schema
        .createTable('driver_device')
        .addColumn('device_id', ordered, (c) => c.primaryKey())
        .addColumn('org_id', ordered, (c) => c.notNull())
        .addColumn('user_id', ordered, (c) => c.notNull())
        .addColumn('public_key', blobType, (c) => c.notNull())
        .addColumn('fingerprint', 'text', (c) => c.notNull())
        .addColumn('label', 'text', (c) => c.notNull())
        .addColumn('status', ordered, (c) =>
          c.notNull().check(sql`status in ('pending', 'active', 'rejected', 'revoked')`),
        )
        .addColumn('enrolled_at', ordered, (c) => c.notNull())
        .addColumn('ip', 'text', (c) => c.notNull())
        .addColumn('user_agent', 'text', (c) => c.notNull())
        .addColumn('decided_by', 'text')
        .addColumn('decided_at', ordered)
        .execute();
      // The gate's look-up ("this driver's active key") and the planner's inbox ("my haulier's pending devices").
      await db.schema
        .createIndex('driver_device_user_idx')
        .on('driver_device')
        .columns(['user_id', 'enrolled_at'])
        .execute();
      await db.schema
        .createIndex('driver_device_org_idx')
        .on('driver_device')
        .columns(['org_id', 'status', 'enrolled_at'])
        .execute();
      if (dialect.name === 'postgres') {
        await sql.raw(`grant select, insert, update on driver_device to ${APP_ROLE}`).execute(db);
      }
      const rules = await allowedAlertRules(db, dialect);
      await allowAlertRules(db, dialect, [...new Set([...rules, ...NEW_RULES])]);
    },

    async down(db: MigrationDb) {
      await db
        .deleteFrom('alert')
        .where('rule', 'in', [...NEW_RULES])
        .execute();
      const rules = await allowedAlertRules(db, dialect);
      await allowAlertRules(
        db,
        dialect,
        rules.filter((rule) => !(NEW_RULES as readonly string[]).includes(rule)),
      );
      await db.schema.dropTable('driver_device').ifExists().execute();
    },
  };
}

/** The rules the `alert` table's check constraint allows now, read from the catalogue. */
async function allowedAlertRules(db: MigrationDb, dialect: StoreDialect): Promise<string[]> {
  let definition: string;
  if (dialect.name === 'postgres') {
    const { rows } = await sql<{ def: string }>`
      select pg_get_constraintdef(c.oid) as def from pg_constraint c
      where c.conname = 'alert_rule_check' and c.conrelid = 'alert'::regclass`.execute(db);
    definition = rows[0]?.def ?? '';
  } else {
    const { rows } = await sql<{ sql: string }>`
      select sql from sqlite_master where type = 'table' and name = 'alert'`.execute(db);
    definition = /rule in \(([^)]*)\)/.exec(rows[0]?.sql ?? '')?.[1] ?? '';
  }
  const rules = [...definition.matchAll(/'([a-z0-9_.]+)'/g)].map((m) => m[1]!);
  if (rules.length === 0) throw new Error('portledger: cannot read the alert rules the alert table allows');
  return rules;
}

async function allowAlertRules(db: MigrationDb, dialect: StoreDialect, rules: readonly string[]) {
  const list = rules.map((rule) => `'${rule}'`).join(', ');
  if (dialect.name === 'postgres') {
    await sql.raw('alter table alert drop constraint alert_rule_check').execute(db);
    await sql.raw(`alter table alert add constraint alert_rule_check check (rule in (${list}))`).execute(db);
    return;
  }
  await rebuildSqliteAlertTable(db, dialect, list);
}
