import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { testIds, testSigner } from '../../../test/support/ledger.js';
import { DETECTION_RULE_SET } from '../../domain/index.js';
import { openLedgerStore } from '../../store/open-store.js';
import { PositionViewRecorder } from '../alerts/index.js';
import { createLedger } from '../ledger/index.js';
import { detectionEngine, runDetectionOnce } from './index.js';

/**
 * `lookup.bulk` fires across a restart (issue 15): the in-process window it replaces forgot what a person was shown
 * when the server stopped, so three boxes before a restart and three after raised nothing. Now the views are events
 * of the log and the rule's window is in the engine's snapshot, stored with its place: they add up.
 */
describe('lookup.bulk across a restart (SQLite file)', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  /** One server's life on the file: views noted as reads would note them, written, and the engine caught up. */
  async function serverLife(file: string, start: Date, visitRefs: readonly string[]) {
    const store = await openLedgerStore(`sqlite:${file}`);
    let now = start.getTime();
    const ledger = createLedger({
      store,
      clock: { now: () => new Date(now) },
      ids: testIds,
      log: { origin: testSigner.name, signer: testSigner },
      checkpointIntervalMs: 0,
    });
    const views = new PositionViewRecorder({
      ledger,
      intervalMs: 5000,
      onError: (error) => {
        throw error;
      },
    });
    for (const visitRef of visitRefs) {
      views.note(
        { userId: 'u-thief', orgId: 'org-t1', ip: '198.51.100.7' },
        { route: 'visit', visitRefs: [visitRef] },
      );
      // One read a minute: each its own batch.
      await views.flush();
      now += 60_000;
    }
    const engine = detectionEngine({
      rules: DETECTION_RULE_SET,
      settings: { 'lookup.bulk': { severity: 'high', limit: 4, windowMinutes: 10 } },
      dwellNormHours: 240,
    });
    const alertIds: number[] = [];
    for (;;) {
      const run = await runDetectionOnce({ ledger, engine });
      alertIds.push(...run.alertIds);
      if (run.applied === 0) break;
    }
    await views.close();
    await ledger.close();
    await store.close();
    return alertIds;
  }

  it('counts the views before a restart with those after it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portledger-restart-'));
    dirs.push(dir);
    const file = join(dir, 'port.db');
    const start = new Date('2026-12-06T08:00:00.000Z');
    expect(await serverLife(file, start, ['V-1', 'V-2', 'V-3'])).toEqual([]);
    // Restarted two minutes later: two more boxes take the person past four within ten minutes.
    const after = await serverLife(file, new Date(start.getTime() + 5 * 60_000), ['V-4', 'V-5']);
    expect(after).toHaveLength(1);

    const store = await openLedgerStore(`sqlite:${file}`);
    try {
      const alert = await store.getAlertRecord(after[0]!);
      expect(alert).toMatchObject({ rule: 'lookup.bulk', subjectKind: 'user', subjectId: 'u-thief' });
      // Its evidence names views from both lives of the server.
      const events = await Promise.all(
        alert!.evidence
          .map((item) => item.index)
          .filter((index): index is number => index !== null)
          .map(async (index) => (await store.readEvents(index, 1))[0]!),
      );
      const shown = events
        .filter((event) => event.type === 'PositionsViewed')
        .flatMap((e) => e.data.visitRefs);
      expect(shown).toEqual(['V-1', 'V-2', 'V-3', 'V-4', 'V-5']);
    } finally {
      await store.close();
    }
  });
});
