/** The rights the organisation holds, or its line issued: book, offer on, withdraw, block, unblock or revoke. */

import { localDateTime } from '../clock.js';
import { Button } from '../components.js';
import { Link } from '../router.js';
import { type InboxItem, partOf } from './inbox.js';
import type { Directory } from './party-directory.js';
import { releaseActions } from './release-api.js';
import type { ReleaseTools } from './release-tools.js';

export function RightsCard({
  rights,
  nextCursor,
  more,
  onShowMore,
  orgId,
  directory,
  may: { isLine, isDesk, isPlanner, mayBlock, mayRevoke },
  tools: { act, busy, open, number, party },
}: {
  rights: InboxItem[];
  nextCursor: string | null;
  more: boolean;
  onShowMore: () => void;
  orgId: string;
  directory: Directory;
  may: { isLine: boolean; isDesk: boolean; isPlanner: boolean; mayBlock: boolean; mayRevoke: boolean };
  tools: ReleaseTools;
}) {
  return (
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
                      {localDateTime(release.validFrom)} – {localDateTime(release.validUntil)}
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
      {nextCursor ? (
        <Button busy={more} busyLabel="Loading…" onClick={onShowMore}>
          Show more releases
        </Button>
      ) : null}
    </section>
  );
}
