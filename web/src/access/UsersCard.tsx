/** The port's users, the form that adds one (its roles only through role grants), and the actions on one user. */
import { useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { apiPost, type Session } from '../api.js';
import { yourTime } from '../clock.js';
import { Field, Notice, SelectField } from '../components.js';
import { ActionForm } from '../forms/ActionForm.js';
import { allows, useFormDraft, withChoices } from '../forms/form-schema.js';
import { ListFooter, type ListQuery, SortHeader, useServerList } from '../list-controls.js';
import { roleName } from '../terms.js';
import {
  type AddedUser,
  type AdminAct,
  NEEDS_STEP_UP,
  type Organisation,
  type Outcome,
  ROLES,
  type User,
} from './admin-api.js';
import { ADD_USER, ADMIN_FORM } from './admin-forms.js';
import { EnrolmentLinkShown } from './EnrolmentLinkShown.js';
import { UserActions } from './UserActions.js';

function RoleChoices({ roles, onChange }: { roles: string[]; onChange: (roles: string[]) => void }) {
  const { t } = useTranslation('access');
  return (
    <fieldset className="admin-roles">
      <legend>{t('users.rolesLegend')}</legend>
      {ROLES.map((role) => (
        <label key={role} className="admin-check">
          <input
            type="checkbox"
            checked={roles.includes(role)}
            onChange={(e) => onChange(e.target.checked ? [...roles, role] : roles.filter((r) => r !== role))}
          />{' '}
          {roleName(role)}
        </label>
      ))}
    </fieldset>
  );
}

function AddedUserShown({ added }: { added: AddedUser }) {
  const { t } = useTranslation('access');
  return (
    <div className="admin-result" aria-live="polite">
      <h3>
        {added.user.displayName} ({added.user.username})
      </h3>
      <EnrolmentLinkShown link={added.enrolment} />
      <p>{t('users.requestsFiled')}</p>
      <ul>
        {added.roleRequests.map((r) => (
          <li key={r.requestId}>
            <Trans
              t={t}
              i18nKey="users.request"
              values={{ role: roleName(r.role), id: r.requestId }}
              components={{ code: <code /> }}
            />
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The filters of the users' list: organisation, role, whether locked, and text in the name. */
function UserFilters({
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
      <Field
        label={t('filters.name')}
        type="search"
        value={query.filters.name ?? ''}
        onChange={(event) => set('name')(event.target.value)}
      />
      <SelectField
        label={t('users.organisation')}
        value={query.filters.orgId ?? ''}
        onChange={set('orgId')}
        prompt={t('filters.any')}
        options={orgs.map((o) => ({ value: o.orgId, label: o.name }))}
      />
      <SelectField
        label={t('filters.role')}
        value={query.filters.role ?? ''}
        onChange={set('role')}
        prompt={t('filters.any')}
        options={ROLES.map((role) => ({ value: role, label: roleName(role) }))}
      />
      <SelectField
        label={t('users.status')}
        value={query.filters.locked ?? ''}
        onChange={set('locked')}
        prompt={t('filters.any')}
        options={[
          { value: 'false', label: t('users.active') },
          { value: 'true', label: t('filters.locked') },
        ]}
      />
    </fieldset>
  );
}

export function UsersCard({
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
  const draft = useFormDraft({ orgId: '', username: '', displayName: '' });
  const [roles, setRoles] = useState<string[]>([]);
  const [added, setAdded] = useState<AddedUser>();
  const [query, setQuery] = useState<ListQuery>({ filters: {}, sort: 'username', direction: 'asc' });
  const list = useServerList<User>('/v1/admin/users', 'users', query, reloadKey);
  const users = list.rows ?? [];
  const orgName = (orgId: string) => orgs.find((o) => o.orgId === orgId)?.name ?? orgId;
  return (
    <section className="card card-wide" aria-labelledby="users-heading">
      <h2 id="users-heading">{t('users.heading')}</h2>
      <UserFilters orgs={orgs} query={query} onChange={setQuery} />
      {list.error ? (
        <Notice tone="error" title={t('page.failed')}>
          <p>{list.error}</p>
        </Notice>
      ) : null}
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              <SortHeader column="displayName" label={t('users.name')} query={query} onSort={setQuery} />
              <SortHeader column="username" label={t('users.username')} query={query} onSort={setQuery} />
              <th scope="col">{t('users.organisation')}</th>
              <th scope="col">{t('users.roles')}</th>
              <th scope="col">{t('users.status')}</th>
              <SortHeader column="createdAt" label={t('users.createdAt')} query={query} onSort={setQuery} />
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.userId}>
                <td>{u.displayName}</td>
                <td>
                  <code>{u.username}</code>
                </td>
                <td>{orgName(u.orgId)}</td>
                <td>
                  {u.roles.map(roleName).join(', ') || <span className="muted">{t('users.noneYet')}</span>}
                </td>
                <td>{u.lockedAt ? t('users.locked', { when: yourTime(u.lockedAt) }) : t('users.active')}</td>
                <td>{yourTime(u.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {list.rows && users.length === 0 ? <p className="muted">{t('filters.noMatch')}</p> : null}
      <ListFooter {...list} filename="users.csv" />

      {allows(session, ADD_USER.policy) ? (
        <ActionForm
          {...ADMIN_FORM}
          spec={withChoices(ADD_USER, 'orgId', {
            options: orgs.map((o) => ({ value: o.orgId, label: `${o.name} (${o.orgId})` })),
            fallback: orgs[0]?.orgId ?? '',
          })}
          draft={draft}
          title={t('users.addTitle')}
          headingId="add-user-heading"
          after={<RoleChoices roles={roles} onChange={setRoles} />}
          busy={busy === 'user'}
          onSubmit={({ orgId, username, displayName }) =>
            void act(
              'user',
              ADD_USER.policy.stepUp(),
              async () => {
                const answer = await apiPost<AddedUser>('/v1/admin/users', {
                  orgId,
                  username,
                  displayName,
                  roles,
                });
                setAdded(answer);
                setOutcome({ title: t('users.added', { username: answer.user.username }) });
                draft.reset({ orgId });
                setRoles([]);
              },
              NEEDS_STEP_UP,
            )
          }
        />
      ) : null}
      {added ? <AddedUserShown added={added} /> : null}

      <UserActions users={users} act={act} busy={busy} setOutcome={setOutcome} />
    </section>
  );
}
