import { type Migration, sql } from 'kysely';
import { type AlertLogEvent, foldAlertRecords, type GateAlertFacts } from '../../app/alerts/index.js';
import type { JsonObject } from '../../app/ports.js';
import type { StoreDialect } from '../dialect.js';
import { toNumber } from '../rows.js';
import { APP_ROLE } from './0001_ledger.js';
import type { MigrationDb } from './migration-db.js';

/**
 * The alert console's read model (issue 5): one row per alert — gate refusals and integrity failures on the
 * `alerts` stream, lockouts on the users' `auth-<userId>` streams — with what people did about it, written in the
 * transaction that appends those events. Listing alerts was a fold of the alerts stream, of every user's auth
 * stream and of one stream per alert on every request; a port raises thousands of alerts a year and has thousands
 * of users. The indexes serve the console's pages, newest first: by status, by terminal (terminal staff), by
 * organisation (lockouts) and by rule (integrity alerts, which everyone with `alert.read` sees).
 *
 * Alerts raised before this migration get their rows here, folded from the log with the functions the use cases
 * write with (`alert-records.ts`), from the visits and users as they stand now — as the console showed them.
 */
export function alertReadModelMigration0009(dialect: StoreDialect): Migration {
  const { orderedTextType: ordered, int8Type } = dialect;
  return {
    async up(db: MigrationDb) {
      await db.schema
        .createTable('alert')
        .addColumn('alert_id', int8Type, (c) => c.primaryKey().check(sql`alert_id >= 0`))
        .addColumn('rule', ordered, (c) =>
          c.notNull().check(sql`rule in ('gate.refused', 'integrity.failed', 'auth.lockout')`),
        )
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
      for (const column of ['status', 'terminal', 'org_id', 'rule']) {
        await db.schema
          .createIndex(`alert_${column}_idx`)
          .on('alert')
          .columns([column, 'alert_id desc'])
          .execute();
      }
      await backfillAlerts(db);

      if (dialect.name === 'postgres') {
        await sql.raw(`grant select, insert, update on alert to ${APP_ROLE}`).execute(db);
      }
    },

    async down(db: MigrationDb) {
      await db.schema.dropTable('alert').ifExists().execute();
    },
  };
}

/** One row per alert raised before the `alert` table existed. */
async function backfillAlerts(db: MigrationDb): Promise<void> {
  const rows: { idx: number | string; stream_id: string; type: string; data: string; recorded_at: string }[] =
    await db
      .selectFrom('event')
      .select(['idx', 'stream_id', 'type', 'data', 'recorded_at'])
      .where((eb) =>
        eb.or([
          eb('stream_id', '=', 'alerts'),
          eb('type', '=', 'AccountLockedOut'),
          eb('type', 'in', ['AlertAcknowledged', 'AlertAssigned', 'AlertResolved']),
        ]),
      )
      .orderBy('idx')
      .execute();
  if (rows.length === 0) return;
  const events: AlertLogEvent[] = rows.map((row) => ({
    index: toNumber(row.idx),
    streamId: row.stream_id,
    type: row.type,
    recordedAt: row.recorded_at,
    data: JSON.parse(row.data) as JsonObject,
  }));

  const orgOfUser = new Map<string, { orgId: string; terminal: string | null }>();
  const userFacts = async (userId: string) => {
    const known = orgOfUser.get(userId);
    if (known) return known;
    const row: { org_id: string; terminals: string } | undefined = await db
      .selectFrom('app_user')
      .innerJoin('organisation', 'organisation.org_id', 'app_user.org_id')
      .select(['app_user.org_id as org_id', 'organisation.terminals as terminals'])
      .where('app_user.user_id', '=', userId)
      .executeTakeFirst();
    const terminals = row ? (JSON.parse(row.terminals) as unknown[]) : [];
    const facts = {
      orgId: row?.org_id ?? '',
      terminal: typeof terminals[0] === 'string' ? terminals[0] : null,
    };
    orgOfUser.set(userId, facts);
    return facts;
  };

  const folded = await foldAlertRecords(events, {
    async gateFacts(data): Promise<GateAlertFacts> {
      const { visitRef, operator } = data as { visitRef?: unknown; operator?: unknown };
      const visit: { container_number: string; terminal: string | null } | undefined =
        typeof visitRef === 'string' && visitRef !== 'unidentified'
          ? await db
              .selectFrom('visit')
              .select(['container_number', 'terminal'])
              .where('visit_ref', '=', visitRef)
              .executeTakeFirst()
          : undefined;
      // Gated out or never identified: the terminal is the one the refusing gate belongs to.
      const terminal =
        visit?.terminal ?? (typeof operator === 'string' ? (await userFacts(operator)).terminal : null);
      return { containerNumber: visit?.container_number ?? null, terminal };
    },
    orgOfUser: async (userId) => (await userFacts(userId)).orgId,
  });

  for (const record of folded.values()) {
    await db
      .insertInto('alert')
      .values({
        alert_id: record.alertId,
        rule: record.rule,
        severity: record.severity,
        raised_at: record.raisedAt,
        subject_kind: record.subjectKind,
        subject_id: record.subjectId,
        terminal: record.terminal,
        org_id: record.orgId,
        summary: record.summary,
        evidence: JSON.stringify(record.evidence),
        status: record.status,
        assigned_to: record.assignedTo,
        acknowledged_by: record.acknowledgedBy,
        resolved_by: record.resolvedBy,
        resolution: record.resolution,
        updated_at: record.updatedAt,
      })
      .execute();
  }
}
