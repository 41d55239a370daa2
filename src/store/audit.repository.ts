import type { Kysely } from 'kysely';
import type { NodeKey, StoredCheckpoint } from '../app/ports.js';
import type { StoreDialect } from './dialect.js';
import { lastLeafOf } from './event.repository.js';
import { chunks, toBuffer, toBytes, toNumber } from './rows.js';
import type { Database } from './schema.js';

const nodeKey = (level: number, index: number) => `${level}:${index}`;

const indexOf = (level: number, lastLeaf: number) => (lastLeaf + 1) / 2 ** level - 1;

function toCheckpoint(row: {
  tree_size: number | string | bigint;
  root_hash: Uint8Array;
  note: string;
  signed_at: string;
}): StoredCheckpoint {
  return {
    treeSize: toNumber(row.tree_size),
    rootHash: toBytes(row.root_hash),
    note: row.note,
    signedAt: row.signed_at,
  };
}

/**
 * SQL over the audit tree's stored subtree hashes and the signed checkpoints. `db` may be a transaction.
 *
 * @example
 * const audit = createAuditRepository({ db, dialect });
 * const hashes = await audit.findNodes([{ level: 0, index: 0 }]); // Map "0:0" → hash
 */
export function createAuditRepository({ db, dialect }: { db: Kysely<Database>; dialect: StoreDialect }) {
  const keysPerSelect = Math.floor(dialect.maxParameters / 2);
  return {
    /** The hashes found for `keys`, by `"level:index"`; one query per few thousand keys. */
    async findNodes(keys: readonly NodeKey[]): Promise<Map<string, Uint8Array>> {
      const found = new Map<string, Uint8Array>();
      for (const chunk of chunks(keys, keysPerSelect)) {
        const rows = await db
          .selectFrom('audit_node')
          .select(['last_leaf', 'level', 'hash'])
          .where(({ eb, refTuple, tuple }) =>
            eb(
              refTuple('last_leaf', 'level'),
              'in',
              chunk.map((k) => tuple(lastLeafOf(k.level, k.index), k.level)),
            ),
          )
          .execute();
        for (const row of rows) {
          found.set(nodeKey(row.level, indexOf(row.level, toNumber(row.last_leaf))), toBytes(row.hash));
        }
      }
      return found;
    },

    async latestCheckpoint(): Promise<StoredCheckpoint | undefined> {
      const row = await db
        .selectFrom('checkpoint')
        .selectAll()
        .orderBy('tree_size', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row && toCheckpoint(row);
    },

    async checkpointAt(treeSize: number): Promise<StoredCheckpoint | undefined> {
      const row = await db
        .selectFrom('checkpoint')
        .selectAll()
        .where('tree_size', '=', treeSize)
        .executeTakeFirst();
      return row && toCheckpoint(row);
    },

    async readCheckpoints(fromTreeSize: number, limit: number): Promise<StoredCheckpoint[]> {
      if (limit <= 0) return [];
      const rows = await db
        .selectFrom('checkpoint')
        .selectAll()
        .where('tree_size', '>=', fromTreeSize)
        .orderBy('tree_size')
        .limit(limit)
        .execute();
      return rows.map(toCheckpoint);
    },

    async insertCheckpoint(checkpoint: StoredCheckpoint): Promise<void> {
      await db
        .insertInto('checkpoint')
        .values({
          tree_size: checkpoint.treeSize,
          root_hash: toBuffer(checkpoint.rootHash),
          note: checkpoint.note,
          signed_at: checkpoint.signedAt,
        })
        .execute();
    },
  };
}

export { nodeKey };
