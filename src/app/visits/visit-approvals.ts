/**
 * The two-person changes of a visit (MISSION §4): voiding one of its events, correcting where the box stands,
 * unfreezing it and lifting a hold its placer may not lift alone. Access keeps the requests and who may decide
 * them; these handlers tell it what each change is before it is asked for and how it applies once granted.
 */
import { DomainError, type YardSlot } from '../../domain/index.js';
import type { ApprovalKindHandler, ApprovalKinds } from '../access/index.js';
import { AppError } from '../errors.js';
import type { WriteContext } from '../ledger/index.js';
import type { JsonObject } from '../ports.js';
import { executeVisitCommand, foldVisit, type TerminalLayouts, visitStreamId } from './visits.usecases.js';

async function visitNamed(context: WriteContext, visitRef: string) {
  const history = await context.tx.readStream(visitStreamId(visitRef));
  const visit = foldVisit(history).visit;
  if (!visit) throw new AppError('visit.not_found', `no visit ${visitRef}`);
  return { history, visit };
}

function voidEvent(terminals: TerminalLayouts): ApprovalKindHandler {
  return {
    async describe(context, input) {
      const { history, visit } = await visitNamed(context, input.subject);
      const version = Number(input.change.voidedVersion);
      const target = history[version - 1];
      if (!target) throw new AppError('input.invalid', `visit ${input.subject} has no version ${version}`);
      const slot = (target.data.slot ?? target.data.to ?? target.data.from ?? null) as {
        terminal?: string;
      } | null;
      return {
        change: {
          voidedVersion: version,
          reason: String(input.change.reason ?? ''),
          before: { type: target.type, at: target.recordedAt, data: target.data },
        },
        terminal: slot?.terminal ?? visit.slot?.terminal ?? null,
      };
    },
    async apply(context, { request, approvedBy }) {
      await executeVisitCommand(context, terminals, request.subject, {
        type: 'VoidEvent',
        voidedVersion: Number(request.change.voidedVersion),
        reason: String(request.change.reason),
        requestedBy: request.requestedBy.userId,
        approvedBy: approvedBy.userId,
      });
    },
  };
}

function correctPosition(terminals: TerminalLayouts): ApprovalKindHandler {
  return {
    async describe(context, input) {
      const { visit } = await visitNamed(context, input.subject);
      const from = visit.slot;
      if (!from) throw new AppError('input.invalid', `visit ${input.subject} is not in the yard`);
      const to = input.change.to as unknown as YardSlot;
      if (to?.terminal !== from.terminal) {
        throw new AppError('input.invalid', 'a position correction stays within the terminal');
      }
      return {
        change: {
          from: from as unknown as JsonObject,
          to: to as unknown as JsonObject,
          reason: String(input.change.reason ?? ''),
        },
        terminal: from.terminal,
      };
    },
    async apply(context, { request, approvedBy }) {
      // The yard rules are checked again now: the yard may have changed while the request waited.
      await executeVisitCommand(context, terminals, request.subject, {
        type: 'CorrectPosition',
        from: request.change.from as unknown as YardSlot,
        to: request.change.to as unknown as YardSlot,
        reason: String(request.change.reason),
        approvalId: request.requestId,
        requestedBy: request.requestedBy.userId,
        approvedBy: approvedBy.userId,
      });
    },
  };
}

function unfreeze(terminals: TerminalLayouts): ApprovalKindHandler {
  return {
    async describe(context, input) {
      const { visit } = await visitNamed(context, input.subject);
      if (visit.frozen === null) {
        throw new DomainError('visit.not_frozen', `visit ${input.subject} is not frozen`, {
          visitRef: input.subject,
        });
      }
      // The terminal's supervisors approve: a freeze stops a box in their yard.
      const terminal = visit.slot?.terminal;
      if (terminal === undefined) {
        throw new AppError(
          'input.invalid',
          `visit ${input.subject} is not in a terminal's yard yet; its terminal approves the unfreeze once it arrives`,
          { visitRef: input.subject },
        );
      }
      const { reason: frozenReason, by: frozenBy, at: frozenAt, alertId } = visit.frozen;
      return {
        change: {
          reason: String(input.change.reason ?? ''),
          before: { frozen: true, frozenBy, frozenAt, frozenReason, alertId },
          after: { frozen: false },
        },
        terminal,
      };
    },
    async apply(context, { request, approvedBy }) {
      // The decider checks again that the box is still frozen and that two different people are named.
      await executeVisitCommand(context, terminals, request.subject, {
        type: 'UnfreezeVisit',
        reason: String(request.change.reason),
        approvalId: request.requestId,
        requestedBy: request.requestedBy.userId,
        approvedBy: approvedBy.userId,
      });
    },
  };
}

function liftHold(terminals: TerminalLayouts): ApprovalKindHandler {
  return {
    async describe(context, input) {
      const { visit } = await visitNamed(context, input.subject);
      const holdId = String(input.change.holdId ?? '');
      const hold = visit.holds.find((candidate) => candidate.holdId === holdId);
      if (!hold) {
        throw new DomainError('hold.not_found', `visit ${input.subject} has no hold ${holdId} in force`, {
          visitRef: input.subject,
          holdId,
        });
      }
      // The approver is an officer of the same authority: the hold's own reason and reference are theirs to see.
      return {
        change: {
          holdId,
          kind: hold.kind,
          reason: String(input.change.reason ?? ''),
          before: {
            placedBy: hold.placedBy,
            placedAt: hold.placedAt,
            holdReason: hold.reason,
            reference: hold.reference,
          },
        },
        terminal: null,
      };
    },
    async apply(context, { request, approvedBy }) {
      // The decider checks again that the hold is still in force and that the approver is another officer.
      await executeVisitCommand(context, terminals, request.subject, {
        type: 'LiftHold',
        holdId: String(request.change.holdId),
        reason: String(request.change.reason),
        by: request.requestedBy.userId,
        approvalId: request.requestId,
        approvedBy: approvedBy.userId,
      });
    },
  };
}

/**
 * The visit's two-person changes, applied against these terminals' yard layouts.
 *
 * @example
 * ```ts
 * await decideRequest({ ...auth, approvalKinds: visitApprovalKinds(terminals) }, session, { requestId, decision: 'approve' });
 * ```
 */
export function visitApprovalKinds(terminals: TerminalLayouts): ApprovalKinds {
  return {
    'visit.void': voidEvent(terminals),
    'yard.correction': correctPosition(terminals),
    'visit.unfreeze': unfreeze(terminals),
    'hold.lift': liftHold(terminals),
  };
}
