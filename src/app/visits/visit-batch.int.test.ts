import { afterEach, describe, expect, it } from 'vitest';
import {
  openTestLedger,
  postgresReachable,
  type StoreKind,
  type TestLedger,
  testIds,
  testSigner,
  testTerminals,
} from '../../../test/support/ledger.js';
import { entryAuthenticatorFor } from '../../audit/index.js';
import { SimulatedClock, seededIds } from '../../demo/seed.js';
import { seededRandom } from '../../demo/seeded-random.js';
import { computeCheckDigit, newVisitReference, type YardSlot } from '../../domain/index.js';
import { createMemoryLedgerStore } from '../../store/memory-store.js';
import { AuditAppender, createLedger, withAuthenticatedStreams } from '../ledger/index.js';
import type { LedgerStore } from '../ports.js';
import {
  executeVisitBatch,
  executeVisitCommand,
  type VisitBatchStep,
  type VisitCommandInput,
  visitStreamId,
} from './index.js';

const kinds: StoreKind[] = [
  'memory',
  'sqlite',
  ...((await postgresReachable()) ? ['postgres' as const] : []),
];

const slot = (block: string, bay: number, row: number, tier = 1): YardSlot => ({
  terminal: 'T1',
  block,
  bay,
  row,
  tier,
});
const numberOf = (serial: number) => {
  const first10 = `MSCU${String(serial).padStart(6, '0')}`;
  return `${first10}${computeCheckDigit(first10)}`;
};
const ref = (n: number) => newVisitReference(new Uint8Array(13).fill(n));
const announce = (n: number, containerNumber = numberOf(n)): VisitBatchStep => ({
  visitRef: ref(n),
  command: {
    type: 'AnnounceVisit',
    visitRef: ref(n),
    containerNumber,
    line: 'MSC',
    sizeType: n % 3 === 0 ? '42G1' : '22G1',
    fullEmpty: 'full',
    arrival: { mode: 'truck' },
  } as VisitCommandInput,
});
const gateIn = (n: number, to: YardSlot): VisitBatchStep => ({
  visitRef: ref(n),
  command: { type: 'GateInContainer', slot: to, truckPlate: `1-ABC-${n}` },
});
const move = (n: number, from: YardSlot, to: YardSlot): VisitBatchStep => ({
  visitRef: ref(n),
  command: { type: 'MoveContainer', from, to, equipment: 'RTG1', operator: 'op-1' },
});
const load = (n: number): VisitBatchStep => ({
  visitRef: ref(n),
  command: { type: 'LoadContainer', vesselCall: 'VC000000001' },
});

/**
 * Three batches: boxes announced, gated in (20- and 40-foot, stacked), moved and loaded, a visit's commands within
 * one batch and across batches, and commands the domain refuses among them: a second active visit of a container, a
 * box put on a taken slot, a box taken from under another, a command on a visit that does not exist.
 */
const batches: VisitBatchStep[][] = [
  [
    announce(1),
    announce(2),
    announce(3),
    announce(4),
    announce(5, numberOf(1)), // refused: MSCU…1 is active
    gateIn(1, slot('A', 1, 1)),
    gateIn(2, slot('A', 1, 1, 2)), // on top of box 1
    gateIn(3, slot('A', 4, 2)), // 40-foot: bays 3 and 5
    gateIn(4, slot('A', 1, 1)), // refused: taken
    load(9), // refused: no such visit
  ],
  [
    gateIn(4, slot('A', 5, 2, 2)), // a 20-foot box on half of the 40-foot one: the same answer both ways
    move(1, slot('A', 1, 1), slot('B', 1, 1)), // refused: box 2 stands on it
    move(2, slot('A', 1, 1, 2), slot('B', 1, 1)),
    move(1, slot('A', 1, 1), slot('B', 1, 1, 2)),
    announce(6),
    gateIn(6, slot('A', 1, 1)),
    load(3),
    announce(7, numberOf(3)), // box 3 left: its number may come again
  ],
  [load(1), load(2), gateIn(7, slot('A', 4, 2)), load(6), load(4), announce(8)],
];

async function runOneByOne(target: TestLedger, clock: SimulatedClock) {
  const outcomes: boolean[] = [];
  for (const steps of batches) {
    clock.advance(60_000);
    await target.ledger.write(async (context) => {
      for (const step of steps) {
        try {
          await executeVisitCommand(context, testTerminals, step.visitRef, step.command);
          outcomes.push(true);
        } catch {
          outcomes.push(false);
        }
      }
    });
  }
  return outcomes;
}

async function runBatched(target: TestLedger, clock: SimulatedClock) {
  const outcomes: boolean[] = [];
  for (const steps of batches) {
    clock.advance(60_000);
    const done = await target.ledger.write((context) => executeVisitBatch(context, testTerminals, steps));
    outcomes.push(...done.map((outcome) => outcome.ok));
  }
  return outcomes;
}

async function contents(store: LedgerStore) {
  const size = await store.logSize();
  return {
    leaves: (await store.readLogRows(0, size)).map((row) => Buffer.from(row.leaf).toString()),
    visits: await store.listVisits({ limit: 1000 }),
    cells: await store.terminalOccupancy({ terminal: 'T1' }),
    root: (await store.latestCheckpoint())?.rootHash,
  };
}

describe.each(kinds)('bulk ingest of visit commands on %s (issue 13)', (kind) => {
  const opened: TestLedger[] = [];
  afterEach(async () => {
    for (const ledger of opened.splice(0)) await ledger.cleanup();
  });

  async function open(seed: string) {
    const clock = new SimulatedClock(new Date('2026-03-01T08:00:00.000Z'));
    const target = await openTestLedger(kind, { clock });
    opened.push(target);
    // The same ids in both runs: the two logs must be the same bytes.
    const ledger = createLedger({
      store: target.store,
      clock,
      ids: seededIds(seededRandom(seed)),
      log: target.ledger.log,
      checkpointIntervalMs: 0,
    });
    return { target: { ...target, ledger }, clock };
  }

  it('writes the same log, visits and yard as the commands one by one, refusing the same commands', async () => {
    const one = await open('same');
    const many = await open('same');
    const expected = await runOneByOne(one.target, one.clock);
    const outcomes = await runBatched(many.target, many.clock);
    expect(outcomes).toEqual(expected);
    // Some of each: the scenario exercises refusals and successes.
    expect(outcomes.filter((ok) => !ok).length).toBeGreaterThanOrEqual(4);
    const [a, b] = [await contents(one.target.store), await contents(many.target.store)];
    expect(b.leaves).toEqual(a.leaves);
    expect(b.visits).toEqual(a.visits);
    expect(b.cells).toEqual(a.cells);
    expect(b.root).toEqual(a.root);
    expect(b.cells.length).toBeGreaterThan(0);
  });

  it('sees, within a batch, what its earlier commands did: no stale stream, visit or cell', async () => {
    const { target, clock } = await open('within');
    clock.advance(1000);
    const outcomes = await target.ledger.write((context) =>
      executeVisitBatch(context, testTerminals, [
        announce(1),
        gateIn(1, slot('C', 1, 1)),
        move(1, slot('C', 1, 1), slot('C', 3, 1)),
        gateIn(1, slot('C', 1, 1)), // refused: already in the yard
        announce(2),
        gateIn(2, slot('C', 3, 1)), // refused: box 1 stands there now
        gateIn(2, slot('C', 1, 1)),
        load(1),
        announce(3, numberOf(1)), // box 1 left in this batch: its number may come again
      ]),
    );
    expect(outcomes.map((outcome) => outcome.ok)).toEqual([
      true,
      true,
      true,
      false,
      true,
      false,
      true,
      true,
      true,
    ]);
    expect((await target.store.getVisit(ref(1)))?.status).toBe('loaded');
    expect((await target.store.findActiveVisit(numberOf(1)))?.visitRef).toBe(ref(3));
    expect(
      (await target.store.terminalOccupancy({ terminal: 'T1' })).map((c) => [c.bay, c.visitRef]),
    ).toEqual([[1, ref(2)]]);
    expect((await target.store.readStream(visitStreamId(ref(1)))).map((e) => e.streamVersion)).toEqual([
      1, 2, 3, 4,
    ]);
  });
});

describe('bulk ingest holds the streams it reads to the writers’ MACs (issue 13)', () => {
  it('refuses a batch naming a visit whose stream holds an entry no PortLedger process wrote', async () => {
    const authenticator = entryAuthenticatorFor(testSigner);
    const clock = { now: () => new Date('2026-03-01T08:00:00.000Z') };
    const store = createMemoryLedgerStore();
    const log = { origin: testSigner.name, signer: testSigner, authenticator };
    const ledger = createLedger({ store, clock, ids: testIds, log, checkpointIntervalMs: 0 });
    await ledger.write((context) => executeVisitBatch(context, testTerminals, [announce(1)]));
    // A DBA's hand appends a gate-in to the visit's stream, without the writer's MAC.
    await store.writeTransaction((tx) =>
      new AuditAppender(tx).append({
        streamId: visitStreamId(ref(1)),
        expectedVersion: 1,
        events: [
          {
            type: 'ContainerGatedIn',
            data: { slot: slot('A', 1, 1), truckPlate: null, at: clock.now().toISOString() },
          },
        ],
        recordedAt: clock.now(),
        ids: testIds,
      }),
    );
    const guarded = createLedger({
      store: withAuthenticatedStreams(store, { authenticator, requiredFrom: 0 }),
      clock,
      ids: testIds,
      log,
      checkpointIntervalMs: 0,
    });
    await expect(
      guarded.write((context) => executeVisitBatch(context, testTerminals, [load(1)])),
    ).rejects.toMatchObject({ code: 'integrity.entry_unauthenticated' });
  });
});
