/**
 * The organisation's event subscriptions (issue 16): each with where it sends, what it sends, its delivery state
 * (delivered, waiting for a retry, dead letters), the dead letters themselves on request, and the form that adds one
 * with a fresh shared secret shown once. The server scopes every call to the caller's organisation.
 */
import { type ReactNode, useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiDelete, apiPost } from '../api.js';
import { localDateTime } from '../clock.js';
import { Button, Field, Loading, Notice, SelectField } from '../components.js';
import { messageOf } from '../errors.js';
import { CopyButton } from '../qr.js';
import type { useAction } from '../use-action.js';
import {
  DELIVERY_PAGE,
  type Delivery,
  type DeliveryStatus,
  EQUIPMENT_CODES,
  listDeliveries,
  listSubscriptionRows,
  newSecret,
  type SubscriptionKind,
  type SubscriptionRow,
  subscriptionPath,
} from './integrations-api.js';

/** The thin notification types the server offers (src/app/partners/subscriptions.usecases.ts THIN_TYPES). */
const THIN_TYPES = [
  'visit.announced',
  'visit.discharged',
  'visit.gated_in',
  'visit.gated_out',
  'visit.loaded',
  'visit.hold_placed',
  'visit.hold_lifted',
  'release.offer_waiting',
  'release.blocked',
] as const;

type Act = ReturnType<typeof useAction<string>>;

/** What a subscription sends, in words: each code named, or everything. */
function Wanted({ row }: { row: SubscriptionRow }) {
  const { t } = useTranslation('integrations');
  const name = (code: string) =>
    row.kind === 'dcsa'
      ? `${t(`codes.${code}` as 'codes.DISC', { defaultValue: code })} (${code})`
      : t(`thinTypes.${code}` as 'thinTypes.visit.loaded', { defaultValue: code });
  return (
    <>
      {row.wanted.length === 0 ? t('subscriptions.everything') : row.wanted.map(name).join(', ')}
      {row.equipmentReference ? (
        <>
          <br />
          {t('subscriptions.onlyBox', { box: row.equipmentReference })}
        </>
      ) : null}
    </>
  );
}

type Counts = { [S in DeliveryStatus]: Delivery[] };

/** A count as read: the server answers a bounded page, so a full page reads "200 or more". */
function useCountWords() {
  const { t } = useTranslation('integrations');
  return (status: DeliveryStatus, rows: Delivery[]) => {
    const count = rows.length;
    const words = t(`subscriptions.state.${status}`, { count });
    return count >= DELIVERY_PAGE
      ? words.replace(String(count), t('subscriptions.state.atLeast', { count }))
      : words;
  };
}

/** The delivery state of one subscription and, opened, its dead letters. */
function SubscriptionRowView({
  row,
  act,
  busy,
}: {
  row: SubscriptionRow;
  act: Act;
  busy: string | undefined;
}) {
  const { t } = useTranslation('integrations');
  const countWords = useCountWords();
  const [counts, setCounts] = useState<Counts>();
  const [failure, setFailure] = useState<string>();
  const [showDead, setShowDead] = useState(false);

  useEffect(() => {
    let current = true;
    Promise.all(
      (['delivered', 'pending', 'dead'] as const).map((status) => listDeliveries(row, status)),
    ).then(
      ([delivered, pending, dead]) => {
        if (current) setCounts({ delivered: delivered ?? [], pending: pending ?? [], dead: dead ?? [] });
      },
      (error: unknown) => {
        if (current) setFailure(messageOf(error));
      },
    );
    return () => {
      current = false;
    };
  }, [row]);

  const lastError = counts?.pending.at(-1)?.lastError ?? counts?.dead.at(-1)?.lastError ?? null;
  const nextTry = counts?.pending[0]?.nextAttemptAt;
  let state: ReactNode;
  if (failure) state = t('subscriptions.state.failed', { reason: failure });
  else if (!counts) state = <span className="muted">{t('subscriptions.state.loading')}</span>;
  else {
    const parts = (['delivered', 'pending', 'dead'] as const)
      .filter((status) => counts[status].length > 0)
      .map((status) => countWords(status, counts[status]));
    state = (
      <>
        <span data-testid="delivery-state">
          {parts.length > 0 ? parts.join(' · ') : t('subscriptions.state.idle')}
        </span>
        {nextTry ? (
          <>
            <br />
            {t('subscriptions.state.nextTry', { when: localDateTime(nextTry) })}
          </>
        ) : null}
        {lastError ? (
          <>
            <br />
            {t('subscriptions.state.lastError')} <samp>{lastError}</samp>
          </>
        ) : null}
      </>
    );
  }

  const deadId = `dead-${row.id}`;
  return (
    <>
      <tr>
        <td>{t(`subscriptions.kinds.${row.kind}`)}</td>
        <td>
          <code>{row.callbackUrl}</code>
        </td>
        <td>
          <Wanted row={row} />
        </td>
        <td>{state}</td>
        <td className="actions">
          <div className="button-row">
            {counts && counts.dead.length > 0 ? (
              <Button
                aria-expanded={showDead}
                aria-controls={deadId}
                aria-label={
                  showDead ? undefined : t('subscriptions.showDeadLabel', { address: row.callbackUrl })
                }
                onClick={() => setShowDead((open) => !open)}
              >
                {showDead ? t('subscriptions.hideDead') : t('subscriptions.showDead')}
              </Button>
            ) : null}
            <Button
              variant="danger"
              busy={busy === `delete-${row.id}`}
              aria-label={t('subscriptions.deleteLabel', { address: row.callbackUrl })}
              onClick={() =>
                void act.run(
                  `delete-${row.id}`,
                  t('subscriptions.stepUpDelete'),
                  () => apiDelete(subscriptionPath(row.kind, row.id)),
                  { done: t('subscriptions.deleted', { address: row.callbackUrl }) },
                )
              }
            >
              {t('subscriptions.delete')}
            </Button>
          </div>
        </td>
      </tr>
      {showDead ? (
        <tr id={deadId}>
          <td colSpan={5}>
            <DeadLetters address={row.callbackUrl} dead={counts?.dead} />
          </td>
        </tr>
      ) : null}
    </>
  );
}

function DeadLetters({ address, dead }: { address: string; dead: Delivery[] | undefined }) {
  const { t } = useTranslation('integrations');
  return (
    <section aria-label={t('subscriptions.deadHeading', { address })}>
      <h3>{t('subscriptions.deadHeading', { address })}</h3>
      {dead === undefined ? (
        <Loading label={t('subscriptions.state.loading')} />
      ) : dead.length === 0 ? (
        <p className="muted">{t('subscriptions.deadNone')}</p>
      ) : (
        <>
          <p className="muted">{t('subscriptions.deadLead')}</p>
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{t('subscriptions.eventColumn')}</th>
                  <th scope="col">{t('subscriptions.positionColumn')}</th>
                  <th scope="col">{t('subscriptions.attemptsColumn')}</th>
                  <th scope="col">{t('subscriptions.firstColumn')}</th>
                  <th scope="col">{t('subscriptions.errorColumn')}</th>
                </tr>
              </thead>
              <tbody>
                {dead.map((letter) => (
                  <tr key={letter.eventId} data-testid="dead-letter">
                    <td>
                      <code>{letter.eventId}</code>
                    </td>
                    <td>{letter.position}</td>
                    <td>{letter.attempts}</td>
                    <td>{localDateTime(letter.createdAt)}</td>
                    <td>{letter.lastError ? <samp>{letter.lastError}</samp> : null}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

/** The form that adds a subscription; the secret is made here and shown once it is added. */
function AddSubscription({
  act,
  busy,
  onSecret,
}: {
  act: Act;
  busy: string | undefined;
  onSecret: (secret: string) => void;
}) {
  const { t } = useTranslation('integrations');
  const [kind, setKind] = useState<SubscriptionKind>('dcsa');
  const [callbackUrl, setCallbackUrl] = useState('');
  const [box, setBox] = useState('');
  const [wanted, setWanted] = useState<string[]>([]);
  const choices: readonly string[] = kind === 'dcsa' ? EQUIPMENT_CODES : THIN_TYPES;
  const choiceName = (code: string) =>
    kind === 'dcsa'
      ? `${t(`codes.${code}` as 'codes.DISC')} (${code})`
      : t(`thinTypes.${code}` as 'thinTypes.visit.loaded');

  function submit() {
    const secret = newSecret();
    const address = callbackUrl.trim();
    const equipmentReference = box.trim().toUpperCase();
    const body =
      kind === 'dcsa'
        ? {
            callbackUrl: address,
            secret,
            ...(wanted.length > 0 ? { equipmentEventTypeCode: wanted } : {}),
            ...(equipmentReference ? { equipmentReference } : {}),
          }
        : {
            callbackUrl: address,
            secret,
            ...(wanted.length > 0 ? { types: wanted } : {}),
            ...(equipmentReference ? { equipmentReference } : {}),
          };
    void act.run('create', t('subscriptions.stepUpCreate'), () => apiPost(subscriptionPath(kind), body), {
      done: t('subscriptions.created', { address }),
      after: () => {
        onSecret(secret);
        setCallbackUrl('');
        setBox('');
        setWanted([]);
      },
    });
  }

  return (
    <form
      className="admin-form"
      aria-labelledby="add-subscription-heading"
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <h3 id="add-subscription-heading">{t('subscriptions.createTitle')}</h3>
      <div className="admin-fields">
        <SelectField
          label={t('subscriptions.kind')}
          value={kind}
          onChange={(value) => {
            setKind(value as SubscriptionKind);
            setWanted([]);
          }}
          options={(['dcsa', 'thin'] as const).map((value) => ({
            value,
            label: t(`subscriptions.kinds.${value}`),
          }))}
        />
        <Field
          label={t('subscriptions.callbackUrl')}
          hint={t('subscriptions.callbackHint')}
          type="url"
          required
          value={callbackUrl}
          onChange={(event) => setCallbackUrl(event.target.value)}
        />
        <Field
          label={t('subscriptions.equipmentReference')}
          value={box}
          maxLength={15}
          autoComplete="off"
          onChange={(event) => setBox(event.target.value)}
        />
      </div>
      <fieldset className="admin-roles">
        <legend>{kind === 'dcsa' ? t('subscriptions.equipmentCodes') : t('subscriptions.thinTypes')}</legend>
        {choices.map((code) => (
          <label key={code} className="admin-check">
            <input
              type="checkbox"
              checked={wanted.includes(code)}
              onChange={(event) =>
                setWanted((before) =>
                  event.target.checked ? [...before, code] : before.filter((c) => c !== code),
                )
              }
            />
            {choiceName(code)}
          </label>
        ))}
      </fieldset>
      <Button
        type="submit"
        variant="primary"
        busy={busy === 'create'}
        busyLabel={t('subscriptions.creating')}
      >
        {t('subscriptions.create')}
      </Button>
    </form>
  );
}

export function SubscriptionsCard({ act, reloadKey }: { act: Act; reloadKey: number }) {
  const { t } = useTranslation('integrations');
  const [rows, setRows] = useState<SubscriptionRow[]>();
  const [error, setError] = useState<string>();
  const [secret, setSecret] = useState<string>();

  const load = useCallback(async () => {
    try {
      setRows(await listSubscriptionRows());
      setError(undefined);
    } catch (failure) {
      setError(messageOf(failure));
    }
  }, []);
  // biome-ignore lint/correctness/useExhaustiveDependencies: reloadKey reads the list again after an action on purpose
  useEffect(() => {
    void load();
  }, [load, reloadKey]);

  return (
    <section className="card card-wide" aria-labelledby="subscriptions-heading">
      <h2 id="subscriptions-heading">{t('subscriptions.heading')}</h2>
      <p className="muted">{t('subscriptions.lead')}</p>
      {error ? (
        <Notice tone="error" title={t('page.failed')}>
          <p>{error}</p>
          <Button onClick={() => void load()}>{t('page.tryAgain')}</Button>
        </Notice>
      ) : null}
      {!rows && !error ? <Loading label={t('subscriptions.loading')} /> : null}
      {rows && rows.length === 0 ? <p className="muted">{t('subscriptions.none')}</p> : null}
      {rows && rows.length > 0 ? (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('subscriptions.kindColumn')}</th>
                <th scope="col">{t('subscriptions.addressColumn')}</th>
                <th scope="col">{t('subscriptions.wantedColumn')}</th>
                <th scope="col">{t('subscriptions.stateColumn')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('subscriptions.actionsColumn')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <SubscriptionRowView key={`${row.kind}-${row.id}`} row={row} act={act} busy={act.busyKey} />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <AddSubscription act={act} busy={act.busyKey} onSecret={setSecret} />
      {secret ? (
        <div className="admin-secret" aria-live="polite">
          <p>{t('subscriptions.secretShownOnce')}</p>
          <code className="hash" data-testid="subscription-secret">
            {secret}
          </code>
          <CopyButton text={secret} label={t('subscriptions.copySecret')} />
        </div>
      ) : null}
    </section>
  );
}
