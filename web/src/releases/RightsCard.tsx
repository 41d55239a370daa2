/** The rights the organisation holds, or its line issued: book, offer on, withdraw, block, unblock or revoke. */
import { type ReactNode, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { localDateTime } from '../clock.js';
import { Button } from '../components.js';
import { Link } from '../router.js';
import { type InboxItem, partOf } from './inbox.js';
import type { Directory } from './party-directory.js';
import { releaseActions } from './release-api.js';
import type { ReleaseTools } from './release-tools.js';

/**
 * A row's rarer actions behind a disclosure button (issue 14): revoking cuts off everyone downstream and cannot be
 * undone, so it is not a red button on every row, one slip of the mouse away; it opens the revoke form, which asks
 * for the reason and a step-up before anything happens.
 */
function MoreActions({ label, children }: { label: string; children: ReactNode }) {
  const { t } = useTranslation('releases');
  const [open, setOpen] = useState(false);
  const id = useId();
  return (
    <span className="more-actions">
      <Button
        variant="quiet"
        aria-label={label}
        aria-expanded={open}
        aria-controls={id}
        onClick={() => setOpen(!open)}
      >
        {t('rights.moreActions')}
      </Button>
      <span id={id} hidden={!open}>
        {children}
      </span>
    </span>
  );
}

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
  const { t } = useTranslation('releases');
  return (
    <section className="card" aria-labelledby="rights-heading">
      <h2 id="rights-heading">{isLine ? t('rights.headingLine') : t('rights.heading')}</h2>
      {rights.length === 0 ? (
        <p className="muted">{isLine ? t('rights.noneLine') : t('rights.none')}</p>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">{t('rights.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('rights.container')}</th>
                <th scope="col">{isLine ? t('rights.holderOrOffered') : t('rights.from')}</th>
                <th scope="col">{t('rights.valid')}</th>
                <th scope="col">{t('rights.part')}</th>
                <th scope="col" className="actions">
                  {t('rights.actions')}
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
                      {release.blocked ? <span className="chip chip-hold">{t('rights.blocked')}</span> : null}
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
                            aria-label={t('rights.bookLabel', { box: number(row) })}
                            onClick={() => open({ kind: 'book', row })}
                          >
                            {t('rights.book')}
                          </Button>
                        ) : null}
                        {holds && isDesk && !release.offer ? (
                          <Button
                            aria-label={t('rights.offerLabel', { box: number(row) })}
                            onClick={() => open({ kind: 'offer', row })}
                          >
                            {t('rights.offer')}
                          </Button>
                        ) : null}
                        {offeredByMe ? (
                          <Button
                            busy={busy === `withdraw:${visitRef}`}
                            busyLabel={t('rights.withdrawing')}
                            aria-label={t('rights.withdrawLabel', { box: number(row) })}
                            onClick={() =>
                              void act(
                                `withdraw:${visitRef}`,
                                t('rights.stepUpWithdraw'),
                                () => releaseActions.withdraw(visitRef),
                                t('rights.withdrawn', { box: number(row) }),
                              )
                            }
                          >
                            {t('rights.withdraw')}
                          </Button>
                        ) : null}
                        {isLine && mayBlock && !release.revoked && !release.blocked ? (
                          <Button
                            aria-label={t('rights.blockLabel', { box: number(row) })}
                            onClick={() => open({ kind: 'block', row })}
                          >
                            {t('rights.block')}
                          </Button>
                        ) : null}
                        {isLine && mayBlock && !release.revoked && release.blocked ? (
                          <Button
                            busy={busy === `unblock:${visitRef}`}
                            busyLabel={t('rights.unblocking')}
                            aria-label={t('rights.unblockLabel', { box: number(row) })}
                            onClick={() =>
                              void act(
                                `unblock:${visitRef}`,
                                t('rights.stepUpUnblock'),
                                () => releaseActions.unblock(visitRef),
                                t('rights.unblocked', { box: number(row) }),
                              )
                            }
                          >
                            {t('rights.unblock')}
                          </Button>
                        ) : null}
                        {isLine && mayRevoke && !release.revoked ? (
                          <MoreActions label={t('rights.moreLabel', { box: number(row) })}>
                            <Button
                              aria-label={t('rights.revokeLabel', { box: number(row) })}
                              onClick={() => open({ kind: 'revoke', row })}
                            >
                              {t('rights.revoke')}
                            </Button>
                          </MoreActions>
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
        <Button busy={more} busyLabel={t('rights.loading')} onClick={onShowMore}>
          {t('rights.more')}
        </Button>
      ) : null}
    </section>
  );
}
