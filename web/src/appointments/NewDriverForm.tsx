/**
 * Registering a driver of the planner's haulier: personal data, stored encrypted. It keeps its own markup rather
 * than ActionForm's for its phone input, and for its submit kept in a button row, which stays its own width there.
 */
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Button, Field } from '../components.js';
import type { FormDraft } from '../forms/form-schema.js';

export type NewDriverField = 'name' | 'badge' | 'licence' | 'phone' | 'userId';

export const NO_NEW_DRIVER: Record<NewDriverField, string> = {
  name: '',
  badge: '',
  licence: '',
  phone: '',
  userId: '',
};

export function NewDriverForm({
  draft,
  busy,
  onSubmit,
}: {
  draft: FormDraft<NewDriverField>;
  busy: boolean;
  onSubmit: () => void;
}) {
  const { t } = useTranslation('appointments');
  const { values, set } = draft;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit();
  };
  return (
    <form className="stack new-driver" onSubmit={submit} noValidate aria-labelledby="new-driver-heading">
      <h3 id="new-driver-heading">{t('newDriver.heading')}</h3>
      <p className="muted">{t('newDriver.intro')}</p>
      <div className="form-grid">
        <Field
          label={t('newDriver.name')}
          value={values.name}
          onChange={(event) => set('name', event.target.value)}
          autoComplete="off"
          maxLength={200}
        />
        <Field
          label={t('newDriver.badge')}
          value={values.badge}
          onChange={(event) => set('badge', event.target.value)}
          autoComplete="off"
          maxLength={64}
        />
        <Field
          label={t('newDriver.licence')}
          value={values.licence}
          onChange={(event) => set('licence', event.target.value)}
          autoComplete="off"
          maxLength={64}
        />
        <Field
          label={t('newDriver.phone')}
          type="tel"
          value={values.phone}
          onChange={(event) => set('phone', event.target.value)}
          autoComplete="off"
          maxLength={32}
        />
        <Field
          label={t('newDriver.account')}
          hint={t('newDriver.accountHint')}
          value={values.userId}
          onChange={(event) => set('userId', event.target.value)}
          autoComplete="off"
          spellCheck={false}
          maxLength={100}
        />
      </div>
      <div className="button-row">
        <Button type="submit" variant="primary" busy={busy} busyLabel={t('newDriver.registering')}>
          {t('newDriver.register')}
        </Button>
      </div>
    </form>
  );
}
