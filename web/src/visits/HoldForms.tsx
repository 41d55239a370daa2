/** Placing a hold on a box, and lifting one: each authority its own kind, as the server's hold policy says. */
import { apiPost } from '../api.js';
import { ActionForm } from '../forms/ActionForm.js';
import { type FormSpec, useFormDraft, withChoices, withoutField } from '../forms/form-schema.js';
import { useAction } from '../use-action.js';
import { CARD_FORM, type HoldKind, kindLabel, type VisitFormProps } from './visit-actions-shared.js';

export const PLACE_HOLD: FormSpec<'kind' | 'reason' | 'reference', string> = {
  policy: { permissions: ['visit.hold.place'], stepUp: (kind: string) => `place a ${kind} hold` },
  fields: [
    { kind: 'select', name: 'kind', label: 'Kind of hold', options: [] },
    {
      kind: 'text',
      name: 'reason',
      label: 'Why hold it',
      hint: 'Recorded in the audit log; told to the parties who may see holds.',
      missing: 'Say why the box is held.',
      maxLength: 500,
      autoComplete: 'off',
      autoFocus: true,
    },
    {
      kind: 'text',
      name: 'reference',
      label: 'Reference',
      hint: 'Your case, declaration or order number.',
      missing: 'Give your case or declaration reference.',
      maxLength: 100,
      autoComplete: 'off',
    },
  ],
  submit: { label: 'Place the hold', busyLabel: 'Placing…' },
};

export const LIFT_HOLD: FormSpec<'reason', string> = {
  policy: { permissions: ['visit.hold.lift'], stepUp: (kind: string) => `lift the ${kind} hold` },
  fields: [
    {
      kind: 'text',
      name: 'reason',
      label: 'Why lift it',
      hint: 'Recorded in the audit log.',
      missing: 'Say why the hold can be lifted.',
      maxLength: 500,
      autoComplete: 'off',
      autoFocus: true,
    },
  ],
  submit: { label: 'Lift the hold', busyLabel: 'Lifting…' },
};

export function HoldForm({
  visit,
  visitPath: ref,
  kinds,
  signedOut,
  onDone,
  onCancel,
}: VisitFormProps & { kinds: HoldKind[] }) {
  const draft = useFormDraft({ kind: kinds[0]!, reason: '', reference: '' });
  const { run, busy, feedback } = useAction({ signedOut });
  const kind = draft.values.kind as HoldKind;
  // One kind needs no choice: the form says which hold it places.
  const spec =
    kinds.length > 1
      ? withChoices(PLACE_HOLD, 'kind', { options: kinds.map((k) => ({ value: k, label: kindLabel(k) })) })
      : withoutField(PLACE_HOLD, 'kind');
  return (
    <ActionForm
      {...CARD_FORM}
      spec={spec}
      draft={draft}
      title={`Place a hold on ${visit.containerNumber}`}
      intro="A hold stops the box at once: any hold in force turns the lights red and the gate refuses it."
      feedback={feedback}
      busy={busy}
      onCancel={onCancel}
      onSubmit={({ reason, reference }) =>
        void run('submit', PLACE_HOLD.policy.stepUp(kind), async () => {
          await apiPost(`/v1/visits/${ref}/holds`, { kind, reason, reference });
          onDone(
            `${kindLabel(kind)} placed on ${visit.containerNumber}: the gate refuses it until the hold is lifted.`,
          );
        })
      }
    >
      {kinds.length > 1 ? null : (
        <p>
          Kind: <strong>{kindLabel(kind)}</strong>
        </p>
      )}
    </ActionForm>
  );
}

export function LiftForm({
  visit,
  visitPath: ref,
  holdId,
  kind,
  signedOut,
  onDone,
  onRequested,
  onCancel,
}: VisitFormProps & { holdId: string; kind: string; onRequested: (message: string) => void }) {
  const draft = useFormDraft({ reason: '' });
  const { run, busy, feedback } = useAction({ signedOut });
  return (
    <ActionForm
      {...CARD_FORM}
      spec={LIFT_HOLD}
      draft={draft}
      title={`Lift ${kindLabel(kind).toLowerCase()} ${holdId}`}
      intro={
        kind === 'customs' || kind === 'police'
          ? `Lifting this hold lets ${visit.containerNumber} go once every other light is green. Your own hold is lifted at once; a colleague's waits for a second officer's approval.`
          : `Lifting this hold lets ${visit.containerNumber} go once every other light is green.`
      }
      feedback={feedback}
      busy={busy}
      onCancel={onCancel}
      onSubmit={({ reason }) =>
        void run('submit', LIFT_HOLD.policy.stepUp(kind), async () => {
          const result = await apiPost<{ outcome?: string }>(
            `/v1/visits/${ref}/holds/${encodeURIComponent(holdId)}/lift`,
            { reason },
          );
          // Another officer's customs or police hold: the server filed a two-person request (202), nothing changed.
          if (result?.outcome === 'approval_required') {
            onRequested(
              `Lifting ${kindLabel(kind).toLowerCase()} ${holdId} needs a second officer: it was placed by a colleague, so another officer of your authority must approve it. The hold stays until then.`,
            );
            return;
          }
          onDone(`${kindLabel(kind)} ${holdId} lifted. The gate still checks every other light.`);
        })
      }
    />
  );
}
