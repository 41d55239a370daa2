/**
 * The `partner_event` read model over SQLite and PostgreSQL (issue 16, migration 0040). A page is a range of the
 * primary key (audit index) after the cursor, with the caller's need-to-know scope and the DCSA filters in the WHERE
 * clause; each condition is served by an index that ends in the audit index, so the database reads rows in log order
 * and stops at the page.
 */
import { type Kysely, sql } from 'kysely';
import type {
  PartnerEventQuery,
  PartnerEventReads,
  PartnerEventRow,
  PartnerEventWrites,
} from '../app/partners/partners.ports.js';
import { PARTNER_EVENT_PAGE_MAX } from '../app/partners/partners.ports.js';
import type { JsonObject } from '../app/ports.js';
import type { StoreDialect } from './dialect.js';
import { chunks, toNumber } from './rows.js';
import type { Database } from './schema.js';

const COLUMNS = 14;

interface Row {
  audit_index: number | string | bigint;
  event_id: string;
  visit_ref: string;
  line: string | null;
  terminal: string | null;
  event_kind: string;
  equipment_event_type_code: string;
  event_created_date_time: string;
  event_date_time: string;
  equipment_reference: string;
  carrier_booking_reference: string | null;
  transport_document_reference: string | null;
  retracted_event_id: string | null;
  payload: string;
}

const rowOf = (row: Row): PartnerEventRow => ({
  auditIndex: toNumber(row.audit_index),
  eventId: row.event_id,
  visitRef: row.visit_ref,
  line: row.line,
  terminal: row.terminal,
  eventKind: row.event_kind as PartnerEventRow['eventKind'],
  equipmentEventTypeCode: row.equipment_event_type_code,
  eventCreatedDateTime: row.event_created_date_time,
  eventDateTime: row.event_date_time,
  equipmentReference: row.equipment_reference,
  carrierBookingReference: row.carrier_booking_reference,
  transportDocumentReference: row.transport_document_reference,
  retractedEventId: row.retracted_event_id,
  payload: JSON.parse(row.payload) as JsonObject,
});

const limitOf = (limit: number) => Math.min(Math.max(1, Math.trunc(limit)), PARTNER_EVENT_PAGE_MAX);

const OPERATORS = { gte: '>=', gt: '>', lte: '<=', lt: '<', eq: '=' } as const;

/** The DCSA filters and the cursor of a query, on the alias `p`, ANDed (`true` when there are none). */
function conditionsOf(query: PartnerEventQuery) {
  const conditions = [sql<boolean>`1 = 1`];
  if (query.equipmentReference !== undefined)
    conditions.push(sql<boolean>`p.equipment_reference = ${query.equipmentReference}`);
  if (query.equipmentEventTypeCodes !== undefined)
    conditions.push(
      sql<boolean>`p.equipment_event_type_code in (${sql.join([...query.equipmentEventTypeCodes])})`,
    );
  for (const bound of query.eventCreatedDateTime ?? [])
    conditions.push(sql<boolean>`p.event_created_date_time ${sql.raw(OPERATORS[bound.op])} ${bound.value}`);
  if (query.carrierBookingReference !== undefined)
    conditions.push(sql<boolean>`p.carrier_booking_reference = ${query.carrierBookingReference}`);
  if (query.transportDocumentReference !== undefined)
    conditions.push(sql<boolean>`p.transport_document_reference = ${query.transportDocumentReference}`);
  if (query.current) {
    // T&T 2.2: neither a retraction nor an event a later row retracts (a probe of the partial index on
    // `retracted_event_id`, which an `is null` test cannot use, so it never steers the plan away from the scope).
    conditions.push(
      sql<boolean>`p.retracted_event_id is null and not exists (select 1 from partner_event r where r.retracted_event_id = p.event_id)`,
    );
  }
  if (query.afterIndex !== undefined) conditions.push(sql<boolean>`p.audit_index > ${query.afterIndex}`);
  return conditions;
}

export function createPartnerEventRepository({
  db,
  dialect,
}: {
  db: Kysely<Database>;
  dialect: StoreDialect;
}): PartnerEventReads & PartnerEventWrites {
  const rowsPerInsert = Math.floor(dialect.maxParameters / COLUMNS);
  return {
    async add(rows) {
      for (const chunk of chunks(rows, rowsPerInsert)) {
        await db
          .insertInto('partner_event')
          .values(
            chunk.map((row) => ({
              audit_index: row.auditIndex,
              event_id: row.eventId,
              visit_ref: row.visitRef,
              line: row.line,
              terminal: row.terminal,
              event_kind: row.eventKind,
              equipment_event_type_code: row.equipmentEventTypeCode,
              event_created_date_time: row.eventCreatedDateTime,
              event_date_time: row.eventDateTime,
              equipment_reference: row.equipmentReference,
              carrier_booking_reference: row.carrierBookingReference,
              transport_document_reference: row.transportDocumentReference,
              retracted_event_id: row.retractedEventId,
              payload: JSON.stringify(row.payload),
            })),
          )
          .execute();
      }
    },
    async after(index, limit) {
      const rows = await db
        .selectFrom('partner_event')
        .selectAll()
        .where('audit_index', '>', index)
        .orderBy('audit_index')
        .limit(limitOf(limit))
        .execute();
      return rows.map(rowOf);
    },
    async list(query: PartnerEventQuery) {
      const { scope } = query;
      if (scope.kind === 'none') return [];
      if (scope.kind === 'terminals' && scope.terminals.length === 0) return [];
      if (query.equipmentEventTypeCodes?.length === 0) return [];
      const limit = limitOf(query.limit);
      const where = sql<boolean>`(${sql.join(conditionsOf(query), sql` and `)})`;
      if (scope.kind !== 'parties') {
        const rows = await db
          .selectFrom('partner_event as p')
          .selectAll('p')
          .$if(scope.kind === 'terminals', (qb) =>
            qb.where('p.terminal', 'in', scope.kind === 'terminals' ? [...scope.terminals] : []),
          )
          .where(where)
          .orderBy('p.audit_index')
          .limit(limit)
          .execute();
        return rows.map(rowOf);
      }
      // A line's own boxes and the boxes whose release right the caller holds or held: two ranges, each read in
      // log order along its own index and stopped at the page (`line, audit_index`; `release_party` then
      // `visit_ref, audit_index`), merged. One OR would make the database sort every matching row before the limit.
      const { line, releasePartyOrgId } = scope;
      const held = db
        .selectFrom('release_party as rp')
        .innerJoin('partner_event as p', 'p.visit_ref', 'rp.visit_ref')
        .selectAll('p')
        .where('rp.org_id', '=', releasePartyOrgId)
        // A row of the line's own is read by the first range; here only the others, so none is read twice.
        .$if(line !== undefined, (qb) =>
          qb.where((eb) => eb.or([eb('p.line', 'is', null), eb('p.line', '<>', line ?? '')])),
        )
        .where(where)
        .orderBy('p.audit_index')
        .limit(limit);
      if (line === undefined) return (await held.execute()).map(rowOf);
      const own = db
        .selectFrom('partner_event as p')
        .selectAll('p')
        .where('p.line', '=', line)
        .where(where)
        .orderBy('p.audit_index')
        .limit(limit);
      const rows = await db
        .selectFrom(
          db
            .selectFrom(own.as('own'))
            .selectAll()
            .unionAll(db.selectFrom(held.as('held')).selectAll())
            .as('u'),
        )
        .selectAll()
        .orderBy('audit_index')
        .limit(limit)
        .execute();
      return rows.map(rowOf);
    },
  };
}
