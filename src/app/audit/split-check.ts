import { borderKeys, bytesEqual } from '../../audit/index.js';
import type { LedgerReads } from '../ports.js';
import type { IntegrityResult, VerifiedPrefix } from './integrity.usecases.js';

/** Below this many entries the log is checked in one part: a second thread costs more to start than it saves. */
export const SPLIT_CHECK_MINIMUM = 50_000;

/** About this many entries a part: enough parts that a checker that starts late or runs slow costs little. */
const PART_SIZE = 25_000;
const MAX_PARTS = 64;

/** What one part of a split check is asked to do: `checkLogIntegrity` with these arguments. */
export interface CheckPart {
  /** The entries before it are taken as verified: the part checks from `from.size` on. */
  readonly from?: VerifiedPrefix;
  /** The part checks only the entries before it; without it, up to the log's end, and the end's own checks. */
  readonly end?: number;
  readonly onProgress?: (checked: number, total: number) => void;
  readonly signal?: AbortSignal;
}

/** Checks one part at a time: `checkLogIntegrity` with the part's arguments, here or on a thread of its own. */
export type PartChecker = (part: CheckPart) => Promise<IntegrityResult>;

/** The part boundaries 0 < b₁ < … < n for a log of `size` entries. */
function defaultBoundaries(size: number): number[] {
  const parts = Math.min(MAX_PARTS, Math.max(2, Math.floor(size / PART_SIZE)));
  return Array.from({ length: parts - 1 }, (_, i) => Math.floor(((i + 1) * size) / parts));
}

/**
 * The integrity check of the whole log (`checkLogIntegrity`) in parts that several checkers (threads, in the
 * server: issue 13, `verify --db` and the watch's full sweep) take one after another, with the result of the check
 * in one pass.
 *
 * The parts are consecutive ranges of entries. A part after the first cannot wait for the right border its
 * predecessor recomputes, from which its leaves go on (RFC 9162 §2.1.1: the tree of n leaves is the tree of m
 * leaves with the others appended), so it starts from the border the database stores at its start: the subtrees
 * `borderKeys(m)`, which the writer stored and every proof is built from. When every part passes and each border a
 * part recomputed is the one its successor started from, every check each part made is the check one pass makes.
 * From the first part that fails, or whose starting border differs from (or is missing beside) the one recomputed
 * before it, the log is checked again in one pass from the verified prefix before that part: a failure is always
 * named as one pass names it (a checkpoint found wrong names the last verified checkpoint, which may lie in an
 * earlier part), at the cost of checking the rest again. Parts after a failing one are stopped.
 *
 * Memory stays O(log n) a part at any number of checkpoints: each part checks each of its checkpoints as it meets
 * it, which subtree roots combined at the end could not do without keeping every checkpoint's partial border.
 *
 * @example
 * const result = await checkLogIntegrityInParts({
 *   reads: store,
 *   checkers: [here, onHelperThread],
 * });
 */
export async function checkLogIntegrityInParts(args: {
  reads: LedgerReads;
  /** One or more; the parts go to whichever is free, in order. */
  checkers: readonly PartChecker[];
  onProgress?: (checked: number, total: number) => void;
  /** Below this log size, one part; default {@link SPLIT_CHECK_MINIMUM}. */
  minimumSize?: number;
  /** Where the parts after the first start, increasing, in (0, size); default one every ~25,000 entries. */
  boundaries?: (size: number) => readonly number[];
}): Promise<IntegrityResult> {
  const started = Date.now();
  const [first] = args.checkers;
  if (!first) throw new RangeError('checkLogIntegrityInParts needs a checker');
  const size = await args.reads.logSize();
  if (args.checkers.length < 2 || size < (args.minimumSize ?? SPLIT_CHECK_MINIMUM)) {
    return first(args.onProgress ? { onProgress: args.onProgress } : {});
  }
  const starts = [0, ...(args.boundaries ?? defaultBoundaries)(size)];
  const ends = [...starts.slice(1), undefined];

  const done = starts.map(() => 0);
  const report = () =>
    args.onProgress?.(
      done.reduce((sum, n) => sum + n, 0),
      Math.max(size, ...done.map((n, i) => starts[i]! + n)),
    );
  const progressOf = (part: number) => (checked: number) => {
    done[part] = checked - starts[part]!;
    report();
  };

  /** The border stored at each part's start, or undefined where it cannot be read. */
  const storedBorders = await Promise.all(
    starts.map((start) =>
      start === 0 ? Promise.resolve([]) : args.reads.readNodes(borderKeys(start)).catch(() => undefined),
    ),
  );
  const stop = starts.map(() => new AbortController());
  const outcomes = starts.map(() => deferred<IntegrityResult | undefined>());
  let next = 0;
  const runParts = async (check: PartChecker) => {
    while (next < starts.length) {
      const part = next++;
      const border = storedBorders[part];
      const signal = stop[part]!.signal;
      if (signal.aborted || border === undefined) {
        outcomes[part]!.resolve(undefined);
        continue;
      }
      const end = ends[part];
      const result = await check({
        ...(part === 0
          ? {}
          : { from: { size: starts[part]!, border, verifiedTreeSize: null, checkpointsChecked: 0 } }),
        ...(end === undefined ? {} : { end }),
        signal,
        onProgress: progressOf(part),
      }).catch(() => undefined);
      // A part that fails makes every later part's result moot: the one pass from before it names the failure.
      if (!result?.ok) for (const later of stop.slice(part + 1)) later.abort();
      outcomes[part]!.resolve(result);
    }
  };
  const running = Promise.all(args.checkers.map(runParts));

  let prefix: VerifiedPrefix | undefined;
  let last: Extract<IntegrityResult, { ok: true }> | undefined;
  let checkedAt: string | undefined;
  for (let part = 0; part < starts.length; part++) {
    const result = await outcomes[part]!.promise;
    const border = storedBorders[part];
    const startsWherePreviousEnded =
      part === 0 ||
      (prefix !== undefined &&
        border !== undefined &&
        border.length === prefix.border.length &&
        border.every((hash, i) => bytesEqual(hash, prefix!.border[i]!)));
    const endsWhereAsked =
      result?.ok === true && (ends[part] === undefined || result.prefix.size === ends[part]);
    if (!result?.ok || !startsWherePreviousEnded || !endsWhereAsked) {
      for (const later of stop) later.abort();
      await running;
      // The first part's failure (or its reaching a log that shrank below its end) is the one pass's.
      if (part === 0 && result) return { ...result, durationMs: Date.now() - started };
      // Else the one pass from the verified prefix before this part.
      done.fill(0, part);
      const again = await first({
        ...(prefix ? { from: prefix } : {}),
        onProgress: progressOf(prefix ? part : 0),
      });
      return { ...again, checkedAt: checkedAt ?? again.checkedAt, durationMs: Date.now() - started };
    }
    checkedAt ??= result.checkedAt;
    const checkpointsChecked = (prefix?.checkpointsChecked ?? 0) + result.checkpointsChecked;
    const verifiedTreeSize = result.verifiedTreeSize ?? prefix?.verifiedTreeSize ?? null;
    prefix = { ...result.prefix, checkpointsChecked, verifiedTreeSize };
    last = { ...result, checkpointsChecked, verifiedTreeSize, prefix };
  }
  await running;
  return { ...last!, checkedAt: checkedAt!, durationMs: Date.now() - started };
}

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}
