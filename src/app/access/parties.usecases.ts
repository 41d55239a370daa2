import type { OrgKind } from '../../domain/index.js';
import type { IdentityReads } from './identity.ports.js';

/** The organisation kinds a release right can be issued or offered to (MISSION §3: line → forwarders → haulier). */
export const partyKinds = ['forwarder', 'haulier', 'shipping_line'] as const satisfies readonly OrgKind[];

export type PartyKind = (typeof partyKinds)[number];

/**
 * One entry of the party directory: who the organisation is, nothing more. No users, no terminals, no dates: a
 * release desk needs to name the next party, not learn who works there.
 */
export interface Party {
  readonly orgId: string;
  readonly name: string;
  readonly code: string;
  readonly kind: PartyKind;
}

const isPartyKind = (kind: string): kind is PartyKind => (partyKinds as readonly string[]).includes(kind);

/**
 * The organisations a release can be offered to, by name, optionally of one kind. A narrow read beside the
 * administrators' organisation list, which carries terminals and creation dates.
 */
export async function listParties(
  reads: { readonly identity: Pick<IdentityReads, 'listOrganisations'> },
  query: { readonly kind?: PartyKind } = {},
): Promise<{ parties: Party[] }> {
  const organisations = await reads.identity.listOrganisations();
  const parties: Party[] = [];
  for (const org of organisations) {
    if (!isPartyKind(org.kind)) continue;
    if (query.kind !== undefined && org.kind !== query.kind) continue;
    parties.push({ orgId: org.orgId, name: org.name, code: org.code, kind: org.kind });
  }
  parties.sort((a, b) => a.name.localeCompare(b.name, 'en') || a.orgId.localeCompare(b.orgId));
  return { parties };
}
