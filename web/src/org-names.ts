/**
 * Organisations by name rather than by code ("Mediterranean Lines to Fast Forwarding", not "org-line to org-fwd"),
 * from the party directory (`GET /v1/parties`), fetched once per page load for those who may read it. Whoever may
 * not (a terminal, customs, the police) sees the code, which is all the server tells them.
 */
import { useEffect, useSyncExternalStore } from 'react';
import type { Session } from './api.js';
import { type Party, partyDirectory } from './releases/release-api.js';
import { holds } from './session.js';

type State = { status: 'idle' | 'loading' | 'failed' } | { status: 'ready'; parties: Party[] };
let state: State = { status: 'idle' };
const listeners = new Set<() => void>();

function set(next: State): void {
  state = next;
  for (const listener of listeners) listener();
}

function load(): void {
  if (state.status !== 'idle') return;
  set({ status: 'loading' });
  partyDirectory()
    .then((parties) => set({ status: 'ready', parties }))
    .catch(() => set({ status: 'failed' }));
}

const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

export interface OrgNames {
  /** "Fast Forwarding (org-fwd)" when the directory knows the organisation, its id otherwise. */
  party(orgId: string | null | undefined): string;
  /** "Mediterranean Lines (MSCU)" for a line's carrier code, the code otherwise. */
  line(code: string | null | undefined): string;
}

/** Names of organisations for `session`, from the directory when the session may read it. */
export function useOrgNames(session: Session): OrgNames {
  const may = holds(session, 'party.directory.read');
  const current = useSyncExternalStore(
    subscribe,
    () => state,
    () => state,
  );
  useEffect(() => {
    if (may) load();
  }, [may]);
  const parties = may && current.status === 'ready' ? current.parties : [];
  return {
    party: (orgId) => {
      if (!orgId) return '—';
      const party = parties.find((p) => p.orgId === orgId);
      return party ? `${party.name} (${orgId})` : orgId;
    },
    line: (code) => {
      if (!code) return '—';
      const party = parties.find((p) => p.kind === 'shipping_line' && p.code === code);
      return party ? `${party.name} (${code})` : code;
    },
  };
}
