/**
 * The yard map's view: where the canvas looks and how far it is zoomed, panned by keys, pointer and wheel, and
 * redrawn at most once a frame. Draw times go to the Performance timeline for the benchmarks.
 */
import { type KeyboardEvent, type PointerEvent, useCallback, useEffect, useRef } from 'react';
import { drawYard } from './draw-yard.js';
import {
  BAY,
  type BlockGeometry,
  ROW,
  type Selection,
  stackAt,
  type View,
  type YardMapAnswer,
} from './yard-model.js';

export function useYardView({
  map,
  blocks,
  selected,
  select,
}: {
  map: YardMapAnswer | undefined;
  blocks: BlockGeometry[];
  selected: Selection | undefined;
  select: (stack: Selection | undefined) => void;
}) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const view = useRef<View>({ x: -10, y: -10, scale: 3 });
  const frame = useRef<number>(0);
  const firstDraw = useRef(true);
  const drag = useRef<{ x: number; y: number } | undefined>(undefined);

  // A map loaded again is timed from its fetch to its own first render.
  useEffect(() => {
    if (!map) firstDraw.current = true;
  }, [map]);

  const draw = useCallback(() => {
    const canvas = canvasRef.current;
    const context = canvas?.getContext('2d');
    if (!canvas || !context || !map) return;
    const started = performance.now();
    drawYard(canvas, context, map, blocks, view.current, selected);
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

  const onKeyDown = (event: KeyboardEvent<HTMLCanvasElement>) => {
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
        select(stackAt(blocks, x + canvas.clientWidth / 2 / scale, y + canvas.clientHeight / 2 / scale));
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
    // A click, not a drag: it selects the stack under the pointer.
    if (Math.abs(event.clientX - start.x) < 4 && Math.abs(event.clientY - start.y) < 4)
      select(
        stackAt(blocks, x + (event.clientX - rect.left) / scale, y + (event.clientY - rect.top) / scale),
      );
  };

  /** Looks at `stack` closely enough to see it; the selection that comes with it redraws the map. */
  const centreOn = (stack: Selection) => {
    const block = blocks[stack.block];
    const canvas = canvasRef.current;
    if (!block || !canvas) return;
    const scale = Math.max(view.current.scale, 8);
    view.current = {
      scale,
      x: block.x + stack.col * BAY - canvas.clientWidth / 2 / scale,
      y: block.y + stack.row * ROW - canvas.clientHeight / 2 / scale,
    };
  };

  return {
    canvasRef,
    zoom,
    centreOn,
    handlers: {
      onKeyDown,
      onPointerDown,
      onPointerMove,
      onPointerUp,
      onWheel: (event: { deltaY: number }) => zoom(event.deltaY < 0 ? 1.1 : 0.9),
    },
  };
}
