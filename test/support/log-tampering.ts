/**
 * What a rogue database administrator does to a stopped server's SQLite file (issue 11), for the tests that must
 * catch it. Both edits are careful: they leave a log that verifies on its own (`portledger verify --db` passes),
 * so only someone who kept a checkpoint from before (the server's kept-checkpoint file, a witness, a monitor) can
 * tell.
 */
import { readFileSync } from 'node:fs';
import Sqlite from 'better-sqlite3';
import {
  appendLeaves,
  decodeLogEntry,
  encodeLogEntry,
  leafHash,
  parseCheckpointBody,
  parseSignerKey,
  rootFromBorder,
  signCheckpoint,
} from '../../src/audit/index.js';
import { borderKeys } from '../../src/audit/tree.js';

/** The append-only tables a careful cut or rewrite must open (their triggers refuse UPDATE and DELETE). */
const LOG_TABLES = ['event', 'audit_node', 'checkpoint', 'alert', 'cosignature'];

/** Runs `edit` in one transaction with the append-only triggers dropped, then recreates them as they were. */
function withoutAppendOnlyTriggers(
  path: string,
  edit: (db: Sqlite.Database, tables: Set<string>) => void,
): void {
  const db = new Sqlite(path);
  try {
    db.transaction(() => {
      const tables = new Set(
        (db.prepare("select name from sqlite_master where type = 'table'").all() as { name: string }[]).map(
          (t) => t.name,
        ),
      );
      const triggers = db
        .prepare(
          `select name, sql from sqlite_master where type = 'trigger' and tbl_name in (${LOG_TABLES.map(() => '?').join(', ')})`,
        )
        .all(...LOG_TABLES) as { name: string; sql: string }[];
      for (const { name } of triggers) db.exec(`drop trigger "${name}"`);
      edit(db, tables);
      for (const { sql } of triggers) db.exec(sql);
    })();
  } finally {
    db.close();
  }
}

function logSize(db: Sqlite.Database): number {
  const row = db.prepare('select max(idx) as last from event').get() as { last: number | null };
  return row.last === null ? 0 : row.last + 1;
}

/**
 * The careful cut of issue 11, step 3: every event from `from` on, every subtree covering them, every checkpoint
 * above `from`, their cosignatures and the alerts they raised, gone in one transaction, triggers restored.
 *
 * @returns the log sizes before and after.
 */
export function cutLog(path: string, from: number): { before: number; after: number } {
  let before = 0;
  withoutAppendOnlyTriggers(path, (db, tables) => {
    before = logSize(db);
    if (from >= before) throw new Error(`the log holds ${before} events; nothing to cut from ${from}`);
    db.prepare('delete from event where idx >= ?').run(from);
    db.prepare('delete from audit_node where last_leaf >= ?').run(from);
    db.prepare('delete from checkpoint where tree_size > ?').run(from);
    if (tables.has('cosignature')) db.prepare('delete from cosignature where tree_size > ?').run(from);
    if (tables.has('alert')) db.prepare('delete from alert where alert_id >= ?').run(from);
  });
  return { before, after: from };
}

/**
 * The fork with the stolen log key (issue 11, the drill's last step): one event rewritten (a field added to its
 * data, the leaf re-encoded as the log encodes it), every subtree recomputed, and every checkpoint that covers it
 * signed again with the key from `keyFile`. The cosignatures of the old checkpoints no longer verify, so a careful
 * thief deletes them too.
 *
 * @returns the rewritten index and the size of the latest checkpoint, now over the other history.
 */
export function forkLog(
  path: string,
  args: { index: number; keyFile: string },
): { index: number; treeSize: number } {
  const signer = parseSignerKey(readFileSync(args.keyFile, 'utf8').trim());
  let treeSize = 0;
  withoutAppendOnlyTriggers(path, (db, tables) => {
    const row = db.prepare('select leaf from event where idx = ?').get(args.index) as
      | { leaf: Buffer }
      | undefined;
    if (!row) throw new Error(`no event ${args.index}`);
    const entry = decodeLogEntry(new Uint8Array(row.leaf));
    const data = { ...entry.data, note: 'rewritten with the stolen key' };
    const leaf = encodeLogEntry({ ...entry, data });
    db.prepare('update event set data = ?, leaf = ? where idx = ?').run(
      JSON.stringify(data),
      Buffer.from(leaf),
      args.index,
    );

    const leaves = (db.prepare('select leaf from event order by idx').all() as { leaf: Buffer }[]).map((r) =>
      leafHash(new Uint8Array(r.leaf)),
    );
    db.prepare('delete from audit_node').run();
    const insertNode = db.prepare('insert into audit_node (last_leaf, level, hash) values (?, ?, ?)');
    for (const node of appendLeaves(0, [], leaves).newNodes) {
      insertNode.run((node.index + 1) * 2 ** node.level - 1, node.level, Buffer.from(node.hash));
    }

    const nodes = new Map<string, Uint8Array>();
    for (const node of appendLeaves(0, [], leaves).newNodes)
      nodes.set(`${node.level}/${node.index}`, node.hash);
    const rootAt = (size: number) =>
      rootFromBorder(borderKeys(size).map((key) => nodes.get(`${key.level}/${key.index}`)!));
    const checkpoints = db
      .prepare('select tree_size, note from checkpoint where tree_size > ? order by tree_size')
      .all(args.index) as { tree_size: number; note: string }[];
    const update = db.prepare('update checkpoint set root_hash = ?, note = ? where tree_size = ?');
    for (const checkpoint of checkpoints) {
      const body = parseCheckpointBody(checkpoint.note.slice(0, checkpoint.note.indexOf('\n\n') + 1));
      if (!body.ok) throw new Error(`checkpoint ${checkpoint.tree_size} does not parse: ${body.message}`);
      const rootHash = rootAt(checkpoint.tree_size);
      const note = signCheckpoint({ origin: body.origin, treeSize: checkpoint.tree_size, rootHash }, signer);
      update.run(Buffer.from(rootHash), note, checkpoint.tree_size);
      treeSize = checkpoint.tree_size;
    }
    if (tables.has('cosignature')) db.prepare('delete from cosignature where tree_size > ?').run(args.index);
  });
  return { index: args.index, treeSize };
}
