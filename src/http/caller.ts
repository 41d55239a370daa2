import type { FastifyRequest } from 'fastify';
import { AppError } from '../app/errors.js';
import type { LedgerReads } from '../app/ports.js';
import { principalOf } from '../app/visits/index.js';
import { type OrgKind, type Principal, rolesFor } from '../domain/index.js';
import { requireAuth } from './auth.plugin.js';

/**
 * The caller as need-to-know sees them: a signed-in person, or a machine client (EDI feed, DCSA subscriber)
 * acting for its organisation with the roles that organisation's kind may hold. The route's permission was
 * already checked against the token's own list by the session plugin.
 */
export async function callerOf(reads: LedgerReads, request: FastifyRequest): Promise<Principal> {
  const token = request.apiToken;
  if (!token) return principalOf(requireAuth(request));
  const org = await reads.identity.getOrganisation(token.orgId);
  if (!org) throw new AppError('auth.token_invalid', "the token's organisation no longer exists");
  return {
    userId: `token:${token.tokenId}`,
    orgId: org.orgId,
    orgKind: org.kind as OrgKind,
    orgCode: org.code,
    terminals: [...org.terminals],
    roles: rolesFor(org.kind as OrgKind),
  };
}
