import { describe, expect, it } from 'vitest';
import { testIds, testSigner } from '../../../test/support/ledger.js';
import { entryAuthenticatorFor } from '../../audit/index.js';
import { createMemoryLedgerStore } from '../../store/memory-store.js';
import { AuditAppender } from './audit-log.js';
import { withAuthenticatedStreams } from './authenticated-streams.js';
import { createLedger } from './ledger.js';

/**
 * Issue 13: a use case that reads part of a stream (its first event, or what came after a version it knows) decides
 * on those entries as much as one that reads all of it, so the part is held to the writers' MACs the same way.
 */
describe('a stream read in part is held to the writer MAC of every entry it returns', () => {
  const authenticator = entryAuthenticatorFor(testSigner);
  const clock = { now: () => new Date('2026-03-01T08:00:00.000Z') };

  /** Three entries of `auth-u` written by PortLedger, then one a DBA appended by hand (no MAC). */
  async function streamWithForgedTail() {
    const store = createMemoryLedgerStore();
    const ledger = createLedger({
      store,
      clock,
      ids: testIds,
      log: { origin: testSigner.name, signer: testSigner, authenticator },
      checkpointIntervalMs: 0,
    });
    await ledger.write(({ append }) =>
      append('auth-u', 0, [
        { type: 'EnrolmentPending', data: { enrolmentId: 'e-1' } },
        { type: 'LoginSucceeded', data: { n: 1 } },
        { type: 'LoginSucceeded', data: { n: 2 } },
      ]),
    );
    await ledger.close();
    const [forged] = await store.writeTransaction((tx) =>
      new AuditAppender(tx).append({
        streamId: 'auth-u',
        expectedVersion: 3,
        events: [{ type: 'EnrolmentConfirmed', data: { enrolmentId: 'e-1', by: 'dba' } }],
        recordedAt: clock.now(),
        ids: testIds,
      }),
    );
    const refused: number[] = [];
    const guarded = withAuthenticatedStreams(store, {
      authenticator,
      requiredFrom: 0,
      onRefused: (index) => refused.push(index),
    });
    return { guarded, forged: forged!, refused };
  }

  it('returns a part whose entries all carry their MAC, outside and inside a write transaction', async () => {
    const { guarded, refused } = await streamWithForgedTail();
    expect((await guarded.readStreamRange('auth-u', { limit: 1 })).map((e) => e.type)).toEqual([
      'EnrolmentPending',
    ]);
    expect(
      (
        await guarded.writeTransaction((tx) => tx.readStreamRange('auth-u', { fromVersion: 2, limit: 2 }))
      ).map((e) => e.streamVersion),
    ).toEqual([2, 3]);
    expect(refused).toEqual([]);
  });

  it('refuses a part holding the hand-appended entry, outside and inside a write transaction', async () => {
    const { guarded, forged, refused } = await streamWithForgedTail();
    const refusal = { code: 'integrity.entry_unauthenticated', details: { index: forged.index } };
    await expect(guarded.readStreamRange('auth-u', { fromVersion: 2 })).rejects.toMatchObject(refusal);
    await expect(
      guarded.writeTransaction((tx) => tx.readStreamRange('auth-u', { fromVersion: 4, limit: 1 })),
    ).rejects.toMatchObject(refusal);
    expect(refused).toEqual([forged.index, forged.index]);
  });
});
