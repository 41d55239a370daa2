import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, apiGet, isApiError, type Session } from '../api.js';
import { Button, Loading, Notice, PageHeading } from '../components.js';
import { isUnauthenticated, messageOf } from '../errors.js';
import { type Freeze, FreezeForm, FrozenNotice } from '../freeze.js';
import { formatDateTime, terminalClock } from '../labels.js';
import {
  fromBase64,
  leafHash,
  type SignatureResult,
  verifyCheckpointNote,
  verifyInclusion,
} from '../proof.js';
import { holds, useSession } from '../session.js';
import { type Slot, VisitActions } from '../visit-actions.js';

interface Visit {
  visitRef: string;
  containerNumber: string;
  status: string;
  line: string;
  sizeType: string;
  fullEmpty: string;
  slot?: Slot | null;
  slotText?: string | null;
  voidedVersions?: number[];
  holds: { holdId: string; kind: string; reason?: string; placedAt: string }[];
  /** The freeze in force; `null` (or absent) for viewers who are not told of freezes. */
  frozen?: Freeze | null;
  arrivedAt: string | null;
  departedAt: string | null;
}

interface Lights {
  lights: { light: string; green: boolean; reasons: string[] }[];
  allGreen: boolean;
}

interface Release {
  line: string;
  validFrom: string;
  validUntil: string;
  blocked: boolean;
  revoked: boolean;
  blockReason?: string | null;
  revokeReason?: string | null;
  chain: { position: number; orgId: string; from: string | null; acceptedAt: string }[];
  offer: { from: string; to: string; offeredAt: string } | null;
  holder?: string | null;
}

/** A visit's pickup appointment, as `GET /v1/visits/:visitRef/appointment` answers (src/http/appointment.routes.ts). */
interface Appointment {
  visitRef: string;
  status: 'booked' | 'cancelled';
  terminal: string;
  timeZone: string | null;
  slotId: string;
  slotStart: string;
  slotEnd: string;
  graceBeforeMinutes: number;
  graceAfterMinutes: number;
  windowStart: string;
  windowEnd: string;
  truckPlate: string;
  driver: { nominated: boolean; name: string | null };
  credential: {
    state: 'active' | 'used' | 'void';
    issuedAt: string;
    closedAt: string | null;
  } | null;
  bookedAt: string;
  updatedAt: string;
}

/** The appointment card's own state: it loads beside the page, and fails or retries on its own. */
type AppointmentState =
  | { status: 'hidden' }
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; appointment: Appointment | null };

interface HistoryEvent {
  index: number;
  leafHash: string;
  version: number;
  type: string;
  at: string;
  data: Record<string, unknown>;
}

interface Checkpoint {
  treeSize: number;
  rootHash: string;
  signedAt: string;
  note: string;
  verifierKey: string;
}

interface InclusionProofAnswer {
  index: number;
  treeSize: number;
  leafHash: string;
  proof: string[];
}

type Verdict =
  | { status: 'checking' }
  | { status: 'verified' }
  | { status: 'pending' }
  | { status: 'unchecked'; detail: string }
  | { status: 'failed'; detail: string };

type Loaded = {
  visit: Visit;
  lights: Lights | undefined;
  release: Release | null | 'hidden';
  history: HistoryEvent[] | 'hidden';
  checkpoint: Checkpoint | undefined;
};

type PageState =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; data: Loaded };

const statusNames: Record<string, string> = {
  announced: 'Announced',
  in_yard: 'In the yard',
  gated_out: 'Gated out',
  loaded: 'Loaded on a vessel',
  cancelled: 'Cancelled',
};

const lightNames: Record<string, string> = {
  commercial_release: 'Commercial release',
  customs_release: 'Customs release',
  discharge_confirmed: 'Discharge confirmed',
  no_hold_or_block: 'No hold or block',
};

const humanise = (name: string) =>
  lightNames[name] ?? name.replace(/[_.]/g, ' ').replace(/^\w/, (c) => c.toUpperCase());

/** An answer the caller may not be allowed to see: `hidden` rather than an error. */
async function optional<T>(load: Promise<T>): Promise<T | 'hidden'> {
  try {
    return await load;
  } catch (error) {
    if (error instanceof ApiError && (error.status === 403 || error.status === 404)) return 'hidden';
    throw error;
  }
}

/** Resolves a container number to its current visit (the active one, else the latest). */
async function visitRefOf(containerNumber: string): Promise<string> {
  const { visits } = await apiGet<{ visits: (Visit & { announcedAt: string })[] }>(
    `/v1/visits?containerNumber=${encodeURIComponent(containerNumber)}&limit=50`,
  );
  const active = visits.find((visit) => visit.status === 'announced' || visit.status === 'in_yard');
  const latest = [...visits].sort((a, b) => b.announcedAt.localeCompare(a.announcedAt))[0];
  const chosen = active ?? latest;
  if (!chosen)
    throw new ApiError(404, 'visit.not_found', `No visit of container ${containerNumber} that you may see.`);
  return chosen.visitRef;
}

/**
 * Who takes part in, or oversees, a release chain; terminal staff see the commercial-release light instead, so the
 * page does not ask for a chain the server would answer with 404.
 */
const CHAIN_ORG_KINDS = new Set(['shipping_line', 'forwarder', 'haulier', 'customs', 'port_police']);

async function loadVisit(visitRef: string, orgKind: string, readsHistory: boolean): Promise<Loaded> {
  const ref = encodeURIComponent(visitRef);
  const [visit, lights, release, history, checkpoint] = await Promise.all([
    apiGet<Visit>(`/v1/visits/${ref}`),
    optional(apiGet<Lights>(`/v1/visits/${ref}/lights`)),
    CHAIN_ORG_KINDS.has(orgKind)
      ? optional(apiGet<Release>(`/v1/visits/${ref}/release`))
      : ('hidden' as const),
    readsHistory
      ? optional(apiGet<{ events: HistoryEvent[] }>(`/v1/visits/${ref}/history`))
      : ('hidden' as const),
    optional(apiGet<Checkpoint>('/v1/audit/checkpoint')),
  ]);
  return {
    visit,
    lights: lights === 'hidden' ? undefined : lights,
    release,
    history: history === 'hidden' ? 'hidden' : history.events,
    checkpoint: checkpoint === 'hidden' ? undefined : checkpoint,
  };
}

/**
 * Checks one event against the checkpoint in this browser: the leaf hash (from the exact leaf bytes when the
 * caller may read them, else the history's hash), the server's inclusion proof, and RFC 9162 §2.1.3.2.
 */
async function verifyEvent(
  event: HistoryEvent,
  checkpoint: Checkpoint,
  readsEntries: boolean,
): Promise<Verdict> {
  if (event.index >= checkpoint.treeSize) return { status: 'pending' };
  let leaf = fromBase64(event.leafHash);
  if (readsEntries) {
    const { entries } = await apiGet<{ entries: { index: number; leaf: string }[] }>(
      `/v1/audit/entries?start=${event.index}&limit=1`,
    );
    const bytes = fromBase64(entries[0]?.leaf);
    if (!bytes || entries[0]?.index !== event.index)
      return { status: 'failed', detail: 'the log has no such entry' };
    const parsed = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
    if (parsed.index !== event.index || parsed.type !== event.type || parsed.version !== event.version)
      return { status: 'failed', detail: 'the logged entry is not this event' };
    leaf = await leafHash(bytes);
  }
  const proof = await apiGet<InclusionProofAnswer>(
    `/v1/audit/proof/inclusion?index=${event.index}&treeSize=${checkpoint.treeSize}`,
  );
  const hashes = Array.isArray(proof.proof) ? proof.proof.map(fromBase64) : [];
  const root = fromBase64(checkpoint.rootHash);
  if (!leaf || !root || hashes.some((hash) => hash === undefined))
    return { status: 'failed', detail: 'the proof is malformed' };
  const result = await verifyInclusion({
    leafIndex: event.index,
    treeSize: checkpoint.treeSize,
    leafHash: leaf,
    proof: hashes as Uint8Array[],
    rootHash: root,
  });
  return result.ok ? { status: 'verified' } : { status: 'failed', detail: result.detail };
}

/**
 * What an event's badge may claim: its inclusion proof only ties it to the checkpoint's root, so it is verified only
 * when the checkpoint's signature verified too. A proof against an unsigned or forged root proves nothing.
 */
function boundToSignature(proof: Verdict | undefined, signature: SignatureResult | undefined): Verdict {
  if (proof?.status !== 'verified') return proof ?? { status: 'checking' };
  if (!signature) return { status: 'checking' };
  if (signature.status === 'valid') return proof;
  if (signature.status === 'unsupported') return { status: 'unchecked', detail: signature.detail };
  return { status: 'failed', detail: "the checkpoint's signature is not valid" };
}

function VerdictBadge({ verdict }: { verdict: Verdict }) {
  if (verdict.status === 'checking') return <span className="verdict verdict-checking">Checking proof…</span>;
  if (verdict.status === 'verified') return <span className="verdict verdict-ok">✓ Verified</span>;
  if (verdict.status === 'pending')
    return <span className="verdict verdict-pending">Not yet in a signed checkpoint</span>;
  if (verdict.status === 'unchecked')
    return (
      <span className="verdict verdict-pending" title={verdict.detail}>
        Proof checked; checkpoint signature not checked
      </span>
    );
  return (
    <span className="verdict verdict-bad" title={verdict.detail}>
      ✗ Not verified <span className="verdict-detail">({verdict.detail})</span>
    </span>
  );
}

/** A yard slot as people write it (`T1/A/05/02/1`); other values as plain text. */
function shown(value: unknown): string {
  if (typeof value !== 'object' || value === null) return String(value ?? '—');
  const slot = value as Record<string, unknown>;
  if (['terminal', 'block', 'bay', 'row', 'tier'].every((key) => key in slot))
    return `${slot.terminal}/${slot.block}/${String(slot.bay).padStart(2, '0')}/${String(slot.row).padStart(2, '0')}/${slot.tier}`;
  return JSON.stringify(value);
}

function EventData({ data }: { data: Record<string, unknown> }) {
  const entries = Object.entries(data).filter(([key]) => key !== 'visitRef');
  if (entries.length === 0) return null;
  return (
    <dl className="event-data">
      {entries.map(([key, value]) => (
        <div key={key}>
          <dt>{key}</dt>
          <dd>{shown(value)}</dd>
        </div>
      ))}
    </dl>
  );
}

function Timeline({
  events,
  checkpoint,
  readsEntries,
}: {
  events: HistoryEvent[];
  checkpoint: Checkpoint | undefined;
  readsEntries: boolean;
}) {
  const [proofs, setProofs] = useState<Record<number, Verdict>>({});
  const [signature, setSignature] = useState<SignatureResult>();

  useEffect(() => {
    // Verdicts belong to one checkpoint: a new one starts from "checking", never from the last one's answers.
    setSignature(undefined);
    setProofs({});
    if (!checkpoint) return;
    let live = true;
    const root = fromBase64(checkpoint.rootHash);
    if (root)
      void verifyCheckpointNote({ ...checkpoint, rootHash: root }).then((result) => {
        if (live) setSignature(result);
      });
    else setSignature({ status: 'invalid', detail: 'the checkpoint root is not base64' });
    for (const event of events) {
      verifyEvent(event, checkpoint, readsEntries)
        .catch((error: unknown): Verdict => ({ status: 'failed', detail: messageOf(error) }))
        .then((verdict) => {
          if (live) setProofs((current) => ({ ...current, [event.index]: verdict }));
        });
    }
    return () => {
      live = false;
    };
  }, [events, checkpoint, readsEntries]);

  const verdicts = events.map((event) => boundToSignature(proofs[event.index], signature));
  const done = verdicts.filter((verdict) => verdict.status !== 'checking').length;
  const verified = verdicts.filter((verdict) => verdict.status === 'verified').length;
  return (
    <>
      {checkpoint ? (
        <div className="proof-summary">
          <p>
            Each event is checked in this browser against the latest signed checkpoint: tree size{' '}
            <strong>{checkpoint.treeSize}</strong>, signed {formatDateTime(checkpoint.signedAt)}, root{' '}
            <code className="hash">{checkpoint.rootHash}</code>.
          </p>
          {signature ? (
            <p className={signature.status === 'invalid' ? 'verdict-bad' : undefined}>
              {signature.status === 'valid'
                ? `Checkpoint signature checked in this browser (Ed25519, key ${signature.keyName}).`
                : signature.status === 'unsupported'
                  ? `Checkpoint signature not checked: ${signature.detail}.`
                  : `Checkpoint signature NOT valid: ${signature.detail}.`}
            </p>
          ) : null}
          <p role="status">
            {done < events.length
              ? `Checking ${events.length - done} of ${events.length} proofs…`
              : `${verified} of ${events.length} events verified.`}
          </p>
        </div>
      ) : (
        <Notice tone="warning" title="No signed checkpoint yet">
          The proofs can be checked once the log has signed its first checkpoint.
        </Notice>
      )}
      <ol className="timeline" aria-label="History">
        {events.map((event, at) => (
          <li key={event.index} className="timeline-item">
            <div className="timeline-head">
              <strong>{humanise(event.type)}</strong>
              <time dateTime={event.at}>{formatDateTime(event.at)}</time>
              <span className="muted">
                audit index <code>{event.index}</code>
              </span>
              {checkpoint ? <VerdictBadge verdict={verdicts[at] ?? { status: 'checking' }} /> : null}
            </div>
            <EventData data={event.data} />
          </li>
        ))}
      </ol>
    </>
  );
}

function ReleaseChain({ release }: { release: Release | null | 'hidden' }) {
  if (release === 'hidden' || release === null)
    return <p className="muted">No release chain that you may see.</p>;
  return (
    <>
      <dl className="facts">
        <div>
          <dt>Line</dt>
          <dd>{release.line}</dd>
        </div>
        <div>
          <dt>Valid</dt>
          <dd>
            {formatDateTime(release.validFrom)} – {formatDateTime(release.validUntil)}
          </dd>
        </div>
        {release.holder !== undefined ? (
          <div>
            <dt>Holder</dt>
            <dd>{release.holder ?? '—'}</dd>
          </div>
        ) : null}
        {release.blocked ? (
          <div>
            <dt>Blocked</dt>
            <dd>{release.blockReason ?? 'Blocked by the line'}</dd>
          </div>
        ) : null}
        {release.revoked ? (
          <div>
            <dt>Revoked</dt>
            <dd>{release.revokeReason ?? 'Revoked'}</dd>
          </div>
        ) : null}
      </dl>
      <ol className="chain" aria-label="Release chain">
        {release.chain.map((link) => (
          <li key={link.position}>
            <strong>{link.orgId}</strong>
            <span className="muted">
              {' '}
              accepted {formatDateTime(link.acceptedAt)}
              {link.from ? ` from ${link.from}` : ''}
            </span>
          </li>
        ))}
        {release.offer ? (
          <li className="chain-offer">
            Offered by {release.offer.from} to <strong>{release.offer.to}</strong>{' '}
            <span className="muted">{formatDateTime(release.offer.offeredAt)}</span>
          </li>
        ) : null}
      </ol>
    </>
  );
}

/**
 * Loads the appointment of a visit once its reference is known, only for those the policy table lets read it (so a
 * role without `appointment.read` never gets a 403 in its browser console).
 */
function useAppointment(
  visitRef: string | undefined,
  enabled: boolean,
  signedOut: () => void,
): { state: AppointmentState; reload: () => void } {
  const [state, setState] = useState<AppointmentState>({ status: enabled ? 'loading' : 'hidden' });
  // Only the latest request may set the state: a slow answer for an earlier visit is dropped.
  const latest = useRef(0);
  const load = useCallback(async () => {
    const request = ++latest.current;
    if (!enabled) {
      setState({ status: 'hidden' });
      return;
    }
    if (visitRef === undefined) return;
    setState({ status: 'loading' });
    try {
      const { appointment } = await apiGet<{ appointment: Appointment | null }>(
        `/v1/visits/${encodeURIComponent(visitRef)}/appointment`,
      );
      if (request === latest.current) setState({ status: 'ready', appointment });
    } catch (error) {
      if (request !== latest.current) return;
      if (isUnauthenticated(error)) signedOut();
      else setState({ status: 'error', message: messageOf(error) });
    }
  }, [visitRef, enabled, signedOut]);
  useEffect(() => {
    void load();
  }, [load]);
  return { state, reload: () => void load() };
}

/** The slot of an appointment in terminal time, e.g. "Wed, 4 Mar 2030, 10:00–10:30". */
function appointmentSlotText(appointment: Appointment): string {
  const clock = terminalClock(appointment.timeZone);
  return `${clock.dateTime(appointment.slotStart)}–${clock.time(appointment.slotEnd)}`;
}

const credentialStates: Record<string, string> = {
  active: 'Active: valid once, for this driver and truck, in the gate window',
  used: 'Used at the gate',
  void: 'Void: a change or a cancellation replaced it',
};

function CredentialFact({ credential }: { credential: Appointment['credential'] }) {
  if (!credential) return <>None issued</>;
  return (
    <>
      {credentialStates[credential.state] ?? credential.state}
      {credential.closedAt ? ` (${formatDateTime(credential.closedAt)})` : ''}
    </>
  );
}

/** The pickup appointment: slot and gate window in terminal time, truck, driver and the credential's state. */
function AppointmentCard({ state, reload }: { state: AppointmentState; reload: () => void }) {
  if (state.status === 'hidden') return null;
  return (
    <section className="card" aria-labelledby="appointment-heading" data-testid="appointment-card">
      <h2 id="appointment-heading">Appointment</h2>
      {state.status === 'loading' ? <Loading label="Loading the appointment…" /> : null}
      {state.status === 'error' ? (
        <Notice tone="error" title="The appointment could not be loaded">
          <p>{state.message}</p>
          <Button onClick={reload}>Try again</Button>
        </Notice>
      ) : null}
      {state.status === 'ready' ? <AppointmentFacts appointment={state.appointment} /> : null}
    </section>
  );
}

function AppointmentFacts({ appointment }: { appointment: Appointment | null }) {
  if (appointment === null || appointment.status === 'cancelled') {
    return (
      <>
        <p>
          <strong data-testid="appointment-none">No pickup booked</strong>
        </p>
        <p className="muted">
          {appointment
            ? `The booking for ${appointmentSlotText(appointment)} (${terminalClock(appointment.timeZone).zone}) was cancelled ${formatDateTime(appointment.updatedAt)}.`
            : 'The haulier holding the release right books a slot, names one driver and one truck.'}
        </p>
      </>
    );
  }
  const clock = terminalClock(appointment.timeZone);
  return (
    <dl className="facts">
      <div>
        <dt>Slot</dt>
        <dd data-testid="appointment-slot">
          {appointmentSlotText(appointment)} <span className="muted">(terminal time, {clock.zone})</span>
        </dd>
      </div>
      <div>
        <dt>Gate open</dt>
        <dd>
          {clock.time(appointment.windowStart)}–{clock.time(appointment.windowEnd)}{' '}
          <span className="muted">
            (grace {appointment.graceBeforeMinutes} min before, {appointment.graceAfterMinutes} min after)
          </span>
        </dd>
      </div>
      <div>
        <dt>Terminal</dt>
        <dd>{appointment.terminal}</dd>
      </div>
      <div>
        <dt>Truck</dt>
        <dd className="mono">{appointment.truckPlate}</dd>
      </div>
      <div>
        <dt>Driver</dt>
        <dd data-testid="appointment-driver">
          {appointment.driver.name ?? (appointment.driver.nominated ? 'Nominated' : 'None nominated')}
        </dd>
      </div>
      <div>
        <dt>Pickup credential</dt>
        <dd data-testid="appointment-credential">
          <CredentialFact credential={appointment.credential} />
        </dd>
      </div>
      <div>
        <dt>Booked</dt>
        <dd>{formatDateTime(appointment.bookedAt)}</dd>
      </div>
      <div>
        <dt>Last changed</dt>
        <dd>{formatDateTime(appointment.updatedAt)}</dd>
      </div>
    </dl>
  );
}

/**
 * What green lights do not say: the gate also checks who holds the release right, the driver they named and the
 * booked slot. Where the page knows the chain it says how far the right has gone, and where it knows the
 * appointment whether a slot is booked; it never mentions a freeze, so a status-only viewer learns nothing from it.
 */
function PickupNote({
  release,
  appointment,
}: {
  release: Release | null | 'hidden';
  appointment: AppointmentState;
}) {
  const known = release !== 'hidden' && release !== null;
  let chain: string | undefined;
  if (known && release.offer)
    chain = `The right is offered to ${release.offer.to} and not yet accepted: nobody downstream may collect the box yet.`;
  else if (known && release.holder)
    chain = `The right is held by ${release.holder}: pickup needs that holder to be the haulier who named the driver and booked the slot.`;
  let slot: string | undefined;
  if (appointment.status === 'ready') {
    const booked = appointment.appointment;
    slot =
      booked && booked.status === 'booked'
        ? `A pickup is booked for ${appointmentSlotText(booked)} (terminal time) with truck ${booked.truckPlate}.`
        : 'No pickup slot is booked yet: nobody can collect the box until the holder books one.';
  }
  return (
    <p className="muted" data-testid="pickup-note">
      {chain ? `${chain} ` : ''}
      {slot ? `${slot} ` : ''}Green lights alone do not let the box out: the gate also checks that a haulier
      holds the right, and the driver, truck and booked slot that haulier named.
    </p>
  );
}

/**
 * The container page: status, green lights, the appointment, release chain and the history, each event proven in
 * the browser.
 */
export function VisitPage({
  session,
  visitRef,
  containerNumber,
}: {
  session: Session;
  visitRef?: string;
  containerNumber?: string;
}) {
  const { signedOut } = useSession();
  const [state, setState] = useState<PageState>({ status: 'loading' });
  const [freezeMode, setFreezeMode] = useState<'freeze' | 'unfreeze'>();
  const [freezeDone, setFreezeDone] = useState<string>();
  // Asked once on this page: the request waits in the Approvals inbox; asking again adds nothing.
  const [unfreezeAsked, setUnfreezeAsked] = useState(false);
  const readsEntries = holds(session, 'audit.entries.read');
  const readsHistory = holds(session, 'visit.history.read');
  const readsAppointment = holds(session, 'appointment.read');

  // `quiet` reloads after an action without blanking the page, so its confirmation and focus stay in place.
  const load = useCallback(
    async (quiet = false) => {
      if (!quiet) setState({ status: 'loading' });
      try {
        const ref = visitRef ?? (await visitRefOf(containerNumber ?? ''));
        setState({ status: 'ready', data: await loadVisit(ref, session.user.orgKind, readsHistory) });
      } catch (error) {
        if (isUnauthenticated(error)) signedOut();
        else
          setState({
            status: 'error',
            message: isApiError(error, 'visit.not_found')
              ? 'There is no such container visit, or it is not yours to see.'
              : messageOf(error),
          });
      }
    },
    [visitRef, containerNumber, signedOut, session.user.orgKind, readsHistory],
  );

  useEffect(() => {
    void load();
  }, [load]);

  const appointment = useAppointment(
    state.status === 'ready' ? state.data.visit.visitRef : undefined,
    readsAppointment,
    signedOut,
  );

  if (state.status === 'loading')
    return (
      <div className="page">
        <PageHeading title={`Container ${containerNumber ?? ''}`.trim()} />
        <Loading label="Loading the container…" />
      </div>
    );
  if (state.status === 'error')
    return (
      <div className="page">
        <PageHeading title="Container not found" />
        <Notice tone="error" title="The container could not be shown">
          <p>{state.message}</p>
          <Button onClick={() => void load()}>Try again</Button>
        </Notice>
      </div>
    );

  const { visit, lights, release, history, checkpoint } = state.data;
  const active = visit.status === 'announced' || visit.status === 'in_yard';
  // Only a full view (with the yard position fields) tells of freezes; a status view always says `null`.
  const seesFreezes = visit.slotText !== undefined;
  const mayFreeze = active && seesFreezes && !visit.frozen && holds(session, 'visit.freeze');
  const mayAskUnfreeze = Boolean(visit.frozen) && !unfreezeAsked && holds(session, 'visit.unfreeze.request');
  return (
    <div className="page">
      <PageHeading title={`Container ${visit.containerNumber}`}>
        Container <span className="mono">{visit.containerNumber}</span>
      </PageHeading>
      <div className="cards">
        <section className="card" aria-labelledby="status-heading">
          <h2 id="status-heading">Status</h2>
          <dl className="facts">
            <div>
              <dt>Status</dt>
              <dd>{statusNames[visit.status] ?? visit.status}</dd>
            </div>
            <div>
              <dt>Line · type</dt>
              <dd>
                {visit.line} · {visit.sizeType} · {visit.fullEmpty}
              </dd>
            </div>
            {visit.slotText ? (
              <div>
                <dt>Yard slot</dt>
                <dd className="mono">{visit.slotText}</dd>
              </div>
            ) : null}
            <div>
              <dt>Arrived</dt>
              <dd>{formatDateTime(visit.arrivedAt)}</dd>
            </div>
            <div>
              <dt>Holds</dt>
              <dd>
                {visit.holds.length === 0
                  ? 'None'
                  : visit.holds.map((hold) => (
                      <span key={hold.holdId} className="chip chip-hold">
                        {hold.kind}
                        {hold.reason ? `: ${hold.reason}` : ''}
                      </span>
                    ))}
              </dd>
            </div>
            {seesFreezes ? (
              <div>
                <dt>Frozen</dt>
                <dd data-testid="frozen-state">
                  {visit.frozen ? (
                    <span
                      className="chip"
                      style={{ background: '#e6dcf7', color: '#2e1065', fontWeight: 600 }}
                    >
                      <span aria-hidden="true">❄ </span>Frozen by {visit.frozen.by}
                    </span>
                  ) : (
                    'Not frozen'
                  )}
                </dd>
              </div>
            ) : null}
            <div>
              <dt>Visit reference</dt>
              <dd className="mono">{visit.visitRef}</dd>
            </div>
          </dl>
          {visit.frozen ? <FrozenNotice frozen={visit.frozen} /> : null}
          {freezeDone ? <Notice tone="success">{freezeDone}</Notice> : null}
          {freezeMode ? (
            <FreezeForm
              mode={freezeMode}
              visitRef={visit.visitRef}
              label={visit.containerNumber}
              signedOut={signedOut}
              onCancel={() => setFreezeMode(undefined)}
              onDone={(message) => {
                if (freezeMode === 'unfreeze') setUnfreezeAsked(true);
                setFreezeMode(undefined);
                setFreezeDone(message);
                void load();
              }}
            />
          ) : mayFreeze || mayAskUnfreeze ? (
            <div className="button-row">
              {mayFreeze ? (
                <Button
                  variant="primary"
                  onClick={() => {
                    setFreezeDone(undefined);
                    setFreezeMode('freeze');
                  }}
                >
                  Freeze this box
                </Button>
              ) : null}
              {mayAskUnfreeze ? (
                <Button
                  onClick={() => {
                    setFreezeDone(undefined);
                    setFreezeMode('unfreeze');
                  }}
                >
                  Request unfreeze
                </Button>
              ) : null}
            </div>
          ) : null}
        </section>

        <section className="card" aria-labelledby="lights-heading">
          <h2 id="lights-heading">Green lights</h2>
          {lights ? (
            <>
              <p>
                {visit.frozen ? (
                  <strong className="verdict verdict-bad">Frozen: no pickup, whatever the lights</strong>
                ) : lights.allGreen ? (
                  <strong className="verdict verdict-ok">All lights green</strong>
                ) : (
                  <strong className="verdict verdict-bad">Not all green: no pickup</strong>
                )}
              </p>
              {lights.allGreen && !visit.frozen ? (
                <PickupNote release={release} appointment={appointment.state} />
              ) : null}
              <ul className="lights">
                {lights.lights.map((light) => (
                  <li key={light.light} className={light.green ? 'light light-green' : 'light light-red'}>
                    <span className="light-dot" aria-hidden="true" />
                    <span>
                      <strong>{humanise(light.light)}</strong>: {light.green ? 'green' : 'not green'}
                      {light.green ? null : (
                        <ul className="light-reasons">
                          {light.reasons.map((reason) => (
                            <li key={reason}>{reason}</li>
                          ))}
                        </ul>
                      )}
                    </span>
                  </li>
                ))}
              </ul>
            </>
          ) : (
            <p className="muted">The green lights are not yours to see.</p>
          )}
        </section>

        <AppointmentCard state={appointment.state} reload={appointment.reload} />

        <VisitActions
          session={session}
          visit={visit}
          events={history === 'hidden' ? undefined : history}
          onChanged={() => void load(true)}
          signedOut={signedOut}
        />

        <section className="card card-wide" aria-labelledby="release-heading">
          <h2 id="release-heading">Release chain</h2>
          <ReleaseChain release={release} />
        </section>

        <section className="card card-wide" aria-labelledby="history-heading">
          <h2 id="history-heading">History</h2>
          {history === 'hidden' ? (
            <p className="muted">
              {session.method === 'password_totp'
                ? 'You signed in with a password: where the box stands and its history are shown only after you sign in with a passkey.'
                : 'The event history is not yours to see.'}
            </p>
          ) : (
            <Timeline events={history} checkpoint={checkpoint} readsEntries={readsEntries} />
          )}
        </section>
      </div>
    </div>
  );
}
