import { afterEach, describe, expect, it } from 'vitest';
import {
  openTestLedger,
  postgresReachable,
  type StoreKind,
  type TestLedger,
  testTerminals,
  testVerifierKey,
} from '../../../test/support/ledger.js';
import {
  leafHash,
  openCheckpoint,
  rootOfLeafHashes,
  verifyConsistency,
  verifyInclusion,
} from '../../audit/index.js';
import { SimulatedClock, seededIds, seedVesselCall } from '../../demo/seed.js';
import { seededRandom } from '../../demo/seeded-random.js';
import { cellsOf, computeCheckDigit, type DomainError, slotOf, type YardSlot } from '../../domain/index.js';
import { consistencyProof, inclusionProof } from '../audit/index.js';
import type { AppError } from '../errors.js';
import type { LedgerReads } from '../ports.js';
import {
  announceVisit,
  executeVisitCommand,
  foldVisit,
  gateAttemptStreamId,
  runVisitCommand,
  visitStreamId,
} from '../visits/index.js';
import { rootAt } from './audit-log.js';
import { createLedger } from './ledger.js';

const containerNumber = (owner: string, serial: number) => {
  const first10 = `${owner}${String(serial).padStart(6, '0')}`;
  return `${first10}${computeCheckDigit(first10)}`;
};

const kinds: StoreKind[] = ['memory', 'sqlite', 'postgres'];
const pgUp = await postgresReachable();

const slot = (block: string, bay: number, row: number, tier: number): YardSlot => ({
  terminal: 'T1',
  block,
  bay,
  row,
  tier,
});

async function expectCode(promise: Promise<unknown>, code: string) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `expected ${code}`).toBeInstanceOf(Error);
  expect((error as DomainError | AppError).code).toBe(code);
}

/** Every property the audit log promises, checked from what the store holds. */
async function expectLogIntact(reads: LedgerReads) {
  const size = await reads.logSize();
  const events = await reads.readEvents(0, size + 10);
  expect(events.map((e) => e.index)).toEqual(Array.from({ length: size }, (_, i) => i));
  const leaves = events.map((e) => leafHash(e.leaf));
  expect(await rootAt(reads, size)).toEqual(rootOfLeafHashes(leaves));
  const checkpoint = await reads.latestCheckpoint();
  expect(checkpoint?.treeSize).toBe(size);
  const opened = openCheckpoint(checkpoint!.note, testVerifierKey);
  expect(opened.ok).toBe(true);
  if (!opened.ok) return;
  expect(opened.rootHash).toEqual(rootOfLeafHashes(leaves));
  for (const index of [0, Math.floor(size / 3), size - 1]) {
    const proof = await inclusionProof(reads, { index });
    expect(
      verifyInclusion({
        leafIndex: BigInt(index),
        treeSize: BigInt(size),
        leafHash: leaves[index]!,
        proof: [...proof.proof],
        rootHash: opened.rootHash,
      }),
    ).toEqual({ ok: true });
  }
}

describe.each(kinds)('ledger on %s', (kind) => {
  const skip = kind === 'postgres' && !pgUp;
  let fixture: TestLedger | undefined;
  afterEach(async () => {
    await fixture?.cleanup();
    fixture = undefined;
  });

  it.skipIf(skip)('keeps leaves in commit order, gap-free, under concurrent writers', async () => {
    fixture = await openTestLedger(kind);
    const { ledger } = fixture;
    const announced = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        announceVisit(ledger, testTerminals, {
          containerNumber: containerNumber(['CSQU', 'MSKU', 'TGHU'][i % 3]!, 100000 + i),
          line: 'MAEU',
          sizeType: '22G1',
          fullEmpty: 'full',
          arrival: { mode: 'truck' },
        }).catch((error: unknown) => error),
      ),
    );
    const accepted = announced.filter((r) => !(r instanceof Error));
    expect(accepted).toHaveLength(24);
    await Promise.all(
      accepted.map((r, i) =>
        runVisitCommand(ledger, testTerminals, (r as { visit: { visitRef: string } }).visit.visitRef, {
          type: 'GateInContainer',
          slot: slot('B', 1 + 2 * (i % 10), 1 + Math.floor(i / 10), 1),
        }),
      ),
    );
    await ledger.checkpoint();
    await expectLogIntact(fixture.store);
  });

  it.skipIf(skip)(
    'runs a visit end to end and enforces the yard rules without writing refused commands',
    async () => {
      fixture = await openTestLedger(kind);
      const { ledger, store } = fixture;
      const announce = (containerNumber: string, sizeType = '22G1') =>
        announceVisit(ledger, testTerminals, {
          containerNumber,
          line: 'MSCU',
          sizeType,
          fullEmpty: 'full',
          arrival: { mode: 'vessel', vesselCall: 'VC1' },
        });
      const a = (await announce('csqu 305438 3')).visit.visitRef;
      const b = (await announce('MSKU1234565')).visit.visitRef;
      expect((await store.getVisit(a))?.containerNumber).toBe('CSQU3054383');
      await expectCode(announce('CSQU3054383'), 'visit.container_active');
      await expectCode(announce('CSQU3054384'), 'container.check_digit');

      await runVisitCommand(ledger, testTerminals, a, {
        type: 'DischargeContainer',
        vesselCall: 'VC1',
        slot: slot('A', 3, 2, 1),
      });
      const size = await store.logSize();
      await expectCode(
        runVisitCommand(ledger, testTerminals, b, {
          type: 'DischargeContainer',
          vesselCall: 'VC1',
          slot: slot('A', 3, 2, 1),
        }),
        'yard.slot_occupied',
      );
      await expectCode(
        runVisitCommand(ledger, testTerminals, b, {
          type: 'DischargeContainer',
          vesselCall: 'VC1',
          slot: slot('A', 5, 2, 2),
        }),
        'yard.no_support',
      );
      await expectCode(
        runVisitCommand(ledger, testTerminals, b, {
          type: 'DischargeContainer',
          vesselCall: 'VC1',
          slot: slot('ZZ', 5, 2, 1),
        }),
        'yard.slot_unknown',
      );
      expect(await store.logSize()).toBe(size);

      await runVisitCommand(ledger, testTerminals, b, {
        type: 'DischargeContainer',
        vesselCall: 'VC1',
        slot: slot('A', 3, 2, 2),
      });
      await expectCode(
        runVisitCommand(ledger, testTerminals, a, {
          type: 'MoveContainer',
          from: slot('A', 3, 2, 1),
          to: slot('A', 7, 2, 1),
          equipment: 'RTG1',
          operator: 'op-1',
        }),
        'yard.box_blocked',
      );
      await runVisitCommand(ledger, testTerminals, b, {
        type: 'PlaceHold',
        holdId: 'h1',
        kind: 'customs',
        reason: 'selected for scan',
        reference: 'DEC-1',
        by: 'u-officer',
      });
      // The gate's accepted verdict, recorded in the gate-out's own transaction: the one way a box leaves by truck
      // (issue 10). A refused gate-out rolls the verdict back with it.
      const gateOut = (attemptId: string, truckPlate?: string) =>
        ledger.write(async (context) => {
          await context.append(gateAttemptStreamId(attemptId), 0, [
            { type: 'GateAttemptAccepted', data: { attemptId, visitRef: b } },
          ]);
          return executeVisitCommand(context, testTerminals, b, {
            type: 'GateOutContainer',
            gateAttemptId: attemptId,
            ...(truckPlate ? { truckPlate } : {}),
          });
        });
      await expectCode(
        runVisitCommand(ledger, testTerminals, b, { type: 'GateOutContainer', gateAttemptId: 'no-such' }),
        'visit.gate_out_needs_verdict',
      );
      await expectCode(gateOut('held'), 'visit.on_hold');
      await runVisitCommand(ledger, testTerminals, b, {
        type: 'LiftHold',
        holdId: 'h1',
        reason: 'scan clear',
        by: 'u-officer',
      });
      await gateOut('clear', '1-ABC-123');
      expect((await store.getVisit(b))?.status).toBe('gated_out');
      expect(await store.occupiedCells({ terminal: 'T1', block: 'A', row: 2, bays: [3] })).toEqual([
        { terminal: 'T1', block: 'A', bay: 3, row: 2, tier: 1, visitRef: a },
      ]);

      // A new visit of the gated-out box is allowed; its reference differs.
      const again = await announce('MSKU1234565');
      expect(again.visit.visitRef).not.toBe(b);
      await ledger.checkpoint();
      await expectLogIntact(store);
    },
  );

  it.skipIf(skip)('voids a move with a new event, and the box stands where it stood before', async () => {
    fixture = await openTestLedger(kind);
    const { ledger, store } = fixture;
    const ref = (
      await announceVisit(ledger, testTerminals, {
        containerNumber: 'CSQU3054383',
        line: 'MSCU',
        sizeType: '45G1',
        fullEmpty: 'full',
        arrival: { mode: 'truck' },
      })
    ).visit.visitRef;
    await runVisitCommand(ledger, testTerminals, ref, { type: 'GateInContainer', slot: slot('C', 4, 1, 1) });
    await runVisitCommand(ledger, testTerminals, ref, {
      type: 'MoveContainer',
      from: slot('C', 4, 1, 1),
      to: slot('D', 10, 3, 1),
      equipment: 'RTG7',
      operator: 'op-9',
    });
    await runVisitCommand(ledger, testTerminals, ref, {
      type: 'VoidEvent',
      voidedVersion: 3,
      reason: 'recorded on the wrong box',
    });
    const events = await store.readStream(visitStreamId(ref));
    expect(events.map((e) => e.type)).toEqual([
      'VisitAnnounced',
      'ContainerGatedIn',
      'ContainerMoved',
      'EventVoided',
    ]);
    expect((await store.getVisit(ref))?.view).toMatchObject({ slot: slot('C', 4, 1, 1) });
    expect(await store.terminalOccupancy({ terminal: 'T1', block: 'D' })).toEqual([]);
    expect((await store.terminalOccupancy({ terminal: 'T1', block: 'C' })).map((c) => c.bay).sort()).toEqual([
      3, 5,
    ]);
  });

  it.skipIf(skip)(
    'derives slot occupancy from the events: replaying every visit gives the stored occupancy',
    async () => {
      fixture = await openTestLedger(kind);
      const random = seededRandom(`replay-${kind}`);
      const clock = new SimulatedClock(new Date('2026-02-01T00:00:00Z'));
      const ledger = createLedger({
        store: fixture.store,
        clock,
        ids: seededIds(random),
        log: fixture.ledger.log,
        checkpointIntervalMs: 0,
      });
      const summary = await seedVesselCall({
        ledger,
        clock,
        random,
        terminals: testTerminals,
        terminal: 'T1',
        containers: 300,
      });
      expect(summary.discharged + summary.gatedIn).toBeGreaterThan(250);
      expect(summary.loaded).toBeGreaterThan(0);
      const visits = await fixture.store.listVisits({ limit: 10_000 });
      const replayed = [];
      for (const visit of visits) {
        const state = foldVisit(await fixture.store.readStream(visitStreamId(visit.visitRef)));
        const where = slotOf(state);
        if (where) {
          for (const cell of cellsOf(where, state.visit!.lengthFt))
            replayed.push({ ...cell, visitRef: visit.visitRef });
        }
        expect(visit.status).toBe(state.visit!.status);
      }
      const key = (c: { block: string; bay: number; row: number; tier: number }) =>
        `${c.block}/${c.bay}/${c.row}/${c.tier}`;
      const stored = await fixture.store.terminalOccupancy({ terminal: 'T1' });
      expect(stored.map(key).sort()).toEqual(replayed.map(key).sort());
      await expectLogIntact(fixture.store);
    },
  );

  it.skipIf(skip)(
    'signs checkpoints per batch when quiet, at most once per interval under load, and all are consistent',
    async () => {
      let now = Date.parse('2026-04-01T00:00:00Z');
      fixture = await openTestLedger(kind, {
        clock: { now: () => new Date(now) },
        checkpointIntervalMs: 1000,
      });
      const { ledger, store } = fixture;
      let serial = 0;
      const write = () =>
        announceVisit(ledger, testTerminals, {
          containerNumber: containerNumber('MSKU', ++serial),
          line: 'MAEU',
          sizeType: '22G1',
          fullEmpty: 'empty',
          arrival: { mode: 'truck' },
        });
      await write();
      const first = await store.latestCheckpoint();
      await write();
      await write();
      // Within the interval: no new checkpoint yet.
      expect((await store.latestCheckpoint())?.treeSize).toBe(first?.treeSize);
      now += 1500;
      await write();
      const later = await store.latestCheckpoint();
      expect(later!.treeSize).toBe(await store.logSize());
      const proof = await consistencyProof(store, { from: first!.treeSize, to: later!.treeSize });
      const a = openCheckpoint(first!.note, testVerifierKey);
      const b = openCheckpoint(later!.note, testVerifierKey);
      if (!a.ok || !b.ok) throw new Error('checkpoints must open');
      expect(
        verifyConsistency({
          size1: a.treeSize,
          size2: b.treeSize,
          root1: a.rootHash,
          root2: b.rootHash,
          proof: [...proof.proof],
        }),
      ).toEqual({ ok: true });
    },
  );
});
