/** What an administrator does to one user: a new enrolment link, a role grant or a passkey reset (both two-person). */
import { useState } from 'react';
import { apiPost } from '../api.js';
import { Button, SelectField } from '../components.js';
import { roleName } from '../terms.js';
import { type AdminAct, type EnrolmentLink, type Outcome, ROLES, type User } from './admin-api.js';
import { EnrolmentLinkShown } from './EnrolmentLinkShown.js';

export function UserActions({
  users,
  act,
  busy,
  setOutcome,
}: {
  users: User[];
  act: AdminAct;
  busy: string | undefined;
  setOutcome: (outcome: Outcome) => void;
}) {
  const [target, setTarget] = useState('');
  const [grantRole, setGrantRole] = useState(ROLES[0] as string);
  const [link, setLink] = useState<EnrolmentLink>();
  const targetId = target || users[0]?.userId || '';
  return (
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
      {link ? <EnrolmentLinkShown link={link} /> : null}
    </fieldset>
  );
}
