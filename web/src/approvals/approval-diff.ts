/** What a two-person request would change, as rows of before and after, per kind of request. */
import { localDateTime } from '../clock.js';
import type { ApprovalRequest } from './approval-requests.js';

/** A yard slot (`{ terminal, block, bay, row, tier }`) or any other value, in one readable line. */
function show(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value || '—';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.map(show).join(', ');
  const slot = value as Record<string, unknown>;
  if ('terminal' in slot && 'block' in slot && 'bay' in slot)
    return `${slot.terminal} ${slot.block}-${slot.bay}-${slot.row}${slot.tier !== undefined ? `, tier ${slot.tier}` : ''}`;
  return JSON.stringify(value);
}

export interface DiffRow {
  field: string;
  before: string;
  after: string;
}

/** The before/after of a change, per kind, with a generic fallback for the fields it does not know. */
export function diffRows(request: ApprovalRequest): DiffRow[] {
  const change = request.change;
  switch (request.kind) {
    case 'role.grant': {
      const before = Array.isArray(change.rolesBefore) ? (change.rolesBefore as string[]) : [];
      return [{ field: 'Roles', before: show(before), after: show([...before, change.role]) }];
    }
    case 'passkeys.reset':
      return [
        { field: 'Passkeys', before: show(change.passkeysBefore), after: '0 (re-enrolment link issued)' },
      ];
    case 'yard.correction':
      return [
        { field: 'Position', before: show(change.from), after: show(change.to) },
        { field: 'Reason', before: '', after: show(change.reason) },
      ];
    case 'visit.void': {
      const before = (change.before ?? {}) as { type?: string; at?: string };
      return [
        {
          field: `Event version ${show(change.voidedVersion)}`,
          before: `${before.type ?? 'event'}${before.at ? ` at ${localDateTime(before.at)}` : ''}`,
          after: 'voided',
        },
        { field: 'Reason', before: '', after: show(change.reason) },
      ];
    }
    case 'visit.unfreeze': {
      const before = (change.before ?? {}) as {
        frozenBy?: string;
        frozenAt?: string;
        frozenReason?: string;
        alertId?: string | null;
      };
      return [
        {
          field: 'Freeze',
          before: `Frozen by ${before.frozenBy ?? 'someone'}${before.frozenAt ? ` at ${localDateTime(before.frozenAt)}` : ''} because “${before.frozenReason ?? '—'}”${before.alertId ? ` (alert ${before.alertId})` : ''}`,
          after: 'Not frozen: the box may leave again when every other check passes',
        },
        { field: 'Reason', before: '', after: show(change.reason) },
      ];
    }
    case 'hold.lift': {
      // issue 10, row B: a colleague's customs or police hold; the approver is an officer of the same authority.
      const before = (change.before ?? {}) as {
        placedBy?: string | null;
        placedAt?: string;
        holdReason?: string;
        reference?: string;
      };
      return [
        {
          field: `${show(change.kind)} hold ${show(change.holdId)}`,
          before: `Placed by ${before.placedBy ?? 'an officer not recorded'}${before.placedAt ? ` at ${localDateTime(before.placedAt)}` : ''} because “${before.holdReason ?? '—'}”${before.reference ? ` (${before.reference})` : ''}`,
          after: 'Lifted: the box may leave when every other light is green',
        },
        { field: 'Reason', before: '', after: show(change.reason) },
      ];
    }
    default: {
      const rows: DiffRow[] = [];
      const before = (change.before ?? {}) as Record<string, unknown>;
      const after = (change.after ?? {}) as Record<string, unknown>;
      for (const key of new Set([...Object.keys(before), ...Object.keys(after)]))
        rows.push({ field: key, before: show(before[key]), after: show(after[key]) });
      for (const [key, value] of Object.entries(change))
        if (key !== 'before' && key !== 'after') rows.push({ field: key, before: '', after: show(value) });
      return rows;
    }
  }
}
