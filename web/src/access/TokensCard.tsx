/** The machine clients' API tokens: each revocable, and the form that creates one (shown once). */
import { useState } from 'react';
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
  const draft = useFormDraft({ orgId: '', permissions: '', label: '', expiresInDays: '90' });
  const [createdToken, setCreatedToken] = useState<string>();
  const orgName = (orgId: string) => orgs.find((o) => o.orgId === orgId)?.name ?? orgId;
  return (
    <section className="card card-wide" aria-labelledby="tokens-heading">
      <h2 id="tokens-heading">API tokens</h2>
      {tokens.length === 0 ? <p className="muted">No API tokens yet.</p> : null}
      {tokens.length > 0 ? (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Label</th>
                <th scope="col">Organisation</th>
                <th scope="col">Permissions</th>
                <th scope="col">Expires</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens.map((t) => (
                <tr key={t.tokenId}>
                  <td>
                    {t.label || <span className="muted">no label</span>} <code>{t.tokenId}</code>
                  </td>
                  <td>{orgName(t.orgId)}</td>
                  <td>{t.permissions.join(', ')}</td>
                  <td>{localDateTime(t.expiresAt)}</td>
                  <td>{localDateTime(t.lastUsedAt)}</td>
                  <td>
                    {t.revokedAt ? (
                      `Revoked ${localDateTime(t.revokedAt)}`
                    ) : (
                      <Button
                        variant="danger"
                        busy={busy === `revoke-${t.tokenId}`}
                        busyLabel="Revoking…"
                        aria-label={`Revoke token ${t.label || t.tokenId}`}
                        onClick={() =>
                          void act(`revoke-${t.tokenId}`, 'revoke the API token', async () => {
                            await apiDelete(`/v1/admin/tokens/${encodeURIComponent(t.tokenId)}`);
                            setOutcome({ title: `API token ${t.tokenId} revoked` });
                          })
                        }
                      >
                        Revoke
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
          title="Create an API token"
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
              setOutcome({ title: `API token ${answer.apiToken.tokenId} created` });
              draft.reset({ orgId });
            })
          }
        />
      ) : null}
      {createdToken ? (
        <div className="admin-secret" aria-live="polite">
          <p>The token, shown this once only. Store it in the machine client's secret store now.</p>
          <code className="hash" data-testid="api-token">
            {createdToken}
          </code>
          <CopyButton text={createdToken} label="Copy token" />
        </div>
      ) : null}
    </section>
  );
}
