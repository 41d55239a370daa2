/** The panel open below the alerts for one alert: assign or resolve it, freeze its box or ask to unfreeze it. */
import { useTranslation } from 'react-i18next';
import { ActionForm } from '../forms/ActionForm.js';
import { alertRuleName } from '../terms.js';
import { FreezeForm } from '../visits/VisitFreeze.js';
import { AssignForm } from './AssignForm.js';
import { RESOLVE_ALERT } from './alert-forms.js';
import type { AlertActions, AlertPanelState } from './use-alert-actions.js';

/** Both forms sit alone in a card that their heading names. */
const PANEL_FORM = {
  headingLevel: 2,
  headingId: 'alert-panel-heading',
  named: 'by-section',
  className: 'stack',
} as const;

export function AlertPanel({
  panel: { kind, alert },
  actions,
  signedOut,
  reload,
}: {
  panel: AlertPanelState;
  actions: AlertActions;
  signedOut: () => void;
  reload: () => Promise<void>;
}) {
  const { t } = useTranslation('alerts');
  if (kind === 'freeze' || kind === 'unfreeze')
    return (
      <section className="card">
        <FreezeForm
          mode={kind}
          visitRef={alert.subject.id}
          label={t('panel.boxOf', { id: alert.alertId })}
          {...(kind === 'freeze' ? { alertId: alert.alertId } : {})}
          signedOut={signedOut}
          onCancel={actions.close}
          onDone={(message) => {
            actions.close();
            actions.setDone(message);
            void reload();
          }}
        />
      </section>
    );
  const about = t('panel.about', { id: alert.alertId, rule: alertRuleName(alert.rule).toLowerCase() });
  const busy = actions.busyKey !== undefined;
  return (
    <section className="card" aria-labelledby={PANEL_FORM.headingId}>
      {kind === 'assign' ? (
        <AssignForm
          alert={alert}
          title={t('panel.assignTitle', { about })}
          headingId={PANEL_FORM.headingId}
          actions={actions}
        />
      ) : (
        <ActionForm
          {...PANEL_FORM}
          spec={RESOLVE_ALERT}
          draft={actions.resolveDraft}
          title={t('panel.resolveTitle', { about })}
          busy={busy}
          onSubmit={({ note }) => actions.resolve(alert, note)}
          onCancel={actions.close}
        />
      )}
    </section>
  );
}
