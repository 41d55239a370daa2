import type { Migration } from 'kysely';
import type { StoreDialect } from '../dialect.js';
import { setAlertRules } from './0015_enrolment_confirmation.js';
import type { MigrationDb } from './migration-db.js';

/** The alert rule this migration adds: a read-model row that differs from the fold of the log (issue 10, row E). */
const READ_MODEL_RULE = 'integrity.read_model_mismatch';

/**
 * Lets the `alert` read model hold the integrity watch's read-model alerts (`ReadModelAlertRaised` on the `alerts`
 * stream, `read-model-check.ts`). The rule check is widened from the rules it allows now, so the rules other
 * migrations of the same issue add stay.
 *
 * `down` drops the rows of the rule first: they are derived from the `ReadModelAlertRaised` events, which stay.
 */
export function readModelMismatchRuleMigration0016(dialect: StoreDialect): Migration {
  return {
    async up(db: MigrationDb) {
      await setAlertRules(db, dialect, (rules) => [...new Set([...rules, READ_MODEL_RULE])]);
    },

    async down(db: MigrationDb) {
      await db.deleteFrom('alert').where('rule', '=', READ_MODEL_RULE).execute();
      await setAlertRules(db, dialect, (rules) => rules.filter((rule) => rule !== READ_MODEL_RULE));
    },
  };
}
