/** The name the driver gives this phone before its key is made, which his planner sees when confirming it. */
import type { FormEvent } from 'react';
import { Button, Field } from '../components.js';
import type { FormDraft } from '../forms/form-schema.js';

export function SetUpPhoneForm({
  draft,
  busy,
  onSetUp,
}: {
  draft: FormDraft<'label'>;
  busy: boolean;
  onSetUp: (name: string) => void;
}) {
  function submit(event: FormEvent) {
    event.preventDefault();
    const name = draft.values.label.trim();
    if (!name) return draft.setErrors({ label: 'Give this phone a name your planner will recognise.' });
    if (name.length > 60) return draft.setErrors({ label: 'At most 60 characters.' });
    draft.setErrors({});
    onSetUp(name);
  }
  return (
    <form className="stack" onSubmit={submit} noValidate aria-label="Set up this phone">
      <Field
        label="Name of this phone"
        hint="For example “Dirk's Samsung”. Your planner sees it when confirming the phone."
        value={draft.values.label}
        onChange={(event) => draft.set('label', event.target.value)}
        error={draft.errors.label}
        maxLength={60}
        autoComplete="off"
      />
      <div className="button-row">
        <Button type="submit" variant="primary" busy={busy} busyLabel="Setting up…">
          Set up this phone for pickup passes
        </Button>
      </div>
    </form>
  );
}
