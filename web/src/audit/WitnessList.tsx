/** The log's witnesses: who cosigns it, how far each has got, and whether a quorum keeps up. */
import { useTranslation } from 'react-i18next';
import { formatNumber, localDateTime, yourTime } from '../clock.js';
import { i18next } from '../i18n/index.js';
import { plainText } from '../terms.js';
import type { Witnesses } from './audit-api.js';

/** "3 min ago", coarse on purpose: how stale a witness is matters, not the second. */
function ago(iso: string | null, now: number): string {
  const t = i18next.t;
  if (!iso) return t('audit:witnesses.never');
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 60) return t('audit:witnesses.seconds', { n: seconds });
  if (seconds < 3600) return t('audit:witnesses.minutes', { n: Math.floor(seconds / 60) });
  if (seconds < 86_400) return t('audit:witnesses.hours', { n: Math.floor(seconds / 3600) });
  return t('audit:witnesses.days', { n: Math.floor(seconds / 86_400) });
}

/** Every witness with the size it last cosigned and how long ago, and whether a quorum keeps up. */
export function WitnessList({ witnesses }: { witnesses: Witnesses }) {
  const { t } = useTranslation('audit');
  const now = Date.now();
  if (witnesses.witnesses.length === 0) return <p className="muted">{t('witnesses.none')}</p>;
  return (
    <>
      <p className={witnesses.lagging ? 'audit-bad' : 'muted'}>
        {witnesses.cosignedSize === null
          ? t('witnesses.noQuorum', { quorum: witnesses.quorum })
          : t('witnesses.quorum', {
              quorum: witnesses.quorum,
              size: formatNumber(witnesses.cosignedSize),
            })}{' '}
        {witnesses.waitingSince
          ? witnesses.lagging
            ? t('witnesses.waitingLong', { when: yourTime(witnesses.waitingSince) })
            : t('witnesses.waiting', { when: yourTime(witnesses.waitingSince) })
          : ''}
      </p>
      <div className="table-wrap">
        <table className="table audit-witnesses">
          <caption className="visually-hidden">{t('witnesses.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('witnesses.witness')}</th>
              <th scope="col">{t('witnesses.lastSize')}</th>
              <th scope="col">{t('witnesses.when')}</th>
              <th scope="col">{t('witnesses.state')}</th>
            </tr>
          </thead>
          <tbody>
            {witnesses.witnesses.map((w) => (
              <tr key={w.name} data-witness={w.name}>
                <td>
                  <code>{w.name}</code>
                  <br />
                  <code className="muted">{w.url}</code>
                </td>
                <td>{w.cosignedSize === null ? '—' : formatNumber(w.cosignedSize)}</td>
                <td title={w.cosignedAt ? localDateTime(w.cosignedAt) : undefined}>
                  {ago(w.cosignedAt, now)}
                </td>
                <td>
                  {w.finding ? (
                    <strong className="audit-bad">
                      {w.finding.code === 'integrity.rollback'
                        ? t('witnesses.rollback')
                        : t('witnesses.fork')}
                      : {plainText(w.finding.reason)}
                    </strong>
                  ) : w.lastError ? (
                    <span className="audit-bad">
                      {t('witnesses.unreachable', { error: plainText(w.lastError) })}
                    </span>
                  ) : (
                    t('witnesses.cosigning')
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
