import { describe, expect, it } from 'vitest';
import { alertedGateChecks, gateAlertRecord } from './alert-records.js';

const event = (failed: { check: string; reason: string }[], severity: 'high' | 'medium' = 'high') => ({
  index: 42,
  recordedAt: '2030-03-04T09:00:00.000Z',
  data: { visitRef: 'V-1', attemptId: 'a-1', failed, severity },
});
const facts = { containerNumber: 'MEDU8487813', terminal: 'T1' };
const policeLights = { check: 'lights.green', reason: 'customs: police hold POL-1 (case 2030/1)' };

describe('gate alert rows (gate issue 1)', () => {
  it('a pass that does not authenticate its presenter is alerted with its pass checks only', () => {
    const copied = [
      { check: 'pass.printed_disabled', reason: 'printed passes are off' },
      { check: 'slot.window', reason: 'outside the window' },
      policeLights,
    ];
    expect(alertedGateChecks(copied)).toEqual([copied[0]]);
    const row = gateAlertRecord(event(copied), facts);
    expect(row.summary).toBe('Gate refused MEDU8487813: pass.printed_disabled');
    expect(row.severity).toBe('high');
    const stale = [
      { check: 'pass.fresh', reason: 'a minute old' },
      { check: 'driver.badge', reason: 'not the nominated driver' },
      { check: 'truck.plate', reason: 'not the booked truck' },
      { check: 'slot.window', reason: 'outside the window' },
      policeLights,
    ];
    expect(gateAlertRecord(event(stale), facts).summary).toBe('Gate refused MEDU8487813: pass.fresh');
  });

  it("the driver's own phone is alerted with every check, red lights named not released and no hold kind", () => {
    const row = gateAlertRecord(event([policeLights], 'medium'), facts);
    expect(row.summary).toBe('Gate refused MEDU8487813: not released');
    expect(row.severity).toBe('medium');
    expect(JSON.stringify(row)).not.toMatch(/police|POL-1|lights/);
    expect(alertedGateChecks([policeLights, { check: 'truck.plate', reason: 'x' }])).toEqual([
      { check: 'lights.green', reason: 'not released' },
      { check: 'truck.plate', reason: 'x' },
    ]);
  });
});
