import { describe, expect, it } from 'vitest';
import type { JsonObject, StoredEvent } from '../ports.js';
import { pickupCredentialRows, ReadModelProjection } from './read-model-projection.js';

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

const facts = { orgOfUser: async () => 'org-nqt', terminalOfOperator: async () => 'T1' };
const refused = (visitRef: string) => ({
  streamId: 'alerts',
  type: 'GateAlertRaised',
  data: { visitRef, attemptId: `a-${visitRef}`, failed: [{ check: 'driver.badge', reason: 'x' }] },
});
const act = (alertId: number, type: string) => ({ streamId: `alert-${alertId}`, type, data: { by: 'sup' } });

describe('the read-model projection keeps its live answers event by event (issue 13)', () => {
  it("counts each visit's unresolved alerts as they are raised, acknowledged and resolved", async () => {
    const projection = new ReadModelProjection(facts);
    const flags = () =>
      ['V-1', 'V-2', 'unidentified'].flatMap((visitRef) => projection.expectedRows('visit_flag', visitRef));
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
    await projection.apply(log.slice(0, 4));
    expect(flags()).toEqual([
      { visitRef: 'V-1', openAlerts: 2 },
      { visitRef: 'V-2', openAlerts: 1 },
    ]);
    expect(projection.expectedCount('visit_flag')).toBe(2);

    // An acknowledged alert is still open; a resolved one stays resolved whatever comes after.
    await projection.apply(log.slice(4, 8));
    expect(flags()).toEqual([
      { visitRef: 'V-1', openAlerts: 1 },
      { visitRef: 'V-2', openAlerts: 1 },
    ]);

    await projection.apply(log.slice(8));
    expect(flags()).toEqual([{ visitRef: 'V-2', openAlerts: 1 }]);
    expect(projection.expectedCount('visit_flag')).toBe(1);
  });

  it('folds a visit’s pickup credentials as issued, voided and used at the gate', async () => {
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
    const projection = new ReadModelProjection(facts);
    await projection.apply(
      logOf([
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
          streamId: 'gate-a-7',
          type: 'GateAttemptRefused',
          data: { credentialId: 'c-2', at: '2030-01-01T02:30:00.000Z' },
        },
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
      ]),
    );
    expect(projection.expectedRows('pickup_credential', 'V-1')).toEqual([
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
    expect(projection.lastIndexOf('pickup_credential', 'V-1')).toBe(4);
    expect(projection.knows('pickup_credential', 'V-1')).toBe(true);
    expect(projection.expectedCount('pickup_credential')).toBe(2);
    expect(pickupCredentialRows(new Map(), 'V-1', { streamId: 'pickup-V-1', type: 'Other', data: {} })).toBe(
      undefined,
    );
  });
});
