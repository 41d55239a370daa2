/**
 * "Verify everything" in the browser: every entry of the log hashed here and the RFC 9162 tree rebuilt, compared
 * with each signed checkpoint on the way, so the verdict does not rest on the server's word.
 */
import { apiGet } from '../api.js';
import {
  bytesEqual,
  fromBase64,
  leafHash,
  nodeHash,
  toBase64,
  verifyCheckpointNote,
  verifyInclusion,
} from '../proof.js';
import { type Checkpoint, checkpointsFrom, type Entry } from './audit-api.js';

const ENTRY_PAGE = 1000;
/** How many inclusion proofs the search for a bad leaf may fetch before it names a range instead. */
const MAX_PROOF_SEARCH = 256;

/** RFC 9162 tree hash kept as its right border: the roots of the perfect subtrees, largest first. */
class RightBorder {
  private readonly stack: { hash: Uint8Array; size: number }[] = [];
  size = 0;

  async append(hash: Uint8Array): Promise<void> {
    this.stack.push({ hash, size: 1 });
    this.size += 1;
    for (;;) {
      const right = this.stack.at(-1);
      const left = this.stack.at(-2);
      if (!right || !left || left.size !== right.size) break;
      this.stack.splice(-2, 2, { hash: await nodeHash(left.hash, right.hash), size: left.size * 2 });
    }
  }

  /** MTH of the leaves so far (RFC 9162 §2.1.1): the border folded right to left. */
  async root(): Promise<Uint8Array> {
    const top = this.stack.at(-1);
    if (!top) return new Uint8Array(await crypto.subtle.digest('SHA-256', new Uint8Array(0)));
    let root = top.hash;
    for (let i = this.stack.length - 2; i >= 0; i -= 1)
      root = await nodeHash((this.stack[i] as { hash: Uint8Array }).hash, root);
    return root;
  }
}

export type Verdict =
  | { kind: 'ok'; treeSize: number; rootHash: string }
  | { kind: 'bad'; index?: number; range?: [number, number]; detail: string };

export interface Progress {
  done: number;
  total: number;
}

/** Finds the first leaf of [from, to) whose hash the server's own inclusion proof against `treeSize` rejects. */
async function firstRejectedLeaf(
  leafHashes: Uint8Array[],
  from: number,
  to: number,
  treeSize: number,
  rootHash: Uint8Array,
): Promise<number | undefined> {
  for (let index = from; index < to && index - from < MAX_PROOF_SEARCH; index += 1) {
    const proof = await apiGet<{ proof: string[] }>(
      `/v1/audit/proof/inclusion?index=${index}&treeSize=${treeSize}`,
    );
    const hashes = proof.proof.map(fromBase64);
    const leaf = leafHashes[index - from];
    if (!leaf || hashes.some((h) => !h)) return index;
    const result = await verifyInclusion({
      leafIndex: index,
      treeSize,
      leafHash: leaf,
      proof: hashes as Uint8Array[],
      rootHash,
    });
    if (!result.ok) return index;
  }
  return undefined;
}

/**
 * Streams every entry up to the latest checkpoint and recomputes the tree. Each leaf's hash is recomputed from its
 * bytes; the running root is compared with every signed checkpoint on the way, so a bad leaf is pinned between two
 * checkpoints and then named with inclusion proofs.
 */
export async function verifyEverything(
  onProgress: (p: Progress) => void,
  cancelled: () => boolean,
): Promise<Verdict> {
  const latest = await apiGet<Checkpoint>('/v1/audit/checkpoint');
  const latestRoot = fromBase64(latest.rootHash);
  if (!latestRoot) return { kind: 'bad', detail: 'The latest checkpoint has no valid root hash.' };
  const signature = await verifyCheckpointNote({
    note: latest.note,
    verifierKey: latest.verifierKey,
    treeSize: latest.treeSize,
    rootHash: latestRoot,
  });
  // A log that adds up to an unsigned root proves nothing: "verified" needs the signature checked here too.
  if (signature.status === 'invalid')
    return { kind: 'bad', detail: `The latest checkpoint's signature does not verify: ${signature.detail}.` };
  if (signature.status === 'unsupported')
    return {
      kind: 'bad',
      detail: `The latest checkpoint's signature could not be checked: ${signature.detail}.`,
    };
  const checkpoints = new Map<number, Uint8Array>();
  for (const c of await checkpointsFrom(1)) {
    const root = fromBase64(c.rootHash);
    if (root && c.treeSize <= latest.treeSize) checkpoints.set(c.treeSize, root);
  }
  checkpoints.set(latest.treeSize, latestRoot);

  const tree = new RightBorder();
  let lastGood = 0;
  // Leaf hashes since the last checkpoint that matched, to name a bad one.
  let pending: Uint8Array[] = [];
  const total = latest.treeSize;
  onProgress({ done: 0, total });
  while (tree.size < total) {
    if (cancelled()) return { kind: 'bad', detail: 'Stopped before the end.' };
    const limit = Math.min(ENTRY_PAGE, total - tree.size);
    const { entries } = await apiGet<{ entries: Entry[] }>(
      `/v1/audit/entries?start=${tree.size}&limit=${limit}`,
    );
    if (entries.length === 0)
      return { kind: 'bad', index: tree.size, detail: `The server sent no entry ${tree.size}.` };
    for (const entry of entries) {
      const index = tree.size;
      const bytes = fromBase64(entry.leaf);
      if (entry.index !== index || !bytes)
        return { kind: 'bad', index, detail: `Entry ${index} is missing or malformed.` };
      const hash = await leafHash(bytes);
      const claimed = fromBase64(entry.leafHash);
      if (!claimed || !bytesEqual(hash, claimed))
        return {
          kind: 'bad',
          index,
          detail: `The bytes of entry ${index} do not hash to the leaf hash the log recorded.`,
        };
      await tree.append(hash);
      pending.push(hash);
      const signedRoot = checkpoints.get(tree.size);
      if (signedRoot) {
        if (!bytesEqual(await tree.root(), signedRoot)) {
          const bad = await firstRejectedLeaf(pending, lastGood, tree.size, tree.size, signedRoot);
          return bad !== undefined
            ? {
                kind: 'bad',
                index: bad,
                detail: `Entry ${bad} is not the leaf the signed checkpoint of size ${tree.size} holds.`,
              }
            : {
                kind: 'bad',
                range: [lastGood, tree.size - 1],
                detail: `The entries ${lastGood}–${tree.size - 1} do not add up to the signed checkpoint of size ${tree.size}.`,
              };
        }
        lastGood = tree.size;
        pending = [];
      }
    }
    onProgress({ done: tree.size, total });
  }
  return { kind: 'ok', treeSize: total, rootHash: toBase64(await tree.root()) };
}
