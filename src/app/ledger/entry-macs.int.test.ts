import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testIds, testSigner } from '../../../test/support/ledger.js';
import { entryAuthenticatorFor } from '../../audit/index.js';
import { openLedgerStore } from '../../store/open-store.js';
import { tempDirectory } from '../../store/testing/databases.js';
import type { LedgerStore } from '../ports.js';
import { AuditAppender } from './audit-log.js';
import { createLedger, type Ledger } from './ledger.js';

describe('the signer signs no checkpoint over an entry without its writer MAC (issue 13)', () => {
  const authenticator = entryAuthenticatorFor(testSigner);
  const clock = { now: () => new Date('2026-03-01T08:00:00.000Z') };
  let dir: ReturnType<typeof tempDirectory>;
  let store: LedgerStore;
  let ledger: Ledger;
  let refused: number[];

  beforeEach(async () => {
    dir = tempDirectory('entry-mac-signing');
    store = await openLedgerStore(`sqlite:${join(dir.path, 'ledger.db')}`);
    refused = [];
    ledger = createLedger({
      store,
      clock,
      ids: testIds,
      log: {
        origin: testSigner.name,
        signer: testSigner,
        authenticator,
        entryMacs: { authenticator, requiredFrom: 0, onRefused: (index) => refused.push(index) },
      },
      checkpointIntervalMs: 0,
    });
  });

  afterEach(async () => {
    await ledger.close();
    await store.close();
    dir.remove();
  });

  const write = (streamId: string) =>
    ledger.write(({ append }) => append(streamId, 0, [{ type: 'Announced', data: { streamId } }]));

  /** The careful DBA: a consistent entry, leaf and subtree hashes, but no MAC (he has not the key). */
  const appendByHand = () =>
    store.writeTransaction((tx) =>
      new AuditAppender(tx).append({
        streamId: 'visit-V-FORGED',
        expectedVersion: 0,
        events: [{ type: 'HoldLifted', data: { holdId: 'H-1', kind: 'customs' } }],
        recordedAt: clock.now(),
        ids: testIds,
      }),
    );

  it('keeps the last checkpoint before the entry, lets the writes commit, and says which entry', async () => {
    await write('visit-1');
    await write('visit-2');
    expect((await store.latestCheckpoint())?.treeSize).toBe(2);
    const [forged] = await appendByHand();
    await write('visit-3');
    // The write stands; the checkpoint does not move past the forged entry, however often it is asked for.
    expect(await store.logSize()).toBe(4);
    expect((await store.latestCheckpoint())?.treeSize).toBe(2);
    expect((await ledger.checkpoint()).treeSize).toBe(2);
    expect(await ledger.signPending()).toMatchObject({ treeSize: 2 });
    expect(refused.length).toBeGreaterThan(0);
    expect(new Set(refused)).toEqual(new Set([forged!.index]));
  });

  it('signs on as before while every entry since the last checkpoint carries its MAC', async () => {
    for (let n = 0; n < 5; n++) await write(`visit-${n}`);
    expect((await store.latestCheckpoint())?.treeSize).toBe(5);
    expect(refused).toEqual([]);
  });
});
