/**
 * The release page's lists: offers to the organisation (with those looked up by reference until answered) and the
 * rights it holds, or its line issued, a page at a time.
 */
import { useCallback, useEffect, useState } from 'react';
import { isUnauthenticated, messageOf } from '../errors.js';
import { useSession } from '../session.js';
import {
  type ChangeOrder,
  type InboxList,
  type InboxView,
  inboxPage,
  type ReleaseRow,
  type StateFilter,
} from './inbox.js';
import { findRelease } from './release-api.js';

export type InboxState =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; offers: InboxList; rights: InboxList; lookedUp: ReleaseRow[] };

export type InboxListName = 'offers' | 'rights';

export function useReleaseInbox({
  receives,
  rightsView,
  rightsState = 'all',
  rightsOrder = 'desc',
}: {
  receives: boolean;
  rightsView: InboxView;
  /** The state the rights list is filtered by, on the server (issue 14). */
  rightsState?: StateFilter;
  /** The rights list's order by last change, read from the server in that order (issue 14). */
  rightsOrder?: ChangeOrder;
}) {
  const { signedOut } = useSession();
  const [state, setState] = useState<InboxState>({ status: 'loading' });
  const [lookedUp, setLookedUp] = useState<string[]>([]);
  const [more, setMore] = useState<InboxListName>();

  const load = useCallback(async () => {
    try {
      const [offers, rights, found] = await Promise.all([
        receives ? inboxPage('offers') : Promise.resolve<InboxList>({ items: [], nextCursor: null }),
        inboxPage(rightsView, undefined, rightsState, rightsOrder),
        Promise.all(
          lookedUp.map(async (visitRef) => {
            const release = await findRelease(visitRef);
            const row: ReleaseRow | undefined = release
              ? { visitRef, containerNumber: null, release }
              : undefined;
            return row;
          }),
        ),
      ]);
      setState({
        status: 'ready',
        offers,
        rights,
        lookedUp: found.filter((row): row is ReleaseRow => row !== undefined),
      });
    } catch (error) {
      if (isUnauthenticated(error)) signedOut();
      else setState({ status: 'error', message: messageOf(error) });
    }
  }, [signedOut, lookedUp, receives, rightsView, rightsState, rightsOrder]);

  useEffect(() => {
    void load();
  }, [load]);

  /** The next page of one list, appended below what is shown; `fail` shows why it could not be loaded. */
  async function showMore(list: InboxListName, fail: (error: unknown) => void) {
    if (state.status !== 'ready') return;
    const cursor = state[list].nextCursor;
    if (!cursor) return;
    setMore(list);
    try {
      const next =
        list === 'offers'
          ? await inboxPage('offers', cursor)
          : await inboxPage(rightsView, cursor, rightsState, rightsOrder);
      setState((current) =>
        current.status === 'ready'
          ? {
              ...current,
              [list]: { items: [...current[list].items, ...next.items], nextCursor: next.nextCursor },
            }
          : current,
      );
    } catch (error) {
      fail(error);
    } finally {
      setMore(undefined);
    }
  }

  /** An offer found by its visit reference joins the list, and is loaded again with it. */
  const addLookedUp = (visitRef: string) =>
    setLookedUp((refs) => (refs.includes(visitRef) ? refs : [...refs, visitRef]));

  return { state, load, more, showMore, addLookedUp };
}
