/** The forms that assign or resolve an alert, offered to whoever manages alerts (a terminal supervisor). */
import type { Session } from '../api.js';
import { allows, type FormSpec } from '../forms/form-schema.js';
import { i18next } from '../i18n/index.js';
import { FREEZE_FORMS } from '../visits/VisitFreeze.js';

const ALERT_POLICY = ['alert.manage'];

export const ASSIGN_ALERT: FormSpec<'userId'> = {
  policy: { permissions: ALERT_POLICY, stepUp: () => i18next.t('alerts:forms.stepUpAssign') },
  fields: [
    {
      kind: 'text',
      name: 'userId',
      get label() {
        return i18next.t('alerts:forms.colleague');
      },
      get hint() {
        return i18next.t('alerts:forms.colleagueHint');
      },
      get missing() {
        return i18next.t('alerts:forms.colleagueMissing');
      },
      maxLength: 100,
      autoComplete: 'off',
      required: true,
      autoFocus: true,
    },
  ],
  submit: {
    get label() {
      return i18next.t('alerts:forms.assign');
    },
    get busyLabel() {
      return i18next.t('alerts:forms.assigning');
    },
  },
};

export const RESOLVE_ALERT: FormSpec<'note'> = {
  policy: { permissions: ALERT_POLICY, stepUp: () => i18next.t('alerts:forms.stepUpResolve') },
  fields: [
    {
      kind: 'text',
      name: 'note',
      get label() {
        return i18next.t('alerts:forms.note');
      },
      get hint() {
        return i18next.t('alerts:forms.noteHint');
      },
      get missing() {
        return i18next.t('alerts:forms.noteMissing');
      },
      maxLength: 1000,
      autoComplete: 'off',
      required: true,
      autoFocus: true,
    },
  ],
  submit: {
    get label() {
      return i18next.t('alerts:forms.resolve');
    },
    get busyLabel() {
      return i18next.t('alerts:forms.resolving');
    },
  },
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
