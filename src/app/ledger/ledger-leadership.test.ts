import { describe, expect, it } from 'vitest';
import { testIds, testSigner } from '../../../test/support/ledger.js';
import { createMemoryLedgerStore } from '../../store/memory-store.js';
import type { LeaderRole } from '../ports.js';
import { createLedger } from './ledger.js';

/** Two processes on one database, as two ledgers on one store: only the signer signs (issue 13). */
describe('checkpoints with several processes on one database', () => {
  it('a process that does not hold checkpoint-signer never signs; the signer signs what it wrote', async () => {
    const store = createMemoryLedgerStore();
    const clock = { now: () => new Date('2026-03-01T08:00:00.000Z') };
    const log = { origin: testSigner.name, signer: testSigner };
    let signerRole = true;
    const holds = (role: LeaderRole) => role === 'checkpoint-signer' && signerRole;
    const other = createLedger({
      store,
      clock,
      ids: testIds,
      log,
      checkpointIntervalMs: 0,
      leadership: { holds: () => false },
    });
    const signer = createLedger({
      store,
      clock,
      ids: testIds,
      log,
      checkpointIntervalMs: 0,
      leadership: { holds },
    });

    await other.write(({ append }) => append('visit-a', 0, [{ type: 'Announced', data: { n: 1 } }]));
    expect(await other.signPending()).toBeUndefined();
    await other.close();
    expect(await store.latestCheckpoint()).toBeUndefined();

    expect((await signer.signPending())?.treeSize).toBe(1);
    // Nothing new: nothing signed.
    expect(await signer.signPending()).toBeUndefined();
    await signer.write(({ append }) => append('visit-b', 0, [{ type: 'Announced', data: { n: 2 } }]));
    expect((await store.latestCheckpoint())?.treeSize).toBe(2);

    // The role moved elsewhere: this process stops signing too.
    signerRole = false;
    await signer.write(({ append }) => append('visit-c', 0, [{ type: 'Announced', data: { n: 3 } }]));
    expect(await signer.signPending()).toBeUndefined();
    await signer.close();
    expect((await store.latestCheckpoint())?.treeSize).toBe(2);
  });
});
