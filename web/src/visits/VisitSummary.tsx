/** The Status card: where the box is in its visit, its holds and freeze, and the freeze controls. */
import { useTranslation } from 'react-i18next';
import type { Session } from '../api.js';
import { yourTime } from '../clock.js';
import { useOrgNames } from '../org-names.js';
import { term, visitStatusName } from '../terms.js';
import { FreezeControls, type FreezeControlsState, FrozenNotice } from './VisitFreeze.js';
import type { Visit } from './visit-data.js';

/** "customs" → "Customs": a chip starts with a capital. */
const readableChip = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

export function VisitSummary({
  session,
  visit,
  freeze,
  signedOut,
  onFrozenChanged,
}: {
  session: Session;
  visit: Visit;
  freeze: FreezeControlsState;
  signedOut: () => void;
  onFrozenChanged: () => void;
}) {
  const { t } = useTranslation('visits');
  const names = useOrgNames(session);
  const active = visit.status === 'announced' || visit.status === 'in_yard';
  // Only a full view (with the yard position fields) tells of freezes; a status view always says `null`.
  const seesFreezes = visit.slotText !== undefined;
  return (
    <section className="card" aria-labelledby="status-heading">
      <h2 id="status-heading">{t('summary.heading')}</h2>
      <dl className="facts">
        <div>
          <dt>{t('summary.status')}</dt>
          <dd>{visitStatusName(visit.status)}</dd>
        </div>
        <div>
          <dt>{t('summary.lineType')}</dt>
          <dd>
            {names.line(visit.line)} · {visit.sizeType} · {term('fullEmpty', visit.fullEmpty)}
          </dd>
        </div>
        {visit.transportDocumentReference ? (
          <div>
            <dt>{t('summary.billOfLading')}</dt>
            <dd className="mono">{visit.transportDocumentReference}</dd>
          </div>
        ) : null}
        {visit.carrierBookingReference ? (
          <div>
            <dt>{t('summary.booking')}</dt>
            <dd className="mono">{visit.carrierBookingReference}</dd>
          </div>
        ) : null}
        {visit.slotText ? (
          <div>
            <dt>{t('summary.yardSlot')}</dt>
            <dd className="mono">{visit.slotText}</dd>
          </div>
        ) : null}
        <div>
          <dt>{t('summary.arrived')}</dt>
          <dd>{yourTime(visit.arrivedAt)}</dd>
        </div>
        <div>
          <dt>{t('summary.holds')}</dt>
          <dd>
            {visit.holds.length === 0
              ? t('summary.none')
              : visit.holds.map((hold) => (
                  <span key={hold.holdId} className="chip chip-hold">
                    {readableChip(term('holdKindShort', hold.kind))}
                    {hold.reason ? `: ${hold.reason}` : ''}
                  </span>
                ))}
          </dd>
        </div>
        {seesFreezes ? (
          <div>
            <dt>{t('summary.frozen')}</dt>
            <dd data-testid="frozen-state">
              {visit.frozen ? (
                <span className="chip" style={{ background: '#e6dcf7', color: '#2e1065', fontWeight: 600 }}>
                  <span aria-hidden="true">❄ </span>
                  {t('summary.frozenBy', { who: visit.frozen.by })}
                </span>
              ) : (
                t('summary.notFrozen')
              )}
            </dd>
          </div>
        ) : null}
        <div>
          <dt>{t('summary.visitRef')}</dt>
          <dd className="mono">{visit.visitRef}</dd>
        </div>
      </dl>
      {visit.frozen ? <FrozenNotice frozen={visit.frozen} /> : null}
      <FreezeControls
        session={session}
        visit={{ ...visit, active, seesFreezes, frozen: Boolean(visit.frozen) }}
        controls={freeze}
        signedOut={signedOut}
        onChanged={onFrozenChanged}
      />
    </section>
  );
}
