import { ALERTS_STREAM, witnessLagAlertRecord } from '../app/alerts/index.js';
import type { IntegrityWatch } from '../app/audit/index.js';
import {
  startWitnessSubmitter,
  type WitnessConfig,
  type WitnessFinding,
  type WitnessSubmitter,
  type WitnessTransport,
} from '../app/audit/index.js';
import { AppError } from '../app/errors.js';
import type { Ledger } from '../app/ledger/index.js';
import type { LedgerStore } from '../app/ports.js';
import { parseCosignatureVerifierKey } from '../audit/cosignature.js';

/**
 * Parses `PORTLEDGER_WITNESSES`: comma-separated `VKEY@URL`, the witness's cosigner verifier key
 * (`name+keyid+base64`, tlog-cosignature type 0x04) and its submission prefix. The key's base64 holds no `@`, so
 * the first `@` after the key's second `+` ends it.
 *
 * @throws AppError `input.invalid` naming the entry that is not a witness.
 * @example parseWitnessList('customs.example/w+1a2b3c4d+BA…=@http://127.0.0.1:7001')
 */
export function parseWitnessList(text: string | undefined): WitnessConfig[] {
  if (!text || text.trim() === '') return [];
  const witnesses = text.split(',').map((entry) => {
    const item = entry.trim();
    const second = item.indexOf('+', item.indexOf('+') + 1);
    const at = second < 0 ? -1 : item.indexOf('@', second);
    const refuse = (why: string): never => {
      throw new AppError('input.invalid', `PORTLEDGER_WITNESSES: "${item}" ${why} (expected VKEY@URL)`);
    };
    if (at < 0) return refuse('has no @URL after the key');
    const vkey = item.slice(0, at);
    const url = item.slice(at + 1);
    let key: WitnessConfig['key'];
    try {
      key = parseCosignatureVerifierKey(vkey);
    } catch (error) {
      return refuse(`is not a cosigner verifier key: ${(error as Error).message}`);
    }
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return refuse('has no valid URL');
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') refuse('needs an http(s) URL');
    return { key, vkey, url };
  });
  const names = new Set(witnesses.map((w) => w.key.name));
  if (names.size !== witnesses.length) {
    throw new AppError('input.invalid', 'PORTLEDGER_WITNESSES names the same witness twice');
  }
  return witnesses;
}

/** `PORTLEDGER_WITNESS_QUORUM`: between 1 and the number of witnesses; all of them when unset. */
export function parseWitnessQuorum(text: string | undefined, count: number): number {
  if (text === undefined || text === '') return count;
  const quorum = Number(text);
  if (!Number.isSafeInteger(quorum) || quorum < 1 || quorum > count) {
    throw new AppError(
      'input.invalid',
      `PORTLEDGER_WITNESS_QUORUM must be a whole number between 1 and ${count} (the witnesses configured): ${text}`,
    );
  }
  return quorum;
}

/** `PORTLEDGER_WITNESS_MAX_LAG`: a positive number of seconds. */
export function parseWitnessMaxLagMs(text: string | undefined): number {
  const seconds = Number(text ?? '600');
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new AppError(
      'input.invalid',
      `PORTLEDGER_WITNESS_MAX_LAG must be a positive number of seconds: ${text}`,
    );
  }
  return seconds * 1000;
}

/** An answer is a few signature lines or a size; anything much longer is not a witness talking. */
const MAX_ANSWER_BYTES = 64 * 1024;

/** Reads at most `MAX_ANSWER_BYTES` of a body, so a hostile witness cannot make the server buffer without end. */
async function boundedText(response: Response): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.length;
    if (length > MAX_ANSWER_BYTES) {
      await reader.cancel();
      throw new Error(`the witness answered more than ${MAX_ANSWER_BYTES} bytes`);
    }
    chunks.push(value);
  }
  return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
}

/** tlog-witness over HTTP with the global fetch (keep-alive by default); a witness gets `timeoutMs` to answer. */
export function fetchWitnessTransport(timeoutMs = 10_000): WitnessTransport {
  return async (url, body) => {
    const response = await fetch(url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      signal: AbortSignal.timeout(timeoutMs),
    });
    return {
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      body: await boundedText(response),
    };
  };
}

/** An integrity failure from a witness's finding: the same 503 and critical alert as a failed check. */
function findingFailure(finding: WitnessFinding, checkedAt: string) {
  return {
    ok: false as const,
    checkedAt,
    logSize: finding.logSize,
    checkpointsChecked: 0,
    code: finding.code,
    // A rollback loses everything from the log's end on; a fork's first rewritten entry is somewhere below the
    // witness's size, and only the witness's own checkpoint can say where.
    firstBadIndex: finding.code === 'integrity.rollback' ? finding.logSize : 0,
    checkpointSize: finding.witnessSize,
    reason: finding.reason,
    durationMs: 0,
  };
}

/**
 * Starts asking the configured witnesses for cosignatures, after every checkpoint the ledger signs. Returns
 * undefined when no witness is configured.
 */
export function startLogWitnesses(args: {
  store: LedgerStore;
  ledger: Ledger;
  witnesses: readonly WitnessConfig[];
  quorum: number;
  maxLagMs: number;
  integrity?: Pick<IntegrityWatch, 'report'>;
  transport?: WitnessTransport;
  /** Only the signer of checkpoints asks the witnesses (issue 13). */
  active?: () => boolean;
  log?: { error(message: string, detail?: unknown): void; warn(message: string, detail?: unknown): void };
}): WitnessSubmitter | undefined {
  if (args.witnesses.length === 0) return undefined;
  const { ledger } = args;
  const submitter = startWitnessSubmitter({
    reads: args.store,
    cosignatures: args.store.cosignatures,
    witnesses: args.witnesses,
    quorum: args.quorum,
    maxLagMs: args.maxLagMs,
    ...(args.active ? { active: args.active } : {}),
    transport: args.transport ?? fetchWitnessTransport(),
    now: () => ledger.clock.now(),
    onFinding: async (finding) => {
      args.log?.error(finding.reason, finding);
      await args.integrity?.report(findingFailure(finding, ledger.clock.now().toISOString()));
    },
    onLagging: async (lag) => {
      args.log?.warn(`no quorum of witnesses has cosigned the log for ${lag.lagSeconds} s`, lag);
      await ledger.write(async ({ appendAtEnd, tx }) => {
        const [raised] = await appendAtEnd(ALERTS_STREAM, [
          { type: 'WitnessLagAlertRaised', data: { ...lag, cosignedSize: lag.cosignedSize } },
        ]);
        await tx.putAlertRecord(witnessLagAlertRecord(raised!));
      });
    },
    onError: (error) => args.log?.warn(`witness submission: ${(error as Error).message}`),
  });
  ledger.onCheckpointSigned(() => submitter.notify());
  return submitter;
}
