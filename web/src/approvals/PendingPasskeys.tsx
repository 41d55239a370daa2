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
import { api, type PendingEnrolment } from '../api.js';
import { localDateTime } from '../clock.js';
import { Notice } from '../components.js';
import { roleName } from '../terms.js';
import { type AwaitingCodeView, CodeConfirmationPanel } from './CodeConfirmationPanel.js';

const pending = () => api.pendingEnrolments();
const confirm = (enrolment: PendingEnrolment, code: string) =>
  api.decideEnrolment(enrolment.enrolmentId, { decision: 'confirm', code });
const reject = (enrolment: PendingEnrolment) =>
  api.decideEnrolment(enrolment.enrolmentId, { decision: 'reject' });

function view(enrolment: PendingEnrolment): AwaitingCodeView {
  const { person, device } = enrolment;
  const name = person.displayName;
  const whose = `${name}'s passkey`;
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
          <Notice tone="error" title="Another enrolment of this person">
            <p>
              {name} has {enrolment.otherEnrolments} other enrolment
              {enrolment.otherEnrolments === 1 ? '' : 's'}: at most one of them is theirs. Ask them which.
            </p>
          </Notice>
        ) : null}
        <dl className="approval-facts">
          <div>
            <dt>Roles</dt>
            <dd>{person.roles.map(roleName).join(', ')}</dd>
          </div>
          <div>
            <dt>Registered</dt>
            <dd>{localDateTime(enrolment.registeredAt)}</dd>
          </div>
          <div>
            <dt>Network</dt>
            <dd className="mono">{enrolment.ip}</dd>
          </div>
          <div>
            <dt>Browser</dt>
            <dd>{device.userAgent || 'not given'}</dd>
          </div>
          <div>
            <dt>Authenticator</dt>
            <dd>
              {device.authenticator ?? 'unknown'} <span className="mono muted">{device.aaguid}</span>
            </dd>
          </div>
        </dl>
      </>
    ),
    whose,
    formName: whose,
    buttonName: whose,
    codeHint: `Ask ${name} for the code their enrolment page shows (XXXX-XXXX), in person or on a call you place. Never take it from a message or from a caller.`,
    lockedNext: `${name} needs a new enrolment link.`,
    confirmed: `You confirmed ${whose}: ${name} can sign in with it now.`,
    rejected: `You rejected ${whose}: it never signs in. ${name} needs a new enrolment link from a port administrator.`,
  };
}

export function PendingPasskeys() {
  return (
    <CodeConfirmationPanel
      title="Pending passkeys"
      intro="A passkey registered through an enrolment link signs in only once you confirm it. Its enrolment page showed the person a confirmation code: ask them for it yourself, face to face or on a call you place to a number you know, and type it to confirm. If they have no code (their link was already used when they opened it), the passkey is not theirs: reject it."
      noun="passkey"
      idPrefix="enrolment"
      loadingLabel="Loading the passkeys waiting for you…"
      loadFailed="The pending passkeys could not be loaded"
      empty="No passkey is waiting for you."
      load={pending}
      view={view}
      confirm={confirm}
      reject={reject}
    />
  );
}
