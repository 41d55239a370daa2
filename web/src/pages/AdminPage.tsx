/**
 * Port administration: organisations, users (their roles only through two-person role grants), enrolment links,
 * passkey resets and API tokens. The server checks every action; sensitive ones ask for a passkey step-up inline.
 */
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Organisation, Outcome } from '../access/admin-api.js';
import { OrganisationsCard } from '../access/OrganisationsCard.js';
import { TokensCard } from '../access/TokensCard.js';
import { UsersCard } from '../access/UsersCard.js';
import type { Session } from '../api.js';
import { Button, Loading, Notice, PageHeading } from '../components.js';
import { messageOf } from '../errors.js';
import { allPages } from '../pages-of.js';
import { useAction } from '../use-action.js';

export function AdminPage({ session }: { session: Session }) {
  const { t } = useTranslation('access');
  // Every organisation, for the forms' pickers (issue 13: the server answers a page at a time); each card reads its
  // own list, filtered and sorted (issue 14), again whenever `reloadKey` changes after an action.
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
    done: outcome,
    setDone: setOutcome,
    failed,
    prompt,
  } = useAction<Outcome>({ reload: load });
  const shared = { session, act, busy, setOutcome, reloadKey };

  return (
    <div className="page admin-page">
      <PageHeading title={t('page.title')} />
      <p className="lead">{t('page.lead')}</p>
      {loadError ? (
        <Notice tone="error" title={t('page.failed')}>
          <p>{loadError}</p>
          <Button onClick={() => void load()}>{t('page.tryAgain')}</Button>
        </Notice>
      ) : null}
      {prompt}
      {outcome ? (
        <Notice tone="success" title={outcome.title}>
          {outcome.body}
        </Notice>
      ) : failed ? (
        <Notice tone="error" title={t('didNotWork', { ns: 'common' })}>
          {failed}
        </Notice>
      ) : null}
      {!loadError && !orgs ? <Loading label={t('page.loading')} /> : null}
      {orgs ? (
        <>
          <OrganisationsCard {...shared} />
          <UsersCard {...shared} orgs={orgs} />
          <TokensCard {...shared} orgs={orgs} />
        </>
      ) : null}
    </div>
  );
}
