/**
 * "Drivers' phones": the haulier planner confirms or rejects a phone a driver set up for rotating pickup passes
 * (issue 10, row C). A driver's password and TOTP seed can be keylogged, so a phone is of no use until someone of
 * his own haulier, signed in with a passkey and confirming again with it (step-up), says it is his. Whoever holds
 * those can set up a phone of their own, with a name of their choosing; so Confirm asks for the confirmation code
 * the driver's phone shows him, which the planner asks him for (in person, or on a call the planner places) and
 * types; it is never shown here. A wrong code is refused and recorded; after five, only Reject is left. Confirm and
 * Reject ask for a passkey step-up first (the existing dialog, through `useAction`). Confirming a phone replaces
 * the driver's previous one. The panel is `CodeConfirmationPanel`, with the words of phones.
 */
import { ApiError } from '../api.js';
import { localDateTime } from '../clock.js';
import { deviceApi, type PendingDriverDevice } from '../drivers/device-api.js';
import { type AwaitingCodeView, CodeConfirmationPanel } from './CodeConfirmationPanel.js';

const pending = () => deviceApi.pending();
const reject = (phone: PendingDriverDevice) => deviceApi.reject(phone.deviceId);

async function confirm(phone: PendingDriverDevice, code: string, reload: () => Promise<void>) {
  try {
    return await deviceApi.confirm(phone.deviceId, code);
  } catch (error) {
    // A wrong code is counted: show the count (and the lock after the fifth) beside the refusal.
    if (
      error instanceof ApiError &&
      (error.code === 'driver.device_code_mismatch' || error.code === 'driver.device_locked')
    )
      await reload();
    throw error;
  }
}

function view(phone: PendingDriverDevice): AwaitingCodeView {
  const who = `${phone.driverName}'s phone “${phone.label}”`;
  return {
    id: phone.deviceId,
    heading: (
      <>
        {phone.driverName} · “{phone.label}”
      </>
    ),
    facts: (
      <dl className="approval-facts">
        <div>
          <dt>Key fingerprint</dt>
          <dd className="mono">{phone.fingerprint}</dd>
        </div>
        <div>
          <dt>Set up</dt>
          <dd>{localDateTime(phone.enrolledAt)}</dd>
        </div>
        <div>
          <dt>Network</dt>
          <dd className="mono">{phone.ip}</dd>
        </div>
        <div>
          <dt>Browser</dt>
          <dd>{phone.userAgent}</dd>
        </div>
      </dl>
    ),
    whose: who,
    formName: `${phone.driverName}'s phone`,
    buttonName: `${phone.driverName}'s phone ${phone.label}`,
    codeHint: `Ask ${phone.driverName} for the code his phone shows under My jobs (XXXX-XXXX), in person or on a call you place. Never take it from a message or from a caller.`,
    lockedNext: `If it is ${phone.driverName}'s, he sets it up again.`,
    confirmed: `You confirmed ${who}: it now shows ${phone.driverName}'s pickup passes, and any phone before it no longer does.`,
    rejected: `You rejected ${who}: it shows no pickup pass.`,
  };
}

export function DriversPhones() {
  return (
    <CodeConfirmationPanel
      title="Drivers' phones"
      intro="A driver's phone shows his pickup passes only once you confirm it. His phone shows him a confirmation code while it waits: ask him for it yourself, face to face or on a call you place to a number you know, and type it to confirm. If he has no code (he did not set up a phone), the phone is not his: reject it."
      noun="phone"
      idPrefix="phone"
      loadingLabel="Loading the phones waiting for you…"
      loadFailed="The drivers' phones could not be loaded"
      empty="No driver's phone is waiting for you."
      load={pending}
      view={view}
      confirm={confirm}
      reject={reject}
    />
  );
}
