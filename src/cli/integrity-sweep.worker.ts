/**
 * The integrity watch's full sweep and `verify --db`, on their own thread and their own connection (issue 13): the
 * hashing of the whole log then never delays a request on the server's event loop, and a second core can do it.
 * Started by `integrity-sweep.ts`; posts progress, then the result.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { checkLogIntegrity } from '../app/audit/index.js';
import { entryAuthenticatorFromKey } from '../audit/index.js';
import { openLedgerStore } from '../store/open-store.js';
import type { SweepMessage, SweepRequest } from './integrity-sweep.js';

const request = workerData as SweepRequest;
const post = (message: SweepMessage) => parentPort!.postMessage(message);
const store = await openLedgerStore(request.databaseUrl);
try {
  let reported = 0;
  const result = await checkLogIntegrity({
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
    onProgress: (done, total) => {
      // A message every ~1% is plenty for a progress bar.
      if (done === total || done - reported >= Math.max(1, Math.floor(total / 100))) {
        reported = done;
        post({ type: 'progress', done, total });
      }
    },
  });
  post({ type: 'result', result });
} finally {
  await store.close();
}
