/**
 * Paints the yard map on its canvas: only the blocks in view, each stack in the palette of its most urgent tier and
 * darker the higher it is, the selected stack outlined, and the labels the zoom allows (yard-labels.ts).
 */
import { i18next } from '../i18n/index.js';
import { LABEL_HEIGHT, LABEL_PADDING, yardLabels } from './yard-labels.js';
import {
  BAY,
  type BlockGeometry,
  type BoxState,
  ROW,
  type Selection,
  STATE_ORDER,
  STATES,
  type View,
  type YardMapAnswer,
} from './yard-model.js';

export function drawYard(
  canvas: HTMLCanvasElement,
  context: CanvasRenderingContext2D,
  map: YardMapAnswer,
  blocks: BlockGeometry[],
  view: View,
  selected: Selection | undefined,
): void {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  if (canvas.width !== Math.round(width * ratio)) canvas.width = Math.round(width * ratio);
  if (canvas.height !== Math.round(height * ratio)) canvas.height = Math.round(height * ratio);
  const { x: vx, y: vy, scale } = view;
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  context.fillStyle = '#eef1f4';
  context.fillRect(0, 0, width, height);
  context.setTransform(ratio * scale, 0, 0, ratio * scale, -vx * scale * ratio, -vy * scale * ratio);
  const left = vx;
  const top = vy;
  const right = vx + width / scale;
  const bottom = vy + height / scale;
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
  drawLabels(context, map, blocks, view, { width, height }, ratio);
}

/**
 * The block names, bay and row numbers (yard-labels.ts places them), painted in screen pixels at one size whatever
 * the zoom, each on a white plate so that it reads over any stack colour.
 */
function drawLabels(
  context: CanvasRenderingContext2D,
  map: YardMapAnswer,
  blocks: BlockGeometry[],
  view: View,
  size: { width: number; height: number },
  ratio: number,
): void {
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  context.textBaseline = 'middle';
  context.textAlign = 'left';
  const fonts = { block: '600 13px system-ui, sans-serif', number: '12px system-ui, sans-serif' };
  const labels = yardLabels(
    map,
    blocks,
    view,
    size,
    (text) => {
      context.font = /^\d+$/.test(text) ? fonts.number : fonts.block;
      return context.measureText(text).width;
    },
    (id) => i18next.t('yard:stack.block', { block: id }),
  );
  for (const label of labels) {
    context.font = label.kind === 'block' ? fonts.block : fonts.number;
    context.fillStyle = 'rgb(255 255 255 / 88%)';
    context.fillRect(label.left, label.middle - LABEL_HEIGHT / 2, label.width, LABEL_HEIGHT);
    context.fillStyle = '#17212b';
    context.fillText(label.text, label.left + LABEL_PADDING, label.middle + 0.5);
  }
}
