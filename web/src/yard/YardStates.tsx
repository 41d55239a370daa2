/** How a box state looks beside its name: a chip for the tier list, a swatch for the filters. */
import { type BoxState, STATES } from './yard-model.js';

export function StateChip({ state }: { state: BoxState }) {
  const { label, letter, chip } = STATES[state];
  return (
    <span className="chip" style={{ ...chip, fontWeight: 600 }} data-state={state}>
      {letter ? (
        <span aria-hidden="true" style={{ marginRight: '0.35em' }}>
          {letter}
        </span>
      ) : null}
      {label}
    </span>
  );
}

export function Swatch({ state }: { state: BoxState }) {
  const colour = STATES[state].palette[2];
  const style =
    state === 'frozen'
      ? {
          background: `repeating-linear-gradient(45deg, ${colour}, ${colour} 3px, #ffffff 3px, #ffffff 5px)`,
        }
      : state === 'alert'
        ? { background: colour, outline: '2px solid #17212b', outlineOffset: '-2px' }
        : { background: colour };
  return (
    <span
      className="swatch"
      aria-hidden="true"
      style={{ display: 'inline-block', width: '1.1em', height: '0.8em', verticalAlign: 'middle', ...style }}
    />
  );
}
