import { describe, expect, it } from 'vitest';
import { createMemoryLedgerStore } from '../../src/store/memory-store.js';
import { appendToLedger } from './append.js';
import { alertsInLog, detectionRunner, readLog } from './engine.js';
import { generatePort } from './generate.js';
import { evaluate } from './run.js';
import { score } from './score.js';

describe('the detection evaluation, end to end over a week', () => {
  it('appends the port through the ledger as a real audit log, and the engine reads it without the labels', async () => {
    const port = generatePort('e2e', 7);
    const store = createMemoryLedgerStore();
    const detection = detectionRunner({});
    const { ledger } = await appendToLedger(store, port.events, 'e2e', (l) => detection.catchUp(l));
    await ledger.close();
    const all = [];
    for await (const event of readLog(store)) all.push(event);
    // The port's events, and between them the engine's own: its alerts and the freezes they caused.
    const engines = new Set(['DetectionAlertRaised', 'VisitFrozen']);
    const logged = all.filter((e) => !engines.has(e.type));
    expect(logged).toHaveLength(port.events.length);
    expect(all.map((e) => e.index)).toEqual(all.map((_, i) => i));
    // Each event recorded at its own instant, its `at` the log's time.
    for (const event of logged) {
      if (typeof event.data.at === 'string') expect(event.data.at).toBe(event.recordedAt);
    }
    // A gate-out names the audit index of the verdict that let the box out, as the gate's use case records it.
    const gateOuts = logged.filter((e) => e.type === 'ContainerGatedOut');
    expect(gateOuts.length).toBeGreaterThan(50);
    for (const gateOut of gateOuts) {
      const verdict = all[gateOut.data.verdictIndex as number]!;
      expect(verdict.type).toBe('GateAttemptAccepted');
      expect(verdict.data.attemptId).toBe(gateOut.data.gateAttemptId);
    }
    const log = all.map((e) => JSON.stringify(e.data)).join('\n');
    for (const label of port.labels) expect(log).not.toContain(label.id);

    const engine = detection.result();
    expect(engine.rules.length).toBeGreaterThan(0);
    expect(engine.faults).toEqual({});
    const alerts = await alertsInLog(store);
    expect(alerts.length).toBe(all.filter((e) => e.type === 'DetectionAlertRaised').length);
    const result = score(alerts, port.labels);
    expect(result.overall.incidents).toBe(port.labels.length);
    expect(Object.keys(result.scenarios).sort()).toEqual(
      [...new Set(port.labels.map((l) => l.scenario))].sort(),
    );
    for (const alert of alerts) expect(alert.at >= port.startAt && alert.at <= port.endAt).toBe(true);
    await store.close();
  });

  it('reports recall, precision, the events and the time as the JSON says', async () => {
    const result = await evaluate('e2e', 7);
    expect(result.events).toBeGreaterThan(5000);
    expect(result.seconds).toBeGreaterThan(0);
    const { overall } = result.score;
    for (const value of [overall.recall, overall.precision]) {
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThanOrEqual(1);
    }
    expect(overall.incidents).toBeGreaterThanOrEqual(4);
  });
});
