import {
  borderKeys,
  type CheckpointComparison,
  compareWithKept,
  consistencyProofPlan,
  type NoteVerifier,
  openCheckpoint,
  rootFromBorder,
} from '../../audit/index.js';
import { type LedgerReads, type StoredCheckpoint, StoreIntegrityError } from '../ports.js';

/**
 * Where the server keeps the latest checkpoint it signed or verified, outside the database (issue 11): a database
 * administrator who cuts the log back or rewrites it, even with the stolen log key, cannot also make the log
 * extend the checkpoint kept there. The file adapter lives in the shell (`src/cli/checkpoint-file.ts`).
 */
export interface KeptCheckpointFile {
  /** Where it is, for messages. */
  readonly location: string;
  /** The kept note, or undefined when nothing was kept yet. */
  read(): Promise<string | undefined>;
  /** Replaces the kept note atomically: after a crash the file holds the old note or the new one, whole. */
  write(note: string): Promise<void>;
}

/** A kept checkpoint, opened: its size, its root and the note as signed. */
export interface KeptHead {
  readonly size: number;
  readonly rootHash: Uint8Array;
  readonly note: string;
}

/** The log does not extend the kept checkpoint: a rollback or a fork, with both sizes. */
export type HistoryBreakFinding = Extract<CheckpointComparison, { ok: false }>;

/**
 * What the ledger asks before it signs a checkpoint (`signHeadCheckpoint`): a checkpoint is signed only over a log
 * that extends the kept one, so the server never puts its signature on a history it has itself contradicted.
 */
export interface CheckpointGuard {
  /** Whether the head `head`, as it stands in the signing transaction `reads`, may be signed. */
  maySign(reads: LedgerReads, head: { size: number; rootHash: Uint8Array }): Promise<boolean>;
  /** The checkpoint signed after `maySign` said yes; it is kept once its transaction is seen committed. */
  signing(checkpoint: StoredCheckpoint): void;
}

/**
 * Opens a kept note with the log's verifier key. A kept note that the log's key did not sign is configuration
 * gone wrong (another log's file, an edited file): it throws rather than guess.
 */
export function openKeptNote(note: string, verifier: NoteVerifier | string, location: string): KeptHead {
  const opened = openCheckpoint(note, verifier);
  if (!opened.ok) throw new Error(`the kept checkpoint ${location} does not open: ${opened.message}`);
  if (opened.treeSize > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new Error(`the kept checkpoint ${location} has a tree size out of range`);
  }
  return { size: Number(opened.treeSize), rootHash: opened.rootHash, note };
}

/**
 * Compares a log head with a kept checkpoint: the consistency proof from the kept size to the head's size is built
 * from the stored subtrees (RFC 9162 §2.1.4.1), as any client would be given it, and verified against the kept root
 * and `log.rootHash` (§2.1.4.2). Pass as `log.rootHash` a root recomputed from the leaves when there is one
 * (`checkLogIntegrity`): then stored subtrees forged to match the kept root cannot pass. A subtree missing from the
 * store inside the log's size means the tree was edited: a fork.
 */
export async function compareLogWithKept(
  reads: LedgerReads,
  kept: KeptHead,
  log: { size: number; rootHash: Uint8Array },
): Promise<CheckpointComparison> {
  if (log.size <= kept.size || kept.size === 0) return compareWithKept({ kept, log, proof: [] });
  const plan = consistencyProofPlan(kept.size, log.size);
  let proof: Uint8Array[];
  try {
    proof = plan.assemble(await reads.readNodes(plan.keys));
  } catch (error) {
    if (!(error instanceof StoreIntegrityError)) throw error;
    return {
      ok: false,
      kind: 'fork',
      keptSize: kept.size,
      logSize: log.size,
      message: `the log of ${log.size} entries cannot prove it extends the kept checkpoint of ${kept.size}: ${error.message}`,
    };
  }
  return compareWithKept({ kept, log, proof });
}

/** The head of the stored log as its stored subtrees give it: O(log n) reads, for the check on start. */
export async function storedHead(reads: LedgerReads): Promise<{ size: number; rootHash: Uint8Array }> {
  const size = await reads.logSize();
  try {
    return { size, rootHash: rootFromBorder(await reads.readNodes(borderKeys(size))) };
  } catch (error) {
    if (!(error instanceof StoreIntegrityError)) throw error;
    // A border node missing: no root can be given, and no proof; an all-zero root verifies against nothing.
    return { size, rootHash: new Uint8Array(32) };
  }
}

/** A signed checkpoint not yet seen committed is looked for again this often, this many times, then given up. */
const RETRY_MS = 20;
const MAX_TRIES = 250;

/**
 * The server's kept checkpoint and the break it found, if any. A break stands until `release()` (a person resolved
 * its alert): while it stands, no checkpoint is signed and the file is not touched, so the evidence stays.
 *
 * Each signed checkpoint is kept once its transaction is seen committed (read back from the store), off the write
 * path; writes to the file are coalesced, so a busy log writes it at most once at a time.
 */
export class CheckpointKeeper implements CheckpointGuard {
  #kept: KeptHead | undefined;
  #standing: HistoryBreakFinding | undefined;
  #pending: { checkpoint: StoredCheckpoint; tries: number }[] = [];
  #retry: ReturnType<typeof setTimeout> | undefined;
  #writing: Promise<void> | undefined;
  #writeAgain = false;
  readonly #onBreak: (finding: HistoryBreakFinding) => void;
  readonly #onError: (error: unknown) => void;

  private constructor(
    readonly file: KeptCheckpointFile,
    private readonly reads: LedgerReads,
    private readonly verifier: NoteVerifier | string,
    kept: KeptHead | undefined,
    hooks: { onBreak?: (finding: HistoryBreakFinding) => void; onError?: (error: unknown) => void },
  ) {
    this.#kept = kept;
    this.#onBreak = hooks.onBreak ?? (() => {});
    this.#onError = hooks.onError ?? (() => {});
  }

  /**
   * Reads the kept checkpoint and checks on start, from the stored subtrees, that the log extends it; a break
   * stands from the start, before any write can sign. With no kept file yet, the first checkpoint signed or
   * verified is kept.
   *
   * @example
   * const keeper = await CheckpointKeeper.open({ file, reads: store, verifier: verifierKey });
   * if (keeper.standing()) console.error(describeHistoryBreak(keeper.standing()!));
   */
  static async open(args: {
    file: KeptCheckpointFile;
    reads: LedgerReads;
    verifier: NoteVerifier | string;
    onBreak?: (finding: HistoryBreakFinding) => void;
    /** A kept checkpoint could not be written; the next checkpoint tries again. */
    onError?: (error: unknown) => void;
  }): Promise<CheckpointKeeper> {
    const note = await args.file.read();
    const kept = note === undefined ? undefined : openKeptNote(note, args.verifier, args.file.location);
    const keeper = new CheckpointKeeper(args.file, args.reads, args.verifier, kept, args);
    if (kept) {
      const result = await compareLogWithKept(args.reads, kept, await storedHead(args.reads));
      if (!result.ok) keeper.hold(result);
    }
    return keeper;
  }

  /** The kept checkpoint, or undefined when none was kept yet. */
  kept(): KeptHead | undefined {
    return this.#kept;
  }

  /** The rollback or fork found, until a person resolves it. */
  standing(): HistoryBreakFinding | undefined {
    return this.#standing;
  }

  /** Holds a break: no checkpoint is signed and the kept file stays as it is until `release()`. */
  hold(finding: HistoryBreakFinding): void {
    if (this.#standing) return;
    this.#standing = finding;
    this.#onBreak(finding);
  }

  /** A person resolved the break's alert: the next check compares afresh, and holds again if it still holds. */
  release(): void {
    this.#standing = undefined;
  }

  async maySign(reads: LedgerReads, head: { size: number; rootHash: Uint8Array }): Promise<boolean> {
    if (this.#standing) return false;
    const kept = this.#kept;
    if (!kept) return true;
    const result = await compareLogWithKept(reads, kept, head);
    if (result.ok) return true;
    this.hold(result);
    return false;
  }

  signing(checkpoint: StoredCheckpoint): void {
    this.#pending.push({ checkpoint, tries: 0 });
    // After the signing transaction has settled; one still committing (another connection) is looked for again.
    setImmediate(() => this.#schedule());
  }

  /**
   * Keeps a checkpoint found valid by a full check (its signature, and its root recomputed from the leaves), when it
   * is larger than the kept one and extends it.
   */
  async verified(checkpoint: StoredCheckpoint, reads: LedgerReads = this.reads): Promise<void> {
    if (this.#standing) return;
    const head = openKeptNote(checkpoint.note, this.verifier, 'verified');
    const kept = this.#kept;
    if (kept && head.size <= kept.size) return;
    if (kept) {
      const result = await compareLogWithKept(reads, kept, head);
      if (!result.ok) {
        this.hold(result);
        return;
      }
    }
    this.#advance(head);
  }

  /** Waits until every checkpoint signed so far is kept in the file. */
  async flush(): Promise<void> {
    while (this.#writing || this.#pending.length > 0) {
      if (!this.#writing) this.#schedule();
      await this.#writing;
      if (this.#pending.length > 0) await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  }

  #advance(head: KeptHead): void {
    if (this.#kept && head.size <= this.#kept.size) return;
    this.#kept = head;
    this.#schedule();
  }

  #schedule(): void {
    if (this.#writing) {
      this.#writeAgain = true;
      return;
    }
    this.#writing = this.#writeLatest()
      .catch((error) => this.#onError(error))
      .finally(() => {
        this.#writing = undefined;
        if (this.#writeAgain) {
          this.#writeAgain = false;
          this.#schedule();
        }
      });
  }

  async #writeLatest(): Promise<void> {
    // Largest first: once one is seen committed, the smaller ones add nothing.
    const pending = this.#pending.sort((a, b) => b.checkpoint.treeSize - a.checkpoint.treeSize);
    this.#pending = [];
    for (const entry of pending) {
      const { checkpoint } = entry;
      if (this.#kept && checkpoint.treeSize <= this.#kept.size) continue;
      // Kept only when committed: a rolled-back transaction's checkpoint never was the log's.
      const stored = await this.reads.checkpointAt(checkpoint.treeSize).catch(() => undefined);
      if (stored?.note === checkpoint.note) {
        this.#kept = openKeptNote(checkpoint.note, this.verifier, 'signed');
      } else if (!stored && entry.tries < MAX_TRIES) {
        this.#pending.push({ checkpoint, tries: entry.tries + 1 });
      }
    }
    if (this.#pending.length > 0 && !this.#retry) {
      this.#retry = setTimeout(() => {
        this.#retry = undefined;
        this.#schedule();
      }, RETRY_MS);
      this.#retry.unref?.();
    }
    const kept = this.#kept;
    if (!kept || this.#standing) return;
    const onFile = await this.file.read();
    if (onFile === kept.note) return;
    // Another process on the same database may have kept a larger one meanwhile: the file never goes back.
    if (onFile !== undefined) {
      const other = openKeptNote(onFile, this.verifier, this.file.location);
      if (other.size > kept.size) return;
    }
    await this.file.write(kept.note);
  }
}
