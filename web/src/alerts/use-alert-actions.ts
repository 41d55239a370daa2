/**
 * What can be done to an alert from the list: acknowledge it at once, or open the panel below the list that
 * assigns, resolves, freezes its box or asks to unfreeze it. Only one panel is open; any action that worked closes
 * it and loads the alerts again.
 */
import { useState } from 'react';
import { useFormDraft } from '../forms/form-schema.js';
import { i18next } from '../i18n/index.js';
import { useAction } from '../use-action.js';
import { type Alert, alertsApi } from './alert-api.js';
import { ASSIGN_ALERT, RESOLVE_ALERT } from './alert-forms.js';

export type AlertPanelKind = 'assign' | 'resolve' | 'freeze' | 'unfreeze';

export interface AlertPanelState {
  kind: AlertPanelKind;
  alert: Alert;
}

export function useAlertActions(reload: () => Promise<void>) {
  const [panel, setPanel] = useState<AlertPanelState>();
  const assignDraft = useFormDraft({ userId: '' });
  const resolveDraft = useFormDraft({ note: '' });
  const { run, busyKey, done, setDone, clear, feedback } = useAction({ reload });
  const act = (key: string, label: string, call: () => Promise<unknown>, success: string) =>
    run(key, label, call, {
      done: success,
      after: () => {
        setPanel(undefined);
        assignDraft.reset();
        resolveDraft.reset();
      },
    });

  return {
    panel,
    busyKey,
    done,
    setDone,
    feedback,
    assignDraft,
    resolveDraft,
    open(kind: AlertPanelKind, alert: Alert) {
      clear();
      for (const draft of [assignDraft, resolveDraft]) {
        draft.reset();
        draft.setErrors({});
      }
      setPanel({ kind, alert });
    },
    close: () => setPanel(undefined),
    acknowledge: (alert: Alert) =>
      void act(
        `ack:${alert.alertId}`,
        i18next.t('alerts:actions.stepUpAck'),
        () => alertsApi.acknowledge(alert),
        i18next.t('alerts:actions.acked'),
      ),
    /** Acknowledges every alert chosen in the list (issue 14); says how many were, and how many could not be. */
    acknowledgeMany: (alerts: readonly Alert[], after: () => void) =>
      void run(
        'ack:many',
        i18next.t('alerts:actions.stepUpAck'),
        () => alertsApi.acknowledgeMany(alerts.map((alert) => alert.alertId)),
        {
          done: ({ results }) => {
            const acked = results.filter((result) => result.outcome === 'acknowledged').length;
            const refused = results.length - acked;
            return refused === 0
              ? i18next.t('alerts:actions.ackedMany', { count: acked })
              : i18next.t('alerts:actions.ackedSome', { count: acked, refused });
          },
          after,
        },
      ),
    assign: (alert: Alert, userId: string, name?: string) =>
      void act(
        `assign:${alert.alertId}`,
        ASSIGN_ALERT.policy.stepUp(),
        () => alertsApi.assign(alert, userId),
        i18next.t('alerts:actions.assigned', { who: name ?? userId }),
      ),
    resolve: (alert: Alert, note: string) =>
      void act(
        `resolve:${alert.alertId}`,
        RESOLVE_ALERT.policy.stepUp(),
        () => alertsApi.resolve(alert, note),
        i18next.t('alerts:actions.resolved'),
      ),
  };
}

export type AlertActions = ReturnType<typeof useAlertActions>;
