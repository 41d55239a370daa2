import type { Migration } from 'kysely';
import type { MigrationDb } from './migration-db.js';

/**
 * The alert list's filters (issue 14): by rule, by severity, and the alerts assigned to me, each combinable with the
 * state. A filtered branch of a page (`alertPageQuery` in `read-model.repository.ts`) pins its scope, the filter and
 * the state, then reads the ids in either direction; with the filter between the scope and the state, that is one
 * range scan stopped by the page, never a walk through the scope's whole history looking for the few that match.
 * The rule scope with a rule filter, and a rule filter alone, use `alert_rule_status_idx` (0022). The alerts
 * assigned to someone are one range whatever the caller's scope, which is checked on the few rows it holds.
 */
const INDEXES: readonly { readonly name: string; readonly columns: readonly string[] }[] = [
  { name: 'alert_assigned_to_status_idx', columns: ['assigned_to', 'status', 'alert_id'] },
  { name: 'alert_org_id_rule_status_idx', columns: ['org_id', 'rule', 'status', 'alert_id'] },
  { name: 'alert_terminal_rule_status_idx', columns: ['terminal', 'rule', 'status', 'alert_id'] },
  { name: 'alert_severity_status_idx', columns: ['severity', 'status', 'alert_id'] },
  { name: 'alert_rule_severity_status_idx', columns: ['rule', 'severity', 'status', 'alert_id'] },
  { name: 'alert_org_id_severity_status_idx', columns: ['org_id', 'severity', 'status', 'alert_id'] },
  { name: 'alert_terminal_severity_status_idx', columns: ['terminal', 'severity', 'status', 'alert_id'] },
];

export function alertFilterIndexesMigration0036(): Migration {
  return {
    async up(db: MigrationDb) {
      for (const index of INDEXES) {
        await db.schema
          .createIndex(index.name)
          .on('alert')
          .columns([...index.columns])
          .execute();
      }
    },
    async down(db: MigrationDb) {
      for (const index of INDEXES) await db.schema.dropIndex(index.name).ifExists().execute();
    },
  };
}
