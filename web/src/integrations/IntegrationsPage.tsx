/**
 * Admin → Integrations (issues 16 and 17): how an organisation's own systems talk to PortLedger. The event
 * subscriptions with their delivery state and dead letters, the EDI interchanges received with their messages, and the
 * API tokens (the Admin page's own card). Each card shows only when the person's role holds its permission, as the
 * server enforces it: `subscription.manage`, `edi.read`, `token.manage` (src/domain/access/policy.ts).
 */
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Organisation, Outcome } from '../access/admin-api.js';
import { TokensCard } from '../access/TokensCard.js';
import type { Session } from '../api.js';
import { Button, Loading, Notice, PageHeading } from '../components.js';
import { messageOf } from '../errors.js';
import { allPages } from '../pages-of.js';
import { holds } from '../session.js';
import { useAction } from '../use-action.js';
import { InterchangesCard } from './InterchangesCard.js';
import { SubscriptionsCard } from './SubscriptionsCard.js';

/** The permissions behind the page's cards; the menu offers the page to whoever holds one of them. */
export const INTEGRATION_PERMISSIONS = ['subscription.manage', 'edi.read', 'token.manage'] as const;

/** The API tokens, as the Admin page shows them: it needs every organisation for its picker. */
function Tokens({ session }: { session: Session }) {
  const { t } = useTranslation('integrations');
  const [orgs, setOrgs] = useState<Organisation[]>();
  const [reloadKey, setReloadKey] = useState(0);
  const [loadError, setLoadError] = useState<string>();
  const load = useCallback(async () => {
    try {
      setOrgs(await allPages<Organisation>('/v1/admin/orgs', 'organisations'));
      setReloadKey((key) => key + 1);
      setLoadError(undefined);
    } catch (error) {
      setLoadError(messageOf(error));
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);
  const {
    run: act,
    busyKey: busy,
    done,
    setDone: setOutcome,
    failed,
    prompt,
  } = useAction<Outcome>({ reload: load });
  return (
    <>
      {prompt}
      {done ? (
        <Notice tone="success" title={done.title}>
          {done.body}
        </Notice>
      ) : failed ? (
        <Notice tone="error" title={t('didNotWork', { ns: 'common' })}>
          {failed}
        </Notice>
      ) : null}
      {loadError ? (
        <Notice tone="error" title={t('page.failed')}>
          <p>{loadError}</p>
          <Button onClick={() => void load()}>{t('page.tryAgain')}</Button>
        </Notice>
      ) : null}
      {!loadError && !orgs ? <Loading label={t('page.loading')} /> : null}
      {orgs ? (
        <>
          <p className="muted">{t('tokens.lead')}</p>
          <TokensCard
            session={session}
            orgs={orgs}
            reloadKey={reloadKey}
            act={act}
            busy={busy}
            setOutcome={setOutcome}
          />
        </>
      ) : null}
    </>
  );
}

export function IntegrationsPage({ session }: { session: Session }) {
  const { t } = useTranslation('integrations');
  const [reloadKey, setReloadKey] = useState(0);
  const subscriptionAct = useAction<string>({ reload: () => setReloadKey((key) => key + 1) });
  const mayManageSubscriptions = holds(session, 'subscription.manage');
  const mayReadInterchanges = holds(session, 'edi.read');
  const mayManageTokens = holds(session, 'token.manage');

  return (
    <div className="page integrations-page">
      <PageHeading title={t('page.title')} />
      <p className="lead">{t('page.lead')}</p>
      {!mayManageSubscriptions && !mayReadInterchanges && !mayManageTokens ? (
        <Notice tone="info">
          <p>{t('page.nothing')}</p>
        </Notice>
      ) : null}
      {mayManageSubscriptions ? (
        <>
          {subscriptionAct.done ? <Notice tone="success" title={subscriptionAct.done} /> : null}
          {subscriptionAct.feedback}
          <SubscriptionsCard act={subscriptionAct} reloadKey={reloadKey} />
        </>
      ) : null}
      {mayReadInterchanges ? (
        <InterchangesCard reloadKey={reloadKey} mayImport={holds(session, 'edi.import')} />
      ) : null}
      {mayManageTokens ? <Tokens session={session} /> : null}
    </div>
  );
}
