import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testIds, testSigner, testVerifierKey } from '../../../test/support/ledger.js';
import {
  appendLeaves,
  borderKeys,
  type EntryAuthenticator,
  encodeLogEntry,
  entryAuthenticatorFor,
  leafHash,
  signerFromSeed,
  verifierKeyString,
} from '../../audit/index.js';
import { openLedgerStore } from '../../store/open-store.js';
import { CheckpointKeeper, createLedger, type Ledger, withAuthenticatedStreams } from '../ledger/index.js';
import type { LedgerStore } from '../ports.js';
import { checkLogIntegrity, raiseIntegrityAlert, startIntegrityWatch } from './integrity.usecases.js';

/** 40 events in 10 write transactions, a checkpoint signed after each (interval 0). */
async function writeHistory(ledger: Ledger): Promise<void> {
  for (let batch = 0; batch < 10; batch++) {
    await ledger.write(async ({ append }) => {
      await append(`stream-${batch}`, 0, [
        { type: 'Announced', data: { batch, note: 'first' } },
        { type: 'Moved', data: { batch, to: 'A-01-02' } },
        { type: 'Moved', data: { batch, to: 'B-03-04' } },
        { type: 'Released', data: { batch, by: 'line' } },
      ]);
    });
  }
}

/** A fresh SQLite ledger holding `writeHistory`'s 40 events, its entries MACed when given an authenticator. */
async function openHistory(prefix: string, authenticator?: EntryAuthenticator) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const path = join(dir, 'ledger.db');
  const store = await openLedgerStore(`sqlite:${path}`);
  const ledger = createLedger({
    store,
    clock: { now: () => new Date('2026-03-01T08:00:00.000Z') },
    ids: testIds,
    log: { origin: testSigner.name, signer: testSigner, ...(authenticator ? { authenticator } : {}) },
    checkpointIntervalMs: 0,
  });
  await writeHistory(ledger);
  return { dir, path, store, ledger };
}

async function closeHistory(history: { dir: string; store: LedgerStore; ledger: Ledger }): Promise<void> {
  await history.ledger.close();
  await history.store.close();
  rmSync(history.dir, { recursive: true, force: true });
}

/** What a rogue DBA does: drop the append-only triggers with raw SQL, then change rows. */
function tamper(path: string, statements: string[]): void {
  const db = new Sqlite(path);
  try {
    const triggers = db.prepare("select name from sqlite_master where type = 'trigger'").all() as {
      name: string;
    }[];
    for (const { name } of triggers) db.exec(`drop trigger "${name}"`);
    for (const statement of statements) db.exec(statement);
  } finally {
    db.close();
  }
}

describe('checkLogIntegrity on a SQLite ledger tampered with by a rogue DBA', () => {
  let dir: string;
  let path: string;
  let store: LedgerStore;
  let ledger: Ledger;

  beforeEach(async () => {
    ({ dir, path, store, ledger } = await openHistory('portledger-integrity-'));
  });

  afterEach(() => closeHistory({ dir, store, ledger }));

  const check = (batchSize = 7) =>
    checkLogIntegrity({ reads: store, verifierKey: testVerifierKey, batchSize });

  it('passes an untouched log, every checkpoint verified', async () => {
    const result = await check();
    expect(result).toMatchObject({ ok: true, logSize: 40, checkpointsChecked: 10, verifiedTreeSize: 40 });
  });

  it('names the event whose data column was edited', async () => {
    tamper(path, [`update event set data = '{"batch":4,"note":"first","to":"gone"}' where idx = 17`]);
    const result = await check();
    expect(result).toMatchObject({ ok: false, code: 'integrity.entry_mismatch', firstBadIndex: 17 });
    expect(!result.ok && result.reason).toMatch(/data differ from its leaf/);
  });

  it('names the event whose leaf bytes were edited', async () => {
    tamper(path, [
      "update event set leaf = cast(replace(cast(leaf as text), 'B-03-04', 'Z-03-04') as blob) where idx = 22",
    ]);
    expect(await check()).toMatchObject({ ok: false, code: 'integrity.entry_mismatch', firstBadIndex: 22 });
  });

  it('names the first of the deleted last rows', async () => {
    tamper(path, ['delete from event where idx >= 37']);
    expect(await check()).toMatchObject({
      ok: false,
      code: 'integrity.checkpoint_beyond_log',
      firstBadIndex: 37,
      checkpointSize: 40,
    });
  });

  it('names a deleted row in the middle', async () => {
    tamper(path, ['delete from event where idx = 9']);
    expect(await check()).toMatchObject({ ok: false, code: 'integrity.event_missing', firstBadIndex: 9 });
  });

  it('names the leaf whose audit_node hash was changed', async () => {
    tamper(path, ['update audit_node set hash = zeroblob(32) where level = 0 and last_leaf = 31']);
    expect(await check()).toMatchObject({
      ok: false,
      code: 'integrity.leaf_hash_mismatch',
      firstBadIndex: 31,
    });
  });

  it('names the leaf whose audit_node row was deleted', async () => {
    tamper(path, ['delete from audit_node where level = 0 and last_leaf = 12']);
    expect(await check()).toMatchObject({
      ok: false,
      code: 'integrity.leaf_hash_missing',
      firstBadIndex: 12,
    });
  });

  it('catches a row, its leaf and its leaf hash rewritten together, by the signed root', async () => {
    const [event] = await store.readEvents(25, 1);
    const forged = { ...event!, data: { ...event!.data, to: 'FORGED' } };
    const leaf = Buffer.from(encodeLogEntry(forged));
    const db = new Sqlite(path);
    for (const { name } of db.prepare("select name from sqlite_master where type = 'trigger'").all() as {
      name: string;
    }[]) {
      db.exec(`drop trigger "${name}"`);
    }
    db.prepare('update event set data = ?, leaf = ? where idx = 25').run(JSON.stringify(forged.data), leaf);
    db.prepare('update audit_node set hash = ? where level = 0 and last_leaf = 25').run(
      Buffer.from(leafHash(leaf)),
    );
    db.close();
    expect(await check()).toMatchObject({
      ok: false,
      code: 'integrity.checkpoint_root_mismatch',
      firstBadIndex: 24,
      checkpointSize: 28,
    });
  });

  it('refuses a checkpoint signed by another key', async () => {
    const other = signerFromSeed(testSigner.name, new Uint8Array(32).fill(9));
    expect(await checkLogIntegrity({ reads: store, verifierKey: verifierKeyString(other) })).toMatchObject({
      ok: false,
      code: 'integrity.checkpoint_invalid',
      firstBadIndex: 0,
      checkpointSize: 4,
    });
  });

  it('the watch keeps the failure and appends one IntegrityAlertRaised, however often it checks', async () => {
    tamper(path, [`update event set data = '{"batch":1}' where idx = 5`]);
    const watch = startIntegrityWatch({
      reads: store,
      verifierKey: testVerifierKey,
      intervalMs: 60_000,
      onAlert: (failure) => raiseIntegrityAlert(ledger, failure),
    });
    try {
      await watch.checkNow();
      await watch.checkNow();
      expect(watch.latest()).toMatchObject({ ok: false, firstBadIndex: 5 });
      const alerts = await store.readStream('alerts');
      expect(alerts.map((event) => [event.type, event.data.firstBadIndex])).toEqual([
        ['IntegrityAlertRaised', 5],
      ]);
    } finally {
      watch.stop();
    }
  });
});

describe('the integrity watch at any size: cycles from a verified prefix, a sweep from the start (issue 13)', () => {
  let dir: string;
  let path: string;
  let store: LedgerStore;
  let ledger: Ledger;

  beforeEach(async () => {
    ({ dir, path, store, ledger } = await openHistory('portledger-integrity-watch-'));
  });

  afterEach(() => closeHistory({ dir, store, ledger }));

  /** The store, recording from which index each page of rows was read. */
  function recordingReads(pages: number[]): LedgerStore {
    return new Proxy(store, {
      get: (target, property) => {
        if (property === 'readLogRows') {
          return (from: number, limit: number) => {
            pages.push(from);
            return target.readLogRows(from, limit);
          };
        }
        const value = Reflect.get(target, property);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }

  it('starts from the kept checkpoint: the first cycle reads only what was appended since, and is "verifying" until then', async () => {
    const kept = (await store.latestCheckpoint())!;
    expect(kept.treeSize).toBe(40);
    const file = { location: 'memory', note: kept.note as string | undefined };
    const keeper = await CheckpointKeeper.open({
      file: {
        location: file.location,
        read: async () => file.note,
        write: async (note) => {
          file.note = note;
        },
      },
      reads: store,
      verifier: testVerifierKey,
    });
    await ledger.write(({ append }) =>
      append('stream-late', 0, [{ type: 'Announced', data: { late: true } }]),
    );
    const pages: number[] = [];
    const watch = startIntegrityWatch({
      reads: recordingReads(pages),
      verifierKey: testVerifierKey,
      intervalMs: 60_000,
      keeper,
    });
    try {
      expect(watch.latest()).toBeUndefined();
      const first = await watch.checkNow();
      expect(first).toMatchObject({ ok: true, logSize: 41, verifiedTreeSize: 41 });
      expect(pages.length).toBeGreaterThan(0);
      expect(Math.min(...pages)).toBe(40);
      // The sweep reads from the first entry.
      pages.length = 0;
      expect(await watch.sweepNow()).toMatchObject({ ok: true, logSize: 41 });
      expect(Math.min(...pages)).toBe(0);
    } finally {
      watch.stop();
    }
  });

  it('an entry edited behind the verified prefix is found by the sweep, and stands until a sweep passes', async () => {
    const alerts: string[] = [];
    const watch = startIntegrityWatch({
      reads: store,
      verifierKey: testVerifierKey,
      intervalMs: 60_000,
      onAlert: async (failure) => {
        alerts.push(`${failure.code}@${failure.firstBadIndex}`);
        return raiseIntegrityAlert(ledger, failure);
      },
    });
    try {
      expect(await watch.checkNow()).toMatchObject({ ok: true, logSize: 40 });
      const [original] = await store.readLogRows(5, 1);
      tamper(path, [`update event set data = '{"batch":1,"to":"Z-99-99"}' where idx = 5`]);
      // A cycle reads only what was appended since its prefix: the edit is behind it.
      expect(await watch.checkNow()).toMatchObject({ ok: true });
      expect(await watch.sweepNow()).toMatchObject({
        ok: false,
        code: 'integrity.entry_mismatch',
        firstBadIndex: 5,
      });
      expect(await watch.checkNow()).toMatchObject({ ok: false, code: 'integrity.entry_mismatch' });
      expect(alerts).toEqual(['integrity.entry_mismatch@5']);
      // Put back as it was: the next sweep passes and the watch is ready again.
      tamper(path, [`update event set data = '${original!.dataText}' where idx = 5`]);
      expect(await watch.sweepNow()).toMatchObject({ ok: true });
    } finally {
      watch.stop();
    }
  });

  it('a subtree edited on the log’s border fails the next cycle, naming it', async () => {
    const watch = startIntegrityWatch({ reads: store, verifierKey: testVerifierKey, intervalMs: 60_000 });
    try {
      expect(await watch.checkNow()).toMatchObject({ ok: true, logSize: 40 });
      // The border of 40 leaves is the subtrees [0, 32) and [32, 40); the second is stored under its last leaf, 39.
      tamper(path, ['update audit_node set hash = randomblob(32) where level = 3 and last_leaf = 39']);
      expect(await watch.checkNow()).toMatchObject({
        ok: false,
        code: 'integrity.subtree_mismatch',
        firstBadIndex: 32,
      });
    } finally {
      watch.stop();
    }
  });
});

describe('entries appended by hand, with consistent hashes, have no writer MAC (issue 13)', () => {
  let dir: string;
  let path: string;
  let store: LedgerStore;
  let ledger: Ledger;
  const authenticator = entryAuthenticatorFor(testSigner);

  beforeEach(async () => {
    ({ dir, path, store, ledger } = await openHistory('portledger-entry-macs-', authenticator));
  });

  afterEach(() => closeHistory({ dir, store, ledger }));

  /** The careful DBA: an event at the head, its leaf canonical, its leaf hash and completed subtrees stored. */
  function appendByHand(mac?: Uint8Array): number {
    const db = new Sqlite(path);
    try {
      const size = (db.prepare('select count(*) as n from event').get() as { n: number }).n;
      const border = borderKeys(size).map((key) => {
        const row = db
          .prepare('select hash from audit_node where level = ? and last_leaf = ?')
          .get(key.level, (key.index + 1) * 2 ** key.level - 1) as { hash: Buffer };
        return new Uint8Array(row.hash);
      });
      const entry = {
        index: size,
        eventId: 'forged-1',
        streamId: 'visit-V-FORGED',
        streamVersion: 5,
        type: 'HoldLifted',
        recordedAt: '2026-03-01T08:05:00.000Z',
        data: { holdId: 'H-1', kind: 'customs', liftedBy: 'customs-officer', approvalId: null },
      };
      const leaf = encodeLogEntry(entry);
      db.prepare(
        'insert into event (idx, event_id, stream_id, stream_version, type, recorded_at, data, leaf, writer_mac) values (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ).run(
        size,
        entry.eventId,
        entry.streamId,
        entry.streamVersion,
        entry.type,
        entry.recordedAt,
        JSON.stringify(entry.data),
        Buffer.from(leaf),
        mac ? Buffer.from(mac) : null,
      );
      const { newNodes } = appendLeaves(size, border, [leafHash(leaf)]);
      const insertNode = db.prepare('insert into audit_node (last_leaf, level, hash) values (?, ?, ?)');
      for (const node of newNodes) {
        insertNode.run((node.index + 1) * 2 ** node.level - 1, node.level, Buffer.from(node.hash));
      }
      return size;
    } finally {
      db.close();
    }
  }

  it('every entry PortLedger wrote carries its MAC, and the log checks with the rule from index 0', async () => {
    const rows = await store.readLogRows(0, 100);
    expect(rows).toHaveLength(40);
    expect(rows.every((row) => authenticator.verify(row.leaf, row.writerMac))).toBe(true);
    expect(
      await checkLogIntegrity({
        reads: store,
        verifierKey: testVerifierKey,
        entryMacs: { authenticator, requiredFrom: 0 },
      }),
    ).toMatchObject({ ok: true, logSize: 40 });
  });

  it('a hand-appended entry passes every tree check, and fails the MAC rule at its index', async () => {
    const watch = startIntegrityWatch({
      reads: store,
      verifierKey: testVerifierKey,
      intervalMs: 60_000,
      entryMacs: { authenticator, requiredFrom: 0 },
    });
    try {
      expect(await watch.checkNow()).toMatchObject({ ok: true, logSize: 40 });
      const forged = appendByHand();
      // The hashes are consistent: without the rule, nothing is found, and the ledger signs over it.
      expect(await checkLogIntegrity({ reads: store, verifierKey: testVerifierKey })).toMatchObject({
        ok: true,
      });
      await ledger.write(({ append }) =>
        append('visit-after', 0, [{ type: 'Announced', data: { after: true } }]),
      );
      expect((await store.latestCheckpoint())?.treeSize).toBe(42);
      expect(await watch.checkNow()).toMatchObject({
        ok: false,
        code: 'integrity.entry_unauthenticated',
        firstBadIndex: forged,
      });
      expect(
        await checkLogIntegrity({
          reads: store,
          verifierKey: testVerifierKey,
          entryMacs: { authenticator, requiredFrom: 0 },
        }),
      ).toMatchObject({ ok: false, code: 'integrity.entry_unauthenticated', firstBadIndex: 40 });
    } finally {
      watch.stop();
    }
  });

  it('no decision is folded from it: its stream is refused, in and out of a write transaction', async () => {
    const guarded = withAuthenticatedStreams(store, { authenticator, requiredFrom: 0 });
    expect(await guarded.readStream('stream-3')).toHaveLength(4);
    appendByHand();
    const refused = { code: 'integrity.entry_unauthenticated', details: { index: 40 } };
    await expect(guarded.readStream('visit-V-FORGED')).rejects.toMatchObject(refused);
    await expect(guarded.writeTransaction((tx) => tx.readStream('visit-V-FORGED'))).rejects.toMatchObject(
      refused,
    );
    expect(await guarded.writeTransaction((tx) => tx.readStream('stream-3'))).toHaveLength(4);
    // A ledger over the guarded store decides nothing on the forged stream.
    const guardedLedger = createLedger({
      store: guarded,
      clock: { now: () => new Date('2026-03-01T08:10:00.000Z') },
      ids: testIds,
      log: { origin: testSigner.name, signer: testSigner, authenticator },
      checkpointIntervalMs: 0,
    });
    await expect(
      guardedLedger.write(async ({ tx, append }) => {
        const version = (await tx.readStream('visit-V-FORGED')).length;
        await append('visit-V-FORGED', version, [{ type: 'ContainerGatedOut', data: {} }]);
      }),
    ).rejects.toMatchObject(refused);
    await guardedLedger.close();
  });

  it('a MAC made with another key is refused; entries before the rule’s first index need none', async () => {
    const forged = appendByHand(
      entryAuthenticatorFor(signerFromSeed(testSigner.name, new Uint8Array(32).fill(9))).mac(
        new Uint8Array(1),
      ),
    );
    const rule = (requiredFrom: number) => ({
      reads: store,
      verifierKey: testVerifierKey,
      entryMacs: { authenticator, requiredFrom },
    });
    expect(await checkLogIntegrity(rule(0))).toMatchObject({
      ok: false,
      code: 'integrity.entry_unauthenticated',
      firstBadIndex: forged,
    });
    expect(
      (await checkLogIntegrity(rule(0))).ok === false && (await checkLogIntegrity(rule(0))),
    ).toMatchObject({
      reason: expect.stringMatching(/MAC is wrong/),
    });
    expect(await checkLogIntegrity(rule(forged + 1))).toMatchObject({ ok: true, logSize: forged + 1 });
  });
});
