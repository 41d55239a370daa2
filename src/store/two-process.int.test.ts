import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLedgerStore } from './open-store.js';
import { tempDirectory } from './testing/databases.js';

const run = promisify(execFile);
const projectRoot = resolve(import.meta.dirname, '..', '..');
const PER_WORKER = 150;

/**
 * Compiles the worker (and the store it imports) on its own, so that this test depends neither on `tsx` nor on
 * the rest of the project compiling. The output sits under node_modules so that the worker resolves the
 * project's packages; a package.json there marks it as ESM.
 */
async function compileWorker(outDir: string): Promise<string> {
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(
    join(outDir, 'tsconfig.json'),
    JSON.stringify({
      extends: join(projectRoot, 'tsconfig.json'),
      compilerOptions: { rootDir: join(projectRoot, 'src'), outDir, sourceMap: false, noEmitOnError: true },
      include: [],
      files: [join(projectRoot, 'src/store/testing/append-worker.ts')],
    }),
  );
  await run('npx', ['tsc', '-p', join(outDir, 'tsconfig.json')], { cwd: projectRoot });
  return join(outDir, 'store', 'testing', 'append-worker.js');
}

describe('two processes appending to one SQLite file', () => {
  const dir = tempDirectory('two-process');
  const file = join(dir.path, 'ledger.db');
  const workerDir = join(projectRoot, 'node_modules', '.cache', 'portledger-store-worker', `${process.pid}`);
  let worker: string;

  beforeAll(async () => {
    worker = await compileWorker(workerDir);
  });
  afterAll(() => {
    dir.remove();
    rmSync(workerDir, { recursive: true, force: true });
  });

  // The file does not exist yet: both workers create and migrate it at the same time, too.
  it('interleaves their transactions into one gap-free log, losing nothing', async () => {
    const barrier = join(dir.path, 'barrier');
    mkdirSync(barrier);
    const outputs = await Promise.all(
      ['a', 'b'].map((id) =>
        run('node', [worker, file, String(PER_WORKER), id, barrier, '2'], { cwd: projectRoot }),
      ),
    );
    const reported = outputs.map(
      (o) => JSON.parse(o.stdout.trim()) as { workerId: string; indices: number[] },
    );

    const store = await openLedgerStore(`sqlite:${file}`);
    try {
      const total = 2 * PER_WORKER;
      expect(await store.logSize()).toBe(total);
      const events = await store.readEvents(0, total + 10);
      expect(events.map((e) => e.index)).toEqual(Array.from({ length: total }, (_, i) => i));
      for (const id of ['a', 'b']) {
        const stream = await store.readStream(`worker-${id}`);
        expect(stream.map((e) => e.eventId)).toEqual(
          Array.from({ length: PER_WORKER }, (_, i) => `worker-${id}-${i + 1}`),
        );
        expect(stream.map((e) => e.index)).toEqual(reported.find((r) => r.workerId === id)!.indices);
      }
      // They really ran at the same time: neither finished before the other began.
      const [a, b] = reported.map((r) => r.indices);
      expect(Math.max(a![0]!, b![0]!)).toBeLessThan(Math.min(a!.at(-1)!, b!.at(-1)!));
    } finally {
      await store.close();
    }
  });
});
