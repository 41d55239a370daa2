import type { Kysely } from 'kysely';
import type {
  ReadModelRecords,
  ReadModelTable,
  ReadModelTableReads,
  ReadModelTableWrites,
} from '../app/audit/read-model.ports.js';
import type { StoreDialect } from './dialect.js';
import { toAlertGroup, toCredential, toDriverJob } from './gate.repository.js';
import { toAlert, toCell, toVisit } from './read-model.repository.js';
import { toRelease } from './release.repository.js';
import { chunks, toNumber } from './rows.js';
import type { Database } from './schema.js';

/** The column that names a row's subject: the alert it shows, or the visit whose streams it derives from. */
const SUBJECT_COLUMN = {
  alert: 'alert_id',
  gate_alert_group: 'alert_id',
  visit: 'visit_ref',
  yard_cell: 'visit_ref',
  visit_flag: 'visit_ref',
  release: 'visit_ref',
  release_party: 'visit_ref',
  slot_booking: 'visit_ref',
  driver_job: 'visit_ref',
  pickup_credential: 'visit_ref',
} as const satisfies Record<ReadModelTable, string>;

/**
 * The tables by name alone: every checked table has its subject column, and a `visit_flag` row counting nothing is
 * no flag. One cast, here, instead of one per table.
 */
type AnyTable = Record<string, string | number | bigint | null>;
type Untyped = Kysely<Record<ReadModelTable, AnyTable>>;

/**
 * The read-model tables by subject (`read-model.ports.ts`) over SQL: what the integrity watch reads and what
 * `rebuild-read-models` removes. `db` may be a transaction.
 *
 * @example
 * const tables = createReadModelTablesRepository({ db, dialect });
 * await tables.rowsOf('visit', ['V-…']);
 */
export function createReadModelTablesRepository({
  db,
  dialect,
}: {
  db: Kysely<Database>;
  dialect: StoreDialect;
}): ReadModelTableWrites {
  const untyped = db as unknown as Untyped;
  const perStatement = Math.min(dialect.maxParameters - 10, 500);
  const subjectValues = (table: ReadModelTable, subjects: readonly string[]): (string | number)[] =>
    SUBJECT_COLUMN[table] === 'alert_id' ? subjects.map(Number).filter(Number.isSafeInteger) : [...subjects];

  async function selectRows(table: ReadModelTable, subjects: readonly string[]) {
    const column = SUBJECT_COLUMN[table];
    const rows: AnyTable[] = [];
    for (const chunk of chunks(subjectValues(table, subjects), perStatement)) {
      if (chunk.length === 0) continue;
      let select = untyped.selectFrom(table).selectAll().where(column, 'in', chunk);
      if (table === 'visit_flag') select = select.where('open_alerts', '>', 0);
      rows.push(...((await select.execute()) as AnyTable[]));
    }
    return rows;
  }

  const convert: { [T in ReadModelTable]: (row: never) => ReadModelRecords[T] } = {
    alert: toAlert,
    gate_alert_group: toAlertGroup,
    visit: toVisit,
    yard_cell: toCell,
    visit_flag: (row: { visit_ref: string; open_alerts: number | string }) => ({
      visitRef: row.visit_ref,
      openAlerts: toNumber(row.open_alerts),
    }),
    release: toRelease,
    release_party: (row: { visit_ref: string; org_id: string }) => ({
      visitRef: row.visit_ref,
      orgId: row.org_id,
    }),
    slot_booking: (row: { visit_ref: string; slot_id: string; terminal: string }) => ({
      visitRef: row.visit_ref,
      slotId: row.slot_id,
      terminal: row.terminal,
    }),
    driver_job: toDriverJob,
    pickup_credential: toCredential,
  };

  return {
    // The count the database keeps as rows come and go (migrations 0026 and 0030), with the changes not yet folded
    // into it, not a count of the rows (issue 13).
    async countRows(table) {
      const row = await db
        .selectFrom('read_model_count')
        .select('row_count')
        .where('table_name', '=', table)
        .executeTakeFirst();
      if (row === undefined) return -1;
      const pending = await db
        .selectFrom('read_model_count_change')
        .select((eb) => eb.fn.sum<number | string | null>('delta').as('delta'))
        .where('table_name', '=', table)
        .executeTakeFirst();
      return toNumber(row.row_count) + (pending?.delta == null ? 0 : toNumber(pending.delta));
    },

    async settleCounts() {
      // Read and removed in one statement: a change another session records meanwhile stays for the next time.
      const changes = await db
        .deleteFrom('read_model_count_change')
        .returning(['table_name', 'delta'])
        .execute();
      const sums = new Map<string, number>();
      for (const { table_name, delta } of changes)
        sums.set(table_name, (sums.get(table_name) ?? 0) + toNumber(delta));
      for (const [table, delta] of sums) {
        if (delta === 0) continue;
        await db
          .updateTable('read_model_count')
          .set((eb) => ({ row_count: eb('row_count', '+', delta) }))
          .where('table_name', '=', table)
          .execute();
      }
    },

    async rowsOf<T extends ReadModelTable>(table: T, subjects: readonly string[]) {
      const rows = await selectRows(table, subjects);
      const to = convert[table] as (row: AnyTable) => ReadModelRecords[T];
      return rows.map(to);
    },

    async subjectsAfter(table, after, limit) {
      const column = SUBJECT_COLUMN[table];
      let select = untyped.selectFrom(table).select(column).distinct();
      if (after !== undefined) {
        select = select.where(column, '>', column === 'alert_id' ? Number(after) : after);
      }
      if (table === 'visit_flag') select = select.where('open_alerts', '>', 0);
      const rows = await select.orderBy(column).limit(limit).execute();
      return rows.map((row) => {
        const value = (row as AnyTable)[column] as string | number | bigint;
        return column === 'alert_id' ? String(toNumber(value)) : String(value);
      });
    },

    async removeRows(table, subjects) {
      const column = SUBJECT_COLUMN[table];
      for (const chunk of chunks(subjectValues(table, subjects), perStatement)) {
        if (chunk.length === 0) continue;
        if (table === 'visit_flag') {
          await untyped.updateTable(table).set({ open_alerts: 0 }).where(column, 'in', chunk).execute();
        } else {
          await untyped.deleteFrom(table).where(column, 'in', chunk).execute();
        }
      }
    },

    async projectionVersion() {
      const row = await db
        .selectFrom('read_model_version')
        .select('version')
        .where('id', '=', 1)
        .executeTakeFirst();
      return row === undefined ? undefined : toNumber(row.version);
    },

    async recordProjectionVersion(version) {
      await db
        .insertInto('read_model_version')
        .values({ id: 1, version })
        .onConflict((oc) => oc.column('id').doUpdateSet({ version }))
        .execute();
    },

    async setOpenAlerts(visitRef, openAlerts) {
      await db
        .insertInto('visit_flag')
        .values({ visit_ref: visitRef, open_alerts: openAlerts })
        .onConflict((oc) => oc.column('visit_ref').doUpdateSet({ open_alerts: openAlerts }))
        .execute();
    },
  };
}

/** The read half, so that the store's own `readModels` offers no writes. */
export function readModelTableReads(repository: ReadModelTableReads): ReadModelTableReads {
  return {
    countRows: (table) => repository.countRows(table),
    rowsOf: (table, subjects) => repository.rowsOf(table, subjects),
    subjectsAfter: (table, after, limit) => repository.subjectsAfter(table, after, limit),
    projectionVersion: () => repository.projectionVersion(),
  };
}
