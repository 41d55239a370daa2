/** Loading a box onto a vessel: its visit ends. */
import { useTranslation } from 'react-i18next';
import { apiPost } from '../api.js';
import { ActionForm } from '../forms/ActionForm.js';
import { type FormSpec, useFormDraft } from '../forms/form-schema.js';
import { i18next } from '../i18n/index.js';
import { useAction } from '../use-action.js';
import { CARD_FORM, type VisitFormProps } from './visit-actions-shared.js';

export const LOAD_ONTO_VESSEL: FormSpec<'vesselCall'> = {
  policy: { permissions: ['visit.load'], stepUp: () => i18next.t('visits:load.stepUp') },
  fields: [
    {
      kind: 'text',
      name: 'vesselCall',
      get label() {
        return i18next.t('visits:load.vesselCall');
      },
      get missing() {
        return i18next.t('visits:load.vesselCallMissing');
      },
      maxLength: 35,
      autoComplete: 'off',
      autoFocus: true,
    },
  ],
  submit: {
    get label() {
      return i18next.t('visits:load.record');
    },
    get busyLabel() {
      return i18next.t('visits:load.recording');
    },
  },
};

export function LoadForm({ visit, visitPath: ref, signedOut, onDone, onCancel }: VisitFormProps) {
  const { t } = useTranslation('visits');
  const draft = useFormDraft({ vesselCall: '' });
  const { run, busy, feedback } = useAction({ signedOut });
  return (
    <ActionForm
      {...CARD_FORM}
      spec={LOAD_ONTO_VESSEL}
      draft={draft}
      title={t('load.title', { number: visit.containerNumber })}
      intro={t('load.intro')}
      feedback={feedback}
      busy={busy}
      onCancel={onCancel}
      onSubmit={({ vesselCall }) =>
        void run('submit', LOAD_ONTO_VESSEL.policy.stepUp(), async () => {
          await apiPost(`/v1/visits/${ref}/load`, { vesselCall });
          onDone(t('load.loaded', { number: visit.containerNumber, vessel: vesselCall }));
        })
      }
    />
  );
}
