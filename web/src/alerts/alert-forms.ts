/** The forms that assign or resolve an alert, offered to whoever manages alerts (a terminal supervisor). */
import type { Session } from '../api.js';
import { allows, type FormSpec } from '../forms/form-schema.js';
import { FREEZE_FORMS } from '../visits/VisitFreeze.js';

const ALERT_POLICY = ['alert.manage'];

export const ASSIGN_ALERT: FormSpec<'userId'> = {
  policy: { permissions: ALERT_POLICY, stepUp: () => 'assign the alert' },
  fields: [
    {
      kind: 'text',
      name: 'userId',
      label: 'Colleague (user id)',
      hint: 'Someone of your organisation.',
      missing: 'Enter the user id of a colleague.',
      maxLength: 100,
      autoComplete: 'off',
      required: true,
      autoFocus: true,
    },
  ],
  submit: { label: 'Assign alert', busyLabel: 'Assigning…' },
};

export const RESOLVE_ALERT: FormSpec<'note'> = {
  policy: { permissions: ALERT_POLICY, stepUp: () => 'resolve the alert' },
  fields: [
    {
      kind: 'text',
      name: 'note',
      label: 'Resolution note',
      hint: 'What you found and did. It is recorded in the audit log.',
      missing: 'Say what you found and did.',
      maxLength: 1000,
      autoComplete: 'off',
      required: true,
      autoFocus: true,
    },
  ],
  submit: { label: 'Resolve alert', busyLabel: 'Resolving…' },
};

/** What the person may do to alerts, by the policies of the forms they would open; the server checks again. */
export interface AlertPowers {
  manage: boolean;
  freeze: boolean;
  askUnfreeze: boolean;
}

export const hasAlertActions = (powers: AlertPowers) => powers.manage || powers.freeze || powers.askUnfreeze;

export function alertPowers(session: Session): AlertPowers {
  return {
    manage: allows(session, RESOLVE_ALERT.policy),
    freeze: allows(session, FREEZE_FORMS.freeze.policy),
    askUnfreeze: allows(session, FREEZE_FORMS.unfreeze.policy),
  };
}
