import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { apiGet, type Session } from '../api.js';
import { BookingPanel } from '../booking.js';
import { Button, Field, Loading, Notice, PageHeading } from '../components.js';
import { isUnauthenticated, messageOf } from '../errors.js';
import { formatDateTime } from '../labels.js';
import { findRelease, type Release, releaseActions } from '../pickup.js';
import {
  AnnounceForm,
  type Directory,
  IssueReleaseForm,
  PartyPicker,
  partyLabel,
  usePartyDirectory,
} from '../release-forms.js';
import { Link } from '../router.js';
import { holds as sessionHolds, useSession } from '../session.js';
import { useAction } from '../use-action.js';

/** One row of a release inbox, as `GET /v1/releases` answers (src/http/release.routes.ts). */
interface InboxItem {
  visitRef: string;
  containerNumber: string | null;
  releaseId: string;
  line: string;
  state: 'offered' | 'held' | 'issued' | 'blocked' | 'revoked';
  from: string | null;
  to: string | null;
  offeredAt: string | null;
  acceptedAt: string | null;
  validFrom: string;
  validUntil: string;
  updatedAt: string;
  release: Release;
}

interface InboxList {
  items: InboxItem[];
  nextCursor: string | null;
}

type InboxView = 'offers' | 'held' | 'issued';

const PAGE_SIZE = 25;

async function inboxPage(view: InboxView, cursor?: string): Promise<InboxList> {
  const query = `view=${view}&limit=${PAGE_SIZE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
  const { items, nextCursor } = await apiGet<InboxList>(`/v1/releases?${query}`);
  return { items, nextCursor };
}

/** A row the page acts on: the box (its number when the caller may know it) and the chain as the caller sees it. */
type ReleaseRow = Pick<InboxItem, 'visitRef' | 'containerNumber' | 'release'>;

type PageState =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; offers: InboxList; rights: InboxList; lookedUp: ReleaseRow[] };

type Panel =
  | { kind: 'offer'; row: ReleaseRow }
  | { kind: 'revoke'; row: ReleaseRow }
  | { kind: 'block'; row: ReleaseRow }
  | { kind: 'deny'; row: ReleaseRow }
  | { kind: 'book'; row: ReleaseRow };

/** What the caller's organisation is to this release; parties by name where the directory knows them. */
function partOf(row: ReleaseRow, orgId: string, isLine: boolean, directory: Directory): string {
  const { release } = row;
  const party = (id: string) => partyLabel(directory, id);
  if (release.revoked) return 'Revoked';
  if (release.offer?.to === orgId) return 'Offered to you';
  if (release.holder === orgId)
    return release.offer ? `You hold it; offered to ${party(release.offer.to)}` : 'You hold it';
  if (isLine) {
    if (release.holder) return `Held by ${party(release.holder)}`;
    return release.offer ? `Offered to ${party(release.offer.to)}` : 'Your line';
  }
  if (release.chain.some((link) => link.orgId === orgId)) return 'Passed on';
  return '—';
}

/** Release desks and haulier planners: offers to accept or deny, rights to pass on or revoke, pickups to book. */
export function ReleasesPage({ session }: { session: Session }) {
  const { signedOut } = useSession();
  const { orgId, orgKind, roles } = session.user;
  const isLine = orgKind === 'shipping_line';
  const isDesk = roles.includes('release_desk');
  const isPlanner = roles.includes('haulier_planner');
  const receives = sessionHolds(session, 'release.accept') || sessionHolds(session, 'release.deny');
  const mayAnnounce = sessionHolds(session, 'visit.announce');
  const mayIssue = sessionHolds(session, 'release.issue');
  const mayBlock = sessionHolds(session, 'release.block');
  const mayRevoke = sessionHolds(session, 'release.revoke');
  const { directory, reload: reloadDirectory } = usePartyDirectory(
    sessionHolds(session, 'party.directory.read'),
  );
  // Bumped when a box is announced or released, so that the issue form lists the boxes again.
  const [boxesChanged, setBoxesChanged] = useState(0);
  const rightsView: InboxView = isLine ? 'issued' : 'held';
  const [state, setState] = useState<PageState>({ status: 'loading' });
  const [panel, setPanel] = useState<Panel>();
  const [to, setTo] = useState('');
  const [reason, setReason] = useState('');
  const [lookedUp, setLookedUp] = useState<string[]>([]);
  const [lookup, setLookup] = useState('');
  const [lookupError, setLookupError] = useState<string>();
  const [lookingUp, setLookingUp] = useState(false);
  const [more, setMore] = useState<'offers' | 'rights'>();

  const load = useCallback(async () => {
    try {
      const [offers, rights, found] = await Promise.all([
        receives ? inboxPage('offers') : Promise.resolve<InboxList>({ items: [], nextCursor: null }),
        inboxPage(rightsView),
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
  }, [signedOut, lookedUp, receives, rightsView]);

  useEffect(() => {
    void load();
  }, [load]);

  const {
    run,
    busyKey: busy,
    done,
    setDone,
    fail,
    clear,
    feedback,
    cancel,
  } = useAction({
    reload: async () => {
      await load();
      setBoxesChanged((n) => n + 1);
    },
  });

  /** The next page of one list, appended below what is shown. */
  async function showMore(list: 'offers' | 'rights') {
    if (state.status !== 'ready') return;
    const cursor = state[list].nextCursor;
    if (!cursor) return;
    setMore(list);
    try {
      const next = await inboxPage(list === 'offers' ? 'offers' : rightsView, cursor);
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

  async function findOffer(event: FormEvent) {
    event.preventDefault();
    const visitRef = lookup.trim();
    setLookupError(undefined);
    if (!visitRef) return setLookupError('Enter the visit reference from the offer.');
    setLookingUp(true);
    try {
      const release = await findRelease(visitRef);
      if (!release) setLookupError(`There is no release of ${visitRef} that you may see.`);
      else {
        setLookedUp((refs) => (refs.includes(visitRef) ? refs : [...refs, visitRef]));
        setLookup('');
      }
    } catch (error) {
      if (isUnauthenticated(error)) signedOut();
      else setLookupError(messageOf(error));
    } finally {
      setLookingUp(false);
    }
  }

  const act = (key: string, label: string, action: () => Promise<unknown>, success: string) =>
    run(key, label, action, {
      done: success,
      after: () => {
        setPanel(undefined);
        setTo('');
        setReason('');
      },
    });

  function open(next: Panel) {
    cancel();
    clear();
    setTo('');
    setReason('');
    setPanel(next);
  }

  if (state.status === 'loading')
    return (
      <div className="page">
        <PageHeading title="Releases" />
        <Loading label="Loading the releases…" />
      </div>
    );
  if (state.status === 'error')
    return (
      <div className="page">
        <PageHeading title="Releases" />
        <Notice tone="error" title="The releases could not be loaded">
          <p>{state.message}</p>
          <Button onClick={() => void load()}>Try again</Button>
        </Notice>
      </div>
    );

  const inboxOffers = new Set(state.offers.items.map((item) => item.visitRef));
  // The inbox lists every offer awaiting the organisation; one looked up by reference joins it until it is answered.
  const offers: ReleaseRow[] = [
    ...state.offers.items,
    ...state.lookedUp.filter((row) => !inboxOffers.has(row.visitRef)),
  ].filter((row) => row.release.offer?.to === orgId && !row.release.revoked);
  const rights = state.rights.items;
  const number = (row: ReleaseRow) => row.containerNumber ?? `visit ${row.visitRef}`;
  const party = (id: string) => partyLabel(directory, id);
  const released = new Set(rights.map((row) => row.visitRef));

  async function issued(message: string) {
    clear();
    setDone(message);
    await load();
    setBoxesChanged((n) => n + 1);
  }

  function submitPanel(event: FormEvent) {
    event.preventDefault();
    if (!panel) return;
    const { visitRef } = panel.row;
    if (panel.kind === 'offer') {
      const target = to;
      if (!target) return fail('Choose the forwarder or haulier to offer the right to.');
      void act(
        `offer:${visitRef}`,
        'offer the right',
        () => releaseActions.offer(visitRef, target),
        `The right to collect ${number(panel.row)} is offered to ${party(target)}. It moves when they accept.`,
      );
    } else if (panel.kind === 'block') {
      if (!reason.trim()) return fail('Give a reason: every party in the chain is told.');
      void act(
        `block:${visitRef}`,
        'block the release',
        () => releaseActions.block(visitRef, reason.trim()),
        `The release of ${number(panel.row)} is blocked: no transfer and no pickup until you unblock it.`,
      );
    } else if (panel.kind === 'revoke') {
      if (!reason.trim()) return fail('Give a reason: everyone downstream is told.');
      void act(
        `revoke:${visitRef}`,
        'revoke the release',
        () => releaseActions.revoke(visitRef, reason.trim()),
        `The release of ${number(panel.row)} is revoked. Every holder downstream is cut off and their pickup credentials are void.`,
      );
    } else if (panel.kind === 'deny') {
      void act(
        `deny:${visitRef}`,
        'deny the offer',
        () => releaseActions.deny(visitRef, reason.trim() || undefined),
        `You refused the right to collect ${number(panel.row)}. The sender keeps it.`,
      );
    }
  }

  return (
    <div className="page">
      <PageHeading title="Releases" />
      <p className="muted">
        The right to collect a box passes from the line to the next party, who accepts it. Nobody collects
        with a PIN: the holding haulier books a slot naming one driver and truck.
      </p>
      {done ? <Notice tone="success">{done}</Notice> : null}
      {feedback}

      {mayAnnounce ? <AnnounceForm onAnnounced={() => setBoxesChanged((n) => n + 1)} /> : null}
      {mayIssue ? (
        <IssueReleaseForm
          directory={directory}
          reloadDirectory={reloadDirectory}
          released={released}
          refresh={boxesChanged}
          onIssued={(message) => void issued(message)}
        />
      ) : null}

      {receives ? (
        <section className="card" aria-labelledby="offers-heading">
          <h2 id="offers-heading">Offers to you</h2>
          <form className="lookup" onSubmit={(event) => void findOffer(event)} noValidate>
            <Field
              label="Find an offer by visit reference"
              hint="Every offer to your organisation is listed below; look one up by its reference if you were sent it."
              value={lookup}
              onChange={(event) => setLookup(event.target.value)}
              error={lookupError}
              autoComplete="off"
              spellCheck={false}
              maxLength={64}
            />
            <Button type="submit" busy={lookingUp} busyLabel="Looking…">
              Find offer
            </Button>
          </form>
          {offers.length === 0 ? (
            <p className="muted">No right to collect is waiting for you to accept.</p>
          ) : (
            <div className="table-wrap">
              <table className="table">
                <caption className="visually-hidden">Offers to you</caption>
                <thead>
                  <tr>
                    <th scope="col">Container</th>
                    <th scope="col">Line</th>
                    <th scope="col">From</th>
                    <th scope="col">Offered</th>
                    <th scope="col">Valid</th>
                    <th scope="col" className="actions">
                      Actions
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {offers.map((row) => (
                    <tr key={row.visitRef}>
                      <th scope="row" className="mono">
                        {row.containerNumber ?? row.visitRef}
                      </th>
                      <td>{row.release.line}</td>
                      <td>{row.release.offer ? party(row.release.offer.from) : '—'}</td>
                      <td>{formatDateTime(row.release.offer?.offeredAt)}</td>
                      <td>
                        {formatDateTime(row.release.validFrom)} – {formatDateTime(row.release.validUntil)}
                      </td>
                      <td className="actions">
                        <span className="button-row button-row-end">
                          <Button
                            variant="primary"
                            busy={busy === `accept:${row.visitRef}`}
                            busyLabel="Accepting…"
                            aria-label={`Accept the right to collect visit ${row.visitRef}`}
                            onClick={() =>
                              void act(
                                `accept:${row.visitRef}`,
                                'accept the right',
                                () => releaseActions.accept(row.visitRef),
                                `You hold the right to collect ${number(row)}.`,
                              )
                            }
                          >
                            Accept
                          </Button>
                          <Button
                            aria-label={`Deny the right to collect visit ${row.visitRef}`}
                            onClick={() => open({ kind: 'deny', row })}
                          >
                            Deny
                          </Button>
                        </span>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {state.offers.nextCursor ? (
            <Button busy={more === 'offers'} busyLabel="Loading…" onClick={() => void showMore('offers')}>
              Show more offers
            </Button>
          ) : null}
        </section>
      ) : null}

      <section className="card" aria-labelledby="rights-heading">
        <h2 id="rights-heading">{isLine ? "Your line's releases" : 'Rights you hold'}</h2>
        {rights.length === 0 ? (
          <p className="muted">
            {isLine ? 'Your line has issued no release yet.' : 'You hold no right to collect.'}
          </p>
        ) : (
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">Releases</caption>
              <thead>
                <tr>
                  <th scope="col">Container</th>
                  <th scope="col">{isLine ? 'Holder or offered to' : 'From'}</th>
                  <th scope="col">Valid</th>
                  <th scope="col">Your part</th>
                  <th scope="col" className="actions">
                    Actions
                  </th>
                </tr>
              </thead>
              <tbody>
                {rights.map((row) => {
                  const { release, visitRef } = row;
                  const holds = release.holder === orgId && !release.revoked;
                  const offeredByMe = release.offer?.from === orgId;
                  return (
                    <tr key={visitRef}>
                      <th scope="row">
                        <Link to={`/visits/${encodeURIComponent(visitRef)}`} className="mono">
                          {row.containerNumber ?? visitRef}
                        </Link>
                      </th>
                      <td>
                        {(() => {
                          const other = isLine ? row.to : row.from;
                          return other ? party(other) : '—';
                        })()}
                        {release.blocked ? <span className="chip chip-hold">Blocked</span> : null}
                      </td>
                      <td>
                        {formatDateTime(release.validFrom)} – {formatDateTime(release.validUntil)}
                      </td>
                      <td>{partOf(row, orgId, isLine, directory)}</td>
                      <td className="actions">
                        <span className="button-row button-row-end">
                          {holds && isPlanner ? (
                            <Button
                              variant="primary"
                              aria-label={`Book the pickup of ${number(row)}`}
                              onClick={() => open({ kind: 'book', row })}
                            >
                              Book pickup
                            </Button>
                          ) : null}
                          {holds && isDesk && !release.offer ? (
                            <Button
                              aria-label={`Offer the right to collect ${number(row)}`}
                              onClick={() => open({ kind: 'offer', row })}
                            >
                              Offer on
                            </Button>
                          ) : null}
                          {offeredByMe ? (
                            <Button
                              busy={busy === `withdraw:${visitRef}`}
                              busyLabel="Withdrawing…"
                              aria-label={`Withdraw the offer of ${number(row)}`}
                              onClick={() =>
                                void act(
                                  `withdraw:${visitRef}`,
                                  'withdraw the offer',
                                  () => releaseActions.withdraw(visitRef),
                                  `Your offer of ${number(row)} is withdrawn; you keep the right.`,
                                )
                              }
                            >
                              Withdraw offer
                            </Button>
                          ) : null}
                          {isLine && mayBlock && !release.revoked && !release.blocked ? (
                            <Button
                              aria-label={`Block the release of ${number(row)}`}
                              onClick={() => open({ kind: 'block', row })}
                            >
                              Block
                            </Button>
                          ) : null}
                          {isLine && mayBlock && !release.revoked && release.blocked ? (
                            <Button
                              busy={busy === `unblock:${visitRef}`}
                              busyLabel="Unblocking…"
                              aria-label={`Unblock the release of ${number(row)}`}
                              onClick={() =>
                                void act(
                                  `unblock:${visitRef}`,
                                  'unblock the release',
                                  () => releaseActions.unblock(visitRef),
                                  `The release of ${number(row)} is unblocked; the right may move and the box be collected again.`,
                                )
                              }
                            >
                              Unblock
                            </Button>
                          ) : null}
                          {isLine && mayRevoke && !release.revoked ? (
                            <Button
                              variant="danger"
                              aria-label={`Revoke the release of ${number(row)}`}
                              onClick={() => open({ kind: 'revoke', row })}
                            >
                              Revoke
                            </Button>
                          ) : null}
                        </span>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
        {state.rights.nextCursor ? (
          <Button busy={more === 'rights'} busyLabel="Loading…" onClick={() => void showMore('rights')}>
            Show more releases
          </Button>
        ) : null}
      </section>

      {panel && panel.kind !== 'book' ? (
        <section className="card" aria-labelledby="panel-heading">
          <form className="stack" onSubmit={submitPanel} noValidate>
            <h2 id="panel-heading">
              {panel.kind === 'offer'
                ? `Offer the right to collect ${number(panel.row)}`
                : panel.kind === 'revoke'
                  ? `Revoke the release of ${number(panel.row)}`
                  : panel.kind === 'block'
                    ? `Block the release of ${number(panel.row)}`
                    : `Deny the right to collect ${number(panel.row)}`}
            </h2>
            {panel.kind === 'offer' ? (
              <PartyPicker
                label="Offer to"
                hint="The forwarder or haulier who receives the right next; it moves when they accept."
                directory={directory}
                reload={reloadDirectory}
                value={to}
                onChange={setTo}
                exclude={orgId}
                autoFocus
              />
            ) : (
              <Field
                label={panel.kind === 'deny' ? 'Reason (optional)' : 'Reason'}
                hint={
                  panel.kind === 'revoke'
                    ? 'Every holder downstream is cut off, and their pickup credentials stop working.'
                    : panel.kind === 'block'
                      ? 'Every party in the chain is told; nobody can pass the right on or collect the box.'
                      : 'The sender sees it.'
                }
                value={reason}
                onChange={(event) => setReason(event.target.value)}
                maxLength={500}
                required={panel.kind !== 'deny'}
                autoFocus
              />
            )}
            <div className="button-row">
              <Button
                type="submit"
                variant={panel.kind === 'revoke' || panel.kind === 'block' ? 'danger' : 'primary'}
                busy={busy !== undefined}
                busyLabel="Sending…"
              >
                {panel.kind === 'offer'
                  ? 'Offer the right'
                  : panel.kind === 'revoke'
                    ? 'Revoke'
                    : panel.kind === 'block'
                      ? 'Block the release'
                      : 'Deny'}
              </Button>
              <Button variant="quiet" onClick={() => setPanel(undefined)}>
                Cancel
              </Button>
            </div>
          </form>
        </section>
      ) : null}

      {panel?.kind === 'book' ? (
        <BookingPanel
          key={panel.row.visitRef}
          visitRef={panel.row.visitRef}
          containerNumber={number(panel.row)}
          onClose={() => setPanel(undefined)}
        />
      ) : null}
    </div>
  );
}
