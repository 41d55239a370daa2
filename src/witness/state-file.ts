/**
 * The witness's memory, in two files outside any database:
 * - the state file: per origin, the latest checkpoint it cosigned. Replaced atomically: write a temporary file,
 *   fsync it, rename it over the old one, fsync the directory, so a crash (SIGKILL, power loss) leaves either the
 *   old state or the new one, never a torn file and never an older one after a newer was acknowledged.
 * - the evidence file, beside it: JSON lines, append-only, one per refused submission that a trusted log key had
 *   signed (tlog-witness §add-checkpoint: such a request "might be proof of log misbehavior").
 */
import { open, readFile, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { decodeBase64Strict, encodeBase64 } from '../audit/bytes.js';
import { replaceFileAtomically, writeDurably } from './durable-file.js';

const STATE_FORMAT = 'portledger-witness-state/1';

/** One log's record: the latest checkpoint the witness cosigned, and the note it serves for it. */
export interface LogRecord {
  readonly size: bigint;
  readonly rootHash: Uint8Array;
  /** The checkpoint with the log's verified signatures and this witness's cosignature. */
  readonly cosignedNote: string;
}

/** One refused submission, kept as evidence. */
export interface EvidenceRecord {
  readonly receivedAt: string;
  readonly origin: string;
  readonly status: number;
  readonly reason: string;
  readonly oldSize: string;
  readonly proof: readonly string[];
  readonly checkpoint: string;
  /** What the witness had cosigned for the origin at the time, if anything. */
  readonly cosignedSize: string | null;
  readonly cosignedRootHash: string | null;
}

/** The state file, loaded, with its single writer. */
export interface WitnessStateFile {
  readonly path: string;
  readonly evidencePath: string;
  get(origin: string): LogRecord | undefined;
  origins(): string[];
  /** Persists `record` for `origin` (and every record already committed); resolves once it is durable. */
  commit(origin: string, record: LogRecord): Promise<void>;
  appendEvidence(record: EvidenceRecord): Promise<void>;
  /** Releases the lock file, once the server no longer takes submissions. */
  close(): Promise<void>;
}

interface StoredLog {
  size: string;
  rootHash: string;
  cosignedNote: string;
}

function serialise(records: ReadonlyMap<string, LogRecord>): string {
  const logs: Record<string, StoredLog> = {};
  for (const [origin, record] of [...records].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    logs[origin] = {
      size: record.size.toString(10),
      rootHash: encodeBase64(record.rootHash),
      cosignedNote: record.cosignedNote,
    };
  }
  return `${JSON.stringify({ format: STATE_FORMAT, logs }, null, 2)}\n`;
}

function deserialise(path: string, text: string): Map<string, LogRecord> {
  const broken = (why: string) =>
    new Error(`witness state ${path} is unreadable (${why}); refusing to start`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw broken('not JSON');
  }
  const document = parsed as { format?: unknown; logs?: unknown };
  if (document?.format !== STATE_FORMAT || typeof document.logs !== 'object' || document.logs === null) {
    throw broken(`not ${STATE_FORMAT}`);
  }
  const records = new Map<string, LogRecord>();
  for (const [origin, value] of Object.entries(document.logs as Record<string, StoredLog>)) {
    const rootHash = typeof value?.rootHash === 'string' ? decodeBase64Strict(value.rootHash) : undefined;
    if (typeof value?.size !== 'string' || !/^(0|[1-9][0-9]*)$/.test(value.size) || !rootHash) {
      throw broken(`bad record for ${origin}`);
    }
    records.set(origin, {
      size: BigInt(value.size),
      rootHash,
      cosignedNote: String(value.cosignedNote ?? ''),
    });
  }
  return records;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes `<state>.lock` for this process. Two witness processes on one state file would each check against their
 * own memory and could roll each other back; the per-origin line only holds inside one process. A lock left by a
 * process that no longer runs (SIGKILL, a crash) is taken over. The same process may reopen its own file (a
 * restart inside tests).
 */
async function acquireLock(statePath: string, lockPath: string): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(lockPath, 'wx', 0o600);
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number((await readFile(lockPath, 'utf8').catch(() => '')).trim());
    if (Number.isSafeInteger(holder) && holder > 0 && holder !== process.pid && isRunning(holder)) {
      throw new Error(`witness state ${statePath} is in use by process ${holder} (${lockPath})`);
    }
    await rm(lockPath, { force: true });
  }
  throw new Error(`could not lock witness state ${statePath} (${lockPath})`);
}

/** A queue that runs one task at a time, in order, so that no write overtakes another. */
function serialQueue() {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>): Promise<T> => {
    const run = tail.then(task, task);
    tail = run.catch(() => undefined);
    return run;
  };
}

/**
 * Loads the state file (a missing file is a witness that has cosigned nothing yet; an unreadable one stops the
 * start, since guessing would let a log roll the witness back) and returns its writer.
 *
 * @example const state = await openWitnessStateFile('./data/customs-witness.state.json');
 */
export async function openWitnessStateFile(path: string): Promise<WitnessStateFile> {
  const dir = dirname(path);
  const temporary = join(dir, `.${basename(path)}.tmp`);
  const evidencePath = `${path.replace(/\.json$/, '')}.evidence.jsonl`;
  const lockPath = `${path}.lock`;
  await acquireLock(path, lockPath);
  let committed = new Map<string, LogRecord>();
  try {
    committed = deserialise(path, await readFile(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  // A temporary file left by a crash before its rename was never acknowledged to anyone.
  await rm(temporary, { force: true });
  const writes = serialQueue();
  const appends = serialQueue();
  return {
    path,
    evidencePath,
    get: (origin) => committed.get(origin),
    origins: () => [...committed.keys()],
    commit: (origin, record) =>
      // Each write starts from what is committed when it runs, so a write for one origin never carries an older
      // view of another origin over a newer one.
      writes(async () => {
        const next = new Map(committed);
        next.set(origin, record);
        await replaceFileAtomically(path, serialise(next), { mode: 0o600, temporary });
        committed = next;
      }),
    appendEvidence: (record) =>
      appends(async () => {
        await writeDurably(evidencePath, `${JSON.stringify(record)}\n`, 'a');
      }),
    close: async () => {
      await writes(async () => undefined);
      await appends(async () => undefined);
      const holder = (await readFile(lockPath, 'utf8').catch(() => '')).trim();
      if (holder === String(process.pid)) await rm(lockPath, { force: true });
    },
  };
}
