import { CompiledQuery, type Kysely, sql } from 'kysely';
import {
  type AlertEvidence,
  type AlertQuery,
  type AlertRecord,
  type AlertStatus,
  type JsonObject,
  MAX_ALERT_PAGE,
  type OccupiedCell,
  type VisitMapFlags,
  type VisitQuery,
  type VisitRecord,
  type VisitSearchHit,
  type VisitSearchQuery,
  type YardCell,
} from '../app/ports.js';
import { matchedKeys, searchKeysOrNone, type VisitSearchKeys } from '../domain/index.js';
import { multiRowInsert, type StoreDialect } from './dialect.js';
import { VISIT_SEARCH_COLUMNS } from './migrations/0031_visit_search_keys.js';
import { chunks, toNumber } from './rows.js';
import {
  type AlertTable,
  type Database,
  ENDED_VISIT_STATUSES,
  type VisitTable,
  type YardCellTable,
} from './schema.js';

/** Page size of `listVisits` when the query names none, and the most it returns at once. */
export const DEFAULT_VISIT_PAGE = 100;
export const MAX_VISIT_PAGE = 1000;

export function toVisit(
  row: { [K in keyof VisitTable]: VisitTable[K] extends { __select__: infer S } ? S : VisitTable[K] },
) {
  const visit: VisitRecord = {
    visitRef: row.visit_ref,
    containerNumber: row.container_number,
    status: row.status,
    terminal: row.terminal,
    streamVersion: row.stream_version,
    lastIndex: toNumber(row.last_idx),
    view: JSON.parse(row.view) as JsonObject,
  };
  const searchKeys = searchKeysOrNone(searchKeysOf(row));
  return searchKeys ? { ...visit, searchKeys } : visit;
}

const SEARCH_FIELDS = Object.keys(VISIT_SEARCH_COLUMNS) as (keyof VisitSearchKeys)[];

function searchKeysOf(row: { [C in (typeof VISIT_SEARCH_COLUMNS)[keyof VisitSearchKeys]]: string | null }) {
  return Object.fromEntries(
    SEARCH_FIELDS.map((field) => [field, row[VISIT_SEARCH_COLUMNS[field]] ?? null]),
  ) as VisitSearchKeys;
}

/** The search columns of a visit row, from the record's keys (all null when it has none). */
function searchColumnsOf(keys: VisitSearchKeys | undefined) {
  return Object.fromEntries(
    SEARCH_FIELDS.map((field) => [VISIT_SEARCH_COLUMNS[field], keys?.[field] ?? null]),
  ) as { [C in (typeof VISIT_SEARCH_COLUMNS)[keyof VisitSearchKeys]]: string | null };
}

export function toCell(row: YardCellTable): OccupiedCell {
  return {
    terminal: row.terminal,
    block: row.block,
    bay: row.bay,
    row: row.row,
    tier: row.tier,
    visitRef: row.visit_ref,
  };
}

type Selected<T> = { [K in keyof T]: T[K] extends { __select__: infer S } ? S : T[K] };

export function toAlert(row: Selected<AlertTable>): AlertRecord {
  return {
    alertId: toNumber(row.alert_id),
    rule: row.rule as AlertRecord['rule'],
    severity: row.severity as AlertRecord['severity'],
    raisedAt: row.raised_at,
    subjectKind: row.subject_kind as AlertRecord['subjectKind'],
    subjectId: row.subject_id,
    terminal: row.terminal,
    orgId: row.org_id,
    summary: row.summary,
    evidence: JSON.parse(row.evidence) as AlertEvidence[],
    status: row.status as AlertRecord['status'],
    assignedTo: row.assigned_to,
    acknowledgedBy: row.acknowledged_by,
    resolvedBy: row.resolved_by,
    resolution: row.resolution,
    updatedAt: row.updated_at,
  };
}

/** Clamps an alert page size to [1, MAX_ALERT_PAGE]. */
export function alertPageSize(limit: number): number {
  return Math.min(Math.max(Math.trunc(Number.isFinite(limit) ? limit : MAX_ALERT_PAGE), 1), MAX_ALERT_PAGE);
}

/** Clamps a page size to [1, MAX_VISIT_PAGE]. */
export function visitPageSize(limit: number | undefined): number {
  return Math.min(Math.max(Math.trunc(limit ?? DEFAULT_VISIT_PAGE), 1), MAX_VISIT_PAGE);
}

/** The columns one branch of an alert page pins to one value, each the first column of an index (0009, 0022). */
type AlertScope = { readonly column: 'rule' | 'org_id' | 'terminal'; readonly value: string };

/** Every state an alert can be in: a filtered page reads one index range per state (0036). */
const ALERT_STATUSES: readonly AlertStatus[] = ['open', 'acknowledged', 'resolved'];

/**
 * One page of alerts, newest first or oldest first (issue 13: no read grows with the history). The caller sees the
 * alerts of some rules, of their organisation, or at their terminals, in some states; an `or` of those filters
 * makes both databases gather every matching alert ever raised and sort them, and resolved alerts pile up for ever.
 * So the page is the union of one branch per (scope, state) pair — `terminal = ? and status = ? and alert_id < ?`
 * — each read along its own index and stopped after `limit` ids, and only the first `limit` of those are fetched.
 * The work is at most branches × `limit` index entries, whatever the size of the table.
 *
 * The list's filters (issue 14) narrow each branch along an index of 0036: a rule or a severity sits between the
 * scope and the state. A rule filter drops the scopes of other rules (they can hold none of its alerts), and one of
 * the caller's own rules is the whole page. The alerts assigned to someone are one range per state, the caller's
 * scope checked on the few rows it holds. With a filter and no state, the branches read each state, so each is
 * still a range in id order. Exported for the query-plan tests; undefined when the query can match nothing.
 */
export function alertPageQuery(db: Kysely<Database>, query: AlertQuery) {
  const limit = alertPageSize(query.limit);
  const direction = query.direction ?? 'desc';
  if (query.statuses !== undefined && query.statuses.length === 0) return undefined;
  const visible = query.visibleTo;
  const { rule, severity, assignedTo } = query;
  const filtered = rule !== undefined || severity !== undefined || assignedTo !== undefined;
  let scopes: (AlertScope | undefined)[] = visible
    ? [
        ...[...new Set(visible.rules)].map((value) => ({ column: 'rule', value }) as const),
        { column: 'org_id', value: visible.orgId },
        ...[...new Set(visible.terminals)].map((value) => ({ column: 'terminal', value }) as const),
      ]
    : [undefined];
  if (rule !== undefined && visible) {
    scopes = visible.rules.includes(rule)
      ? [{ column: 'rule', value: rule }]
      : scopes.filter((scope) => scope?.column !== 'rule');
  }
  // Assigned to someone: one range of `alert_assigned_to_status_idx`, whose rows are checked against every scope.
  const residualScopes = assignedTo !== undefined ? scopes : undefined;
  if (assignedTo !== undefined) scopes = [undefined];
  const statuses: (AlertStatus | undefined)[] = query.statuses
    ? [...new Set(query.statuses)]
    : filtered
      ? [...ALERT_STATUSES]
      : [undefined];
  const branch = (scope: AlertScope | undefined, status: AlertStatus | undefined) => {
    let select = db.selectFrom('alert');
    if (scope) select = select.where(scope.column, '=', scope.value);
    if (assignedTo !== undefined) select = select.where('assigned_to', '=', assignedTo);
    if (rule !== undefined) select = select.where('rule', '=', rule);
    if (severity !== undefined) select = select.where('severity', '=', severity);
    if (status) select = select.where('status', '=', status);
    const notAbout = query.notAboutUser;
    if (notAbout !== undefined) {
      select = select.where((eb) =>
        eb.or([eb('subject_kind', '<>', 'user'), eb('subject_id', '<>', notAbout)]),
      );
    }
    if (residualScopes && visible) {
      select = select.where((eb) =>
        eb.or(residualScopes.flatMap((s) => (s ? [eb(s.column, '=', s.value)] : []))),
      );
    }
    if (query.before !== undefined) select = select.where('alert_id', '<', query.before);
    if (query.after !== undefined) select = select.where('alert_id', '>', query.after);
    return select;
  };
  if (scopes.length === 0) return undefined;
  const pairs = scopes.flatMap((scope) => statuses.map((status) => [scope, status] as const));
  if (pairs.length === 1) {
    const [[scope, status]] = pairs as [readonly [AlertScope | undefined, AlertStatus | undefined]];
    return branch(scope, status).selectAll().orderBy('alert_id', direction).limit(limit);
  }
  const ids = pairs
    .map(([scope, status], i) =>
      db
        .selectFrom(
          branch(scope, status).select('alert_id').orderBy('alert_id', direction).limit(limit).as(`b${i}`),
        )
        .select('alert_id'),
    )
    // `union`, not `union all`: one alert can be in several branches (an integrity alert of one's own organisation).
    .reduce((all, next) => all.union(next))
    .orderBy('alert_id', direction)
    .limit(limit);
  return db.selectFrom('alert').selectAll().where('alert_id', 'in', ids).orderBy('alert_id', direction);
}

/** Visit references compare as their bytes, as the `collate "C"` keys and SQLite's binary text order do. */
const compareRefs = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The statements of a search: one range of one index per key, in reference order, after the cursor. */
export function searchBranches(db: Kysely<Database>, query: VisitSearchQuery, limit: number) {
  const visitRange = (column: keyof VisitTable, value: string) =>
    db
      .selectFrom('visit')
      .select('visit_ref')
      .where(column, '=', value)
      .$call((select) => (query.after === undefined ? select : select.where('visit_ref', '>', query.after)))
      .orderBy('visit_ref')
      .limit(limit);
  return [
    ...(query.containerNumber === null ? [] : [visitRange('container_number', query.containerNumber)]),
    ...Object.values(VISIT_SEARCH_COLUMNS).map((column) => visitRange(column, query.text)),
    db
      .selectFrom('driver_job')
      .select('visit_ref')
      .where('truck_plate', '=', query.text)
      .$call((select) => (query.after === undefined ? select : select.where('visit_ref', '>', query.after)))
      .orderBy('visit_ref')
      .limit(limit),
  ];
}

/** The booking's truck of each of these visits that has a booking, in search form (the booking normalised it). */
async function bookedTrucks(
  db: Kysely<Database>,
  visitRefs: readonly string[],
): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom('driver_job')
    .select(['visit_ref', 'truck_plate'])
    .where('visit_ref', 'in', visitRefs)
    .execute();
  return new Map(rows.map((row) => [row.visit_ref, row.truck_plate]));
}

/**
 * SQL over the read models: visits and occupied yard cells. They are derived from the events and updated in the
 * transaction that appends them. `db` may be a transaction.
 *
 * @example
 * const models = createReadModelRepository({ db, dialect });
 * await models.listVisits({ status: 'in_yard', limit: 50 });
 */
/** The `visit` columns in the order `upsertVisits` binds them. */
const VISIT_COLUMNS = [
  'visit_ref',
  'container_number',
  'status',
  'terminal',
  'stream_version',
  'last_idx',
  'view',
  ...Object.values(VISIT_SEARCH_COLUMNS),
] as const;

export function createReadModelRepository({ db, dialect }: { db: Kysely<Database>; dialect: StoreDialect }) {
  const cellsPerStatement = Math.floor(dialect.maxParameters / 6);
  // Bulk ingest's statements, as fixed SQL text: a query builder would walk every bound value of a big batch.
  const insertVisitsText = multiRowInsert(dialect, 'visit', VISIT_COLUMNS);
  const updates = VISIT_COLUMNS.slice(1)
    .map((column) => `${column} = excluded.${column}`)
    .join(', ');
  const upsertVisitsText = (rows: number) =>
    `${insertVisitsText(rows)} on conflict (visit_ref) do update set ${updates}`;
  const insertCellsText = multiRowInsert(dialect, 'yard_cell', [
    'terminal',
    'block',
    'bay',
    'row',
    'tier',
    'visit_ref',
  ]);
  return {
    async getVisit(visitRef: string): Promise<VisitRecord | undefined> {
      const row = await db
        .selectFrom('visit')
        .selectAll()
        .where('visit_ref', '=', visitRef)
        .executeTakeFirst();
      return row && toVisit(row);
    },

    async findActiveVisit(containerNumber: string): Promise<VisitRecord | undefined> {
      const row = await db
        .selectFrom('visit')
        .selectAll()
        .where('container_number', '=', containerNumber)
        .where('status', 'not in', ENDED_VISIT_STATUSES)
        .orderBy('last_idx', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row && toVisit(row);
    },

    async findActiveVisits(containerNumbers: readonly string[]): Promise<Map<string, VisitRecord>> {
      const found = new Map<string, VisitRecord>();
      for (const chunk of chunks([...new Set(containerNumbers)], dialect.maxParameters - 10)) {
        if (chunk.length === 0) continue;
        const rows = await db
          .selectFrom('visit')
          .selectAll()
          .where('container_number', 'in', chunk)
          .where('status', 'not in', ENDED_VISIT_STATUSES)
          .execute();
        // At most one active visit per number; should there be more, the latest, as `findActiveVisit` says.
        for (const row of rows) {
          const visit = toVisit(row);
          const known = found.get(visit.containerNumber);
          if (!known || known.lastIndex < visit.lastIndex) found.set(visit.containerNumber, visit);
        }
      }
      return found;
    },

    async listVisits(query: VisitQuery): Promise<VisitRecord[]> {
      let select = db.selectFrom('visit').selectAll();
      if (query.containerNumber !== undefined)
        select = select.where('container_number', '=', query.containerNumber);
      if (query.status !== undefined) select = select.where('status', '=', query.status);
      if (query.terminal !== undefined) select = select.where('terminal', '=', query.terminal);
      const direction = query.direction ?? 'asc';
      if (query.after !== undefined)
        select = select.where('visit_ref', direction === 'asc' ? '>' : '<', query.after);
      // Descending pages walk the same indexes (0019, 0024, the key) backward, so neither order sorts.
      const rows = await select.orderBy('visit_ref', direction).limit(visitPageSize(query.limit)).execute();
      return rows.map(toVisit);
    },

    /**
     * One range of one index per key (the container number's, each search column's, the booking truck's), each
     * stopped after `limit` references; the page is the first `limit` of their union, in reference order. Every
     * reference a branch did not reach lies after its last one, so after the page too: the page misses nothing.
     */
    async searchVisits(query: VisitSearchQuery): Promise<VisitSearchHit[]> {
      const limit = visitPageSize(query.limit);
      const branches = searchBranches(db, query, limit);
      const refs = new Set<string>();
      for (const branch of branches) for (const row of await branch.execute()) refs.add(row.visit_ref);
      const page = [...refs].sort(compareRefs).slice(0, limit);
      if (page.length === 0) return [];
      const rows = await db.selectFrom('visit').selectAll().where('visit_ref', 'in', page).execute();
      const visits = new Map(rows.map((row) => [row.visit_ref, toVisit(row)]));
      const booked = await bookedTrucks(db, page);
      return page.flatMap((visitRef) => {
        const visit = visits.get(visitRef);
        if (!visit) return [];
        const matched = matchedKeys(query, {
          containerNumber: visit.containerNumber,
          keys: visit.searchKeys,
          bookedTruckPlate: booked.get(visitRef) ?? null,
        });
        return matched.length > 0 ? [{ visit, matched }] : [];
      });
    },

    async getVisits(visitRefs: readonly string[]): Promise<Map<string, VisitRecord>> {
      const found = new Map<string, VisitRecord>();
      for (const chunk of chunks(visitRefs, dialect.maxParameters - 10)) {
        if (chunk.length === 0) continue;
        const rows = await db.selectFrom('visit').selectAll().where('visit_ref', 'in', chunk).execute();
        for (const row of rows) found.set(row.visit_ref, toVisit(row));
      }
      return found;
    },

    async getAlertRecord(alertId: number): Promise<AlertRecord | undefined> {
      const row = await db.selectFrom('alert').selectAll().where('alert_id', '=', alertId).executeTakeFirst();
      return row && toAlert(row);
    },

    async listAlertRecords(query: AlertQuery): Promise<AlertRecord[]> {
      const page = alertPageQuery(db, query);
      return page ? (await page.execute()).map(toAlert) : [];
    },

    async putAlertRecord(record: AlertRecord): Promise<void> {
      const values = {
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
      };
      await db
        .insertInto('alert')
        .values({ alert_id: record.alertId, ...values })
        .onConflict((oc) => oc.column('alert_id').doUpdateSet(values))
        .execute();
    },

    async upsertVisit(visit: VisitRecord): Promise<void> {
      const values = {
        container_number: visit.containerNumber,
        status: visit.status,
        terminal: visit.terminal,
        stream_version: visit.streamVersion,
        last_idx: visit.lastIndex,
        view: JSON.stringify(visit.view),
        ...searchColumnsOf(visit.searchKeys),
      };
      await db
        .insertInto('visit')
        .values({ visit_ref: visit.visitRef, ...values })
        .onConflict((oc) => oc.column('visit_ref').doUpdateSet(values))
        .execute();
    },

    async visitMapFlags(visitRefs: readonly string[]): Promise<Map<string, VisitMapFlags>> {
      const flags = new Map<string, { released: boolean; openAlerts: number }>();
      const flagOf = (visitRef: string) => {
        const found = flags.get(visitRef) ?? { released: false, openAlerts: 0 };
        flags.set(visitRef, found);
        return found;
      };
      for (const chunk of chunks(visitRefs, dialect.maxParameters - 10)) {
        if (chunk.length === 0) continue;
        const released = await db
          .selectFrom('release')
          .innerJoin('organisation', 'organisation.org_id', 'release.holder_org_id')
          .select('release.visit_ref')
          .where('release.visit_ref', 'in', chunk)
          .where('release.blocked', '=', 0)
          .where('release.revoked', '=', 0)
          .where('organisation.kind', '=', 'haulier')
          .execute();
        for (const row of released) flagOf(row.visit_ref).released = true;
        const alerted = await db
          .selectFrom('visit_flag')
          .select(['visit_ref', 'open_alerts'])
          .where('visit_ref', 'in', chunk)
          .where('open_alerts', '>', 0)
          .execute();
        for (const row of alerted) flagOf(row.visit_ref).openAlerts = toNumber(row.open_alerts);
      }
      return flags;
    },

    async adjustOpenAlerts(visitRef: string, delta: 1 | -1): Promise<void> {
      await db
        .insertInto('visit_flag')
        .values({ visit_ref: visitRef, open_alerts: Math.max(delta, 0) })
        .onConflict((oc) =>
          oc.column('visit_ref').doUpdateSet({
            // Never below zero, whatever order a repair replays raises and resolutions in.
            open_alerts: sql<number>`case when visit_flag.open_alerts + ${delta} < 0 then 0 else visit_flag.open_alerts + ${delta} end`,
          }),
        )
        .execute();
    },

    async occupiedCells(where: {
      terminal: string;
      block: string;
      row: number;
      bays: readonly number[];
    }): Promise<OccupiedCell[]> {
      if (where.bays.length === 0) return [];
      const rows = await db
        .selectFrom('yard_cell')
        .selectAll()
        .where('terminal', '=', where.terminal)
        .where('block', '=', where.block)
        .where('row', '=', where.row)
        .where('bay', 'in', where.bays)
        .orderBy('bay')
        .orderBy('tier')
        .execute();
      return rows.map(toCell);
    },

    /** One statement per few thousand stacks: a primary-key range (terminal, block, bay, row) per bay. */
    async occupiedCellsIn(
      stacks: readonly { terminal: string; block: string; row: number; bays: readonly number[] }[],
    ): Promise<OccupiedCell[]> {
      const keys = stacks.flatMap(({ terminal, block, row, bays }) =>
        bays.map((bay) => [terminal, block, bay, row] as const),
      );
      const cells: OccupiedCell[] = [];
      for (const chunk of chunks(keys, Math.floor((dialect.maxParameters - 10) / 4))) {
        if (chunk.length === 0) continue;
        // A row value in a list of keys: one primary-key range each, where an `or` of thousands of terms would
        // exceed SQLite's expression depth. PostgreSQL types the list's columns from their casts.
        const [text, int] = dialect.name === 'postgres' ? ['::text', '::integer'] : ['', ''];
        const marker = (n: number, cast: string) => `${dialect.parameterMarker(n)}${cast}`;
        const keyList = chunk
          .map(
            (_, i) =>
              `(${marker(4 * i + 1, text)}, ${marker(4 * i + 2, text)}, ${marker(4 * i + 3, int)}, ${marker(4 * i + 4, int)})`,
          )
          .join(', ');
        const { rows } = await db.executeQuery<YardCellTable>(
          CompiledQuery.raw(
            `select terminal, block, bay, row, tier, visit_ref from yard_cell where (terminal, block, bay, row) in (values ${keyList})`,
            chunk.flat(),
          ),
        );
        for (const row of rows) cells.push(toCell(row));
      }
      return cells;
    },

    /** Multi-row upserts; a visit named twice is written once, as its last record. */
    async upsertVisits(visits: readonly VisitRecord[]): Promise<void> {
      const last = [...new Map(visits.map((visit) => [visit.visitRef, visit])).values()];
      for (const chunk of chunks(last, Math.floor(dialect.maxParameters / VISIT_COLUMNS.length))) {
        if (chunk.length === 0) continue;
        await db.executeQuery(
          CompiledQuery.raw(
            upsertVisitsText(chunk.length),
            chunk.flatMap((visit) => {
              const search = searchColumnsOf(visit.searchKeys);
              return [
                visit.visitRef,
                visit.containerNumber,
                visit.status,
                visit.terminal,
                visit.streamVersion,
                visit.lastIndex,
                JSON.stringify(visit.view),
                ...Object.values(VISIT_SEARCH_COLUMNS).map((column) => search[column]),
              ];
            }),
          ),
        );
      }
    },

    async occupyCellsOf(cells: readonly OccupiedCell[]): Promise<void> {
      for (const chunk of chunks(cells, cellsPerStatement)) {
        if (chunk.length === 0) continue;
        await db.executeQuery(
          CompiledQuery.raw(
            insertCellsText(chunk.length),
            chunk.flatMap((c) => [c.terminal, c.block, c.bay, c.row, c.tier, c.visitRef]),
          ),
        );
      }
    },

    async terminalOccupancy(where: { terminal: string; block?: string }): Promise<OccupiedCell[]> {
      let select = db.selectFrom('yard_cell').selectAll().where('terminal', '=', where.terminal);
      if (where.block !== undefined) select = select.where('block', '=', where.block);
      const rows = await select.orderBy('block').orderBy('bay').orderBy('row').orderBy('tier').execute();
      return rows.map(toCell);
    },

    async occupyCells(cells: readonly YardCell[], visitRef: string): Promise<void> {
      for (const chunk of chunks(cells, cellsPerStatement)) {
        await db
          .insertInto('yard_cell')
          .values(
            chunk.map((c) => ({
              terminal: c.terminal,
              block: c.block,
              bay: c.bay,
              row: c.row,
              tier: c.tier,
              visit_ref: visitRef,
            })),
          )
          .execute();
      }
    },

    async vacateCells(cells: readonly YardCell[]): Promise<void> {
      for (const chunk of chunks(cells, cellsPerStatement)) {
        await db
          .deleteFrom('yard_cell')
          .where(({ eb, refTuple, tuple }) =>
            eb(
              refTuple('terminal', 'block', 'bay', 'row', 'tier'),
              'in',
              chunk.map((c) => tuple(c.terminal, c.block, c.bay, c.row, c.tier)),
            ),
          )
          .execute();
      }
    },
  };
}
