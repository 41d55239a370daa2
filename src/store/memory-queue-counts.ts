/**
 * The work queues' counts of the memory store (issue 14, `queue.ports.ts`): the same answers as
 * `queue-counts.repository.ts`, by walking the in-memory tables (a store for tests and demos, not for a port's
 * volumes).
 */

import type { ApprovalRecord } from '../app/access/identity.ports.js';
import type { AlertRecord } from '../app/alerts/alert.ports.js';
import type { DriverDeviceRecord, SlotBookingRecord } from '../app/gate/gate.ports.js';
import type { QueueCountReads } from '../app/queues/queue.ports.js';
import type { ReleaseRecord } from '../app/releases/release.ports.js';
import type { VisitRecord } from '../app/visits/visit.ports.js';

/** The committed tables the counts read; each getter answers the tables as they are now. */
export interface MemoryQueueTables {
  readonly releases: () => Iterable<ReleaseRecord>;
  readonly approvals: () => Iterable<ApprovalRecord>;
  readonly alerts: () => Iterable<AlertRecord>;
  readonly bookings: () => Iterable<SlotBookingRecord>;
  readonly devices: () => Iterable<DriverDeviceRecord>;
  readonly visits: () => Iterable<VisitRecord>;
}

function countUpTo<T>(rows: Iterable<T>, matches: (row: T) => boolean, cap: number): number {
  let n = 0;
  for (const row of rows) {
    if (n >= cap) break;
    if (matches(row)) n += 1;
  }
  return n;
}

/** A text field of a stored JSON view, as the SQL stores read it (`null` when absent or not text). */
function textAt(view: unknown, path: readonly string[]): string | null {
  let value = view;
  for (const key of path) {
    value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  }
  return typeof value === 'string' ? value : null;
}

export function memoryQueueCounts(tables: MemoryQueueTables): QueueCountReads {
  return {
    async countReleaseOffers(orgId, cap) {
      return countUpTo(tables.releases(), (r) => r.offeredTo === orgId && !r.revoked && !r.blocked, cap);
    },
    async countBlockedReleases(lineOrgId, cap) {
      return countUpTo(tables.releases(), (r) => r.lineOrgId === lineOrgId && !r.revoked && r.blocked, cap);
    },
    async countDecidableApprovals(where, cap) {
      return countUpTo(
        tables.approvals(),
        (a) => {
          const terminal = textAt(a.view, ['terminal']);
          return (
            a.status === 'pending' &&
            a.expiresAt > where.expiresAfter &&
            where.kinds.includes(a.kind) &&
            a.requestedBy !== where.userId &&
            a.subject !== where.userId &&
            (terminal === null ? a.orgId === where.orgId : where.terminals.includes(terminal)) &&
            (a.kind !== 'hold.lift' || where.holdKinds.includes(textAt(a.view, ['change', 'kind']) ?? ''))
          );
        },
        cap,
      );
    },
    async countOpenAlerts(visibleTo, cap, notAboutUser) {
      return countUpTo(
        tables.alerts(),
        (a) =>
          a.status === 'open' &&
          (notAboutUser === undefined || a.subjectKind !== 'user' || a.subjectId !== notAboutUser) &&
          (visibleTo === undefined ||
            visibleTo.rules.includes(a.rule) ||
            a.orgId === visibleTo.orgId ||
            (a.terminal !== null && visibleTo.terminals.includes(a.terminal))),
        cap,
      );
    },
    async countSlotBookings(ranges, cap) {
      return countUpTo(
        tables.bookings(),
        (b) => ranges.some((range) => b.slotId >= range.fromSlotId && b.slotId < range.untilSlotId),
        cap,
      );
    },
    async countPendingDevices(orgId, cap) {
      return countUpTo(tables.devices(), (d) => d.orgId === orgId && d.status === 'pending', cap);
    },
    async countHeldBoxes(where, cap) {
      return countUpTo(
        tables.visits(),
        (v) => {
          const view = v.view as { onHold?: unknown; line?: unknown; holds?: { kind?: unknown }[] };
          return (
            view.onHold === true &&
            (view.holds ?? []).some((hold) => where.kinds.includes(String(hold.kind))) &&
            (where.terminals === undefined ||
              (v.terminal !== null && where.terminals.includes(v.terminal))) &&
            (where.line === undefined || view.line === where.line)
          );
        },
        cap,
      );
    },
  };
}
