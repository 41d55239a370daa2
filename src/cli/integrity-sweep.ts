import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import type { EntryMacRule, IntegrityResult, VerifiedPrefix } from '../app/audit/index.js';

/** What the sweep's thread is given. */
export interface SweepRequest {
  readonly databaseUrl: string;
  readonly verifierKey: string;
  /** The writer MAC rule's key and first index (issue 13), when entries must carry one. */
  readonly entryMacs?: { readonly key: Uint8Array; readonly requiredFrom: number };
  /** Below this log size one thread checks it all (`SPLIT_CHECK_MINIMUM` by default; tests lower it). */
  readonly splitFrom?: number;
}

/**
 * What a sweep's thread is started with. The two threads start together, so that both load their modules and open
 * their connections at once: the one that leads the check, and the helper it asks, over its port, to check parts of
 * the log.
 */
export type SweepWorkerData =
  | { readonly request: SweepRequest; readonly role: 'lead'; readonly helper: MessagePort }
  | { readonly request: SweepRequest; readonly role: 'helper'; readonly lead: MessagePort };

/**
 * What a thread posts back: the lead to the caller, the helper to the lead (`unchecked` for a part stopped, or whose
 * database read failed).
 */
export type SweepMessage =
  | { readonly type: 'progress'; readonly done: number; readonly total: number }
  | { readonly type: 'result'; readonly result: IntegrityResult }
  | { readonly type: 'unchecked'; readonly reason: string };

/**
 * What the lead asks of its helper: a part of the check (`CheckPart` without its callbacks: progress comes back as
 * messages, and `stop` ends the part running), or that it is done.
 */
export type HelperTask =
  | { readonly type: 'check'; readonly id: number; readonly from?: VerifiedPrefix; readonly end?: number }
  | { readonly type: 'stop'; readonly id: number }
  | { readonly type: 'done' };

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
 * A check of the whole log on worker threads with their own database connections (issue 13), for the watch's full
 * sweep and `verify --db`: two threads read the log the fast way (`openLogScan`) and take its parts one after another
 * (`checkLogIntegrityInParts`), so that both cores hash and the caller's event loop only receives progress. Undefined when it cannot run there: a database only this process can see (in memory), or the compiled
 * worker is not beside this module (the sources run under a test runner): the caller then checks in process,
 * pausing between pages.
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
      const { port1, port2 } = new MessageChannel();
      const helper = new Worker(workerFile, {
        workerData: { request, role: 'helper', lead: port2 } satisfies SweepWorkerData,
        transferList: [port2],
      });
      // The helper's failure reaches the lead as a closed port; it is not the caller's to handle twice.
      helper.on('error', () => undefined);
      let result: IntegrityResult | undefined;
      const lead = new Worker(workerFile, {
        workerData: { request, role: 'lead', helper: port1 } satisfies SweepWorkerData,
        transferList: [port1],
      });
      lead.on('message', (message: SweepMessage) => {
        if (message.type === 'progress') onProgress?.(message.done, message.total);
        else if (message.type === 'result') result = message.result;
      });
      lead.once('error', (error) => {
        void helper.terminate();
        reject(error);
      });
      lead.once('exit', (code) => {
        void helper.terminate();
        if (result) resolve(result);
        else reject(new Error(`the integrity sweep's thread ended (exit ${code}) without a result`));
      });
    });
}
