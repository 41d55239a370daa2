import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testSigner, testVerifierKey } from '../../../test/support/ledger.js';
import { openLedgerStore } from '../../store/open-store.js';
import {
  describeWithPostgres,
  dropSchema,
  TEST_POSTGRES_URL,
  tempDirectory,
  uniqueSchemaName,
} from '../../store/testing/databases.js';
import { checkLogIntegrity, raiseIntegrityAlert, startIntegrityWatch } from '../audit/index.js';
import type { IdSource, LedgerStore, StoredCheckpoint } from '../ports.js';
import type { LogIdentity } from './audit-log.js';
import {
  CheckpointKeeper,
  compareLogWithKept,
  type KeptCheckpointFile,
  type KeptHead,
  openKeptNote,
} from './kept-checkpoint.js';
import { createLedger, type Ledger } from './ledger.js';

const clock = { now: () => new Date('2026-03-01T08:00:00.000Z') };

/** Event ids from a counter of this history's own, so two stores written alike hold byte-identical leaves. */
function historyIds(): IdSource {
  let next = 0;
  return {
    eventId: () => `00000000-0000-4000-8000-${String(++next).padStart(12, '0')}`,
    randomBytes: (length) => new Uint8Array(length),
  };
}

/** Writes `count` events, four to a transaction, each transaction signing its checkpoint (interval 0). */
async function writeEvents(ledger: Ledger, from: number, count: number, flavour = 'true'): Promise<void> {
  for (let index = from; index < from + count; index += 4) {
    const batch = Math.min(4, from + count - index);
    await ledger.write(async ({ appendAtEnd }) => {
      await appendAtEnd(
        'visit-a',
        Array.from({ length: batch }, (_, i) => ({
          type: 'Moved',
          data: { index: index + i, to: `A-${index + i}`, history: flavour },
        })),
      );
    });
  }
}

/** A file in memory, for the keeper: the atomic file itself is the shell's (`checkpoint-file.ts`). */
function memoryFile(note?: string): KeptCheckpointFile & { note: string | undefined; writes: number } {
  const file = {
    location: 'memory:log.checkpoint',
    note,
    writes: 0,
    async read() {
      return file.note;
    },
    async write(text: string) {
      file.note = text;
      file.writes += 1;
    },
  };
  return file;
}

const kept = (checkpoint: StoredCheckpoint | undefined): KeptHead =>
  openKeptNote(checkpoint!.note, testVerifierKey, 'test');

function describeOn(kind: 'sqlite' | 'postgres') {
  return () => {
    const opened: { store: LedgerStore; dispose: () => Promise<void> }[] = [];
    async function openStore(name: string): Promise<LedgerStore> {
      if (kind === 'sqlite') {
        const dir = tempDirectory(`kept-${name}`);
        const store = await openLedgerStore(`sqlite:${dir.path}/port.db`);
        opened.push({ store, dispose: async () => dir.remove() });
        return store;
      }
      const schema = uniqueSchemaName(`kept_${name}`);
      const store = await openLedgerStore(TEST_POSTGRES_URL, { schema });
      opened.push({ store, dispose: () => dropSchema(schema) });
      return store;
    }
    // One id source per store, so that its event ids go on where its last writer stopped.
    const idsOf = new Map<LedgerStore, IdSource>();
    const ledgerOn = (
      store: LedgerStore,
      log: LogIdentity = { origin: testSigner.name, signer: testSigner },
    ) => {
      if (!idsOf.has(store)) idsOf.set(store, historyIds());
      return createLedger({ store, clock, ids: idsOf.get(store)!, log, checkpointIntervalMs: 0 });
    };

    // The true history of 40 events; the same history cut at 24 (what a DBA leaves); another history of 40.
    let truth: LedgerStore;
    let cut: LedgerStore;
    let other: LedgerStore;
    beforeAll(async () => {
      truth = await openStore('truth');
      cut = await openStore('cut');
      other = await openStore('other');
      await writeEvents(ledgerOn(truth), 0, 40);
      await writeEvents(ledgerOn(cut), 0, 24);
      await writeEvents(ledgerOn(other), 0, 40, 'rewritten');
    });
    afterAll(async () => {
      for (const { store, dispose } of opened) {
        await store.close();
        await dispose();
      }
    });

    async function recomputed(store: LedgerStore) {
      const result = await checkLogIntegrity({ reads: store, verifierKey: testVerifierKey });
      if (!result.ok) throw new Error(result.reason);
      return { size: result.logSize, rootHash: result.rootHash };
    }

    it('a shorter log is a rollback naming both sizes', async () => {
      const result = await compareLogWithKept(cut, kept(await truth.checkpointAt(40)), await recomputed(cut));
      expect(result).toMatchObject({ ok: false, kind: 'rollback', keptSize: 40, logSize: 24 });
    });

    it('the same size with another root is a fork', async () => {
      const result = await compareLogWithKept(
        other,
        kept(await truth.checkpointAt(40)),
        await recomputed(other),
      );
      expect(result).toMatchObject({ ok: false, kind: 'fork', keptSize: 40, logSize: 40 });
    });

    it('a longer log that does not extend the kept checkpoint is a fork', async () => {
      const result = await compareLogWithKept(
        other,
        kept(await truth.checkpointAt(24)),
        await recomputed(other),
      );
      expect(result).toMatchObject({ ok: false, kind: 'fork', keptSize: 24, logSize: 40 });
    });

    it('a longer log that extends it is fine, at every kept size', async () => {
      const head = await recomputed(truth);
      for (const size of [4, 8, 12, 24, 36, 40]) {
        expect(await compareLogWithKept(truth, kept(await truth.checkpointAt(size)), head)).toEqual({
          ok: true,
        });
      }
      expect(
        await compareLogWithKept(cut, kept(await truth.checkpointAt(20)), await recomputed(cut)),
      ).toEqual({
        ok: true,
      });
    });

    it('the keeper holds a rollback from the start, signs nothing over the cut log, and the watch stays failed until a person resolves the alert', async () => {
      const keptNote = (await truth.checkpointAt(40))!.note;
      const file = memoryFile(keptNote);
      const keeper = await CheckpointKeeper.open({ file, reads: cut, verifier: testVerifierKey });
      expect(keeper.standing()).toMatchObject({ kind: 'rollback', keptSize: 40, logSize: 24 });

      // The server goes on writing over the cut log: its events commit, no checkpoint is signed.
      const cutLedger = ledgerOn(cut, { origin: testSigner.name, signer: testSigner, guard: keeper });
      const before = await cut.latestCheckpoint();
      await cutLedger.write(async ({ appendAtEnd }) => {
        await appendAtEnd('visit-b', [{ type: 'Announced', data: { after: 'the cut' } }]);
      });
      expect(await cut.logSize()).toBe(25);
      expect((await cut.latestCheckpoint())?.treeSize).toBe(before?.treeSize);

      // The DBA puts the rows back (the watch now reads the true history); the alert lands there too.
      let reads: LedgerStore = cut;
      const switching = new Proxy({} as LedgerStore, {
        get: (_target, property) => {
          const value = Reflect.get(reads, property);
          return typeof value === 'function' ? value.bind(reads) : value;
        },
      });
      const truthLedger = ledgerOn(truth);
      const alerts: number[] = [];
      const watch = startIntegrityWatch({
        reads: switching,
        verifierKey: testVerifierKey,
        intervalMs: 3_600_000,
        keeper,
        onAlert: async (failure) => {
          const alertId = await raiseIntegrityAlert(truthLedger, failure);
          alerts.push(alertId);
          return alertId;
        },
      });
      try {
        expect(watch.latest()).toMatchObject({ ok: false, code: 'integrity.rollback', checkpointSize: 40 });
        const first = await watch.checkNow();
        expect(first).toMatchObject({
          ok: false,
          code: 'integrity.rollback',
          checkpointSize: 40,
          logSize: 24,
        });
        expect(first.ok === false && first.reason).toMatch(
          /^rollback: kept checkpoint of size 40, log of size 24/,
        );
        expect(alerts).toHaveLength(1);

        reads = truth;
        // The log extends the kept checkpoint again, but nobody has looked: it does not flap back to ready.
        expect(await watch.checkNow()).toMatchObject({ ok: false, code: 'integrity.rollback' });
        expect(alerts).toHaveLength(1);
        expect(file.note).toBe(keptNote);

        await truthLedger.write(async ({ appendAtEnd, tx }) => {
          const alert = (await tx.getAlertRecord(alerts[0]!))!;
          await appendAtEnd(`alert-${alerts[0]}`, [
            {
              type: 'AlertResolved',
              data: { alertId: String(alerts[0]), note: 'restored from backup', by: 'sofie' },
            },
          ]);
          await tx.putAlertRecord({
            ...alert,
            status: 'resolved',
            resolvedBy: 'sofie',
            resolution: 'restored',
          });
        });
        const resolved = await watch.checkNow();
        expect(resolved).toMatchObject({ ok: true });
        expect(alerts).toHaveLength(1);
        expect(keeper.standing()).toBeUndefined();
        // The verified checkpoints of the restored log are kept again.
        await keeper.flush();
        expect(keeper.kept()?.size).toBeGreaterThanOrEqual(40);
      } finally {
        watch.stop();
        await truthLedger.close();
        await cutLedger.close();
      }
    });

    it('the keeper keeps each checkpoint it signs over a log that extends it, and never goes back', async () => {
      const store = await openStore('grows');
      const file = memoryFile();
      const keeper = await CheckpointKeeper.open({ file, reads: store, verifier: testVerifierKey });
      const ledger = ledgerOn(store, { origin: testSigner.name, signer: testSigner, guard: keeper });
      await writeEvents(ledger, 0, 12);
      await keeper.flush();
      expect(keeper.kept()?.size).toBe(12);
      expect(openKeptNote(file.note!, testVerifierKey, 'file').size).toBe(12);
      await writeEvents(ledger, 12, 8);
      await keeper.flush();
      expect(openKeptNote(file.note!, testVerifierKey, 'file').size).toBe(20);
      await ledger.close();
    });

    it('a witness that saw another history stops the signing too, and the kept file stays', async () => {
      const store = await openStore('witnessed');
      const file = memoryFile();
      const keeper = await CheckpointKeeper.open({ file, reads: store, verifier: testVerifierKey });
      const ledger = ledgerOn(store, { origin: testSigner.name, signer: testSigner, guard: keeper });
      await writeEvents(ledger, 0, 8);
      await keeper.flush();
      const keptNote = file.note;
      const watch = startIntegrityWatch({
        reads: store,
        verifierKey: testVerifierKey,
        intervalMs: 3_600_000,
        keeper,
      });
      try {
        await watch.report({
          ok: false,
          checkedAt: clock.now().toISOString(),
          logSize: 8,
          checkpointsChecked: 0,
          code: 'integrity.fork',
          firstBadIndex: 0,
          checkpointSize: 8,
          reason: 'witness customs.example/witness cosigned another tree of size 8',
          durationMs: 0,
        });
        expect(keeper.standing()).toMatchObject({ kind: 'fork', keptSize: 8 });
        await writeEvents(ledger, 8, 4);
        await keeper.flush();
        expect((await store.latestCheckpoint())?.treeSize).toBe(8);
        expect(file.note).toBe(keptNote);
        expect(watch.latest()).toMatchObject({ ok: false, code: 'integrity.fork' });
      } finally {
        watch.stop();
        await ledger.close();
      }
    });

    it('a keeper that kept the true history finds the fork at the same size on start and refuses to sign', async () => {
      const keeper = await CheckpointKeeper.open({
        file: memoryFile((await truth.checkpointAt(40))!.note),
        reads: other,
        verifier: testVerifierKey,
      });
      expect(keeper.standing()).toMatchObject({ kind: 'fork', keptSize: 40, logSize: 40 });
      expect(await keeper.maySign(other, await recomputed(other))).toBe(false);
    });
  };
}

describe('the kept checkpoint against a SQLite log', describeOn('sqlite'));
await describeWithPostgres('the kept checkpoint against a PostgreSQL log', describeOn('postgres'));
