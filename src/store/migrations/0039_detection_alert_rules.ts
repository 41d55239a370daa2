import type { Migration } from 'kysely';
import type { StoreDialect } from '../dialect.js';
import { setAlertRules } from './0015_enrolment_confirmation.js';
import type { MigrationDb } from './migration-db.js';

/**
 * The rules of issue 15's detection alerts (`DetectionAlertRaised`, `detectionAlertRecord`): the engine's rules and
 * the yard survey's three discrepancies. Written out, not imported: a migration states what its schema allowed when
 * it ran, whatever the code says later. `lookup.bulk` was allowed already (0011).
 */
const DETECTION_RULES = [
  'pickup.changed_late',
  'yard.correction_unexplained',
  'release.passed_and_used',
  'visit.void_with_live_release',
  'lookup.outside_chain',
  'visit.vanished',
  'auth.new_device_or_network',
  'auth.impossible_travel',
  'activity.off_hours',
  'auth.failures_then_success',
  'auth.dormant_account',
  'lookup.above_baseline',
  'activity.first_in_role',
  'approval.collusion',
  'survey.missing',
  'survey.unknown',
  'survey.misplaced',
] as const;

/**
 * Issue 15: the `alert` read model may hold the detection rules' alerts. Widens the rule check as 0015 does (reading
 * the rules it allows now and adding these, so another migration's rules stay); down removes their rows, which are
 * derived from `DetectionAlertRaised` events of the log (never deleted), and narrows the check again.
 */
export function detectionAlertRulesMigration0039(dialect: StoreDialect): Migration {
  return {
    async up(db: MigrationDb) {
      await setAlertRules(db, dialect, (rules) => [...new Set([...rules, ...DETECTION_RULES])]);
    },
    async down(db: MigrationDb) {
      await db
        .deleteFrom('alert')
        .where('rule', 'in', [...DETECTION_RULES])
        .execute();
      const added = new Set<string>(DETECTION_RULES);
      await setAlertRules(db, dialect, (rules) => rules.filter((rule) => !added.has(rule)));
    },
  };
}
