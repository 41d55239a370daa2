/**
 * Command errors cut to what the caller may see (issue 10, row F). A box that cannot leave says why in its error
 * (`visit.on_hold` lists the holds, `visit.frozen` who froze it): right for the terminal's own staff, who see the
 * box in full, but a machine client whose token holds no `visit.read` (a crane or kiosk feed) may not learn that the
 * police hold a box or that an investigation froze it. Such a caller gets the same code, without the kinds, the
 * holder or the time.
 */
import { DomainError } from '../../domain/index.js';

const WHY_A_BOX_STAYS = new Set(['visit.on_hold', 'visit.frozen']);

/**
 * The error as `tokenPermissions` may see it; `undefined` permissions (a signed-in person, whose yard commands
 * already need the full view of the box) see it whole.
 *
 * @example
 * ```ts
 * throw commandErrorFor(error, request.apiToken?.permissions);
 * ```
 */
export function commandErrorFor(error: unknown, tokenPermissions: readonly string[] | undefined): unknown {
  if (tokenPermissions === undefined || tokenPermissions.includes('visit.read')) return error;
  if (!(error instanceof DomainError) || !WHY_A_BOX_STAYS.has(error.code)) return error;
  const visitRef = typeof error.details.visitRef === 'string' ? error.details.visitRef : undefined;
  return new DomainError(
    error.code,
    'the box cannot leave: a hold or a freeze is in force',
    visitRef === undefined ? {} : { visitRef },
  );
}
