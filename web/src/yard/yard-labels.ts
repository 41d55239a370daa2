/**
 * Where the yard map's labels go (issue 14: "labels adapt to zoom: blocks, then bays and rows"), in screen pixels of
 * the canvas, so that draw-yard.ts paints them at one legible size whatever the zoom.
 *
 * - Zoomed out, each block is named once, above it where the lane between blocks has room, else over its middle.
 * - Zoomed in far enough that a bay and a row are each a few pixels on screen, the bay numbers run along the block's
 *   top edge and the row numbers down its left edge, every one where there is room and every few otherwise; and the
 *   block's name sits at its top-left corner. A block whose top or left edge is scrolled off the canvas keeps them
 *   pinned to the edge of its visible part, so that a map zoomed in on the middle of a block still says where it is.
 * - No label is placed over one already placed: blocks win over bays, bays over rows, so the map never turns to mush.
 */
import { BAY, type BlockGeometry, ROW, type View, type YardMapAnswer } from './yard-model.js';

/** The height of a label's plate, in screen pixels (12 px text with its padding). */
export const LABEL_HEIGHT = 16;
/** Padding on either side of a label's text. */
export const LABEL_PADDING = 3;
/** From this many screen pixels per bay, the map shows bay and row numbers. */
const DETAIL_BAY_PIXELS = 12;
/** World units between blocks (as yard-model lays them out): the lane labels above a block may use. */
const LANE = 14;

export type LabelKind = 'block' | 'bay' | 'row';

export interface YardLabel {
  kind: LabelKind;
  text: string;
  /** The plate's left edge and vertical middle, in CSS pixels of the canvas. */
  left: number;
  middle: number;
  width: number;
}

interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

const boxOf = (label: YardLabel): Box => ({
  left: label.left,
  top: label.middle - LABEL_HEIGHT / 2,
  right: label.left + label.width,
  bottom: label.middle + LABEL_HEIGHT / 2,
});

const overlaps = (a: Box, b: Box) =>
  a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

/** Whether the map is zoomed in far enough for bay and row numbers. */
export const showsBaysAndRows = (scale: number) => BAY * scale >= DETAIL_BAY_PIXELS;

/**
 * The labels of the blocks in view, none overlapping another or leaving the canvas. `measure` gives a text's width
 * in CSS pixels (the canvas's `measureText` in the page); `blockName` the visible name of block `id`.
 */
export function yardLabels(
  map: YardMapAnswer,
  blocks: BlockGeometry[],
  view: View,
  canvas: { width: number; height: number },
  measure: (text: string) => number,
  blockName: (id: string) => string,
): YardLabel[] {
  const { x: vx, y: vy, scale } = view;
  const sx = (wx: number) => (wx - vx) * scale;
  const sy = (wy: number) => (wy - vy) * scale;
  const placed: YardLabel[] = [];
  const boxes: Box[] = [];
  const place = (
    kind: LabelKind,
    text: string,
    left: number,
    middle: number,
    anchor: 'left' | 'centre' | 'right',
  ) => {
    const width = measure(text) + 2 * LABEL_PADDING;
    const label: YardLabel = {
      kind,
      text,
      left: anchor === 'left' ? left : anchor === 'centre' ? left - width / 2 : left - width,
      middle,
      width,
    };
    const box = boxOf(label);
    if (box.left < 0 || box.top < 0 || box.right > canvas.width || box.bottom > canvas.height) return;
    if (boxes.some((other) => overlaps(box, other))) return;
    placed.push(label);
    boxes.push(box);
  };

  const inView = blocks
    .map((block, index) => ({ block, layout: map.blocks[index] }))
    .filter(
      ({ block, layout }) =>
        layout !== undefined &&
        sx(block.x + block.width) > 0 &&
        sx(block.x) < canvas.width &&
        sy(block.y + block.height) > 0 &&
        sy(block.y) < canvas.height,
    ) as { block: BlockGeometry; layout: YardMapAnswer['blocks'][number] }[];
  const detail = showsBaysAndRows(scale);
  const lane = LANE * scale;

  // Blocks first: they say where the rest is.
  for (const { block, layout } of inView) {
    const top = sy(block.y);
    const left = sx(block.x);
    const name = blockName(layout.id);
    const roomAbove = detail ? 2 * LABEL_HEIGHT + 4 : LABEL_HEIGHT + 2;
    if (lane >= roomAbove && top - roomAbove >= 0) {
      place('block', name, Math.max(left, 2), top - roomAbove + LABEL_HEIGHT / 2, 'left');
    } else if (detail || top < 0 || left < 0) {
      // Pinned to the top-left corner of the block's visible part.
      place('block', name, Math.max(left, 0) + 2, Math.max(top, 0) + LABEL_HEIGHT / 2 + 2, 'left');
    } else {
      place('block', name, left + (block.width * scale) / 2, top + (block.height * scale) / 2, 'centre');
    }
  }
  if (!detail) return placed;

  // Bays along the top edge: the odd ground bay each column is (a 40-ft box stands on two and is numbered between).
  for (const { block, layout } of inView) {
    const top = sy(block.y);
    const middle =
      top - LABEL_HEIGHT / 2 - 1 >= LABEL_HEIGHT / 2
        ? top - LABEL_HEIGHT / 2 - 1
        : Math.max(top, 0) + LABEL_HEIGHT / 2 + 1;
    for (let col = 0; col < layout.bays; col += 1) {
      const centre = sx(block.x + col * BAY + BAY / 2);
      if (centre < 0 || centre > canvas.width) continue;
      place('bay', String(col * 2 + 1), centre, middle, 'centre');
    }
  }
  // Rows down the left edge.
  for (const { block, layout } of inView) {
    const left = sx(block.x);
    const widest = measure(String(layout.rows)) + 2 * LABEL_PADDING;
    const outside = left - widest - 2 >= 0;
    for (let row = 1; row <= layout.rows; row += 1) {
      const middle = sy(block.y + (row - 1) * ROW + ROW / 2);
      if (middle < 0 || middle > canvas.height) continue;
      if (outside) place('row', String(row), left - 2, middle, 'right');
      else place('row', String(row), Math.max(left, 0) + 2, middle, 'left');
    }
  }
  return placed;
}
