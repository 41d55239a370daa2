/** The Release chain card: who accepted the right to collect the box, in turn, and to whom it is offered now. */
import { localDateTime } from '../clock.js';
import type { Release } from './visit-data.js';

function ReleaseChain({ release }: { release: Release | null | 'hidden' }) {
  if (release === 'hidden' || release === null)
    return <p className="muted">No release chain that you may see.</p>;
  return (
    <>
      <dl className="facts">
        <div>
          <dt>Line</dt>
          <dd>{release.line}</dd>
        </div>
        <div>
          <dt>Valid</dt>
          <dd>
            {localDateTime(release.validFrom)} – {localDateTime(release.validUntil)}
          </dd>
        </div>
        {release.holder !== undefined ? (
          <div>
            <dt>Holder</dt>
            <dd>{release.holder ?? '—'}</dd>
          </div>
        ) : null}
        {release.blocked ? (
          <div>
            <dt>Blocked</dt>
            <dd>{release.blockReason ?? 'Blocked by the line'}</dd>
          </div>
        ) : null}
        {release.revoked ? (
          <div>
            <dt>Revoked</dt>
            <dd>{release.revokeReason ?? 'Revoked'}</dd>
          </div>
        ) : null}
      </dl>
      <ol className="chain" aria-label="Release chain">
        {release.chain.map((link) => (
          <li key={link.position}>
            <strong>{link.orgId}</strong>
            <span className="muted">
              {' '}
              accepted {localDateTime(link.acceptedAt)}
              {link.from ? ` from ${link.from}` : ''}
            </span>
          </li>
        ))}
        {release.offer ? (
          <li className="chain-offer">
            Offered by {release.offer.from} to <strong>{release.offer.to}</strong>{' '}
            <span className="muted">{localDateTime(release.offer.offeredAt)}</span>
          </li>
        ) : null}
      </ol>
    </>
  );
}

export function VisitReleaseChain({ release }: { release: Release | null | 'hidden' }) {
  return (
    <section className="card card-wide" aria-labelledby="release-heading">
      <h2 id="release-heading">Release chain</h2>
      <ReleaseChain release={release} />
    </section>
  );
}
