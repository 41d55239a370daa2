import { describe, expect, it } from 'vitest';
import type { OrgKind, Principal, Role } from '../../domain/index.js';
import type { QueueCountReads, SlotIdRange } from './queue.ports.js';
import { QUEUE_COUNT_CAP, sameQueues, workQueues } from './work-queues.usecases.js';

const NOW = new Date('2025-03-01T08:00:30.000Z');

const person = (role: Role, orgKind: OrgKind, terminals: string[] = []): Principal => ({
  userId: `u-${role}`,
  orgId: `org-${orgKind}`,
  orgKind,
  orgCode: 'ORG',
  terminals,
  roles: [role],
  signedInWith: 'passkey',
});

/** Counts that answer `answer` for every queue, and remember what each was asked. */
function recordingCounts(answer: number) {
  const asked: Record<string, unknown[]> = {};
  const note =
    (name: string) =>
    async (...args: unknown[]) => {
      asked[name] = args;
      return Math.min(answer, args.at(-1) as number);
    };
  const counts: QueueCountReads = {
    countReleaseOffers: note('offers'),
    countBlockedReleases: note('blocked'),
    countDecidableApprovals: note('approvals'),
    countOpenAlerts: note('alerts'),
    countSlotBookings: note('bookings'),
    countPendingDevices: note('devices'),
    countHeldBoxes: note('held'),
  };
  return { counts, asked };
}

describe('workQueues (issue 14)', () => {
  it.each([
    [person('release_desk', 'forwarder'), ['release_offers']],
    [person('release_desk', 'shipping_line'), ['blocked_releases', 'approvals', 'held_boxes']],
    [person('haulier_planner', 'haulier'), ['release_offers', 'approvals', 'open_alerts', 'pending_phones']],
    [person('gate_clerk', 'terminal_operator', ['T1']), ['trucks_due', 'held_boxes']],
    [
      person('yard_planner', 'terminal_operator', ['T1']),
      ['approvals', 'open_alerts', 'trucks_due', 'held_boxes'],
    ],
    [person('customs_officer', 'customs'), ['approvals', 'open_alerts', 'held_boxes']],
    [{ ...person('customs_officer', 'customs'), signedInWith: 'password_totp' }, []],
    [person('administrator', 'port_administration'), ['approvals']],
    [person('driver', 'haulier'), []],
    [person('equipment_operator', 'terminal_operator', ['T1']), []],
  ] as const)('shows %o only the queues of its work', async (caller, kinds) => {
    const { counts } = recordingCounts(0);
    expect((await workQueues(counts, caller, NOW)).map((queue) => queue.kind)).toEqual(kinds);
  });

  it('asks each count within the caller’s own scope', async () => {
    const { counts, asked } = recordingCounts(2);
    const planner = person('yard_planner', 'terminal_operator', ['T1', 'T2']);
    await workQueues(counts, planner, NOW);
    expect(asked.approvals?.[0]).toEqual({
      expiresAfter: NOW.toISOString(),
      kinds: ['yard.correction'],
      userId: 'u-yard_planner',
      orgId: 'org-terminal_operator',
      terminals: ['T1', 'T2'],
      holdKinds: ['terminal'],
    });
    expect(asked.alerts?.[0]).toEqual({
      rules: ['integrity.failed', 'integrity.read_model_mismatch'],
      orgId: 'org-terminal_operator',
      terminals: ['T1', 'T2'],
    });
    // The slots that start within the hour from the current minute, at each of the planner's terminals.
    expect(asked.bookings?.[0]).toEqual([
      { fromSlotId: 'T1@20250301T0800Z', untilSlotId: 'T1@20250301T0900Z' },
      { fromSlotId: 'T2@20250301T0800Z', untilSlotId: 'T2@20250301T0900Z' },
    ] satisfies SlotIdRange[]);

    expect(asked.held?.[0]).toEqual({
      kinds: ['customs', 'police', 'terminal', 'line'],
      terminals: ['T1', 'T2'],
    });

    // Customs sees every alert: no scope; and boxes on customs holds anywhere.
    await workQueues(counts, person('customs_officer', 'customs'), NOW);
    expect(asked.alerts?.[0]).toBeUndefined();
    expect(asked.held?.[0]).toEqual({ kinds: ['customs'] });
    // A line counts its own boxes on hold, never by a police hold it must not learn of.
    await workQueues(counts, person('release_desk', 'shipping_line'), NOW);
    expect(asked.held?.[0]).toEqual({ kinds: ['customs', 'terminal', 'line'], line: 'ORG' });
  });

  it('stops counting at the cap and says that more wait', async () => {
    const many = recordingCounts(5_000);
    const [offers] = await workQueues(many.counts, person('release_desk', 'forwarder'), NOW);
    expect(offers).toEqual({
      kind: 'release_offers',
      count: QUEUE_COUNT_CAP,
      more: true,
      link: '/releases#offers-heading',
    });
    expect(many.asked.offers).toEqual(['org-forwarder', QUEUE_COUNT_CAP + 1]);

    const exact = recordingCounts(QUEUE_COUNT_CAP);
    const [full] = await workQueues(exact.counts, person('release_desk', 'forwarder'), NOW);
    expect(full).toMatchObject({ count: QUEUE_COUNT_CAP, more: false });
  });

  it('tells equal answers from changed ones', () => {
    const queue = { kind: 'release_offers', count: 1, more: false, link: '/releases' } as const;
    expect(sameQueues([queue], [{ ...queue }])).toBe(true);
    expect(sameQueues([queue], [{ ...queue, count: 2 }])).toBe(false);
    expect(sameQueues([queue], [])).toBe(false);
  });
});
