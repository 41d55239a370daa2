import type { Kysely } from 'kysely';
import type { CosignatureStore, StoredCosignature } from '../app/audit/witness.ports.js';
import { toBuffer, toBytes, toNumber } from './rows.js';
import type { Database } from './schema.js';

function toCosignature(row: {
  tree_size: number | string | bigint;
  witness: string;
  key_id: number | string | bigint;
  root_hash: Uint8Array;
  timestamp: number | string | bigint;
  line: string;
  received_at: string;
}): StoredCosignature {
  return {
    treeSize: toNumber(row.tree_size),
    witness: row.witness,
    keyId: toNumber(row.key_id),
    rootHash: toBytes(row.root_hash),
    timestamp: toNumber(row.timestamp),
    line: row.line,
    receivedAt: row.received_at,
  };
}

/**
 * SQL over the append-only `cosignature` table (migration 0017). Inserts only: a second cosignature of the same
 * checkpoint by the same witness is ignored, never replaces the first.
 *
 * @example
 * const cosignatures = createCosignatureRepository({ db });
 * await cosignatures.insertCosignature(cosignature);
 */
export function createCosignatureRepository({ db }: { db: Kysely<Database> }): CosignatureStore {
  return {
    async insertCosignature(c) {
      await db
        .insertInto('cosignature')
        .values({
          tree_size: c.treeSize,
          witness: c.witness,
          key_id: c.keyId,
          root_hash: toBuffer(c.rootHash),
          timestamp: c.timestamp,
          line: c.line,
          received_at: c.receivedAt,
        })
        .onConflict((oc) => oc.columns(['tree_size', 'witness']).doNothing())
        .execute();
    },

    async cosignaturesOf(treeSizes) {
      if (treeSizes.length === 0) return [];
      const rows = await db
        .selectFrom('cosignature')
        .selectAll()
        .where('tree_size', 'in', [...treeSizes])
        .orderBy('tree_size')
        .orderBy('witness')
        .execute();
      return rows.map(toCosignature);
    },

    async latestPerWitness() {
      const rows = await db
        .selectFrom('cosignature as c')
        .selectAll('c')
        .where(({ eb, selectFrom }) =>
          eb(
            'c.tree_size',
            '=',
            selectFrom('cosignature as d')
              .select(({ fn }) => fn.max('d.tree_size').as('size'))
              .whereRef('d.witness', '=', 'c.witness'),
          ),
        )
        .orderBy('c.witness')
        .execute();
      return rows.map(toCosignature);
    },
  };
}

/** The same contract in memory, for the memory store. */
export function createMemoryCosignatureStore(): CosignatureStore {
  const rows = new Map<string, StoredCosignature>();
  const sorted = () =>
    [...rows.values()].sort((a, b) => a.treeSize - b.treeSize || a.witness.localeCompare(b.witness));
  return {
    async insertCosignature(c) {
      const key = `${c.treeSize}\u0000${c.witness}`;
      if (!rows.has(key)) rows.set(key, { ...c, rootHash: Uint8Array.from(c.rootHash) });
    },
    async cosignaturesOf(treeSizes) {
      const wanted = new Set(treeSizes);
      return sorted().filter((c) => wanted.has(c.treeSize));
    },
    async latestPerWitness() {
      const latest = new Map<string, StoredCosignature>();
      for (const c of sorted()) latest.set(c.witness, c);
      return [...latest.values()].sort((a, b) => a.witness.localeCompare(b.witness));
    },
  };
}
