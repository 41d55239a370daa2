/**
 * Freezing a box and asking to unfreeze it (issue 5), shared by the alerts and container pages. A freeze takes
 * effect at once on one person's word; an unfreeze is a two-person request that needs a passkey step-up to ask.
 */
import { useState } from 'react';
import { apiPost, type Session } from '../api.js';
import { localDateTime } from '../clock.js';
import { Button, Notice } from '../components.js';
import { ActionForm } from '../forms/ActionForm.js';
import { allows, type FormSpec, useFormDraft } from '../forms/form-schema.js';
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
    policy: { permissions: ['visit.freeze'], stepUp: (box) => `freeze ${box}` },
    fields: [
      {
        kind: 'text',
        name: 'reason',
        label: 'Why freeze it',
        hint: 'Recorded in the audit log.',
        missing: 'Say why the box must stop.',
        maxLength: 500,
        autoComplete: 'off',
        required: true,
        autoFocus: true,
      },
    ],
    submit: { label: 'Freeze the box', busyLabel: 'Freezing…' },
  },
  unfreeze: {
    policy: { permissions: ['visit.unfreeze.request'], stepUp: (box) => `ask for ${box} to be unfrozen` },
    fields: [
      {
        kind: 'text',
        name: 'reason',
        label: 'Why it may leave again',
        hint: 'Recorded in the audit log.',
        missing: 'Say why the box may leave again.',
        maxLength: 500,
        autoComplete: 'off',
        required: true,
        autoFocus: true,
      },
    ],
    submit: { label: 'Request unfreeze', busyLabel: 'Requesting…' },
  },
};

/** "Frozen by … because …", for a box whose freeze the caller may see. */
export function FrozenNotice({ frozen }: { frozen: Freeze }) {
  return (
    <Notice tone="warning" title="Frozen: this box cannot leave">
      <p data-testid="frozen-notice">
        <span aria-hidden="true">❄ </span>Frozen by <strong>{frozen.by}</strong> because “{frozen.reason}”,{' '}
        {localDateTime(frozen.at)}
        {frozen.alertId ? ` (from alert ${frozen.alertId})` : ''}. Only two people can unfreeze it.
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
          { after: () => onDone(`${sentence(label)} is frozen: it cannot gate out or be loaded.`) },
        )
      : run(
          mode,
          spec.policy.stepUp(label),
          () => apiPost(`/v1/visits/${ref}/unfreeze-requests`, { reason }),
          {
            after: () =>
              onDone(
                `Unfreeze of ${label} requested. Another supervisor of the terminal approves it in the Approvals inbox.`,
              ),
          },
        );

  return (
    <ActionForm
      spec={spec}
      draft={draft}
      title={mode === 'freeze' ? `Freeze ${label}` : `Request unfreeze of ${label}`}
      headingLevel={2}
      named="by-title"
      className="stack"
      intro={
        mode === 'freeze'
          ? 'The box stops at once: the gate refuses it and it cannot be loaded until two people unfreeze it.'
          : 'Nothing changes until another terminal supervisor approves with their passkey.'
      }
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
              Freeze this box
            </Button>
          ) : null}
          {mayAskUnfreeze ? <Button onClick={() => open('unfreeze')}>Request unfreeze</Button> : null}
        </div>
      ) : null}
    </>
  );
}
