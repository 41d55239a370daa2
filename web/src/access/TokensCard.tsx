/** The machine clients' API tokens: each revocable, and the form that creates one (shown once). */
import { Fragment, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiDelete, apiPost, type Session } from '../api.js';
import { localDateTime } from '../clock.js';
import { Button } from '../components.js';
import { ActionForm } from '../forms/ActionForm.js';
import { allows, useFormDraft, withChoices } from '../forms/form-schema.js';
import { CopyButton } from '../qr.js';
import { type AdminAct, type ApiToken, listOf, type Organisation, type Outcome } from './admin-api.js';
import { ADMIN_FORM, CREATE_TOKEN } from './admin-forms.js';

export function TokensCard({
  session,
  orgs,
  tokens,
  act,
  busy,
  setOutcome,
}: {
  session: Session;
  orgs: Organisation[];
  tokens: ApiToken[];
  act: AdminAct;
  busy: string | undefined;
  setOutcome: (outcome: Outcome) => void;
}) {
  const { t } = useTranslation('access');
  const draft = useFormDraft({ orgId: '', permissions: '', label: '', expiresInDays: '90' });
  const [createdToken, setCreatedToken] = useState<string>();
  const orgName = (orgId: string) => orgs.find((o) => o.orgId === orgId)?.name ?? orgId;
  return (
    <section className="card card-wide" aria-labelledby="tokens-heading">
      <h2 id="tokens-heading">{t('tokens.heading')}</h2>
      {tokens.length === 0 ? <p className="muted">{t('tokens.none')}</p> : null}
      {tokens.length > 0 ? (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('tokens.label')}</th>
                <th scope="col">{t('tokens.organisation')}</th>
                <th scope="col">{t('tokens.permissions')}</th>
                <th scope="col">{t('tokens.expires')}</th>
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
