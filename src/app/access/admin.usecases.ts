import { checkOrganisation, checkRoles, type OrgKind, type Role } from '../../domain/index.js';
import { AppError } from '../errors.js';
import type { JsonObject } from '../ports.js';
import { type AuthDeps, issueEnrolmentLink, runUserCommand } from './auth.usecases.js';
import type { OrganisationRecord, UserRecord } from './identity.ports.js';

/** Registers an organisation: an event in the audit log and its read model, in one transaction. */
export async function addOrganisation(
  deps: AuthDeps,
  input: { orgId: string; kind: string; name: string; code: string; terminals?: readonly string[] },
): Promise<OrganisationRecord> {
  const org = checkOrganisation({ ...input, terminals: input.terminals ?? [] });
  return deps.ledger.write(async (context) => {
    if (await context.tx.identity.findOrganisationByCode(org.code)) {
      throw new AppError('input.invalid', `an organisation with code ${org.code} exists`);
    }
    const record: OrganisationRecord = {
      orgId: org.orgId,
      kind: org.kind,
      name: org.name,
      code: org.code,
      terminals: [...(org.terminals ?? [])],
      createdAt: context.now.toISOString(),
    };
    await context.tx.identity.putOrganisation(record);
    await context.append(`org-${org.orgId}`, 0, [
      {
        type: 'OrganisationRegistered',
        data: { ...(record as unknown as JsonObject), at: record.createdAt },
      },
    ]);
    return record;
  });
}

export interface AddedUser {
  readonly user: UserRecord;
  /** The one-time enrolment link's token: every user enrols a first passkey with it. */
  readonly enrolmentToken: string;
  readonly enrolmentExpiresAt: string;
  /** Only for roles that may sign in with password + TOTP, when asked for. */
  readonly password?: string;
  readonly totpUri?: string;
}

/**
 * Registers a user with roles their organisation's kind may hold, and issues the one-time enrolment link. For
 * roles that may use password + TOTP, `withPassword` also sets an argon2id password and enrols a TOTP seed.
 */
export async function addUser(
  deps: AuthDeps,
  input: {
    userId: string;
    orgId: string;
    username: string;
    displayName: string;
    roles: readonly string[];
    issuedBy: string;
    withPassword?: { password: string };
  },
): Promise<AddedUser> {
  const username = input.username.trim().toLowerCase();
  if (!/^[a-z0-9._-]{2,64}$/.test(username)) {
    throw new AppError('input.invalid', 'a username is 2 to 64 of a-z, 0-9, dot, dash, underscore');
  }
  const passwordHash = input.withPassword
    ? await deps.security.passwords.hash(input.withPassword.password)
    : undefined;
  const totpSecret = input.withPassword ? deps.security.totp.newSecret() : undefined;
  const user = await deps.ledger.write(async (context) => {
    const { tx, now } = context;
    const org = await tx.identity.getOrganisation(input.orgId);
    if (!org) throw new AppError('input.invalid', `no organisation ${input.orgId}`);
    if (await tx.identity.findUserByUsername(username))
      throw new AppError('input.invalid', `username ${username} is taken`);
    const roles: Role[] = checkRoles(org.kind as OrgKind, input.roles);
    await runUserCommand(context, input.userId, {
      type: 'RegisterUser',
      userId: input.userId,
      orgId: org.orgId,
      orgKind: org.kind as OrgKind,
      displayName: input.displayName,
      roles,
    });
    const record: UserRecord = {
      userId: input.userId,
      orgId: org.orgId,
      username,
      displayName: input.displayName,
      roles,
      lockedAt: null,
      createdAt: now.toISOString(),
      securityEpoch: 0,
    };
    await tx.identity.putUser(record);
    if (passwordHash && totpSecret) {
      // The decider refuses a password for roles that must use a passkey: no password to steal at all.
      await runUserCommand(context, record.userId, { type: 'SetPassword' });
      await runUserCommand(context, record.userId, { type: 'EnrolTotp' });
      await tx.identity.putPasswordCredential({
        userId: record.userId,
        passwordHash,
        totpSecretSealed: deps.security.sealer.seal(totpSecret),
        totpLastStep: 0,
      });
    }
    return record;
  });
  const link = await issueEnrolmentLink(deps, { userId: user.userId, issuedBy: input.issuedBy });
  return {
    user,
    enrolmentToken: link.token,
    enrolmentExpiresAt: link.expiresAt,
    ...(input.withPassword && totpSecret
      ? {
          password: input.withPassword.password,
          totpUri: deps.security.totp.uri({ secret: totpSecret, account: username, issuer: 'PortLedger' }),
        }
      : {}),
  };
}
