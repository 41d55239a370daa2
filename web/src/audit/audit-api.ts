/** What the audit page reads of the log: its stats, signed checkpoints and witnesses. */
import { apiGet } from '../api.js';

export interface Checkpoint {
  treeSize: number;
  rootHash: string;
  signedAt: string;
  note: string;
  verifierKey: string;
  /** The witnesses' cosignatures (C2SP tlog-cosignature), also appended to `note`; absent from older servers. */
  cosignatures?: { witness: string; timestamp: number; receivedAt: string; line: string }[];
}

/** `GET /v1/audit/witnesses`: who cosigns the log, and how far each has got. */
export interface Witnesses {
  quorum: number;
  cosignedSize: number | null;
  waitingSince: string | null;
  lagging: boolean;
  witnesses: {
    name: string;
    url: string;
    cosignedSize: number | null;
    cosignedAt: string | null;
    lastError: string | null;
    finding: { code: string; reason: string } | null;
  }[];
}

export interface Stats {
  logSize: number;
  growth: { at: string; treeSize: number }[];
  eventsPerHour: { hour: string; events: number }[];
  truncated: boolean;
}

export interface Entry {
  index: number;
  leaf: string;
  leafHash: string;
}

export const SHOWN_CHECKPOINTS = 20;
export const CHECKPOINT_PAGE = 500;

/** Every checkpoint with a tree size ≥ `from`, page by page. */
export async function checkpointsFrom(from: number): Promise<Checkpoint[]> {
  const all: Checkpoint[] = [];
  for (let next = from; ; ) {
    const { checkpoints } = await apiGet<{ checkpoints: Checkpoint[] }>(
      `/v1/audit/checkpoints?from=${next}&limit=${CHECKPOINT_PAGE}`,
    );
    all.push(...checkpoints);
    const last = checkpoints.at(-1);
    if (checkpoints.length < CHECKPOINT_PAGE || !last) return all;
    next = last.treeSize + 1;
  }
}
