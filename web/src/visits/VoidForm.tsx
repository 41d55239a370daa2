/** Asking for a wrong event to be voided: nothing is deleted, and nothing changes until a second person approves. */
import { apiPost } from '../api.js';
import { localDateTime } from '../clock.js';
import { ActionForm } from '../forms/ActionForm.js';
import { type FormSpec, useFormDraft, withChoices } from '../forms/form-schema.js';
import { useAction } from '../use-action.js';
import { type ActionEvent, CARD_FORM, type VisitFormProps } from './visit-actions-shared.js';

export const REQUEST_VOID: FormSpec<'version' | 'reason'> = {
  policy: { permissions: ['visit.void.request'], stepUp: () => 'ask for this event to be voided' },
  fields: [
    { kind: 'select', name: 'version', label: 'Event to void', options: [] },
    {
      kind: 'text',
      name: 'reason',
      label: 'Why void it',
      hint: 'Recorded in the audit log and shown to the approver.',
      missing: 'Say why this event is wrong.',
      maxLength: 500,
      autoComplete: 'off',
    },
  ],
  submit: { label: 'Request the void', busyLabel: 'Requesting…' },
};

export function VoidForm({
  visit,
  visitPath: ref,
  events,
  signedOut,
  onDone,
  onCancel,
}: VisitFormProps & { events: ActionEvent[] }) {
  const draft = useFormDraft({ version: String(events[events.length - 1]?.version ?? ''), reason: '' });
  const { run, busy, feedback } = useAction({ signedOut });
  return (
    <ActionForm
      {...CARD_FORM}
      spec={withChoices(REQUEST_VOID, 'version', {
        // Newest first: the event to void is most often the last one recorded.
        options: [...events].reverse().map((event) => ({
          value: String(event.version),
          label: `${event.version} · ${event.type} · ${localDateTime(event.at)}`,
        })),
      })}
      draft={draft}
      title={`Ask to void an event of ${visit.containerNumber}`}
      intro="Nothing is deleted: if approved, a new event names the one it voids, why, who asked and who approved."
      feedback={feedback}
      busy={busy}
      onCancel={onCancel}
      onSubmit={({ version, reason }) => {
        const chosen = events.find((event) => String(event.version) === version);
        if (!chosen) return;
        void run('submit', REQUEST_VOID.policy.stepUp(), async () => {
          await apiPost(`/v1/visits/${ref}/void-requests`, { voidedVersion: chosen.version, reason });
          onDone(
            `Void of event ${chosen.version} (${chosen.type}) of ${visit.containerNumber} requested: it waits for a second person to approve it.`,
          );
        });
      }}
    />
  );
}
