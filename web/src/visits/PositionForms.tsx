/**
 * Where a box stands: a move the yard equipment made, or a correction of the record when no move explains it (which
 * waits for a second person).
 */
import { useId, useState } from 'react';
import { apiPost } from '../api.js';
import { Field } from '../components.js';
import { ActionForm } from '../forms/ActionForm.js';
import { type FormSpec, useFormDraft } from '../forms/form-schema.js';
import { useAction } from '../use-action.js';
import { CARD_FORM, type Slot, slotText, type VisitFormProps } from './visit-actions-shared.js';

export const RECORD_MOVE: FormSpec<'equipment'> = {
  policy: { permissions: ['visit.move'], stepUp: () => 'record this move' },
  fields: [
    {
      kind: 'text',
      name: 'equipment',
      label: 'Equipment id',
      hint: 'The straddle carrier, reach stacker or crane, e.g. SC-12.',
      missing: 'Give the id of the machine that moved the box.',
      maxLength: 100,
      autoComplete: 'off',
    },
  ],
  submit: { label: 'Record the move', busyLabel: 'Recording…' },
};

export const CORRECT_POSITION: FormSpec<'reason'> = {
  policy: { permissions: ['visit.correct_position'], stepUp: () => 'ask for this position correction' },
  fields: [
    {
      kind: 'text',
      name: 'reason',
      label: 'Why correct it',
      hint: 'Recorded in the audit log and shown to the approver.',
      missing: 'Say why the record is wrong.',
      maxLength: 500,
      autoComplete: 'off',
    },
  ],
  submit: { label: 'Request the correction', busyLabel: 'Requesting…' },
};

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

/** The slot's error under the name `to`, for the form's own checks. */
const slotError = (slot: Slot | string) => (typeof slot === 'string' ? { to: slot } : {});

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

export function MoveForm({
  visit,
  visitPath: ref,
  from,
  signedOut,
  onDone,
  onCancel,
}: VisitFormProps & { from: Slot }) {
  const [to, setTo] = useState<SlotDraft>(emptySlot);
  const slot = parseSlot(from.terminal, to);
  const draft = useFormDraft({ equipment: '' });
  const { run, busy, feedback } = useAction({ signedOut });
  return (
    <ActionForm
      {...CARD_FORM}
      spec={RECORD_MOVE}
      draft={draft}
      title={`Record a move of ${visit.containerNumber}`}
      intro={
        <>
          From <span className="mono">{slotText(from)}</span>, as your equipment moved it. You are recorded as
          the operator.
        </>
      }
      feedback={feedback}
      busy={busy}
      onCancel={onCancel}
      validate={() => slotError(slot)}
      onSubmit={({ equipment }) => {
        if (typeof slot === 'string') return;
        void run('submit', RECORD_MOVE.policy.stepUp(), async () => {
          await apiPost(`/v1/visits/${ref}/moves`, { from, to: slot, equipment });
          onDone(`Move of ${visit.containerNumber} recorded: ${slotText(from)} → ${slotText(slot)}.`);
        });
      }}
    >
      <SlotFields
        legend="To slot"
        terminal={from.terminal}
        draft={to}
        onChange={setTo}
        error={draft.errors.to}
      />
    </ActionForm>
  );
}

export function CorrectionForm({
  visit,
  visitPath: ref,
  from,
  signedOut,
  onDone,
  onCancel,
}: VisitFormProps & { from: Slot }) {
  const [to, setTo] = useState<SlotDraft>(emptySlot);
  const slot = parseSlot(from.terminal, to);
  const draft = useFormDraft({ reason: '' });
  const { run, busy, feedback } = useAction({ signedOut });
  return (
    <ActionForm
      {...CARD_FORM}
      spec={CORRECT_POSITION}
      draft={draft}
      title={`Correct the position of ${visit.containerNumber}`}
      intro={
        <>
          Recorded at <span className="mono">{slotText(from)}</span>. Use this only when no physical move
          explains where the box really stands; nothing changes until a second person approves.
        </>
      }
      feedback={feedback}
      busy={busy}
      onCancel={onCancel}
      validate={() => slotError(slot)}
      onSubmit={({ reason }) => {
        if (typeof slot === 'string') return;
        void run('submit', CORRECT_POSITION.policy.stepUp(), async () => {
          await apiPost(`/v1/visits/${ref}/position-corrections`, { to: slot, reason });
          onDone(
            `Correction of ${visit.containerNumber} from ${slotText(from)} to ${slotText(slot)} requested: it waits for a second person at the terminal to approve it.`,
          );
        });
      }}
    >
      <SlotFields
        legend="Where it really stands"
        terminal={from.terminal}
        draft={to}
        onChange={setTo}
        error={draft.errors.to}
      />
    </ActionForm>
  );
}
