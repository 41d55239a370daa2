import { borderKeys, bytesEqual } from '../../audit/index.js';
import type { LedgerReads } from '../ports.js';
import type { IntegrityResult, VerifiedPrefix } from './integrity.usecases.js';

/** Below this many entries the log is checked in one part: a second thread costs more to start than it saves. */
export const SPLIT_CHECK_MINIMUM = 50_000;

/** What one part of a split check is asked to do: `checkLogIntegrity` with these arguments. */
export interface CheckPart {
  /** The entries before it are taken as verified: the part checks from `from.size` on. */
  readonly from?: VerifiedPrefix;
  /** The part checks only the entries before it. */
  readonly end?: number;
  readonly onProgress?: (checked: number, total: number) => void;
  readonly signal?: AbortSignal;
}

/**
 * The integrity check of the whole log (`checkLogIntegrity`) in two parts that run at once, each on a thread of its
 * own in the server (issue 13: `verify --db` and the watch's full sweep), with the result of the check in one pass.
 *
 * The first part checks entries [0, m), the second [m, n). The second cannot wait for the first's right border at m,
 * from which its leaves go on (RFC 9162 §2.1.1: the tree of n leaves is the tree of m leaves with the others
 * appended), so it starts from the border the database stores at m: the subtrees `borderKeys(m)`, which the writer
 * stored and every proof is built from. When the first part passes, the border it recomputed from the leaves must
 * be that one, and then every check the second part made is the check one pass makes. When the stored border
 * differs or is missing, or the second part fails (a checkpoint it finds wrong names the last verified checkpoint
 * before it, which may lie in the first part), the second part is checked again from the first part's verified
 * prefix: a failure is always named as one pass names it, at the cost of checking that part twice. The first part's
 * failure is the check's, as in one pass, where it comes first.
 *
 * Memory stays O(log n) at any number of checkpoints: the second part checks each of its checkpoints as it meets it,
 * which a split into subtree roots combined at the end could not do without keeping every checkpoint's partial
 * border until then.
 *
 * @example
 * const result = await checkLogIntegrityInTwo({
 *   reads: store,
 *   check: (part) => checkLogIntegrity({ reads: store, verifierKey, ...part }),
 * });
 */
export async function checkLogIntegrityInTwo(args: {
  reads: LedgerReads;
  /** Checks one part: `checkLogIntegrity` with the part's arguments, here or on another thread. */
  check: (part: CheckPart) => Promise<IntegrityResult>;
  onProgress?: (checked: number, total: number) => void;
  /** Below this log size, one part; default {@link SPLIT_CHECK_MINIMUM}. */
  minimumSize?: number;
  /** Where the second part starts, in [0, size]; default half the log. Any point gives the same result. */
  splitAt?: (size: number) => number;
}): Promise<IntegrityResult> {
  const started = Date.now();
  const size = await args.reads.logSize();
  if (size < (args.minimumSize ?? SPLIT_CHECK_MINIMUM)) {
    return args.check(args.onProgress ? { onProgress: args.onProgress } : {});
  }
  const split = args.splitAt?.(size) ?? Math.floor(size / 2);
  let firstDone = 0;
  let secondDone = 0;
  const report = () => args.onProgress?.(firstDone + secondDone, Math.max(size, split + secondDone));

  const storedBorder = await args.reads.readNodes(borderKeys(split)).catch(() => undefined);
  const stopSecond = new AbortController();
  const second = storedBorder
    ? args
        .check({
          from: { size: split, border: storedBorder, verifiedTreeSize: null, checkpointsChecked: 0 },
          signal: stopSecond.signal,
          onProgress: (checked) => {
            secondDone = checked - split;
            report();
          },
        })
        .catch(() => undefined)
    : Promise.resolve(undefined);
  let first: IntegrityResult;
  try {
    first = await args.check({
      end: split,
      onProgress: (checked) => {
        firstDone = checked;
        report();
      },
    });
  } catch (error) {
    stopSecond.abort();
    await second;
    throw error;
  }
  if (!first.ok || first.prefix.size !== split) {
    stopSecond.abort();
    await second;
    return first;
  }
  const { prefix } = first;
  const sameBorder =
    storedBorder !== undefined &&
    storedBorder.length === prefix.border.length &&
    storedBorder.every((hash, i) => bytesEqual(hash, prefix.border[i]!));
  if (!sameBorder) stopSecond.abort();
  const rest = await second;
  if (sameBorder && rest?.ok) {
    const checkpointsChecked = prefix.checkpointsChecked + rest.checkpointsChecked;
    const verifiedTreeSize = rest.verifiedTreeSize ?? prefix.verifiedTreeSize;
    return {
      ...rest,
      checkedAt: first.checkedAt,
      checkpointsChecked,
      verifiedTreeSize,
      durationMs: Date.now() - started,
      prefix: { ...rest.prefix, checkpointsChecked, verifiedTreeSize },
    };
  }
  // The one-pass check from the first part's verified prefix.
  secondDone = 0;
  const again = await args.check({
    from: prefix,
    onProgress: (checked) => {
      secondDone = checked - split;
      report();
    },
  });
  return { ...again, checkedAt: first.checkedAt, durationMs: Date.now() - started };
}
