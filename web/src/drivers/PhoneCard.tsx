/**
 * "Set up this phone for pickup passes": a key made here, kept here, registered with the server, and of use only
 * once a planner of the driver's haulier has confirmed it (a keylogged password must not be enough to add a phone).
 * While it waits, the card shows the confirmation code of this phone's key for the driver to read out.
 */
import { type ReactNode, useId } from 'react';
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
  if (here?.status === 'active')
    return (
      <Notice tone="success" title="This phone shows your pickup passes">
        <p>
          “{here.label}”, key fingerprint <span className="mono">{here.fingerprint}</span>, confirmed by your
          planner.
        </p>
      </Notice>
    );
  if (here?.status === 'pending')
    return (
      <>
        <Notice tone="warning" title="Your planner must confirm this phone">
          <p>
            “{here.label}” is set up, but it shows no pickup pass until a planner of your haulier confirms it.
            Its key fingerprint, which your planner sees too: <span className="mono">{here.fingerprint}</span>
            .
          </p>
        </Notice>
        <h3>Confirmation code</h3>
        <p className="mono" style={{ fontSize: '2rem', fontWeight: 700, letterSpacing: '0.1em' }}>
          <output aria-label="Confirmation code">{code ?? '…'}</output>
        </p>
        <p>
          Read this code to your planner, face to face or on the phone when he calls you: he types it to
          confirm that this phone is yours. Do not send it in a message.
        </p>
        <Button onClick={() => void reload()}>Check again</Button>
      </>
    );
  if (here?.status === 'rejected' || here?.status === 'revoked')
    return (
      <>
        <Notice tone="error" title={deviceStatusName(here.status)}>
          <p>
            {here.status === 'rejected'
              ? 'Your planner did not confirm this phone, so it shows no pickup pass. If it is your phone, call your planner, then set it up again.'
              : 'Your planner confirmed another phone after this one, so this one no longer shows pickup passes. To use this phone again, set it up again.'}
          </p>
        </Notice>
        {form}
      </>
    );
  return (
    <>
      <p>
        {elsewhere
          ? `Your pickup passes are on another phone, “${elsewhere.label}” (${deviceStatusName(elsewhere.status).toLowerCase()}). This phone has no key. To use this phone instead, set it up here: your planner must confirm it, and the other phone then stops showing passes.`
          : 'This phone has no key for pickup passes yet. Set it up once: the key is made on this phone and never leaves it, and your planner confirms it.'}
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
  const draft = useFormDraft({ label: '' });
  const { run, busyKey, done, feedback, fail } = useAction({ reload });
  const headingId = useId();
  const code = useConfirmationCode(phone.status === 'ready' ? phone.key?.publicKey : undefined);

  if (phone.status === 'loading') return <Loading label="Checking this phone…" />;
  if (phone.status === 'error')
    return (
      <Notice tone="error" title="This phone's pickup pass could not be checked">
        <p>{phone.message}</p>
        <Button onClick={() => void reload()}>Try again</Button>
      </Notice>
    );
  const { here, elsewhere } = phoneStanding(phone);
  const userId = session.user.userId;

  const setUp = (name: string) =>
    void run(
      'enrol',
      'set up this phone',
      async () => {
        let key: DeviceKey;
        try {
          key = await generateDeviceKey(userId, new Date());
        } catch {
          fail(
            'This browser cannot make a pickup pass key. Use an up-to-date Chrome, Safari or Firefox on your phone.',
          );
          return;
        }
        // Kept before it is registered: a key the server knows but the phone lost would be a dead phone.
        await saveDeviceKey(key);
        const { deviceId } = await deviceApi.enrol({ publicKey: key.publicKey, label: name });
        await saveDeviceKey({ ...key, deviceId });
        draft.reset();
      },
      { done: 'This phone is set up. Your planner must confirm it before it shows your pickup passes.' },
    );

  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>This phone</h2>
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
          busyLabel="Forgetting…"
          onClick={() =>
            void run('forget', 'forget the key on this phone', async () => forgetDeviceKey(userId), {
              done: 'The key is gone from this phone. Set it up again to show pickup passes here.',
            })
          }
        >
          Forget the key on this phone
        </Button>
      ) : null}
    </section>
  );
}
