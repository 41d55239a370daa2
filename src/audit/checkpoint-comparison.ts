/**
 * Does a log extend a checkpoint someone kept? The question a witness (C2SP tlog-witness), a monitor and the
 * server's own kept checkpoint all ask: the log must be at least as large as what it showed before, and a
 * consistency proof (RFC 9162 §2.1.4) must lead from the kept root to the log's root. Otherwise the log was cut back
 * (a rollback) or rewritten (a fork), and the kept checkpoint is the evidence.
 */
import { verifyConsistency } from './verify.js';

/** One tree head: a size and the root hash of the first `size` leaves. */
export interface TreeHeadToCompare {
  readonly size: number;
  readonly rootHash: Uint8Array;
}

/** Why a log does not extend a kept checkpoint: a closed set that callers switch on. */
export type HistoryBreak = 'rollback' | 'fork';

/** Outcome of {@link compareWithKept}. */
export type CheckpointComparison =
  | { readonly ok: true }
  | {
      readonly ok: false;
      /** `rollback`: the log is shorter than the kept checkpoint; `fork`: as long or longer, another history. */
      readonly kind: HistoryBreak;
      readonly keptSize: number;
      readonly logSize: number;
      readonly message: string;
    };

/**
 * Compares the log's head with a kept checkpoint. `proof` is the consistency proof from `kept.size` to `log.size`
 * (RFC 9162 §2.1.4.1), as the log hands it out: attacker-controlled, verified against both roots (§2.1.4.2), so
 * only a log whose first `kept.size` leaves are exactly the kept ones can pass. A kept checkpoint of the empty tree
 * commits to nothing and is extended by every log.
 *
 * @example
 * const plan = consistencyProofPlan(kept.size, head.size);
 * const result = compareWithKept({ kept, log: head, proof: plan.assemble(await readNodes(plan.keys)) });
 * if (!result.ok) console.error(`${result.kind}: kept ${result.keptSize}, log ${result.logSize}`);
 */
export function compareWithKept(args: {
  kept: TreeHeadToCompare;
  log: TreeHeadToCompare;
  proof: readonly Uint8Array[];
}): CheckpointComparison {
  const { kept, log } = args;
  if (log.size < kept.size) {
    return {
      ok: false,
      kind: 'rollback',
      keptSize: kept.size,
      logSize: log.size,
      message: `the log holds ${log.size} entries, fewer than the ${kept.size} of the kept checkpoint: entries from ${log.size} on are gone`,
    };
  }
  if (kept.size === 0) return { ok: true };
  const verified = verifyConsistency({
    size1: BigInt(kept.size),
    size2: BigInt(log.size),
    root1: kept.rootHash,
    root2: log.rootHash,
    proof: args.proof,
  });
  if (verified.ok) return { ok: true };
  return {
    ok: false,
    kind: 'fork',
    keptSize: kept.size,
    logSize: log.size,
    message:
      log.size === kept.size
        ? `the log of ${log.size} entries has another root than the kept checkpoint of the same size: its history was rewritten`
        : `the log of ${log.size} entries does not extend the kept checkpoint of ${kept.size} (${verified.message}): its history was rewritten`,
  };
}

/** The comparison's one-line form, naming the kind and both sizes, as the CLI and the alert print it. */
export function describeHistoryBreak(result: Extract<CheckpointComparison, { ok: false }>): string {
  return `${result.kind}: kept checkpoint of size ${result.keptSize}, log of size ${result.logSize}: ${result.message}`;
}
