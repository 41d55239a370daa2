/**
 * The log asks its witnesses (C2SP tlog-witness §add-checkpoint): after each checkpoint it submits the checkpoint
 * to every witness, with the consistency proof from the size that witness last cosigned, verifies the cosignature
 * that comes back (tlog-cosignature cosignature/v1) and stores it. Each witness has its own worker, off the write
 * path: a witness that is down delays no append, and is retried with exponential back-off.
 *
 * A witness that has cosigned more than the log holds, or that refuses the proof from its own size, saw another
 * history: that is a rollback or a fork of the log, reported through `onFinding`, naming the witness.
 */
import { type CosignatureVerifier, verifyCosignatures } from '../../audit/cosignature.js';
import { consistencyProofPlan } from '../../audit/index.js';
import type { LedgerReads, StoredCheckpoint } from '../ports.js';
import type { CosignatureStore, StoredCosignature } from './witness.ports.js';

/** One configured witness: its cosigner key and its submission prefix (tlog-witness §HTTP Interface). */
export interface WitnessConfig {
  readonly key: CosignatureVerifier;
  /** The verifier key string it was configured with. */
  readonly vkey: string;
  readonly url: string;
}

/** An HTTP answer, as much of it as the protocol needs. */
export interface WitnessAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/** POSTs `body` to `url`; rejects when the witness cannot be reached or does not answer in time. */
export type WitnessTransport = (url: string, body: string) => Promise<WitnessAnswer>;

/** What a witness's answer says about the log's history. */
export interface WitnessFinding {
  readonly code: 'integrity.rollback' | 'integrity.fork';
  readonly witness: string;
  /** The size the witness has cosigned (rollback) or the size at which the histories differ (fork). */
  readonly witnessSize: number;
  readonly logSize: number;
  readonly reason: string;
}

/** How one witness stands, as the Audit page shows it. */
export interface WitnessStatus {
  readonly name: string;
  readonly vkey: string;
  readonly url: string;
  /** The largest checkpoint it cosigned for this log, as far as the log knows. */
  readonly cosignedSize: number | null;
  /** When the log received that cosignature (ISO 8601). */
  readonly cosignedAt: string | null;
  /** The size the witness says it holds, learned from a 409 or a cosignature. */
  readonly knownSize: number | null;
  readonly lastError: string | null;
  readonly lastAttemptAt: string | null;
  readonly finding: WitnessFinding | null;
}

export interface WitnessQuorumStatus {
  readonly quorum: number;
  /** The largest tree size a quorum of witnesses has cosigned, or null. */
  readonly cosignedSize: number | null;
  /** Since when the latest checkpoint waits for its quorum (ISO 8601), or null when it has one. */
  readonly waitingSince: string | null;
  readonly lagging: boolean;
}

export interface WitnessSubmitter {
  /** Submits the latest checkpoint to every witness now (each worker joins its run if one is going). */
  notify(): void;
  status(): WitnessStatus[];
  quorumStatus(): WitnessQuorumStatus;
  /** Resolves once a quorum has cosigned a checkpoint of at least `treeSize`. */
  quorumReached(treeSize: number): Promise<void>;
  stop(): void;
}

/**
 * The add-checkpoint request body (tlog-witness §add-checkpoint): `old <size>`, the consistency proof lines, an
 * empty line, then the whole signed checkpoint.
 */
export function addCheckpointBody(oldSize: number, proof: readonly Uint8Array[], note: string): string {
  const lines = proof.map((hash) => `${Buffer.from(hash).toString('base64')}\n`).join('');
  return `old ${oldSize}\n${lines}\n${note}`;
}

const TLOG_SIZE = /^(0|[1-9][0-9]{0,15})\n$/;

/** The q-th largest of the sizes: the largest size at least `quorum` of them reach. */
export function quorumSize(sizes: readonly (number | null)[], quorum: number): number | null {
  const known = sizes.filter((size): size is number => size !== null).sort((a, b) => b - a);
  return known.length >= quorum ? (known[quorum - 1] ?? null) : null;
}

/**
 * Starts one worker per witness. Each loads the size its witness last cosigned from `cosignatures`, then submits the
 * latest checkpoint whenever `notify()` is called or its back-off ends, and checks the lag every `tickMs`.
 *
 * @example
 * const submitter = startWitnessSubmitter({ reads: store, cosignatures: store.cosignatures, witnesses, quorum: 2,
 *   maxLagMs: 600_000, transport: fetchTransport, now: () => new Date(), onFinding, onLagging });
 * ledger.onCheckpointSigned(() => submitter.notify());
 */
export function startWitnessSubmitter(args: {
  reads: LedgerReads;
  cosignatures: CosignatureStore;
  witnesses: readonly WitnessConfig[];
  quorum: number;
  maxLagMs: number;
  transport: WitnessTransport;
  now: () => Date;
  onFinding?: (finding: WitnessFinding) => Promise<void> | void;
  onLagging?: (lag: {
    treeSize: number;
    cosignedSize: number | null;
    quorum: number;
    lagSeconds: number;
  }) => Promise<void> | void;
  onError?: (error: unknown) => void;
  /**
   * With several processes on one database, only the signer of checkpoints asks the witnesses and watches their
   * lag (issue 13); the others' submitters stay idle while this says no.
   */
  active?: () => boolean;
  /** First retry delay after a failed submission; doubles up to `maxRetryMs`. */
  minRetryMs?: number;
  maxRetryMs?: number;
  tickMs?: number;
}): WitnessSubmitter {
  const { reads, cosignatures, transport, now, quorum } = args;
  const minRetryMs = args.minRetryMs ?? 500;
  const maxRetryMs = args.maxRetryMs ?? 60_000;
  const tickMs = args.tickMs ?? Math.max(50, Math.min(5_000, Math.floor(args.maxLagMs / 4)));
  const startedAt = now().getTime();
  let stopped = false;
  let lagRaisedFor: number | null = null;
  const waiters: { treeSize: number; resolve: () => void }[] = [];

  interface Worker {
    readonly config: WitnessConfig;
    cosigned: StoredCosignature | null;
    knownSize: number | null;
    lastError: string | null;
    lastAttemptAt: string | null;
    finding: WitnessFinding | null;
    running: Promise<void> | undefined;
    again: boolean;
    retryMs: number;
    retryTimer: ReturnType<typeof setTimeout> | undefined;
  }

  const workers: Worker[] = args.witnesses.map((config) => ({
    config,
    cosigned: null,
    knownSize: null,
    lastError: null,
    lastAttemptAt: null,
    finding: null,
    running: undefined,
    again: false,
    retryMs: minRetryMs,
    retryTimer: undefined,
  }));

  const loaded = cosignatures.latestPerWitness().then(
    (rows) => {
      for (const worker of workers) {
        const row = rows.find(
          (c) => c.witness === worker.config.key.name && c.keyId === worker.config.key.keyId,
        );
        if (row) {
          worker.cosigned = row;
          worker.knownSize = row.treeSize;
        }
      }
    },
    (error) => args.onError?.(error),
  );

  const cosignedQuorumSize = () =>
    quorumSize(
      workers.map((w) => w.cosigned?.treeSize ?? null),
      quorum,
    );

  function settleWaiters(): void {
    const size = cosignedQuorumSize();
    if (size === null) return;
    for (let i = waiters.length - 1; i >= 0; i--) {
      const waiter = waiters[i]!;
      if (waiter.treeSize <= size) {
        waiters.splice(i, 1);
        waiter.resolve();
      }
    }
  }

  async function report(worker: Worker, finding: WitnessFinding): Promise<void> {
    worker.finding = finding;
    worker.lastError = finding.reason;
    try {
      await args.onFinding?.(finding);
    } catch (error) {
      args.onError?.(error);
    }
  }

  /** One submission of `checkpoint`; returns true when it is settled (cosigned, or nothing more to do). */
  async function submit(worker: Worker, checkpoint: StoredCheckpoint): Promise<boolean> {
    const { key, url } = worker.config;
    const size = checkpoint.treeSize;
    // A 409 may teach us the witness's size; two tries settle an unknown size, a third means it keeps moving.
    for (let attempt = 0; attempt < 3; attempt++) {
      const old = worker.knownSize ?? 0;
      if (old > size) {
        // The witness holds more than this checkpoint: fine while the log holds it too (a later checkpoint will
        // do), a rollback when the log does not.
        const logSize = await reads.logSize();
        if (old > logSize) {
          await report(worker, {
            code: 'integrity.rollback',
            witness: key.name,
            witnessSize: old,
            logSize,
            reason: `witness ${key.name} has cosigned a tree of ${old} entries, but the log holds ${logSize}: entries were removed`,
          });
        }
        return true;
      }
      const proof =
        old === 0 || old === size
          ? []
          : consistencyProofPlan(old, size).assemble(
              await reads.readNodes(consistencyProofPlan(old, size).keys),
            );
      worker.lastAttemptAt = now().toISOString();
      const answer = await transport(
        `${url.replace(/\/+$/, '')}/add-checkpoint`,
        addCheckpointBody(old, proof, checkpoint.note),
      );
      if (answer.status === 200) {
        // tlog-witness §add-checkpoint: the client MAY concatenate the answer to the checkpoint and verify the note
        // with the witness keys it trusts; lines of other keys are ignored.
        const verified = verifyCosignatures(`${checkpoint.note}${answer.body}`, [key]);
        if (!verified.ok) throw new Error(`witness ${key.name}: ${verified.message}`);
        const found = verified.cosignatures.find((c) => c.name === key.name && c.keyId === key.keyId);
        if (!found) throw new Error(`witness ${key.name} answered 200 without its cosignature`);
        const stored: StoredCosignature = {
          treeSize: size,
          witness: key.name,
          keyId: key.keyId,
          rootHash: checkpoint.rootHash,
          timestamp: found.timestamp,
          line: found.line,
          receivedAt: now().toISOString(),
        };
        await cosignatures.insertCosignature(stored);
        worker.cosigned = stored;
        worker.knownSize = size;
        worker.lastError = null;
        settleWaiters();
        return true;
      }
      if (
        answer.status === 409 &&
        answer.contentType.startsWith('text/x.tlog.size') &&
        TLOG_SIZE.test(answer.body)
      ) {
        const theirs = Number(answer.body.trim());
        if (theirs === old && old !== 0) {
          // We sent the size it says it holds and it still conflicts: same size, another root (issue 11 lets a
          // witness answer 409 here; tlog-witness says 422, handled below).
          await report(worker, {
            code: 'integrity.fork',
            witness: key.name,
            witnessSize: theirs,
            logSize: await reads.logSize(),
            reason: `witness ${key.name} holds another tree of ${theirs} entries than the log: the history was rewritten`,
          });
          return true;
        }
        worker.knownSize = theirs;
        continue;
      }
      if (answer.status === 422 && old !== 0) {
        await report(worker, {
          code: 'integrity.fork',
          witness: key.name,
          witnessSize: old,
          logSize: await reads.logSize(),
          reason: `witness ${key.name} refused the log's consistency proof from its ${old} entries to ${size}: the log's first ${old} entries are not the ones it cosigned`,
        });
        return true;
      }
      throw new Error(`witness ${key.name} answered ${answer.status}: ${answer.body.slice(0, 200).trim()}`);
    }
    throw new Error(`witness ${key.name} kept changing its size`);
  }

  async function runWorker(worker: Worker): Promise<void> {
    await loaded;
    do {
      worker.again = false;
      if (stopped || worker.finding) return;
      const checkpoint = await reads.latestCheckpoint();
      if (!checkpoint || checkpoint.treeSize === 0) return;
      if (worker.cosigned && worker.cosigned.treeSize >= checkpoint.treeSize) continue;
      try {
        await submit(worker, checkpoint);
        worker.retryMs = minRetryMs;
      } catch (error) {
        worker.lastError = (error as Error).message;
        scheduleRetry(worker);
        return;
      }
    } while (worker.again && !stopped);
  }

  function scheduleRetry(worker: Worker): void {
    if (stopped || worker.retryTimer) return;
    const delay = worker.retryMs;
    worker.retryMs = Math.min(maxRetryMs, worker.retryMs * 2);
    worker.retryTimer = setTimeout(() => {
      worker.retryTimer = undefined;
      kick(worker);
    }, delay);
    worker.retryTimer.unref?.();
  }

  function kick(worker: Worker): void {
    if (stopped) return;
    if (worker.running) {
      worker.again = true;
      return;
    }
    worker.running = runWorker(worker)
      .catch((error) => args.onError?.(error))
      .finally(() => {
        worker.running = undefined;
        // A checkpoint announced after the run's last look at `again` would otherwise wait for the next tick.
        if (worker.again && !worker.retryTimer) kick(worker);
      });
  }

  async function waitingSince(): Promise<{ since: string; treeSize: number } | null> {
    const latest = await reads.latestCheckpoint();
    if (!latest || latest.treeSize === 0) return null;
    const cosigned = cosignedQuorumSize() ?? 0;
    if (cosigned >= latest.treeSize) return null;
    // The lag runs from the first checkpoint the quorum has not cosigned, or from when this process began to ask:
    // witnesses cannot be late with an answer nobody asked them for (the demo seeds its log in the past).
    const [first] = await reads.readCheckpoints(cosigned + 1, 1);
    const signedAt = Date.parse((first ?? latest).signedAt);
    return { since: new Date(Math.max(signedAt, startedAt)).toISOString(), treeSize: latest.treeSize };
  }

  let lastWaiting: { since: string; treeSize: number } | null = null;
  async function checkLag(): Promise<void> {
    await loaded;
    lastWaiting = await waitingSince();
    if (!lastWaiting) {
      lagRaisedFor = null;
      return;
    }
    const lagMs = now().getTime() - Date.parse(lastWaiting.since);
    if (lagMs <= args.maxLagMs) return;
    const cosignedSize = cosignedQuorumSize();
    // One alert per stretch of lag: the stretch ends when a quorum catches up.
    if (lagRaisedFor !== null && lagRaisedFor === (cosignedSize ?? 0)) return;
    lagRaisedFor = cosignedSize ?? 0;
    await args.onLagging?.({
      treeSize: lastWaiting.treeSize,
      cosignedSize,
      quorum,
      lagSeconds: Math.round(lagMs / 1000),
    });
  }

  const tick = () => {
    if (stopped || args.active?.() === false) return;
    for (const worker of workers) if (!worker.retryTimer) kick(worker);
    checkLag().catch((error) => args.onError?.(error));
  };
  const timer = setInterval(tick, tickMs);
  timer.unref?.();
  tick();

  return {
    notify() {
      // A witness in back-off is asked again when its back-off ends, for the latest checkpoint then.
      for (const worker of workers) if (!worker.retryTimer) kick(worker);
    },
    status: () =>
      workers.map((w) => ({
        name: w.config.key.name,
        vkey: w.config.vkey,
        url: w.config.url,
        cosignedSize: w.cosigned?.treeSize ?? null,
        cosignedAt: w.cosigned?.receivedAt ?? null,
        knownSize: w.knownSize,
        lastError: w.lastError,
        lastAttemptAt: w.lastAttemptAt,
        finding: w.finding,
      })),
    quorumStatus: () => ({
      quorum,
      cosignedSize: cosignedQuorumSize(),
      waitingSince: lastWaiting?.since ?? null,
      lagging: lagRaisedFor !== null,
    }),
    quorumReached(treeSize) {
      return new Promise<void>((resolve) => {
        waiters.push({ treeSize, resolve });
        settleWaiters();
      });
    },
    stop() {
      stopped = true;
      clearInterval(timer);
      for (const worker of workers) if (worker.retryTimer) clearTimeout(worker.retryTimer);
    },
  };
}
