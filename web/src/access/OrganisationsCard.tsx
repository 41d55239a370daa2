/** The port's organisations, and the form that adds one. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiPost, type Session } from '../api.js';
import { yourTime } from '../clock.js';
import { Button, Field, Notice, SelectField } from '../components.js';
import { ActionForm } from '../forms/ActionForm.js';
import { allows, useFormDraft } from '../forms/form-schema.js';
import { ListFooter, type ListQuery, SortHeader, useServerList } from '../list-controls.js';
import { orgKindName } from '../terms.js';
import { type AdminAct, listOf, ORG_KINDS, type Organisation, type Outcome } from './admin-api.js';
import { ADD_ORGANISATION, ADMIN_FORM } from './admin-forms.js';
import { NetworksEditor } from './NetworksEditor.js';

export function OrganisationsCard({
  session,
  reloadKey,
  act,
  busy,
  setOutcome,
}: {
  session: Session;
  /** Changes after each action, so that the list shows what it did. */
  reloadKey: number;
  act: AdminAct;
  busy: string | undefined;
  setOutcome: (outcome: Outcome) => void;
}) {
  const { t } = useTranslation('access');
  const draft = useFormDraft({ orgId: '', kind: 'terminal_operator', name: '', code: '', terminals: '' });
  const [query, setQuery] = useState<ListQuery>({ filters: {}, sort: 'code', direction: 'asc' });
  const list = useServerList<Organisation>('/v1/admin/orgs', 'organisations', query, reloadKey);
  const orgs = list.rows ?? [];
  // The organisation whose client networks are open for editing (issue 15), one at a time.
  const [networksOf, setNetworksOf] = useState<Organisation>();
  const editsNetworks = allows(session, { permissions: ['org.manage'] });
  const set = (name: string) => (value: string) =>
    setQuery({ ...query, filters: { ...query.filters, [name]: value } });
  return (
    <section className="card card-wide" aria-labelledby="orgs-heading">
      <h2 id="orgs-heading">{t('orgs.heading')}</h2>
      <fieldset className="list-filters">
        <legend>{t('filters.legend')}</legend>
        <Field
          label={t('filters.orgName')}
          type="search"
          value={query.filters.name ?? ''}
          onChange={(event) => set('name')(event.target.value)}
        />
        <SelectField
          label={t('orgs.kind')}
          value={query.filters.kind ?? ''}
          onChange={set('kind')}
          prompt={t('filters.any')}
          options={ORG_KINDS.map((kind) => ({ value: kind, label: orgKindName(kind) }))}
        />
      </fieldset>
      {list.error ? (
        <Notice tone="error" title={t('page.failed')}>
          <p>{list.error}</p>
        </Notice>
      ) : null}
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              <SortHeader column="name" label={t('orgs.name')} query={query} onSort={setQuery} />
              <th scope="col">{t('orgs.id')}</th>
              <th scope="col">{t('orgs.kind')}</th>
              <SortHeader column="code" label={t('orgs.code')} query={query} onSort={setQuery} />
              <th scope="col">{t('orgs.terminals')}</th>
              <SortHeader column="createdAt" label={t('orgs.createdAt')} query={query} onSort={setQuery} />
              {editsNetworks ? <th scope="col">{t('networks.column')}</th> : null}
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
                <td>{yourTime(o.createdAt)}</td>
                {editsNetworks ? (
                  <td>
                    <Button
                      variant="quiet"
                      aria-label={t('networks.openLabel', { name: o.name })}
                      aria-expanded={networksOf?.orgId === o.orgId}
                      data-networks-org={o.orgId}
                      onClick={() => setNetworksOf(networksOf?.orgId === o.orgId ? undefined : o)}
                    >
                      {t('networks.open')}
                    </Button>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {list.rows && orgs.length === 0 ? <p className="muted">{t('filters.noMatch')}</p> : null}
      <ListFooter {...list} filename="organisations.csv" />
      {networksOf ? (
        <NetworksEditor
          key={networksOf.orgId}
          org={networksOf}
          onClose={() => {
            setNetworksOf(undefined);
            // The keyboard goes back to the button that opened the editor, rather than to the top of the page.
            document
              .querySelector<HTMLButtonElement>(`[data-networks-org="${CSS.escape(networksOf.orgId)}"]`)
              ?.focus();
          }}
        />
      ) : null}
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
