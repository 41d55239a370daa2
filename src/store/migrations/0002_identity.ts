import { type Migration, sql } from 'kysely';
import type { StoreDialect } from '../dialect.js';
import { IDENTITY_TABLES } from '../schema.js';
import { APP_ROLE } from './0001_ledger.js';
import type { MigrationDb } from './migration-db.js';

/**
 * The identity tables: organisations, users, their credentials and sessions, enrolment links, API tokens, WebAuthn
 * challenges, approval requests and login throttling. Unlike the log they are updated and deleted in place: they
 * are read models and secret stores, and every change to them is recorded as an event in the same transaction.
 * Times and sort keys are byte-ordered text, so that `expires_at > ?` and listings agree on both databases.
 */
export function identityMigration0002(dialect: StoreDialect): Migration {
  const { int8Type, blobType, orderedTextType: ordered } = dialect;
  return {
    async up(db: MigrationDb) {
      await db.schema
        .createTable('organisation')
        .addColumn('org_id', ordered, (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('code', ordered, (c) => c.notNull())
        .addColumn('terminals', 'text', (c) => c.notNull())
        .addColumn('created_at', ordered, (c) => c.notNull())
        .addUniqueConstraint('organisation_code_unique', ['code'])
        .execute();

      await db.schema
        .createTable('app_user')
        .addColumn('user_id', ordered, (c) => c.primaryKey())
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('username', ordered, (c) => c.notNull())
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('roles', 'text', (c) => c.notNull())
        .addColumn('locked_at', ordered)
        .addColumn('created_at', ordered, (c) => c.notNull())
        .addColumn('security_epoch', 'integer', (c) => c.notNull())
        .addUniqueConstraint('app_user_username_unique', ['username'])
        .execute();
      await db.schema.createIndex('app_user_org_id_idx').on('app_user').column('org_id').execute();

      await db.schema
        .createTable('passkey')
        .addColumn('credential_id', ordered, (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('public_key', blobType, (c) => c.notNull())
        .addColumn('counter', int8Type, (c) => c.notNull().check(sql`counter >= 0`))
        .addColumn('transports', 'text', (c) => c.notNull())
        .addColumn('label', 'text', (c) => c.notNull())
        .addColumn('created_at', ordered, (c) => c.notNull())
        .addColumn('last_used_at', ordered)
        .execute();
      await db.schema.createIndex('passkey_user_id_idx').on('passkey').column('user_id').execute();

      await db.schema
        .createTable('password_credential')
        .addColumn('user_id', 'text', (c) => c.primaryKey())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('totp_secret_sealed', blobType)
        .addColumn('totp_last_step', int8Type, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('session')
        .addColumn('id_hash', blobType, (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('csrf_token', 'text', (c) => c.notNull())
        .addColumn('method', 'text', (c) => c.notNull().check(sql`method in ('passkey', 'password_totp')`))
        .addColumn('created_at', ordered, (c) => c.notNull())
        .addColumn('last_seen_at', ordered, (c) => c.notNull())
        .addColumn('expires_at', ordered, (c) => c.notNull())
        .addColumn('step_up_at', ordered)
        .addColumn('security_epoch', 'integer', (c) => c.notNull())
        .addColumn('revoked_at', ordered)
        .addColumn('ip', 'text', (c) => c.notNull())
        .addColumn('user_agent', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('session_user_id_idx').on('session').column('user_id').execute();

      await db.schema
        .createTable('enrolment_link')
        .addColumn('token_hash', blobType, (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('expires_at', ordered, (c) => c.notNull())
        .addColumn('used_at', ordered)
        .addColumn('issued_by', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('api_token')
        .addColumn('token_id', ordered, (c) => c.primaryKey())
        .addColumn('token_hash', blobType, (c) => c.notNull())
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('permissions', 'text', (c) => c.notNull())
        .addColumn('label', 'text', (c) => c.notNull())
        .addColumn('created_at', ordered, (c) => c.notNull())
        .addColumn('expires_at', ordered, (c) => c.notNull())
        .addColumn('revoked_at', ordered)
        .addUniqueConstraint('api_token_token_hash_unique', ['token_hash'])
        .execute();
      await db.schema.createIndex('api_token_org_id_idx').on('api_token').column('org_id').execute();

      await db.schema
        .createTable('webauthn_challenge')
        .addColumn('challenge_id', 'text', (c) => c.primaryKey())
        .addColumn('challenge', 'text', (c) => c.notNull())
        .addColumn('purpose', 'text', (c) =>
          c.notNull().check(sql`purpose in ('register', 'login', 'step_up')`),
        )
        .addColumn('user_id', 'text')
        .addColumn('expires_at', ordered, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('approval')
        .addColumn('request_id', ordered, (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('requested_by', 'text', (c) => c.notNull())
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('expires_at', ordered, (c) => c.notNull())
        .addColumn('view', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('approval_status_idx')
        .on('approval')
        .columns(['status', 'org_id'])
        .execute();

      // Several failures may share one millisecond: no key, only the index the throttle's range query needs.
      await db.schema
        .createTable('login_failure')
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('at', ordered, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('login_failure_key_at_idx')
        .on('login_failure')
        .columns(['key', 'at'])
        .execute();

      if (dialect.name === 'postgres') {
        await sql
          .raw(`grant select, insert, update, delete on ${IDENTITY_TABLES.join(', ')} to ${APP_ROLE}`)
          .execute(db);
      }
    },

    async down(db: MigrationDb) {
      for (const table of [...IDENTITY_TABLES].reverse()) {
        await db.schema.dropTable(table).ifExists().execute();
      }
    },
  };
}
