/** The selected stack beside the map: its tiers, top first, each box linked to its container page. */
import { useTranslation } from 'react-i18next';
import { Link } from '../router.js';
import { StateChip } from './YardStates.js';
import type { Selection, StackedBox, YardMapAnswer } from './yard-model.js';

export function StackPanel({
  map,
  selected,
  stack,
}: {
  map: YardMapAnswer;
  selected: Selection | undefined;
  stack: StackedBox[];
}) {
  const { t } = useTranslation('yard');
  const layout = selected ? map.blocks[selected.block] : undefined;
  return (
    <section className="card yard-stack" aria-labelledby="stack-heading" aria-live="polite">
      <h2 id="stack-heading">
        {selected && layout
          ? t('stack.heading', { block: layout.id, bay: selected.col * 2 + 1, row: selected.row })
          : t('stack.none')}
      </h2>
      {selected ? (
        stack.length === 0 ? (
          <p className="muted">{t('stack.empty')}</p>
        ) : (
          <ol className="stack-list" aria-label={t('stack.tiers')}>
            {stack.map((box) => (
              <li key={`${box.containerNumber}-${box.tier}`}>
                <span className="muted">{t('stack.tier', { tier: box.tier })}</span>{' '}
                <Link to={`/containers/${box.containerNumber}`} className="mono">
                  {box.containerNumber}
                </Link>{' '}
                <StateChip state={box.state} />
                {box.bay % 2 === 0 ? (
                  <span className="muted">{t('stack.forty', { bay: box.bay })}</span>
                ) : null}
              </li>
            ))}
          </ol>
        )
      ) : (
        <p className="muted">{t('stack.hint')}</p>
      )}
    </section>
  );
}
