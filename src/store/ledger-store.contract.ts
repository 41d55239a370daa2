import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ConcurrencyError,
  type LedgerStore,
  type LedgerWriteTx,
  type StoredEvent,
  StoreIntegrityError,
} from '../app/ports.js';
import { encodeLogEntry, leafSaysRow } from '../audit/index.js';
import { describeAlertContract } from './alert.contract.js';
import { describeBulkContract } from './bulk.contract.js';
import { describeDetectionCursorContract } from './detection-cursor.contract.js';
import { describeDeviceContract } from './device.contract.js';
import { describeEdiInterchangeContract } from './edi-interchange.contract.js';
import { describeEnrolmentContract } from './enrolment.contract.js';
import { describePartnerEventContract } from './partner-event.contract.js';
import { describePositionViewContract } from './position-view.contract.js';
import { describeQueueCountContract } from './queue-counts.contract.js';
import { describeReleaseContract } from './release.contract.js';
import { describeSubscriptionContract } from './subscription.contract.js';
import { makeEvent, makeEvents, makeVisit } from './testing/fixtures.js';
import {
  at,
  hashBytes,
  makeApiToken,
  makeApproval,
  makeChallenge,
  makeEnrolmentLink,
  makeOrganisation,
  makePasskey,
  makePasswordCredential,
  makeSession,
  makeUser,
} from './testing/identity-fixtures.js';

export interface ContractFixture {
  readonly store: LedgerStore;
  /** Runs SQL past the store, on the same database, as its owner would; absent for the memory store. */
  readonly rawSql?: (sql: string) => Promise<unknown>;
  readonly cleanup: () => Promise<void>;
}

const appendOnlyTables = ['event', 'audit_node', 'checkpoint'] as const;

/** Appends `count` events to a stream in one transaction, continuing the log and the stream. */
async function append(store: LedgerStore, streamId: string, count = 1): Promise<StoredEvent[]> {
  return store.writeTransaction(async (tx) => {
    const fromIndex = await tx.logSize();
    const fromVersion = (await tx.readStream(streamId)).length;
    const events = makeEvents({ streamId, fromIndex, fromVersion, count });
    await tx.appendToStream(streamId, fromVersion, events);
    return events;
  });
}

/**
 * The behaviour every `LedgerStore` adapter shares, as one suite that each adapter's test file runs against a
 * fresh store per test.
 *
 * @example
 * describeLedgerStoreContract('memory', async () => ({ store: createMemoryLedgerStore(), cleanup: async () => {} }));
 */
export function describeLedgerStoreContract(name: string, makeStore: () => Promise<ContractFixture>): void {
  describe(`LedgerStore contract: ${name}`, () => {
    let fixture: ContractFixture;
    let store: LedgerStore;

    beforeEach(async () => {
      fixture = await makeStore();
      store = fixture.store;
    });
    afterEach(async () => {
      await fixture.cleanup();
    });

    describe('events', () => {
      it('reads back what it appended, in stream order and in global order, fields and bytes identical', async () => {
        const a1 = await append(store, 'visit-a', 2);
        const b1 = await append(store, 'visit-b', 1);
        const a2 = await append(store, 'visit-a', 2);

        expect(await store.logSize()).toBe(5);
        expect(await store.readStream('visit-a')).toEqual([...a1, ...a2]);
        expect(await store.readStream('visit-b')).toEqual(b1);
        expect(await store.readStream('nobody')).toEqual([]);
        const all = await store.readEvents(0, 100);
        expect(all).toEqual([...a1, ...b1, ...a2]);
        expect(all.map((e) => e.index)).toEqual([0, 1, 2, 3, 4]);
        expect(await store.readEvents(1, 2)).toEqual([a1[1], b1[0]]);
        expect(await store.readEvents(5, 10)).toEqual([]);
        const leaf = all[0]!.leaf;
        expect(leaf).toBeInstanceOf(Uint8Array);
        expect(Buffer.from(leaf).equals(Buffer.from(a1[0]!.leaf))).toBe(true);
      });

      it('reads rows with their data as the leaf’s own text, for the integrity check (issue 13)', async () => {
        const written = [...(await append(store, 'visit-a', 2)), ...(await append(store, 'visit-b', 1))];
        // An event whose leaf is a real log entry: its row keeps the data as the leaf's canonical text.
        const entry = makeEvent({
          index: 3,
          streamId: 'visit-c',
          streamVersion: 1,
          data: { z: 1, a: 'Zoë' },
        });
        const real = { ...entry, leaf: encodeLogEntry(entry) };
        await store.writeTransaction((tx) => tx.appendToStream('visit-c', 0, [real]));
        const rows = await store.readLogRows(0, 100);
        expect(rows.map((row) => row.index)).toEqual([0, 1, 2, 3]);
        for (const [i, row] of rows.entries()) {
          const { data, ...fields } = [...written, real][i]!;
          const { dataText, ...rowFields } = row;
          expect(rowFields).toEqual(fields);
          expect(JSON.parse(dataText)).toEqual(data);
        }
        expect(rows[3]!.dataText).toBe('{"a":"Zoë","z":1}');
        expect(leafSaysRow(rows[3]!, rows[3]!.dataText, rows[3]!.leaf)).toBe(true);
        expect(await store.readLogRows(1, 1)).toEqual([rows[1]]);
        expect(await store.readLogRows(4, 10)).toEqual([]);
      });

      it('refuses an expected version that is not the stream version, and writes nothing', async () => {
        await append(store, 'visit-a', 2);
        const attempt = store.writeTransaction(async (tx) => {
          await tx.appendToStream(
            'visit-a',
            1,
            makeEvents({ streamId: 'visit-a', fromIndex: 2, fromVersion: 1, count: 1 }),
          );
        });
        await expect(attempt).rejects.toBeInstanceOf(ConcurrencyError);
        await expect(attempt).rejects.toMatchObject({
          code: 'store.concurrency',
          expectedVersion: 1,
          actualVersion: 2,
        });
        const fresh = store.writeTransaction(async (tx) => {
          await tx.appendToStream(
            'visit-new',
            3,
            makeEvents({ streamId: 'visit-new', fromIndex: 2, fromVersion: 3, count: 1 }),
          );
        });
        await expect(fresh).rejects.toMatchObject({ code: 'store.concurrency', actualVersion: 0 });
        expect(await store.logSize()).toBe(2);
        expect(await store.readStream('visit-a')).toHaveLength(2);
        expect(await store.readStream('visit-new')).toEqual([]);
      });

      it('refuses a stream appended to as new that exists, naming it and its length, and writes nothing', async () => {
        await append(store, 'visit-b', 2);
        // Not read first: SQLite leaves a new stream to the unique key rather than asking its version (issue 13).
        const attempt = store.writeTransaction(async (tx) => {
          await tx.appendToStream(
            'visit-a',
            0,
            makeEvents({ streamId: 'visit-a', fromIndex: 2, fromVersion: 0, count: 1 }),
          );
          await tx.appendToStream(
            'visit-b',
            0,
            makeEvents({ streamId: 'visit-b', fromIndex: 3, fromVersion: 0, count: 1 }),
          );
        });
        await expect(attempt).rejects.toMatchObject({
          code: 'store.concurrency',
          streamId: 'visit-b',
          expectedVersion: 0,
          actualVersion: 2,
        });
        expect(await store.logSize()).toBe(2);
        expect(await store.readStream('visit-a')).toEqual([]);
      });

      it('refuses events that leave a gap in the log or in the stream', async () => {
        await append(store, 'visit-a', 1);
        const cases = [
          makeEvents({ streamId: 'visit-a', fromIndex: 2, fromVersion: 1, count: 1 }), // log continues at 1
          makeEvents({ streamId: 'visit-a', fromIndex: 0, fromVersion: 1, count: 1 }), // index 0 is taken
          [makeEvent({ index: 1, streamId: 'visit-a', streamVersion: 3 })], // stream continues at 2
          [
            makeEvent({ index: 1, streamId: 'visit-a', streamVersion: 2 }),
            makeEvent({ index: 3, streamId: 'visit-a', streamVersion: 3 }),
          ],
          [makeEvent({ index: 1, streamId: 'visit-b', streamVersion: 2 })], // another stream's event
        ];
        for (const events of cases) {
          const attempt = store.writeTransaction((tx) => tx.appendToStream('visit-a', 1, events));
          await expect(attempt).rejects.toBeInstanceOf(StoreIntegrityError);
          await expect(attempt).rejects.toMatchObject({ code: 'store.index_gap' });
        }
        expect(await store.logSize()).toBe(1);
        expect(await store.readEvents(0, 10)).toHaveLength(1);
      });

      it('refuses an event id that is already stored', async () => {
        const [first] = await append(store, 'visit-a', 1);
        const attempt = store.writeTransaction((tx) =>
          tx.appendToStream('visit-b', 0, [
            { ...makeEvent({ index: 1, streamId: 'visit-b', streamVersion: 1 }), eventId: first!.eventId },
          ]),
        );
        await expect(attempt).rejects.toMatchObject({ code: 'store.duplicate' });
        expect(await store.logSize()).toBe(1);
      });

      it('sees its own appends inside the transaction: logSize and readStream move on', async () => {
        await store.writeTransaction(async (tx) => {
          expect(await tx.logSize()).toBe(0);
          await tx.appendToStream('visit-a', 0, makeEvents({ streamId: 'visit-a', fromIndex: 0, count: 2 }));
          expect(await tx.logSize()).toBe(2);
          await tx.appendToStream('visit-b', 0, makeEvents({ streamId: 'visit-b', fromIndex: 2, count: 1 }));
          await tx.appendToStream(
            'visit-a',
            2,
            makeEvents({ streamId: 'visit-a', fromIndex: 3, fromVersion: 2, count: 1 }),
          );
          expect((await tx.readStream('visit-a')).map((e) => e.index)).toEqual([0, 1, 3]);
          expect(await tx.readEvents(0, 10)).toHaveLength(4);
        });
        expect(await store.logSize()).toBe(4);
      });

      it('reads part of a stream: from a version, at most a limit, in stream order (issue 13)', async () => {
        const stream = [
          ...(await append(store, 'auth-u', 3)),
          ...(await append(store, 'other')),
          ...(await append(store, 'auth-u', 2)),
        ];
        const whole = stream.filter((event) => event.streamId === 'auth-u');
        const versions = (events: readonly StoredEvent[]) => events.map((event) => event.streamVersion);
        expect(await store.readStreamRange('auth-u', {})).toEqual(whole);
        expect(await store.readStreamRange('auth-u', { limit: 1 })).toEqual(whole.slice(0, 1));
        expect(versions(await store.readStreamRange('auth-u', { fromVersion: 3 }))).toEqual([3, 4, 5]);
        expect(versions(await store.readStreamRange('auth-u', { fromVersion: 2, limit: 2 }))).toEqual([2, 3]);
        expect(await store.readStreamRange('auth-u', { fromVersion: 6 })).toEqual([]);
        expect(await store.readStreamRange('auth-u', { limit: 0 })).toEqual([]);
        expect(await store.readStreamRange('nobody', { limit: 1 })).toEqual([]);
        await expect(store.readStreamRange('auth-u', { fromVersion: 0 })).rejects.toThrow(RangeError);
        await expect(store.readStreamRange('auth-u', { limit: -1 })).rejects.toThrow(RangeError);
      });

      it('reads part of a stream inside a transaction, its own appends included, and appends after it (issue 13)', async () => {
        await append(store, 'auth-u', 2);
        await store.writeTransaction(async (tx) => {
          const before = await tx.readStreamRange('auth-u', { fromVersion: 2 });
          expect(before.map((event) => event.streamVersion)).toEqual([2]);
          // The range reached the stream's end: its version is known, and an append at it holds.
          expect(await tx.streamVersion('auth-u')).toBe(2);
          await tx.appendToStream(
            'auth-u',
            2,
            makeEvents({ streamId: 'auth-u', fromIndex: 2, fromVersion: 2, count: 2 }),
          );
          // Appends not yet written out are read back, before and after the stream is read whole.
          expect((await tx.readStreamRange('auth-u', { fromVersion: 3 })).map((e) => e.index)).toEqual([
            2, 3,
          ]);
          expect((await tx.readStreamRange('auth-u', { limit: 1 })).map((e) => e.index)).toEqual([0]);
          expect((await tx.readStream('auth-u')).map((e) => e.index)).toEqual([0, 1, 2, 3]);
          await tx.appendToStream(
            'auth-u',
            4,
            makeEvents({ streamId: 'auth-u', fromIndex: 4, fromVersion: 4, count: 1 }),
          );
          expect(
            (await tx.readStreamRange('auth-u', { fromVersion: 4, limit: 5 })).map((e) => e.index),
          ).toEqual([3, 4]);
        });
        expect(await store.streamVersion('auth-u')).toBe(5);
      });
    });

    describe('transactions', () => {
      it('rolls back events, nodes, checkpoints and read models when work throws', async () => {
        await append(store, 'visit-a', 1);
        const boom = new Error('boom');
        const attempt = store.writeTransaction(async (tx) => {
          await tx.appendToStream(
            'visit-a',
            1,
            makeEvents({ streamId: 'visit-a', fromIndex: 1, fromVersion: 1, count: 2 }),
          );
          await tx.insertNodes([{ level: 0, index: 1, hash: new Uint8Array(32).fill(1) }]);
          await tx.insertCheckpoint({
            treeSize: 3,
            rootHash: new Uint8Array(32).fill(2),
            note: 'n',
            signedAt: 't',
          });
          await tx.upsertVisit(makeVisit({ visitRef: 'V1' }));
          await tx.occupyCells([{ terminal: 'T1', block: 'A', bay: 1, row: 1, tier: 1 }], 'V1');
          throw boom;
        });
        await expect(attempt).rejects.toBe(boom);
        expect(await store.logSize()).toBe(1);
        expect(await store.readStream('visit-a')).toHaveLength(1);
        await expect(store.readNodes([{ level: 0, index: 1 }])).rejects.toMatchObject({
          code: 'store.node_missing',
        });
        expect(await store.latestCheckpoint()).toBeUndefined();
        expect(await store.getVisit('V1')).toBeUndefined();
        expect(await store.terminalOccupancy({ terminal: 'T1' })).toEqual([]);
        // The place the rolled-back events held is free again.
        await append(store, 'visit-a', 1);
        expect((await store.readEvents(0, 10)).map((e) => e.index)).toEqual([0, 1]);
      });

      it('rolls back a transaction whose write failed, even when work catches the error', async () => {
        await append(store, 'visit-a', 1);
        const attempt = store.writeTransaction(async (tx) => {
          await tx.upsertVisit(makeVisit({ visitRef: 'V1' }));
          await tx
            .appendToStream('visit-a', 0, makeEvents({ streamId: 'visit-a', fromIndex: 1, count: 1 }))
            .catch(() => undefined);
          return 'swallowed';
        });
        await expect(attempt).rejects.toBeInstanceOf(ConcurrencyError);
        expect(await store.getVisit('V1')).toBeUndefined();
      });

      it('refuses a transaction object used after its transaction ended', async () => {
        const leaked = await store.writeTransaction(async (tx) => tx);
        await expect(leaked.logSize()).rejects.toThrow(/ended/);
        await expect(leaked.upsertVisit(makeVisit({ visitRef: 'V1' }))).rejects.toThrow(/ended/);
      });

      it('serialises 20 concurrent writers: indices 0..n−1, no gaps, no duplicates, stream versions right', async () => {
        await append(store, 'warm-up', 1);
        const writers = Array.from({ length: 20 }, (_, w) => append(store, `visit-${w}`, 1 + (w % 3)));
        const written = (await Promise.all(writers)).flat();
        const total = 1 + written.length;
        expect(await store.logSize()).toBe(total);
        const all = await store.readEvents(0, total + 5);
        expect(all.map((e) => e.index)).toEqual(Array.from({ length: total }, (_, i) => i));
        expect(new Set(all.map((e) => e.eventId)).size).toBe(total);
        for (let w = 0; w < 20; w++) {
          const stream = await store.readStream(`visit-${w}`);
          expect(stream.map((e) => e.streamVersion)).toEqual(
            Array.from({ length: 1 + (w % 3) }, (_, i) => i + 1),
          );
          // A transaction's events are contiguous in the log.
          expect(stream.map((e) => e.index - stream[0]!.index)).toEqual(stream.map((_, i) => i));
        }
      });

      it('undoes only the failing ones of concurrent writers (group commit, issue 13): neighbours commit', async () => {
        await append(store, 'warm-up', 1);
        const boom = new Error('boom');
        const outcomes = await Promise.allSettled(
          Array.from({ length: 12 }, (_, w) =>
            store.writeTransaction(async (tx) => {
              const fromIndex = await tx.logSize();
              const streamId = `visit-${w}`;
              await tx.appendToStream(streamId, 0, makeEvents({ streamId, fromIndex, count: 2 }));
              await tx.upsertVisit(makeVisit({ visitRef: `V${w}` }));
              if (w % 4 === 1) throw boom;
              if (w % 4 === 2) {
                // A failed write dooms its transaction even when work catches it; it alone.
                await tx
                  .appendToStream(streamId, 0, makeEvents({ streamId, fromIndex: fromIndex + 2, count: 1 }))
                  .catch(() => undefined);
              }
              return w;
            }),
          ),
        );
        const kept = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
        expect(kept).toEqual([0, 3, 4, 7, 8, 11]);
        for (const [w, outcome] of outcomes.entries()) {
          if (w % 4 === 1) expect(outcome).toMatchObject({ status: 'rejected', reason: boom });
          if (w % 4 === 2)
            expect(outcome).toMatchObject({ status: 'rejected', reason: expect.any(ConcurrencyError) });
          expect(await store.readStream(`visit-${w}`)).toHaveLength(kept.includes(w) ? 2 : 0);
          expect((await store.getVisit(`V${w}`)) !== undefined).toBe(kept.includes(w));
        }
        // The log has no hole where the failed writes stood: the survivors follow one another.
        expect((await store.readEvents(0, 100)).map((e) => e.index)).toEqual(
          Array.from({ length: 1 + 2 * kept.length }, (_, i) => i),
        );
      });

      it('lets exactly one of several writers with the same expected version win', async () => {
        const attempts = Array.from({ length: 5 }, () =>
          store.writeTransaction(async (tx) => {
            const fromIndex = await tx.logSize();
            await tx.appendToStream(
              'contested',
              0,
              makeEvents({ streamId: 'contested', fromIndex, count: 1 }).map((e) => ({
                ...e,
                eventId: `${e.eventId}-${Math.random()}`,
              })),
            );
          }),
        );
        const outcomes = await Promise.allSettled(attempts);
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        for (const o of outcomes)
          if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(ConcurrencyError);
        expect(await store.readStream('contested')).toHaveLength(1);
      });
    });

    describe('audit nodes and checkpoints', () => {
      it('reads nodes back in the order of the keys asked for, and refuses a missing one', async () => {
        const nodes = Array.from({ length: 40 }, (_, i) => ({
          level: i % 4,
          index: Math.floor(i / 4),
          hash: new Uint8Array(32).map((_, j) => (i * 31 + j) % 256),
        }));
        await store.writeTransaction((tx) => tx.insertNodes(nodes));
        const keys = [...nodes].reverse().map(({ level, index }) => ({ level, index }));
        const hashes = await store.readNodes(keys);
        expect(hashes.map((h) => Buffer.from(h).toString('hex'))).toEqual(
          [...nodes].reverse().map((n) => Buffer.from(n.hash).toString('hex')),
        );
        expect(await store.readNodes([])).toEqual([]);
        expect(await store.readNodes([keys[0]!, keys[0]!])).toHaveLength(2);
        const missing = store.readNodes([
          { level: 0, index: 0 },
          { level: 9, index: 0 },
        ]);
        await expect(missing).rejects.toBeInstanceOf(StoreIntegrityError);
        await expect(missing).rejects.toMatchObject({ code: 'store.node_missing' });
        await store.writeTransaction(async (tx) => {
          expect(await tx.readNodes([{ level: 3, index: 9 }])).toHaveLength(1);
        });
      });

      it('refuses to store a node twice', async () => {
        const node = { level: 0, index: 0, hash: new Uint8Array(32) };
        await store.writeTransaction((tx) => tx.insertNodes([node]));
        await expect(store.writeTransaction((tx) => tx.insertNodes([node]))).rejects.toMatchObject({
          code: 'store.duplicate',
        });
      });

      it('keeps checkpoints: the latest, and the one of an exact size', async () => {
        expect(await store.latestCheckpoint()).toBeUndefined();
        const checkpoint = (treeSize: number) => ({
          treeSize,
          rootHash: new Uint8Array(32).fill(treeSize),
          note: `example.org/log\n${treeSize}\nroot\n\n— sig\n`,
          signedAt: `2025-01-01T00:00:0${treeSize}.000Z`,
        });
        await store.writeTransaction(async (tx) => {
          await tx.insertCheckpoint(checkpoint(1));
          await tx.insertCheckpoint(checkpoint(3));
          expect((await tx.latestCheckpoint())?.treeSize).toBe(3);
        });
        await store.writeTransaction((tx) => tx.insertCheckpoint(checkpoint(2)));
        expect(await store.latestCheckpoint()).toEqual(checkpoint(3));
        expect(await store.checkpointAt(2)).toEqual(checkpoint(2));
        expect(await store.checkpointAt(4)).toBeUndefined();
        expect((await store.readCheckpoints(2, 10)).map((c) => c.treeSize)).toEqual([2, 3]);
        expect(await store.readCheckpoints(0, 1)).toEqual([checkpoint(1)]);
        await expect(
          store.writeTransaction((tx) => tx.insertCheckpoint(checkpoint(2))),
        ).rejects.toMatchObject({
          code: 'store.duplicate',
        });
      });
    });

    describe('visits', () => {
      it('upserts and gets a visit', async () => {
        const visit = makeVisit({ visitRef: 'V1', view: { a: [1, 'two', null], b: { c: 'é' } } });
        await store.writeTransaction((tx) => tx.upsertVisit(visit));
        expect(await store.getVisit('V1')).toEqual(visit);
        const moved = { ...visit, status: 'released', terminal: null, streamVersion: 4, lastIndex: 12 };
        await store.writeTransaction((tx) => tx.upsertVisit(moved));
        expect(await store.getVisit('V1')).toEqual(moved);
        expect(await store.getVisit('V2')).toBeUndefined();
      });

      it('gets several visits by reference at once, leaving out the ones that do not exist', async () => {
        const one = makeVisit({ visitRef: 'V1' });
        const two = makeVisit({ visitRef: 'V2', containerNumber: 'CSQU3054383' });
        await store.writeTransaction(async (tx) => {
          await tx.upsertVisit(one);
          await tx.upsertVisit(two);
          expect([...(await tx.getVisits(['V2'])).values()]).toEqual([two]);
        });
        const found = await store.getVisits(['V2', 'V1', 'V3', 'V1']);
        expect(found).toEqual(
          new Map([
            ['V2', two],
            ['V1', one],
          ]),
        );
        expect((await store.getVisits([])).size).toBe(0);
      });

      it('finds the active visit of a container, skipping ended ones', async () => {
        await store.writeTransaction(async (tx) => {
          await tx.upsertVisit(makeVisit({ visitRef: 'V1', status: 'gated_out', lastIndex: 1 }));
          await tx.upsertVisit(makeVisit({ visitRef: 'V2', status: 'in_yard', lastIndex: 5 }));
          await tx.upsertVisit(
            makeVisit({ visitRef: 'V3', containerNumber: 'CSQU3054383', status: 'loaded' }),
          );
          expect((await tx.findActiveVisit('MSCU1234565'))?.visitRef).toBe('V2');
        });
        expect((await store.findActiveVisit('MSCU1234565'))?.visitRef).toBe('V2');
        expect(await store.findActiveVisit('CSQU3054383')).toBeUndefined();
        expect(await store.findActiveVisit('TGHU0000000')).toBeUndefined();
      });

      it('lists visits with filters and keyset pagination on visitRef', async () => {
        await store.writeTransaction(async (tx) => {
          for (let i = 0; i < 9; i++) {
            await tx.upsertVisit(
              makeVisit({
                visitRef: `V${i}`,
                containerNumber: i % 2 ? 'MSCU1234565' : 'CSQU3054383',
                status: i < 6 ? 'in_yard' : 'announced',
                terminal: i % 3 === 0 ? 'T2' : 'T1',
              }),
            );
          }
        });
        const refs = async (query: Parameters<LedgerStore['listVisits']>[0]) =>
          (await store.listVisits(query)).map((v) => v.visitRef);
        expect(await refs({})).toEqual(['V0', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6', 'V7', 'V8']);
        expect(await refs({ containerNumber: 'MSCU1234565' })).toEqual(['V1', 'V3', 'V5', 'V7']);
        expect(await refs({ status: 'announced' })).toEqual(['V6', 'V7', 'V8']);
        expect(await refs({ terminal: 'T2' })).toEqual(['V0', 'V3', 'V6']);
        expect(await refs({ terminal: 'T1', status: 'in_yard', containerNumber: 'MSCU1234565' })).toEqual([
          'V1',
          'V5',
        ]);
        expect(await refs({ limit: 4 })).toEqual(['V0', 'V1', 'V2', 'V3']);
        expect(await refs({ limit: 4, after: 'V3' })).toEqual(['V4', 'V5', 'V6', 'V7']);
        expect(await refs({ limit: 4, after: 'V7' })).toEqual(['V8']);
        expect(await refs({ limit: 4, after: 'V8' })).toEqual([]);
        expect(await refs({ status: 'in_yard', after: 'V2', limit: 2 })).toEqual(['V3', 'V4']);
      });

      it('lists visits by descending visitRef, a page after a visit in that order (issue 14)', async () => {
        await store.writeTransaction(async (tx) => {
          for (let i = 0; i < 9; i++) {
            await tx.upsertVisit(
              makeVisit({
                visitRef: `V${i}`,
                status: i < 6 ? 'in_yard' : 'announced',
                terminal: i % 3 === 0 ? 'T2' : 'T1',
              }),
            );
          }
        });
        const refs = async (query: Parameters<LedgerStore['listVisits']>[0]) =>
          (await store.listVisits({ ...query, direction: 'desc' })).map((v) => v.visitRef);
        expect(await refs({ limit: 4 })).toEqual(['V8', 'V7', 'V6', 'V5']);
        expect(await refs({ limit: 4, after: 'V5' })).toEqual(['V4', 'V3', 'V2', 'V1']);
        expect(await refs({ limit: 4, after: 'V1' })).toEqual(['V0']);
        expect(await refs({ limit: 4, after: 'V0' })).toEqual([]);
        expect(await refs({ terminal: 'T1', status: 'in_yard' })).toEqual(['V5', 'V4', 'V2', 'V1']);
        expect(await refs({ terminal: 'T1', status: 'in_yard', after: 'V4', limit: 2 })).toEqual([
          'V2',
          'V1',
        ]);
        expect(await refs({ status: 'announced', after: 'V8' })).toEqual(['V7', 'V6']);
        expect(await refs({ terminal: 'T2' })).toEqual(['V6', 'V3', 'V0']);
      });

      it('pages in byte order of visitRef, whatever the locale', async () => {
        const visitRefs = ['b', 'B', 'a-1', 'a_1', 'A', 'a', '0'];
        await store.writeTransaction(async (tx) => {
          for (const visitRef of visitRefs) await tx.upsertVisit(makeVisit({ visitRef }));
        });
        const sorted = [...visitRefs].sort();
        expect((await store.listVisits({})).map((v) => v.visitRef)).toEqual(sorted);
        expect((await store.listVisits({ after: 'B', limit: 2 })).map((v) => v.visitRef)).toEqual([
          'a',
          'a-1',
        ]);
      });
    });

    describe('search (issue 14)', () => {
      const noKeys = {
        transportDocumentReference: null,
        carrierBookingReference: null,
        arrivalVesselCall: null,
        departureVesselCall: null,
        arrivalTruckPlate: null,
        departureTruckPlate: null,
      };
      const booking = (visitRef: string, truckPlate: string) => ({
        visitRef,
        orgId: 'org-haulier',
        driverBadgeRef: 'b1.aa',
        terminal: 'T1',
        slotId: 'T1@20300301T0900Z',
        slotStart: '2030-03-01T09:00:00.000Z',
        slotEnd: '2030-03-01T09:30:00.000Z',
        truckPlate,
        status: 'booked' as const,
        bookingVersion: 1,
        updatedAt: at(1),
      });
      const search = async (
        text: string,
        more: { containerNumber?: string; after?: string; limit?: number } = {},
      ) =>
        (
          await store.searchVisits({
            text,
            containerNumber: more.containerNumber ?? null,
            limit: more.limit ?? 50,
            ...(more.after === undefined ? {} : { after: more.after }),
          })
        ).map((hit) => `${hit.visit.visitRef}:${hit.matched.join('+')}`);

      beforeEach(async () => {
        await store.writeTransaction(async (tx) => {
          await tx.upsertVisit(
            makeVisit({
              visitRef: 'V1',
              containerNumber: 'MSCU1234565',
              searchKeys: {
                ...noKeys,
                transportDocumentReference: 'MSCUB778',
                arrivalVesselCall: 'ANNA042W',
              },
            }),
          );
          await tx.upsertVisit(
            makeVisit({
              visitRef: 'V2',
              containerNumber: 'CSQU3054383',
              searchKeys: { ...noKeys, carrierBookingReference: 'BK42', arrivalVesselCall: 'ANNA042W' },
            }),
          );
          await tx.upsertVisit(
            makeVisit({
              visitRef: 'V3',
              containerNumber: 'TGHU0000001',
              searchKeys: { ...noKeys, arrivalTruckPlate: '1ABC123', departureVesselCall: 'ANNA042W' },
            }),
          );
          await tx.upsertVisit(makeVisit({ visitRef: 'V4', containerNumber: 'MSCU1234565' }));
          await tx.upsertVisit(
            makeVisit({
              visitRef: 'V5',
              containerNumber: 'CSQU3054383',
              searchKeys: { ...noKeys, departureTruckPlate: '1ABC123' },
            }),
          );
          await tx.gate.putDriverJob(booking('V6', '1ABC123'));
          await tx.upsertVisit(makeVisit({ visitRef: 'V6', containerNumber: 'CSQU3054383' }));
          await tx.gate.putDriverJob(booking('V2', '7KLM001'));
        });
      });

      it('reads back the search keys it stored, and none for a visit without', async () => {
        expect((await store.getVisit('V1'))?.searchKeys).toEqual({
          ...noKeys,
          transportDocumentReference: 'MSCUB778',
          arrivalVesselCall: 'ANNA042W',
        });
        expect(await store.getVisit('V4')).toEqual(
          makeVisit({ visitRef: 'V4', containerNumber: 'MSCU1234565' }),
        );
        expect(Object.keys((await store.getVisit('V4'))!)).not.toContain('searchKeys');
      });

      it('finds a visit by each key, naming what matched, in reference order', async () => {
        expect(await search('MSCU1234565', { containerNumber: 'MSCU1234565' })).toEqual([
          'V1:containerNumber',
          'V4:containerNumber',
        ]);
        expect(await search('MSCUB778')).toEqual(['V1:transportDocumentReference']);
        expect(await search('BK42')).toEqual(['V2:carrierBookingReference']);
        expect(await search('ANNA042W')).toEqual(['V1:vesselCall', 'V2:vesselCall', 'V3:vesselCall']);
        // The gate-in's truck, the gate-out's and the booking's.
        expect(await search('1ABC123')).toEqual(['V3:truckPlate', 'V5:truckPlate', 'V6:truckPlate']);
        expect(await search('7KLM001')).toEqual(['V2:truckPlate']);
        expect(await search('NOTHING')).toEqual([]);
      });

      it('pages by visit reference across the keys', async () => {
        expect(await search('1ABC123', { limit: 2 })).toEqual(['V3:truckPlate', 'V5:truckPlate']);
        expect(await search('1ABC123', { limit: 2, after: 'V5' })).toEqual(['V6:truckPlate']);
        expect(await search('ANNA042W', { limit: 1, after: 'V1' })).toEqual(['V2:vesselCall']);
      });

      it('follows a key as the visit changes, and finds it inside the transaction that wrote it', async () => {
        await store.writeTransaction(async (tx) => {
          await tx.upsertVisit(makeVisit({ visitRef: 'V1', containerNumber: 'MSCU1234565' }));
          expect((await tx.searchVisits({ text: 'MSCUB778', containerNumber: null, limit: 10 })).length).toBe(
            0,
          );
        });
        expect(await search('MSCUB778')).toEqual([]);
        expect(await search('ANNA042W')).toEqual(['V2:vesselCall', 'V3:vesselCall']);
      });
    });

    describe('yard cells', () => {
      const cell = (bay: number, row: number, tier: number, block = 'A', terminal = 'T1') => ({
        terminal,
        block,
        bay,
        row,
        tier,
      });

      it('occupies, lists and vacates cells', async () => {
        await store.writeTransaction(async (tx) => {
          await tx.occupyCells([cell(1, 1, 1), cell(2, 1, 1)], 'V40'); // a 40-foot box covers two cells
          await tx.occupyCells([cell(1, 1, 2)], 'V20');
          await tx.occupyCells([cell(5, 2, 1)], 'V21');
          await tx.occupyCells([cell(1, 1, 1, 'B')], 'V22');
          await tx.occupyCells([cell(1, 1, 1, 'A', 'T2')], 'V23');
          expect(await tx.occupiedCells({ terminal: 'T1', block: 'A', row: 1, bays: [1] })).toHaveLength(2);
        });
        expect(await store.occupiedCells({ terminal: 'T1', block: 'A', row: 1, bays: [1, 2, 3] })).toEqual([
          { ...cell(1, 1, 1), visitRef: 'V40' },
          { ...cell(1, 1, 2), visitRef: 'V20' },
          { ...cell(2, 1, 1), visitRef: 'V40' },
        ]);
        expect(await store.occupiedCells({ terminal: 'T1', block: 'A', row: 1, bays: [] })).toEqual([]);
        expect(await store.terminalOccupancy({ terminal: 'T1' })).toHaveLength(5);
        expect(
          (await store.terminalOccupancy({ terminal: 'T1', block: 'B' })).map((c) => c.visitRef),
        ).toEqual(['V22']);
        expect((await store.terminalOccupancy({ terminal: 'T2' })).map((c) => c.visitRef)).toEqual(['V23']);

        await store.writeTransaction(async (tx) => {
          await tx.vacateCells([cell(1, 1, 2)]);
          await tx.vacateCells([cell(1, 1, 1), cell(2, 1, 1), cell(9, 9, 9)]);
          await tx.occupyCells([cell(1, 1, 1)], 'V20');
        });
        expect(await store.occupiedCells({ terminal: 'T1', block: 'A', row: 1, bays: [1, 2] })).toEqual([
          { ...cell(1, 1, 1), visitRef: 'V20' },
        ]);
      });

      it('refuses to put a second box in an occupied cell', async () => {
        await store.writeTransaction((tx) => tx.occupyCells([cell(1, 1, 1)], 'V1'));
        const attempt = store.writeTransaction((tx) => tx.occupyCells([cell(1, 1, 1)], 'V2'));
        await expect(attempt).rejects.toMatchObject({ code: 'store.duplicate' });
        expect((await store.terminalOccupancy({ terminal: 'T1' })).map((c) => c.visitRef)).toEqual(['V1']);
      });
    });

    describe('identity', () => {
      it('round-trips every record type, fields and bytes identical, and put replaces by key', async () => {
        const org = makeOrganisation({ orgId: 'org-a', terminals: ['T1', 'T2'] });
        const user = makeUser({ userId: 'u-1' });
        const password = makePasswordCredential({ userId: 'u-1', totpLastStep: 58_000_000 });
        const bare = makePasswordCredential({ userId: 'u-2', totpSecretSealed: null });
        const passkey = makePasskey({ credentialId: 'cred-1', lastUsedAt: at(3) });
        const session = makeSession({ idHash: hashBytes(1) });
        const link = makeEnrolmentLink({ tokenHash: hashBytes(2) });
        const token = makeApiToken({ tokenId: 'tok-1' });
        const approval = makeApproval({ requestId: 'req-1' });
        await store.writeTransaction(async (tx) => {
          await tx.identity.putOrganisation(org);
          await tx.identity.putUser(user);
          await tx.identity.putPasswordCredential(password);
          await tx.identity.putPasswordCredential(bare);
          await tx.identity.addPasskey(passkey);
          await tx.identity.putSession(session);
          await tx.identity.putEnrolmentLink(link);
          await tx.identity.putApiToken(token);
          await tx.identity.putApproval(approval);
          // The transaction reads its own identity writes.
          expect(await tx.identity.getUser('u-1')).toEqual(user);
          expect(await tx.identity.getSession(hashBytes(1))).toEqual(session);
        });
        const { identity } = store;
        expect(await identity.getOrganisation('org-a')).toEqual(org);
        expect(await identity.findOrganisationByCode('ORG-A')).toEqual(org);
        expect(await identity.getUser('u-1')).toEqual(user);
        expect(await identity.findUserByUsername('u-1')).toEqual(user);
        expect(await identity.getPasswordCredential('u-1')).toEqual(password);
        expect(await identity.getPasswordCredential('u-2')).toEqual(bare);
        expect(await identity.getPasskey('cred-1')).toEqual(passkey);
        expect(await identity.listPasskeys('u-1')).toEqual([passkey]);
        expect(await identity.getSession(hashBytes(1))).toEqual(session);
        expect(await identity.getEnrolmentLink(hashBytes(2))).toEqual(link);
        expect(await identity.getApiToken(token.tokenHash)).toEqual(token);
        expect(await identity.getApproval('req-1')).toEqual(approval);
        const bytes = (await identity.getPasskey('cred-1'))!.publicKey;
        expect(bytes).toBeInstanceOf(Uint8Array);
        expect(Buffer.from(bytes).equals(Buffer.from(passkey.publicKey))).toBe(true);

        expect(await identity.getOrganisation('org-z')).toBeUndefined();
        expect(await identity.findOrganisationByCode('ORG-Z')).toBeUndefined();
        expect(await identity.getUser('u-9')).toBeUndefined();
        expect(await identity.findUserByUsername('nobody')).toBeUndefined();
        expect(await identity.getPasswordCredential('u-9')).toBeUndefined();
        expect(await identity.getPasskey('cred-9')).toBeUndefined();
        expect(await identity.getSession(hashBytes(9))).toBeUndefined();
        expect(await identity.getEnrolmentLink(hashBytes(9))).toBeUndefined();
        expect(await identity.getApiToken(hashBytes(9))).toBeUndefined();
        expect(await identity.getApproval('req-9')).toBeUndefined();

        const renamed = { ...org, name: 'Quay Operations', terminals: [] };
        const locked = { ...user, roles: [], lockedAt: at(9), securityEpoch: 2 };
        const used = { ...passkey, counter: 3_000_000_001, lastUsedAt: at(10) };
        const seen = { ...session, lastSeenAt: at(11), stepUpAt: null };
        const revoked = { ...token, revokedAt: at(12), lastUsedAt: at(11) };
        const decided = { ...approval, status: 'approved', view: { decidedBy: 'u-3' } };
        await store.writeTransaction(async (tx) => {
          await tx.identity.putOrganisation(renamed);
          await tx.identity.putUser(locked);
          await tx.identity.recordPasskeyUse(used.credentialId, used);
          await tx.identity.putSession(seen);
          await tx.identity.putApiToken(revoked);
          await tx.identity.putApproval(decided);
          await tx.identity.putPasswordCredential({ ...bare, totpSecretSealed: hashBytes(4) });
        });
        expect(await identity.getOrganisation('org-a')).toEqual(renamed);
        expect(await identity.getUser('u-1')).toEqual(locked);
        expect(await identity.getPasskey('cred-1')).toEqual(used);
        expect(await identity.getSession(hashBytes(1))).toEqual(seen);
        expect(await identity.getApiToken(token.tokenHash)).toEqual(revoked);
        expect(await identity.getApproval('req-1')).toEqual(decided);
        expect((await identity.getPasswordCredential('u-2'))?.totpSecretSealed).toEqual(hashBytes(4));

        await store.writeTransaction(async (tx) => {
          await tx.identity.removePasskey('cred-1');
          await tx.identity.removePasskey('cred-9');
        });
        expect(await identity.getPasskey('cred-1')).toBeUndefined();
        expect(await identity.listPasskeys('u-1')).toEqual([]);
      });

      it('keeps what it stored apart from what callers do with their objects', async () => {
        const user = makeUser({ userId: 'u-1' });
        const roles = [...user.roles];
        const mutable = { ...user, roles };
        await store.writeTransaction((tx) => tx.identity.putUser(mutable));
        roles.push('admin');
        const read = await store.identity.getUser('u-1');
        (read!.roles as string[]).push('admin');
        expect(await store.identity.getUser('u-1')).toEqual(user);
      });

      it('lists organisations by code, users and API tokens by organisation, passkeys by creation', async () => {
        await store.writeTransaction(async (tx) => {
          await tx.identity.putOrganisation(makeOrganisation({ orgId: 'o1', code: 'MSCU', kind: 'line' }));
          await tx.identity.putOrganisation(makeOrganisation({ orgId: 'o2', code: 'APMT' }));
          await tx.identity.putOrganisation(makeOrganisation({ orgId: 'o3', code: 'HLCU', kind: 'line' }));
          await tx.identity.putUser(makeUser({ userId: 'u-1', username: 'zoe', orgId: 'o1' }));
          await tx.identity.putUser(makeUser({ userId: 'u-2', username: 'ana', orgId: 'o2' }));
          await tx.identity.putUser(makeUser({ userId: 'u-3', username: 'bob', orgId: 'o1' }));
          await tx.identity.putApiToken(makeApiToken({ tokenId: 't-b', orgId: 'o1', createdAt: at(2) }));
          await tx.identity.putApiToken(makeApiToken({ tokenId: 't-a', orgId: 'o1', createdAt: at(3) }));
          await tx.identity.putApiToken(makeApiToken({ tokenId: 't-cc', orgId: 'o2', createdAt: at(1) }));
          await tx.identity.addPasskey(makePasskey({ credentialId: 'k-b', createdAt: at(2) }));
          await tx.identity.addPasskey(makePasskey({ credentialId: 'k-a', createdAt: at(4) }));
          await tx.identity.addPasskey(makePasskey({ credentialId: 'k-c', userId: 'u-2' }));
        });
        const { identity } = store;
        expect((await identity.listOrganisations()).map((o) => o.code)).toEqual(['APMT', 'HLCU', 'MSCU']);
        expect((await identity.listUsers({})).map((u) => u.username)).toEqual(['ana', 'bob', 'zoe']);
        expect((await identity.listUsers({ orgId: 'o1' })).map((u) => u.username)).toEqual(['bob', 'zoe']);
        expect(await identity.listUsers({ orgId: 'o9' })).toEqual([]);
        expect((await identity.listApiTokens({})).map((t) => t.tokenId)).toEqual(['t-cc', 't-b', 't-a']);
        expect((await identity.listApiTokens({ orgId: 'o1' })).map((t) => t.tokenId)).toEqual(['t-b', 't-a']);
        expect((await identity.listPasskeys('u-1')).map((p) => p.credentialId)).toEqual(['k-b', 'k-a']);
      });

      it('refuses a second organisation code, username or API token hash with store.duplicate', async () => {
        await store.writeTransaction(async (tx) => {
          await tx.identity.putOrganisation(makeOrganisation({ orgId: 'o1', code: 'MSCU' }));
          await tx.identity.putUser(makeUser({ userId: 'u-1', username: 'zoe' }));
          await tx.identity.putApiToken(makeApiToken({ tokenId: 't-1', tokenHash: hashBytes(5) }));
        });
        const clashes = [
          (tx: LedgerWriteTx) => tx.identity.putOrganisation(makeOrganisation({ orgId: 'o2', code: 'MSCU' })),
          (tx: LedgerWriteTx) => tx.identity.putUser(makeUser({ userId: 'u-2', username: 'zoe' })),
          (tx: LedgerWriteTx) =>
            tx.identity.putApiToken(makeApiToken({ tokenId: 't-2', tokenHash: hashBytes(5) })),
        ];
        for (const clash of clashes) {
          const attempt = store.writeTransaction(async (tx) => {
            await tx.identity.putApproval(makeApproval({ requestId: 'req-1' }));
            // Caught or not, a failed write rolls the whole transaction back.
            await clash(tx).catch(() => undefined);
          });
          await expect(attempt).rejects.toBeInstanceOf(StoreIntegrityError);
          await expect(attempt).rejects.toMatchObject({ code: 'store.duplicate' });
        }
        expect(await store.identity.getOrganisation('o2')).toBeUndefined();
        expect(await store.identity.getUser('u-2')).toBeUndefined();
        expect(await store.identity.listApiTokens({})).toHaveLength(1);
        expect(await store.identity.getApproval('req-1')).toBeUndefined();
        // The same key again is a replacement, not a clash.
        await store.writeTransaction((tx) =>
          tx.identity.putUser(makeUser({ userId: 'u-1', username: 'zoe', displayName: 'Zoë' })),
        );
        expect((await store.identity.findUserByUsername('zoe'))?.displayName).toBe('Zoë');
      });

      it('accepts a TOTP step once, and no earlier step after it', async () => {
        await store.writeTransaction((tx) =>
          tx.identity.putPasswordCredential(makePasswordCredential({ userId: 'u-1', totpLastStep: 100 })),
        );
        const accept = (step: number, userId = 'u-1') =>
          store.writeTransaction((tx) => tx.identity.acceptTotpStep(userId, step));
        expect(await accept(100)).toBe(false);
        expect(await accept(99)).toBe(false);
        expect(await accept(101)).toBe(true);
        expect(await accept(101)).toBe(false);
        expect(await accept(100)).toBe(false);
        expect(await accept(103)).toBe(true);
        expect(await accept(102)).toBe(false);
        expect(await accept(200, 'u-9')).toBe(false);
        expect((await store.identity.getPasswordCredential('u-1'))?.totpLastStep).toBe(103);
        // Above 2^31: steps are 30-second counts since 1970, and a stored step is a 64-bit integer.
        expect(await accept(2 ** 33)).toBe(true);
        expect((await store.identity.getPasswordCredential('u-1'))?.totpLastStep).toBe(2 ** 33);
      });

      it('lets exactly one of 10 concurrent transactions accept the same TOTP step', async () => {
        await store.writeTransaction((tx) =>
          tx.identity.putPasswordCredential(makePasswordCredential({ userId: 'u-1', totpLastStep: 100 })),
        );
        const outcomes = await Promise.all(
          Array.from({ length: 10 }, () =>
            store.writeTransaction((tx) => tx.identity.acceptTotpStep('u-1', 101)),
          ),
        );
        expect(outcomes.filter(Boolean)).toHaveLength(1);
        expect((await store.identity.getPasswordCredential('u-1'))?.totpLastStep).toBe(101);
      });

      it('consumes an enrolment link once, and not after it expired', async () => {
        const link = makeEnrolmentLink({ tokenHash: hashBytes(1), expiresAt: at(60) });
        const late = makeEnrolmentLink({ tokenHash: hashBytes(2), expiresAt: at(60) });
        await store.writeTransaction(async (tx) => {
          await tx.identity.putEnrolmentLink(link);
          await tx.identity.putEnrolmentLink(late);
        });
        const consume = (tokenHash: Uint8Array, when: string) =>
          store.writeTransaction((tx) => tx.identity.consumeEnrolmentLink(tokenHash, when));
        expect(await consume(hashBytes(1), at(10))).toEqual({ ...link, usedAt: at(10) });
        expect(await consume(hashBytes(1), at(11))).toBeUndefined();
        expect(await store.identity.getEnrolmentLink(hashBytes(1))).toEqual({ ...link, usedAt: at(10) });
        expect(await consume(hashBytes(2), at(60))).toBeUndefined();
        expect(await consume(hashBytes(2), at(61))).toBeUndefined();
        expect((await store.identity.getEnrolmentLink(hashBytes(2)))?.usedAt).toBeNull();
        expect(await consume(hashBytes(9), at(1))).toBeUndefined();
        await store.writeTransaction((tx) =>
          tx.identity.putEnrolmentLink(makeEnrolmentLink({ tokenHash: hashBytes(3) })),
        );
        const racers = await Promise.all(Array.from({ length: 5 }, () => consume(hashBytes(3), at(1))));
        expect(racers.filter((r) => r !== undefined)).toHaveLength(1);
      });

      it('hands a challenge out once, and never when it expired', async () => {
        const live = makeChallenge({
          challengeId: 'c-1',
          userId: 'u-1',
          purpose: 'step_up',
          expiresAt: at(5),
        });
        const stale = makeChallenge({ challengeId: 'c-2', expiresAt: at(5) });
        await store.writeTransaction(async (tx) => {
          await tx.identity.putChallenge(live);
          await tx.identity.putChallenge(stale);
        });
        const take = (challengeId: string, when: string) =>
          store.writeTransaction((tx) => tx.identity.takeChallenge(challengeId, when));
        expect(await take('c-1', at(4))).toEqual(live);
        expect(await take('c-1', at(4))).toBeUndefined();
        expect(await take('c-2', at(5))).toBeUndefined();
        expect(await take('c-9', at(0))).toBeUndefined();
        await store.writeTransaction((tx) => tx.identity.putChallenge(makeChallenge({ challengeId: 'c-3' })));
        const racers = await Promise.all(Array.from({ length: 5 }, () => take('c-3', at(1))));
        expect(racers.filter((r) => r !== undefined)).toHaveLength(1);
      });

      it('revokes the live sessions of one user, and only those', async () => {
        await store.writeTransaction(async (tx) => {
          await tx.identity.putSession(makeSession({ idHash: hashBytes(1), userId: 'u-1' }));
          await tx.identity.putSession(makeSession({ idHash: hashBytes(2), userId: 'u-1' }));
          await tx.identity.putSession(
            makeSession({ idHash: hashBytes(3), userId: 'u-1', revokedAt: at(1) }),
          );
          await tx.identity.putSession(
            makeSession({ idHash: hashBytes(4), userId: 'u-1', expiresAt: at(2) }),
          );
          await tx.identity.putSession(makeSession({ idHash: hashBytes(5), userId: 'u-2' }));
        });
        await store.writeTransaction((tx) => tx.identity.revokeUserSessions('u-1', at(30)));
        const revokedAt = async (seed: number) =>
          (await store.identity.getSession(hashBytes(seed)))?.revokedAt;
        expect(await revokedAt(1)).toBe(at(30));
        expect(await revokedAt(2)).toBe(at(30));
        expect(await revokedAt(3)).toBe(at(1));
        expect(await revokedAt(4)).toBeNull();
        expect(await revokedAt(5)).toBeNull();
      });

      it('counts login failures under a key since a time, oldest first, and clears them', async () => {
        await store.writeTransaction(async (tx) => {
          for (const minute of [5, 1, 3, 3]) await tx.identity.recordLoginFailure('user:zoe', at(minute));
          await tx.identity.recordLoginFailure('ip:192.0.2.7', at(4));
        });
        expect(await store.identity.loginFailures('user:zoe', at(0))).toEqual([at(1), at(3), at(3), at(5)]);
        expect(await store.identity.loginFailures('user:zoe', at(3))).toEqual([at(3), at(3), at(5)]);
        expect(await store.identity.loginFailures('user:zoe', at(6))).toEqual([]);
        expect(await store.identity.loginFailures('user:ana', at(0))).toEqual([]);
        await store.writeTransaction((tx) => tx.identity.clearLoginFailures('user:zoe'));
        expect(await store.identity.loginFailures('user:zoe', at(0))).toEqual([]);
        expect(await store.identity.loginFailures('ip:192.0.2.7', at(0))).toEqual([at(4)]);
      });

      it('lists approvals by status and organisation, the soonest to expire first', async () => {
        await store.writeTransaction(async (tx) => {
          await tx.identity.putApproval(makeApproval({ requestId: 'r1', expiresAt: at(30) }));
          await tx.identity.putApproval(makeApproval({ requestId: 'r2', expiresAt: at(10), orgId: 'org-b' }));
          await tx.identity.putApproval(
            makeApproval({ requestId: 'r3', expiresAt: at(20), status: 'approved' }),
          );
          await tx.identity.putApproval(makeApproval({ requestId: 'r4', expiresAt: at(20) }));
        });
        const ids = async (where: { status?: string; orgId?: string }) =>
          (await store.identity.listApprovals(where)).map((a) => a.requestId);
        expect(await ids({})).toEqual(['r2', 'r3', 'r4', 'r1']);
        expect(await ids({ status: 'pending' })).toEqual(['r2', 'r4', 'r1']);
        expect(await ids({ orgId: 'org-a' })).toEqual(['r3', 'r4', 'r1']);
        expect(await ids({ status: 'pending', orgId: 'org-a' })).toEqual(['r4', 'r1']);
        expect(await ids({ status: 'rejected' })).toEqual([]);
      });

      it('pages users, API tokens and approvals by keyset, and finds one token by its id (issue 13)', async () => {
        await store.writeTransaction(async (tx) => {
          for (const [userId, username, orgId] of [
            ['u-1', 'zoe', 'o1'],
            ['u-2', 'ana', 'o2'],
            ['u-3', 'bob', 'o1'],
            ['u-4', 'cas', 'o1'],
          ] as const) {
            await tx.identity.putUser(makeUser({ userId, username, orgId }));
          }
          for (const [tokenId, orgId, minute] of [
            ['t-b', 'o1', 2],
            ['t-a', 'o1', 3],
            ['t-c', 'o1', 2],
            ['t-z', 'o2', 1],
          ] as const) {
            await tx.identity.putApiToken(makeApiToken({ tokenId, orgId, createdAt: at(minute) }));
          }
          for (const [requestId, expires, requestedBy, status] of [
            ['r1', 30, 'u-1', 'pending'],
            ['r2', 10, 'u-1', 'approved'],
            ['r3', 20, 'u-3', 'pending'],
            ['r4', 20, 'u-1', 'pending'],
            ['r5', 5, 'u-1', 'pending'],
          ] as const) {
            await tx.identity.putApproval(
              makeApproval({ requestId, expiresAt: at(expires), requestedBy, status }),
            );
          }
        });
        const { identity } = store;
        const users = async (where: Parameters<typeof identity.listUsers>[0]) =>
          (await identity.listUsers(where)).map((u) => u.username);
        expect(await users({ orgId: 'o1', limit: 2 })).toEqual(['bob', 'cas']);
        expect(await users({ orgId: 'o1', limit: 2, afterUsername: 'cas' })).toEqual(['zoe']);
        expect(await users({ limit: 1, afterUsername: 'bob' })).toEqual(['cas']);

        const tokens = async (where: Parameters<typeof identity.listApiTokens>[0]) =>
          (await identity.listApiTokens(where)).map((t) => t.tokenId);
        expect(await tokens({ orgId: 'o1', limit: 2 })).toEqual(['t-b', 't-c']);
        expect(await tokens({ orgId: 'o1', limit: 2, after: { createdAt: at(2), tokenId: 't-c' } })).toEqual([
          't-a',
        ]);
        expect(await tokens({ limit: 2, after: { createdAt: at(2), tokenId: 't-b' } })).toEqual([
          't-c',
          't-a',
        ]);
        expect(await tokens({ tokenId: 't-a' })).toEqual(['t-a']);
        expect(await tokens({ tokenId: 't-a', orgId: 'o2' })).toEqual([]);
        expect(await tokens({ tokenId: 'nope' })).toEqual([]);

        const approvals = async (where: Parameters<typeof identity.listApprovals>[0]) =>
          (await identity.listApprovals(where)).map((a) => a.requestId);
        // The inbox: pending and not yet expired, soonest first.
        expect(await approvals({ status: 'pending', expiresAfter: at(10), limit: 10 })).toEqual([
          'r3',
          'r4',
          'r1',
        ]);
        expect(await approvals({ status: 'pending', expiresAfter: at(5), limit: 1 })).toEqual(['r3']);
        // One person's requests, a page at a time.
        expect(await approvals({ orgId: 'org-a', requestedBy: 'u-1', limit: 2 })).toEqual(['r5', 'r2']);
        expect(
          await approvals({
            orgId: 'org-a',
            requestedBy: 'u-1',
            limit: 2,
            after: { expiresAt: at(10), requestId: 'r2' },
          }),
        ).toEqual(['r4', 'r1']);
        expect(await approvals({ requestedBy: 'u-3' })).toEqual(['r3']);
      });

      it('filters and sorts users, API tokens, organisations and requests either way, paging by (column, id) (issue 14)', async () => {
        await store.writeTransaction(async (tx) => {
          for (const [userId, username, displayName, roles, lockedAt, minute] of [
            ['u-1', 'zoe', 'Anna Peeters', ['gate_clerk'], null, 3],
            ['u-2', 'ana', 'Bram de Wit', ['admin'], at(9), 1],
            ['u-3', 'bob', 'Anna Peeters', ['gate_clerk', 'planner'], null, 2],
            ['u-4', 'cas', 'Cas 100%_x', ['planner'], null, 2],
          ] as const) {
            await tx.identity.putUser(
              makeUser({ userId, username, displayName, roles: [...roles], lockedAt, createdAt: at(minute) }),
            );
          }
          for (const [tokenId, label, expires, revokedAt, permissions] of [
            ['t-1', 'kiosk', 30, null, ['gate.run']],
            ['t-2', 'Kiosk', 10, at(5), ['gate.run', 'visit.read']],
            ['t-3', 'edi', 30, null, ['visit.read']],
          ] as const) {
            await tx.identity.putApiToken(
              makeApiToken({
                tokenId,
                label,
                expiresAt: at(expires),
                revokedAt,
                permissions: [...permissions],
              }),
            );
          }
          for (const [orgId, kind, name, code, minute] of [
            ['o-b', 'haulier', 'Delta Trucks', 'DLT', 2],
            ['o-a', 'forwarder', 'Anchor', 'ANC', 2],
            ['o-c', 'haulier', 'delta fwd', 'DFW', 1],
          ] as const) {
            await tx.identity.putOrganisation(
              makeOrganisation({ orgId, kind, name, code, createdAt: at(minute) }),
            );
          }
          for (const [requestId, kind, expires] of [
            ['r1', 'role.grant', 30],
            ['r2', 'passkeys.reset', 10],
            ['r3', 'role.grant', 20],
          ] as const) {
            await tx.identity.putApproval(
              makeApproval({ requestId, kind, expiresAt: at(expires), requestedBy: 'u-1' }),
            );
          }
        });
        const { identity } = store;
        const users = async (where: Parameters<typeof identity.listUsers>[0]) =>
          (await identity.listUsers(where)).map((u) => u.userId);
        expect(await users({ role: 'gate_clerk' })).toEqual(['u-3', 'u-1']);
        expect(await users({ role: 'gate' })).toEqual([]);
        expect(await users({ locked: true })).toEqual(['u-2']);
        expect(await users({ locked: false, nameContains: 'ANNA' })).toEqual(['u-3', 'u-1']);
        expect(await users({ nameContains: 'zo' })).toEqual(['u-1']);
        // A wildcard typed into the filter is the character itself.
        expect(await users({ nameContains: '0%_' })).toEqual(['u-4']);
        expect(await users({ nameContains: '%' })).toEqual(['u-4']);
        const byName = { by: 'displayName', direction: 'desc' } as const;
        expect(await users({ sort: byName })).toEqual(['u-4', 'u-2', 'u-3', 'u-1']);
        // Two people of one name: the id breaks the tie, and a page after the first goes on with the second.
        expect(await users({ sort: byName, limit: 3 })).toEqual(['u-4', 'u-2', 'u-3']);
        expect(await users({ sort: { ...byName, after: { key: 'Anna Peeters', id: 'u-3' } } })).toEqual([
          'u-1',
        ]);
        const byCreated = { by: 'createdAt', direction: 'asc' } as const;
        expect(await users({ sort: byCreated })).toEqual(['u-2', 'u-3', 'u-4', 'u-1']);
        expect(await users({ sort: { ...byCreated, after: { key: at(2), id: 'u-3' } }, limit: 1 })).toEqual([
          'u-4',
        ]);
        expect(await users({ sort: { by: 'username', direction: 'desc' }, role: 'planner' })).toEqual([
          'u-4',
          'u-3',
        ]);

        const tokens = async (where: Parameters<typeof identity.listApiTokens>[0]) =>
          (await identity.listApiTokens(where)).map((t) => t.tokenId);
        expect(await tokens({ revoked: false })).toEqual(['t-1', 't-3']);
        expect(await tokens({ revoked: true })).toEqual(['t-2']);
        expect(await tokens({ permission: 'visit.read' })).toEqual(['t-2', 't-3']);
        expect(await tokens({ permission: 'visit' })).toEqual([]);
        // Byte order: capitals first.
        expect(await tokens({ sort: { by: 'label', direction: 'asc' } })).toEqual(['t-2', 't-3', 't-1']);
        const byExpiry = { by: 'expiresAt', direction: 'desc' } as const;
        expect(await tokens({ sort: byExpiry })).toEqual(['t-3', 't-1', 't-2']);
        expect(await tokens({ sort: { ...byExpiry, after: { key: at(30), id: 't-3' } }, limit: 1 })).toEqual([
          't-1',
        ]);

        const orgs = async (where: Parameters<typeof identity.listOrganisations>[0]) =>
          (await identity.listOrganisations(where)).map((o) => o.orgId);
        expect(await orgs({ kind: 'haulier' })).toEqual(['o-c', 'o-b']);
        expect(await orgs({ nameContains: 'DELTA' })).toEqual(['o-c', 'o-b']);
        expect(await orgs({ nameContains: 'anc' })).toEqual(['o-a']);
        expect(await orgs({ sort: { by: 'name', direction: 'asc' } })).toEqual(['o-a', 'o-b', 'o-c']);
        const orgsByCreated = { by: 'createdAt', direction: 'desc' } as const;
        expect(await orgs({ sort: orgsByCreated })).toEqual(['o-b', 'o-a', 'o-c']);
        expect(
          await orgs({ sort: { ...orgsByCreated, after: { key: at(2), id: 'o-b' } }, limit: 1 }),
        ).toEqual(['o-a']);
        // The party directory, by name the other way, of some kinds, with a name filter.
        const parties = { orderBy: 'name', kinds: ['haulier', 'forwarder'] } as const;
        expect(await orgs({ ...parties, direction: 'desc', limit: 5 })).toEqual(['o-c', 'o-b', 'o-a']);
        expect(
          await orgs({ ...parties, direction: 'desc', after: { name: 'delta fwd', orgId: 'o-c' }, limit: 1 }),
        ).toEqual(['o-b']);
        expect(await orgs({ ...parties, nameContains: 'Delta', limit: 5 })).toEqual(['o-b', 'o-c']);

        const requests = async (where: Parameters<typeof identity.listApprovals>[0]) =>
          (await identity.listApprovals(where)).map((a) => a.requestId);
        expect(await requests({ requestedBy: 'u-1', kind: 'role.grant' })).toEqual(['r3', 'r1']);
        expect(await requests({ requestedBy: 'u-1', expiresAtOrBefore: at(20) })).toEqual(['r2', 'r3']);
        const byKind = { by: 'kind', direction: 'desc' } as const;
        expect(await requests({ requestedBy: 'u-1', sort: byKind })).toEqual(['r3', 'r1', 'r2']);
        expect(
          await requests({ requestedBy: 'u-1', sort: { ...byKind, after: { key: 'role.grant', id: 'r1' } } }),
        ).toEqual(['r2']);
      });

      it('pages organisations by code, parties of some kinds by (name, id), and drivers by badge (issue 13)', async () => {
        await store.writeTransaction(async (tx) => {
          for (const [orgId, kind, name, code] of [
            ['o-del', 'haulier', 'Delta', 'DLTA'],
            ['o-anc', 'forwarder', 'Anchor', 'ANCF'],
            ['o-nqt', 'terminal_operator', 'Bay Terminal', 'NQT'],
            ['o-msc', 'shipping_line', 'Lines', 'MSCU'],
            ['o-del2', 'forwarder', 'Delta', 'DLTF'],
            ['o-cus', 'customs', 'Customs', 'BECUS'],
          ] as const) {
            await tx.identity.putOrganisation(makeOrganisation({ orgId, kind, name, code }));
          }
          for (const [orgId, badgeRef] of [
            ['o-del', 'b-3'],
            ['o-del', 'b-1'],
            ['o-del', 'b-2'],
            ['o-anc', 'b-0'],
          ] as const) {
            await tx.gate.putDriver({
              orgId,
              badgeRef,
              sealed: new Uint8Array([1]),
              registeredAt: at(1),
              userId: null,
            });
          }
        });
        const { identity, gate } = store;
        const orgs = async (where: Parameters<typeof identity.listOrganisations>[0]) =>
          (await identity.listOrganisations(where)).map((o) => o.orgId);
        expect(await orgs(undefined)).toEqual(['o-anc', 'o-cus', 'o-del', 'o-del2', 'o-msc', 'o-nqt']);
        expect(await orgs({ limit: 2 })).toEqual(['o-anc', 'o-cus']);
        expect(await orgs({ after: { code: 'DLTA' }, limit: 2 })).toEqual(['o-del2', 'o-msc']);
        // Two parties of one name: the id orders them, on a page of one kind as on a page of several.
        const parties = ['forwarder', 'haulier', 'shipping_line'];
        expect(await orgs({ orderBy: 'name', kinds: parties })).toEqual([
          'o-anc',
          'o-del',
          'o-del2',
          'o-msc',
        ]);
        expect(await orgs({ orderBy: 'name', kinds: parties, limit: 2 })).toEqual(['o-anc', 'o-del']);
        expect(
          await orgs({ orderBy: 'name', kinds: parties, after: { name: 'Delta', orgId: 'o-del' }, limit: 2 }),
        ).toEqual(['o-del2', 'o-msc']);
        expect(await orgs({ orderBy: 'name', kinds: ['forwarder'], limit: 5 })).toEqual(['o-anc', 'o-del2']);
        expect(await orgs({ orderBy: 'name', kinds: [], limit: 5 })).toEqual([]);

        const drivers = async (page?: Parameters<typeof gate.listDrivers>[1]) =>
          (await gate.listDrivers('o-del', page)).map((d) => d.badgeRef);
        expect(await drivers()).toEqual(['b-1', 'b-2', 'b-3']);
        expect(await drivers({ limit: 2 })).toEqual(['b-1', 'b-2']);
        expect(await drivers({ after: { badgeRef: 'b-2' }, limit: 2 })).toEqual(['b-3']);
      });

      it('refuses a passkey credential id already stored, for the same user or another, and keeps the first', async () => {
        const first = makePasskey({ credentialId: 'cred-c', userId: 'u-1', label: 'Laptop' });
        await store.writeTransaction((tx) => tx.identity.addPasskey(first));
        // Re-pointed to another user, or the same id with a new public key (WebAuthn §7.1).
        for (const clash of [
          makePasskey({ credentialId: 'cred-c', userId: 'u-2' }),
          makePasskey({ credentialId: 'cred-c', userId: 'u-1', publicKey: hashBytes(7), label: 'Thief' }),
        ]) {
          const attempt = store.writeTransaction((tx) => tx.identity.addPasskey(clash));
          await expect(attempt).rejects.toMatchObject({ code: 'store.duplicate' });
        }
        expect(await store.identity.getPasskey('cred-c')).toEqual(first);
        expect(await store.identity.listPasskeys('u-2')).toEqual([]);
        // A use changes the counter and the time of use only.
        await store.writeTransaction((tx) =>
          tx.identity.recordPasskeyUse('cred-c', { counter: 9, lastUsedAt: at(5) }),
        );
        expect(await store.identity.getPasskey('cred-c')).toEqual({
          ...first,
          counter: 9,
          lastUsedAt: at(5),
        });
      });

      it('rolls identity writes back with the rest of the transaction when work throws', async () => {
        await store.writeTransaction(async (tx) => {
          await tx.identity.putPasswordCredential(makePasswordCredential({ userId: 'u-1', totpLastStep: 5 }));
          await tx.identity.putEnrolmentLink(makeEnrolmentLink({ tokenHash: hashBytes(1) }));
          await tx.identity.putChallenge(makeChallenge({ challengeId: 'c-1' }));
          await tx.identity.recordLoginFailure('user:zoe', at(1));
          await tx.identity.putSession(makeSession({ idHash: hashBytes(2) }));
        });
        const boom = new Error('boom');
        const attempt = store.writeTransaction(async (tx) => {
          await tx.appendToStream('visit-a', 0, makeEvents({ streamId: 'visit-a', fromIndex: 0, count: 1 }));
          await tx.identity.putOrganisation(makeOrganisation({ orgId: 'org-a' }));
          await tx.identity.putUser(makeUser({ userId: 'u-1' }));
          expect(await tx.identity.acceptTotpStep('u-1', 6)).toBe(true);
          expect(await tx.identity.consumeEnrolmentLink(hashBytes(1), at(1))).toBeDefined();
          expect(await tx.identity.takeChallenge('c-1', at(1))).toBeDefined();
          await tx.identity.addPasskey(makePasskey({ credentialId: 'cred-1' }));
          await tx.identity.revokeUserSessions('u-1', at(2));
          await tx.identity.clearLoginFailures('user:zoe');
          await tx.identity.recordLoginFailure('user:ana', at(2));
          await tx.identity.putApiToken(makeApiToken({ tokenId: 't-1' }));
          await tx.identity.putApproval(makeApproval({ requestId: 'r-1' }));
          expect(await tx.identity.getUser('u-1')).toBeDefined();
          throw boom;
        });
        await expect(attempt).rejects.toBe(boom);
        const { identity } = store;
        expect(await store.logSize()).toBe(0);
        expect(await identity.listOrganisations()).toEqual([]);
        expect(await identity.getUser('u-1')).toBeUndefined();
        expect((await identity.getPasswordCredential('u-1'))?.totpLastStep).toBe(5);
        expect((await identity.getEnrolmentLink(hashBytes(1)))?.usedAt).toBeNull();
        expect(await identity.getPasskey('cred-1')).toBeUndefined();
        expect((await identity.getSession(hashBytes(2)))?.revokedAt).toBeNull();
        expect(await identity.loginFailures('user:zoe', at(0))).toEqual([at(1)]);
        expect(await identity.loginFailures('user:ana', at(0))).toEqual([]);
        expect(await identity.listApiTokens({})).toEqual([]);
        expect(await identity.listApprovals({})).toEqual([]);
        // What was rolled back is still there to use.
        expect(await store.writeTransaction((tx) => tx.identity.takeChallenge('c-1', at(1)))).toBeDefined();
        expect(await store.writeTransaction((tx) => tx.identity.acceptTotpStep('u-1', 6))).toBe(true);
      });

      it('refuses identity reads and writes on a transaction that has ended', async () => {
        const leaked = await store.writeTransaction(async (tx) => tx);
        await expect(leaked.identity.getUser('u-1')).rejects.toThrow(/ended/);
        await expect(leaked.identity.putUser(makeUser({ userId: 'u-1' }))).rejects.toThrow(/ended/);
        await expect(leaked.identity.acceptTotpStep('u-1', 1)).rejects.toThrow(/ended/);
        expect(await store.identity.getUser('u-1')).toBeUndefined();
      });
    });

    describeReleaseContract(() => store);
    describeAlertContract(() => store);
    describeDeviceContract(() => store);
    describeEnrolmentContract(() => store);
    describeQueueCountContract(() => store);
    describeBulkContract(() => store);
    describeDetectionCursorContract(() => store);
    describeSubscriptionContract(() => store);
    describePositionViewContract(() => store);
    describeEdiInterchangeContract(() => store);
    describePartnerEventContract(() => store);

    describe('gate', () => {
      const credential = (credentialId: string, visitRef: string, issuedAt: string) => ({
        credentialId,
        visitRef,
        bookingVersion: 1,
        rightVersion: 2,
        status: 'active' as const,
        issuedAt,
        closedAt: null,
      });

      it('keeps sealed drivers per haulier, found by badge reference', async () => {
        const sealed = Uint8Array.from([1, 2, 3, 250]);
        await store.writeTransaction(async (tx) => {
          await tx.gate.putDriver({
            orgId: 'org-b',
            badgeRef: 'b1.zz',
            sealed,
            registeredAt: at(0),
            userId: null,
          });
          await tx.gate.putDriver({
            orgId: 'org-a',
            badgeRef: 'b1.yy',
            sealed,
            registeredAt: at(1),
            userId: null,
          });
          await tx.gate.putDriver({
            orgId: 'org-a',
            badgeRef: 'b1.xx',
            sealed,
            registeredAt: at(2),
            userId: null,
          });
        });
        const found = await store.gate.getDriver('org-a', 'b1.xx');
        expect(found).toEqual({
          orgId: 'org-a',
          badgeRef: 'b1.xx',
          sealed,
          registeredAt: at(2),
          userId: null,
        });
        expect(await store.gate.getDriver('org-b', 'b1.xx')).toBeUndefined();
        expect((await store.gate.listDrivers('org-a')).map((d) => d.badgeRef)).toEqual(['b1.xx', 'b1.yy']);
      });

      it("links driver records to a person's account, and finds that person's jobs by badge reference", async () => {
        const sealed = Uint8Array.from([9]);
        const driver = (orgId: string, badgeRef: string, userId: string | null) => ({
          orgId,
          badgeRef,
          sealed,
          registeredAt: at(0),
          userId,
        });
        const job = (visitRef: string, orgId: string, badgeRef: string, day: number) => ({
          visitRef,
          orgId,
          driverBadgeRef: badgeRef,
          terminal: 'T1',
          slotId: `T1@2030030${day}T0900Z`,
          slotStart: `2030-03-0${day}T09:00:00.000Z`,
          slotEnd: `2030-03-0${day}T09:30:00.000Z`,
          truckPlate: '1-ABC-123',
          status: 'booked' as const,
          bookingVersion: 1,
          updatedAt: at(day),
        });
        await store.writeTransaction(async (tx) => {
          await tx.gate.putDriver(driver('org-a', 'b1.aa', 'u-dirk'));
          await tx.gate.putDriver(driver('org-a', 'b1.ab', 'u-dirk'));
          await tx.gate.putDriver(driver('org-a', 'b1.ac', 'u-other'));
          await tx.gate.putDriver(driver('org-b', 'b1.aa', 'u-dirk'));
          await tx.gate.putDriverJob(job('V1', 'org-a', 'b1.aa', 1));
          await tx.gate.putDriverJob(job('V2', 'org-a', 'b1.ab', 3));
          await tx.gate.putDriverJob(job('V3', 'org-a', 'b1.ac', 2));
          await tx.gate.putDriverJob(job('V4', 'org-b', 'b1.aa', 2));
          // Seen inside the transaction that wrote it.
          expect((await tx.gate.driverJobs('org-a', ['b1.aa'], 10)).map((j) => j.visitRef)).toEqual(['V1']);
        });
        expect((await store.gate.driversOfUser('org-a', 'u-dirk')).map((d) => d.badgeRef)).toEqual([
          'b1.aa',
          'b1.ab',
        ]);
        expect(await store.gate.driversOfUser('org-a', 'u-nobody')).toEqual([]);
        expect((await store.gate.getDriver('org-a', 'b1.ac'))?.userId).toBe('u-other');
        expect((await store.gate.driverJobs('org-a', ['b1.aa', 'b1.ab'], 10)).map((j) => j.visitRef)).toEqual(
          ['V2', 'V1'],
        );
        expect((await store.gate.driverJobs('org-a', ['b1.aa', 'b1.ab'], 1)).map((j) => j.visitRef)).toEqual([
          'V2',
        ]);
        expect(await store.gate.driverJobs('org-a', [], 10)).toEqual([]);
        // The planner names another driver: the job moves, the first driver no longer has it.
        await store.writeTransaction((tx) =>
          tx.gate.putDriverJob({ ...job('V1', 'org-a', 'b1.ac', 1), status: 'cancelled', bookingVersion: 2 }),
        );
        expect(await store.gate.driverJobs('org-a', ['b1.aa'], 10)).toEqual([]);
        expect(await store.gate.driverJobs('org-a', ['b1.ac'], 10)).toEqual([
          job('V3', 'org-a', 'b1.ac', 2),
          { ...job('V1', 'org-a', 'b1.ac', 1), status: 'cancelled', bookingVersion: 2 },
        ]);
      });

      it('counts the bookings in force per slot, as bookings move and go', async () => {
        await store.writeTransaction(async (tx) => {
          await tx.gate.putSlotBooking({ visitRef: 'V1', slotId: 'T1@20300304T0900Z', terminal: 'T1' });
          await tx.gate.putSlotBooking({ visitRef: 'V2', slotId: 'T1@20300304T0900Z', terminal: 'T1' });
          await tx.gate.putSlotBooking({ visitRef: 'V3', slotId: 'T1@20300304T0930Z', terminal: 'T1' });
          expect((await tx.gate.slotBookingCounts(['T1@20300304T0900Z'])).get('T1@20300304T0900Z')).toBe(2);
        });
        await store.writeTransaction(async (tx) => {
          await tx.gate.putSlotBooking({ visitRef: 'V2', slotId: 'T1@20300304T0930Z', terminal: 'T1' });
          await tx.gate.removeSlotBooking('V3');
        });
        const counts = await store.gate.slotBookingCounts(['T1@20300304T0900Z', 'T1@20300304T0930Z', 'T1@X']);
        expect([...counts.entries()].sort()).toEqual([
          ['T1@20300304T0900Z', 1],
          ['T1@20300304T0930Z', 1],
        ]);
        expect((await store.gate.slotBookingCounts([])).size).toBe(0);
      });

      it('keeps credentials by id, lists the active ones of a visit, and closes them', async () => {
        await store.writeTransaction(async (tx) => {
          await tx.gate.putCredential(credential('c2', 'V1', at(2)));
          await tx.gate.putCredential(credential('c1', 'V1', at(1)));
          await tx.gate.putCredential(credential('c3', 'V2', at(3)));
        });
        expect((await store.gate.activeCredentials('V1')).map((c) => c.credentialId)).toEqual(['c1', 'c2']);
        await store.writeTransaction((tx) =>
          tx.gate.putCredential({ ...credential('c1', 'V1', at(1)), status: 'used', closedAt: at(5) }),
        );
        expect(await store.gate.getCredential('c1')).toEqual({
          ...credential('c1', 'V1', at(1)),
          status: 'used',
          closedAt: at(5),
        });
        expect((await store.gate.activeCredentials('V1')).map((c) => c.credentialId)).toEqual(['c2']);
        expect(await store.gate.getCredential('nope')).toBeUndefined();
      });

      it('rolls gate writes back with the rest of the transaction', async () => {
        const attempt = store.writeTransaction(async (tx) => {
          await tx.gate.putSlotBooking({ visitRef: 'V1', slotId: 'T1@20300304T0900Z', terminal: 'T1' });
          await tx.gate.putCredential(credential('c9', 'V1', at(1)));
          throw new Error('boom');
        });
        await expect(attempt).rejects.toThrow('boom');
        expect((await store.gate.slotBookingCounts(['T1@20300304T0900Z'])).size).toBe(0);
        expect(await store.gate.getCredential('c9')).toBeUndefined();
      });
    });

    describe('append-only at the database', () => {
      it('refuses UPDATE and DELETE on event, audit_node and checkpoint', async (context) => {
        const rawSql = fixture.rawSql;
        if (!rawSql) {
          context.skip('this adapter has no SQL');
          return;
        }
        await append(store, 'visit-a', 2);
        await store.writeTransaction(async (tx) => {
          await tx.insertNodes([{ level: 0, index: 0, hash: new Uint8Array(32) }]);
          await tx.insertCheckpoint({ treeSize: 2, rootHash: new Uint8Array(32), note: 'n', signedAt: 't' });
        });
        const before = await store.readEvents(0, 10);
        const updates: Record<(typeof appendOnlyTables)[number], string> = {
          event: "update event set type = 'x'",
          audit_node: 'update audit_node set level = 7',
          checkpoint: "update checkpoint set note = 'forged'",
        };
        for (const table of appendOnlyTables) {
          await expect(rawSql(updates[table])).rejects.toThrow(`portledger: ${table} is append-only`);
          await expect(rawSql(`delete from ${table}`)).rejects.toThrow(`portledger: ${table} is append-only`);
        }
        expect(await store.readEvents(0, 10)).toEqual(before);
        expect(await store.readNodes([{ level: 0, index: 0 }])).toHaveLength(1);
        expect((await store.latestCheckpoint())?.note).toBe('n');
      });
    });
  });
}
