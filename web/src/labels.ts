/** Human names for the codes the server speaks in. Unknown codes are shown readably rather than hidden. */

const roleNames: Record<string, string> = {
  gate_clerk: 'Gate clerk',
  yard_planner: 'Yard planner',
  equipment_operator: 'Equipment operator',
  terminal_supervisor: 'Terminal supervisor',
  release_desk: 'Release desk',
  haulier_planner: 'Haulier planner',
  driver: 'Driver',
  customs_officer: 'Customs officer',
  investigator: 'Investigator',
  administrator: 'Administrator',
};

const orgKindNames: Record<string, string> = {
  terminal_operator: 'Terminal operator',
  shipping_line: 'Shipping line',
  forwarder: 'Forwarder',
  haulier: 'Haulier',
  customs: 'Customs',
  port_police: 'Port police',
  port_administration: 'Port administration',
};

function readable(code: string): string {
  const words = code.replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export const roleName = (role: string): string => roleNames[role] ?? readable(role);
export const orgKindName = (kind: string): string => orgKindNames[kind] ?? readable(kind);

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const time = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTime.format(date);
}

export function formatTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : time.format(date);
}
