import type { JsonObject } from '../app/ports.js';
import type {
  ReleaseInboxView,
  ReleaseReads,
  ReleaseRecord,
  ReleaseWrites,
} from '../app/releases/release.ports.js';

/** Code-unit order, as the SQL stores sort keys (BINARY on SQLite, `collate "C"` on PostgreSQL). */
const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

// Stored and returned as copies, as the SQL stores do, so that callers can mutate neither.
const copyRelease = (r: ReleaseRecord): ReleaseRecord => ({
  ...r,
  view: JSON.parse(JSON.stringify(r.view)) as JsonObject,
});

const inboxOwner: Record<ReleaseInboxView, (r: ReleaseRecord) => string | null> = {
  offers: (r) => r.offeredTo,
  held: (r) => r.holder,
  issued: (r) => r.lineOrgId,
};

/** Every release record the memory store holds. Records inside are never mutated, only replaced. */
export interface ReleaseTables {
  readonly releases: Map<string, ReleaseRecord>;
  /** The parties of each visit, as a set of orgIds. */
  readonly parties: Map<string, ReadonlySet<string>>;
}

export function emptyReleaseTables(): ReleaseTables {
  return { releases: new Map(), parties: new Map() };
}

/** A copy a transaction may change without touching `tables`: the maps are new, the records shared. */
export function cloneReleaseTables(tables: ReleaseTables): ReleaseTables {
  return { releases: new Map(tables.releases), parties: new Map(tables.parties) };
}

/** Release reads over whatever tables `current` returns (the committed ones, or a transaction's staged copy). */
export function memoryReleaseReads(current: () => ReleaseTables): ReleaseReads {
  return {
    async getRelease(visitRef) {
      const found = current().releases.get(visitRef);
      return found && copyRelease(found);
    },
    async releaseParties(visitRef) {
      return [...(current().parties.get(visitRef) ?? [])].sort(compareText);
    },
    async listReleaseInbox({ orgId, view, limit, after, state, direction = 'desc' }) {
      const owner = inboxOwner[view];
      const sign = direction === 'desc' ? -1 : 1;
      const inboxOrder = (a: ReleaseRecord, b: ReleaseRecord) =>
        sign * (compareText(a.updatedAt, b.updatedAt) || compareText(a.visitRef, b.visitRef));
      return [...current().releases.values()]
        .filter((r) => owner(r) === orgId)
        .filter(
          (r) =>
            state === undefined ||
            (state === 'revoked' ? r.revoked : !r.revoked && r.blocked === (state === 'blocked')),
        )
        .filter((r) => !after || inboxOrder(r, { ...r, ...after }) > 0)
        .sort(inboxOrder)
        .slice(0, limit)
        .map(copyRelease);
    },
  };
}

/** Release writes into the staged copy that `staged` returns (made on first use). */
export function memoryReleaseWrites(staged: () => ReleaseTables): Omit<ReleaseWrites, keyof ReleaseReads> {
  return {
    async putRelease(record) {
      staged().releases.set(record.visitRef, copyRelease(record));
    },
    async addReleaseParties(visitRef, orgIds) {
      const tables = staged();
      tables.parties.set(visitRef, new Set([...(tables.parties.get(visitRef) ?? []), ...orgIds]));
    },
  };
}
