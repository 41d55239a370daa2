/** The yard map as the server answers it, and what the page makes of it: block geometry, box states, stacks. */
import { computeCheckDigit } from '../../../src/domain/visits/container-number.js';
import { i18next } from '../i18n/index.js';

/** ISO 6346 without and with its check digit: owner code, category (U, J, Z, R), serial (src/domain says more). */
const FIRST_TEN = /^[A-Z]{3}[UJZR]\d{6}$/;
const FULL_NUMBER = /^[A-Z]{3}[UJZR]\d{7}$/;

export interface YardMapAnswer {
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
export const BAY = 6;
export const ROW = 2.5;
const LANE = 14;
const BLOCKS_PER_LINE = 6;

export interface BlockGeometry {
  x: number;
  y: number;
  width: number;
  height: number;
  /** Stack height per (bay column, row): `col * rows + row - 1`. */
  heights: Uint8Array;
  /** Per stack, 1 + the index in {@link STATES} of its most urgent tier shown; 0 for an empty stack. */
  flags: Uint8Array;
}

export interface View {
  x: number;
  y: number;
  scale: number;
}

/** The odd ground bays a box covers: one for a 20-ft box (odd bay), two for a 40/45-ft box (even bay). */
export const columnsOf = (bay: number): number[] =>
  bay % 2 === 1 ? [(bay - 1) / 2] : [bay / 2 - 1, bay / 2];

/**
 * The box states, least to most urgent, as the server lists them; a stack is drawn in the state of its most
 * urgent tier. Each has a palette (light to dark by stack height), a chip for the tier list whose text keeps
 * 4.5:1 contrast on its background, and a mark that does not rely on colour (hatching, outline, letter).
 */
export const STATES = {
  in_yard: {
    get label() {
      return i18next.t('yard:states.in_yard');
    },
    letter: '',
    palette: ['#9cc3e6', '#6fa6d8', '#3f86c6', '#1f67a8', '#0b4f8a', '#08365f'],
    chip: { background: '#dbe9f6', color: '#0b2a4a' },
    get legend() {
      return i18next.t('yard:legend.in_yard');
    },
  },
  released: {
    get label() {
      return i18next.t('yard:states.released');
    },
    letter: 'R',
    palette: ['#a8dbb5', '#7cc792', '#4fae6f', '#2f8f52', '#1b7040', '#0f5330'],
    chip: { background: '#d4f0dc', color: '#0b3d1e' },
    get legend() {
      return i18next.t('yard:legend.released');
    },
  },
  held: {
    get label() {
      return i18next.t('yard:states.held');
    },
    letter: 'H',
    palette: ['#f9d29b', '#f4b860', '#ee9a35', '#e07b24', '#c2610f', '#9a4a08'],
    chip: { background: '#fde6c4', color: '#5a2d00' },
    get legend() {
      return i18next.t('yard:legend.held');
    },
  },
  frozen: {
    get label() {
      return i18next.t('yard:states.frozen');
    },
    letter: 'F',
    palette: ['#cbb8ee', '#ad92e3', '#8d6bd4', '#6f4bc0', '#5533a3', '#3d2180'],
    chip: { background: '#e6dcf7', color: '#2e1065' },
    get legend() {
      return i18next.t('yard:legend.frozen');
    },
  },
  alert: {
    get label() {
      return i18next.t('yard:states.alert');
    },
    letter: '!',
    palette: ['#f3a6a6', '#ea7777', '#dc4a4a', '#c22c2c', '#a01b1b', '#7a1010'],
    chip: { background: '#fbd5d5', color: '#6b0b0b' },
    get legend() {
      return i18next.t('yard:legend.alert');
    },
  },
} as const;
export type BoxState = keyof typeof STATES;
export const STATE_ORDER = Object.keys(STATES) as BoxState[];
export const stateOf = (name: string | undefined): BoxState =>
  name !== undefined && name in STATES ? (name as BoxState) : 'in_yard';

export function geometryOf(map: YardMapAnswer, show: Record<BoxState, boolean>): BlockGeometry[] {
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

export interface Selection {
  block: number;
  col: number;
  row: number;
}

/** The stack under a point of the map, in world units. */
export function stackAt(blocks: BlockGeometry[], wx: number, wy: number): Selection | undefined {
  const b = blocks.findIndex(
    (block) => wx >= block.x && wx < block.x + block.width && wy >= block.y && wy < block.y + block.height,
  );
  const block = blocks[b];
  if (!block) return undefined;
  return { block: b, col: Math.floor((wx - block.x) / BAY), row: Math.floor((wy - block.y) / ROW) + 1 };
}

export interface StackedBox {
  tier: number;
  containerNumber: string;
  state: BoxState;
  bay: number;
}

/** Boxes of the selected stack, top tier first: 20-ft boxes in its bay and 40-ft boxes across it. */
export function boxesOfStack(map: YardMapAnswer, selected: Selection): StackedBox[] {
  const { boxes } = map;
  const found: StackedBox[] = [];
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
}

export function countByState(map: YardMapAnswer | undefined): Record<BoxState, number> {
  const byState: Record<BoxState, number> = { in_yard: 0, released: 0, held: 0, frozen: 0, alert: 0 };
  if (!map) return byState;
  for (const index of map.boxes.state) byState[stateOf(map.states[index])] += 1;
  return byState;
}

/**
 * Where a container typed in stands, or why it was not found, in words for the page to announce: a text that is no
 * container number is told what one looks like; one whose check digit is wrong (ISO 6346, src/domain) is told the
 * right digit; ten characters are told the eleventh; only a valid number is looked for in the yard.
 */
export function findContainer(map: YardMapAnswer, query: string): { found?: Selection; message: string } {
  const t = i18next.t;
  const wanted = query
    .trim()
    .toUpperCase()
    .replace(/[\s-]+/g, '');
  const example = t('yard:search.example');
  if (wanted === '') return { message: t('yard:search.empty', { example }) };
  if (FIRST_TEN.test(wanted)) {
    const digit = computeCheckDigit(wanted);
    return {
      message: t('yard:search.missingCheckDigit', {
        number: wanted,
        digit,
        full: `${wanted}${digit}`,
        example,
      }),
    };
  }
  if (!FULL_NUMBER.test(wanted)) return { message: t('yard:search.malformed', { number: wanted, example }) };
  const first10 = wanted.slice(0, 10);
  const expected = computeCheckDigit(first10);
  const actual = Number(wanted.slice(10));
  if (expected !== actual)
    return { message: t('yard:search.checkDigit', { number: wanted, first10, expected, actual }) };
  const i = map.boxes.containerNumber.indexOf(wanted);
  if (i < 0) return { message: t('yard:search.notInYard', { number: wanted, terminal: map.terminal }) };
  const bay = map.boxes.bay[i] as number;
  const found = {
    block: map.boxes.block[i] as number,
    col: columnsOf(bay)[0] as number,
    row: map.boxes.row[i] as number,
  };
  return {
    found,
    message: t('yard:search.found', {
      number: wanted,
      block: map.blocks[found.block]?.id,
      bay,
      row: found.row,
    }),
  };
}
