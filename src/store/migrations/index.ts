import {
  type Migration,
  type MigrationProvider,
  type MigrationResult,
  type MigrationResultSet,
  Migrator,
  PostgresAdapter,
  sql,
} from 'kysely';
import { type StoreDialectName, storeDialect } from '../dialect.js';
import { ledgerMigration0001 } from './0001_ledger.js';
import { identityMigration0002 } from './0002_identity.js';
import { apiTokenLastUsedMigration0003 } from './0003_api_token_last_used.js';
import { releasesMigration0004 } from './0004_releases.js';
import { gateMigration0005 } from './0005_gate.js';
import { visitFlagsMigration0006 } from './0006_visit_flags.js';
import { driverAccountsMigration0007 } from './0007_driver_accounts.js';
import { releaseInboxesMigration0008 } from './0008_release_inboxes.js';
import { alertReadModelMigration0009 } from './0009_alert_read_model.js';
import { dropGateAlertMigration0010 } from './0010_drop_gate_alert.js';
import { lookupAlertRuleMigration0011 } from './0011_lookup_alert_rule.js';
import { gateAlertGroupMigration0012 } from './0012_gate_alert_group.js';
import { driverDevicesMigration0014 } from './0014_driver_devices.js';
import { enrolmentConfirmationMigration0015 } from './0015_enrolment_confirmation.js';
import { readModelMismatchRuleMigration0016 } from './0016_read_model_mismatch_rule.js';
import { witnessCosignaturesMigration0017 } from './0017_witness_cosignatures.js';
import { readModelVersionMigration0018 } from './0018_read_model_version.js';
import { liveVisitIndexMigration0019 } from './0019_live_visit_index.js';
import { windowCountsMigration0020 } from './0020_window_counts.js';
import { entryMacsMigration0021 } from './0021_entry_macs.js';
import { liveAlertIndexesMigration0022 } from './0022_live_alert_indexes.js';
import { boundedIdentityListsMigration0023 } from './0023_bounded_identity_lists.js';
import { visitStatusIndexMigration0024 } from './0024_visit_status_index.js';
import { enrolmentAuthVersionMigration0025 } from './0025_enrolment_auth_version.js';
import { readModelCountsMigration0026 } from './0026_read_model_counts.js';
import { activeVisitIndexMigration0027 } from './0027_active_visit_index.js';
import { boundedDirectoryListsMigration0028 } from './0028_bounded_directory_lists.js';
import { readModelCountChangesMigration0030 } from './0030_read_model_count_changes.js';
import { visitSearchKeysMigration0031 } from './0031_visit_search_keys.js';
import { releaseStateInboxMigration0032 } from './0032_release_state_inbox.js';
import { sortedDirectoryListsMigration0033 } from './0033_sorted_directory_lists.js';
import { windowAdmitFunctionMigration0034 } from './0034_window_admit_function.js';
import { heldVisitIndexMigration0035 } from './0035_held_visit_index.js';
import { alertFilterIndexesMigration0036 } from './0036_alert_filter_indexes.js';
import { detectionCursorMigration0037 } from './0037_detection_cursor.js';
import { positionViewMigration0038 } from './0038_position_view.js';
import { detectionAlertRulesMigration0039 } from './0039_detection_alert_rules.js';
import { partnerEventMigration0040 } from './0040_partner_event.js';
import { eventSubscriptionsMigration0041 } from './0041_event_subscriptions.js';
import { ediInterchangeMigration0042 } from './0042_edi_interchange.js';
import type { MigrationDb } from './migration-db.js';

/**
 * The migrations, in code rather than read from a folder, so that they travel with the compiled `dist/`.
 * Names sort in the order they apply.
 *
 * @example
 * new Migrator({ db, provider: ledgerMigrationProvider('sqlite') });
 */
export function ledgerMigrationProvider(dialect: StoreDialectName): MigrationProvider {
  const d = storeDialect(dialect);
  const migrations: Record<string, Migration> = {
    '0001_ledger': ledgerMigration0001(d),
    '0002_identity': identityMigration0002(d),
    '0003_api_token_last_used': apiTokenLastUsedMigration0003(d),
    '0004_releases': releasesMigration0004(d),
    '0005_gate': gateMigration0005(d),
    '0006_visit_flags': visitFlagsMigration0006(d),
    '0007_driver_accounts': driverAccountsMigration0007(d),
    '0008_release_inboxes': releaseInboxesMigration0008(d),
    '0009_alert_read_model': alertReadModelMigration0009(d),
    '0010_drop_gate_alert': dropGateAlertMigration0010(d),
    '0011_lookup_alert_rule': lookupAlertRuleMigration0011(d),
    '0012_gate_alert_group': gateAlertGroupMigration0012(d),
    '0014_driver_devices': driverDevicesMigration0014(d),
    '0015_enrolment_confirmation': enrolmentConfirmationMigration0015(d),
    '0016_read_model_mismatch_rule': readModelMismatchRuleMigration0016(d),
    '0017_witness_cosignatures': witnessCosignaturesMigration0017(d),
    '0018_read_model_version': readModelVersionMigration0018(d),
    '0019_live_visit_index': liveVisitIndexMigration0019(),
    '0020_window_counts': windowCountsMigration0020(d),
    '0021_entry_macs': entryMacsMigration0021(d),
    '0022_live_alert_indexes': liveAlertIndexesMigration0022(),
    '0023_bounded_identity_lists': boundedIdentityListsMigration0023(),
    '0024_visit_status_index': visitStatusIndexMigration0024(),
    '0025_enrolment_auth_version': enrolmentAuthVersionMigration0025(),
    '0026_read_model_counts': readModelCountsMigration0026(d),
    '0027_active_visit_index': activeVisitIndexMigration0027(),
    '0028_bounded_directory_lists': boundedDirectoryListsMigration0028(d),
    '0030_read_model_count_changes': readModelCountChangesMigration0030(d),
    '0031_visit_search_keys': visitSearchKeysMigration0031(d),
    '0032_release_state_inbox': releaseStateInboxMigration0032(),
    '0033_sorted_directory_lists': sortedDirectoryListsMigration0033(d),
    '0034_window_admit_function': windowAdmitFunctionMigration0034(d),
    '0035_held_visit_index': heldVisitIndexMigration0035(d),
    '0036_alert_filter_indexes': alertFilterIndexesMigration0036(),
    '0037_detection_cursor': detectionCursorMigration0037(d),
    '0038_position_view': positionViewMigration0038(d),
    '0039_detection_alert_rules': detectionAlertRulesMigration0039(d),
    '0040_partner_event': partnerEventMigration0040(d),
    '0041_event_subscriptions': eventSubscriptionsMigration0041(d),
    '0042_edi_interchange': ediInterchangeMigration0042(d),
  };
  return { getMigrations: async () => migrations };
}

export interface MigrateResult {
  /** Names of the migrations this run applied; empty when the schema was already current. */
  readonly applied: readonly string[];
}

/** A migration failed; nothing of the failed migration was kept (both databases have transactional DDL). */
export class MigrationError extends Error {
  readonly code = 'store.migration_failed' as const;
  constructor(
    message: string,
    readonly results: readonly MigrationResult[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'MigrationError';
  }
}

/**
 * Brings the schema up to date. On PostgreSQL it migrates the first schema of the `search_path`, and keeps Kysely's
 * bookkeeping tables there too, so that several schemas in one database stay independent.
 *
 * @example
 * const { applied } = await migrate(db); // ['0001_ledger', …, '0004_releases'] on a fresh database, [] afterwards
 */
export async function migrate(
  db: MigrationDb,
  options: { dialect?: StoreDialectName } = {},
): Promise<MigrateResult> {
  const dialect = options.dialect ?? detectDialect(db);
  const provider = ledgerMigrationProvider(dialect);
  let resultSet: MigrationResultSet;
  if (dialect === 'postgres') {
    // Kysely runs PostgreSQL migrations in one transaction under an advisory lock.
    const migrationTableSchema = await currentSchema(db);
    resultSet = await new Migrator({ db, provider, migrationTableSchema }).migrateToLatest();
  } else {
    resultSet = await migrateSqlite(db, provider);
  }
  const { error, results = [] } = resultSet;
  if (!error) return { applied: results.filter((r) => r.status === 'Success').map((r) => r.migrationName) };
  const failed = results.find((r) => r.status === 'Error')?.migrationName;
  const reason = error instanceof Error ? error.message : String(error);
  throw new MigrationError(
    failed ? `portledger: migration ${failed} failed: ${reason}` : `portledger: migrating failed: ${reason}`,
    results,
    { cause: error },
  );
}

/**
 * Kysely runs SQLite migrations outside any transaction and without a lock, so a failed migration would leave
 * half a schema and two processes opening a fresh file would both run it. SQLite's DDL is transactional: run the
 * whole migration in one `BEGIN IMMEDIATE` transaction, which also makes the second process wait for the first.
 */
async function migrateSqlite(db: MigrationDb, provider: MigrationProvider): Promise<MigrationResultSet> {
  return db.connection().execute(async (connection) => {
    await sql`begin immediate`.execute(connection);
    let resultSet: MigrationResultSet;
    try {
      resultSet = await new Migrator({ db: connection, provider }).migrateToLatest();
    } catch (error) {
      await sql`rollback`.execute(connection);
      throw error;
    }
    await sql.raw(resultSet.error ? 'rollback' : 'commit').execute(connection);
    return resultSet;
  });
}

function detectDialect(db: MigrationDb): StoreDialectName {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

async function currentSchema(db: MigrationDb): Promise<string> {
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  const schema = rows[0]?.schema;
  if (!schema)
    throw new MigrationError('portledger: no existing schema on the search_path to migrate into', []);
  return schema;
}
