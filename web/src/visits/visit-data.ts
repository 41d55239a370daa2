/** The container page's data: the visit, its lights, release chain, history and the checkpoint to prove it by. */
import { useCallback, useEffect, useState } from 'react';
import { ApiError, apiGet, isApiError } from '../api.js';
import { isUnauthenticated, messageOf } from '../errors.js';
import { i18next } from '../i18n/index.js';
import type { Freeze } from './VisitFreeze.js';
import type { Slot } from './visit-actions-shared.js';

export interface Visit {
  visitRef: string;
  containerNumber: string;
  status: string;
  line: string;
  sizeType: string;
  fullEmpty: string;
  /** The bill of lading and booking the line named (DCSA names), when it named them. */
  transportDocumentReference?: string;
  carrierBookingReference?: string;
  slot?: Slot | null;
  slotText?: string | null;
  voidedVersions?: number[];
  holds: { holdId: string; kind: string; reason?: string; placedAt: string }[];
  /** The freeze in force; `null` (or absent) for viewers who are not told of freezes. */
  frozen?: Freeze | null;
  arrivedAt: string | null;
  departedAt: string | null;
}

export interface Lights {
  lights: { light: string; green: boolean; reasons: string[] }[];
  allGreen: boolean;
}

export interface Release {
  line: string;
  validFrom: string;
  validUntil: string;
  blocked: boolean;
  revoked: boolean;
  blockReason?: string | null;
  revokeReason?: string | null;
  chain: { position: number; orgId: string; from: string | null; acceptedAt: string }[];
  offer: { from: string; to: string; offeredAt: string } | null;
  holder?: string | null;
}

export interface HistoryEvent {
  index: number;
  leafHash: string;
  version: number;
  type: string;
  at: string;
  data: Record<string, unknown>;
}

export interface Checkpoint {
  treeSize: number;
  rootHash: string;
  signedAt: string;
  note: string;
  verifierKey: string;
}

export type Loaded = {
  visit: Visit;
  lights: Lights | undefined;
  release: Release | null | 'hidden';
  history: HistoryEvent[] | 'hidden';
  checkpoint: Checkpoint | undefined;
};

export type VisitState =
  | { status: 'loading' }
  | { status: 'error'; message: string; notFound: boolean }
  | { status: 'ready'; data: Loaded };

/** An answer the caller may not be allowed to see: `hidden` rather than an error. */
async function optional<T>(load: Promise<T>): Promise<T | 'hidden'> {
  try {
    return await load;
  } catch (error) {
    if (error instanceof ApiError && (error.status === 403 || error.status === 404)) return 'hidden';
    throw error;
  }
}

/** Resolves a container number to its current visit (the active one, else the latest). */
async function visitRefOf(containerNumber: string): Promise<string> {
  const { visits } = await apiGet<{ visits: (Visit & { announcedAt: string })[] }>(
    `/v1/visits?containerNumber=${encodeURIComponent(containerNumber)}&limit=50`,
  );
  const active = visits.find((visit) => visit.status === 'announced' || visit.status === 'in_yard');
  const latest = [...visits].sort((a, b) => b.announcedAt.localeCompare(a.announcedAt))[0];
  const chosen = active ?? latest;
  if (!chosen)
    throw new ApiError(
      404,
      'visit.not_found',
      i18next.t('visits:page.noSuchVisit', { number: containerNumber }),
    );
  return chosen.visitRef;
}

/**
 * Who takes part in, or oversees, a release chain; terminal staff see the commercial-release light instead, so the
 * page does not ask for a chain the server would answer with 404.
 */
const CHAIN_ORG_KINDS = new Set(['shipping_line', 'forwarder', 'haulier', 'customs', 'port_police']);

async function loadVisit(visitRef: string, orgKind: string, readsHistory: boolean): Promise<Loaded> {
  const ref = encodeURIComponent(visitRef);
  const [visit, lights, release, history, checkpoint] = await Promise.all([
    apiGet<Visit>(`/v1/visits/${ref}`),
    optional(apiGet<Lights>(`/v1/visits/${ref}/lights`)),
    CHAIN_ORG_KINDS.has(orgKind)
      ? optional(apiGet<Release>(`/v1/visits/${ref}/release`))
      : ('hidden' as const),
    readsHistory
      ? optional(apiGet<{ events: HistoryEvent[] }>(`/v1/visits/${ref}/history`))
      : ('hidden' as const),
    optional(apiGet<Checkpoint>('/v1/audit/checkpoint')),
  ]);
  return {
    visit,
    lights: lights === 'hidden' ? undefined : lights,
    release,
    history: history === 'hidden' ? 'hidden' : history.events,
    checkpoint: checkpoint === 'hidden' ? undefined : checkpoint,
  };
}

/**
 * Loads the visit named by its reference or its container number. `load(true)` reloads after an action without
 * blanking the page, so its confirmation and focus stay in place.
 */
export function useVisit({
  visitRef,
  containerNumber,
  orgKind,
  readsHistory,
  signedOut,
}: {
  visitRef: string | undefined;
  containerNumber: string | undefined;
  orgKind: string;
  readsHistory: boolean;
  signedOut: () => void;
}) {
  const [state, setState] = useState<VisitState>({ status: 'loading' });
  const load = useCallback(
    async (quiet = false) => {
      if (!quiet) setState({ status: 'loading' });
      try {
        const ref = visitRef ?? (await visitRefOf(containerNumber ?? ''));
        setState({ status: 'ready', data: await loadVisit(ref, orgKind, readsHistory) });
      } catch (error) {
        if (isUnauthenticated(error)) signedOut();
        else
          setState({
            status: 'error',
            notFound: isApiError(error, 'visit.not_found'),
            message: isApiError(error, 'visit.not_found')
              ? i18next.t('errors:codes.visit.not_found')
              : messageOf(error),
          });
      }
    },
    [visitRef, containerNumber, signedOut, orgKind, readsHistory],
  );
  useEffect(() => {
    void load();
  }, [load]);
  return { state, load };
}
