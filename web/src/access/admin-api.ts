/** What the administration page reads and writes: organisations, users, enrolment links and API tokens. */

export interface Organisation {
  orgId: string;
  kind: string;
  name: string;
  code: string;
  terminals: string[];
  createdAt: string;
}

export interface User {
  userId: string;
  orgId: string;
  username: string;
  displayName: string;
  roles: string[];
  lockedAt: string | null;
  createdAt: string;
}

export interface EnrolmentLink {
  url: string;
  expiresAt: string;
}

export interface ApiToken {
  tokenId: string;
  orgId: string;
  permissions: string[];
  label: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

/** The answer to adding a user: the one-time enrolment link and the role grants filed for a second administrator. */
export interface AddedUser {
  user: User;
  enrolment: EnrolmentLink;
  roleRequests: { requestId: string; role: string }[];
}

export const ORG_KINDS = [
  'terminal_operator',
  'shipping_line',
  'forwarder',
  'haulier',
  'customs',
  'port_police',
  'port_administration',
];

export const ROLES = [
  'gate_clerk',
  'yard_planner',
  'equipment_operator',
  'terminal_supervisor',
  'release_desk',
  'haulier_planner',
  'driver',
  'customs_officer',
  'investigator',
  'administrator',
];

/** What an action achieved, as the notice at the top shows it. */
export interface Outcome {
  title: string;
  body?: string;
}

/**
 * Sends one administration action with the page's shared busy state, outcome and step-up; `stepUp` marks the actions
 * the server guards with a fresh passkey step-up, whose dialog then opens before the call when the session's lapsed.
 */
export type AdminAct = (
  key: string,
  label: string,
  call: () => Promise<void>,
  options?: { stepUp?: boolean },
) => Promise<void>;

/** The administration actions the server asks a fresh step-up for: adding a user, role grants, passkey resets. */
export const NEEDS_STEP_UP = { stepUp: true } as const;

/** Splits "a, b c" into its items, as the comma-separated fields are typed. */
export const listOf = (text: string) =>
  text
    .split(/[,\s]+/)
    .map((item) => item.trim())
    .filter(Boolean);
