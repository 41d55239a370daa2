/**
 * The UN/EDIFACT interchanges received for the organisation (issue 17), newest first: when, from which sender, its
 * UNB reference, its outcome and, opened, each message with what it did and the log entries it wrote. Only applied
 * interchanges are kept: one refused changed nothing (whole or not at all) and its sender had the reason in the
 * answer and the CONTRL acknowledgement.
 */
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiGet } from '../api.js';
import { localDateTime } from '../clock.js';
import { Button, Loading, Notice } from '../components.js';
import { messageOf } from '../errors.js';
import { ImportInterchange } from './ImportInterchange.js';
import type { Interchange } from './integrations-api.js';

const PAGE = 50;

type Page = { interchanges: Interchange[]; next: string | null };

function Messages({ interchange }: { interchange: Interchange }) {
  const { t } = useTranslation('integrations');
  const typeName = (type: string) =>
    t(`interchanges.types.${type}` as 'interchanges.types.BAPLIE', { defaultValue: type });
  return (
    <details className="interchange-messages">
      <summary
        aria-label={t('interchanges.showMessages', {
          reference: interchange.controlRef,
          sender: interchange.sender,
        })}
      >
        {t('interchanges.messageCount', { count: interchange.messages.length })}
      </summary>
      <div className="table-wrap">
        <table className="table">
          <caption className="visually-hidden">{t('interchanges.messageHeading')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('interchanges.typeColumn')}</th>
              <th scope="col">{t('interchanges.messageRefColumn')}</th>
              <th scope="col">{t('interchanges.outcomeColumn')}</th>
              <th scope="col">{t('interchanges.eventsColumn')}</th>
              <th scope="col">{t('interchanges.summaryColumn')}</th>
            </tr>
          </thead>
          <tbody>
            {interchange.messages.map((message) => (
              <tr key={message.ref} data-testid="interchange-message">
                <td>
                  {typeName(message.type)} <code>{message.type}</code>
                </td>
                <td>
                  <code>{message.ref}</code>
                </td>
                <td>{t('interchanges.messageApplied')}</td>
                <td>
                  {message.eventIndexes.length === 0
                    ? t('interchanges.noEvents')
                    : t('interchanges.messageEvents', { count: message.eventIndexes.length })}
                </td>
                <td>
                  {/* The importer's own note, as recorded with the interchange in the log. */}
                  <samp>{message.summary}</samp>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="muted">
        {t('interchanges.receivedBy', { who: interchange.receivedBy, org: interchange.orgId })} ·{' '}
        {t('interchanges.logEntry', { index: interchange.auditIndex })}
        <br />
        {t('interchanges.fingerprint')}: <code className="hash">{interchange.sha256}</code>
      </p>
    </details>
  );
}

export function InterchangesCard({ reloadKey, mayImport }: { reloadKey: number; mayImport: boolean }) {
  const { t } = useTranslation('integrations');
  const [rows, setRows] = useState<Interchange[]>();
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string>();
  const [loadingMore, setLoadingMore] = useState(false);

  const load = useCallback(async () => {
    try {
      const page = await apiGet<Page>(`/v1/edi/interchanges?limit=${PAGE}`);
      setRows(page.interchanges);
      setNext(page.next);
      setError(undefined);
    } catch (failure) {
      setError(messageOf(failure));
    }
  }, []);
  // biome-ignore lint/correctness/useExhaustiveDependencies: reloadKey reads the list again on purpose
  useEffect(() => {
    void load();
  }, [load, reloadKey]);

  async function more() {
    if (next === null) return;
    setLoadingMore(true);
    try {
      const page = await apiGet<Page>(
        `/v1/edi/interchanges?limit=${PAGE}&before=${encodeURIComponent(next)}`,
      );
      setRows((before) => [...(before ?? []), ...page.interchanges]);
      setNext(page.next);
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setLoadingMore(false);
    }
  }

  return (
    <section className="card card-wide" aria-labelledby="interchanges-heading">
      <h2 id="interchanges-heading">{t('interchanges.heading')}</h2>
      <p className="muted">{t('interchanges.lead')}</p>
      {error ? (
        <Notice tone="error" title={t('page.failed')}>
          <p>{error}</p>
          <Button onClick={() => void load()}>{t('page.tryAgain')}</Button>
        </Notice>
      ) : null}
      {!rows && !error ? <Loading label={t('interchanges.loading')} /> : null}
      {rows && rows.length === 0 ? <p className="muted">{t('interchanges.none')}</p> : null}
      {rows && rows.length > 0 ? (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('interchanges.receivedColumn')}</th>
                <th scope="col">{t('interchanges.senderColumn')}</th>
                <th scope="col">{t('interchanges.referenceColumn')}</th>
                <th scope="col">{t('interchanges.outcomeColumn')}</th>
                <th scope="col">{t('interchanges.messagesColumn')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((interchange) => (
                <tr key={interchange.interchangeId} data-testid="interchange">
                  <td>{localDateTime(interchange.receivedAt)}</td>
                  <td>
                    <code>{interchange.sender}</code>
                  </td>
                  <td>
                    <code>{interchange.controlRef}</code>
                  </td>
                  <td>{t('interchanges.applied')}</td>
                  <td>
                    <Messages interchange={interchange} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {next !== null ? (
        <div className="list-footer">
          <Button busy={loadingMore} busyLabel={t('interchanges.loadingMore')} onClick={() => void more()}>
            {t('interchanges.more')}
          </Button>
        </div>
      ) : null}
      {mayImport ? <ImportInterchange onImported={() => void load()} /> : null}
    </section>
  );
}
