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
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api.js';
import { yourTime } from '../clock.js';
import { deviceApi, type PendingDriverDevice } from '../drivers/device-api.js';
import { i18next } from '../i18n/index.js';
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
  const t = i18next.t;
  const driver = phone.driverName;
  const who = t('approvals:phones.whose', { driver, label: phone.label });
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
          <dt>{t('approvals:phones.fingerprint')}</dt>
          <dd className="mono">{phone.fingerprint}</dd>
        </div>
        <div>
          <dt>{t('approvals:phones.setUp')}</dt>
          <dd>{yourTime(phone.enrolledAt)}</dd>
        </div>
        <div>
          <dt>{t('approvals:phones.network')}</dt>
          <dd className="mono">{phone.ip}</dd>
        </div>
        <div>
          <dt>{t('approvals:phones.browser')}</dt>
          <dd>{phone.userAgent}</dd>
        </div>
      </dl>
    ),
    whose: who,
    formName: t('approvals:phones.formName', { driver }),
    buttonName: t('approvals:phones.buttonName', { driver, label: phone.label }),
    codeHint: t('approvals:phones.codeHint', { driver }),
    lockedNext: t('approvals:phones.lockedNext', { driver }),
    confirmed: t('approvals:phones.confirmed', { whose: who, driver }),
    rejected: t('approvals:phones.rejected', { whose: who }),
  };
}

export function DriversPhones() {
  const { t } = useTranslation('approvals');
  return (
    <CodeConfirmationPanel
      title={t('phones.title')}
      intro={t('phones.intro')}
      noun="phone"
      idPrefix="phone"
      loadingLabel={t('phones.loading')}
      loadFailed={t('phones.failed')}
      empty={t('phones.empty')}
      load={pending}
      view={view}
      confirm={confirm}
      reject={reject}
    />
  );
}
