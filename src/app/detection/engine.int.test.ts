import { afterEach, describe, expect, it } from 'vitest';
import {
  openTestLedger,
  postgresReachable,
  type StoreKind,
  type TestLedger,
  testIds,
  testSigner,
} from '../../../test/support/ledger.js';
import { demoTerminal } from '../../demo/demo-port.js';
import {
  computeCheckDigit,
  DetectionCore,
  type DetectionCoreOptions,
  type YardSlot,
} from '../../domain/index.js';
import { twoInstancesOnOneSchema } from '../../store/testing/databases.js';
import { DETECTION_ALERT_RAISED } from '../alerts/index.js';
import { createLedger, type Ledger } from '../ledger/index.js';
import { ConcurrencyError, type LedgerStore } from '../ports.js';
import { announceVisit, runVisitCommand, type TerminalLayouts } from '../visits/index.js';
import { detectionEngine, logEventOf, runDetectionOnce } from './engine.js';
import { TEST_RULES } from './testing/test-rules.js';

const terminals: TerminalLayouts = new Map([[demoTerminal.terminal, demoTerminal]]);
const options: DetectionCoreOptions = { rules: TEST_RULES, dwellNormHours: 240 };
const kinds: StoreKind[] = (await postgresReachable())
  ? ['memory', 'sqlite', 'postgres']
  : ['memory', 'sqlite'];

const containerNumber = (n: number) => {
  const first10 = `MSCU${String(n).padStart(6, '0')}`;
  return `${first10}${computeCheckDigit(first10)}`;
};
const slot = (bay: number, row: number): YardSlot => ({ terminal: 'T1', block: 'A', bay, row, tier: 1 });

/** A visit gated in and moved `moves` times; each second move fires the test rule (high: a freeze). */
async function movedBox(ledger: Ledger, n: number, moves: number): Promise<string> {
  const { visit } = await announceVisit(ledger, terminals, {
    containerNumber: containerNumber(n),
    line: 'MSCU',
    sizeType: '22G1',
    fullEmpty: 'full',
    arrival: { mode: 'truck' },
  });
  const visitRef = visit.visitRef;
  await runVisitCommand(ledger, terminals, visitRef, { type: 'GateInContainer', slot: slot(1, n) });
  for (let i = 0; i < moves; i++) {
    await runVisitCommand(ledger, terminals, visitRef, {
      type: 'MoveContainer',
      from: slot(1 + 2 * i, n),
      to: slot(3 + 2 * i, n),
      equipment: 'RTG-1',
      operator: 'op',
    });
  }
  return visitRef;
}

/** Probe events: every 7th of a stream fires the counting test rule. */
async function probes(ledger: Ledger, stream: string, count: number): Promise<void> {
  await ledger.write(async (context) => {
    await context.appendAtEnd(
      `probe-${stream}`,
      Array.from({ length: count }, (_, i) => ({ type: 'Probe', data: { i } })),
    );
  });
}

/** The alerts the engine recorded, as (rule, subject, evidence), in log order. */
async function recordedAlerts(ledger: Ledger) {
  const events = await ledger.store.readStream('alerts');
  return events
    .filter((e) => e.type === DETECTION_ALERT_RAISED)
    .map((e) => [e.data.rule, e.data.subjectId, e.data.evidence]);
}

/** What a core run once over the whole log, uninterrupted, raises. */
async function expectedAlerts(ledger: Ledger) {
  const core = new DetectionCore(options);
  const events = await ledger.store.readEvents(0, 1_000_000);
  return events.flatMap((e) => core.apply(logEventOf(e))).map((a) => [a.rule, a.subject.id, a.evidence]);
}

/** The ledger, but every write fails after its work ran (a crash before the commit). */
const crashing = (ledger: Ledger): Ledger => ({
  ...ledger,
  write: (work) =>
    ledger.write(async (context) => {
      await work(context);
      throw new Error('crash before commit');
    }),
});

describe.each(kinds)('detection engine on %s', (kind) => {
  let test: TestLedger;
  afterEach(async () => {
    await test?.cleanup();
  });

  it('learns history without alerting on it (--learn), then alerts on what comes after', async () => {
    test = await openTestLedger(kind);
    const { ledger } = test;
    const oldRef = await movedBox(ledger, 1, 2);
    const learned = await runDetectionOnce({ ledger, engine: detectionEngine(options), learnOnly: true });
    expect(learned).toMatchObject({ applied: 4, alertIds: [], frozen: [] });
    expect(await recordedAlerts(ledger)).toEqual([]);
    expect((await ledger.store.getVisit(oldRef))?.view.frozen ?? null).toBeNull();
    // A new engine goes on from the stored place: the history stays learned, what follows is judged.
    const newRef = await movedBox(ledger, 2, 2);
    const judged = await runDetectionOnce({ ledger, engine: detectionEngine(options) });
    expect(judged.frozen).toEqual([newRef]);
    expect((await recordedAlerts(ledger)).map(([, subject]) => subject)).toEqual([newRef]);
  });

  it('records each alert as an event and a row, marks and freezes the box, and moves its place on', async () => {
    test = await openTestLedger(kind);
    const { ledger, store } = test;
    const frozenRef = await movedBox(ledger, 1, 2);
    const calmRef = await movedBox(ledger, 2, 1);
    const engine = detectionEngine(options);
    const first = await runDetectionOnce({ ledger, engine });
    expect(first.applied).toBe(7);
    expect(first.frozen).toEqual([frozenRef]);
    expect(first.alertIds).toHaveLength(1);
    const row = await store.getAlertRecord(first.alertIds[0]!);
    expect(row).toMatchObject({
      rule: 'yard.correction_unexplained',
      severity: 'high',
      subjectKind: 'visit',
      subjectId: frozenRef,
      terminal: 'T1',
      status: 'open',
    });
    // Evidence: the alert event, then the two moves.
    expect(row?.evidence.map((e) => e.index)).toEqual([first.alertIds[0], 2, 3]);
    const frozen = await store.getVisit(frozenRef);
    expect(frozen?.view.frozen).toMatchObject({ by: 'detection-engine', alertId: String(first.alertIds[0]) });
    expect((await store.getVisit(calmRef))?.view.frozen).toBeNull();
    expect((await store.visitMapFlags([frozenRef])).get(frozenRef)).toMatchObject({ openAlerts: 1 });
    const cursor = await store.detection.getDetectionCursor('detection');
    expect(cursor?.position).toBe(7);

    // The next run reads what was appended since (its own alert and freeze included), and raises nothing new.
    const second = await runDetectionOnce({ ledger, engine });
    expect(second).toMatchObject({ applied: 2, position: 9, alertIds: [] });
    expect(await runDetectionOnce({ ledger, engine })).toMatchObject({ applied: 0, position: 9 });

    // A restarted engine goes on from the stored place.
    await movedBox(ledger, 3, 2);
    const restarted = detectionEngine(options);
    const third = await runDetectionOnce({ ledger, engine: restarted });
    expect(third.applied).toBe(4);
    expect(third.alertIds).toHaveLength(1);
    expect(await recordedAlerts(ledger)).toEqual(await expectedAlerts(ledger));
  });

  it('redoes a batch whose write failed, from the stored place: every alert once', async () => {
    test = await openTestLedger(kind);
    const { ledger } = test;
    await probes(ledger, 'a', 20);
    await movedBox(ledger, 4, 2);
    const engine = detectionEngine(options);
    // Small batches, each first crashing, then redone.
    for (;;) {
      await expect(runDetectionOnce({ ledger: crashing(ledger), engine, batch: 6 })).rejects.toThrow(/crash/);
      const run = await runDetectionOnce({ ledger, engine, batch: 6 });
      if (run.applied === 0) break;
      await probes(ledger, 'b', 3);
      if (run.position > 60) break;
    }
    while ((await runDetectionOnce({ ledger, engine, batch: 6 })).applied > 0) {}
    const recorded = await recordedAlerts(ledger);
    expect(recorded.length).toBeGreaterThan(3);
    expect(recorded).toEqual(await expectedAlerts(ledger));
  });

  it('lets only one of two engines move on from the same place', async () => {
    test = await openTestLedger(kind);
    const { ledger, store } = test;
    await probes(ledger, 'a', 14);
    const one = detectionEngine(options);
    const two = detectionEngine(options);
    // Both found nothing stored (as two processes starting at once would); the first to commit wins, the other
    // writes nothing.
    two.core = new DetectionCore(options);
    await runDetectionOnce({ ledger, engine: one, batch: 5 });
    await expect(runDetectionOnce({ ledger, engine: two, batch: 5 })).rejects.toThrow(ConcurrencyError);
    expect((await store.detection.getDetectionCursor('detection'))?.position).toBe(5);
    // Both go on from the stored place: the loser reloads, the winner is then behind and must reload too.
    await runDetectionOnce({ ledger, engine: two, batch: 5 });
    await expect(runDetectionOnce({ ledger, engine: one, batch: 5 })).rejects.toThrow(ConcurrencyError);
    while ((await runDetectionOnce({ ledger, engine: one })).applied > 0) {}
    expect(await recordedAlerts(ledger)).toEqual(await expectedAlerts(ledger));
    expect(await recordedAlerts(ledger)).toHaveLength(2);
  });
});

if (kinds.includes('postgres')) {
  describe('two detection engines on one PostgreSQL database, both running', () => {
    const stores = twoInstancesOnOneSchema('detect2');

    it('record every alert once between them, whoever commits each batch', async () => {
      const ledgerOf = (store: LedgerStore) =>
        createLedger({
          store,
          clock: { now: () => new Date() },
          ids: testIds,
          log: { origin: testSigner.name, signer: testSigner },
          checkpointIntervalMs: 0,
        });
      const a = ledgerOf(stores.a);
      const b = ledgerOf(stores.b);
      // No leader: both run at once, as two servers would for a moment while a role changes hands.
      const engines = [detectionEngine(options), detectionEngine(options)];
      let conflicts = 0;
      const race = async (ledger: Ledger, engine: (typeof engines)[number]) => {
        for (let idle = 0; idle < 3; ) {
          try {
            const run = await runDetectionOnce({ ledger, engine, batch: 9 });
            idle = run.applied === 0 ? idle + 1 : 0;
          } catch (error) {
            if (!(error instanceof ConcurrencyError)) throw error;
            conflicts += 1;
          }
        }
      };
      const writing = (async () => {
        for (let round = 0; round < 12; round++) await probes(round % 2 ? a : b, `r${round % 3}`, 10);
      })();
      await Promise.all([writing, race(a, engines[0]!), race(b, engines[1]!)]);
      await race(a, engines[0]!);
      await race(b, engines[1]!);
      const recorded = await recordedAlerts(a);
      expect(recorded.length).toBeGreaterThanOrEqual(15);
      expect(recorded).toEqual(await expectedAlerts(a));
      expect(conflicts).toBeGreaterThan(0);
      await a.close();
      await b.close();
    });
  });
}
