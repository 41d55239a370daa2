/**
 * Freezing a box and asking to unfreeze it (issue 5), shared by the alerts and container pages. A freeze takes
 * effect at once on one person's word; an unfreeze is a two-person request that needs a passkey step-up to ask.
 */
import { useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { apiPost, type Session } from '../api.js';
import { yourTime } from '../clock.js';
import { Button, Notice } from '../components.js';
import { ActionForm } from '../forms/ActionForm.js';
import { allows, type FormSpec, useFormDraft } from '../forms/form-schema.js';
import { i18next } from '../i18n/index.js';
import { useAction } from '../use-action.js';

const sentence = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** A freeze in force, as the visit and alert answers carry it. */
export interface Freeze {
  reason: string;
  by: string;
  at: string;
  alertId?: string | null;
}

type FreezeMode = 'freeze' | 'unfreeze';

/** What the box is called (its container number, or the visit reference) names the step-up. */
export const FREEZE_FORMS: Record<FreezeMode, FormSpec<'reason', string>> = {
  freeze: {
    policy: {
      permissions: ['visit.freeze'],
      stepUp: (box) => i18next.t('visits:freeze.stepUpFreeze', { box }),
    },
    fields: [
      {
        kind: 'text',
        name: 'reason',
        get label() {
          return i18next.t('visits:freeze.why');
        },
        get hint() {
          return i18next.t('visits:freeze.whyHint');
        },
        get missing() {
          return i18next.t('visits:freeze.whyMissing');
        },
        maxLength: 500,
        autoComplete: 'off',
        required: true,
        autoFocus: true,
      },
    ],
    submit: {
      get label() {
        return i18next.t('visits:freeze.freezeIt');
      },
      get busyLabel() {
        return i18next.t('visits:freeze.freezing');
      },
    },
  },
  unfreeze: {
    policy: {
      permissions: ['visit.unfreeze.request'],
      stepUp: (box) => i18next.t('visits:freeze.stepUpUnfreeze', { box }),
    },
    fields: [
      {
        kind: 'text',
        name: 'reason',
        get label() {
          return i18next.t('visits:freeze.whyLeave');
        },
        get hint() {
          return i18next.t('visits:freeze.whyHint');
        },
        get missing() {
          return i18next.t('visits:freeze.whyLeaveMissing');
        },
        maxLength: 500,
        autoComplete: 'off',
        required: true,
        autoFocus: true,
      },
    ],
    submit: {
      get label() {
        return i18next.t('visits:freeze.requestUnfreeze');
      },
      get busyLabel() {
        return i18next.t('visits:freeze.requesting');
      },
    },
  },
};

/** "Frozen by … because …", for a box whose freeze the caller may see. */
export function FrozenNotice({ frozen }: { frozen: Freeze }) {
  const { t } = useTranslation('visits');
  return (
    <Notice tone="warning" title={t('freeze.noticeTitle')}>
      <p data-testid="frozen-notice">
        <span aria-hidden="true">❄ </span>
        <Trans
          t={t}
          i18nKey={frozen.alertId ? 'freeze.noticeAlert' : 'freeze.notice'}
          values={{ by: frozen.by, reason: frozen.reason, when: yourTime(frozen.at), alert: frozen.alertId }}
          components={{ strong: <strong /> }}
          // The reason is a person's words: escaped before the tags are read, so it stays text whatever it holds.
          tOptions={{ interpolation: { escapeValue: true } }}
          shouldUnescape
        />
      </p>
    </Notice>
  );
}

/** The form that freezes a box, or asks for it to be unfrozen; `onDone` gets the sentence to show. */
export function FreezeForm({
  mode,
  visitRef,
  label,
  alertId,
  onDone,
  onCancel,
  signedOut,
}: {
  mode: FreezeMode;
  visitRef: string;
  /** What people call the box (its container number, or the visit reference). */
  label: string;
  alertId?: string;
  onDone: (message: string) => void;
  onCancel: () => void;
  signedOut: () => void;
}) {
  const { t } = useTranslation('visits');
  const draft = useFormDraft({ reason: '' });
  const { run, busy, feedback } = useAction({ signedOut });
  const ref = encodeURIComponent(visitRef);
  const spec = FREEZE_FORMS[mode];

  // Only the unfreeze request can meet a step-up: a freeze takes effect on one person's word.
  const submit = (reason: string) =>
    mode === 'freeze'
      ? run(
          mode,
          spec.policy.stepUp(label),
          () => apiPost(`/v1/visits/${ref}/freeze`, { reason, ...(alertId ? { alertId } : {}) }),
          { after: () => onDone(t('freeze.frozen', { box: sentence(label) })) },
        )
      : run(
          mode,
          spec.policy.stepUp(label),
          () => apiPost(`/v1/visits/${ref}/unfreeze-requests`, { reason }),
          {
            after: () => onDone(t('freeze.unfreezeRequested', { box: label })),
          },
        );

  return (
    <ActionForm
      spec={spec}
      draft={draft}
      title={
        mode === 'freeze'
          ? t('freeze.titleFreeze', { box: label })
          : t('freeze.titleUnfreeze', { box: label })
      }
      headingLevel={2}
      named="by-title"
      className="stack"
      intro={mode === 'freeze' ? t('freeze.introFreeze') : t('freeze.introUnfreeze')}
      feedback={feedback}
      busy={busy}
      onCancel={onCancel}
      onSubmit={({ reason }) => void submit(reason)}
    />
  );
}

/**
 * The freeze controls of the container page. Their state lives with the page, not the card: the page reloads
 * from scratch once a freeze is done, and the confirmation must outlive that.
 */
export function useFreezeControls() {
  const [mode, setMode] = useState<FreezeMode>();
  const [done, setDone] = useState<string>();
  // Asked once on this page: the request waits in the Approvals inbox; asking again adds nothing.
  const [unfreezeAsked, setUnfreezeAsked] = useState(false);
  return { mode, setMode, done, setDone, unfreezeAsked, setUnfreezeAsked };
}

export type FreezeControlsState = ReturnType<typeof useFreezeControls>;

/** The open freeze form, or the buttons that open it. */
export function FreezeControls({
  session,
  visit,
  controls,
  signedOut,
  onChanged,
}: {
  session: Session;
  visit: {
    visitRef: string;
    containerNumber: string;
    active: boolean;
    seesFreezes: boolean;
    frozen: boolean;
  };
  controls: FreezeControlsState;
  signedOut: () => void;
  onChanged: () => void;
}) {
  const { t } = useTranslation('visits');
  const { mode, setMode, done, setDone, unfreezeAsked, setUnfreezeAsked } = controls;
  const mayFreeze =
    visit.active && visit.seesFreezes && !visit.frozen && allows(session, FREEZE_FORMS.freeze.policy);
  const mayAskUnfreeze = visit.frozen && !unfreezeAsked && allows(session, FREEZE_FORMS.unfreeze.policy);
  const open = (next: FreezeMode) => {
    setDone(undefined);
    setMode(next);
  };
  return (
    <>
      {done ? <Notice tone="success">{done}</Notice> : null}
      {mode ? (
        <FreezeForm
          mode={mode}
          visitRef={visit.visitRef}
          label={visit.containerNumber}
          signedOut={signedOut}
          onCancel={() => setMode(undefined)}
          onDone={(message) => {
            if (mode === 'unfreeze') setUnfreezeAsked(true);
            setMode(undefined);
            setDone(message);
            onChanged();
          }}
        />
      ) : mayFreeze || mayAskUnfreeze ? (
        <div className="button-row">
          {mayFreeze ? (
            <Button variant="primary" onClick={() => open('freeze')}>
              {t('freeze.freezeThis')}
            </Button>
          ) : null}
          {mayAskUnfreeze ? (
            <Button onClick={() => open('unfreeze')}>{t('freeze.requestUnfreeze')}</Button>
          ) : null}
        </div>
      ) : null}
    </>
  );
}
