/**
 * The release side of the store (issue 4): the read model of each visit's release right and the organisations that
 * hold or held it. Both are derived from the `release-<visitRef>` stream in the transaction that appends to it
 * (`releases.usecases.ts`); the stream stays the record.
 */
import type { JsonObject } from '../../domain/index.js';

/** The current state of one visit's release right. */
export interface ReleaseRecord {
  readonly visitRef: string;
  readonly releaseId: string;
  /** The carrier code the release was issued under. */
  readonly line: string;
  readonly lineOrgId: string;
  /** Who holds the right now; `null` before the first acceptance and after a revoke. */
  readonly holder: string | null;
  /** The organisation an offer is pending to, if any. */
  readonly offeredTo: string | null;
  /** The number a pickup credential binds to. */
  readonly rightVersion: number;
  readonly blocked: boolean;
  readonly revoked: boolean;
  readonly validFrom: string;
  readonly validUntil: string;
  /** Version of the release stream this record was derived at. */
  readonly streamVersion: number;
  /** The domain's folded `Release`, as JSON. */
  readonly view: JsonObject;
  /** When the release last changed: the order of the inboxes. */
  readonly updatedAt: string;
}

/**
 * An organisation's release inbox: `offers` awaiting its answer, rights it `held` now, releases it `issued` (a
 * line). Whether the caller may see each one is the use case's business; this is only the index.
 */
export type ReleaseInboxView = 'offers' | 'held' | 'issued';

/** Where the previous page of an inbox ended: the last record's change time and visit. */
export interface ReleaseInboxCursor {
  readonly updatedAt: string;
  readonly visitRef: string;
}

/**
 * Which releases of an inbox (issue 14, the line's filter): in force (neither blocked nor revoked), blocked (and not
 * revoked), or revoked.
 */
export type ReleaseStateFilter = 'in_force' | 'blocked' | 'revoked';

export interface ReleaseInboxQuery {
  readonly orgId: string;
  readonly view: ReleaseInboxView;
  readonly limit: number;
  /** Only the releases in this state; every release when absent. */
  readonly state?: ReleaseStateFilter;
  /** Records strictly after this one in the inbox order. */
  readonly after?: ReleaseInboxCursor;
  /** `desc`: latest change first (the default); `asc`: oldest change first. Visit reference breaks ties the same way. */
  readonly direction?: 'asc' | 'desc';
}

/** Release reads, inside and outside a write transaction. */
export interface ReleaseReads {
  getRelease(visitRef: string): Promise<ReleaseRecord | undefined>;
  /** The organisations that hold or held the visit's right, in orgId order; empty when none. */
  releaseParties(visitRef: string): Promise<string[]>;
  /** One page of an organisation's inbox, latest change first (then visitRef, descending), or the reverse. */
  listReleaseInbox(query: ReleaseInboxQuery): Promise<ReleaseRecord[]>;
}

/** Release writes, in the transaction that appends the release events they derive from. */
export interface ReleaseWrites extends ReleaseReads {
  putRelease(record: ReleaseRecord): Promise<void>;
  /** Adds parties to the visit's list; a party already in it stays once. */
  addReleaseParties(visitRef: string, orgIds: readonly string[]): Promise<void>;
}
