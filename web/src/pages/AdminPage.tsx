/**
 * Port administration: organisations, users (their roles only through two-person role grants), enrolment links,
 * passkey resets and API tokens. The server checks every action; sensitive ones ask for a passkey step-up inline.
 */
import { type FormEvent, type ReactNode, useCallback, useEffect, useState } from 'react';
import { apiDelete, apiGet, apiPost } from '../api.js';
import { Button, Field, Loading, Notice, PageHeading, SelectField } from '../components.js';
import { messageOf } from '../errors.js';
import { formatDateTime, orgKindName, roleName } from '../labels.js';
import { CopyButton } from '../qr.js';
import { useAction } from '../use-action.js';

interface Organisation {
  orgId: string;
  kind: string;
  name: string;
  code: string;
  terminals: string[];
  createdAt: string;
}

interface User {
  userId: string;
  orgId: string;
  username: string;
  displayName: string;
  roles: string[];
  lockedAt: string | null;
  createdAt: string;
}

interface EnrolmentLink {
  url: string;
  expiresAt: string;
}

interface ApiToken {
  tokenId: string;
  orgId: string;
  permissions: string[];
  label: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

const ORG_KINDS = [
  'terminal_operator',
  'shipping_line',
  'forwarder',
  'haulier',
  'customs',
  'port_police',
  'port_administration',
];
const ROLES = [
  'gate_clerk',
  'yard_planner',
  'equipment_operator',
  'terminal_supervisor',
  'release_desk',
  'haulier_planner',
  'driver',
  'customs_officer',
  'investigator',
  'administrator',
];

/** What an action achieved, as the notice at the top shows it. */
type Outcome = { title: string; body?: ReactNode };

function LinkShown({ link }: { link: EnrolmentLink }) {
  return (
    <div className="admin-secret">
      <p>
        One-time enrolment link (expires {formatDateTime(link.expiresAt)}). Hand it to the person only; it is
        not shown again.
      </p>
      <code className="hash" data-testid="enrolment-link">
        {link.url}
      </code>
      <CopyButton text={link.url} label="Copy link" />
    </div>
  );
}

export function AdminPage() {
  const [orgs, setOrgs] = useState<Organisation[]>();
  const [users, setUsers] = useState<User[]>();
  const [tokens, setTokens] = useState<ApiToken[]>();
  const [loadError, setLoadError] = useState<string>();

  const load = useCallback(async () => {
    try {
      const [o, u, t] = await Promise.all([
        apiGet<{ organisations: Organisation[] }>('/v1/admin/orgs'),
        apiGet<{ users: User[] }>('/v1/admin/users'),
        apiGet<{ tokens: ApiToken[] }>('/v1/admin/tokens'),
      ]);
      setOrgs(o.organisations);
      setUsers(u.users);
      setTokens(t.tokens);
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

  // Organisations
  const [org, setOrg] = useState({ orgId: '', kind: 'terminal_operator', name: '', code: '', terminals: '' });
  function addOrg(event: FormEvent) {
    event.preventDefault();
    const terminals = org.terminals
      .split(/[,\s]+/)
      .map((t) => t.trim())
      .filter(Boolean);
    void act('org', 'add the organisation', async () => {
      const added = await apiPost<Organisation>('/v1/admin/orgs', {
        orgId: org.orgId.trim(),
        kind: org.kind,
        name: org.name.trim(),
        code: org.code.trim(),
        ...(terminals.length > 0 ? { terminals } : {}),
      });
      setOutcome({ title: `Organisation ${added.name} (${added.orgId}) added` });
      setOrg({ orgId: '', kind: org.kind, name: '', code: '', terminals: '' });
    });
  }

  // Users
  const [user, setUser] = useState({ orgId: '', username: '', displayName: '', roles: [] as string[] });
  const [added, setAdded] = useState<{
    user: User;
    enrolment: EnrolmentLink;
    roleRequests: { requestId: string; role: string }[];
  }>();
  function addUser(event: FormEvent) {
    event.preventDefault();
    const orgId = user.orgId || orgs?.[0]?.orgId || '';
    void act('user', 'add the user', async () => {
      const answer = await apiPost<NonNullable<typeof added>>('/v1/admin/users', {
        orgId,
        username: user.username.trim(),
        displayName: user.displayName.trim(),
        roles: user.roles,
      });
      setAdded(answer);
      setOutcome({ title: `User ${answer.user.username} added` });
      setUser({ orgId, username: '', displayName: '', roles: [] });
    });
  }

  // Actions on one user
  const [target, setTarget] = useState('');
  const [grantRole, setGrantRole] = useState(ROLES[0] as string);
  const [link, setLink] = useState<EnrolmentLink>();
  const targetId = target || users?.[0]?.userId || '';

  // Tokens
  const [token, setToken] = useState({ orgId: '', permissions: '', label: '', expiresInDays: '90' });
  const [createdToken, setCreatedToken] = useState<string>();
  function createToken(event: FormEvent) {
    event.preventDefault();
    const orgId = token.orgId || orgs?.[0]?.orgId || '';
    void act('token', 'create the API token', async () => {
      const answer = await apiPost<{ token: string; apiToken: ApiToken }>('/v1/admin/tokens', {
        orgId,
        permissions: token.permissions
          .split(/[,\s]+/)
          .map((p) => p.trim())
          .filter(Boolean),
        ...(token.label.trim() ? { label: token.label.trim() } : {}),
        expiresInDays: Number(token.expiresInDays) || 90,
      });
      setCreatedToken(answer.token);
      setOutcome({ title: `API token ${answer.apiToken.tokenId} created` });
      setToken({ orgId, permissions: '', label: '', expiresInDays: '90' });
    });
  }

  const orgOptions = (orgs ?? []).map((o) => ({ value: o.orgId, label: `${o.name} (${o.orgId})` }));
  const orgName = (orgId: string) => orgs?.find((o) => o.orgId === orgId)?.name ?? orgId;

  return (
    <div className="page admin-page">
      <PageHeading title="Administration" />
      <p className="lead">
        Roles are granted by two administrators: what you ask for here waits in the approvals inbox of another
        administrator.
      </p>
      {loadError ? (
        <Notice tone="error" title="The administration data could not be loaded">
          <p>{loadError}</p>
          <Button onClick={() => void load()}>Try again</Button>
        </Notice>
      ) : null}
      {prompt}
      {outcome ? (
        <Notice tone="success" title={outcome.title}>
          {outcome.body}
        </Notice>
      ) : failed ? (
        <Notice tone="error" title="That did not work">
          {failed}
        </Notice>
      ) : null}
      {!loadError && (!orgs || !users || !tokens) ? <Loading label="Loading administration…" /> : null}
      {orgs && users && tokens ? (
        <>
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
            <form className="admin-form" onSubmit={addOrg} aria-labelledby="add-org-heading">
              <h3 id="add-org-heading">Add an organisation</h3>
              <div className="admin-fields">
                <Field
                  label="Organisation id"
                  required
                  value={org.orgId}
                  onChange={(e) => setOrg({ ...org, orgId: e.target.value })}
                />
                <SelectField
                  label="Kind"
                  value={org.kind}
                  onChange={(kind) => setOrg({ ...org, kind })}
                  options={ORG_KINDS.map((k) => ({ value: k, label: orgKindName(k) }))}
                />
                <Field
                  label="Name"
                  required
                  value={org.name}
                  onChange={(e) => setOrg({ ...org, name: e.target.value })}
                />
                <Field
                  label="Code"
                  required
                  maxLength={10}
                  value={org.code}
                  onChange={(e) => setOrg({ ...org, code: e.target.value })}
                />
                <Field
                  label="Terminals"
                  hint="Terminal operators only, comma-separated"
                  value={org.terminals}
                  onChange={(e) => setOrg({ ...org, terminals: e.target.value })}
                />
              </div>
              <Button type="submit" variant="primary" busy={busy === 'org'} busyLabel="Adding…">
                Add organisation
              </Button>
            </form>
          </section>

          <section className="card card-wide" aria-labelledby="users-heading">
            <h2 id="users-heading">Users</h2>
            <div className="table-wrap">
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Username</th>
                    <th scope="col">Organisation</th>
                    <th scope="col">Roles</th>
                    <th scope="col">Status</th>
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
                      <td>{u.roles.map(roleName).join(', ') || <span className="muted">none yet</span>}</td>
                      <td>{u.lockedAt ? `Locked ${formatDateTime(u.lockedAt)}` : 'Active'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>

            <form className="admin-form" onSubmit={addUser} aria-labelledby="add-user-heading">
              <h3 id="add-user-heading">Add a user</h3>
              <div className="admin-fields">
                <SelectField
                  label="Organisation"
                  value={user.orgId || orgs[0]?.orgId || ''}
                  onChange={(orgId) => setUser({ ...user, orgId })}
                  options={orgOptions}
                />
                <Field
                  label="Username"
                  required
                  minLength={2}
                  value={user.username}
                  onChange={(e) => setUser({ ...user, username: e.target.value })}
                />
                <Field
                  label="Full name"
                  required
                  value={user.displayName}
                  onChange={(e) => setUser({ ...user, displayName: e.target.value })}
                />
              </div>
              <fieldset className="admin-roles">
                <legend>Roles (each one is a role-grant request for a second administrator)</legend>
                {ROLES.map((role) => (
                  <label key={role} className="admin-check">
                    <input
                      type="checkbox"
                      checked={user.roles.includes(role)}
                      onChange={(e) =>
                        setUser({
                          ...user,
                          roles: e.target.checked
                            ? [...user.roles, role]
                            : user.roles.filter((r) => r !== role),
                        })
                      }
                    />{' '}
                    {roleName(role)}
                  </label>
                ))}
              </fieldset>
              <Button type="submit" variant="primary" busy={busy === 'user'} busyLabel="Adding…">
                Add user
              </Button>
            </form>
            {added ? (
              <div className="admin-result" aria-live="polite">
                <h3>
                  {added.user.displayName} ({added.user.username})
                </h3>
                <LinkShown link={added.enrolment} />
                <p>Role-grant requests filed for a second administrator:</p>
                <ul>
                  {added.roleRequests.map((r) => (
                    <li key={r.requestId}>
                      {roleName(r.role)} — request <code>{r.requestId}</code>
                    </li>
                  ))}
                </ul>
              </div>
            ) : null}

            <fieldset className="admin-form admin-actions">
              <legend className="admin-legend">Act on a user</legend>
              <div className="admin-fields">
                <SelectField
                  label="User"
                  value={targetId}
                  onChange={setTarget}
                  options={users.map((u) => ({ value: u.userId, label: `${u.displayName} (${u.username})` }))}
                />
                <SelectField
                  label="Role to grant"
                  value={grantRole}
                  onChange={setGrantRole}
                  options={ROLES.map((r) => ({ value: r, label: roleName(r) }))}
                />
              </div>
              <div className="button-row">
                <Button
                  busy={busy === 'link'}
                  busyLabel="Issuing…"
                  onClick={() =>
                    void act('link', 'issue a new enrolment link', async () => {
                      setLink(
                        await apiPost<EnrolmentLink>(
                          `/v1/admin/users/${encodeURIComponent(targetId)}/enrolment-link`,
                        ),
                      );
                      setOutcome({ title: 'New enrolment link issued; the old one no longer works' });
                    })
                  }
                >
                  Issue new enrolment link
                </Button>
                <Button
                  busy={busy === 'grant'}
                  busyLabel="Requesting…"
                  onClick={() =>
                    void act('grant', 'request the role grant', async () => {
                      const requested = await apiPost<{ requestId: string }>(
                        `/v1/admin/users/${encodeURIComponent(targetId)}/role-grants`,
                        { role: grantRole },
                      );
                      setOutcome({
                        title: `Role grant requested (${requested.requestId})`,
                        body: 'It applies once a second administrator approves it.',
                      });
                    })
                  }
                >
                  Request role grant
                </Button>
                <Button
                  variant="danger"
                  busy={busy === 'reset'}
                  busyLabel="Requesting…"
                  onClick={() =>
                    void act('reset', 'request the passkey reset', async () => {
                      const requested = await apiPost<{ requestId: string }>(
                        `/v1/admin/users/${encodeURIComponent(targetId)}/passkey-resets`,
                      );
                      setOutcome({
                        title: `Passkey reset requested (${requested.requestId})`,
                        body: 'Every passkey of the user is removed once a second administrator approves.',
                      });
                    })
                  }
                >
                  Request passkey reset
                </Button>
              </div>
              {link ? <LinkShown link={link} /> : null}
            </fieldset>
          </section>

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
                        <td>{formatDateTime(t.expiresAt)}</td>
                        <td>{formatDateTime(t.lastUsedAt)}</td>
                        <td>
                          {t.revokedAt ? (
                            `Revoked ${formatDateTime(t.revokedAt)}`
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
            <form className="admin-form" onSubmit={createToken} aria-labelledby="add-token-heading">
              <h3 id="add-token-heading">Create an API token</h3>
              <div className="admin-fields">
                <SelectField
                  label="Organisation"
                  value={token.orgId || orgs[0]?.orgId || ''}
                  onChange={(orgId) => setToken({ ...token, orgId })}
                  options={orgOptions}
                />
                <Field
                  label="Permissions"
                  required
                  hint="Comma-separated, e.g. visit.read, release.read"
                  value={token.permissions}
                  onChange={(e) => setToken({ ...token, permissions: e.target.value })}
                />
                <Field
                  label="Label"
                  value={token.label}
                  onChange={(e) => setToken({ ...token, label: e.target.value })}
                />
                <Field
                  label="Valid for (days)"
                  type="number"
                  min={1}
                  value={token.expiresInDays}
                  onChange={(e) => setToken({ ...token, expiresInDays: e.target.value })}
                />
              </div>
              <Button type="submit" variant="primary" busy={busy === 'token'} busyLabel="Creating…">
                Create token
              </Button>
            </form>
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
        </>
      ) : null}
    </div>
  );
}
