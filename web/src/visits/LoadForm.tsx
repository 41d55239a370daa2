/** Loading a box onto a vessel: its visit ends. */
import { apiPost } from '../api.js';
import { ActionForm } from '../forms/ActionForm.js';
import { type FormSpec, useFormDraft } from '../forms/form-schema.js';
import { useAction } from '../use-action.js';
import { CARD_FORM, type VisitFormProps } from './visit-actions-shared.js';

export const LOAD_ONTO_VESSEL: FormSpec<'vesselCall'> = {
  policy: { permissions: ['visit.load'], stepUp: () => 'record the load' },
  fields: [
    {
      kind: 'text',
      name: 'vesselCall',
      label: 'Vessel call',
      missing: 'Give the vessel call the box was loaded onto.',
      maxLength: 35,
      autoComplete: 'off',
      autoFocus: true,
    },
  ],
  submit: { label: 'Record the load', busyLabel: 'Recording…' },
};

export function LoadForm({ visit, visitPath: ref, signedOut, onDone, onCancel }: VisitFormProps) {
  const draft = useFormDraft({ vesselCall: '' });
  const { run, busy, feedback } = useAction({ signedOut });
  return (
    <ActionForm
      {...CARD_FORM}
      spec={LOAD_ONTO_VESSEL}
      draft={draft}
      title={`Load ${visit.containerNumber} onto a vessel`}
      intro="The box leaves the yard: its visit ends. The server refuses it while a hold, block or freeze is in force."
      feedback={feedback}
      busy={busy}
      onCancel={onCancel}
      onSubmit={({ vesselCall }) =>
        void run('submit', LOAD_ONTO_VESSEL.policy.stepUp(), async () => {
          await apiPost(`/v1/visits/${ref}/load`, { vesselCall });
          onDone(`${visit.containerNumber} recorded as loaded onto ${vesselCall}.`);
        })
      }
    />
  );
}
