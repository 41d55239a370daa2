import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import {
  checkLogIntegrity,
  type EntryToVerify,
  entryView,
  iterateEvents,
  verifyLog,
} from '../app/audit/index.js';
import { compareLogWithKept, type KeptHead, openKeptNote, storedHead } from '../app/ledger/index.js';
import { describeHistoryBreak } from '../audit/index.js';
import { sweepInWorker, sweepRequestOf } from './integrity-sweep.js';
import { progressBar } from './progress.js';
import { openSystem } from './system.js';

/**
 * Writes `entries.jsonl` (one line per leaf, in order), `checkpoint` (a signed checkpoint covering exactly those
 * entries; a fresh one is signed first when the latest does not cover the whole log) and `log.pub`.
 */
export async function exportCommand(
  options: { db?: string; out: string },
  io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream },
): Promise<number> {
  const system = await openSystem({ databaseUrl: options.db });
  try {
    // Issue 11: an export of a log that breaks the kept checkpoint would carry a checkpoint of the broken history.
    const broken = system.keeper?.standing();
    if (broken) {
      io.stderr.write(
        `export refused: the log does not extend the checkpoint kept in ${system.keeper?.file.location}: ${describeHistoryBreak(broken)}\n`,
      );
      return 1;
    }
    const checkpoint = await system.ledger.checkpoint();
    mkdirSync(options.out, { recursive: true });
    const progress = progressBar(io.stderr, 'export');
    const out = createWriteStream(join(options.out, 'entries.jsonl'));
    let written = 0;
    for await (const event of iterateEvents(system.store, { end: checkpoint.treeSize, pageSize: 2000 })) {
      if (!out.write(`${JSON.stringify(entryView(event))}\n`)) await once(out, 'drain');
      written += 1;
      if (written % 5000 === 0) progress.update(written, checkpoint.treeSize);
    }
    out.end();
    await once(out, 'finish');
    progress.stop();
    writeFileSync(join(options.out, 'checkpoint'), checkpoint.note);
    writeFileSync(join(options.out, 'log.pub'), `${system.verifierKey}\n`);
    io.stdout.write(
      `exported ${written} entries and a checkpoint of size ${checkpoint.treeSize} to ${options.out}\n`,
    );
    return 0;
  } finally {
    await system.close();
  }
}

class MalformedLine extends Error {
  constructor(
    readonly index: number,
    message: string,
  ) {
    super(message);
  }
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function decodeBase64(value: unknown, what: string, index: number): Uint8Array {
  if (typeof value !== 'string' || value.length % 4 !== 0 || !BASE64.test(value)) {
    throw new MalformedLine(index, `entry ${index}: ${what} is not base64`);
  }
  return new Uint8Array(Buffer.from(value, 'base64'));
}

async function* readEntries(path: string): AsyncGenerator<EntryToVerify> {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Number.POSITIVE_INFINITY });
  let lineNumber = 0;
  for await (const line of lines) {
    const expected = lineNumber++;
    if (line.trim() === '') throw new MalformedLine(expected, `entry ${expected}: empty line`);
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(line);
    } catch {
      throw new MalformedLine(expected, `entry ${expected}: line is not JSON`);
    }
    if (!Number.isSafeInteger(parsed.index)) throw new MalformedLine(expected, `entry ${expected}: no index`);
    yield {
      index: parsed.index as number,
      leaf: decodeBase64(parsed.leaf, 'leaf', expected),
      leafHash:
        parsed.leafHash === undefined ? undefined : decodeBase64(parsed.leafHash, 'leafHash', expected),
    };
  }
}

/** Exit 0 with a one-line summary when everything holds; exit 1 naming the first bad index or the bad signature. */
export async function verifyCommand(
  dir: string,
  io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream },
): Promise<number> {
  if (dir === '') {
    io.stderr.write('verify: give the folder of an export, or --db URL to check a database\n');
    return 1;
  }
  let checkpointNote: string;
  let verifierKey: string;
  try {
    checkpointNote = readFileSync(join(dir, 'checkpoint'), 'utf8');
    verifierKey = readFileSync(join(dir, 'log.pub'), 'utf8').trim();
  } catch (error) {
    io.stderr.write(`verify: cannot read the export: ${(error as Error).message}\n`);
    return 1;
  }
  const progress = progressBar(io.stderr, 'verify');
  try {
    const result = await verifyLog({
      entries: readEntries(join(dir, 'entries.jsonl')),
      checkpointNote,
      verifierKey,
      onProgress: (done, total) => progress.update(done, total),
    });
    progress.stop();
    if (result.ok) {
      io.stdout.write(
        `verified ${result.treeSize} entries of ${result.origin}: root ${Buffer.from(result.rootHash).toString('base64')} matches the signed checkpoint\n`,
      );
      return 0;
    }
    io.stderr.write(
      `verify failed${result.index === undefined ? '' : ` at index ${result.index}`}: ${result.message}\n`,
    );
    return 1;
  } catch (error) {
    progress.stop();
    if (error instanceof MalformedLine) {
      io.stderr.write(`verify failed at index ${error.index}: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

/**
 * `verify --db URL`: the server's integrity check run once on a database. Exit 0 with a one-line summary; exit 1
 * naming the first bad index (or the bad checkpoint) and why.
 */
export async function verifyDatabaseCommand(
  options: { db: string; checkpoint?: string },
  io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream },
): Promise<number> {
  let keptNote: string | undefined;
  if (options.checkpoint !== undefined) {
    try {
      keptNote = readFileSync(options.checkpoint, 'utf8');
    } catch (error) {
      io.stderr.write(`verify: cannot read the checkpoint: ${(error as Error).message}\n`);
      return 1;
    }
  }
  const system = await openSystem({ databaseUrl: options.db });
  const progress = progressBar(io.stderr, 'verify');
  try {
    let kept: KeptHead | undefined;
    if (keptNote !== undefined) {
      try {
        kept = openKeptNote(keptNote, system.verifierKey, options.checkpoint!);
      } catch (error) {
        io.stderr.write(`verify failed: ${(error as Error).message}\n`);
        return 1;
      }
    }
    const onProgress = (done: number, total: number) => progress.update(done, total);
    // On a thread of its own when it can (issue 13), streaming its progress.
    const sweep = sweepInWorker(sweepRequestOf(system), onProgress);
    const result = sweep
      ? await sweep()
      : await checkLogIntegrity({
          reads: system.store,
          verifierKey: system.verifierKey,
          entryMacs: system.entryMacs,
          onProgress,
        });
    progress.stop();
    // Issue 11: a note someone kept. A shorter log is a rollback whatever else is wrong; a sound log must extend it;
    // a log that fails its check is compared by its stored subtrees, so that another history is named as a fork.
    if (kept) {
      const head = result.ok
        ? { size: result.logSize, rootHash: result.rootHash }
        : result.logSize < kept.size
          ? { size: result.logSize, rootHash: new Uint8Array(32) }
          : await storedHead(system.store);
      const comparison = await compareLogWithKept(system.store, kept, head);
      if (!comparison.ok) {
        io.stderr.write(`verify failed: ${describeHistoryBreak(comparison)}\n`);
        return 1;
      }
    }
    if (result.ok) {
      io.stdout.write(
        `verified ${result.logSize} events in the database: every row matches its leaf and leaf hash, and ${result.checkpointsChecked} signed checkpoints (up to size ${result.verifiedTreeSize ?? 0}) match the recomputed tree${kept ? `, and the log extends the kept checkpoint of size ${kept.size}` : ''} (${result.durationMs} ms)\n`,
      );
      return 0;
    }
    io.stderr.write(`verify failed at index ${result.firstBadIndex}: ${result.reason} (${result.code})\n`);
    return 1;
  } finally {
    progress.stop();
    await system.close();
  }
}
