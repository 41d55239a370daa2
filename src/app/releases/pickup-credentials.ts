/**
 * The pickup credentials a release right stands behind. A credential binds the right as it was when it was
 * issued: when the right changes hands, is blocked, revoked or re-dated, or the booking it was issued for changes,
 * every credential issued under it is void. Releases and appointments both void them, so the voiding lives here,
 * below appointments, which issue them.
 */
import type { WriteContext } from '../ledger/index.js';

/** The stream of a visit's pickup credentials: issued, used and voided. */
export const pickupStreamId = (visitRef: string) => `pickup-${visitRef}`;

/**
 * Voids every active credential of a visit (a change of the right, a revoke). The gate refuses them anyway once
 * a version they bind has moved; voiding them also says so in the record.
 */
export async function voidCredentials(
  context: WriteContext,
  visitRef: string,
  reason: string,
): Promise<string[]> {
  const { tx } = context;
  const at = context.now.toISOString();
  const active = await tx.gate.activeCredentials(visitRef);
  if (active.length === 0) return [];
  for (const credential of active)
    await tx.gate.putCredential({ ...credential, status: 'void', closedAt: at });
  const streamId = pickupStreamId(visitRef);
  const version = (await tx.readStream(streamId)).length;
  const ids = active.map((c) => c.credentialId);
  await context.append(streamId, version, [
    { type: 'PickupCredentialsVoided', data: { visitRef, credentialIds: ids, reason, at } },
  ]);
  return ids;
}
