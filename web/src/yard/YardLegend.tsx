/**
 * Beside the yard map: which states to show, each with its swatch (the legend's key), and what the states and the
 * labels mean, folded away or open as the planner last left it (kept in this browser's localStorage).
 */
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../components.js';
import { Swatch } from './YardStates.js';
import { type BoxState, STATE_ORDER, STATES } from './yard-model.js';

const LEGEND_OPEN_KEY = 'portledger.yard.legendOpen';

/** Whether the legend was left open: open unless folded before (storage may be off, e.g. in private windows). */
function legendWasOpen(): boolean {
  try {
    return window.localStorage.getItem(LEGEND_OPEN_KEY) !== 'false';
  } catch {
    return true;
  }
}

function rememberLegendOpen(open: boolean): void {
  try {
    window.localStorage.setItem(LEGEND_OPEN_KEY, String(open));
  } catch {
    // Not remembered: the legend opens as it does by default next time.
  }
}

export function YardLegend({
  show,
  onShowChange,
}: {
  show: Record<BoxState, boolean>;
  onShowChange: (show: Record<BoxState, boolean>) => void;
}) {
  const { t } = useTranslation('yard');
  const [open, setOpen] = useState(legendWasOpen);
  const explanationId = useId();
  return (
    <section className="card yard-legend-card" aria-label={t('legend.label')}>
      <fieldset className="yard-filters">
        <legend>{t('toolbar.show')}</legend>
        {STATE_ORDER.map((state) => (
          <label key={state}>
            <input
              type="checkbox"
              checked={show[state]}
              onChange={(event) => onShowChange({ ...show, [state]: event.target.checked })}
            />{' '}
            <Swatch state={state} /> {STATES[state].label}
          </label>
        ))}
      </fieldset>
      <Button
        aria-expanded={open}
        aria-controls={explanationId}
        onClick={() => {
          setOpen(!open);
          rememberLegendOpen(!open);
        }}
      >
        {open ? t('legend.hide') : t('legend.show')}
      </Button>
      <ul id={explanationId} className="yard-legend" hidden={!open}>
        {STATE_ORDER.map((state) => (
          <li key={state}>
            <strong>{STATES[state].label}</strong>: {STATES[state].legend}.
          </li>
        ))}
        <li>{t('legend.order')}</li>
        <li>{t('legend.labels')}</li>
      </ul>
    </section>
  );
}
