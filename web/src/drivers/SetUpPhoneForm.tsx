/** The name the driver gives this phone before its key is made, which his planner sees when confirming it. */
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
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
  const { t } = useTranslation('drivers');
  function submit(event: FormEvent) {
    event.preventDefault();
    const name = draft.values.label.trim();
    if (!name) return draft.setErrors({ label: t('setUp.nameMissing') });
    if (name.length > 60) return draft.setErrors({ label: t('setUp.tooLong') });
    draft.setErrors({});
    onSetUp(name);
  }
  return (
    <form className="stack" onSubmit={submit} noValidate aria-label={t('setUp.label')}>
      <Field
        label={t('setUp.name')}
        hint={t('setUp.nameHint')}
        value={draft.values.label}
        onChange={(event) => draft.set('label', event.target.value)}
        error={draft.errors.label}
        maxLength={60}
        autoComplete="off"
      />
      <div className="button-row">
        <Button type="submit" variant="primary" busy={busy} busyLabel={t('setUp.settingUp')}>
          {t('setUp.submit')}
        </Button>
      </div>
    </form>
  );
}
