/**
 * A C2SP tlog-witness (https://c2sp.org/tlog-witness): cosigns checkpoints of the logs it knows, after checking
 * that each extends the last one it cosigned for the origin. The check and the update of the record are one step
 * per origin: submissions for an origin wait in line from the check until the new record is durable, so two racing
 * requests can never roll the witness back (§add-checkpoint, the race of steps 1–6).
 */
import { createHash } from 'node:crypto';
import { encodeBase64 } from '../audit/bytes.js';
import { type Cosigner, cosignatureLine, type NoteVerifier } from '../audit/index.js';
import { authenticateAddCheckpoint, checkConsistencyWithRecord, type Refusal } from './add-checkpoint.js';
import type { WitnessStateFile } from './state-file.js';

/** An HTTP answer, as the spec words it. */
export interface WitnessResponse {
  readonly status: 200 | 400 | 403 | 404 | 409 | 422;
  readonly contentType: string;
  readonly body: string;
}

export interface Witness {
  readonly cosigner: Cosigner;
  /** `POST <submission prefix>/add-checkpoint` with the raw request body. */
  addCheckpoint(body: Uint8Array): Promise<WitnessResponse>;
  /** `GET <monitoring prefix>/<origin hash>/checkpoint`: the latest cosigned checkpoint, or undefined. */
  latestCheckpoint(originHashHex: string): string | undefined;
}

/** Lower-case hex SHA-256 of an origin line (tlog-witness §Monitor Retrieval Mechanism). */
export function originHash(origin: string): string {
  return createHash('sha256').update(origin, 'utf8').digest('hex');
}

const TEXT = 'text/plain; charset=utf-8';

function refusal(refused: Refusal): WitnessResponse {
  if (refused.status === 409 && refused.cosignedSize !== undefined) {
    // §add-checkpoint: the body is the cosigned size in decimal and a newline, as text/x.tlog.size.
    return { status: 409, contentType: 'text/x.tlog.size', body: `${refused.cosignedSize}\n` };
  }
  return { status: refused.status, contentType: TEXT, body: `${refused.reason}\n` };
}

/** One lock per origin: tasks for the same origin run one after another; other origins do not wait. */
function perOriginLocks() {
  const tails = new Map<string, Promise<unknown>>();
  return <T>(origin: string, task: () => Promise<T>): Promise<T> => {
    const previous = tails.get(origin) ?? Promise.resolve();
    const run = previous.then(task, task);
    const tail = run.catch(() => undefined);
    tails.set(origin, tail);
    void tail.then(() => {
      if (tails.get(origin) === tail) tails.delete(origin);
    });
    return run;
  };
}

/**
 * @param logs the log verifier keys; a log's origin is its key's name, as PortLedger's server names its key.
 * @param nowSeconds the clock, seconds since the Epoch (the cosignature timestamp).
 */
export function createWitness(args: {
  cosigner: Cosigner;
  logs: readonly NoteVerifier[];
  state: WitnessStateFile;
  nowSeconds: () => number;
  now?: () => Date;
}): Witness {
  const { cosigner, state, nowSeconds } = args;
  const now = args.now ?? (() => new Date());
  const logKeys = new Map<string, NoteVerifier[]>();
  for (const key of args.logs) logKeys.set(key.name, [...(logKeys.get(key.name) ?? []), key]);
  const withOrigin = perOriginLocks();
  const byHash = new Map<string, string>();
  for (const origin of logKeys.keys()) byHash.set(originHash(origin), origin);

  async function keepEvidence(args: {
    origin: string;
    refused: Refusal;
    oldSize: bigint;
    proof: readonly Uint8Array[];
    note: string;
  }): Promise<void> {
    const record = state.get(args.origin);
    await state.appendEvidence({
      receivedAt: now().toISOString(),
      origin: args.origin,
      status: args.refused.status,
      reason: args.refused.reason,
      oldSize: args.oldSize.toString(10),
      proof: args.proof.map(encodeBase64),
      checkpoint: args.note,
      cosignedSize: record ? record.size.toString(10) : null,
      cosignedRootHash: record ? encodeBase64(record.rootHash) : null,
    });
  }

  return {
    cosigner,
    async addCheckpoint(body) {
      const submitted = authenticateAddCheckpoint({ body, logKeys });
      if (!submitted.ok) {
        if (submitted.signedByLog) await keepEvidence({ ...submitted.signedByLog, refused: submitted });
        return refusal(submitted);
      }
      const { origin } = submitted.checkpoint;
      return withOrigin(origin, async () => {
        const checked = checkConsistencyWithRecord({ submitted, record: state.get(origin) });
        if (!checked.ok) {
          await keepEvidence({
            origin,
            refused: checked,
            oldSize: submitted.request.oldSize,
            proof: submitted.request.proof,
            note: submitted.request.note,
          });
          return refusal(checked);
        }
        // tlog-witness §add-checkpoint: the timestamp MUST NOT be zero.
        const timestamp = Math.max(1, nowSeconds());
        const line = cosignatureLine({ cosigner, noteText: submitted.text, timestamp });
        // "The witness MUST persist the new checkpoint before responding."
        await state.commit(origin, {
          size: submitted.checkpoint.treeSize,
          rootHash: submitted.checkpoint.rootHash,
          cosignedNote: `${submitted.text}\n${submitted.logSignatureLines.join('')}${line}`,
        });
        return { status: 200, contentType: TEXT, body: line };
      });
    },
    latestCheckpoint(originHashHex) {
      const origin = byHash.get(originHashHex);
      return origin === undefined ? undefined : state.get(origin)?.cosignedNote;
    },
  };
}
