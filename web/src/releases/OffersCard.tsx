/** Offers of a right to collect awaiting the organisation: accept one, or deny it with a reason. */

import { localDateTime } from '../clock.js';
import { Button } from '../components.js';
import type { ReleaseRow } from './inbox.js';
import { OfferLookup, type useOfferLookup } from './OfferLookup.js';
import { releaseActions } from './release-api.js';
import type { ReleaseTools } from './release-tools.js';

export function OffersCard({
  offers,
  nextCursor,
  more,
  onShowMore,
  lookup,
  tools: { act, busy, open, number, party },
}: {
  offers: ReleaseRow[];
  nextCursor: string | null;
  more: boolean;
  onShowMore: () => void;
  lookup: ReturnType<typeof useOfferLookup>;
  tools: ReleaseTools;
}) {
  return (
    <section className="card" aria-labelledby="offers-heading">
      <h2 id="offers-heading">Offers to you</h2>
      <OfferLookup lookup={lookup} />
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
                  <td>{localDateTime(row.release.offer?.offeredAt)}</td>
                  <td>
                    {localDateTime(row.release.validFrom)} – {localDateTime(row.release.validUntil)}
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
      {nextCursor ? (
        <Button busy={more} busyLabel="Loading…" onClick={onShowMore}>
          Show more offers
        </Button>
      ) : null}
    </section>
  );
}
