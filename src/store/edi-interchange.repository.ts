import type { Kysely } from 'kysely';
import type {
  EdiInterchangeReads,
  EdiInterchangeRecord,
  EdiInterchangeWrites,
  EdiMessageOutcome,
} from '../app/edi/edi.ports.js';
import type { Database, EdiInterchangeTable } from './schema.js';

type Row = { [K in keyof EdiInterchangeTable]: unknown };

function recordOf(row: Row): EdiInterchangeRecord {
  return {
    interchangeId: String(row.interchange_id),
    sender: String(row.sender),
    recipient: String(row.recipient),
    controlRef: String(row.control_ref),
    orgId: String(row.org_id),
    receivedBy: String(row.received_by),
    sha256: String(row.sha256),
    receivedAt: String(row.received_at),
    auditIndex: Number(row.audit_index),
    messages: JSON.parse(String(row.messages)) as EdiMessageOutcome[],
  };
}

/** The received interchanges on SQLite and PostgreSQL (migration 0042, `edi.ports.ts`). */
export function createEdiInterchangeRepository({ db }: { db: Kysely<Database> }): EdiInterchangeWrites {
  return {
    ...ediInterchangeReads(db),
    async putEdiInterchange(record) {
      await db
        .insertInto('edi_interchange')
        .values({
          interchange_id: record.interchangeId,
          sender: record.sender,
          recipient: record.recipient,
          control_ref: record.controlRef,
          org_id: record.orgId,
          received_by: record.receivedBy,
          sha256: record.sha256,
          received_at: record.receivedAt,
          audit_index: record.auditIndex,
          messages: JSON.stringify(record.messages),
        })
        .execute();
    },
  };
}

export function ediInterchangeReads(db: Kysely<Database>): EdiInterchangeReads {
  return {
    async getEdiInterchange(interchangeId) {
      const row = await db
        .selectFrom('edi_interchange')
        .selectAll()
        .where('interchange_id', '=', interchangeId)
        .executeTakeFirst();
      return row && recordOf(row);
    },
    async findEdiInterchange(orgId, sender, controlRef) {
      const row = await db
        .selectFrom('edi_interchange')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('sender', '=', sender)
        .where('control_ref', '=', controlRef)
        .executeTakeFirst();
      return row && recordOf(row);
    },
    async listEdiInterchanges(query) {
      let select = db.selectFrom('edi_interchange').selectAll();
      if (query.orgId !== undefined) select = select.where('org_id', '=', query.orgId);
      const before = query.before;
      if (before) {
        select = select.where((eb) =>
          eb.or([
            eb('received_at', '<', before.receivedAt),
            eb.and([
              eb('received_at', '=', before.receivedAt),
              eb('interchange_id', '<', before.interchangeId),
            ]),
          ]),
        );
      }
      const rows = await select
        .orderBy('received_at', 'desc')
        .orderBy('interchange_id', 'desc')
        .limit(query.limit)
        .execute();
      return rows.map(recordOf);
    },
  };
}
