/** What a two-person request would change, as rows of before and after, per kind of request. */
import { yourTime } from '../clock.js';
import { i18next } from '../i18n/index.js';
import { eventTypeName, fieldName, holdKindName, plainText, roleName } from '../terms.js';
import type { ApprovalRequest } from './approval-requests.js';

/** A yard slot (`{ terminal, block, bay, row, tier }`) or any other value, in one readable line. */
function show(value: unknown): string {
  const t = i18next.t;
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return plainText(value) || '—';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value))
    return value.length === 0 ? t('approvals:diff.noneValue') : value.map(show).join(', ');
  const slot = value as Record<string, unknown>;
  if ('terminal' in slot && 'block' in slot && 'bay' in slot)
    return `${t('approvals:diff.slotText', { terminal: slot.terminal, block: slot.block, bay: slot.bay, row: slot.row })}${slot.tier !== undefined ? t('approvals:diff.tier', { tier: slot.tier }) : ''}`;
  return JSON.stringify(value);
}

/** A list of roles in words. */
const showRoles = (roles: unknown[]) =>
  roles.length === 0
    ? i18next.t('approvals:diff.noneValue')
    : roles.map((role) => roleName(String(role))).join(', ');

export interface DiffRow {
  field: string;
  before: string;
  after: string;
}

/** The before/after of a change, per kind, with a generic fallback for the fields it does not know. */
export function diffRows(request: ApprovalRequest): DiffRow[] {
  const t = i18next.t;
  const change = request.change;
  switch (request.kind) {
    case 'role.grant': {
      const before = Array.isArray(change.rolesBefore) ? (change.rolesBefore as string[]) : [];
      return [
        {
          field: t('approvals:diff.roles'),
          before: showRoles(before),
          after: showRoles([...before, change.role]),
        },
      ];
    }
    case 'passkeys.reset':
      return [
        {
          field: t('approvals:diff.passkeys'),
          before: show(change.passkeysBefore),
          after: t('approvals:diff.passkeysAfter'),
        },
      ];
    case 'yard.correction':
      return [
        { field: t('approvals:diff.position'), before: show(change.from), after: show(change.to) },
        { field: t('approvals:diff.reason'), before: '', after: show(change.reason) },
      ];
    case 'visit.void': {
      const before = (change.before ?? {}) as { type?: string; at?: string };
      return [
        {
          field: t('approvals:diff.eventVersion', { version: show(change.voidedVersion) }),
          before: before.at
            ? t('approvals:diff.at', {
                what: before.type ? eventTypeName(before.type) : t('approvals:diff.event'),
                when: yourTime(before.at),
              })
            : before.type
              ? eventTypeName(before.type)
              : t('approvals:diff.event'),
          after: t('approvals:diff.voided'),
        },
        { field: t('approvals:diff.reason'), before: '', after: show(change.reason) },
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
          field: t('approvals:diff.freeze'),
          before: [
            t('approvals:diff.frozenBy', { by: before.frozenBy ?? t('approvals:diff.someone') }),
            before.frozenAt ? t('approvals:diff.atWhen', { when: yourTime(before.frozenAt) }) : '',
            t('approvals:diff.because', { reason: before.frozenReason ?? '—' }),
            before.alertId ? t('approvals:diff.alert', { id: before.alertId }) : '',
          ].join(''),
          after: t('approvals:diff.notFrozen'),
        },
        { field: t('approvals:diff.reason'), before: '', after: show(change.reason) },
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
          field: `${holdKindName(String(change.kind))} ${show(change.holdId)}`,
          before: [
            t('approvals:diff.placedBy', { by: before.placedBy ?? t('approvals:diff.officerNotRecorded') }),
            before.placedAt ? t('approvals:diff.atWhen', { when: yourTime(before.placedAt) }) : '',
            t('approvals:diff.because', { reason: before.holdReason ?? '—' }),
            before.reference ? ` (${before.reference})` : '',
          ].join(''),
          after: t('approvals:diff.lifted'),
        },
        { field: t('approvals:diff.reason'), before: '', after: show(change.reason) },
      ];
    }
    default: {
      const rows: DiffRow[] = [];
      const before = (change.before ?? {}) as Record<string, unknown>;
      const after = (change.after ?? {}) as Record<string, unknown>;
      for (const key of new Set([...Object.keys(before), ...Object.keys(after)]))
        rows.push({ field: fieldName(key), before: show(before[key]), after: show(after[key]) });
      for (const [key, value] of Object.entries(change))
        if (key !== 'before' && key !== 'after')
          rows.push({ field: fieldName(key), before: '', after: show(value) });
      return rows;
    }
  }
}
