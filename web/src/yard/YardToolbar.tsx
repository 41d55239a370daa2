/** Above the yard map: find a container, choose which states to show (with the legend), and zoom. */
import { useTranslation } from 'react-i18next';
import { Button, Field } from '../components.js';
import { Swatch } from './YardStates.js';
import { type BoxState, STATE_ORDER, STATES } from './yard-model.js';

export function YardToolbar({
  query,
  onQueryChange,
  onSearch,
  show,
  onShowChange,
  zoom,
}: {
  query: string;
  onQueryChange: (query: string) => void;
  onSearch: () => void;
  show: Record<BoxState, boolean>;
  onShowChange: (show: Record<BoxState, boolean>) => void;
  zoom: (factor: number) => void;
}) {
  const { t } = useTranslation('yard');
  return (
    <div className="yard-toolbar">
      <form
        className="yard-search"
        onSubmit={(event) => {
          event.preventDefault();
          onSearch();
        }}
      >
        <Field
          label={t('toolbar.find')}
          name="yard-container"
          value={query}
          autoComplete="off"
          spellCheck={false}
          onChange={(event) => onQueryChange(event.target.value)}
        />
        <Button type="submit">{t('toolbar.findButton')}</Button>
      </form>
      <fieldset className="yard-filters">
        <legend>{t('toolbar.show')}</legend>
        {STATE_ORDER.map((state) => (
          <label key={state} title={STATES[state].legend}>
            <input
              type="checkbox"
              checked={show[state]}
              onChange={(event) => onShowChange({ ...show, [state]: event.target.checked })}
            />{' '}
            <Swatch state={state} /> {STATES[state].label}
          </label>
        ))}
        <ul className="muted yard-legend" aria-label={t('legend.label')}>
          {STATE_ORDER.map((state) => (
            <li key={state}>
              <strong>{STATES[state].label}</strong>: {STATES[state].legend}.
            </li>
          ))}
          <li>{t('legend.order')}</li>
        </ul>
      </fieldset>
      <div className="button-row">
        <Button aria-label={t('toolbar.zoomIn')} onClick={() => zoom(1.25)}>
          +
        </Button>
        <Button aria-label={t('toolbar.zoomOut')} onClick={() => zoom(0.8)}>
          −
        </Button>
      </div>
    </div>
  );
}
