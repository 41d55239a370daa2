/**
 * A small detection engine process for `test/e2e/detection-kill.test.ts` (issue 15): the real engine, store and
 * ledger of `openSystem`, but the test-only rules (`TEST_RULES`), never the product registry. The test kills it
 * with SIGKILL at random moments and starts it again.
 *
 * Usage:
 *   node detection-worker.js run DB_URL BATCH      run batch after batch until caught up; prints the result as JSON
 *   node detection-worker.js port DB_URL N          announce N boxes, gate each in and move it once or twice
 *   node detection-worker.js probes DB_URL N        append N probe events in 10 streams (the counting rule's input)
 *   node detection-worker.js position DB_URL        the engine's stored place and the log's size, as JSON
 *   node detection-worker.js expected DB_URL        what one uninterrupted core raises over the whole log, as JSON
 */
import { DETECTION_ALERT_RAISED } from '../../app/alerts/index.js';
import { detectionEngine, logEventOf, runDetectionOnce } from '../../app/detection/index.js';
import { TEST_RULES } from '../../app/detection/testing/test-rules.js';
import { announceVisit, runVisitCommand } from '../../app/visits/index.js';
import {
  computeCheckDigit,
  DetectionCore,
  type DetectionCoreOptions,
  type YardSlot,
} from '../../domain/index.js';
import { openSystem } from '../system.js';

/** Every move fires (a freeze each); every 7th probe of a stream fires. */
export const KILL_TEST_OPTIONS: DetectionCoreOptions = {
  rules: TEST_RULES,
  settings: {
    'yard.correction_unexplained': { severity: 'high', moves: 1 },
    'lookup.bulk': { severity: 'medium', every: 7 },
  },
  dwellNormHours: 240,
};

const [mode, databaseUrl, countText] = process.argv.slice(2);
if (!mode || !databaseUrl) {
  console.error('usage: detection-worker run|probes|expected DB_URL [N]');
  process.exit(2);
}
const system = await openSystem({ databaseUrl });
try {
  if (mode === 'port') {
    const { ledger, terminals } = system;
    const terminal = [...terminals.keys()][0]!;
    const blocks = terminals.get(terminal)!.blocks;
    for (let n = 0; n < Number(countText); n++) {
      const first10 = `KILU${String(n).padStart(6, '0')}`;
      const { visit } = await announceVisit(ledger, terminals, {
        containerNumber: `${first10}${computeCheckDigit(first10)}`,
        line: 'KILU',
        sizeType: '22G1',
        fullEmpty: 'full',
        arrival: { mode: 'truck' },
      });
      // Each box has three bays of its own (it moves at most two bays on): 13 to a row, 8 rows to a block.
      const block = blocks[Math.floor(n / 104)]!.id;
      const row = 1 + (n % 8);
      const bay = 1 + 6 * Math.floor((n % 104) / 8);
      const slot = (at: number): YardSlot => ({ terminal, block, bay: at, row, tier: 1 });
      await runVisitCommand(ledger, terminals, visit.visitRef, { type: 'GateInContainer', slot: slot(bay) });
      for (let move = 0; move < 1 + (n % 2); move++) {
        await runVisitCommand(ledger, terminals, visit.visitRef, {
          type: 'MoveContainer',
          from: slot(bay + 2 * move),
          to: slot(bay + 2 * move + 2),
          equipment: 'RTG-1',
          operator: 'op',
        });
      }
    }
  } else if (mode === 'probes') {
    const count = Number(countText);
    for (let done = 0; done < count; done += 100) {
      await system.ledger.write(async (context) => {
        for (let i = done; i < Math.min(done + 100, count); i++) {
          await context.appendAtEnd(`probe-${i % 10}`, [{ type: 'Probe', data: { i } }]);
        }
      });
    }
  } else if (mode === 'run') {
    const engine = detectionEngine(KILL_TEST_OPTIONS);
    let alerts = 0;
    for (;;) {
      const result = await runDetectionOnce({
        ledger: system.ledger,
        engine,
        batch: Number(countText ?? 100),
      });
      alerts += result.alertIds.length;
      // Said after each commit, so that the test can kill it in the middle of the stream, not before it began.
      if (result.applied > 0) process.stdout.write(`committed ${result.position}\n`);
      if (result.applied === 0) {
        process.stdout.write(`caught up ${JSON.stringify({ position: result.position, alerts })}\n`);
        break;
      }
    }
  } else if (mode === 'position') {
    const cursor = await system.store.detection.getDetectionCursor('detection');
    const size = await system.store.logSize();
    process.stdout.write(`${JSON.stringify({ position: cursor?.position ?? 0, size })}\n`);
  } else if (mode === 'expected') {
    const core = new DetectionCore(KILL_TEST_OPTIONS);
    const expected: unknown[] = [];
    const recorded: unknown[] = [];
    const freezes: Record<string, number> = {};
    const size = await system.store.logSize();
    for (let from = 0; from < size; from += 5000) {
      for (const event of await system.store.readEvents(from, 5000)) {
        for (const alert of core.apply(logEventOf(event))) {
          expected.push([alert.rule, alert.subject.id, alert.evidence]);
        }
        if (event.streamId === 'alerts' && event.type === DETECTION_ALERT_RAISED) {
          recorded.push([event.data.rule, event.data.subjectId, event.data.evidence]);
        }
        if (event.type === 'VisitFrozen' && event.data.by === 'detection-engine') {
          const visitRef = String(event.data.visitRef);
          freezes[visitRef] = (freezes[visitRef] ?? 0) + 1;
        }
      }
    }
    process.stdout.write(`${JSON.stringify({ size, expected, recorded, freezes })}\n`);
  }
} finally {
  await system.close();
}
