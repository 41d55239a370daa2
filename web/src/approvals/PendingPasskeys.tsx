/**
 * "Pending passkeys": a terminal supervisor (for the people of their terminal) or a port administrator (for
 * anyone) confirms or rejects a passkey someone registered through a one-time enrolment link (issue 10, row D).
 * A link can be stolen on its way, so the passkey signs nobody in until a person who knows its holder has looked at
 * the device, the time and the network it came from. Whoever holds a link can enrol first, and the device they
 * show is theirs to choose; so Confirm asks for the confirmation code the person's enrolment page showed them, which
 * the confirmer asks them for and types (never shown here). A wrong code is refused and recorded; after five, only
 * Reject is left. Confirm and Reject ask for a passkey step-up first (the existing dialog, through `useAction`).
 * The panel is `CodeConfirmationPanel`, with the words of passkeys.
 */
import { useTranslation } from 'react-i18next';
import { api, type PendingEnrolment } from '../api.js';
import { yourTime } from '../clock.js';
import { Notice } from '../components.js';
import { i18next } from '../i18n/index.js';
import { roleName } from '../terms.js';
import { type AwaitingCodeView, CodeConfirmationPanel } from './CodeConfirmationPanel.js';

const pending = () => api.pendingEnrolments();
const confirm = (enrolment: PendingEnrolment, code: string) =>
  api.decideEnrolment(enrolment.enrolmentId, { decision: 'confirm', code });
const reject = (enrolment: PendingEnrolment) =>
  api.decideEnrolment(enrolment.enrolmentId, { decision: 'reject' });

function view(enrolment: PendingEnrolment): AwaitingCodeView {
  const { person, device } = enrolment;
  const t = i18next.t;
  const name = person.displayName;
  const whose = t('approvals:passkeys.whose', { name });
  return {
    id: enrolment.enrolmentId,
    heading: (
      <>
        {name} · {person.username} · {person.orgName}
      </>
    ),
    facts: (
      <>
        {enrolment.otherEnrolments > 0 ? (
          <Notice tone="error" title={t('approvals:passkeys.another')}>
            <p>{t('approvals:passkeys.others', { name, count: enrolment.otherEnrolments })}</p>
          </Notice>
        ) : null}
        <dl className="approval-facts">
          <div>
            <dt>{t('approvals:passkeys.roles')}</dt>
            <dd>{person.roles.map(roleName).join(', ')}</dd>
          </div>
          <div>
            <dt>{t('approvals:passkeys.registered')}</dt>
            <dd>{yourTime(enrolment.registeredAt)}</dd>
          </div>
          <div>
            <dt>{t('approvals:passkeys.network')}</dt>
            <dd className="mono">{enrolment.ip}</dd>
          </div>
          <div>
            <dt>{t('approvals:passkeys.browser')}</dt>
            <dd>{device.userAgent || t('approvals:passkeys.notGiven')}</dd>
          </div>
          <div>
            <dt>{t('approvals:passkeys.authenticator')}</dt>
            <dd>
              {device.authenticator ?? t('approvals:passkeys.unknown')}{' '}
              <span className="mono muted">{device.aaguid}</span>
            </dd>
          </div>
        </dl>
      </>
    ),
    whose,
    formName: whose,
    buttonName: whose,
    codeHint: t('approvals:passkeys.codeHint', { name }),
    lockedNext: t('approvals:passkeys.lockedNext', { name }),
    confirmed: t('approvals:passkeys.confirmed', { whose, name }),
    rejected: t('approvals:passkeys.rejected', { whose, name }),
  };
}

export function PendingPasskeys() {
  const { t } = useTranslation('approvals');
  return (
    <CodeConfirmationPanel
      title={t('passkeys.title')}
      intro={t('passkeys.intro')}
      noun="passkey"
      idPrefix="enrolment"
      loadingLabel={t('passkeys.loading')}
      loadFailed={t('passkeys.failed')}
      empty={t('passkeys.empty')}
      load={pending}
      view={view}
      confirm={confirm}
      reject={reject}
    />
  );
}
