import { describe, expect, it } from 'vitest';
import { alertedGateChecks, gateAlertRecord, gateRefusalSeverity } from './alert-records.js';

type Timing = { side: 'early' | 'late'; minutes: number; withinLead: boolean };
const event = (
  failed: { check: string; reason: string; timing?: Timing }[],
  severity: 'high' | 'medium' = 'high',
) => ({
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

// Issue 14: early is not an attack, a little late neither; a pass used long after its slot is.
describe('gate alert severity by timing and by what was scanned', () => {
  const window = (side: 'early' | 'late', minutes: number, withinLead: boolean) => ({
    check: 'slot.window',
    reason: side === 'early' ? 'before the slot window' : 'after the slot window',
    timing: { side, minutes, withinLead },
  });

  it('is medium for a truck early beyond the lead, and high for one late beyond it', () => {
    expect(gateRefusalSeverity([window('early', 150, false)])).toBe('medium');
    expect(gateRefusalSeverity([window('late', 300, false)])).toBe('high');
    expect(gateRefusalSeverity([window('late', 10, true)])).toBe('medium');
    // Recorded before issue 14, without timing: as it was.
    expect(gateRefusalSeverity([{ check: 'slot.window', reason: 'after' }])).toBe('medium');
    expect(gateRefusalSeverity(['slot.window'])).toBe('medium');
  });

  it('is the same when the row is folded from the event again', () => {
    expect(gateAlertRecord(event([window('late', 300, false)], 'high'), facts).severity).toBe('high');
    expect(gateAlertRecord(event([window('early', 150, false)], 'medium'), facts).severity).toBe('medium');
  });

  it('names only credential.not_a_pass for text that is no pass, as a medium alert', () => {
    const junk = [
      { check: 'credential.not_a_pass', reason: 'what was scanned is not a pickup pass (url)' },
      {
        check: 'credential.signature',
        reason: 'credential.malformed: a pickup credential starts with plc1.',
      },
      { check: 'credential.visit', reason: 'no credential that opened' },
    ];
    expect(alertedGateChecks(junk)).toEqual([junk[0]]);
    const row = gateAlertRecord(
      { ...event(junk, 'medium'), data: { visitRef: 'unidentified', failed: junk, severity: 'medium' } },
      facts,
    );
    expect(row.severity).toBe('medium');
    expect(row.summary).toBe('Gate refused a credential that did not open (credential.not_a_pass)');
  });
});
