/**
 * The `partner_event` read model over SQLite and PostgreSQL (issue 16, migration 0040). A page is a range of the
 * primary key (audit index) after the cursor, with the caller's need-to-know scope and the DCSA filters in the WHERE
 * clause; each condition is served by an index that ends in the audit index, so the database reads rows in log order
 * and stops at the page.
 */
import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
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
      let select = db.selectFrom('partner_event as p').selectAll('p');
      if (scope.kind === 'terminals') select = select.where('p.terminal', 'in', [...scope.terminals]);
      if (scope.kind === 'parties') {
        const { line, releasePartyOrgId } = scope;
        select = select.where((eb: ExpressionBuilder<Database & { p: Database['partner_event'] }, 'p'>) => {
          const held = eb(
            'p.visit_ref',
            'in',
            eb
              .selectFrom('release_party')
              .select('release_party.visit_ref')
              .where('release_party.org_id', '=', releasePartyOrgId),
          );
          return line === undefined ? held : eb.or([eb('p.line', '=', line), held]);
        });
      }
      if (query.equipmentReference !== undefined)
        select = select.where('p.equipment_reference', '=', query.equipmentReference);
      if (query.equipmentEventTypeCodes !== undefined)
        select = select.where('p.equipment_event_type_code', 'in', [...query.equipmentEventTypeCodes]);
      for (const bound of query.eventCreatedDateTime ?? [])
        select = select.where('p.event_created_date_time', OPERATORS[bound.op], bound.value);
      if (query.carrierBookingReference !== undefined)
        select = select.where('p.carrier_booking_reference', '=', query.carrierBookingReference);
      if (query.transportDocumentReference !== undefined)
        select = select.where('p.transport_document_reference', '=', query.transportDocumentReference);
      if (query.current) {
        select = select
          .where('p.retracted_event_id', 'is', null)
          .where(({ not, exists, selectFrom }) =>
            not(
              exists(
                selectFrom('partner_event as r')
                  .select(sql<number>`1`.as('one'))
                  .whereRef('r.retracted_event_id', '=', 'p.event_id'),
              ),
            ),
          );
      }
      if (query.afterIndex !== undefined) select = select.where('p.audit_index', '>', query.afterIndex);
      const rows = await select.orderBy('p.audit_index').limit(limitOf(query.limit)).execute();
      return rows.map(rowOf);
    },
  };
}
