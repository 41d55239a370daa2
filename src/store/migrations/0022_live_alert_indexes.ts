import type { Migration } from 'kysely';
import type { MigrationDb } from './migration-db.js';

/** The columns an alert page pins, besides the state (`alertPageQuery` in `read-model.repository.ts`). */
const SCOPES = ['rule', 'org_id', 'terminal'] as const;

/**
 * Alert pages that grow with the live alerts, not with every alert ever raised (issue 13). A page of one state —
 * the unresolved alerts of a terminal, the resolved ones of an organisation — was read through `(terminal,
 * alert_id)` or `(status, alert_id)` (0009): the first walks the terminal's resolved history to find its few open
 * alerts, the second every terminal's open alerts. With the state between the scope and the id, each branch of a
 * page is one backward range scan that stops after the page.
 */
export function liveAlertIndexesMigration0022(): Migration {
  return {
    async up(db: MigrationDb) {
      for (const column of SCOPES) {
        await db.schema
          .createIndex(`alert_${column}_status_idx`)
          .on('alert')
          .columns([column, 'status', 'alert_id desc'])
          .execute();
      }
    },
    async down(db: MigrationDb) {
      for (const column of SCOPES) {
        await db.schema.dropIndex(`alert_${column}_status_idx`).ifExists().execute();
      }
    },
  };
}
