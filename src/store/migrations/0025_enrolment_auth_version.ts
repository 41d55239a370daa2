import type { Migration } from 'kysely';
import type { MigrationDb } from './migration-db.js';

/**
 * Where each enrolment began in its person's `auth-<userId>` stream (issue 13): the version of its
 * `EnrolmentPending` event. The wrong confirmation codes typed for an enrolment (`EnrolmentCodeMismatch`, five lock
 * it) are counted from there instead of over every login, logout and step-up the person ever made; the log is still
 * what counts them, and the version is believed only where the log shows that enrolment's `EnrolmentPending` at it.
 * Older rows have none, and are counted over the whole stream as before.
 */
export function enrolmentAuthVersionMigration0025(): Migration {
  return {
    async up(db: MigrationDb) {
      await db.schema.alterTable('enrolment').addColumn('began_at_auth_version', 'integer').execute();
    },
    async down(db: MigrationDb) {
      await db.schema.alterTable('enrolment').dropColumn('began_at_auth_version').execute();
    },
  };
}
