/** The `partner_event` read model in memory (issue 16), held to the SQL stores by `partner-event.contract.ts`. */
import {
  PARTNER_EVENT_PAGE_MAX,
  type PartnerEventQuery,
  type PartnerEventReads,
  type PartnerEventRow,
} from '../app/partners/partners.ports.js';
import { StoreIntegrityError } from '../app/ports.js';

/** Rows by audit index. */
export type PartnerEventTable = Map<number, PartnerEventRow>;

const limitOf = (limit: number) => Math.min(Math.max(1, Math.trunc(limit)), PARTNER_EVENT_PAGE_MAX);

const COMPARE = {
  gte: (a: string, b: string) => a >= b,
  gt: (a: string, b: string) => a > b,
  lte: (a: string, b: string) => a <= b,
  lt: (a: string, b: string) => a < b,
  eq: (a: string, b: string) => a === b,
} as const;

function inScope(
  row: PartnerEventRow,
  scope: PartnerEventQuery['scope'],
  releaseParties: (visitRef: string) => ReadonlySet<string> | undefined,
): boolean {
  switch (scope.kind) {
    case 'all':
      return true;
    case 'none':
      return false;
    case 'terminals':
      return row.terminal !== null && scope.terminals.includes(row.terminal);
    case 'parties':
      return (
        (scope.line !== undefined && row.line === scope.line) ||
        (releaseParties(row.visitRef)?.has(scope.releasePartyOrgId) ?? false)
      );
  }
}

export function memoryPartnerEventReads(
  table: () => PartnerEventTable,
  releaseParties: (visitRef: string) => ReadonlySet<string> | undefined,
): PartnerEventReads {
  const ordered = () => [...table().values()].sort((a, b) => a.auditIndex - b.auditIndex);
  return {
    async after(index, limit) {
      return ordered()
        .filter((row) => row.auditIndex > index)
        .slice(0, limitOf(limit));
    },
    async list(query) {
      const rows = ordered();
      const retracted = new Set(
        rows.flatMap((row) => (row.retractedEventId === null ? [] : [row.retractedEventId])),
      );
      return rows
        .filter(
          (row) =>
            inScope(row, query.scope, releaseParties) &&
            (query.afterIndex === undefined || row.auditIndex > query.afterIndex) &&
            (query.equipmentReference === undefined || row.equipmentReference === query.equipmentReference) &&
            (query.equipmentEventTypeCodes === undefined ||
              query.equipmentEventTypeCodes.includes(row.equipmentEventTypeCode)) &&
            (query.eventCreatedDateTime ?? []).every((bound) =>
              COMPARE[bound.op](row.eventCreatedDateTime, bound.value),
            ) &&
            (query.carrierBookingReference === undefined ||
              row.carrierBookingReference === query.carrierBookingReference) &&
            (query.transportDocumentReference === undefined ||
              row.transportDocumentReference === query.transportDocumentReference) &&
            (!query.current || (row.retractedEventId === null && !retracted.has(row.eventId))),
        )
        .slice(0, limitOf(query.limit));
    },
  };
}

/** Puts rows into `staged`, refusing an audit index already held (rows are only ever inserted). */
export function addMemoryPartnerEvents(
  committed: PartnerEventTable,
  staged: PartnerEventTable,
  rows: readonly PartnerEventRow[],
): void {
  // The event id is derived from the event's own unique id; the audit index is the key the SQL stores enforce too.
  for (const row of rows) {
    if (committed.has(row.auditIndex) || staged.has(row.auditIndex)) {
      throw new StoreIntegrityError('store.duplicate', `partner event ${row.auditIndex} is already stored`);
    }
    staged.set(row.auditIndex, structuredClone(row));
  }
}
