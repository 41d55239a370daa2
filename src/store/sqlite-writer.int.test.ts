import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteKysely, openLedgerStore } from './open-store.js';
import { createSqliteWriterKysely } from './sqlite-writer.js';
import { tempDirectory } from './testing/databases.js';
import { makeEvents } from './testing/fixtures.js';

describe('the SQLite writer thread (issue 13)', () => {
  const dir = tempDirectory('sqlite-writer');
  afterAll(() => dir.remove());

  it('runs with the file pragmas every connection has: FULL sync (no acknowledged write lost), foreign keys', async () => {
    const path = join(dir.path, 'pragmas.db');
    const main = createSqliteKysely(path);
    const writer = createSqliteWriterKysely(path);
    try {
      const pragma = async (name: string) =>
        Object.values((await sql.raw(`pragma ${name}`).execute(writer)).rows[0] as object)[0];
      expect(await pragma('synchronous')).toBe(2);
      expect(await pragma('foreign_keys')).toBe(1);
      expect(await pragma('journal_mode')).toBe('wal');
      expect(await pragma('busy_timeout')).toBe(30000);
    } finally {
      await writer.destroy();
      await main.destroy();
    }
  });

  it('hands back blobs and driver errors as the in-place connection does', async () => {
    const path = join(dir.path, 'values.db');
    const writer = createSqliteWriterKysely(path);
    try {
      await sql`create table t (k text primary key, v blob)`.execute(writer);
      await sql`insert into t values (${'a'}, ${new Uint8Array([1, 2, 3])})`.execute(writer);
      const { rows } = await sql<{ v: Uint8Array }>`select v from t`.execute(writer);
      expect([...rows[0]!.v]).toEqual([1, 2, 3]);
      await expect(sql`insert into t values (${'a'}, null)`.execute(writer)).rejects.toMatchObject({
        code: 'SQLITE_CONSTRAINT_PRIMARYKEY',
        message: expect.stringContaining('UNIQUE constraint failed: t.k'),
      });
    } finally {
      await writer.destroy();
    }
  });

  it('makes a write visible to the main thread’s reads once it is acknowledged', async () => {
    const store = await openLedgerStore(`sqlite:${join(dir.path, 'visible.db')}`);
    try {
      for (let n = 0; n < 20; n++) {
        await store.writeTransaction(async (tx) => {
          const fromIndex = await tx.logSize();
          await tx.appendToStream('s', n, makeEvents({ streamId: 's', fromIndex, fromVersion: n, count: 1 }));
        });
        expect(await store.logSize()).toBe(n + 1);
      }
    } finally {
      await store.close();
    }
  });

  it('answers the statements of a transaction holding the write lock without an event-loop turn between them', async () => {
    const store = await openLedgerStore(`sqlite:${join(dir.path, 'waited.db')}`);
    try {
      const seen: string[] = [];
      await store.writeTransaction(async (tx) => {
        // Waiting for each answer on the event loop let other requests' work run between a verdict's statements.
        setImmediate(() => seen.push('a turn of the event loop'));
        for (let n = 0; n < 5; n++) await tx.streamVersion(`s-${n}`);
        seen.push('five statements answered');
      });
      await new Promise((resolve) => setImmediate(resolve));
      expect(seen).toEqual(['five statements answered', 'a turn of the event loop']);
    } finally {
      await store.close();
    }
  });

  it('does not keep a process alive that forgot to close its store', () => {
    const path = join(dir.path, 'exit.db');
    // The build the test run made (test/support/build-once.ts): a plain node process, as the CLI runs.
    const build = new URL('../../dist/src/store/open-store.js', import.meta.url).href;
    const script = `
      const { openLedgerStore } = await import(${JSON.stringify(build)});
      const store = await openLedgerStore('sqlite:${path}');
      await store.writeTransaction(async (tx) => tx.logSize());
      console.log('written');
    `;
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(output.trim()).toBe('written');
  });

  it('closes after a write that failed, while its group still commits (a detection engine that lost a race)', () => {
    const path = join(dir.path, 'close-after-failure.db');
    const build = new URL('../../dist/src/store/open-store.js', import.meta.url).href;
    const script = `
      const { openLedgerStore } = await import(${JSON.stringify(build)});
      const store = await openLedgerStore('sqlite:${path}');
      await store
        .writeTransaction(async (tx) => {
          await tx.streamVersion('s');
          throw new Error('refused');
        })
        .catch((error) => console.log(error.message));
      await store.close();
      console.log('closed');
    `;
    // The store's close settled and the process ended on its own, with code 0 (not 13, an await never settled).
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(output.trim().split('\n')).toEqual(['refused', 'closed']);
  });
});
