/**
 * The History card: every event of the visit in plain words, each field labelled and the raw event one click away,
 * and each event checked in this browser against the latest signed checkpoint.
 */
import { useEffect, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import type { Session } from '../api.js';
import { yourTime } from '../clock.js';
import { Notice } from '../components.js';
import { messageOf } from '../errors.js';
import type { OrgNames } from '../org-names.js';
import { fromBase64, type SignatureResult, verifyCheckpointNote } from '../proof.js';
import { holds } from '../session.js';
import { eventTypeName, fieldName, term } from '../terms.js';
import { boundToSignature, type Verdict, VerdictBadge, verifyEvent } from './VisitProof.js';
import type { Checkpoint, HistoryEvent } from './visit-data.js';

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
/** Fields whose values are identifiers: shown as code, the way they are typed or quoted. */
const ID_FIELDS = new Set(['visitRef', 'approvalId', 'holdId', 'gateAttemptId', 'alertId', 'reference']);

const isSlot = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' &&
  value !== null &&
  ['terminal', 'block', 'bay', 'row', 'tier'].every((key) => key in value);

/** A yard slot as people write it (`T1/A/05/02/1`). */
const slotWords = (slot: Record<string, unknown>) =>
  `${slot.terminal}/${slot.block}/${String(slot.bay).padStart(2, '0')}/${String(slot.row).padStart(2, '0')}/${slot.tier}`;

/** One field of an event in plain words: slots as written on the yard, codes by their name, instants in your time. */
function FieldValue({ field, value, names }: { field: string; value: unknown; names: OrgNames }) {
  const { t } = useTranslation('visits');
  if (value === null || value === undefined || value === '') return <>—</>;
  if (isSlot(value)) return <span className="mono">{slotWords(value)}</span>;
  if (typeof value === 'boolean') return <>{value ? t('history.yes') : t('history.no')}</>;
  if (typeof value === 'object') {
    const object = value as Record<string, unknown>;
    // A pre-advice's arrival: by vessel (its call) or by truck.
    if (field === 'arrival' && typeof object.mode === 'string')
      return (
        <>
          {term('arrivalModes', object.mode)}
          {typeof object.vesselCall === 'string' ? ` (${object.vesselCall})` : ''}
        </>
      );
    return <code>{JSON.stringify(value)}</code>;
  }
  const text = String(value);
  if (field === 'kind') return <>{term('holdKinds', text)}</>;
  if (field === 'fullEmpty') return <>{term('fullEmpty', text)}</>;
  if (field === 'voidedType') return <>{eventTypeName(text)}</>;
  if (field === 'voidedVersion') return <>{t('history.eventOf', { version: text })}</>;
  if (field === 'line') return <>{names.line(text)}</>;
  if (typeof value === 'string' && ISO_INSTANT.test(text)) return <>{yourTime(text)}</>;
  if (ID_FIELDS.has(field)) return <code>{text}</code>;
  return <>{text}</>;
}

/** An event's fields, each labelled in plain words; the raw event is one click away. */
function EventData({ event, names }: { event: HistoryEvent; names: OrgNames }) {
  const { t } = useTranslation('visits');
  const entries = Object.entries(event.data).filter(([key]) => key !== 'visitRef' && key !== 'type');
  return (
    <>
      {entries.length > 0 ? (
        <dl className="event-data">
          {entries.map(([key, value]) => (
            <div key={key}>
              <dt>{fieldName(key)}</dt>
              <dd>
                <FieldValue field={key} value={value} names={names} />
              </dd>
            </div>
          ))}
        </dl>
      ) : null}
      <details className="raw-event" data-raw-event="">
        <summary>{t('history.rawEvent')}</summary>
        <pre>
          {JSON.stringify(
            { type: event.type, version: event.version, at: event.at, data: event.data },
            null,
            2,
          )}
        </pre>
      </details>
    </>
  );
}

function Timeline({
  events,
  checkpoint,
  readsEntries,
  names,
}: {
  events: HistoryEvent[];
  checkpoint: Checkpoint | undefined;
  readsEntries: boolean;
  names: OrgNames;
}) {
  const { t } = useTranslation('visits');
  const [proofs, setProofs] = useState<Record<number, Verdict>>({});
  const [signature, setSignature] = useState<SignatureResult>();

  useEffect(() => {
    // Verdicts belong to one checkpoint: a new one starts from "checking", never from the last one's answers.
    setSignature(undefined);
    setProofs({});
    if (!checkpoint) return;
    let live = true;
    const root = fromBase64(checkpoint.rootHash);
    if (root)
      void verifyCheckpointNote({ ...checkpoint, rootHash: root }).then((result) => {
        if (live) setSignature(result);
      });
    else setSignature({ status: 'invalid', detail: t('verdict.rootNotBase64') });
    for (const event of events) {
      verifyEvent(event, checkpoint, readsEntries)
        .catch((error: unknown): Verdict => ({ status: 'failed', detail: messageOf(error) }))
        .then((verdict) => {
          if (live) setProofs((current) => ({ ...current, [event.index]: verdict }));
        });
    }
    return () => {
      live = false;
    };
  }, [events, checkpoint, readsEntries, t]);

  const verdicts = events.map((event) => boundToSignature(proofs[event.index], signature));
  const done = verdicts.filter((verdict) => verdict.status !== 'checking').length;
  const verified = verdicts.filter((verdict) => verdict.status === 'verified').length;
  return (
    <>
      {checkpoint ? (
        <div className="proof-summary">
          <p>
            <Trans
              t={t}
              i18nKey="history.checkedAgainst"
              values={{
                size: checkpoint.treeSize,
                when: yourTime(checkpoint.signedAt),
                root: checkpoint.rootHash,
              }}
              components={{ strong: <strong />, code: <code className="hash" /> }}
            />
          </p>
          {signature ? (
            <p className={signature.status === 'invalid' ? 'verdict-bad' : undefined}>
              {signature.status === 'valid' ? (
                <Trans
                  t={t}
                  i18nKey="history.signatureValid"
                  values={{ key: signature.keyName }}
                  components={{ code: <code /> }}
                />
              ) : signature.status === 'unsupported' ? (
                t('history.signatureUnsupported', { detail: signature.detail })
              ) : (
                t('history.signatureInvalid', { detail: signature.detail })
              )}
            </p>
          ) : null}
          <p role="status">
            {done < events.length
              ? t('history.checking', { left: events.length - done, total: events.length })
              : t('history.verified', { verified, total: events.length })}
          </p>
        </div>
      ) : (
        <Notice tone="warning" title={t('history.noCheckpoint')}>
          {t('history.noCheckpointBody')}
        </Notice>
      )}
      <ol className="timeline" aria-label={t('history.label')}>
        {events.map((event, at) => (
          <li key={event.index} className="timeline-item">
            <div className="timeline-head">
              <strong>{eventTypeName(event.type)}</strong>
              <time dateTime={event.at}>{yourTime(event.at)}</time>
              <span className="muted">
                <Trans
                  t={t}
                  i18nKey="history.auditIndex"
                  values={{ index: event.index }}
                  components={{ code: <code /> }}
                />
              </span>
              {checkpoint ? <VerdictBadge verdict={verdicts[at] ?? { status: 'checking' }} /> : null}
            </div>
            <EventData event={event} names={names} />
          </li>
        ))}
      </ol>
    </>
  );
}

export function VisitHistory({
  session,
  history,
  checkpoint,
  names,
}: {
  session: Session;
  history: HistoryEvent[] | 'hidden';
  checkpoint: Checkpoint | undefined;
  names: OrgNames;
}) {
  const { t } = useTranslation('visits');
  return (
    <section className="card card-wide" aria-labelledby="history-heading">
      <h2 id="history-heading">{t('history.heading')}</h2>
      {history === 'hidden' ? (
        <p className="muted">
          {session.method === 'password_totp' ? t('history.passwordSession') : t('history.notYours')}
        </p>
      ) : (
        <Timeline
          events={history}
          checkpoint={checkpoint}
          readsEntries={holds(session, 'audit.entries.read')}
          names={names}
        />
      )}
    </section>
  );
}
