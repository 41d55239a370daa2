/**
 * Freezing a box (issue 5): a protective stop that takes effect at once, on the word of one terminal supervisor,
 * customs officer or port-police investigator (policy `visit.freeze`), because that is how a suspect box is
 * stopped before a driver reaches the gate. Lifting it is never one person's word: an unfreeze is a two-person
 * `visit.unfreeze` request that a terminal supervisor of the box's terminal approves (`approvals.usecases.ts`).
 */
import { type Principal, redactVisitView, type VisitView } from '../../domain/index.js';
import type { ApprovalRecord } from '../access/identity.ports.js';
import type { Authenticated } from '../access/index.js';
import { requestApproval } from '../access/index.js';
import { getAlert } from '../alerts/index.js';
import { AppError } from '../errors.js';
import type { LedgerReads, VisitRecord } from '../ports.js';
import { principalOf, type VisitAccessDeps, visibilityOf } from './visit-access.usecases.js';
import { visitApprovalKinds } from './visit-approvals.js';
import { executeVisitCommand } from './visits.usecases.js';

const notFound = (visitRef: string) => new AppError('visit.not_found', `no visit ${visitRef}`, { visitRef });

/** The visit, when the caller sees all of it (its terminal's staff, customs, police); else `visit.not_found`. */
async function fullySeen(reads: LedgerReads, principal: Principal, visitRef: string): Promise<VisitRecord> {
  const record = await reads.getVisit(visitRef);
  if (!record || (await visibilityOf(reads, principal, record)) !== 'full') throw notFound(visitRef);
  return record;
}

/**
 * Freezes a visit at once. With `alertId`, the alert must be one the caller may see and must name this visit: the
 * freeze event records it, so the record shows what prompted the stop.
 *
 * @throws DomainError `visit.already_frozen` when a freeze is already in force; `visit.ended` after departure.
 * @example
 * ```ts
 * await freezeVisit(deps, supervisor, 'V-…', { reason: 'driver not the nominated one', alertId: '812' });
 * ```
 */
export async function freezeVisit(
  deps: VisitAccessDeps,
  auth: Authenticated,
  visitRef: string,
  input: { reason: string; alertId?: string },
): Promise<VisitView> {
  const principal = principalOf(auth);
  return deps.auth.ledger.write(async (context) => {
    await fullySeen(context.tx, principal, visitRef);
    if (input.alertId !== undefined) {
      const alert = await getAlert(context.tx, auth, input.alertId);
      if (alert.subject.kind !== 'visit' || alert.subject.id !== visitRef) {
        throw new AppError('input.invalid', `alert ${input.alertId} is not about visit ${visitRef}`, {
          alertId: input.alertId,
          visitRef,
        });
      }
    }
    const { visit } = await executeVisitCommand(context, deps.terminals, visitRef, {
      type: 'FreezeVisit',
      reason: input.reason,
      by: auth.user.userId,
      ...(input.alertId !== undefined ? { alertId: input.alertId } : {}),
    });
    return redactVisitView(visit.view as unknown as VisitView, 'full');
  });
}

/**
 * Asks for a frozen visit to be unfrozen (kind `visit.unfreeze`); nothing changes until a terminal supervisor of
 * the box's terminal, another person, approves with a passkey step-up.
 *
 * @throws DomainError `visit.not_frozen` when no freeze is in force.
 */
export async function requestUnfreeze(
  deps: VisitAccessDeps,
  auth: Authenticated,
  visitRef: string,
  input: { reason: string },
): Promise<ApprovalRecord> {
  await fullySeen(deps.auth.ledger.store, principalOf(auth), visitRef);
  return requestApproval(
    deps.auth,
    auth,
    { kind: 'visit.unfreeze', subject: visitRef, change: { reason: input.reason } },
    visitApprovalKinds(deps.terminals),
  );
}
