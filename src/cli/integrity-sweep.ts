import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { IntegrityResult } from '../app/audit/index.js';

/** What the sweep's thread is given. */
export interface SweepRequest {
  readonly databaseUrl: string;
  readonly verifierKey: string;
}

/** What it posts back. */
export type SweepMessage =
  | { readonly type: 'progress'; readonly done: number; readonly total: number }
  | { readonly type: 'result'; readonly result: IntegrityResult };

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
