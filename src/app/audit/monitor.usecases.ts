/**
 * The monitor: an auditor who runs no server (a port police analyst) keeps the last checkpoint the log showed
 * them, and asks the log to prove that every new checkpoint extends it. A log that was cut back (rollback) or
 * rewritten (fork) cannot give that proof, whatever its operator does to its own database: the kept checkpoint,
 * signed by the log, is the evidence (C2SP tlog-witness's check, made by a reader; RFC 9162 §8.3 monitors).
 */
import { decodeBase64Strict, encodeBase64 } from '../../audit/bytes.js';
import { compareWithKept } from '../../audit/checkpoint-comparison.js';
import { type CosignatureVerifier, verifyCosignatures } from '../../audit/cosignature.js';
import { openCheckpoint, parseVerifierKey } from '../../audit/index.js';

/** The log's public audit API, as seen from the monitor: `get('/v1/audit/checkpoint')` answers its status and body. */
export interface LogHttpPort {
  get(pathAndQuery: string): Promise<{ readonly status: number; readonly body: unknown }>;
}

/** The checkpoint a monitor keeps between runs, in its state file. */
export interface MonitorState {
  readonly version: 1;
  /** The log's verifier key: given on the command line, or pinned from the log on first use. */
  readonly logKey: string;
  readonly origin: string;
  readonly treeSize: number;
  /** Base64, as in the note. */
  readonly rootHash: string;
  /** The signed note, verbatim: what the log showed, to be shown to anyone if it ever denies it. */
  readonly note: string;
  readonly checkedAt: string;
  /** Checkpoints the log showed that did not extend the kept one, kept as evidence; newest last. */
  readonly refused: readonly {
    readonly at: string;
    readonly problem: MonitorProblem;
    readonly note: string;
  }[];
}

/** Why a check failed: a closed set the CLI switches on. */
export type MonitorProblem =
  | 'rollback'
  | 'fork'
  | 'signature_invalid'
  | 'quorum_missing'
  | 'answer_malformed'
  | 'unreachable';

export type MonitorOutcome =
  | {
      readonly ok: true;
      readonly state: MonitorState;
      /** The size kept before this check (undefined on first use). */
      readonly previousSize: number | undefined;
      readonly treeSize: number;
      readonly cosignatures: readonly string[];
      readonly pinnedKey: boolean;
    }
  | {
      readonly ok: false;
      readonly problem: MonitorProblem;
      /** One line, naming the problem and, for a history break, both sizes. */
      readonly message: string;
      /** The state to keep: unchanged but for the evidence of a broken history. */
      readonly state: MonitorState | undefined;
    };

export interface MonitorCheckInput {
  readonly log: LogHttpPort;
  /** The state kept from the last run, or undefined on first use. */
  readonly state: MonitorState | undefined;
  /** A verifier key given by the user: must match the pinned one. */
  readonly logKey?: string;
  readonly witnesses: readonly CosignatureVerifier[];
  /** How many of `witnesses` must have cosigned (default: all of them). */
  readonly quorum?: number;
  /** The clock travels in the command. */
  readonly now: Date;
}

/** Most recent refused checkpoints kept in the state, so that a log flapping for weeks cannot grow it for ever. */
const MAX_EVIDENCE = 100;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function fetchJson(log: LogHttpPort, path: string) {
  try {
    return { ...(await log.get(path)), reached: true as const };
  } catch (error) {
    return { reached: false as const, why: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * One check: fetch the latest checkpoint, verify the log's signature and the witnesses' quorum, and prove it
 * extends the kept one (RFC 9162 §2.1.4 consistency proof verified against both roots). Never throws for
 * anything the log answers: the log is the party under audit.
 */
export async function checkLog(input: MonitorCheckInput): Promise<MonitorOutcome> {
  const { log, state, now } = input;
  const fail = (problem: MonitorProblem, message: string, evidence?: string): MonitorOutcome => ({
    ok: false,
    problem,
    message: `${problem}: ${message}`,
    state:
      state && evidence !== undefined
        ? {
            ...state,
            refused: [...state.refused, { at: now.toISOString(), problem, note: evidence }].slice(
              -MAX_EVIDENCE,
            ),
          }
        : state,
  });

  if (state && input.logKey !== undefined && input.logKey !== state.logKey) {
    return fail(
      'signature_invalid',
      `the log key given is not the one pinned in the state (${state.logKey})`,
    );
  }
  const answer = await fetchJson(log, '/v1/audit/checkpoint');
  if (!answer.reached) return fail('unreachable', `GET /v1/audit/checkpoint: ${answer.why}`);
  if (answer.status !== 200 || !isObject(answer.body) || typeof answer.body.note !== 'string') {
    return answer.status >= 500 || answer.status === 404
      ? fail('unreachable', `GET /v1/audit/checkpoint answered ${answer.status}`)
      : fail('answer_malformed', `GET /v1/audit/checkpoint answered ${answer.status} without a note`);
  }
  const note = answer.body.note;
  const logKey =
    state?.logKey ??
    input.logKey ??
    (typeof answer.body.verifierKey === 'string' ? answer.body.verifierKey : undefined);
  if (logKey === undefined) return fail('answer_malformed', 'no log key given and the log names none');
  let verifier: ReturnType<typeof parseVerifierKey>;
  try {
    verifier = parseVerifierKey(logKey);
  } catch (error) {
    return fail(
      'signature_invalid',
      `the log key is not a signed-note verifier key: ${(error as Error).message}`,
    );
  }
  const opened = openCheckpoint(note, verifier, state?.origin);
  if (!opened.ok)
    return fail('signature_invalid', `the checkpoint does not verify with ${logKey}: ${opened.message}`);
  if (opened.treeSize > BigInt(Number.MAX_SAFE_INTEGER)) {
    return fail('answer_malformed', `tree size ${opened.treeSize} is beyond what this monitor can follow`);
  }
  const treeSize = Number(opened.treeSize);

  let cosignatures: readonly string[] = [];
  if (input.witnesses.length > 0) {
    const quorum = input.quorum ?? input.witnesses.length;
    const cosigned = verifyCosignatures(note, input.witnesses);
    if (!cosigned.ok)
      return fail('quorum_missing', `a witness cosignature does not verify: ${cosigned.message}`);
    cosignatures = cosigned.cosignatures.map((c) => c.name);
    if (cosignatures.length < quorum) {
      return fail(
        'quorum_missing',
        `the checkpoint of size ${treeSize} carries ${cosignatures.length} of the ${quorum} witness cosignatures required${cosignatures.length > 0 ? ` (${cosignatures.join(', ')})` : ''}`,
      );
    }
  }

  if (state) {
    const kept = { size: state.treeSize, rootHash: decodeBase64Strict(state.rootHash) ?? new Uint8Array() };
    let proof: Uint8Array[] = [];
    if (treeSize > state.treeSize && state.treeSize > 0) {
      const proofAnswer = await fetchJson(
        log,
        `/v1/audit/proof/consistency?from=${state.treeSize}&to=${treeSize}`,
      );
      if (!proofAnswer.reached)
        return fail('unreachable', `GET /v1/audit/proof/consistency: ${proofAnswer.why}`);
      if (proofAnswer.status >= 500) {
        return fail('unreachable', `GET /v1/audit/proof/consistency answered ${proofAnswer.status}`);
      }
      const hashes =
        proofAnswer.status === 200 && isObject(proofAnswer.body) && Array.isArray(proofAnswer.body.proof)
          ? proofAnswer.body.proof.map((h) => (typeof h === 'string' ? decodeBase64Strict(h) : undefined))
          : undefined;
      // A log that will not or cannot hand out the proof cannot show that it extends what it showed before.
      if (!hashes || hashes.some((h) => h === undefined)) {
        return fail(
          'fork',
          `kept checkpoint of size ${state.treeSize}, log of size ${treeSize}: the log gave no consistency proof (HTTP ${proofAnswer.status})`,
          note,
        );
      }
      proof = hashes as Uint8Array[];
    }
    const compared = compareWithKept({ kept, log: { size: treeSize, rootHash: opened.rootHash }, proof });
    if (!compared.ok) {
      return fail(
        compared.kind,
        `kept checkpoint of size ${compared.keptSize}, log of size ${compared.logSize}: ${compared.message}`,
        note,
      );
    }
  }

  return {
    ok: true,
    previousSize: state?.treeSize,
    treeSize,
    cosignatures,
    pinnedKey: state === undefined && input.logKey === undefined,
    state: {
      version: 1,
      logKey,
      origin: opened.origin,
      treeSize,
      rootHash: encodeBase64(opened.rootHash),
      note,
      checkedAt: now.toISOString(),
      refused: state?.refused ?? [],
    },
  };
}

/**
 * Reads a state file's JSON defensively: the file is the monitor's own, but a truncated or hand-edited one must
 * stop the monitor rather than silently restart trust on first use.
 */
export function parseMonitorState(json: unknown): MonitorState | undefined {
  if (!isObject(json) || json.version !== 1) return undefined;
  const { logKey, origin, treeSize, rootHash, note, checkedAt, refused } = json;
  if (
    typeof logKey !== 'string' ||
    typeof origin !== 'string' ||
    typeof treeSize !== 'number' ||
    !Number.isSafeInteger(treeSize) ||
    treeSize < 0 ||
    typeof rootHash !== 'string' ||
    decodeBase64Strict(rootHash)?.length !== 32 ||
    typeof note !== 'string' ||
    typeof checkedAt !== 'string' ||
    !Array.isArray(refused)
  ) {
    return undefined;
  }
  return {
    version: 1,
    logKey,
    origin,
    treeSize,
    rootHash,
    note,
    checkedAt,
    refused: refused as MonitorState['refused'],
  };
}
