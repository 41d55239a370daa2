import { describe, expect, it } from 'vitest';
import type { JsonObject, LedgerReads, StoredEvent, StreamRange } from '../ports.js';
import {
  pickupCredentialRows,
  ReadModelExpectations,
  SubjectReader,
  subjectBornAt,
  VisitSubject,
} from './read-model-projection.js';

/** A log of events in index order, as the projection folds it. */
function logOf(events: readonly { streamId: string; type: string; data: JsonObject }[]): StoredEvent[] {
  const versions = new Map<string, number>();
  return events.map((event, index) => {
    const streamVersion = (versions.get(event.streamId) ?? 0) + 1;
    versions.set(event.streamId, streamVersion);
    return {
      ...event,
      index,
      eventId: `e-${index}`,
      streamVersion,
      recordedAt: new Date(Date.UTC(2030, 0, 1, 8, index)).toISOString(),
      leaf: new Uint8Array(),
    };
  });
}

/** The reads a subject is folded with, over a log held in memory; each call noted, to show what a fold reads. */
function readsOf(log: readonly StoredEvent[]) {
  const calls: string[] = [];
  const stream = (streamId: string) => log.filter((event) => event.streamId === streamId);
  const reads: Pick<LedgerReads, 'readStream' | 'readEvents' | 'readStreamRange'> = {
    async readStream(streamId) {
      calls.push(`stream ${streamId}`);
      return stream(streamId);
    },
    async readEvents(fromIndex, limit) {
      calls.push(`events ${fromIndex}+${limit}`);
      return log.slice(fromIndex, fromIndex + limit);
    },
    async readStreamRange(streamId, { fromVersion = 1, limit }: StreamRange) {
      calls.push(`range ${streamId} ${fromVersion}+${limit}`);
      return stream(streamId).slice(
        fromVersion - 1,
        limit === undefined ? undefined : fromVersion - 1 + limit,
      );
    },
  };
  return { reads, calls };
}

const facts = { orgOfUser: async () => 'org-nqt', terminalOfOperator: async () => 'T1' };
const refused = (visitRef: string) => ({
  streamId: 'alerts',
  type: 'GateAlertRaised',
  data: { visitRef, attemptId: `a-${visitRef}`, failed: [{ check: 'driver.badge', reason: 'x' }] },
});
const act = (alertId: number, type: string) => ({ streamId: `alert-${alertId}`, type, data: { by: 'sup' } });

describe('what the read models must hold, kept event by event without a list of every subject (issue 13)', () => {
  it("counts each visit's unresolved alerts as they are raised, acknowledged and resolved", async () => {
    // Alerts 0 and 1 name V-1, alert 2 names V-2; the last names no visit.
    const log = logOf([
      refused('V-1'),
      refused('V-1'),
      refused('V-2'),
      refused('unidentified'),
      act(2, 'AlertAcknowledged'),
      act(0, 'AlertResolved'),
      act(0, 'AlertAcknowledged'),
      act(99, 'AlertResolved'),
      act(1, 'AlertResolved'),
    ]);
    const { reads } = readsOf(log);
    const expectations = new ReadModelExpectations(new SubjectReader(reads, facts));
    const flags = () => ['V-1', 'V-2', 'unidentified'].flatMap((visitRef) => expectations.flagRows(visitRef));
    await expectations.start(reads, 0);
    const touched = await expectations.apply(log.slice(0, 4));
    expect(touched).toEqual({ visitRefs: new Set(['V-1', 'V-2']), alertIds: new Set(['0', '1', '2', '3']) });
    expect(flags()).toEqual([
      { visitRef: 'V-1', openAlerts: 2 },
      { visitRef: 'V-2', openAlerts: 1 },
    ]);
    expect(expectations.expectedCount('visit_flag')).toBe(2);

    // An acknowledged alert is still open; a resolved one stays resolved whatever comes after.
    await expectations.apply(log.slice(4, 8));
    expect(flags()).toEqual([
      { visitRef: 'V-1', openAlerts: 1 },
      { visitRef: 'V-2', openAlerts: 1 },
    ]);

    await expectations.apply(log.slice(8));
    expect(flags()).toEqual([{ visitRef: 'V-2', openAlerts: 1 }]);
    expect(expectations.expectedCount('visit_flag')).toBe(1);

    // A watch started later finds the same open alerts from the alerts stream alone, folding no event before.
    const late = readsOf(log);
    const started = new ReadModelExpectations(new SubjectReader(late.reads, facts));
    await started.start(late.reads, log.length, undefined, 2);
    expect(started.flaggedVisits()).toEqual(['V-2']);
    expect(started.size).toBe(log.length);
    expect(late.calls.filter((call) => call.startsWith('events'))).toEqual([]);
  });

  it('moves each table’s count by what the events explain, once the counts are set', async () => {
    const log = logOf([refused('V-1'), act(0, 'AlertResolved'), refused('V-2')]);
    const { reads } = readsOf(log);
    const expectations = new ReadModelExpectations(new SubjectReader(reads, facts));
    await expectations.start(reads, 0);
    expect(expectations.expectedCount('alert')).toBeUndefined();
    expectations.setCounts(new Map([['alert', 7]]));
    await expectations.apply(log.slice(0, 2));
    expect(expectations.expectedCount('alert')).toBe(8);
    expect(expectations.expectedCount('gate_alert_group')).toBe(1);
    await expectations.apply(log.slice(2));
    expect(expectations.expectedCount('alert')).toBe(9);
    // A rebuild rewrote the rows to what the log says: the counts are taken from the store's again.
    await expectations.apply(
      logOf([...log, { streamId: 'read-models', type: 'ReadModelsRebuilt', data: {} }]).slice(3),
    );
    expect(expectations.counted).toBe(false);
  });

  it('folds a visit’s pickup credentials as issued, voided and used at the gate, as of any log size', async () => {
    const issued = (credentialId: string, bookingVersion: number) => ({
      streamId: 'pickup-V-1',
      type: 'PickupCredentialIssued',
      data: {
        visitRef: 'V-1',
        credentialId,
        bookingVersion,
        rightVersion: 2,
        at: `2030-01-01T0${bookingVersion}:00:00.000Z`,
      },
    });
    const log = logOf([
      issued('c-1', 1),
      {
        streamId: 'pickup-V-1',
        type: 'PickupCredentialsVoided',
        data: {
          visitRef: 'V-1',
          credentialIds: ['c-1'],
          reason: 'rebooked',
          at: '2030-01-01T02:00:00.000Z',
        },
      },
      issued('c-2', 2),
      {
        streamId: 'gate-a-8',
        type: 'GateAttemptAccepted',
        data: { credentialId: 'c-2', visitRef: 'V-1', at: '2030-01-01T03:00:00.000Z' },
      },
      // A verdict naming a credential nobody issued changes no row.
      {
        streamId: 'gate-a-9',
        type: 'GateAttemptAccepted',
        data: { credentialId: 'c-x', at: '2030-01-01T04:00:00.000Z' },
      },
    ]);
    const folded = VisitSubject.fold('V-1', log, log.length);
    expect(folded.rows('pickup_credential')).toEqual([
      {
        credentialId: 'c-1',
        visitRef: 'V-1',
        bookingVersion: 1,
        rightVersion: 2,
        status: 'void',
        issuedAt: '2030-01-01T01:00:00.000Z',
        closedAt: '2030-01-01T02:00:00.000Z',
      },
      {
        credentialId: 'c-2',
        visitRef: 'V-1',
        bookingVersion: 2,
        rightVersion: 2,
        status: 'used',
        issuedAt: '2030-01-01T02:00:00.000Z',
        closedAt: '2030-01-01T03:00:00.000Z',
      },
    ]);
    expect(folded.lastIndexOf('pickup_credential')).toBe(3);
    expect(folded.known).toBe(true);
    expect(folded.rowCounts()[6]).toBe(2);
    // Before the gate's verdict the second credential was active; before the first event the visit was unknown.
    expect(VisitSubject.fold('V-1', log, 3).rows('pickup_credential')[1]).toMatchObject({ status: 'active' });
    expect(VisitSubject.fold('V-1', log, 0).known).toBe(false);
    expect(pickupCredentialRows(new Map(), 'V-1', { streamId: 'pickup-V-1', type: 'Other', data: {} })).toBe(
      undefined,
    );
  });

  it('reads a visit from its own streams and the verdicts its gate-outs name, nothing else', async () => {
    const log = logOf([
      { streamId: 'gate-a-8', type: 'GateAttemptAccepted', data: { credentialId: 'c-2', visitRef: 'V-1' } },
      { streamId: 'visit-V-1', type: 'ContainerGatedOut', data: { gateAttemptId: 'a-8' } },
      { streamId: 'visit-V-2', type: 'VisitAnnounced', data: {} },
    ]);
    const { reads, calls } = readsOf(log);
    const events = await new SubjectReader(reads, facts).visitEvents('V-1');
    expect(events.map((event) => event.index).sort()).toEqual([0, 1]);
    expect(calls.sort()).toEqual([
      'stream appointment-V-1',
      'stream gate-a-8',
      'stream pickup-V-1',
      'stream release-V-1',
      'stream visit-V-1',
    ]);
  });

  it('names the subject each event brings into being: a visit at its streams’ first events, an alert at its raise', () => {
    const [raise, action, first, second, lockout] = logOf([
      refused('V-1'),
      act(0, 'AlertResolved'),
      { streamId: 'release-V-1', type: 'ReleaseIssued', data: {} },
      { streamId: 'release-V-1', type: 'ReleaseAccepted', data: {} },
      { streamId: 'auth-u', type: 'AccountLockedOut', data: {} },
    ]);
    expect(subjectBornAt(raise!)).toEqual({ kind: 'alert', alertId: '0' });
    expect(subjectBornAt(action!)).toBeUndefined();
    expect(subjectBornAt(first!)).toEqual({ kind: 'visit', visitRef: 'V-1' });
    expect(subjectBornAt(second!)).toBeUndefined();
    expect(subjectBornAt(lockout!)).toEqual({ kind: 'alert', alertId: '4' });
  });
});
