import {
  appendLeaves,
  borderKeys,
  type EntryAuthenticator,
  encodeLogEntry,
  leafHash,
  type NoteSigner,
  rootFromBorder,
  signCheckpoint,
} from '../../audit/index.js';
import type {
  IdSource,
  JsonObject,
  LedgerReads,
  LedgerWriteTx,
  StoredCheckpoint,
  StoredEvent,
} from '../ports.js';
import { firstUnauthenticatedEntry, type StreamMacRule } from './authenticated-streams.js';
import type { CheckpointGuard } from './kept-checkpoint.js';

/** An event as a use case produces it, before the log gives it a place. */
export interface NewEvent {
  readonly type: string;
  readonly data: JsonObject;
}

/** Who signs the log's checkpoints, and the origin line they carry (C2SP tlog-checkpoint). */
export interface LogIdentity {
  readonly origin: string;
  readonly signer: NoteSigner;
  /**
   * Asked before each checkpoint is signed (issue 11): the server signs only over a log that extends the checkpoint
   * it kept outside the database (`kept-checkpoint.ts`). Absent: every head is signed.
   */
  readonly guard?: CheckpointGuard;
  /**
   * Authenticates each entry as written by a PortLedger process (issue 13): its MAC is stored beside the entry, and
   * the integrity check refuses an entry without one. Absent: entries carry none (tests, tools).
   */
  readonly authenticator?: EntryAuthenticator;
  /**
   * Which entries must carry a writer's MAC: no checkpoint is signed over one that does not (issue 13). A DBA's
   * hand-appended row would otherwise be signed into the history the witnesses cosign. Absent: not checked.
   */
  readonly entryMacs?: StreamMacRule;
}

/**
 * The tree's right border at one size: the hashes of the complete subtrees that make up the tree
 * (RFC 9162 §2.1.1, split at powers of two). Enough to append leaves and to compute the root.
 */
export interface TreeHead {
  readonly size: number;
  readonly border: readonly Uint8Array[];
}

/**
 * Appends events with their audit leaves inside one write transaction. It keeps the right border as it goes, so a
 * transaction of many commands reads the border once; and when the caller knows the border at the size the
 * transaction starts from (its own last commit, no other writer since), it reads nothing at all.
 */
export class AuditAppender {
  #head: TreeHead | undefined;
  /** The entries this appender wrote with its writer's MAC, [from, to): the signer need not read them back. */
  #own: { from: number; to: number } | undefined;

  constructor(
    private readonly tx: LedgerWriteTx,
    known?: TreeHead,
    /** Writes each entry's MAC beside it (issue 13), when the log has one. */
    private readonly authenticator?: EntryAuthenticator,
  ) {
    this.#head = known;
  }

  /**
   * The entries this appender wrote with `authenticator`'s MAC in this transaction, when they run without a gap to
   * the log's end `size`: the signer knows they carry their MAC without reading them back (issue 13, bulk ingest).
   */
  macWritten(authenticator: EntryAuthenticator | undefined, size: number): { from: number } | undefined {
    if (!authenticator || authenticator !== this.authenticator || this.#own?.to !== size) return undefined;
    return { from: this.#own.from };
  }

  /** The border as this transaction leaves it, when it was needed. */
  get head(): TreeHead | undefined {
    return this.#head;
  }

  async #border(size: number): Promise<readonly Uint8Array[]> {
    if (this.#head?.size === size) return this.#head.border;
    const border = await this.tx.readNodes(borderKeys(size));
    this.#head = { size, border };
    return border;
  }

  /**
   * Appends events to one stream with their leaves and every subtree hash they complete. The transaction holds the
   * log head, so `logSize()` is exact and the leaves land in commit order.
   */
  async append(args: {
    streamId: string;
    expectedVersion: number;
    events: readonly NewEvent[];
    recordedAt: Date;
    ids: IdSource;
  }): Promise<StoredEvent[]> {
    if (args.events.length === 0) return [];
    const size = await this.tx.logSize();
    const recordedAt = args.recordedAt.toISOString();
    const stored = args.events.map((event, offset): StoredEvent => {
      const entry = {
        index: size + offset,
        eventId: args.ids.eventId(),
        streamId: args.streamId,
        streamVersion: args.expectedVersion + offset + 1,
        type: event.type,
        recordedAt,
        data: event.data,
      };
      const leaf = encodeLogEntry(entry);
      return this.authenticator
        ? { ...entry, leaf, writerMac: this.authenticator.mac(leaf) }
        : { ...entry, leaf };
    });
    const appended = appendLeaves(
      size,
      await this.#border(size),
      stored.map((event) => leafHash(event.leaf)),
    );
    await this.tx.appendToStream(args.streamId, args.expectedVersion, stored);
    await this.tx.insertNodes(appended.newNodes);
    if (this.authenticator) {
      this.#own =
        this.#own?.to === size
          ? { from: this.#own.from, to: appended.size }
          : { from: size, to: appended.size };
    }
    this.#head = { size: appended.size, border: appended.border };
    return stored;
  }

  /** The root of the log as it stands in this transaction. */
  async root(): Promise<{ size: number; rootHash: Uint8Array }> {
    const size = await this.tx.logSize();
    return { size, rootHash: rootFromBorder(await this.#border(size)) };
  }
}

/** The root hash of the first `treeSize` leaves, from the stored complete subtrees: O(log n) reads. */
export async function rootAt(reads: LedgerReads, treeSize: number): Promise<Uint8Array> {
  return rootFromBorder(await reads.readNodes(borderKeys(treeSize)));
}

/** No checkpoint was ever signed, and the guard refuses to sign the first over a log that breaks the kept one. */
export class CheckpointRefusedError extends Error {
  constructor(readonly treeSize: number) {
    super(
      `no checkpoint is signed over the log of ${treeSize} entries: it does not extend the checkpoint the server kept`,
    );
    this.name = 'CheckpointRefusedError';
  }
}

/**
 * The entry without its writer's MAC each rule has found, once seen: a signer held back by it does not read again, on
 * every write, everything appended since (the log keeps growing while a person sees to the alert). An entry another
 * hand wrote is committed; a rolled-back transaction cannot take it away.
 */
const forgedEntries = new WeakMap<StreamMacRule, number>();

/** The first entry in [from, to) without its writer's MAC. */
async function unsignable(
  tx: LedgerWriteTx,
  rule: StreamMacRule,
  from: number,
  to: number,
): Promise<number | undefined> {
  const known = forgedEntries.get(rule);
  if (known !== undefined && known >= from && known < to) return known;
  const found = await firstUnauthenticatedEntry(tx, rule, from, to);
  if (found !== undefined) forgedEntries.set(rule, found);
  return found;
}

/**
 * Signs a checkpoint of the log as it stands in this transaction, unless the latest checkpoint already covers it.
 * Checkpoints are kept forever, so any party holding one can later ask for a consistency proof from it.
 */
export async function signHeadCheckpoint(
  tx: LedgerWriteTx,
  appender: AuditAppender,
  log: LogIdentity,
  now: Date,
): Promise<StoredCheckpoint> {
  const latest = await tx.latestCheckpoint();
  const { size: treeSize, rootHash } = await appender.root();
  if (latest && latest.treeSize === treeSize) return latest;
  // What this transaction appended itself carries its MAC: only the entries before it (other writers') are read.
  const written = appender.macWritten(log.entryMacs?.authenticator, treeSize);
  const unauthenticated = log.entryMacs
    ? await unsignable(
        tx,
        log.entryMacs,
        latest?.treeSize ?? 0,
        Math.max(Math.min(written?.from ?? treeSize, treeSize), latest?.treeSize ?? 0),
      )
    : undefined;
  if (unauthenticated !== undefined) {
    // Its writes commit all the same; nothing is signed past the entry until the watch's alert is resolved.
    log.entryMacs?.onRefused?.(unauthenticated);
    if (latest) return latest;
    throw new CheckpointRefusedError(treeSize);
  }
  if (log.guard && !(await log.guard.maySign(tx, { size: treeSize, rootHash }))) {
    // The events of this transaction still commit (an alert about the break among them); they are signed once a
    // person has resolved it and the log extends the kept checkpoint again.
    if (latest) return latest;
    throw new CheckpointRefusedError(treeSize);
  }
  const checkpoint: StoredCheckpoint = {
    treeSize,
    rootHash,
    note: signCheckpoint({ origin: log.origin, treeSize, rootHash }, log.signer),
    signedAt: now.toISOString(),
  };
  await tx.insertCheckpoint(checkpoint);
  log.guard?.signing(checkpoint);
  return checkpoint;
}
