import type {
  ApiTokenRecord,
  ApprovalRecord,
  ChallengeRecord,
  EnrolmentLinkRecord,
  OrganisationRecord,
  PasskeyRecord,
  PasswordCredential,
  SessionRecord,
  UserRecord,
} from '../../app/access/identity.ports.js';

/** An ISO 8601 instant on 2025-01-01, `minutes` after 08:00 UTC. */
export const at = (minutes: number) => new Date(Date.UTC(2025, 0, 1, 8, minutes)).toISOString();

/** Made-up hash bytes: 32 bytes from `seed`, every value from 0 to 255 reachable (so that a mangled blob shows). */
export const hashBytes = (seed: number) => new Uint8Array(32).map((_, i) => (seed * 37 + i * 11) % 256);

export function makeOrganisation(
  overrides: Partial<OrganisationRecord> & { orgId: string },
): OrganisationRecord {
  return {
    kind: 'terminal_operator',
    name: `Organisation ${overrides.orgId}`,
    code: overrides.orgId.toUpperCase(),
    terminals: ['T1', 'T2'],
    createdAt: at(0),
    ...overrides,
  };
}

export function makeUser(overrides: Partial<UserRecord> & { userId: string }): UserRecord {
  return {
    orgId: 'org-a',
    username: overrides.userId.toLowerCase(),
    displayName: 'Zoë Ångström',
    roles: ['gate_clerk', 'planner'],
    lockedAt: null,
    createdAt: at(0),
    securityEpoch: 1,
    ...overrides,
  };
}

export function makePasswordCredential(overrides: Partial<PasswordCredential> & { userId: string }) {
  const credential: PasswordCredential = {
    passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g',
    totpSecretSealed: hashBytes(9),
    totpLastStep: 0,
    ...overrides,
  };
  return credential;
}

export function makePasskey(overrides: Partial<PasskeyRecord> & { credentialId: string }): PasskeyRecord {
  return {
    userId: 'u-1',
    publicKey: new Uint8Array(77).map((_, i) => (i * 7 + 255) % 256),
    // Above 2^31: the WebAuthn counter is unsigned 32-bit.
    counter: 3_000_000_000,
    transports: ['internal', 'hybrid'],
    label: 'Laptop',
    createdAt: at(1),
    lastUsedAt: null,
    ...overrides,
  };
}

export function makeSession(overrides: Partial<SessionRecord> & { idHash: Uint8Array }): SessionRecord {
  return {
    userId: 'u-1',
    csrfToken: 'csrf-token',
    method: 'passkey',
    createdAt: at(0),
    lastSeenAt: at(5),
    expiresAt: at(720),
    stepUpAt: at(0),
    securityEpoch: 1,
    revokedAt: null,
    ip: '192.0.2.7',
    userAgent: 'Mozilla/5.0',
    ...overrides,
  };
}

export function makeEnrolmentLink(
  overrides: Partial<EnrolmentLinkRecord> & { tokenHash: Uint8Array },
): EnrolmentLinkRecord {
  return { userId: 'u-1', expiresAt: at(60), usedAt: null, issuedBy: 'u-admin', ...overrides };
}

export function makeApiToken(overrides: Partial<ApiTokenRecord> & { tokenId: string }): ApiTokenRecord {
  return {
    tokenHash: hashBytes([...overrides.tokenId].reduce((sum, c) => sum * 31 + c.charCodeAt(0), 7)),
    orgId: 'org-a',
    permissions: ['visits.read', 'visits.announce'],
    label: 'TOS integration',
    createdAt: at(0),
    expiresAt: at(60 * 24 * 90),
    revokedAt: null,
    lastUsedAt: null,
    ...overrides,
  };
}

export function makeChallenge(
  overrides: Partial<ChallengeRecord> & { challengeId: string },
): ChallengeRecord {
  return { challenge: 'q2Vx3sL0mYc', purpose: 'login', userId: null, expiresAt: at(5), ...overrides };
}

export function makeApproval(overrides: Partial<ApprovalRecord> & { requestId: string }): ApprovalRecord {
  return {
    kind: 'role_grant',
    subject: 'u-1',
    status: 'pending',
    requestedBy: 'u-admin',
    orgId: 'org-a',
    expiresAt: at(60),
    view: { before: { roles: ['gate_clerk'] }, after: { roles: ['gate_clerk', 'admin'] }, note: 'é ✓' },
    ...overrides,
  };
}
