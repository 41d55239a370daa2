/** The machine clients' API tokens: each revocable, and the form that creates one (shown once). */
import { Fragment, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiDelete, apiPost, type Session } from '../api.js';
import { localDateTime } from '../clock.js';
import { Button, Field, Notice, SelectField } from '../components.js';
import { ActionForm } from '../forms/ActionForm.js';
import { allows, useFormDraft, withChoices } from '../forms/form-schema.js';
import { ListFooter, type ListQuery, SortHeader, useServerList } from '../list-controls.js';
import { CopyButton } from '../qr.js';
import { type AdminAct, type ApiToken, listOf, type Organisation, type Outcome } from './admin-api.js';
import { ADMIN_FORM, CREATE_TOKEN } from './admin-forms.js';

/** The filters of the tokens' list: organisation, revoked or not, and a permission it holds. */
function TokenFilters({
  orgs,
  query,
  onChange,
}: {
  orgs: Organisation[];
  query: ListQuery;
  onChange: (query: ListQuery) => void;
}) {
  const { t } = useTranslation('access');
  const set = (name: string) => (value: string) =>
    onChange({ ...query, filters: { ...query.filters, [name]: value } });
  return (
    <fieldset className="list-filters">
      <legend>{t('filters.legend')}</legend>
      <SelectField
        label={t('tokens.organisation')}
        value={query.filters.orgId ?? ''}
        onChange={set('orgId')}
        prompt={t('filters.any')}
        options={orgs.map((o) => ({ value: o.orgId, label: o.name }))}
      />
      <SelectField
        label={t('filters.tokenState')}
        value={query.filters.revoked ?? ''}
        onChange={set('revoked')}
        prompt={t('filters.any')}
        options={[
          { value: 'false', label: t('filters.notRevoked') },
          { value: 'true', label: t('filters.revoked') },
        ]}
      />
      <Field
        label={t('filters.permission')}
        type="search"
        value={query.filters.permission ?? ''}
        onChange={(event) => set('permission')(event.target.value)}
      />
    </fieldset>
  );
}

export function TokensCard({
  session,
  orgs,
  reloadKey,
  act,
  busy,
  setOutcome,
}: {
  session: Session;
  orgs: Organisation[];
  /** Changes after each action, so that the list shows what it did. */
  reloadKey: number;
  act: AdminAct;
  busy: string | undefined;
  setOutcome: (outcome: Outcome) => void;
}) {
  const { t } = useTranslation('access');
  const draft = useFormDraft({ orgId: '', permissions: '', label: '', expiresInDays: '90' });
  const [createdToken, setCreatedToken] = useState<string>();
  const [query, setQuery] = useState<ListQuery>({ filters: {}, sort: 'createdAt', direction: 'asc' });
  const list = useServerList<ApiToken>('/v1/admin/tokens', 'tokens', query, reloadKey);
  const tokens = list.rows ?? [];
  const filtered = Object.values(query.filters).some((value) => value.trim() !== '');
  const orgName = (orgId: string) => orgs.find((o) => o.orgId === orgId)?.name ?? orgId;
  return (
    <section className="card card-wide" aria-labelledby="tokens-heading">
      <h2 id="tokens-heading">{t('tokens.heading')}</h2>
      <TokenFilters orgs={orgs} query={query} onChange={setQuery} />
      {list.error ? (
        <Notice tone="error" title={t('page.failed')}>
          <p>{list.error}</p>
        </Notice>
      ) : null}
      {list.rows && tokens.length === 0 ? (
        <p className="muted">{filtered ? t('filters.noMatch') : t('tokens.none')}</p>
      ) : null}
      {tokens.length > 0 ? (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <SortHeader column="label" label={t('tokens.label')} query={query} onSort={setQuery} />
                <th scope="col">{t('tokens.organisation')}</th>
                <th scope="col">{t('tokens.permissions')}</th>
                <SortHeader
                  column="createdAt"
                  label={t('tokens.createdAt')}
                  query={query}
                  onSort={setQuery}
                />
                <SortHeader column="expiresAt" label={t('tokens.expires')} query={query} onSort={setQuery} />
                <th scope="col">{t('tokens.lastUsed')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('tokens.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens.map((token) => (
                <tr key={token.tokenId}>
                  <td>
                    {token.label || <span className="muted">{t('tokens.noLabel')}</span>}{' '}
                    <code>{token.tokenId}</code>
                  </td>
                  <td>{orgName(token.orgId)}</td>
                  <td>
                    {/* Permission names are the API's own words: shown as code. */}
                    {token.permissions.map((permission, at) => (
                      <Fragment key={permission}>
                        {at > 0 ? ', ' : null}
                        <code>{permission}</code>
                      </Fragment>
                    ))}
                  </td>
                  <td>{localDateTime(token.createdAt)}</td>
                  <td>{localDateTime(token.expiresAt)}</td>
                  <td>{localDateTime(token.lastUsedAt)}</td>
                  <td>
                    {token.revokedAt ? (
                      t('tokens.revoked', { when: localDateTime(token.revokedAt) })
                    ) : (
                      <Button
                        variant="danger"
                        busy={busy === `revoke-${token.tokenId}`}
                        busyLabel={t('tokens.revoking')}
                        aria-label={t('tokens.revokeLabel', { label: token.label || token.tokenId })}
                        onClick={() =>
                          void act(`revoke-${token.tokenId}`, t('tokens.stepUpRevoke'), async () => {
                            await apiDelete(`/v1/admin/tokens/${encodeURIComponent(token.tokenId)}`);
                            setOutcome({ title: t('tokens.revokedDone', { id: token.tokenId }) });
                          })
                        }
                      >
                        {t('tokens.revoke')}
                      </Button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <ListFooter {...list} filename="api-tokens.csv" />
      {allows(session, CREATE_TOKEN.policy) ? (
        <ActionForm
          {...ADMIN_FORM}
          spec={withChoices(CREATE_TOKEN, 'orgId', {
            options: orgs.map((o) => ({ value: o.orgId, label: `${o.name} (${o.orgId})` })),
            fallback: orgs[0]?.orgId ?? '',
          })}
          draft={draft}
          title={t('tokens.createTitle')}
          headingId="add-token-heading"
          busy={busy === 'token'}
          onSubmit={({ orgId, permissions, label, expiresInDays }) =>
            void act('token', CREATE_TOKEN.policy.stepUp(), async () => {
              const answer = await apiPost<{ token: string; apiToken: ApiToken }>('/v1/admin/tokens', {
                orgId,
                permissions: listOf(permissions),
                ...(label ? { label } : {}),
                expiresInDays: Number(expiresInDays) || 90,
              });
              setCreatedToken(answer.token);
              setOutcome({ title: t('tokens.created', { id: answer.apiToken.tokenId }) });
              draft.reset({ orgId });
            })
          }
        />
      ) : null}
      {createdToken ? (
        <div className="admin-secret" aria-live="polite">
          <p>{t('tokens.shownOnce')}</p>
          <code className="hash" data-testid="api-token">
            {createdToken}
          </code>
          <CopyButton text={createdToken} label={t('tokens.copy')} />
        </div>
      ) : null}
    </section>
  );
}
