import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatNumber } from '../clock.js';
import { Button, Loading, Notice, PageHeading } from '../components.js';
import { holds, useSession } from '../session.js';
import { StackPanel } from '../yard/StackPanel.js';
import { SurveyCard } from '../yard/SurveyCard.js';
import { useYardMap } from '../yard/use-yard-map.js';
import { useYardView } from '../yard/use-yard-view.js';
import { YardLegend } from '../yard/YardLegend.js';
import { YardToolbar } from '../yard/YardToolbar.js';
import {
  type BoxState,
  boxesOfStack,
  countByState,
  findContainer,
  geometryOf,
  type Selection,
  STATE_ORDER,
  STATES,
} from '../yard/yard-model.js';

/**
 * The yard map of one terminal, drawn on a canvas: every stack in the state of its most urgent box. The map comes
 * first (issue 14): one row of search and zoom above it, the selected stack and the legend beside it, the counts
 * below it.
 */
export function YardPage({ terminal }: { terminal: string }) {
  const { t } = useTranslation('yard');
  const { map, error, load } = useYardMap(terminal);
  const { state } = useSession();
  // Terminal staff who may survey the yard upload a survey below the map (issue 15); its alerts show on the map.
  const maySurvey = state.status === 'signed-in' && holds(state.session, 'yard.survey');
  const [show, setShow] = useState<Record<BoxState, boolean>>({
    in_yard: true,
    released: true,
    held: true,
    frozen: true,
    alert: true,
  });
  const [selected, setSelected] = useState<Selection>();
  const [query, setQuery] = useState('');
  const [search, setSearch] = useState<{ message: string; failed: boolean }>();
  const blocks = useMemo(() => (map ? geometryOf(map, show) : []), [map, show]);
  const { canvasRef, zoom, centreOn, handlers } = useYardView({ map, blocks, selected, select: setSelected });
  const stack = useMemo(() => (map && selected ? boxesOfStack(map, selected) : []), [map, selected]);
  const counts = useMemo(() => countByState(map), [map]);

  const find = () => {
    if (!map) return;
    const { found, message } = findContainer(map, query);
    // A failed search leaves nothing selected: the stack beside the map is never one the search did not find.
    setSelected(found);
    if (found) centreOn(found);
    setSearch({ message, failed: !found });
  };

  return (
    <div className="page">
      <PageHeading title={t('page.title', { terminal })} />
      {error ? (
        <Notice tone="error" title={t('page.failed')}>
          <p>{error}</p>
          <Button onClick={() => void load()}>{t('page.tryAgain')}</Button>
        </Notice>
      ) : null}
      {!map && !error ? <Loading label={t('page.loading')} /> : null}
      {map ? (
        <>
          <YardToolbar
            query={query}
            onQueryChange={setQuery}
            onSearch={find}
            searchFailed={search?.failed ?? false}
            zoom={zoom}
          />
          <p
            id="yard-search-message"
            role="status"
            className={search?.failed ? 'yard-search-message yard-search-failed' : 'yard-search-message'}
          >
            {search?.message ?? ''}
          </p>
          <div className="yard-layout">
            <canvas
              ref={canvasRef}
              className="yard-canvas"
              tabIndex={0}
              role="img"
              aria-label={t('page.canvas', { terminal: map.terminal })}
              {...handlers}
            />
            <div className="yard-side">
              <StackPanel map={map} selected={selected} stack={stack} />
              <YardLegend show={show} onShowChange={setShow} />
            </div>
          </div>
          <p className="lead yard-summary" role="status">
            {t('page.summary', {
              count: map.boxes.count,
              formatted: formatNumber(map.boxes.count),
              blocks: map.blocks.length,
              states: STATE_ORDER.map((state) =>
                t('page.stateCount', { count: counts[state], state: STATES[state].label.toLowerCase() }),
              ).join(', '),
            })}
          </p>
        </>
      ) : null}
      {maySurvey ? <SurveyCard terminal={terminal} onRecorded={() => void load()} /> : null}
    </div>
  );
}
