import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatNumber } from '../clock.js';
import { Button, Loading, Notice, PageHeading } from '../components.js';
import { StackPanel } from '../yard/StackPanel.js';
import { useYardMap } from '../yard/use-yard-map.js';
import { useYardView } from '../yard/use-yard-view.js';
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

/** The yard map of one terminal, drawn on a canvas: every stack in the state of its most urgent box. */
export function YardPage({ terminal }: { terminal: string }) {
  const { t } = useTranslation('yard');
  const { map, error, load } = useYardMap(terminal);
  const [show, setShow] = useState<Record<BoxState, boolean>>({
    in_yard: true,
    released: true,
    held: true,
    frozen: true,
    alert: true,
  });
  const [selected, setSelected] = useState<Selection>();
  const [query, setQuery] = useState('');
  const [searchMessage, setSearchMessage] = useState<string>();
  const blocks = useMemo(() => (map ? geometryOf(map, show) : []), [map, show]);
  const { canvasRef, zoom, centreOn, handlers } = useYardView({ map, blocks, selected, select: setSelected });
  const stack = useMemo(() => (map && selected ? boxesOfStack(map, selected) : []), [map, selected]);
  const counts = useMemo(() => countByState(map), [map]);

  const search = () => {
    if (!map) return;
    const { found, message } = findContainer(map, query);
    if (found) {
      setSelected(found);
      centreOn(found);
    }
    setSearchMessage(message);
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
          <p className="lead" role="status">
            {t('page.summary', {
              count: map.boxes.count,
              formatted: formatNumber(map.boxes.count),
              blocks: map.blocks.length,
              states: STATE_ORDER.map((state) =>
                t('page.stateCount', { count: counts[state], state: STATES[state].label.toLowerCase() }),
              ).join(', '),
            })}
          </p>
          <YardToolbar
            query={query}
            onQueryChange={setQuery}
            onSearch={search}
            show={show}
            onShowChange={setShow}
            zoom={zoom}
          />
          {searchMessage ? <p role="status">{searchMessage}</p> : null}
          <div className="yard-layout">
            <canvas
              ref={canvasRef}
              className="yard-canvas"
              tabIndex={0}
              role="img"
              aria-label={t('page.canvas', { terminal: map.terminal })}
              {...handlers}
            />
            <StackPanel map={map} selected={selected} stack={stack} />
          </div>
        </>
      ) : null}
    </div>
  );
}
