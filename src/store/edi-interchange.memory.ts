import type {
  EdiInterchangeReads,
  EdiInterchangeRecord,
  EdiInterchangeWrites,
} from '../app/edi/edi.ports.js';
import { StoreIntegrityError } from '../app/ports.js';

/** The received interchanges of the in-memory store, by id; a transaction stages its own rows. */
export type EdiInterchangeTable = Map<string, EdiInterchangeRecord>;

const copy = (record: EdiInterchangeRecord): EdiInterchangeRecord => structuredClone(record);

/** Reads over the committed rows and, inside a transaction, its staged ones. */
export function memoryEdiInterchangeReads(
  committed: EdiInterchangeTable,
  staged?: EdiInterchangeTable,
): EdiInterchangeReads {
  const all = () => [...committed.values(), ...(staged?.values() ?? [])];
  return {
    async getEdiInterchange(interchangeId) {
      const record = staged?.get(interchangeId) ?? committed.get(interchangeId);
      return record && copy(record);
    },
    async findEdiInterchange(orgId, sender, controlRef) {
      const record = all().find(
        (r) => r.orgId === orgId && r.sender === sender && r.controlRef === controlRef,
      );
      return record && copy(record);
    },
    async listEdiInterchanges(query) {
      const before = query.before;
      return all()
        .filter((r) => query.orgId === undefined || r.orgId === query.orgId)
        .filter(
          (r) =>
            !before ||
            r.receivedAt < before.receivedAt ||
            (r.receivedAt === before.receivedAt && r.interchangeId < before.interchangeId),
        )
        .sort((a, b) =>
          a.receivedAt === b.receivedAt
            ? b.interchangeId.localeCompare(a.interchangeId)
            : a.receivedAt < b.receivedAt
              ? 1
              : -1,
        )
        .slice(0, query.limit)
        .map(copy);
    },
  };
}

export function memoryEdiInterchangeWrites(
  committed: EdiInterchangeTable,
  staged: EdiInterchangeTable,
): EdiInterchangeWrites {
  const reads = memoryEdiInterchangeReads(committed, staged);
  return {
    ...reads,
    async putEdiInterchange(record) {
      const taken =
        committed.has(record.interchangeId) ||
        staged.has(record.interchangeId) ||
        (await reads.findEdiInterchange(record.orgId, record.sender, record.controlRef)) !== undefined;
      if (taken) {
        throw new StoreIntegrityError(
          'store.duplicate',
          `interchange ${record.sender}/${record.controlRef} is already stored`,
        );
      }
      staged.set(record.interchangeId, copy(record));
    },
  };
}
