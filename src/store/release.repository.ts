import type { Kysely, Selectable } from 'kysely';
import type { JsonObject } from '../app/ports.js';
import type { ReleaseReads, ReleaseRecord, ReleaseWrites } from '../app/releases/release.ports.js';
import type { Database, ReleaseTable } from './schema.js';

export const toRelease = (row: Selectable<ReleaseTable>): ReleaseRecord => ({
  visitRef: row.visit_ref,
  releaseId: row.release_id,
  line: row.line,
  lineOrgId: row.line_org_id,
  holder: row.holder_org_id,
  offeredTo: row.offered_to_org_id,
  rightVersion: row.right_version,
  blocked: Number(row.blocked) === 1,
  revoked: Number(row.revoked) === 1,
  validFrom: row.valid_from,
  validUntil: row.valid_until,
  streamVersion: row.stream_version,
  view: JSON.parse(row.view) as JsonObject,
  updatedAt: row.updated_at,
});

const INBOX_COLUMN = {
  offers: 'offered_to_org_id',
  held: 'holder_org_id',
  issued: 'line_org_id',
} as const;

/** Release reads and writes over `db` (the store, or one transaction of it). */
export type ReleaseRepository = ReleaseWrites;

/**
 * The release read models over SQL (`0004_releases`).
 *
 * @example
 * const releases = createReleaseRepository({ db });
 * await releases.addReleaseParties('V-…', ['org-fwd']);
 */
export function createReleaseRepository({ db }: { db: Kysely<Database> }): ReleaseRepository {
  return {
    async getRelease(visitRef) {
      const row = await db
        .selectFrom('release')
        .selectAll()
        .where('visit_ref', '=', visitRef)
        .executeTakeFirst();
      return row && toRelease(row);
    },
    async releaseParties(visitRef) {
      const rows = await db
        .selectFrom('release_party')
        .select('org_id')
        .where('visit_ref', '=', visitRef)
        .orderBy('org_id')
        .execute();
      return rows.map((row) => row.org_id);
    },
    async listReleaseInbox({ orgId, view, limit, after, state, direction = 'desc' }) {
      // A state is one or two (revoked, blocked) pairs; each is one range of the line's state index (0032) in the
      // inbox order, and a revoked page merges its two ranges' pages.
      const pairs: (readonly [number, number] | undefined)[] =
        state === undefined
          ? [undefined]
          : state === 'revoked'
            ? [
                [1, 0],
                [1, 1],
              ]
            : [[0, state === 'blocked' ? 1 : 0]];
      const pages = await Promise.all(
        pairs.map((pair) => {
          let query = db.selectFrom('release').selectAll().where(INBOX_COLUMN[view], '=', orgId);
          if (pair) query = query.where('revoked', '=', pair[0]).where('blocked', '=', pair[1]);
          if (after) {
            const beyond = direction === 'desc' ? '<' : '>';
            query = query.where((eb) =>
              eb.or([
                eb('updated_at', beyond, after.updatedAt),
                eb.and([eb('updated_at', '=', after.updatedAt), eb('visit_ref', beyond, after.visitRef)]),
              ]),
            );
          }
          // Oldest first reads the same index ranges forward (0008, 0032), so neither order sorts.
          return query
            .orderBy('updated_at', direction)
            .orderBy('visit_ref', direction)
            .limit(limit)
            .execute();
        }),
      );
      const sign = direction === 'desc' ? -1 : 1;
      const inboxOrder = (a: { updated_at: string; visit_ref: string }, b: typeof a) =>
        sign *
        (a.updated_at !== b.updated_at
          ? a.updated_at < b.updated_at
            ? -1
            : 1
          : a.visit_ref < b.visit_ref
            ? -1
            : a.visit_ref > b.visit_ref
              ? 1
              : 0);
      const rows = pages.length === 1 ? pages[0]! : pages.flat().sort(inboxOrder).slice(0, limit);
      return rows.map(toRelease);
    },
    async putRelease(record) {
      const values = {
        release_id: record.releaseId,
        line: record.line,
        line_org_id: record.lineOrgId,
        holder_org_id: record.holder,
        offered_to_org_id: record.offeredTo,
        right_version: record.rightVersion,
        blocked: record.blocked ? 1 : 0,
        revoked: record.revoked ? 1 : 0,
        valid_from: record.validFrom,
        valid_until: record.validUntil,
        stream_version: record.streamVersion,
        view: JSON.stringify(record.view),
        updated_at: record.updatedAt,
      };
      await db
        .insertInto('release')
        .values({ visit_ref: record.visitRef, ...values })
        .onConflict((oc) => oc.column('visit_ref').doUpdateSet(values))
        .execute();
    },
    async addReleaseParties(visitRef, orgIds) {
      const unique = [...new Set(orgIds)];
      if (unique.length === 0) return;
      await db
        .insertInto('release_party')
        .values(unique.map((org_id) => ({ visit_ref: visitRef, org_id })))
        .onConflict((oc) => oc.columns(['visit_ref', 'org_id']).doNothing())
        .execute();
    },
  };
}

/** The read half, so that the store's own `releases` offers no writes. */
export function releaseReads(repository: ReleaseRepository): ReleaseReads {
  return {
    getRelease: (visitRef) => repository.getRelease(visitRef),
    releaseParties: (visitRef) => repository.releaseParties(visitRef),
    listReleaseInbox: (query) => repository.listReleaseInbox(query),
  };
}
