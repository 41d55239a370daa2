/**
 * Assigns an alert to a colleague picked by name (issue 14): an alert was assigned by typing a user id, and a wrong
 * id failed with no message. The picker offers only the colleagues the server says may read alerts.
 */
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ComboBox } from '../combo-box.js';
import { Button, Loading, Notice } from '../components.js';
import { messageOf } from '../errors.js';
import { type Alert, type Assignee, alertsApi } from './alert-api.js';
import type { AlertActions } from './use-alert-actions.js';

export function AssignForm({
  alert,
  title,
  headingId,
  actions,
}: {
  alert: Alert;
  title: string;
  headingId: string;
  actions: AlertActions;
}) {
  const { t } = useTranslation('alerts');
  const [people, setPeople] = useState<Assignee[] | { error: string } | undefined>();
  const [userId, setUserId] = useState('');
  const [missing, setMissing] = useState<string>();

  useEffect(() => {
    let current = true;
    alertsApi
      .assignees()
      .then((found) => current && setPeople(found))
      .catch((error: unknown) => current && setPeople({ error: messageOf(error) }));
    return () => {
      current = false;
    };
  }, []);

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!userId) {
      setMissing(t('assign.choose'));
      return;
    }
    setMissing(undefined);
    const person = Array.isArray(people) ? people.find((p) => p.userId === userId) : undefined;
    actions.assign(alert, userId, person?.displayName);
  }

  return (
    <form className="stack" aria-labelledby={headingId} onSubmit={submit} noValidate>
      <h2 id={headingId}>{title}</h2>
      {people === undefined ? <Loading label={t('assign.loading')} /> : null}
      {people !== undefined && 'error' in people ? (
        <Notice tone="error" title={t('assign.failed')}>
          <p>{people.error}</p>
        </Notice>
      ) : null}
      {Array.isArray(people) ? (
        <ComboBox
          label={t('assign.person')}
          hint={t('assign.personHint')}
          error={missing}
          value={userId}
          onChange={setUserId}
          autoFocus
          options={people.map((person) => ({
            value: person.userId,
            label: person.displayName,
            keywords: person.username,
          }))}
        />
      ) : null}
      <div className="button-row">
        <Button type="submit" variant="primary" busy={actions.busyKey === `assign:${alert.alertId}`}>
          {t('assign.submit')}
        </Button>
        <Button onClick={actions.close}>{t('assign.cancel')}</Button>
      </div>
    </form>
  );
}
