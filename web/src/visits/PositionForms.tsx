/**
 * Where a box stands: a move the yard equipment made, or a correction of the record when no move explains it (which
 * waits for a second person).
 */
import { useId, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { apiPost } from '../api.js';
import { Field } from '../components.js';
import { ActionForm } from '../forms/ActionForm.js';
import { type FormSpec, useFormDraft } from '../forms/form-schema.js';
import { i18next } from '../i18n/index.js';
import { useAction } from '../use-action.js';
import { CARD_FORM, type Slot, slotText, type VisitFormProps } from './visit-actions-shared.js';

export const RECORD_MOVE: FormSpec<'equipment'> = {
  policy: { permissions: ['visit.move'], stepUp: () => i18next.t('visits:position.stepUpMove') },
  fields: [
    {
      kind: 'text',
      name: 'equipment',
      get label() {
        return i18next.t('visits:position.equipment');
      },
      get hint() {
        return i18next.t('visits:position.equipmentHint');
      },
      get missing() {
        return i18next.t('visits:position.equipmentMissing');
      },
      maxLength: 100,
      autoComplete: 'off',
    },
  ],
  submit: {
    get label() {
      return i18next.t('visits:position.recordMove');
    },
    get busyLabel() {
      return i18next.t('visits:position.recording');
    },
  },
};

export const CORRECT_POSITION: FormSpec<'reason'> = {
  policy: {
    permissions: ['visit.correct_position'],
    stepUp: () => i18next.t('visits:position.stepUpCorrect'),
  },
  fields: [
    {
      kind: 'text',
      name: 'reason',
      get label() {
        return i18next.t('visits:position.whyCorrect');
      },
      get hint() {
        return i18next.t('visits:position.whyCorrectHint');
      },
      get missing() {
        return i18next.t('visits:position.whyCorrectMissing');
      },
      maxLength: 500,
      autoComplete: 'off',
    },
  ],
  submit: {
    get label() {
      return i18next.t('visits:position.requestCorrection');
    },
    get busyLabel() {
      return i18next.t('visits:position.requesting');
    },
  },
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
  if (!block) return i18next.t('visits:position.giveBlock');
  const numbers: [keyof SlotDraft, number][] = [
    ['bay', 999],
    ['row', 999],
    ['tier', 99],
  ];
  const parsed: Record<string, number> = {};
  for (const [key, max] of numbers) {
    const value = Number(draft[key].trim());
    if (!/^\d+$/.test(draft[key].trim()) || value < 1 || value > max)
      return i18next.t('visits:position.wholeNumber', { part: i18next.t(`visits:position.${key}`), max });
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
  const { t } = useTranslation('visits');
  const errorId = useId();
  const set = (key: keyof SlotDraft) => (event: { target: { value: string } }) =>
    onChange({ ...draft, [key]: event.target.value });
  return (
    <fieldset className="action-slot" aria-describedby={error ? errorId : undefined}>
      <legend>
        {legend} <span className="muted">{t('position.terminal', { terminal })}</span>
      </legend>
      <div className="action-slot-fields">
        <Field
          label={t('position.block')}
          value={draft.block}
          onChange={set('block')}
          maxLength={12}
          autoComplete="off"
          autoFocus
        />
        <Field
          label={t('position.bayLabel')}
          value={draft.bay}
          onChange={set('bay')}
          inputMode="numeric"
          autoComplete="off"
        />
        <Field
          label={t('position.rowLabel')}
          value={draft.row}
          onChange={set('row')}
          inputMode="numeric"
          autoComplete="off"
        />
        <Field
          label={t('position.tierLabel')}
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
  const { t } = useTranslation('visits');
  const draft = useFormDraft({ equipment: '' });
  const { run, busy, feedback } = useAction({ signedOut });
  return (
    <ActionForm
      {...CARD_FORM}
      spec={RECORD_MOVE}
      draft={draft}
      title={t('position.moveTitle', { number: visit.containerNumber })}
      intro={
        <Trans
          t={t}
          i18nKey="position.moveIntro"
          values={{ from: slotText(from) }}
          components={{ slot: <span className="mono" /> }}
        />
      }
      feedback={feedback}
      busy={busy}
      onCancel={onCancel}
      validate={() => slotError(slot)}
      onSubmit={({ equipment }) => {
        if (typeof slot === 'string') return;
        void run('submit', RECORD_MOVE.policy.stepUp(), async () => {
          await apiPost(`/v1/visits/${ref}/moves`, { from, to: slot, equipment });
          onDone(
            t('position.moved', { number: visit.containerNumber, from: slotText(from), to: slotText(slot) }),
          );
        });
      }}
    >
      <SlotFields
        legend={t('position.toSlot')}
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
  const { t } = useTranslation('visits');
  const draft = useFormDraft({ reason: '' });
  const { run, busy, feedback } = useAction({ signedOut });
  return (
    <ActionForm
      {...CARD_FORM}
      spec={CORRECT_POSITION}
      draft={draft}
      title={t('position.correctTitle', { number: visit.containerNumber })}
      intro={
        <Trans
          t={t}
          i18nKey="position.correctIntro"
          values={{ from: slotText(from) }}
          components={{ slot: <span className="mono" /> }}
        />
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
            t('position.correctionRequested', {
              number: visit.containerNumber,
              from: slotText(from),
              to: slotText(slot),
            }),
          );
        });
      }}
    >
      <SlotFields
        legend={t('position.reallyStands')}
        terminal={from.terminal}
        draft={to}
        onChange={setTo}
        error={draft.errors.to}
      />
    </ActionForm>
  );
}
