/**
 * The write baseline of `npm run load`: the latency of one bare durable commit on the same database (or, for SQLite,
 * on a file beside it with the same pragmas: WAL, `synchronous = FULL`), taken at a steady rate during the run. A
 * write route's p99 is worth reading against it: on a shared machine the disk's fsync, not the server, sets a
 * write's tail when other work floods the disk.
 *
 * The probe runs on a worker thread of its own, so that better-sqlite3's synchronous fsync never holds the load
 * client's event loop (whose timers start the mix's requests).
 */
import { join } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import Sqlite from 'better-sqlite3';
import pg from 'pg';

interface ProbeData {
  readonly loadProbe: true;
  readonly databaseUrl: string;
  readonly dir: string;
  readonly intervalMs: number;
}

/** A running probe: `stop` ends it and gives its commit latencies in ms. */
export interface CommitProbe {
  stop(): Promise<number[]>;
}

/**
 * Starts committing one row every `intervalMs` on `databaseUrl` (PostgreSQL: a table `load_probe` in its schema;
 * SQLite: `probe.db` in `dir`) until stopped.
 */
export function startCommitProbe(databaseUrl: string, dir: string, intervalMs: number): CommitProbe {
  const data: ProbeData = { loadProbe: true, databaseUrl, dir, intervalMs };
  const worker = new Worker(new URL(import.meta.url), { workerData: data });
  const done = new Promise<number[]>((resolve, reject) => {
    worker.once('message', (latencies: number[]) => resolve(latencies));
    worker.once('error', reject);
  });
  return {
    async stop() {
      worker.postMessage('stop');
      const latencies = await done;
      await worker.terminate();
      return latencies;
    },
  };
}

async function probe(data: ProbeData): Promise<void> {
  const latencies: number[] = [];
  let stopping = false;
  parentPort!.once('message', () => {
    stopping = true;
  });
  const sleep = () => new Promise((resolve) => setTimeout(resolve, data.intervalMs));
  if (/^postgres(ql)?:\/\//.test(data.databaseUrl)) {
    const client = new pg.Client({ connectionString: data.databaseUrl });
    await client.connect();
    await client.query('create table if not exists load_probe (id bigserial primary key, at text not null)');
    while (!stopping) {
      const started = performance.now();
      await client.query('insert into load_probe (at) values ($1)', [new Date().toISOString()]);
      latencies.push(performance.now() - started);
      await sleep();
    }
    await client.query('drop table load_probe');
    await client.end();
  } else {
    const db = new Sqlite(join(data.dir, 'probe.db'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec('create table if not exists probe (id integer primary key, at text not null)');
    const insert = db.prepare('insert into probe (at) values (?)');
    while (!stopping) {
      const started = performance.now();
      insert.run(new Date().toISOString());
      latencies.push(performance.now() - started);
      await sleep();
    }
    db.close();
  }
  parentPort!.postMessage(latencies);
}

if (!isMainThread && (workerData as ProbeData | undefined)?.loadProbe) await probe(workerData as ProbeData);
