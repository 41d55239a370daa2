import { type FormEvent, type ReactNode, useCallback, useEffect, useId, useState } from 'react';
import { apiGet, type Session } from '../api.js';
import { Button, Field, Loading, Notice, PageHeading } from '../components.js';
import { isUnauthenticated, messageOf } from '../errors.js';
import { deviceStatusName, formatDateTime, formatTime } from '../labels.js';
import { PassView } from '../pass-view.js';
import { type DriverDevice, deviceApi } from '../pickup.js';
import {
  type DeviceKey,
  deviceConfirmationCode,
  forgetDeviceKey,
  generateDeviceKey,
  loadDeviceKey,
  saveDeviceKey,
} from '../pickup-pass.js';
import { useSession } from '../session.js';
import { useAction } from '../use-action.js';

/** The rotating pass of a job: in force while its pickup credential is issued and unused. */
export interface JobPass {
  credentialId: string;
  windowStart: string;
  windowEnd: string;
  terminalTimeZone: string;
}

/** One pickup the driver is nominated for, as `GET /v1/me/jobs` answers (src/http/driver.routes.ts). */
export interface DriverJob {
  visitRef: string;
  containerNumber: string;
  terminal: string;
  slotId: string;
  slotStart: string;
  slotEnd: string;
  graceBeforeMinutes: number;
  graceAfterMinutes: number;
  windowStart: string;
  windowEnd: string;
  truckPlate: string;
  state: 'booked' | 'cancelled' | 'collected' | 'closed';
  credential: { active: boolean; credentialId: string | null };
  /** Absent from a server without rotating passes; `null` while no pass is in force. */
  pass?: JobPass | null;
  updatedAt: string;
}

type PageState =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; jobs: DriverJob[] };

/** This phone's key (if it made one) and the phones the server knows for the driver. */
type PhoneState =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; key: DeviceKey | undefined; devices: DriverDevice[] };

const STATE_LABELS: Record<DriverJob['state'], string> = {
  booked: 'Booked',
  cancelled: 'Cancelled',
  collected: 'Collected',
  closed: 'Closed',
};

const sameDay = (iso: string, now: Date) => new Date(iso).toDateString() === now.toDateString();

/** What this phone is for the driver's pickup passes, from its own key and the server's list. */
function phoneStanding(phone: Extract<PhoneState, { status: 'ready' }>) {
  const { key, devices } = phone;
  const here = key?.deviceId ? devices.find((device) => device.deviceId === key.deviceId) : undefined;
  const elsewhere = devices.find(
    (device) =>
      device.deviceId !== here?.deviceId && (device.status === 'active' || device.status === 'pending'),
  );
  return { here, elsewhere, active: here?.status === 'active' };
}

/** One job as a big card: what to collect, where, when, with which truck, and the pickup pass. */
function JobCard({
  job,
  now,
  phoneActive,
  onShowPass,
}: {
  job: DriverJob;
  now: Date;
  phoneActive: boolean;
  onShowPass: () => void;
}) {
  const headingId = `job-${job.visitRef}`;
  const today = sameDay(job.slotStart, now);
  return (
    <article className="card" aria-labelledby={headingId}>
      <h2 id={headingId} className="mono">
        {job.containerNumber}
      </h2>
      <ul className="chips" aria-label="Status">
        <li className="chip">{STATE_LABELS[job.state]}</li>
        {today && job.state === 'booked' ? <li className="chip">Today</li> : null}
      </ul>
      <dl className="facts">
        <div>
          <dt>When</dt>
          <dd>
            {formatDateTime(job.slotStart)} – {formatTime(job.slotEnd)}
          </dd>
        </div>
        <div>
          <dt>Gate open</dt>
          <dd>
            {formatTime(job.windowStart)} – {formatTime(job.windowEnd)} (grace {job.graceBeforeMinutes} min
            before, {job.graceAfterMinutes} min after)
          </dd>
        </div>
        <div>
          <dt>Terminal</dt>
          <dd>{job.terminal}</dd>
        </div>
        <div>
          <dt>Truck</dt>
          <dd className="mono">{job.truckPlate}</dd>
        </div>
        <div>
          <dt>Pickup pass</dt>
          <dd>
            {job.pass
              ? phoneActive
                ? `Ready (id ${job.pass.credentialId}) on this phone: show it at the gate`
                : `Ready (id ${job.pass.credentialId}), shown only on your confirmed phone (see above)`
              : job.credential.active
                ? `Issued (id ${job.credential.credentialId})`
                : 'None in force'}
          </dd>
        </div>
        <div>
          <dt>Visit</dt>
          <dd className="mono">{job.visitRef}</dd>
        </div>
      </dl>
      {job.pass && phoneActive ? (
        <Button
          variant="primary"
          size="large"
          aria-label={`Show the pickup pass for ${job.containerNumber}`}
          onClick={onShowPass}
        >
          Show pass
        </Button>
      ) : null}
    </article>
  );
}

/**
 * "Set up this phone for pickup passes": a key made here, kept here, registered with the server, and of use only
 * once a planner of the driver's haulier has confirmed it (a keylogged password must not be enough to add a phone).
 * While it waits, the card shows the confirmation code of this phone's key, computed here: the driver reads it out
 * to his planner, who must type it to confirm, so a phone someone else set up in his name is never confirmed.
 */
function PhoneCard({
  session,
  phone,
  reload,
}: {
  session: Session;
  phone: PhoneState;
  reload: () => Promise<void>;
}) {
  const [label, setLabel] = useState('');
  const [labelError, setLabelError] = useState<string>();
  const { run, busyKey, done, feedback, fail } = useAction({ reload });
  const headingId = useId();
  // The confirmation code of the key this phone holds, once computed.
  const [code, setCode] = useState<{ publicKey: string; code: string }>();
  const publicKey = phone.status === 'ready' ? phone.key?.publicKey : undefined;
  useEffect(() => {
    if (publicKey === undefined) return;
    let live = true;
    deviceConfirmationCode(publicKey).then(
      (computed) => {
        if (live) setCode({ publicKey, code: computed });
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [publicKey]);

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

  function setUp(event: FormEvent) {
    event.preventDefault();
    const name = label.trim();
    if (!name) return setLabelError('Give this phone a name your planner will recognise.');
    if (name.length > 60) return setLabelError('At most 60 characters.');
    setLabelError(undefined);
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
        setLabel('');
      },
      { done: 'This phone is set up. Your planner must confirm it before it shows your pickup passes.' },
    );
  }

  const form = (
    <form className="stack" onSubmit={setUp} noValidate aria-label="Set up this phone">
      <Field
        label="Name of this phone"
        hint="For example “Dirk's Samsung”. Your planner sees it when confirming the phone."
        value={label}
        onChange={(event) => setLabel(event.target.value)}
        error={labelError}
        maxLength={60}
        autoComplete="off"
      />
      <div className="button-row">
        <Button type="submit" variant="primary" busy={busyKey === 'enrol'} busyLabel="Setting up…">
          Set up this phone for pickup passes
        </Button>
      </div>
    </form>
  );

  let status: ReactNode;
  if (here?.status === 'active')
    status = (
      <Notice tone="success" title="This phone shows your pickup passes">
        <p>
          “{here.label}”, key fingerprint <span className="mono">{here.fingerprint}</span>, confirmed by your
          planner.
        </p>
      </Notice>
    );
  else if (here?.status === 'pending')
    status = (
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
          <output aria-label="Confirmation code">
            {code && code.publicKey === publicKey ? code.code : '…'}
          </output>
        </p>
        <p>
          Read this code to your planner, face to face or on the phone when he calls you: he types it to
          confirm that this phone is yours. Do not send it in a message.
        </p>
        <Button onClick={() => void reload()}>Check again</Button>
      </>
    );
  else if (here?.status === 'rejected' || here?.status === 'revoked')
    status = (
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
  else
    status = (
      <>
        <p>
          {elsewhere
            ? `Your pickup passes are on another phone, “${elsewhere.label}” (${deviceStatusName(elsewhere.status).toLowerCase()}). This phone has no key. To use this phone instead, set it up here: your planner must confirm it, and the other phone then stops showing passes.`
            : 'This phone has no key for pickup passes yet. Set it up once: the key is made on this phone and never leaves it, and your planner confirms it.'}
        </p>
        {form}
      </>
    );

  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>This phone</h2>
      {done ? <Notice tone="success">{done}</Notice> : null}
      {feedback}
      {status}
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

/** A driver's own pickups (MISSION §2: the driver sees only his own jobs), today's first, and their passes. */
export function DriverJobsPage({ session }: { session: Session }) {
  const { signedOut } = useSession();
  const [state, setState] = useState<PageState>({ status: 'loading' });
  const [phone, setPhone] = useState<PhoneState>({ status: 'loading' });
  const [showing, setShowing] = useState<string>();
  const userId = session.user.userId;

  const load = useCallback(async () => {
    setState({ status: 'loading' });
    try {
      const { jobs } = await apiGet<{ jobs: DriverJob[] }>('/v1/me/jobs');
      setState({ status: 'ready', jobs });
    } catch (error) {
      if (isUnauthenticated(error)) signedOut();
      else setState({ status: 'error', message: messageOf(error) });
    }
  }, [signedOut]);

  const loadPhone = useCallback(async () => {
    try {
      const [key, devices] = await Promise.all([
        loadDeviceKey(userId).catch(() => undefined),
        deviceApi.mine(),
      ]);
      setPhone({ status: 'ready', key, devices });
    } catch (error) {
      if (isUnauthenticated(error)) signedOut();
      else setPhone({ status: 'error', message: messageOf(error) });
    }
  }, [signedOut, userId]);

  useEffect(() => {
    void load();
    void loadPhone();
  }, [load, loadPhone]);

  const standing = phone.status === 'ready' ? phoneStanding(phone) : undefined;
  const key = phone.status === 'ready' ? phone.key : undefined;
  const shown = state.status === 'ready' ? state.jobs.find((job) => job.visitRef === showing) : undefined;

  if (shown?.pass && key && standing?.active)
    return (
      <PassView
        containerNumber={shown.containerNumber}
        terminal={shown.terminal}
        slotStart={shown.slotStart}
        slotEnd={shown.slotEnd}
        truckPlate={shown.truckPlate}
        pass={shown.pass}
        privateKey={key.keyPair.privateKey}
        onClose={() => {
          setShowing(undefined);
          void load();
        }}
      />
    );

  return (
    <div className="page">
      <PageHeading title="My jobs" />
      <PhoneCard session={session} phone={phone} reload={loadPhone} />
      {state.status === 'loading' ? <Loading label="Loading your jobs…" /> : null}
      {state.status === 'error' ? (
        <Notice tone="error" title="Your jobs could not be loaded">
          <p>{state.message}</p>
          <Button onClick={() => void load()}>Try again</Button>
        </Notice>
      ) : null}
      {state.status === 'ready' && state.jobs.length === 0 ? (
        <Notice tone="info" title="No jobs for you">
          <p>
            Your haulier has not nominated you for a pickup. If you expected one, ask your planner to link
            your account to your driver badge.
          </p>
        </Notice>
      ) : null}
      {state.status === 'ready' && state.jobs.length > 0 ? (
        <>
          <p className="muted">
            Bring your port ID badge, this phone and the truck named here; the gate lets you through only
            inside the gate window.
          </p>
          <section className="cards" aria-label="Your jobs">
            {state.jobs.map((job) => (
              <JobCard
                key={job.visitRef}
                job={job}
                now={new Date()}
                phoneActive={standing?.active ?? false}
                onShowPass={() => setShowing(job.visitRef)}
              />
            ))}
          </section>
          <Button onClick={() => void load()}>Refresh</Button>
        </>
      ) : null}
    </div>
  );
}
