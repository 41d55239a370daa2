/** The rights the organisation holds, or its line issued: book, offer on, withdraw, block, unblock or revoke. */
import { type ReactNode, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { localDateTime } from '../clock.js';
import { Button, Field } from '../components.js';
import { SortHeader } from '../list-controls.js';
import { Link } from '../router.js';
import {
  type ChangeOrder,
  type InboxItem,
  type InboxView,
  inboxSearch,
  partOf,
  type StateFilter,
} from './inbox.js';
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

/** The line's filter of its releases by state, applied by the server (issue 14). */
function StateChoice({ value, onChange }: { value: StateFilter; onChange: (value: StateFilter) => void }) {
  const { t } = useTranslation('releases');
  return (
    <fieldset className="segmented">
      <legend className="visually-hidden">{t('filter.legend')}</legend>
      {(['all', 'in_force', 'blocked', 'revoked'] as const).map((state) => (
        <label key={state}>
          <input
            type="radio"
            name="release-state"
            value={state}
            checked={value === state}
            onChange={() => onChange(state)}
          />
          {t(`filter.${state}`)}
        </label>
      ))}
    </fieldset>
  );
}

/**
 * The same change to the chosen releases (issue 14): block or revoke them, with one reason. Each is changed as its
 * own row's action would change it; revoking asks for the passkey step-up as one revocation does.
 */
function BulkChange({
  chosen,
  mayBlock,
  mayRevoke,
  bulk,
  busy,
  onDone,
}: {
  chosen: readonly string[];
  mayBlock: boolean;
  mayRevoke: boolean;
  bulk: BulkChangeAction;
  busy: string | undefined;
  onDone: () => void;
}) {
  const { t } = useTranslation('releases');
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState<string>();
  const send = (kind: 'block' | 'revoke') => {
    if (!reason.trim()) {
      setMissing(t('bulk.reasonMissing'));
      return;
    }
    setMissing(undefined);
    void bulk(kind, chosen, reason.trim(), () => {
      setReason('');
      onDone();
    });
  };
  return (
    <fieldset className="stack bulk-change">
      <legend className="visually-hidden">{t('bulk.label', { count: chosen.length })}</legend>
      <Field
        label={t('bulk.reason', { count: chosen.length })}
        value={reason}
        onChange={(event) => setReason(event.target.value)}
        error={missing}
        maxLength={500}
      />
      <span className="button-row">
        {mayBlock ? (
          <Button busy={busy === 'bulk:block'} busyLabel={t('bulk.working')} onClick={() => send('block')}>
            {t('bulk.block', { count: chosen.length })}
          </Button>
        ) : null}
        {mayRevoke ? (
          <Button
            variant="danger"
            busy={busy === 'bulk:revoke'}
            busyLabel={t('bulk.working')}
            onClick={() => send('revoke')}
          >
            {t('bulk.revoke', { count: chosen.length })}
          </Button>
        ) : null}
      </span>
    </fieldset>
  );
}

/** Sends a bulk block or revocation; `after` runs once it worked. */
export type BulkChangeAction = (
  kind: 'block' | 'revoke',
  visitRefs: readonly string[],
  reason: string,
  after: () => void,
) => Promise<void>;

export function RightsCard({
  rights,
  nextCursor,
  more,
  onShowMore,
  orgId,
  directory,
  may: { isLine, isDesk, isPlanner, mayBlock, mayRevoke },
  tools: { act, busy, open, number, party },
  stateFilter,
  onStateFilter,
  view,
  order,
  onOrder,
  bulk,
}: {
  rights: InboxItem[];
  nextCursor: string | null;
  more: boolean;
  onShowMore: () => void;
  orgId: string;
  directory: Directory;
  may: { isLine: boolean; isDesk: boolean; isPlanner: boolean; mayBlock: boolean; mayRevoke: boolean };
  tools: ReleaseTools;
  stateFilter: StateFilter;
  onStateFilter: (state: StateFilter) => void;
  /** The inbox the list reads (`issued` for a line, `held` otherwise), for its CSV. */
  view: InboxView;
  /** The list's order by last change; a click on that column's header turns it round, read again from the server. */
  order: ChangeOrder;
  onOrder: (order: ChangeOrder) => void;
  bulk: BulkChangeAction;
}) {
  const { t } = useTranslation('releases');
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  const choosing = isLine && (mayBlock || mayRevoke);
  // Only what is listed now and not revoked can be changed.
  const changeable = rights.filter((row) => !row.release.revoked);
  const chosenRefs = changeable.filter((row) => chosen.has(row.visitRef)).map((row) => row.visitRef);
  const toggle = (visitRef: string) => {
    const next = new Set(chosen);
    if (!next.delete(visitRef)) next.add(visitRef);
    setChosen(next);
  };
  return (
    <section className="card" aria-labelledby="rights-heading">
      <div className="alerts-toolbar">
        <h2 id="rights-heading">{isLine ? t('rights.headingLine') : t('rights.heading')}</h2>
        {isLine ? (
          <StateChoice
            value={stateFilter}
            onChange={(state) => {
              setChosen(new Set());
              onStateFilter(state);
            }}
          />
        ) : null}
      </div>
      {isLine ? (
        <p>
          <a
            href={`/v1/releases?${inboxSearch(view, stateFilter, order, { format: 'csv' })}`}
            download="releases.csv"
          >
            {t('filter.csv')}
          </a>
        </p>
      ) : null}
      {choosing && chosenRefs.length > 0 ? (
        <BulkChange
          chosen={chosenRefs}
          mayBlock={mayBlock}
          mayRevoke={mayRevoke}
          bulk={bulk}
          busy={busy}
          onDone={() => setChosen(new Set())}
        />
      ) : null}
      {rights.length === 0 ? (
        <p className="muted">{isLine ? t('rights.noneLine') : t('rights.none')}</p>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">{t('rights.caption')}</caption>
            <thead>
              <tr>
                {choosing ? (
                  <th scope="col" className="select-cell">
                    <span className="visually-hidden">{t('bulk.choose')}</span>
                  </th>
                ) : null}
                <th scope="col">{t('rights.container')}</th>
                <th scope="col">{isLine ? t('rights.holderOrOffered') : t('rights.from')}</th>
                <th scope="col">{t('rights.valid')}</th>
                <th scope="col">{t('rights.part')}</th>
                <SortHeader
                  column="updatedAt"
                  label={t('rights.changed')}
                  query={{ filters: {}, sort: 'updatedAt', direction: order }}
                  onSort={(next) => onOrder(next.direction)}
                />
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
                    {choosing ? (
                      <td className="select-cell">
                        {release.revoked ? null : (
                          <input
                            type="checkbox"
                            checked={chosen.has(visitRef)}
                            onChange={() => toggle(visitRef)}
                            aria-label={t('bulk.chooseLabel', { box: number(row) })}
                          />
                        )}
                      </td>
                    ) : null}
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
                    <td>{localDateTime(row.updatedAt)}</td>
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
