/**
 * The integrity watch's full sweep and `verify --db`, on threads and connections of their own (issue 13): the
 * hashing of the whole log then never delays a request on the server's event loop, and both cores do it. Started
 * twice by `integrity-sweep.ts`: the lead checks the log in two parts (`checkLogIntegrityInTwo`), the second here
 * and the first on its helper, both reading the log the fast way. The lead posts progress, then the result.
 */
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import {
  type CheckPart,
  checkLogIntegrity,
  checkLogIntegrityInTwo,
  type IntegrityResult,
} from '../app/audit/index.js';
import { entryAuthenticatorFromKey } from '../audit/index.js';
import { openLogScan } from '../store/log-scan.js';
import { openLedgerStore } from '../store/open-store.js';
import type { HelperTask, SweepMessage, SweepWorkerData } from './integrity-sweep.js';

const data = workerData as SweepWorkerData;
const { request } = data;
const store = await openLedgerStore(request.databaseUrl);
const scan = await openLogScan(request.databaseUrl);

/** A progress callback that posts about every 1%, plenty for a progress bar. */
function progressTo(post: (message: SweepMessage) => void) {
  let reported = 0;
  return (done: number, total: number) => {
    if (done === total || done - reported >= Math.max(1, Math.floor(total / 100))) {
      reported = done;
      post({ type: 'progress', done, total });
    }
  };
}

/** The first part, on the helper: asked over `helper`, answered with progress and the result. */
function checkOnHelper(helper: MessagePort, part: CheckPart & { end: number }): Promise<IntegrityResult> {
  return new Promise((resolve, reject) => {
    helper.on('message', (message: SweepMessage) => {
      if (message.type === 'progress') part.onProgress?.(message.done, message.total);
      else resolve(message.result);
    });
    helper.once('close', () =>
      reject(new Error("the integrity sweep's helper thread ended without a result")),
    );
    helper.postMessage({ type: 'check', end: part.end } satisfies HelperTask);
  });
}

try {
  const check = (part: CheckPart) =>
    checkLogIntegrity({
      reads: store,
      verifierKey: request.verifierKey,
      ...(request.entryMacs
        ? {
            entryMacs: {
              authenticator: entryAuthenticatorFromKey(request.entryMacs.key),
              requiredFrom: request.entryMacs.requiredFrom,
            },
          }
        : {}),
      ...(scan ? { scan } : {}),
      ...part,
    });
  if (data.role === 'helper') {
    const port = data.lead;
    const task = await new Promise<HelperTask>((resolve) => port.once('message', resolve));
    if (task.type === 'check') {
      const post = (message: SweepMessage) => port.postMessage(message);
      post({ type: 'result', result: await check({ end: task.end, onProgress: progressTo(post) }) });
    }
    port.close();
  } else {
    const helper = data.helper;
    let asked = false;
    const result = await checkLogIntegrityInTwo({
      reads: store,
      ...(request.splitFrom === undefined ? {} : { minimumSize: request.splitFrom }),
      onProgress: progressTo((message) => parentPort!.postMessage(message)),
      // The first part on the helper; the second, and a check again after it, here.
      check: (part) => {
        if (part.end === undefined || part.from !== undefined) return check(part);
        asked = true;
        return checkOnHelper(helper, { ...part, end: part.end });
      },
    });
    if (!asked) helper.postMessage({ type: 'none' } satisfies HelperTask);
    helper.close();
    parentPort!.postMessage({ type: 'result', result } satisfies SweepMessage);
  }
} finally {
  await scan?.close();
  await store.close();
}
