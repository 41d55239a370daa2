/**
 * The client networks an organisation declares (issue 15, stolen credentials): its offices' IP ranges, each with
 * where the office is. The detection engine places a sign-in by them, with no outside lookup service: a sign-in from
 * an undeclared network is new (`auth.new_device_or_network`), and two sign-ins from places farther apart than a
 * plane flies in the time between are impossible travel (`auth.impossible_travel`).
 *
 * A declaration is one `OrganisationNetworksSet` event on the organisation's own stream (`org-<orgId>`, where
 * `OrganisationRegistered` is), replacing the list before it whole; the log keeps every earlier list. Reading it
 * back folds the same stream, so what the engine sees and what the administrator reads are one thing.
 */
import { checkDeclaredNetworks, type DeclaredNetwork } from '../../domain/index.js';
import { AppError } from '../errors.js';
import type { JsonObject } from '../ports.js';
import type { AuthDeps } from './auth.usecases.js';

/** The event type of a declaration; its data is `{ orgId, networks: [{ cidr, place, lat, lon }], by, at }`. */
export const ORGANISATION_NETWORKS_SET = 'OrganisationNetworksSet';

/** The stream of an organisation's own events (registration, declared networks). */
export const organisationStream = (orgId: string) => `org-${orgId}`;

/** An organisation's declared networks as they stand, with who declared them and when (`null` before any). */
export interface OrganisationNetworks {
  readonly orgId: string;
  readonly networks: readonly DeclaredNetwork[];
  readonly setBy: string | null;
  readonly setAt: string | null;
}

/**
 * Declares `orgId`'s client networks, replacing the list before. Every entry is checked (a CIDR range with no bits
 * past its prefix, a place, latitude and longitude in range, no range twice): one bad entry refuses the whole list
 * (`input.invalid`, naming the field) and nothing is written. `by` is the administrator's user id (the API
 * checked their permission and step-up) or `cli:<os user>` (the operator at the machine).
 *
 * @example
 * ```ts
 * await setOrganisationNetworks(deps, {
 *   orgId: 'org-msc',
 *   by: admin.user.userId,
 *   networks: [{ cidr: '192.0.2.0/24', place: 'Antwerp', lat: 51.22, lon: 4.4 }],
 * });
 * ```
 */
export async function setOrganisationNetworks(
  deps: AuthDeps,
  input: { orgId: string; networks: unknown; by: string },
): Promise<OrganisationNetworks> {
  const checked = checkDeclaredNetworks(input.networks);
  if (!checked.ok) {
    throw new AppError('input.invalid', `${checked.field} ${checked.problem}`, { field: checked.field });
  }
  return deps.ledger.write(async (context) => {
    const org = await context.tx.identity.getOrganisation(input.orgId);
    if (!org) throw new AppError('org.not_found', `no organisation ${input.orgId}`, { orgId: input.orgId });
    const at = context.now.toISOString();
    const networks = checked.networks.map((n) => ({ cidr: n.cidr, place: n.place, lat: n.lat, lon: n.lon }));
    await context.appendAtEnd(organisationStream(org.orgId), [
      {
        type: ORGANISATION_NETWORKS_SET,
        data: { orgId: org.orgId, networks, by: input.by, at } as JsonObject,
      },
    ]);
    return { orgId: org.orgId, networks, setBy: input.by, setAt: at };
  });
}

/** `orgId`'s declared networks, folded from its stream; `org.not_found` when no such organisation is registered. */
export async function organisationNetworks(deps: AuthDeps, orgId: string): Promise<OrganisationNetworks> {
  const org = await deps.ledger.store.identity.getOrganisation(orgId);
  if (!org) throw new AppError('org.not_found', `no organisation ${orgId}`, { orgId });
  const last = (await deps.ledger.store.readStream(organisationStream(orgId))).findLast(
    (event) => event.type === ORGANISATION_NETWORKS_SET,
  );
  if (!last) return { orgId, networks: [], setBy: null, setAt: null };
  const checked = checkDeclaredNetworks(last.data.networks);
  return {
    orgId,
    // Written by `setOrganisationNetworks` after the same check; a list that fails it now was not written here.
    networks: checked.ok ? checked.networks : [],
    setBy: typeof last.data.by === 'string' ? last.data.by : null,
    setAt: typeof last.data.at === 'string' ? last.data.at : last.recordedAt,
  };
}
