/** The port's organisations, and the form that adds one. */
import { useTranslation } from 'react-i18next';
import { apiPost, type Session } from '../api.js';
import { ActionForm } from '../forms/ActionForm.js';
import { allows, useFormDraft } from '../forms/form-schema.js';
import { orgKindName } from '../terms.js';
import { type AdminAct, listOf, type Organisation, type Outcome } from './admin-api.js';
import { ADD_ORGANISATION, ADMIN_FORM } from './admin-forms.js';

export function OrganisationsCard({
  session,
  orgs,
  act,
  busy,
  setOutcome,
}: {
  session: Session;
  orgs: Organisation[];
  act: AdminAct;
  busy: string | undefined;
  setOutcome: (outcome: Outcome) => void;
}) {
  const { t } = useTranslation('access');
  const draft = useFormDraft({ orgId: '', kind: 'terminal_operator', name: '', code: '', terminals: '' });
  return (
    <section className="card card-wide" aria-labelledby="orgs-heading">
      <h2 id="orgs-heading">{t('orgs.heading')}</h2>
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('orgs.name')}</th>
              <th scope="col">{t('orgs.id')}</th>
              <th scope="col">{t('orgs.kind')}</th>
              <th scope="col">{t('orgs.code')}</th>
              <th scope="col">{t('orgs.terminals')}</th>
            </tr>
          </thead>
          <tbody>
            {orgs.map((o) => (
              <tr key={o.orgId}>
                <td>{o.name}</td>
                <td>
                  <code>{o.orgId}</code>
                </td>
                <td>{orgKindName(o.kind)}</td>
                <td>{o.code}</td>
                <td>{o.terminals.join(', ') || '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {allows(session, ADD_ORGANISATION.policy) ? (
        <ActionForm
          {...ADMIN_FORM}
          spec={ADD_ORGANISATION}
          draft={draft}
          title={t('orgs.addTitle')}
          headingId="add-org-heading"
          busy={busy === 'org'}
          onSubmit={({ orgId, kind, name, code, terminals }) => {
            const terminalList = listOf(terminals);
            void act('org', ADD_ORGANISATION.policy.stepUp(), async () => {
              const added = await apiPost<Organisation>('/v1/admin/orgs', {
                orgId,
                kind,
                name,
                code,
                ...(terminalList.length > 0 ? { terminals: terminalList } : {}),
              });
              setOutcome({ title: t('orgs.added', { name: added.name, id: added.orgId }) });
              draft.reset({ kind });
            });
          }}
        />
      ) : null}
    </section>
  );
}
