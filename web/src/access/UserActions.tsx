/** What an administrator does to one user: a new enrolment link, a role grant or a passkey reset (both two-person). */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiPost } from '../api.js';
import { Button, SelectField } from '../components.js';
import { roleName } from '../terms.js';
import {
  type AdminAct,
  type EnrolmentLink,
  NEEDS_STEP_UP,
  type Outcome,
  ROLES,
  type User,
} from './admin-api.js';
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
  const { t } = useTranslation('access');
  const [target, setTarget] = useState('');
  const [grantRole, setGrantRole] = useState(ROLES[0] as string);
  const [link, setLink] = useState<EnrolmentLink>();
  const targetId = target || users[0]?.userId || '';
  return (
    <fieldset className="admin-form admin-actions">
      <legend className="admin-legend">{t('actions.legend')}</legend>
      <div className="admin-fields">
        <SelectField
          label={t('actions.user')}
          value={targetId}
          onChange={setTarget}
          options={users.map((u) => ({ value: u.userId, label: `${u.displayName} (${u.username})` }))}
        />
        <SelectField
          label={t('actions.role')}
          value={grantRole}
          onChange={setGrantRole}
          options={ROLES.map((r) => ({ value: r, label: roleName(r) }))}
        />
      </div>
      <div className="button-row">
        <Button
          busy={busy === 'link'}
          busyLabel={t('actions.issuing')}
          onClick={() =>
            void act('link', t('actions.stepUpLink'), async () => {
              setLink(
                await apiPost<EnrolmentLink>(
                  `/v1/admin/users/${encodeURIComponent(targetId)}/enrolment-link`,
                ),
              );
              setOutcome({ title: t('actions.linkIssued') });
            })
          }
        >
          {t('actions.issueLink')}
        </Button>
        <Button
          busy={busy === 'grant'}
          busyLabel={t('actions.requesting')}
          onClick={() =>
            void act(
              'grant',
              t('actions.stepUpGrant'),
              async () => {
                const requested = await apiPost<{ requestId: string }>(
                  `/v1/admin/users/${encodeURIComponent(targetId)}/role-grants`,
                  { role: grantRole },
                );
                setOutcome({
                  title: t('actions.grantRequested', { id: requested.requestId }),
                  body: t('actions.grantBody'),
                });
              },
              NEEDS_STEP_UP,
            )
          }
        >
          {t('actions.requestGrant')}
        </Button>
        <Button
          variant="danger"
          busy={busy === 'reset'}
          busyLabel={t('actions.requesting')}
          onClick={() =>
            void act(
              'reset',
              t('actions.stepUpReset'),
              async () => {
                const requested = await apiPost<{ requestId: string }>(
                  `/v1/admin/users/${encodeURIComponent(targetId)}/passkey-resets`,
                );
                setOutcome({
                  title: t('actions.resetRequested', { id: requested.requestId }),
                  body: t('actions.resetBody'),
                });
              },
              NEEDS_STEP_UP,
            )
          }
        >
          {t('actions.requestReset')}
        </Button>
      </div>
      {link ? <EnrolmentLinkShown link={link} /> : null}
    </fieldset>
  );
}
