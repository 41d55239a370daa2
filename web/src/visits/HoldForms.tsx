/** Placing a hold on a box, and lifting one: each authority its own kind, as the server's hold policy says. */
import { Trans, useTranslation } from 'react-i18next';
import { apiPost } from '../api.js';
import { ActionForm } from '../forms/ActionForm.js';
import { type FormSpec, useFormDraft, withChoices, withoutField } from '../forms/form-schema.js';
import { i18next } from '../i18n/index.js';
import { term } from '../terms.js';
import { useAction } from '../use-action.js';
import { CARD_FORM, type HoldKind, kindLabel, type VisitFormProps } from './visit-actions-shared.js';

export const PLACE_HOLD: FormSpec<'kind' | 'reason' | 'reference', string> = {
  policy: {
    permissions: ['visit.hold.place'],
    stepUp: (kind: string) => i18next.t('visits:hold.stepUpPlace', { kind: term('holdKindShort', kind) }),
  },
  fields: [
    {
      kind: 'select',
      name: 'kind',
      get label() {
        return i18next.t('visits:hold.kind');
      },
      options: [],
    },
    {
      kind: 'text',
      name: 'reason',
      get label() {
        return i18next.t('visits:hold.why');
      },
      get hint() {
        return i18next.t('visits:hold.whyHint');
      },
      get missing() {
        return i18next.t('visits:hold.whyMissing');
      },
      maxLength: 500,
      autoComplete: 'off',
      autoFocus: true,
    },
    {
      kind: 'text',
      name: 'reference',
      get label() {
        return i18next.t('visits:hold.reference');
      },
      get hint() {
        return i18next.t('visits:hold.referenceHint');
      },
      get missing() {
        return i18next.t('visits:hold.referenceMissing');
      },
      maxLength: 100,
      autoComplete: 'off',
    },
  ],
  submit: {
    get label() {
      return i18next.t('visits:hold.place');
    },
    get busyLabel() {
      return i18next.t('visits:hold.placing');
    },
  },
};

export const LIFT_HOLD: FormSpec<'reason', string> = {
  policy: {
    permissions: ['visit.hold.lift'],
    stepUp: (kind: string) => i18next.t('visits:hold.stepUpLift', { kind: term('holdKindShort', kind) }),
  },
  fields: [
    {
      kind: 'text',
      name: 'reason',
      get label() {
        return i18next.t('visits:hold.whyLift');
      },
      get hint() {
        return i18next.t('visits:hold.whyLiftHint');
      },
      get missing() {
        return i18next.t('visits:hold.whyLiftMissing');
      },
      maxLength: 500,
      autoComplete: 'off',
      autoFocus: true,
    },
  ],
  submit: {
    get label() {
      return i18next.t('visits:hold.liftIt');
    },
    get busyLabel() {
      return i18next.t('visits:hold.lifting');
    },
  },
};

export function HoldForm({
  visit,
  visitPath: ref,
  kinds,
  signedOut,
  onDone,
  onCancel,
}: VisitFormProps & { kinds: HoldKind[] }) {
  const { t } = useTranslation('visits');
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
      title={t('hold.placeTitle', { number: visit.containerNumber })}
      intro={t('hold.placeIntro')}
      feedback={feedback}
      busy={busy}
      onCancel={onCancel}
      onSubmit={({ reason, reference }) =>
        void run('submit', PLACE_HOLD.policy.stepUp(kind), async () => {
          await apiPost(`/v1/visits/${ref}/holds`, { kind, reason, reference });
          onDone(t('hold.placed', { hold: kindLabel(kind), number: visit.containerNumber }));
        })
      }
    >
      {kinds.length > 1 ? null : (
        <p>
          <Trans
            t={t}
            i18nKey="hold.kindFixed"
            values={{ hold: kindLabel(kind) }}
            components={{ strong: <strong /> }}
          />
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
  const { t } = useTranslation('visits');
  const draft = useFormDraft({ reason: '' });
  const { run, busy, feedback } = useAction({ signedOut });
  return (
    <ActionForm
      {...CARD_FORM}
      spec={LIFT_HOLD}
      draft={draft}
      title={t('hold.liftTitle', { hold: kindLabel(kind).toLowerCase(), id: holdId })}
      intro={
        kind === 'customs' || kind === 'police'
          ? t('hold.liftIntroOfficer', { number: visit.containerNumber })
          : t('hold.liftIntro', { number: visit.containerNumber })
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
            onRequested(t('hold.needsSecond', { hold: kindLabel(kind).toLowerCase(), id: holdId }));
            return;
          }
          onDone(t('hold.lifted', { hold: kindLabel(kind), id: holdId }));
        })
      }
    />
  );
}
