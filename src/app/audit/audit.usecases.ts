import { consistencyProofPlan, inclusionProofPlan, leafHash } from '../../audit/index.js';
import { AppError } from '../errors.js';
import type { LedgerReads, StoredCheckpoint, StoredEvent } from '../ports.js';

export interface InclusionProof {
  readonly index: number;
  readonly treeSize: number;
  readonly leafHash: Uint8Array;
  readonly proof: readonly Uint8Array[];
  /** The signed checkpoint of `treeSize`, when one was signed at that size. */
  readonly checkpoint: string | undefined;
}

export interface ConsistencyProof {
  readonly from: number;
  readonly to: number;
  readonly proof: readonly Uint8Array[];
  readonly fromCheckpoint: string | undefined;
  readonly toCheckpoint: string | undefined;
}

export async function latestCheckpoint(reads: LedgerReads): Promise<StoredCheckpoint> {
  const checkpoint = await reads.latestCheckpoint();
  if (!checkpoint) throw new AppError('audit.checkpoint_missing', 'the log has no signed checkpoint yet');
  return checkpoint;
}

async function resolveTreeSize(reads: LedgerReads, treeSize: number | undefined): Promise<number> {
  if (treeSize !== undefined) {
    const size = await reads.logSize();
    if (!Number.isSafeInteger(treeSize) || treeSize < 1 || treeSize > size) {
      throw new AppError('audit.size_out_of_range', `tree size must be between 1 and ${size}`, {
        treeSize,
        size,
      });
    }
    return treeSize;
  }
  return (await latestCheckpoint(reads)).treeSize;
}

/** RFC 9162 §2.1.3.1: the audit path of leaf `index` in the tree of `treeSize` leaves (default: the latest checkpoint). */
export async function inclusionProof(
  reads: LedgerReads,
  args: { index: number; treeSize?: number },
): Promise<InclusionProof> {
  const treeSize = await resolveTreeSize(reads, args.treeSize);
  if (!Number.isSafeInteger(args.index) || args.index < 0 || args.index >= treeSize) {
    throw new AppError('audit.index_out_of_range', `index must be between 0 and ${treeSize - 1}`, {
      index: args.index,
      treeSize,
    });
  }
  const plan = inclusionProofPlan(args.index, treeSize);
  const [events, hashes, checkpoint] = await Promise.all([
    reads.readEvents(args.index, 1),
    reads.readNodes(plan.keys),
    reads.checkpointAt(treeSize),
  ]);
  const event = events[0] as StoredEvent;
  return {
    index: args.index,
    treeSize,
    leafHash: leafHash(event.leaf),
    proof: plan.assemble(hashes),
    checkpoint: checkpoint?.note,
  };
}

/** RFC 9162 §2.1.4.1: proof that the tree of `from` leaves is a prefix of the tree of `to` leaves (default: latest checkpoint). */
export async function consistencyProof(
  reads: LedgerReads,
  args: { from: number; to?: number },
): Promise<ConsistencyProof> {
  const to = await resolveTreeSize(reads, args.to);
  if (!Number.isSafeInteger(args.from) || args.from < 1 || args.from > to) {
    throw new AppError('audit.size_out_of_range', `from must be between 1 and ${to}`, {
      from: args.from,
      to,
    });
  }
  const plan = consistencyProofPlan(args.from, to);
  const [hashes, fromCheckpoint, toCheckpoint] = await Promise.all([
    reads.readNodes(plan.keys),
    reads.checkpointAt(args.from),
    reads.checkpointAt(to),
  ]);
  return {
    from: args.from,
    to,
    proof: plan.assemble(hashes),
    fromCheckpoint: fromCheckpoint?.note,
    toCheckpoint: toCheckpoint?.note,
  };
}

/** Events in index order, page by page, up to (not including) `end`. Memory stays bounded by the page size. */
export async function* iterateEvents(
  reads: LedgerReads,
  args: { start?: number; end: number; pageSize?: number },
): AsyncGenerator<StoredEvent> {
  const pageSize = args.pageSize ?? 1000;
  let next = args.start ?? 0;
  while (next < args.end) {
    const page = await reads.readEvents(next, Math.min(pageSize, args.end - next));
    if (page.length === 0) return;
    for (const event of page) yield event;
    next += page.length;
  }
}

/** An event as the export file and the entries endpoint show it: the exact leaf bytes plus readable fields. */
export interface EntryView {
  readonly index: number;
  readonly leaf: string;
  readonly leafHash: string;
  readonly eventId: string;
  readonly stream: string;
  readonly version: number;
  readonly type: string;
  readonly recordedAt: string;
}

export function entryView(event: StoredEvent): EntryView {
  return {
    index: event.index,
    leaf: base64(event.leaf),
    leafHash: base64(leafHash(event.leaf)),
    eventId: event.eventId,
    stream: event.streamId,
    version: event.streamVersion,
    type: event.type,
    recordedAt: event.recordedAt,
  };
}

const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

/** The JSON form of an inclusion proof, as the API and the CLI print it. */
export function inclusionProofView(proof: InclusionProof) {
  return {
    index: proof.index,
    treeSize: proof.treeSize,
    leafHash: base64(proof.leafHash),
    proof: proof.proof.map(base64),
    checkpoint: proof.checkpoint ?? null,
  };
}

/** The JSON form of a consistency proof, as the API and the CLI print it. */
export function consistencyProofView(proof: ConsistencyProof) {
  return {
    from: proof.from,
    to: proof.to,
    proof: proof.proof.map(base64),
    fromCheckpoint: proof.fromCheckpoint ?? null,
    toCheckpoint: proof.toCheckpoint ?? null,
  };
}
