/**
 * Freezing a box and asking to unfreeze it (issue 5), shared by the alerts and container pages. A freeze takes
 * effect at once on one person's word; an unfreeze is a two-person request that needs a passkey step-up to ask.
 */
import { type FormEvent, useState } from 'react';
import { apiPost } from './api.js';
import { Button, Field, Notice } from './components.js';
import { formatDateTime } from './labels.js';
import { useAction } from './use-action.js';

const sentence = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** A freeze in force, as the visit and alert answers carry it. */
export interface Freeze {
  reason: string;
  by: string;
  at: string;
  alertId?: string | null;
}

/** "Frozen by … because …", for a box whose freeze the caller may see. */
export function FrozenNotice({ frozen }: { frozen: Freeze }) {
  return (
    <Notice tone="warning" title="Frozen: this box cannot leave">
      <p data-testid="frozen-notice">
        <span aria-hidden="true">❄ </span>Frozen by <strong>{frozen.by}</strong> because “{frozen.reason}”,{' '}
        {formatDateTime(frozen.at)}
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
  mode: 'freeze' | 'unfreeze';
  visitRef: string;
  /** What people call the box (its container number, or the visit reference). */
  label: string;
  alertId?: string;
  onDone: (message: string) => void;
  onCancel: () => void;
  signedOut: () => void;
}) {
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string>();
  const { run, busy, feedback } = useAction({ signedOut });
  const ref = encodeURIComponent(visitRef);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const value = reason.trim();
    if (!value) {
      setReasonError(mode === 'freeze' ? 'Say why the box must stop.' : 'Say why the box may leave again.');
      return;
    }
    setReasonError(undefined);
    // Only the unfreeze request can meet a step-up: a freeze takes effect on one person's word.
    if (mode === 'freeze')
      await run(
        mode,
        `freeze ${label}`,
        () => apiPost(`/v1/visits/${ref}/freeze`, { reason: value, ...(alertId ? { alertId } : {}) }),
        { after: () => onDone(`${sentence(label)} is frozen: it cannot gate out or be loaded.`) },
      );
    else
      await run(
        mode,
        `ask for ${label} to be unfrozen`,
        () => apiPost(`/v1/visits/${ref}/unfreeze-requests`, { reason: value }),
        {
          after: () =>
            onDone(
              `Unfreeze of ${label} requested. Another supervisor of the terminal approves it in the Approvals inbox.`,
            ),
        },
      );
  }

  const title = mode === 'freeze' ? `Freeze ${label}` : `Request unfreeze of ${label}`;
  return (
    <form className="stack" onSubmit={(event) => void submit(event)} noValidate aria-label={title}>
      <h2>{title}</h2>
      <p className="muted">
        {mode === 'freeze'
          ? 'The box stops at once: the gate refuses it and it cannot be loaded until two people unfreeze it.'
          : 'Nothing changes until another terminal supervisor approves with their passkey.'}
      </p>
      <Field
        label={mode === 'freeze' ? 'Why freeze it' : 'Why it may leave again'}
        hint="Recorded in the audit log."
        value={reason}
        onChange={(event) => setReason(event.target.value)}
        error={reasonError}
        maxLength={500}
        autoComplete="off"
        required
        autoFocus
      />
      {feedback}
      <div className="button-row">
        <Button
          type="submit"
          variant="primary"
          busy={busy}
          busyLabel={mode === 'freeze' ? 'Freezing…' : 'Requesting…'}
        >
          {mode === 'freeze' ? 'Freeze the box' : 'Request unfreeze'}
        </Button>
        <Button variant="quiet" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
