import {
  type KeyboardEvent,
  type PointerEvent,
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { apiGet } from '../api.js';
import { Button, Field, Loading, Notice, PageHeading } from '../components.js';
import { isUnauthenticated, messageOf } from '../errors.js';
import { Link } from '../router.js';
import { useSession } from '../session.js';

interface YardMapAnswer {
  terminal: string;
  blocks: { id: string; bays: number; rows: number; tiers: number }[];
  states: string[];
  boxes: {
    count: number;
    block: number[];
    bay: number[];
    row: number[];
    tier: number[];
    state: number[];
    containerNumber: string[];
  };
}

/** World units: a 20-ft ground bay is 6 m long, a row 2.5 m wide; blocks sit on a grid with lanes between. */
const BAY = 6;
const ROW = 2.5;
const LANE = 14;
const BLOCKS_PER_LINE = 6;

interface BlockGeometry {
  x: number;
  y: number;
  width: number;
  height: number;
  /** Stack height per (bay column, row): `col * rows + row - 1`. */
  heights: Uint8Array;
  /** Per stack, 1 + the index in {@link STATES} of its most urgent tier shown; 0 for an empty stack. */
  flags: Uint8Array;
}

interface View {
  x: number;
  y: number;
  scale: number;
}

/** The odd ground bays a box covers: one for a 20-ft box (odd bay), two for a 40/45-ft box (even bay). */
const columnsOf = (bay: number): number[] => (bay % 2 === 1 ? [(bay - 1) / 2] : [bay / 2 - 1, bay / 2]);

/**
 * The box states, least to most urgent, as the server lists them; a stack is drawn in the state of its most
 * urgent tier. Each has a palette (light to dark by stack height), a chip for the tier list whose text keeps
 * 4.5:1 contrast on its background, and a mark that does not rely on colour (hatching, outline, letter).
 */
const STATES = {
  in_yard: {
    label: 'In yard',
    letter: '',
    palette: ['#9cc3e6', '#6fa6d8', '#3f86c6', '#1f67a8', '#0b4f8a', '#08365f'],
    chip: { background: '#dbe9f6', color: '#0b2a4a' },
    legend: 'in the yard, nothing pending',
  },
  released: {
    label: 'Released',
    letter: 'R',
    palette: ['#a8dbb5', '#7cc792', '#4fae6f', '#2f8f52', '#1b7040', '#0f5330'],
    chip: { background: '#d4f0dc', color: '#0b3d1e' },
    legend: 'release right in force (not blocked or revoked) and held by a haulier: ready to collect',
  },
  held: {
    label: 'On hold',
    letter: 'H',
    palette: ['#f9d29b', '#f4b860', '#ee9a35', '#e07b24', '#c2610f', '#9a4a08'],
    chip: { background: '#fde6c4', color: '#5a2d00' },
    legend: 'a customs, line, terminal or police hold is in force',
  },
  frozen: {
    label: 'Frozen',
    letter: 'F',
    palette: ['#cbb8ee', '#ad92e3', '#8d6bd4', '#6f4bc0', '#5533a3', '#3d2180'],
    chip: { background: '#e6dcf7', color: '#2e1065' },
    legend: 'a freeze is in force: it cannot leave until two people unfreeze it (hatched)',
  },
  alert: {
    label: 'Alert',
    letter: '!',
    palette: ['#f3a6a6', '#ea7777', '#dc4a4a', '#c22c2c', '#a01b1b', '#7a1010'],
    chip: { background: '#fbd5d5', color: '#6b0b0b' },
    legend: 'an alert naming the box is not resolved (outlined)',
  },
} as const;
type BoxState = keyof typeof STATES;
const STATE_ORDER = Object.keys(STATES) as BoxState[];
const stateOf = (name: string | undefined): BoxState =>
  name !== undefined && name in STATES ? (name as BoxState) : 'in_yard';

function StateChip({ state }: { state: BoxState }) {
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

function Swatch({ state }: { state: BoxState }) {
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

function geometryOf(map: YardMapAnswer, show: Record<BoxState, boolean>): BlockGeometry[] {
  let lineY = 0;
  let lineHeight = 0;
  let x = 0;
  const blocks = map.blocks.map((block, i) => {
    if (i % BLOCKS_PER_LINE === 0 && i > 0) {
      lineY += lineHeight + LANE;
      lineHeight = 0;
      x = 0;
    }
    const geometry = {
      x,
      y: lineY,
      width: block.bays * BAY,
      height: block.rows * ROW,
      heights: new Uint8Array(block.bays * block.rows),
      flags: new Uint8Array(block.bays * block.rows),
    };
    x += geometry.width + LANE;
    lineHeight = Math.max(lineHeight, geometry.height);
    return geometry;
  });
  const { boxes } = map;
  // The answer's own state list, mapped once onto ours: the index order is the urgency order.
  const rank = map.states.map((name) => STATE_ORDER.indexOf(stateOf(name)));
  for (let i = 0; i < boxes.count; i += 1) {
    const state = rank[boxes.state[i] as number] ?? 0;
    if (!show[STATE_ORDER[state] as BoxState]) continue;
    const geometry = blocks[boxes.block[i] as number];
    const layout = map.blocks[boxes.block[i] as number];
    if (!geometry || !layout) continue;
    for (const col of columnsOf(boxes.bay[i] as number)) {
      const cell = col * layout.rows + (boxes.row[i] as number) - 1;
      if (cell < 0 || cell >= geometry.heights.length) continue;
      geometry.heights[cell] = Math.max(geometry.heights[cell] as number, boxes.tier[i] as number);
      geometry.flags[cell] = Math.max(geometry.flags[cell] as number, state + 1);
    }
  }
  return blocks;
}

interface Selection {
  block: number;
  col: number;
  row: number;
}

export function YardPage({ terminal }: { terminal: string }) {
  const { signedOut } = useSession();
  const [map, setMap] = useState<YardMapAnswer>();
  const [error, setError] = useState<string>();
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
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const view = useRef<View>({ x: -10, y: -10, scale: 3 });
  const frame = useRef<number>(0);
  const firstDraw = useRef(true);
  const drag = useRef<{ x: number; y: number } | undefined>(undefined);

  const load = useCallback(async () => {
    setError(undefined);
    setMap(undefined);
    firstDraw.current = true;
    performance.mark('yard-fetch-start');
    try {
      setMap(await apiGet<YardMapAnswer>(`/v1/terminals/${encodeURIComponent(terminal)}/yard`));
      performance.mark('yard-data');
    } catch (failure) {
      if (isUnauthenticated(failure)) signedOut();
      else setError(messageOf(failure));
    }
  }, [terminal, signedOut]);

  useEffect(() => {
    void load();
  }, [load]);

  const blocks = useMemo(() => (map ? geometryOf(map, show) : []), [map, show]);

  const draw = useCallback(() => {
    const canvas = canvasRef.current;
    const context = canvas?.getContext('2d');
    if (!canvas || !context || !map) return;
    const started = performance.now();
    const ratio = window.devicePixelRatio || 1;
    const width = canvas.clientWidth;
    const height = canvas.clientHeight;
    if (canvas.width !== Math.round(width * ratio)) canvas.width = Math.round(width * ratio);
    if (canvas.height !== Math.round(height * ratio)) canvas.height = Math.round(height * ratio);
    const { x: vx, y: vy, scale } = view.current;
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.fillStyle = '#eef1f4';
    context.fillRect(0, 0, width, height);
    context.setTransform(ratio * scale, 0, 0, ratio * scale, -vx * scale * ratio, -vy * scale * ratio);
    const left = vx;
    const top = vy;
    const right = vx + width / scale;
    const bottom = vy + height / scale;
    context.font = `${Math.max(3, 12 / scale)}px system-ui, sans-serif`;
    blocks.forEach((block, b) => {
      if (block.x > right || block.y > bottom || block.x + block.width < left || block.y + block.height < top)
        return;
      const layout = map.blocks[b];
      if (!layout) return;
      context.fillStyle = '#ffffff';
      context.fillRect(block.x, block.y, block.width, block.height);
      for (let col = 0; col < layout.bays; col += 1) {
        for (let row = 0; row < layout.rows; row += 1) {
          const cell = col * layout.rows + row;
          const tiers = block.heights[cell] as number;
          if (tiers === 0) continue;
          const state = STATE_ORDER[Math.max((block.flags[cell] as number) - 1, 0)] as BoxState;
          const palette = STATES[state].palette;
          const cx = block.x + col * BAY + 0.3;
          const cy = block.y + row * ROW + 0.2;
          const cw = BAY - 0.6;
          const ch = ROW - 0.4;
          context.fillStyle = palette[Math.min(tiers, palette.length) - 1] as string;
          context.fillRect(cx, cy, cw, ch);
          // Not by colour alone: a frozen stack is hatched, an alerted one outlined.
          if (state === 'frozen') {
            context.strokeStyle = '#ffffff';
            context.lineWidth = 0.35;
            for (let offset = 0; offset < cw + ch; offset += 1.4) {
              context.beginPath();
              context.moveTo(cx + Math.max(offset - ch, 0), cy + Math.min(offset, ch));
              context.lineTo(cx + Math.min(offset, cw), cy + Math.max(offset - cw, 0));
              context.stroke();
            }
          } else if (state === 'alert') {
            context.strokeStyle = '#17212b';
            context.lineWidth = 0.5;
            context.strokeRect(cx + 0.25, cy + 0.25, cw - 0.5, ch - 0.5);
          }
        }
      }
      context.strokeStyle = '#4a5866';
      context.lineWidth = 1 / scale;
      context.strokeRect(block.x, block.y, block.width, block.height);
      context.fillStyle = '#17212b';
      context.fillText(`Block ${layout.id}`, block.x, block.y - 2 / scale);
    });
    if (selected) {
      const block = blocks[selected.block];
      if (block) {
        const sx = block.x + selected.col * BAY;
        const sy = block.y + (selected.row - 1) * ROW;
        // A white band inside a black one: visible on every fill colour.
        context.lineWidth = 4 / scale;
        context.strokeStyle = '#17212b';
        context.strokeRect(sx, sy, BAY, ROW);
        context.lineWidth = 2 / scale;
        context.strokeStyle = '#ffffff';
        context.strokeRect(sx, sy, BAY, ROW);
      }
    }
    performance.measure('yard-draw', { start: started, end: performance.now() });
    if (firstDraw.current) {
      firstDraw.current = false;
      performance.mark('yard-first-render');
    }
    if (performance.getEntriesByName('yard-draw').length > 2000) performance.clearMeasures('yard-draw');
  }, [blocks, map, selected]);

  const redraw = useCallback(() => {
    cancelAnimationFrame(frame.current);
    frame.current = requestAnimationFrame(draw);
  }, [draw]);

  useEffect(() => {
    redraw();
    window.addEventListener('resize', redraw);
    return () => {
      window.removeEventListener('resize', redraw);
      cancelAnimationFrame(frame.current);
    };
  }, [redraw]);

  const pan = (dx: number, dy: number) => {
    view.current = { ...view.current, x: view.current.x + dx, y: view.current.y + dy };
    redraw();
  };
  const zoom = (factor: number) => {
    const canvas = canvasRef.current;
    const { x, y, scale } = view.current;
    const next = Math.min(40, Math.max(0.3, scale * factor));
    const cx = (canvas?.clientWidth ?? 0) / 2;
    const cy = (canvas?.clientHeight ?? 0) / 2;
    view.current = { scale: next, x: x + cx / scale - cx / next, y: y + cy / scale - cy / next };
    redraw();
  };

  const stackAt = (wx: number, wy: number): Selection | undefined => {
    const b = blocks.findIndex(
      (block) => wx >= block.x && wx < block.x + block.width && wy >= block.y && wy < block.y + block.height,
    );
    const block = blocks[b];
    if (!block) return undefined;
    return { block: b, col: Math.floor((wx - block.x) / BAY), row: Math.floor((wy - block.y) / ROW) + 1 };
  };

  const onKey = (event: KeyboardEvent<HTMLCanvasElement>) => {
    const step = 60 / view.current.scale;
    const canvas = event.currentTarget;
    switch (event.key) {
      case 'ArrowLeft':
        pan(-step, 0);
        break;
      case 'ArrowRight':
        pan(step, 0);
        break;
      case 'ArrowUp':
        pan(0, -step);
        break;
      case 'ArrowDown':
        pan(0, step);
        break;
      case '+':
      case '=':
        zoom(1.25);
        break;
      case '-':
        zoom(0.8);
        break;
      case 'Enter': {
        const { x, y, scale } = view.current;
        setSelected(stackAt(x + canvas.clientWidth / 2 / scale, y + canvas.clientHeight / 2 / scale));
        break;
      }
      default:
        return;
    }
    event.preventDefault();
  };

  const onPointerDown = (event: PointerEvent<HTMLCanvasElement>) => {
    drag.current = { x: event.clientX, y: event.clientY };
    event.currentTarget.setPointerCapture(event.pointerId);
  };
  const onPointerMove = (event: PointerEvent<HTMLCanvasElement>) => {
    if (!drag.current) return;
    const { scale } = view.current;
    pan((drag.current.x - event.clientX) / scale, (drag.current.y - event.clientY) / scale);
    drag.current = { x: event.clientX, y: event.clientY };
  };
  const onPointerUp = (event: PointerEvent<HTMLCanvasElement>) => {
    const start = drag.current;
    drag.current = undefined;
    if (!start) return;
    const rect = event.currentTarget.getBoundingClientRect();
    const { x, y, scale } = view.current;
    if (Math.abs(event.clientX - start.x) < 4 && Math.abs(event.clientY - start.y) < 4)
      setSelected(stackAt(x + (event.clientX - rect.left) / scale, y + (event.clientY - rect.top) / scale));
  };

  /** Boxes of the selected stack, top tier first: 20-ft boxes in its bay and 40-ft boxes across it. */
  const stack = useMemo(() => {
    if (!map || !selected) return [];
    const { boxes } = map;
    const found: { tier: number; containerNumber: string; state: BoxState; bay: number }[] = [];
    for (let i = 0; i < boxes.count; i += 1) {
      if (boxes.block[i] !== selected.block || boxes.row[i] !== selected.row) continue;
      if (!columnsOf(boxes.bay[i] as number).includes(selected.col)) continue;
      found.push({
        tier: boxes.tier[i] as number,
        containerNumber: boxes.containerNumber[i] as string,
        state: stateOf(map.states[boxes.state[i] as number]),
        bay: boxes.bay[i] as number,
      });
    }
    return found.sort((a, b) => b.tier - a.tier);
  }, [map, selected]);

  const search = () => {
    if (!map) return;
    const wanted = query.trim().toUpperCase().replace(/\s+/g, '');
    const i = map.boxes.containerNumber.indexOf(wanted);
    if (i < 0) {
      setSearchMessage(`${wanted || 'That container'} is not in the yard of ${map.terminal}.`);
      return;
    }
    const bay = map.boxes.bay[i] as number;
    const found = {
      block: map.boxes.block[i] as number,
      col: columnsOf(bay)[0] as number,
      row: map.boxes.row[i] as number,
    };
    setSelected(found);
    setSearchMessage(
      `${wanted} found in block ${map.blocks[found.block]?.id}, bay ${bay}, row ${found.row}.`,
    );
    const block = blocks[found.block];
    const canvas = canvasRef.current;
    if (block && canvas) {
      const scale = Math.max(view.current.scale, 8);
      view.current = {
        scale,
        x: block.x + found.col * BAY - canvas.clientWidth / 2 / scale,
        y: block.y + found.row * ROW - canvas.clientHeight / 2 / scale,
      };
    }
  };

  const counts = useMemo(() => {
    const byState: Record<BoxState, number> = { in_yard: 0, released: 0, held: 0, frozen: 0, alert: 0 };
    if (!map) return byState;
    for (const index of map.boxes.state) byState[stateOf(map.states[index])] += 1;
    return byState;
  }, [map]);
  const selectedLayout = selected && map ? map.blocks[selected.block] : undefined;

  return (
    <div className="page">
      <PageHeading title={`Yard map ${terminal}`} />
      {error ? (
        <Notice tone="error" title="The yard map could not be loaded">
          <p>{error}</p>
          <Button onClick={() => void load()}>Try again</Button>
        </Notice>
      ) : null}
      {!map && !error ? <Loading label="Loading the yard…" /> : null}
      {map ? (
        <>
          <p className="lead" role="status">
            {map.boxes.count.toLocaleString('en-GB')} boxes in {map.blocks.length} blocks:{' '}
            {STATE_ORDER.map((state) => `${counts[state]} ${STATES[state].label.toLowerCase()}`).join(', ')}.
          </p>
          <div className="yard-toolbar">
            <form
              className="yard-search"
              onSubmit={(event) => {
                event.preventDefault();
                search();
              }}
            >
              <Field
                label="Find a container in the yard"
                name="yard-container"
                value={query}
                autoComplete="off"
                spellCheck={false}
                onChange={(event) => setQuery(event.target.value)}
              />
              <Button type="submit">Find</Button>
            </form>
            <fieldset className="yard-filters">
              <legend>Show</legend>
              {STATE_ORDER.map((state) => (
                <label key={state} title={STATES[state].legend}>
                  <input
                    type="checkbox"
                    checked={show[state]}
                    onChange={(event) => setShow({ ...show, [state]: event.target.checked })}
                  />{' '}
                  <Swatch state={state} /> {STATES[state].label}
                </label>
              ))}
              <ul className="muted yard-legend" aria-label="Legend">
                {STATE_ORDER.map((state) => (
                  <li key={state}>
                    <strong>{STATES[state].label}</strong>: {STATES[state].legend}.
                  </li>
                ))}
                <li>
                  A stack shows its most urgent tier: alert, then frozen, on hold, released, in yard. Darker:
                  a higher stack.
                </li>
              </ul>
            </fieldset>
            <div className="button-row">
              <Button aria-label="Zoom in" onClick={() => zoom(1.25)}>
                +
              </Button>
              <Button aria-label="Zoom out" onClick={() => zoom(0.8)}>
                −
              </Button>
            </div>
          </div>
          {searchMessage ? <p role="status">{searchMessage}</p> : null}
          <div className="yard-layout">
            <canvas
              ref={canvasRef}
              className="yard-canvas"
              tabIndex={0}
              role="img"
              aria-label={`Yard map of terminal ${map.terminal}. Arrow keys pan, plus and minus zoom, Enter selects the stack in the centre.`}
              onKeyDown={onKey}
              onPointerDown={onPointerDown}
              onPointerMove={onPointerMove}
              onPointerUp={onPointerUp}
              onWheel={(event) => zoom(event.deltaY < 0 ? 1.1 : 0.9)}
            />
            <section className="card yard-stack" aria-labelledby="stack-heading" aria-live="polite">
              <h2 id="stack-heading">
                {selected && selectedLayout
                  ? `Block ${selectedLayout.id}, bay ${selected.col * 2 + 1}, row ${selected.row}`
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
          </div>
        </>
      ) : null}
    </div>
  );
}
