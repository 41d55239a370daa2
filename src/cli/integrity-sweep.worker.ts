/**
 * The integrity watch's full sweep and `verify --db`, on threads and connections of their own (issue 13): the
 * hashing of the whole log then never delays a request on the server's event loop, and both cores do it. Started
 * twice by `integrity-sweep.ts`: the lead checks the log in parts (`checkLogIntegrityInParts`), which it and its
 * helper take one after another, both reading the log the fast way. The lead posts progress, then the result.
 */
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import {
  type CheckPart,
  checkLogIntegrity,
  checkLogIntegrityInParts,
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

let parts = 0;

/** A part checked on the helper: asked over `helper`, answered with progress and the result. */
function checkOnHelper(
  helper: MessagePort,
  { from, end, onProgress, signal }: CheckPart,
): Promise<IntegrityResult> {
  const id = ++parts;
  return new Promise((resolve, reject) => {
    const stop = () => helper.postMessage({ type: 'stop', id } satisfies HelperTask);
    const closed = () => reject(new Error("the integrity sweep's helper thread ended without a result"));
    const answer = (message: SweepMessage) => {
      if (message.type === 'progress') {
        onProgress?.(message.done, message.total);
        return;
      }
      helper.off('message', answer);
      helper.off('close', closed);
      signal?.removeEventListener('abort', stop);
      if (message.type === 'result') resolve(message.result);
      else reject(new Error(`the helper thread did not check the part: ${message.reason}`));
    };
    helper.on('message', answer);
    helper.once('close', closed);
    signal?.addEventListener('abort', stop, { once: true });
    helper.postMessage({
      type: 'check',
      id,
      ...(from ? { from } : {}),
      ...(end === undefined ? {} : { end }),
    } satisfies HelperTask);
  });
}

try {
  const check = (part: CheckPart & { pause?: () => Promise<void> }) =>
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
    const post = (message: SweepMessage) => port.postMessage(message);
    let running: { id: number; stop: AbortController } | undefined;
    const tasks: HelperTask[] = [];
    let wake: (() => void) | undefined;
    port.on('message', (task: HelperTask) => {
      // A stop is for the part running now; the others wait their turn.
      if (task.type === 'stop') {
        if (running?.id === task.id) running.stop.abort();
      } else tasks.push(task);
      wake?.();
    });
    for (;;) {
      if (tasks.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      const task = tasks.shift();
      if (!task || task.type === 'stop') continue;
      if (task.type === 'done') break;
      const { type: _type, id, ...part } = task;
      running = { id, stop: new AbortController() };
      try {
        post({
          type: 'result',
          result: await check({ ...part, signal: running.stop.signal, onProgress: progressTo(post) }),
        });
      } catch (error) {
        // Stopped, or the connection failed: the lead takes the part as not checked.
        post({ type: 'unchecked', reason: (error as Error).message });
      }
    }
    port.close();
  } else {
    const helper = data.helper;
    // The lead checks parts too: between its pages it lets its event loop run, where the helper's results arrive and
    // its next part is handed to it (the fast read resolves without a macrotask, so without this the helper would
    // wait for the lead's whole part).
    const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
    const result = await checkLogIntegrityInParts({
      reads: store,
      ...(request.splitFrom === undefined ? {} : { minimumSize: request.splitFrom }),
      onProgress: progressTo((message) => parentPort!.postMessage(message)),
      checkers: [
        (part) => check({ ...part, pause: yieldToEventLoop }),
        (part) => checkOnHelper(helper, part),
      ],
    });
    helper.postMessage({ type: 'done' } satisfies HelperTask);
    helper.close();
    parentPort!.postMessage({ type: 'result', result } satisfies SweepMessage);
  }
} finally {
  await scan?.close();
  await store.close();
}
