/** The port's organisations, and the form that adds one. */
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
  const draft = useFormDraft({ orgId: '', kind: 'terminal_operator', name: '', code: '', terminals: '' });
  return (
    <section className="card card-wide" aria-labelledby="orgs-heading">
      <h2 id="orgs-heading">Organisations</h2>
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Id</th>
              <th scope="col">Kind</th>
              <th scope="col">Code</th>
              <th scope="col">Terminals</th>
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
          title="Add an organisation"
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
              setOutcome({ title: `Organisation ${added.name} (${added.orgId}) added` });
              draft.reset({ kind });
            });
          }}
        />
      ) : null}
    </section>
  );
}
