/**
 * The container page's "Actions" card: the daily jobs of the roles that act on a box (holds, yard moves, loading,
 * position corrections, voids). Each control appears only when the session holds its permission; the server
 * still checks every request, and a two-person change only waits in the Approvals inbox until someone approves.
 */
import { type FormEvent, type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { apiPost, type Session } from './api.js';
import { Button, Field, Notice, SelectField } from './components.js';
import { formatDateTime } from './labels.js';
import { Link } from './router.js';
import { holds } from './session.js';
import { useAction } from './use-action.js';

export interface Slot {
  terminal: string;
  block: string;
  bay: number;
  row: number;
  tier: number;
}

/** What the actions need to know of the visit, as the container page loaded it. */
export interface ActionVisit {
  visitRef: string;
  containerNumber: string;
  status: string;
  slot?: Slot | null;
  holds: { holdId: string; kind: string; reason?: string; placedAt: string }[];
  voidedVersions?: number[];
}

export interface ActionEvent {
  version: number;
  type: string;
  at: string;
}

type HoldKind = 'customs' | 'police' | 'terminal' | 'line';

const HOLD_LABELS: Record<HoldKind, string> = {
  customs: 'Customs hold',
  police: 'Police hold',
  terminal: 'Terminal hold',
  line: 'Line hold',
};

/**
 * The kinds of hold this person may place (or lift) when they hold `permission`: the session answer lists them
 * from the server's hold policy, so the console offers exactly what the server would accept.
 */
export function holdKindsOf(
  session: Session,
  permission: 'visit.hold.place' | 'visit.hold.lift',
): HoldKind[] {
  if (!holds(session, permission)) return [];
  return (session.holdKinds ?? []).filter((kind): kind is HoldKind => kind in HOLD_LABELS);
}

const kindLabel = (kind: string) => HOLD_LABELS[kind as HoldKind] ?? `${kind} hold`;

export const slotText = (slot: Slot) =>
  `${slot.terminal}/${slot.block}/${String(slot.bay).padStart(2, '0')}/${String(slot.row).padStart(2, '0')}/${slot.tier}`;

type Open =
  | { form: 'hold' }
  | { form: 'lift'; holdId: string; kind: string }
  | { form: 'move' }
  | { form: 'load' }
  | { form: 'correct' }
  | { form: 'void' };

function ActionForm({
  title,
  intro,
  onSubmit,
  children,
  feedback,
  busy,
  submitLabel,
  busyLabel,
  onCancel,
}: {
  title: string;
  intro: ReactNode;
  onSubmit: () => void;
  children: ReactNode;
  feedback: ReactNode;
  busy: boolean;
  submitLabel: string;
  busyLabel: string;
  onCancel: () => void;
}) {
  return (
    <form
      className="stack action-form"
      noValidate
      aria-label={title}
      onSubmit={(event: FormEvent) => {
        event.preventDefault();
        onSubmit();
      }}
    >
      <h3>{title}</h3>
      <p className="muted">{intro}</p>
      {children}
      {feedback}
      <div className="button-row">
        <Button type="submit" variant="primary" busy={busy} busyLabel={busyLabel}>
          {submitLabel}
        </Button>
        <Button variant="quiet" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

interface SlotDraft {
  block: string;
  bay: string;
  row: string;
  tier: string;
}

const emptySlot: SlotDraft = { block: '', bay: '', row: '', tier: '' };

/** The slot typed in, or the first thing wrong with it. */
function parseSlot(terminal: string, draft: SlotDraft): Slot | string {
  const block = draft.block.trim().toUpperCase();
  if (!block) return 'Give the block.';
  const numbers: [keyof SlotDraft, number][] = [
    ['bay', 999],
    ['row', 999],
    ['tier', 99],
  ];
  const parsed: Record<string, number> = {};
  for (const [key, max] of numbers) {
    const value = Number(draft[key].trim());
    if (!/^\d+$/.test(draft[key].trim()) || value < 1 || value > max)
      return `The ${key} is a whole number from 1 to ${max}.`;
    parsed[key] = value;
  }
  return { terminal, block, bay: parsed.bay!, row: parsed.row!, tier: parsed.tier! };
}

function SlotFields({
  legend,
  terminal,
  draft,
  onChange,
  error,
}: {
  legend: string;
  terminal: string;
  draft: SlotDraft;
  onChange: (draft: SlotDraft) => void;
  error: string | undefined;
}) {
  const errorId = useId();
  const set = (key: keyof SlotDraft) => (event: { target: { value: string } }) =>
    onChange({ ...draft, [key]: event.target.value });
  return (
    <fieldset className="action-slot" aria-describedby={error ? errorId : undefined}>
      <legend>
        {legend} <span className="muted">(terminal {terminal})</span>
      </legend>
      <div className="action-slot-fields">
        <Field
          label="Block"
          value={draft.block}
          onChange={set('block')}
          maxLength={12}
          autoComplete="off"
          autoFocus
        />
        <Field label="Bay" value={draft.bay} onChange={set('bay')} inputMode="numeric" autoComplete="off" />
        <Field label="Row" value={draft.row} onChange={set('row')} inputMode="numeric" autoComplete="off" />
        <Field
          label="Tier"
          value={draft.tier}
          onChange={set('tier')}
          inputMode="numeric"
          autoComplete="off"
        />
      </div>
      {error ? (
        <p id={errorId} className="field-error">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}

interface FormProps {
  visit: ActionVisit;
  visitPath: string;
  signedOut: () => void;
  onDone: (message: string) => void;
  onCancel: () => void;
}

function HoldForm({
  visit,
  visitPath: ref,
  kinds,
  signedOut,
  onDone,
  onCancel,
}: FormProps & { kinds: HoldKind[] }) {
  const [kind, setKind] = useState<HoldKind>(kinds[0]!);
  const [reason, setReason] = useState('');
  const [reference, setReference] = useState('');
  const [errors, setErrors] = useState<{ reason?: string; reference?: string }>({});
  const { run, busy, feedback } = useAction({ signedOut });
  const submit = () => {
    const next = {
      ...(reason.trim() ? {} : { reason: 'Say why the box is held.' }),
      ...(reference.trim() ? {} : { reference: 'Give your case or declaration reference.' }),
    };
    setErrors(next);
    if (next.reason || next.reference) return;
    void run('submit', `place a ${kind} hold`, async () => {
      await apiPost(`/v1/visits/${ref}/holds`, { kind, reason: reason.trim(), reference: reference.trim() });
      onDone(
        `${kindLabel(kind)} placed on ${visit.containerNumber}: the gate refuses it until the hold is lifted.`,
      );
    });
  };
  return (
    <ActionForm
      title={`Place a hold on ${visit.containerNumber}`}
      intro="A hold stops the box at once: any hold in force turns the lights red and the gate refuses it."
      onSubmit={submit}
      feedback={feedback}
      busy={busy}
      submitLabel="Place the hold"
      busyLabel="Placing…"
      onCancel={onCancel}
    >
      {kinds.length > 1 ? (
        <SelectField
          label="Kind of hold"
          value={kind}
          onChange={(value) => setKind(value as HoldKind)}
          options={kinds.map((k) => ({ value: k, label: kindLabel(k) }))}
        />
      ) : (
        <p>
          Kind: <strong>{kindLabel(kind)}</strong>
        </p>
      )}
      <Field
        label="Why hold it"
        hint="Recorded in the audit log; told to the parties who may see holds."
        value={reason}
        onChange={(event) => setReason(event.target.value)}
        error={errors.reason}
        maxLength={500}
        autoComplete="off"
        autoFocus
      />
      <Field
        label="Reference"
        hint="Your case, declaration or order number."
        value={reference}
        onChange={(event) => setReference(event.target.value)}
        error={errors.reference}
        maxLength={100}
        autoComplete="off"
      />
    </ActionForm>
  );
}

function LiftForm({
  visit,
  visitPath: ref,
  holdId,
  kind,
  signedOut,
  onDone,
  onRequested,
  onCancel,
}: FormProps & { holdId: string; kind: string; onRequested: (message: string) => void }) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string>();
  const { run, busy, feedback } = useAction({ signedOut });
  const submit = () => {
    if (!reason.trim()) {
      setError('Say why the hold can be lifted.');
      return;
    }
    setError(undefined);
    void run('submit', `lift the ${kind} hold`, async () => {
      const result = await apiPost<{ outcome?: string }>(
        `/v1/visits/${ref}/holds/${encodeURIComponent(holdId)}/lift`,
        { reason: reason.trim() },
      );
      // Another officer's customs or police hold: the server filed a two-person request (202), nothing changed.
      if (result?.outcome === 'approval_required') {
        onRequested(
          `Lifting ${kindLabel(kind).toLowerCase()} ${holdId} needs a second officer: it was placed by a colleague, so another officer of your authority must approve it. The hold stays until then.`,
        );
        return;
      }
      onDone(`${kindLabel(kind)} ${holdId} lifted. The gate still checks every other light.`);
    });
  };
  return (
    <ActionForm
      title={`Lift ${kindLabel(kind).toLowerCase()} ${holdId}`}
      intro={
        kind === 'customs' || kind === 'police'
          ? `Lifting this hold lets ${visit.containerNumber} go once every other light is green. Your own hold is lifted at once; a colleague's waits for a second officer's approval.`
          : `Lifting this hold lets ${visit.containerNumber} go once every other light is green.`
      }
      onSubmit={submit}
      feedback={feedback}
      busy={busy}
      submitLabel="Lift the hold"
      busyLabel="Lifting…"
      onCancel={onCancel}
    >
      <Field
        label="Why lift it"
        hint="Recorded in the audit log."
        value={reason}
        onChange={(event) => setReason(event.target.value)}
        error={error}
        maxLength={500}
        autoComplete="off"
        autoFocus
      />
    </ActionForm>
  );
}

function MoveForm({ visit, visitPath: ref, from, signedOut, onDone, onCancel }: FormProps & { from: Slot }) {
  const [to, setTo] = useState<SlotDraft>(emptySlot);
  const [equipment, setEquipment] = useState('');
  const [errors, setErrors] = useState<{ to?: string; equipment?: string }>({});
  const { run, busy, feedback } = useAction({ signedOut });
  const submit = () => {
    const slot = parseSlot(from.terminal, to);
    const next = {
      ...(typeof slot === 'string' ? { to: slot } : {}),
      ...(equipment.trim() ? {} : { equipment: 'Give the id of the machine that moved the box.' }),
    };
    setErrors(next);
    if (typeof slot === 'string' || next.equipment) return;
    void run('submit', 'record this move', async () => {
      await apiPost(`/v1/visits/${ref}/moves`, { from, to: slot, equipment: equipment.trim() });
      onDone(`Move of ${visit.containerNumber} recorded: ${slotText(from)} → ${slotText(slot)}.`);
    });
  };
  return (
    <ActionForm
      title={`Record a move of ${visit.containerNumber}`}
      intro={
        <>
          From <span className="mono">{slotText(from)}</span>, as your equipment moved it. You are recorded as
          the operator.
        </>
      }
      onSubmit={submit}
      feedback={feedback}
      busy={busy}
      submitLabel="Record the move"
      busyLabel="Recording…"
      onCancel={onCancel}
    >
      <SlotFields legend="To slot" terminal={from.terminal} draft={to} onChange={setTo} error={errors.to} />
      <Field
        label="Equipment id"
        hint="The straddle carrier, reach stacker or crane, e.g. SC-12."
        value={equipment}
        onChange={(event) => setEquipment(event.target.value)}
        error={errors.equipment}
        maxLength={100}
        autoComplete="off"
      />
    </ActionForm>
  );
}

function LoadForm({ visit, visitPath: ref, signedOut, onDone, onCancel }: FormProps) {
  const [vesselCall, setVesselCall] = useState('');
  const [error, setError] = useState<string>();
  const { run, busy, feedback } = useAction({ signedOut });
  const submit = () => {
    if (!vesselCall.trim()) {
      setError('Give the vessel call the box was loaded onto.');
      return;
    }
    setError(undefined);
    void run('submit', 'record the load', async () => {
      await apiPost(`/v1/visits/${ref}/load`, { vesselCall: vesselCall.trim() });
      onDone(`${visit.containerNumber} recorded as loaded onto ${vesselCall.trim()}.`);
    });
  };
  return (
    <ActionForm
      title={`Load ${visit.containerNumber} onto a vessel`}
      intro="The box leaves the yard: its visit ends. The server refuses it while a hold, block or freeze is in force."
      onSubmit={submit}
      feedback={feedback}
      busy={busy}
      submitLabel="Record the load"
      busyLabel="Recording…"
      onCancel={onCancel}
    >
      <Field
        label="Vessel call"
        value={vesselCall}
        onChange={(event) => setVesselCall(event.target.value)}
        error={error}
        maxLength={35}
        autoComplete="off"
        autoFocus
      />
    </ActionForm>
  );
}

function CorrectionForm({
  visit,
  visitPath: ref,
  from,
  signedOut,
  onDone,
  onCancel,
}: FormProps & { from: Slot }) {
  const [to, setTo] = useState<SlotDraft>(emptySlot);
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<{ to?: string; reason?: string }>({});
  const { run, busy, feedback } = useAction({ signedOut });
  const submit = () => {
    const slot = parseSlot(from.terminal, to);
    const next = {
      ...(typeof slot === 'string' ? { to: slot } : {}),
      ...(reason.trim() ? {} : { reason: 'Say why the record is wrong.' }),
    };
    setErrors(next);
    if (typeof slot === 'string' || next.reason) return;
    void run('submit', 'ask for this position correction', async () => {
      await apiPost(`/v1/visits/${ref}/position-corrections`, { to: slot, reason: reason.trim() });
      onDone(
        `Correction of ${visit.containerNumber} from ${slotText(from)} to ${slotText(slot)} requested: it waits for a second person at the terminal to approve it.`,
      );
    });
  };
  return (
    <ActionForm
      title={`Correct the position of ${visit.containerNumber}`}
      intro={
        <>
          Recorded at <span className="mono">{slotText(from)}</span>. Use this only when no physical move
          explains where the box really stands; nothing changes until a second person approves.
        </>
      }
      onSubmit={submit}
      feedback={feedback}
      busy={busy}
      submitLabel="Request the correction"
      busyLabel="Requesting…"
      onCancel={onCancel}
    >
      <SlotFields
        legend="Where it really stands"
        terminal={from.terminal}
        draft={to}
        onChange={setTo}
        error={errors.to}
      />
      <Field
        label="Why correct it"
        hint="Recorded in the audit log and shown to the approver."
        value={reason}
        onChange={(event) => setReason(event.target.value)}
        error={errors.reason}
        maxLength={500}
        autoComplete="off"
      />
    </ActionForm>
  );
}

function VoidForm({
  visit,
  visitPath: ref,
  events,
  signedOut,
  onDone,
  onCancel,
}: FormProps & { events: ActionEvent[] }) {
  const [version, setVersion] = useState(String(events[events.length - 1]?.version ?? ''));
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string>();
  const { run, busy, feedback } = useAction({ signedOut });
  const chosen = events.find((event) => String(event.version) === version);
  const submit = () => {
    if (!reason.trim()) {
      setError('Say why this event is wrong.');
      return;
    }
    setError(undefined);
    if (!chosen) return;
    void run('submit', 'ask for this event to be voided', async () => {
      await apiPost(`/v1/visits/${ref}/void-requests`, {
        voidedVersion: chosen.version,
        reason: reason.trim(),
      });
      onDone(
        `Void of event ${chosen.version} (${chosen.type}) of ${visit.containerNumber} requested: it waits for a second person to approve it.`,
      );
    });
  };
  return (
    <ActionForm
      title={`Ask to void an event of ${visit.containerNumber}`}
      intro="Nothing is deleted: if approved, a new event names the one it voids, why, who asked and who approved."
      onSubmit={submit}
      feedback={feedback}
      busy={busy}
      submitLabel="Request the void"
      busyLabel="Requesting…"
      onCancel={onCancel}
    >
      <SelectField
        label="Event to void"
        value={version}
        onChange={setVersion}
        options={[...events].reverse().map((event) => ({
          value: String(event.version),
          label: `${event.version} · ${event.type} · ${formatDateTime(event.at)}`,
        }))}
      />
      <Field
        label="Why void it"
        hint="Recorded in the audit log and shown to the approver."
        value={reason}
        onChange={(event) => setReason(event.target.value)}
        error={error}
        maxLength={500}
        autoComplete="off"
      />
    </ActionForm>
  );
}

/**
 * The Actions card, or nothing when the session may do none of them (a read-only investigator sees no card).
 * `onChanged` reloads the page so the timeline shows the new event.
 */
export function VisitActions({
  session,
  visit,
  events,
  onChanged,
  signedOut,
}: {
  session: Session;
  visit: ActionVisit;
  /** The visit's events when the caller may read them. */
  events: ActionEvent[] | undefined;
  onChanged: () => void;
  signedOut: () => void;
}) {
  const [open, setOpen] = useState<Open>();
  const [done, setDone] = useState<{ message: string; approval: boolean }>();
  const doneRef = useRef<HTMLParagraphElement>(null);
  // The form that had focus is gone once the action is done: keyboard users land on what happened.
  useEffect(() => {
    if (done) doneRef.current?.focus();
  }, [done]);
  const ref = encodeURIComponent(visit.visitRef);
  const active = visit.status === 'announced' || visit.status === 'in_yard';
  const inYard = visit.status === 'in_yard' && Boolean(visit.slot);
  const placeKinds = active ? holdKindsOf(session, 'visit.hold.place') : [];
  const liftKinds = holdKindsOf(session, 'visit.hold.lift');
  const liftable = visit.holds.filter((hold) => liftKinds.includes(hold.kind as HoldKind));
  // A password + TOTP session places holds but never lifts one (issue 10, row B): say how to, rather than hide it.
  const liftNeedsPasskey =
    session.method === 'password_totp' &&
    liftable.length === 0 &&
    visit.holds.some((hold) => (session.holdKinds ?? []).includes(hold.kind));
  const mayMove = inYard && holds(session, 'visit.move');
  const mayLoad = visit.status === 'in_yard' && holds(session, 'visit.load');
  const mayCorrect = inYard && holds(session, 'visit.correct_position');
  const voided = new Set(visit.voidedVersions ?? []);
  const voidable = (events ?? []).filter((event) => !voided.has(event.version));
  const mayVoid = voidable.length > 0 && holds(session, 'visit.void.request');
  if (placeKinds.length === 0 && liftable.length === 0 && !mayMove && !mayLoad && !mayCorrect && !mayVoid)
    return null;

  const start = (next: Open) => {
    setDone(undefined);
    setOpen(next);
  };
  const finished = (approval: boolean) => (message: string) => {
    setOpen(undefined);
    setDone({ message, approval });
    onChanged();
  };
  const common = { visit, visitPath: ref, signedOut, onCancel: () => setOpen(undefined) };
  const from = visit.slot ?? undefined;

  return (
    <section className="card card-wide" aria-labelledby="actions-heading">
      <h2 id="actions-heading">Actions</h2>
      {done ? (
        <div className="action-done">
          <Notice tone="success">
            <p role="status" ref={doneRef} tabIndex={-1}>
              {done.message}
            </p>
            {done.approval ? (
              <p>
                <Link to="/approvals">Open the Approvals inbox</Link> to follow it.
              </p>
            ) : null}
          </Notice>
        </div>
      ) : null}
      {liftable.length > 0 ? (
        <ul className="action-holds" aria-label="Holds you may lift">
          {liftable.map((hold) => (
            <li key={hold.holdId}>
              <span className="chip chip-hold">
                {kindLabel(hold.kind)}
                {hold.reason ? `: ${hold.reason}` : ''}
              </span>{' '}
              <span className="muted">placed {formatDateTime(hold.placedAt)}</span>{' '}
              <Button
                size="normal"
                aria-label={`Lift ${kindLabel(hold.kind).toLowerCase()} ${hold.holdId}`}
                onClick={() => start({ form: 'lift', holdId: hold.holdId, kind: hold.kind })}
              >
                Lift
              </Button>
            </li>
          ))}
        </ul>
      ) : null}
      {liftNeedsPasskey ? (
        <p className="muted">
          Lifting a hold lets a box go, so it needs a session opened with your passkey: sign out and sign in
          with it.
        </p>
      ) : null}
      {open?.form === 'hold' ? (
        <HoldForm {...common} kinds={placeKinds} onDone={finished(false)} />
      ) : open?.form === 'lift' ? (
        <LiftForm
          {...common}
          holdId={open.holdId}
          kind={open.kind}
          onDone={finished(false)}
          onRequested={finished(true)}
        />
      ) : open?.form === 'move' && from ? (
        <MoveForm {...common} from={from} onDone={finished(false)} />
      ) : open?.form === 'load' ? (
        <LoadForm {...common} onDone={finished(false)} />
      ) : open?.form === 'correct' && from ? (
        <CorrectionForm {...common} from={from} onDone={finished(true)} />
      ) : open?.form === 'void' ? (
        <VoidForm {...common} events={voidable} onDone={finished(true)} />
      ) : (
        <div className="button-row">
          {placeKinds.length > 0 ? (
            <Button onClick={() => start({ form: 'hold' })}>Place a hold…</Button>
          ) : null}
          {mayMove ? <Button onClick={() => start({ form: 'move' })}>Record a move…</Button> : null}
          {mayLoad ? <Button onClick={() => start({ form: 'load' })}>Load onto vessel…</Button> : null}
          {mayCorrect ? (
            <Button onClick={() => start({ form: 'correct' })}>Request a position correction…</Button>
          ) : null}
          {mayVoid ? <Button onClick={() => start({ form: 'void' })}>Ask to void an event…</Button> : null}
        </div>
      )}
    </section>
  );
}
