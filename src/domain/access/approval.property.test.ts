import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.js';
import {
  type ApprovalActor,
  type ApprovalCommand,
  type ApprovalEvent,
  approvalDecider,
  approverRefusal,
  initialApprovalState,
} from './approval.js';
import { approvalKinds, approverRolesFor } from './policy.js';

const at = (step: number): string => new Date(Date.UTC(2025, 2, 1, 6, 0, step)).toISOString();

// Actors that overlap on purpose: the same user id under different roles and organisations, so that a forged
// or stale session claiming another role is among the attempts.
const userIds = ['u-1', 'u-2', 'u-3'] as const;
const actor: fc.Arbitrary<ApprovalActor> = fc.oneof(
  fc.record({
    userId: fc.constantFrom(...userIds),
    orgId: fc.constantFrom('org-psa', 'org-dpw'),
    orgKind: fc.constant('terminal_operator' as const),
    roles: fc.subarray(['gate_clerk', 'yard_planner', 'terminal_supervisor'] as const),
    terminals: fc.constantFrom(['T1'], ['T2'], ['T1', 'T2']),
  }),
  fc.record({
    userId: fc.constantFrom(...userIds),
    orgId: fc.constantFrom('org-msc', 'org-maersk'),
    orgKind: fc.constant('shipping_line' as const),
    roles: fc.constant(['release_desk' as const]),
  }),
  fc.record({
    userId: fc.constantFrom(...userIds),
    orgId: fc.constantFrom('org-hau', 'org-hau-2'),
    orgKind: fc.constant('haulier' as const),
    roles: fc.subarray(['haulier_planner', 'driver'] as const),
  }),
  fc.record({
    userId: fc.constantFrom(...userIds),
    orgId: fc.constant('org-port'),
    orgKind: fc.constant('port_administration' as const),
    roles: fc.constantFrom([], ['administrator' as const]),
  }),
);

const request: fc.Arbitrary<(step: number) => ApprovalCommand> = fc
  .record({ kind: fc.constantFrom(...approvalKinds), by: actor, terminal: fc.constantFrom(null, 'T1', 'T2') })
  .map(
    ({ kind, by, terminal }) =>
      (step: number): ApprovalCommand => ({
        type: 'RequestApproval',
        requestId: 'apr-1',
        kind,
        subject: 'subject-1',
        change: { step },
        terminal,
        requestedBy: by,
        at: at(step),
        expiresAt: at(step + 20),
      }),
  );

// Weighted towards approvals, so that many histories reach a grant and the property is not vacuous.
const command: fc.Arbitrary<(step: number) => ApprovalCommand> = fc.oneof(
  { arbitrary: request, weight: 2 },
  {
    arbitrary: actor.map(
      (by) =>
        (step: number): ApprovalCommand => ({ type: 'ApproveRequest', by, at: at(step) }),
    ),
    weight: 6,
  },
  {
    arbitrary: actor.map(
      (by) =>
        (step: number): ApprovalCommand => ({ type: 'RejectRequest', by, at: at(step), reason: 'no' }),
    ),
    weight: 1,
  },
  {
    arbitrary: actor.map(
      (by) =>
        (step: number): ApprovalCommand => ({ type: 'WithdrawRequest', by, at: at(step) }),
    ),
    weight: 1,
  },
);

describe('approval decider, property', () => {
  it('no sequence of commands yields a grant by the requester, by an ineligible role, or outside the organisation', () => {
    let grants = 0;
    fc.assert(
      fc.property(request, fc.array(command, { minLength: 1, maxLength: 25 }), (first, rest) => {
        const commands = [first, ...rest];
        let state = initialApprovalState();
        const events: ApprovalEvent[] = [];
        commands.forEach((make, step) => {
          let decided: ApprovalEvent[];
          try {
            decided = approvalDecider.decide(make(step), state);
          } catch (error) {
            if (error instanceof DomainError) return;
            throw error;
          }
          for (const event of decided) state = approvalDecider.evolve(state, event);
          events.push(...decided);
        });
        const request = events.find((e) => e.type === 'ApprovalRequested');
        const closing = events.filter((e) => e.type !== 'ApprovalRequested');
        expect(closing.length).toBeLessThanOrEqual(1);
        for (const event of events) {
          if (event.type !== 'ApprovalGranted') continue;
          grants += 1;
          expect(request).toBeDefined();
          if (request?.type !== 'ApprovalRequested') continue;
          expect(event.approvedBy.userId).not.toBe(request.requestedBy.userId);
          expect(event.approvedBy.roles.some((role) => approverRolesFor(request.kind).includes(role))).toBe(
            true,
          );
          expect(approverRefusal(request, event.approvedBy)).toBeUndefined();
          expect(Date.parse(event.at)).toBeLessThan(Date.parse(request.expiresAt));
        }
      }),
      { numRuns: 2000 },
    );
    // The generator reaches grants, so the property is not vacuous.
    expect(grants).toBeGreaterThan(20);
  });
});
