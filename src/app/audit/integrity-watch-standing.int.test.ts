import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testSigner, testVerifierKey } from '../../../test/support/ledger.js';
import { entryAuthenticatorFor } from '../../audit/index.js';
import { demoTerminal } from '../../demo/demo-port.js';
import { SimulatedClock, seededIds, seedVesselCall } from '../../demo/seed.js';
import { seededRandom } from '../../demo/seeded-random.js';
import { openLedgerStore } from '../../store/open-store.js';
import { tempDirectory } from '../../store/testing/databases.js';
import { asSqliteDba } from '../../store/testing/sqlite-dba.js';
import { AuditAppender, createLedger, type Ledger } from '../ledger/index.js';
import type { LedgerStore } from '../ports.js';
import { type IntegrityFailure, startIntegrityWatch } from './integrity.usecases.js';
import { ReadModelCheck } from './read-model-check.js';

describe('the integrity watch under a standing failure (issue 13, the outside attacker)', () => {
  const authenticator = entryAuthenticatorFor(testSigner);
  let dir: ReturnType<typeof tempDirectory>;
  let path: string;
  let store: LedgerStore;
  let ledger: Ledger;

  beforeEach(async () => {
    dir = tempDirectory('watch-standing');
    path = join(dir.path, 'ledger.db');
    store = await openLedgerStore(`sqlite:${path}`);
    const random = seededRandom('watch-standing');
    const clock = new SimulatedClock(new Date('2026-03-01T06:00:00.000Z'));
    ledger = createLedger({
      store,
      clock,
      ids: seededIds(random),
      log: { origin: testSigner.name, signer: testSigner, authenticator },
      checkpointIntervalMs: 0,
    });
    await seedVesselCall({
      ledger,
      clock,
      random,
      terminals: new Map([[demoTerminal.terminal, demoTerminal]]),
      terminal: demoTerminal.terminal,
      containers: 12,
    });
  });

  afterEach(async () => {
    await ledger.close();
    await store.close();
    dir.remove();
  });

  it('still checks the read models each cycle, and raises what a DBA does under the log’s alert', async () => {
    const alerts: IntegrityFailure[] = [];
    const watch = startIntegrityWatch({
      reads: store,
      verifierKey: testVerifierKey,
      intervalMs: 3_600_000,
      entryMacs: { authenticator, requiredFrom: 0 },
      readModels: new ReadModelCheck({ store, keysPerCycle: 500 }),
      onAlert: async (failure) => {
        alerts.push(failure);
        return alerts.length;
      },
    });
    try {
      expect(await watch.checkNow()).toMatchObject({ ok: true });
      // One loud failure: an entry appended by hand, consistent hashes, no writer MAC.
      await store.writeTransaction((tx) =>
        new AuditAppender(tx).append({
          streamId: 'visit-V-FORGED',
          expectedVersion: 0,
          events: [{ type: 'HoldLifted', data: { holdId: 'H-1' } }],
          recordedAt: new Date('2026-03-01T09:00:00.000Z'),
          ids: { eventId: () => 'forged-1', randomBytes: (n) => new Uint8Array(n) },
        }),
      );
      expect(await watch.checkNow()).toMatchObject({ ok: false, code: 'integrity.entry_unauthenticated' });
      expect(alerts.map((a) => a.code)).toEqual(['integrity.entry_unauthenticated']);
      // Then, quietly under it: a box's yard cell deleted.
      asSqliteDba(path, ['delete from yard_cell where rowid = (select min(rowid) from yard_cell)']);
      // /readyz keeps the first failure; the deletion is raised as its own alert, once.
      expect(await watch.checkNow()).toMatchObject({ ok: false, code: 'integrity.entry_unauthenticated' });
      await watch.checkNow();
      expect(alerts.map((a) => a.code)).toEqual([
        'integrity.entry_unauthenticated',
        'integrity.read_model_mismatch',
      ]);
      expect(alerts[1]?.readModel?.table).toBe('yard_cell');
    } finally {
      watch.stop();
    }
  });
  it('raises a new finding of the log under one a sweep found, even after the first was put back', async () => {
    const alerts: IntegrityFailure[] = [];
    const watch = startIntegrityWatch({
      reads: store,
      verifierKey: testVerifierKey,
      intervalMs: 3_600_000,
      sweepIntervalMs: 3_600_000,
      entryMacs: { authenticator, requiredFrom: 0 },
      onAlert: async (failure) => {
        alerts.push(failure);
        return alerts.length;
      },
    });
    const dba = (statements: string[]) => asSqliteDba(path, statements);
    try {
      expect(await watch.checkNow()).toMatchObject({ ok: true });
      // An old event's id edited, found by a sweep, and put back: the sweep's finding stands until a sweep passes.
      dba(['update event set event_id = upper(event_id) where idx = 3']);
      await watch.sweepNow();
      dba(['update event set event_id = lower(event_id) where idx = 3']);
      expect(alerts.map((a) => a.code)).toEqual(['integrity.entry_mismatch']);
      // Then an entry appended by hand: its own alert, not absorbed by the first.
      await store.writeTransaction((tx) =>
        new AuditAppender(tx).append({
          streamId: 'visit-V-FORGED',
          expectedVersion: 0,
          events: [{ type: 'HoldLifted', data: { holdId: 'H-1' } }],
          recordedAt: new Date('2026-03-01T09:00:00.000Z'),
          ids: { eventId: () => 'forged-1', randomBytes: (n) => new Uint8Array(n) },
        }),
      );
      await watch.checkNow();
      expect(alerts.map((a) => a.code)).toEqual([
        'integrity.entry_mismatch',
        'integrity.entry_unauthenticated',
      ]);
    } finally {
      watch.stop();
    }
  });
});
