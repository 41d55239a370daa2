import { afterEach, describe, expect, it } from 'vitest';
import { openTestLedger, type TestLedger, testVerifierKey } from '../../../test/support/ledger.js';
import { buildServer } from '../../http/server.js';
import type { Ledger } from '../ledger/index.js';
import { detectionEngine } from './engine.js';
import { type DetectionLoop, startDetectionLoop } from './loop.js';
import { TEST_RULES } from './testing/test-rules.js';

const options = { rules: TEST_RULES, dwellNormHours: 240 };
const until = async (condition: () => boolean) => {
  for (let i = 0; i < 400 && !condition(); i++) await new Promise((done) => setTimeout(done, 10));
  expect(condition()).toBe(true);
};

async function probes(ledger: Ledger, count: number): Promise<void> {
  await ledger.write(async ({ appendAtEnd }) => {
    await appendAtEnd(
      'probe-a',
      Array.from({ length: count }, (_, i) => ({ type: 'Probe', data: { i } })),
    );
  });
}

describe('detection loop (SQLite)', () => {
  let test: TestLedger;
  let loop: DetectionLoop | undefined;
  afterEach(async () => {
    await loop?.stop();
    await test?.cleanup();
  });

  it('catches up batch after batch, follows what is appended, and /readyz and /metrics tell its place and lag', async () => {
    test = await openTestLedger('sqlite');
    const { ledger, store } = test;
    await probes(ledger, 50);
    loop = startDetectionLoop({
      ledger,
      engine: detectionEngine(options),
      active: () => true,
      batch: 8,
      idleMs: 20,
    });
    await until(() => loop!.status().lag === 0 && (loop!.status().position ?? 0) > 50);
    // Every 7th probe fired: 7 alerts, each an event the engine then read too.
    expect(loop.status()).toMatchObject({ active: true, position: 57, logSize: 57, alertsRaised: 7 });

    await probes(ledger, 7);
    await until(() => loop!.status().position === 65);
    expect(loop.status().alertsRaised).toBe(8);

    const app = await buildServer({ reads: store, verifierKey: testVerifierKey, detection: loop });
    try {
      const ready = (await app.inject('/readyz')).json();
      expect(ready).toMatchObject({ status: 'ready', detection: { active: true, position: 65, lag: 0 } });
      const metrics = await app.inject('/metrics');
      expect(metrics.headers['content-type']).toMatch(/^text\/plain/);
      expect(metrics.body).toContain('portledger_log_size 65');
      expect(metrics.body).toContain('portledger_detection_position 65');
      expect(metrics.body).toContain('portledger_detection_lag_events 0');
      expect(metrics.body).toContain('portledger_detection_alerts_raised 8');
    } finally {
      await app.close();
    }
  });

  it('runs nothing while another process holds the role, and reads the stored place when it gets it', async () => {
    test = await openTestLedger('sqlite');
    const { ledger, store } = test;
    await probes(ledger, 14);
    let holds = false;
    loop = startDetectionLoop({ ledger, engine: detectionEngine(options), active: () => holds, idleMs: 20 });
    await new Promise((done) => setTimeout(done, 100));
    expect(loop.status()).toMatchObject({ active: false, position: null });
    expect(await store.detection.getDetectionCursor('detection')).toBeUndefined();
    holds = true;
    await until(() => loop!.status().lag === 0 && loop!.status().position !== null);
    expect(loop.status().alertsRaised).toBe(2);
  });
});
