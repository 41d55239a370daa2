/** Asking for a wrong event to be voided: nothing is deleted, and nothing changes until a second person approves. */
import { useTranslation } from 'react-i18next';
import { apiPost } from '../api.js';
import { yourTime } from '../clock.js';
import { ActionForm } from '../forms/ActionForm.js';
import { type FormSpec, useFormDraft, withChoices } from '../forms/form-schema.js';
import { i18next } from '../i18n/index.js';
import { eventTypeName } from '../terms.js';
import { useAction } from '../use-action.js';
import { type ActionEvent, CARD_FORM, type VisitFormProps } from './visit-actions-shared.js';

export const REQUEST_VOID: FormSpec<'version' | 'reason'> = {
  policy: { permissions: ['visit.void.request'], stepUp: () => i18next.t('visits:void.stepUp') },
  fields: [
    {
      kind: 'select',
      name: 'version',
      get label() {
        return i18next.t('visits:void.event');
      },
      options: [],
    },
    {
      kind: 'text',
      name: 'reason',
      get label() {
        return i18next.t('visits:void.why');
      },
      get hint() {
        return i18next.t('visits:void.whyHint');
      },
      get missing() {
        return i18next.t('visits:void.whyMissing');
      },
      maxLength: 500,
      autoComplete: 'off',
    },
  ],
  submit: {
    get label() {
      return i18next.t('visits:void.request');
    },
    get busyLabel() {
      return i18next.t('visits:void.requesting');
    },
  },
};

export function VoidForm({
  visit,
  visitPath: ref,
  events,
  signedOut,
  onDone,
  onCancel,
}: VisitFormProps & { events: ActionEvent[] }) {
  const { t } = useTranslation('visits');
  const draft = useFormDraft({ version: String(events[events.length - 1]?.version ?? ''), reason: '' });
  const { run, busy, feedback } = useAction({ signedOut });
  return (
    <ActionForm
      {...CARD_FORM}
      spec={withChoices(REQUEST_VOID, 'version', {
        // Newest first: the event to void is most often the last one recorded.
        options: [...events].reverse().map((event) => ({
          value: String(event.version),
          label: `${event.version} · ${eventTypeName(event.type)} · ${yourTime(event.at)}`,
        })),
      })}
      draft={draft}
      title={t('void.title', { number: visit.containerNumber })}
      intro={t('void.intro')}
      feedback={feedback}
      busy={busy}
      onCancel={onCancel}
      onSubmit={({ version, reason }) => {
        const chosen = events.find((event) => String(event.version) === version);
        if (!chosen) return;
        void run('submit', REQUEST_VOID.policy.stepUp(), async () => {
          await apiPost(`/v1/visits/${ref}/void-requests`, { voidedVersion: chosen.version, reason });
          onDone(
            t('void.requested', {
              version: chosen.version,
              type: eventTypeName(chosen.type),
              number: visit.containerNumber,
            }),
          );
        });
      }}
    />
  );
}
