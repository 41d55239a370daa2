/**
 * "Set up this phone for pickup passes": a key made here, kept here, registered with the server, and of use only
 * once a planner of the driver's haulier has confirmed it (a keylogged password must not be enough to add a phone).
 * While it waits, the card shows the confirmation code of this phone's key for the driver to read out.
 */
import { type ReactNode, useId } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import type { Session } from '../api.js';
import { Button, Loading, Notice } from '../components.js';
import { useFormDraft } from '../forms/form-schema.js';
import { type DeviceKey, forgetDeviceKey, generateDeviceKey, saveDeviceKey } from '../pickup-pass.js';
import { deviceStatusName } from '../terms.js';
import { useAction } from '../use-action.js';
import { type DriverDevice, deviceApi } from './device-api.js';
import { type PhoneState, phoneStanding } from './driver-jobs.js';
import { SetUpPhoneForm } from './SetUpPhoneForm.js';
import { useConfirmationCode } from './use-confirmation-code.js';

/** What the card says of this phone: shows passes, waits for the planner (with its code), or needs setting up. */
function PhoneStatus({
  here,
  elsewhere,
  code,
  form,
  reload,
}: {
  here: DriverDevice | undefined;
  elsewhere: DriverDevice | undefined;
  code: string | undefined;
  form: ReactNode;
  reload: () => Promise<void>;
}) {
  const { t } = useTranslation('drivers');
  const mono = { mono: <span className="mono" /> };
  // The phone's label is the driver's own words: escaped before the tags are read, so it stays text.
  const safe = { tOptions: { interpolation: { escapeValue: true } }, shouldUnescape: true } as const;
  if (here?.status === 'active')
    return (
      <Notice tone="success" title={t('phone.active')}>
        <p>
          <Trans
            t={t}
            i18nKey="phone.activeBody"
            values={{ label: here.label, fingerprint: here.fingerprint }}
            components={mono}
            {...safe}
          />
        </p>
      </Notice>
    );
  if (here?.status === 'pending')
    return (
      <>
        <Notice tone="warning" title={t('phone.pending')}>
          <p>
            <Trans
              t={t}
              i18nKey="phone.pendingBody"
              values={{ label: here.label, fingerprint: here.fingerprint }}
              components={mono}
              {...safe}
            />
          </p>
        </Notice>
        <h3>{t('phone.code')}</h3>
        <p className="mono" style={{ fontSize: '2rem', fontWeight: 700, letterSpacing: '0.1em' }}>
          <output aria-label={t('phone.code')}>{code ?? '…'}</output>
        </p>
        <p>{t('phone.readCode')}</p>
        <Button onClick={() => void reload()}>{t('phone.checkAgain')}</Button>
      </>
    );
  if (here?.status === 'rejected' || here?.status === 'revoked')
    return (
      <>
        <Notice tone="error" title={deviceStatusName(here.status)}>
          <p>{here.status === 'rejected' ? t('phone.rejected') : t('phone.revoked')}</p>
        </Notice>
        {form}
      </>
    );
  return (
    <>
      <p>
        {elsewhere
          ? t('phone.elsewhere', {
              label: elsewhere.label,
              status: deviceStatusName(elsewhere.status).toLowerCase(),
            })
          : t('phone.noKey')}
      </p>
      {form}
    </>
  );
}

export function PhoneCard({
  session,
  phone,
  reload,
}: {
  session: Session;
  phone: PhoneState;
  reload: () => Promise<void>;
}) {
  const { t } = useTranslation('drivers');
  const draft = useFormDraft({ label: '' });
  const { run, busyKey, done, feedback, fail } = useAction({ reload });
  const headingId = useId();
  const code = useConfirmationCode(phone.status === 'ready' ? phone.key?.publicKey : undefined);

  if (phone.status === 'loading') return <Loading label={t('phone.checking')} />;
  if (phone.status === 'error')
    return (
      <Notice tone="error" title={t('phone.checkFailed')}>
        <p>{phone.message}</p>
        <Button onClick={() => void reload()}>{t('phone.tryAgain')}</Button>
      </Notice>
    );
  const { here, elsewhere } = phoneStanding(phone);
  const userId = session.user.userId;

  const setUp = (name: string) =>
    void run(
      'enrol',
      t('phone.stepUpSetUp'),
      async () => {
        let key: DeviceKey;
        try {
          key = await generateDeviceKey(userId, new Date());
        } catch {
          fail(t('phone.noCrypto'));
          return;
        }
        // Kept before it is registered: a key the server knows but the phone lost would be a dead phone.
        await saveDeviceKey(key);
        const { deviceId } = await deviceApi.enrol({ publicKey: key.publicKey, label: name });
        await saveDeviceKey({ ...key, deviceId });
        draft.reset();
      },
      { done: t('phone.setUpDone') },
    );

  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('phone.heading')}</h2>
      {done ? <Notice tone="success">{done}</Notice> : null}
      {feedback}
      <PhoneStatus
        here={here}
        elsewhere={elsewhere}
        code={code}
        form={<SetUpPhoneForm draft={draft} busy={busyKey === 'enrol'} onSetUp={setUp} />}
        reload={reload}
      />
      {phone.key ? (
        <Button
          variant="quiet"
          busy={busyKey === 'forget'}
          busyLabel={t('phone.forgetting')}
          onClick={() =>
            void run('forget', t('phone.stepUpForget'), async () => forgetDeviceKey(userId), {
              done: t('phone.forgotten'),
            })
          }
        >
          {t('phone.forget')}
        </Button>
      ) : null}
    </section>
  );
}
