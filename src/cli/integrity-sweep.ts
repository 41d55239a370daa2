import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { EntryMacRule, IntegrityResult } from '../app/audit/index.js';

/** What the sweep's thread is given. */
export interface SweepRequest {
  readonly databaseUrl: string;
  readonly verifierKey: string;
  /** The writer MAC rule's key and first index (issue 13), when entries must carry one. */
  readonly entryMacs?: { readonly key: Uint8Array; readonly requiredFrom: number };
}

/** What it posts back. */
export type SweepMessage =
  | { readonly type: 'progress'; readonly done: number; readonly total: number }
  | { readonly type: 'result'; readonly result: IntegrityResult };

/** The request for a system's own log: its database, its verifier key and its writer MAC rule. */
export function sweepRequestOf(system: {
  readonly databaseUrl: string;
  readonly verifierKey: string;
  readonly entryMacs?: EntryMacRule;
}): SweepRequest {
  return {
    databaseUrl: system.databaseUrl,
    verifierKey: system.verifierKey,
    ...(system.entryMacs
      ? {
          entryMacs: {
            key: system.entryMacs.authenticator.key,
            requiredFrom: system.entryMacs.requiredFrom,
          },
        }
      : {}),
  };
}

const workerFile = new URL('./integrity-sweep.worker.js', import.meta.url);

/**
 * A check of the whole log on a worker thread with its own database connection (issue 13), for the watch's full
 * sweep and `verify --db`. Undefined when it cannot run there: a database only this process can see (in memory),
 * or the compiled worker is not beside this module (the sources run under a test runner): the caller then checks
 * in process, pausing between pages.
 *
 * @example
 * const sweep = sweepInWorker({ databaseUrl, verifierKey });
 * const result = sweep ? await sweep() : await checkLogIntegrity({ reads: store, verifierKey });
 */
export function sweepInWorker(
  request: SweepRequest,
  onProgress?: (done: number, total: number) => void,
): (() => Promise<IntegrityResult>) | undefined {
  const { databaseUrl } = request;
  const shared =
    (databaseUrl.startsWith('sqlite:') && databaseUrl !== 'sqlite::memory:') ||
    databaseUrl.startsWith('postgres://') ||
    databaseUrl.startsWith('postgresql://');
  if (!shared || !existsSync(fileURLToPath(workerFile))) return undefined;
  return () =>
    new Promise<IntegrityResult>((resolve, reject) => {
      let result: IntegrityResult | undefined;
      const worker = new Worker(workerFile, { workerData: request });
      worker.on('message', (message: SweepMessage) => {
        if (message.type === 'progress') onProgress?.(message.done, message.total);
        else result = message.result;
      });
      worker.once('error', reject);
      worker.once('exit', (code) => {
        if (result) resolve(result);
        else reject(new Error(`the integrity sweep's thread ended (exit ${code}) without a result`));
      });
    });
}
