import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import Sqlite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkLogIntegrity, type IntegrityResult } from '../../src/app/audit/index.js';
import { createLedger } from '../../src/app/ledger/index.js';
import { openLedgerStore } from '../../src/store/open-store.js';
import { testIds, testSigner, testVerifierKey } from '../support/ledger.js';

type SweepInWorker = (
  request: { databaseUrl: string; verifierKey: string; splitFrom?: number },
  onProgress?: (done: number, total: number) => void,
) => (() => Promise<IntegrityResult>) | undefined;

/**
 * Issue 13: the watch's full sweep and `verify --db` check the whole log on a worker thread with its own connection,
 * so its hashing never delays a request. The compiled module (the worker runs compiled code) against the same
 * check run in this process.
 */
describe('the integrity sweep on a worker thread (SQLite)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'portledger-sweep-worker-'));
  const path = join(dir, 'port.db');
  let sweepInWorker: SweepInWorker;

  beforeAll(async () => {
    const compiled = pathToFileURL(resolve(import.meta.dirname, '../../dist/src/cli/integrity-sweep.js'));
    ({ sweepInWorker } = (await import(compiled.href)) as { sweepInWorker: SweepInWorker });
    const store = await openLedgerStore(`sqlite:${path}`);
    const ledger = createLedger({
      store,
      clock: { now: () => new Date('2026-03-01T08:00:00.000Z') },
      ids: testIds,
      log: { origin: testSigner.name, signer: testSigner },
      checkpointIntervalMs: 0,
    });
    for (let batch = 0; batch < 30; batch++) {
      await ledger.write(({ append }) =>
        append(`stream-${batch}`, 0, [
          { type: 'Announced', data: { batch } },
          { type: 'Moved', data: { batch, to: 'A-01-02' } },
        ]),
      );
    }
    await ledger.close();
    await store.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finds what the check in process finds, with progress, and names an edited entry', async () => {
    const progress: number[] = [];
    const sweep = sweepInWorker({ databaseUrl: `sqlite:${path}`, verifierKey: testVerifierKey }, (done) =>
      progress.push(done),
    );
    expect(sweep).toBeDefined();
    const inWorker = await sweep!();
    const store = await openLedgerStore(`sqlite:${path}`);
    try {
      const here = await checkLogIntegrity({ reads: store, verifierKey: testVerifierKey });
      expect(inWorker).toMatchObject({ ok: true, logSize: 60, checkpointsChecked: 30, verifiedTreeSize: 60 });
      expect(
        here.ok && inWorker.ok && Buffer.from(inWorker.rootHash).equals(Buffer.from(here.rootHash)),
      ).toBe(true);
      expect(progress.at(-1)).toBe(60);

      const db = new Sqlite(path);
      for (const { name } of db.prepare("select name from sqlite_master where type = 'trigger'").all() as {
        name: string;
      }[]) {
        db.exec(`drop trigger "${name}"`);
      }
      db.exec(`update event set data = '{"batch":7,"to":"Z-99-99"}' where idx = 15`);
      db.close();
      expect(await sweep!()).toMatchObject({
        ok: false,
        code: 'integrity.entry_mismatch',
        firstBadIndex: 15,
      });
    } finally {
      await store.close();
    }
  });

  it('checks the log in parts on two threads, with the result of one pass, whatever part is edited', async () => {
    const split = `sqlite:${join(dir, 'split.db')}`;
    const store = await openLedgerStore(split);
    const ledger = createLedger({
      store,
      clock: { now: () => new Date('2026-03-01T08:00:00.000Z') },
      ids: testIds,
      log: { origin: testSigner.name, signer: testSigner },
      checkpointIntervalMs: 0,
    });
    for (let batch = 0; batch < 25; batch++) {
      await ledger.write(({ append }) =>
        append(`split-${batch}`, 0, [
          { type: 'Announced', data: { batch } },
          { type: 'Moved', data: { batch, to: 'A-01-02' } },
          { type: 'Moved', data: { batch, to: 'B-01-02' } },
        ]),
      );
    }
    await ledger.close();
    try {
      const progress: number[] = [];
      const request = { databaseUrl: split, verifierKey: testVerifierKey, splitFrom: 1 };
      const inTwo = await sweepInWorker(request, (done) => progress.push(done))!();
      const onePass = await checkLogIntegrity({ reads: store, verifierKey: testVerifierKey });
      expect(inTwo).toMatchObject({ ok: true, logSize: 75, checkpointsChecked: 25, verifiedTreeSize: 75 });
      expect(
        onePass.ok && inTwo.ok && Buffer.from(inTwo.rootHash).equals(Buffer.from(onePass.rootHash)),
      ).toBe(true);
      expect(progress.at(-1)).toBe(75);

      const path = join(dir, 'split.db');
      const db = new Sqlite(path);
      for (const { name } of db.prepare("select name from sqlite_master where type = 'trigger'").all() as {
        name: string;
      }[]) {
        db.exec(`drop trigger "${name}"`);
      }
      // A subtree on the border at the split (37 = 32 + 4 + 1): the leaves are sound, so the check still passes.
      db.exec('update audit_node set hash = zeroblob(32) where level = 5 and last_leaf = 31');
      expect(await sweepInWorker(request)!()).toMatchObject({
        ok: true,
        logSize: 75,
        checkpointsChecked: 25,
      });
      db.exec(`update event set data = '{"batch":20,"to":"Z-99-99"}' where idx = 61`);
      expect(await sweepInWorker(request)!()).toMatchObject({
        ok: false,
        code: 'integrity.entry_mismatch',
        firstBadIndex: 61,
      });
      db.exec(`update event set data = '{"batch":3,"to":"Z-99-99"}' where idx = 10`);
      db.close();
      expect(await sweepInWorker(request)!()).toMatchObject({
        ok: false,
        code: 'integrity.entry_mismatch',
        firstBadIndex: 10,
      });
    } finally {
      await store.close();
    }
  });

  it('is not offered for a database only one process can see', () => {
    expect(sweepInWorker({ databaseUrl: 'sqlite::memory:', verifierKey: testVerifierKey })).toBeUndefined();
    expect(sweepInWorker({ databaseUrl: 'memory:', verifierKey: testVerifierKey })).toBeUndefined();
  });
});
