import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testIds, testSigner } from '../../../test/support/ledger.js';
import { entryAuthenticatorFor } from '../../audit/index.js';
import { openLedgerStore } from '../../store/open-store.js';
import { tempDirectory } from '../../store/testing/databases.js';
import { asSqliteDba as asDba } from '../../store/testing/sqlite-dba.js';
import type { LedgerStore } from '../ports.js';
import { withAuthenticatedStreams } from './authenticated-streams.js';
import { createLedger, type Ledger } from './ledger.js';

describe('a decision is folded only from what the audit leaves say (issue 13, the outside attacker’s heists)', () => {
  const authenticator = entryAuthenticatorFor(testSigner);
  let dir: ReturnType<typeof tempDirectory>;
  let path: string;
  let raw: LedgerStore;
  let store: LedgerStore;
  let ledger: Ledger;
  const refused: number[] = [];

  beforeEach(async () => {
    dir = tempDirectory('authenticated-streams');
    path = join(dir.path, 'ledger.db');
    raw = await openLedgerStore(`sqlite:${path}`);
    refused.length = 0;
    store = withAuthenticatedStreams(raw, {
      authenticator,
      requiredFrom: 0,
      onRefused: (index) => refused.push(index),
    });
    ledger = createLedger({
      store,
      clock: { now: () => new Date('2026-03-01T08:00:00.000Z') },
      ids: testIds,
      log: { origin: testSigner.name, signer: testSigner, authenticator },
      checkpointIntervalMs: 60_000,
    });
    await ledger.write(({ append }) =>
      append('drivers-hau', 0, [
        { type: 'DriverDeviceEnrolled', data: { deviceId: 'd-1', publicKey: 'jans-phone-key' } },
        { type: 'HoldPlaced', data: { holdId: 'H-1', kind: 'customs' } },
        { type: 'SlotBooked', data: { slot: 'T1@20260301T1430Z', truckPlate: '1-ABC-123' } },
      ]),
    );
    expect(await store.readStream('drivers-hau')).toHaveLength(3);
  });

  afterEach(async () => {
    await ledger.close();
    await raw.close();
    dir.remove();
  });

  const mismatch = { code: 'integrity.entry_mismatch' };

  it('refuses a stream whose data column was edited, in and out of a transaction, and again once put back', async () => {
    asDba(path, [`update event set data = replace(data, 'jans-phone-key', 'gang-key') where idx = 0`]);
    await expect(store.readStream('drivers-hau')).rejects.toMatchObject(mismatch);
    await expect(store.writeTransaction((tx) => tx.readStream('drivers-hau'))).rejects.toMatchObject(
      mismatch,
    );
    expect(refused).toContain(0);
    asDba(path, [`update event set data = replace(data, 'gang-key', 'jans-phone-key') where idx = 0`]);
    expect((await store.readStream('drivers-hau'))[0]?.data).toEqual({
      deviceId: 'd-1',
      publicKey: 'jans-phone-key',
    });
  });

  it('refuses an edited type, time or event id', async () => {
    for (const [column, value] of [
      ['type', `'HoldLifted'`],
      ['recorded_at', `'2026-03-01T07:00:00.000Z'`],
      ['event_id', `'forged'`],
    ]) {
      asDba(path, [
        `create table if not exists kept as select * from event where idx = 1`,
        `update event set ${column} = ${value} where idx = 1`,
      ]);
      await expect(store.readStream('drivers-hau')).rejects.toMatchObject(mismatch);
      asDba(path, [
        `update event set ${column} = (select ${column} from kept) where idx = 1`,
        'drop table kept',
      ]);
      expect(await store.readStream('drivers-hau')).toHaveLength(3);
    }
  });

  it('refuses a stream whose last entry was moved away, once this server has seen it', async () => {
    asDba(path, [`update event set stream_id = 'drivers-hau~' where idx = 2`]);
    await expect(store.readStream('drivers-hau')).rejects.toMatchObject(mismatch);
    // The moved row names the stream its leaf does not.
    await expect(store.readStream('drivers-hau~')).rejects.toMatchObject(mismatch);
  });

  it('refuses a stream with an entry missing from its middle, and a part of one', async () => {
    asDba(path, [`update event set stream_id = 'elsewhere' where idx = 1`]);
    await expect(store.readStream('drivers-hau')).rejects.toMatchObject(mismatch);
    await expect(store.readStreamRange('drivers-hau', { fromVersion: 1, limit: 3 })).rejects.toMatchObject(
      mismatch,
    );
  });

  it('remembers a stream’s length only once its transaction committed', async () => {
    await expect(
      ledger.write(async ({ tx, append }) => {
        await append('drivers-hau', 3, [{ type: 'SlotCancelled', data: {} }]);
        expect(await tx.readStream('drivers-hau')).toHaveLength(4);
        throw new Error('the use case fails after reading its own append');
      }),
    ).rejects.toThrow(/fails/);
    expect(await store.readStream('drivers-hau')).toHaveLength(3);
    await ledger.write(({ append }) => append('drivers-hau', 3, [{ type: 'SlotCancelled', data: {} }]));
    expect(await store.readStream('drivers-hau')).toHaveLength(4);
  });
});
