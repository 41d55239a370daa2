/**
 * Issue 14, the yard map: "Labels adapt to zoom: blocks, then bays and rows. Search explains a wrong number,
 * including its check digit." The labels' placement (web/src/yard/yard-labels.ts) and the search's answers
 * (web/src/yard/yard-model.ts), without a browser; test/e2e/browser/yard-map.test.ts shows them on the page.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { computeCheckDigit } from '../../src/domain/index.js';
import { setLanguage } from '../../web/src/i18n/index.js';
import {
  LABEL_HEIGHT,
  showsBaysAndRows,
  type YardLabel,
  yardLabels,
} from '../../web/src/yard/yard-labels.js';
import { findContainer, geometryOf, type YardMapAnswer } from '../../web/src/yard/yard-model.js';

const IN_YARD = 'CSQU3054383';
const map: YardMapAnswer = {
  terminal: 'T1',
  blocks: [
    { id: 'A', bays: 40, rows: 8, tiers: 5 },
    { id: 'B', bays: 40, rows: 8, tiers: 5 },
    { id: 'C', bays: 12, rows: 6, tiers: 4 },
  ],
  states: ['in_yard'],
  boxes: {
    count: 1,
    block: [1],
    bay: [7],
    row: [3],
    tier: [1],
    state: [0],
    containerNumber: [IN_YARD],
  },
};
const everything = { in_yard: true, released: true, held: true, frozen: true, alert: true };
const blocks = geometryOf(map, everything);
const canvas = { width: 900, height: 520 };
// About what 12 px system-ui measures; the page uses the canvas's own measureText.
const measure = (text: string) => text.length * 7;
const labelsAt = (view: { x: number; y: number; scale: number }) =>
  yardLabels(map, blocks, view, canvas, measure, (id) => `Block ${id}`);

function expectNoMush(labels: YardLabel[]): void {
  for (const [i, a] of labels.entries()) {
    expect(a.left).toBeGreaterThanOrEqual(0);
    expect(a.left + a.width).toBeLessThanOrEqual(canvas.width);
    expect(a.middle - LABEL_HEIGHT / 2).toBeGreaterThanOrEqual(0);
    expect(a.middle + LABEL_HEIGHT / 2).toBeLessThanOrEqual(canvas.height);
    for (const b of labels.slice(i + 1)) {
      const apart =
        a.left + a.width <= b.left ||
        b.left + b.width <= a.left ||
        Math.abs(a.middle - b.middle) >= LABEL_HEIGHT;
      expect(apart, `${a.text} overlaps ${b.text}`).toBe(true);
    }
  }
}

describe('the yard map’s labels (issue 14)', () => {
  it('zoomed out, names each block once and nothing else', () => {
    const labels = labelsAt({ x: -10, y: -30, scale: 1.5 });
    expect(showsBaysAndRows(1.5)).toBe(false);
    expect(labels.map((label) => label.text).sort()).toEqual(['Block A', 'Block B', 'Block C']);
    expectNoMush(labels);
  });

  it('zoomed in, numbers the bays along the top and the rows down the side', () => {
    const labels = labelsAt({ x: -10, y: -40, scale: 6 });
    expect(showsBaysAndRows(6)).toBe(true);
    expect(labels.filter((label) => label.kind === 'block').map((label) => label.text)).toContain('Block A');
    const bays = labels.filter((label) => label.kind === 'bay').map((label) => label.text);
    const rows = labels.filter((label) => label.kind === 'row').map((label) => label.text);
    // A bay is 36 px wide at this zoom: every ground bay of block A in view is numbered (odd numbers: 20-ft bays).
    expect(bays.slice(0, 5)).toEqual(['1', '3', '5', '7', '9']);
    // A row is 15 px high, a label 16: every other row.
    expect(rows).toContain('1');
    expect(rows).toContain('3');
    expect(rows).not.toContain('2');
    expectNoMush(labels);
  });

  it('zoomed in on the middle of a block, keeps its name, bays and rows pinned to the edges in view', () => {
    // Block A's top-left corner is off the canvas: bays 11 to 35 and rows 2 to 8 are in view.
    const labels = labelsAt({ x: 60, y: 3, scale: 12 });
    expect(labels.find((label) => label.kind === 'block')?.text).toBe('Block A');
    expect(labels.some((label) => label.kind === 'bay')).toBe(true);
    expect(labels.some((label) => label.kind === 'row')).toBe(true);
    expectNoMush(labels);
  });

  it('never overlaps two labels or leaves the canvas, whatever the view', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -100, max: 600, noNaN: true }),
        fc.double({ min: -60, max: 60, noNaN: true }),
        fc.double({ min: 0.3, max: 40, noNaN: true }),
        (x, y, scale) => expectNoMush(labelsAt({ x, y, scale })),
      ),
      { numRuns: 300 },
    );
  });
});

describe('finding a container on the yard map (issue 14)', () => {
  afterEach(() => setLanguage('en'));

  it('finds a box that is there, at its block, bay and row', () => {
    const { found, message } = findContainer(map, ' csqu 305438-3 ');
    expect(found).toEqual({ block: 1, col: 3, row: 3 });
    expect(message).toBe(`${IN_YARD} found in block B, bay 7, row 3.`);
  });

  it('says a valid number is not in the yard', () => {
    expect(computeCheckDigit('MSCU123456')).toBe(6);
    expect(findContainer(map, 'MSCU1234566')).toEqual({ message: 'MSCU1234566 is not in the yard of T1.' });
  });

  it('names the right check digit of a mistyped number', () => {
    const { found, message } = findContainer(map, 'MSCU1234567');
    expect(found).toBeUndefined();
    expect(message).toContain('the check digit of MSCU123456 is 6, not 7');
  });

  it('tells ten characters what a container number is and what its eleventh would be', () => {
    const { found, message } = findContainer(map, 'MSCU123456');
    expect(found).toBeUndefined();
    expect(message).toContain('a container number is 4 letters and 7 digits, like MSCU1234566');
    expect(message).toContain('the check digit of MSCU123456 is 6, so the full number is MSCU1234566');
  });

  it('tells anything else what a container number looks like', () => {
    for (const typed of ['HELLO', 'MSCX1234565', '1234567', 'MSCU12345665']) {
      const { found, message } = findContainer(map, typed);
      expect(found, typed).toBeUndefined();
      expect(message, typed).toContain(
        'is not a container number: a container number is 4 letters and 7 digits',
      );
    }
    expect(findContainer(map, '  ').message).toBe(
      'Type a container number: 4 letters and 7 digits, like MSCU1234566.',
    );
  });

  it('explains in Dutch too', () => {
    setLanguage('nl');
    expect(findContainer(map, 'MSCU1234567').message).toContain(
      'het controlecijfer van MSCU123456 is 6, niet 7',
    );
    expect(findContainer(map, 'MSCU123456').message).toContain('4 letters en 7 cijfers');
  });
});
