/**
 * One writer process of `two-process.int.test.ts`: appends N single-event transactions to its own stream of a
 * shared SQLite file, through the real store. Each writer opens the store, then waits at a barrier (a file per
 * ready writer in BARRIER_DIR) until all PARTIES are ready, so that the writers really overlap.
 *
 * Usage: node append-worker.js DBFILE N WORKER_ID BARRIER_DIR PARTIES
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openLedgerStore } from '../open-store.js';

const [file, countText, workerId, barrierDir, partiesText] = process.argv.slice(2);
if (!file || !countText || !workerId || !barrierDir || !partiesText) {
  console.error('usage: append-worker DBFILE N WORKER_ID BARRIER_DIR PARTIES');
  process.exit(2);
}
const count = Number(countText);
const streamId = `worker-${workerId}`;

const store = await openLedgerStore(`sqlite:${file}`);
writeFileSync(join(barrierDir, `${workerId}.ready`), '');
while (readdirSync(barrierDir).filter((name) => name.endsWith('.ready')).length < Number(partiesText)) {
  await new Promise((resolve) => setTimeout(resolve, 2));
}

const indices: number[] = [];
for (let version = 0; version < count; version++) {
  const index = await store.writeTransaction(async (tx) => {
    const size = await tx.logSize();
    await tx.appendToStream(streamId, version, [
      {
        index: size,
        eventId: `${streamId}-${version + 1}`,
        streamId,
        streamVersion: version + 1,
        type: 'WorkerAppended',
        recordedAt: new Date().toISOString(),
        data: { workerId, n: version + 1 },
        leaf: new TextEncoder().encode(`${streamId}:${version + 1}`),
      },
    ]);
    return size;
  });
  indices.push(index);
  // A real writer pauses between commands. Without a pause, SQLite's sleeping busy handler lets whichever
  // process holds the lock take it again at once, and the other only gets in when the first is done.
  await new Promise((resolve) => setTimeout(resolve, 1));
}
await store.close();
console.log(JSON.stringify({ workerId, indices }));
