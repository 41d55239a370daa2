/** The selected stack beside the map: its tiers, top first, each box linked to its container page. */
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
  const layout = selected ? map.blocks[selected.block] : undefined;
  return (
    <section className="card yard-stack" aria-labelledby="stack-heading" aria-live="polite">
      <h2 id="stack-heading">
        {selected && layout
          ? `Block ${layout.id}, bay ${selected.col * 2 + 1}, row ${selected.row}`
          : 'No stack selected'}
      </h2>
      {selected ? (
        stack.length === 0 ? (
          <p className="muted">This stack is empty.</p>
        ) : (
          <ol className="stack-list" aria-label="Tiers, top first">
            {stack.map((box) => (
              <li key={`${box.containerNumber}-${box.tier}`}>
                <span className="muted">Tier {box.tier}</span>{' '}
                <Link to={`/containers/${box.containerNumber}`} className="mono">
                  {box.containerNumber}
                </Link>{' '}
                <StateChip state={box.state} />
                {box.bay % 2 === 0 ? <span className="muted"> · 40 ft, bay {box.bay}</span> : null}
              </li>
            ))}
          </ol>
        )
      ) : (
        <p className="muted">Click a stack, or focus the map and press Enter, to see its tiers.</p>
      )}
    </section>
  );
}
