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
 * The organisations a release can be offered to, by name (then id, byte order), optionally of one kind; with `limit`,
 * one page of them after the party `after` names (issue 13: the directory is every forwarder, haulier and line the
 * port ever registered). A narrow read beside the administrators' organisation list, which carries terminals and
 * creation dates.
 */
export async function listParties(
  reads: { readonly identity: Pick<IdentityReads, 'listOrganisations'> },
  query: {
    readonly kind?: PartyKind;
    /** Only parties whose name contains this text, in any case (issue 14). */
    readonly nameContains?: string;
    /** By name ascending (the default) or descending; `after` is the row before the page in that direction. */
    readonly direction?: 'asc' | 'desc';
    readonly after?: { readonly name: string; readonly orgId: string };
    readonly limit?: number;
  } = {},
): Promise<{ parties: Party[] }> {
  const organisations = await reads.identity.listOrganisations({
    orderBy: 'name',
    kinds: query.kind === undefined ? partyKinds : [query.kind],
    ...(query.nameContains === undefined ? {} : { nameContains: query.nameContains }),
    ...(query.direction === undefined ? {} : { direction: query.direction }),
    ...(query.after === undefined ? {} : { after: query.after }),
    ...(query.limit === undefined ? {} : { limit: query.limit }),
  });
  const parties: Party[] = [];
  for (const org of organisations) {
    if (!isPartyKind(org.kind)) continue;
    parties.push({ orgId: org.orgId, name: org.name, code: org.code, kind: org.kind });
  }
  return { parties };
}
