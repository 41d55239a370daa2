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

/** The terminal's time zone when this browser knows it, else UTC (and the page says which). */
export function zoneOrUtc(timeZone: string | null): string {
  if (timeZone === null) return 'UTC';
  try {
    new Intl.DateTimeFormat(undefined, { timeZone });
    return timeZone;
  } catch {
    return 'UTC';
  }
}

/** Formats instants as the terminal's clocks show them: the gate works in terminal time, not the viewer's. */
export function terminalClock(timeZone: string | null) {
  const zone = zoneOrUtc(timeZone);
  const dateTime = new Intl.DateTimeFormat(undefined, {
    timeZone: zone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
  const time = new Intl.DateTimeFormat(undefined, { timeZone: zone, hour: '2-digit', minute: '2-digit' });
  return {
    zone,
    dateTime: (iso: string) => dateTime.format(new Date(iso)),
    time: (iso: string) => time.format(new Date(iso)),
  };
}

/** The gate's checks (`POST /v1/gate/transactions` verdicts), as the kiosk ticks or crosses them. */
const gateCheckNames: Record<string, string> = {
  'pass.device_signature': "Pass signed by the driver's confirmed phone",
  'pass.fresh': 'Pass is the current one (not a copy from earlier)',
  'pass.printed_disabled': 'Not a printed pass (printed passes are switched off here)',
  'credential.signature': 'Credential signature is valid',
  'credential.visit': 'Credential names a known box',
  'credential.unused': 'Credential not used before',
  'credential.current': 'Credential is the current one',
  'driver.badge': 'Driver badge matches',
  'truck.plate': 'Truck plate matches',
  'slot.window': 'Inside the slot window',
  'right.holder': 'Haulier holds the release right',
  'lights.green': 'All four lights green',
  'visit.in_yard': 'Box is in the yard',
  'gate.terminal': 'Box stands at this gate’s terminal',
  'visit.not_frozen': 'Box is not frozen',
};

export const gateCheckName = (check: string): string => gateCheckNames[check] ?? readable(check);

/** How a gate check came out, in the words the kiosk reads out beside its mark. */
const gateCheckStates: Record<string, { mark: string; words: string }> = {
  passed: { mark: '✓', words: 'passed' },
  failed: { mark: '✗', words: 'failed' },
  not_checked: { mark: '–', words: 'not checked' },
};

export const gateCheckState = (state: string): { mark: string; words: string } =>
  gateCheckStates[state] ?? { mark: '✗', words: readable(state) };

/** The detection rules whose alerts the Alerts page lists. */
const alertRuleNames: Record<string, string> = {
  'gate.refused': 'Gate refusal',
  'integrity.failed': 'Audit log integrity',
  'integrity.read_model_mismatch': 'Read model differs from the log',
  'auth.lockout': 'Account lockout',
  'lookup.bulk': 'Bulk position look-up',
  'auth.enrolment_repeated': 'Second enrolment attempt',
  'driver.device.enrolled_again': "Driver's phone set up again",
  'gate.printed_pass': 'Printed pickup pass used',
  'witness.lagging': 'Witnesses have not cosigned the log',
};

export const alertRuleName = (rule: string): string => alertRuleNames[rule] ?? readable(rule);

/** A driver's phone for pickup passes (`GET /v1/me/devices`, `GET /v1/drivers/devices`). */
const deviceStatusNames: Record<string, string> = {
  pending: 'Waiting for the planner to confirm',
  active: 'Confirmed: shows the pickup passes',
  rejected: 'Rejected by the planner',
  revoked: 'Replaced by another phone',
};

export const deviceStatusName = (status: string): string => deviceStatusNames[status] ?? readable(status);
