/**
 * A basic WCAG 2.1 AA audit of the page as Chromium renders it, for the console's browser tests:
 *
 * - 4.1.2 Name, Role, Value: every interactive element has an accessible name, as Chromium's own accessibility
 *   tree computes it (CDP `Accessibility.getFullAXTree`), so labels, `aria-labelledby` and wrapping labels count
 *   and placeholders alone do not;
 * - 1.4.3 Contrast (Minimum): visible text against its composited background reaches 4.5:1, or 3:1 for large text
 *   (24 px, or 18.66 px bold); disabled controls are exempt, as the criterion says;
 * - 2.4.7 Focus Visible: each of the first focus stops reached with Tab shows an outline or a ring;
 * - 3.1.1 Language of Page, 2.4.2 Page Titled, and one level-1 heading per page.
 */
import type { Page } from 'playwright-core';

export interface A11yFinding {
  readonly rule: 'name' | 'contrast' | 'focus' | 'document';
  readonly detail: string;
}

const INTERACTIVE_ROLES = new Set([
  'button',
  'link',
  'textbox',
  'searchbox',
  'combobox',
  'listbox',
  'checkbox',
  'radio',
  'switch',
  'slider',
  'spinbutton',
  'menuitem',
  'tab',
]);

interface AXNode {
  ignored: boolean;
  role?: { value?: string };
  name?: {
    value?: string;
    sources?: { type: string; attribute?: string; value?: unknown; superseded?: boolean }[];
  };
  backendDOMNodeId?: number;
}

/** Interactive nodes of the accessibility tree without a name. */
async function unnamedControls(page: Page): Promise<A11yFinding[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('Accessibility.enable');
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as unknown as { nodes: AXNode[] };
    const findings: A11yFinding[] = [];
    for (const node of nodes) {
      const role = node.role?.value ?? '';
      if (node.ignored || !INTERACTIVE_ROLES.has(role)) continue;
      // A placeholder disappears as one types: Chromium names the field by it, but it is no label (WCAG 3.3.2).
      const used = node.name?.sources?.find((source) => source.value !== undefined && !source.superseded);
      const byPlaceholder = used?.type === 'placeholder' || used?.attribute === 'placeholder';
      if ((node.name?.value ?? '').trim() !== '' && !byPlaceholder) continue;
      let html = '';
      if (node.backendDOMNodeId !== undefined) {
        const { outerHTML } = (await cdp.send('DOM.getOuterHTML', {
          backendNodeId: node.backendDOMNodeId,
        })) as { outerHTML: string };
        html = outerHTML.slice(0, 160);
      }
      findings.push({
        rule: 'name',
        detail: `${role} ${byPlaceholder ? 'labelled only by its placeholder' : 'without an accessible name'}: ${html}`,
      });
    }
    return findings;
  } finally {
    await cdp.detach();
  }
}

/** Text whose contrast with its composited background is below the AA ratio. Runs in the page. */
function lowContrastText(): { detail: string }[] {
  type RGBA = [number, number, number, number];
  const parse = (value: string): RGBA | undefined => {
    const m = value.match(/rgba?\(([^)]+)\)/);
    if (!m) return undefined;
    const parts = m[1]!
      .split(/[ ,/]+/)
      .filter(Boolean)
      .map(Number);
    return [parts[0]!, parts[1]!, parts[2]!, parts[3] ?? 1];
  };
  const over = (top: RGBA, bottom: RGBA): RGBA => {
    const a = top[3] + bottom[3] * (1 - top[3]);
    if (a === 0) return [0, 0, 0, 0];
    const mix = (i: number) => (top[i]! * top[3] + bottom[i]! * bottom[3] * (1 - top[3])) / a;
    return [mix(0), mix(1), mix(2), a];
  };
  const luminance = ([r, g, b]: RGBA) => {
    const channel = (c: number) => {
      const s = c / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  };
  /** The element's background composited over its ancestors', up to the white canvas; undefined over an image. */
  const backgroundOf = (element: Element): RGBA | undefined => {
    const layers: RGBA[] = [];
    for (let e: Element | null = element; e; e = e.parentElement) {
      const style = getComputedStyle(e);
      if (style.backgroundImage !== 'none') return undefined;
      const color = parse(style.backgroundColor);
      if (color && color[3] > 0) {
        layers.push(color);
        if (color[3] >= 1) break;
      }
    }
    let result: RGBA = [255, 255, 255, 1];
    for (const layer of layers.reverse()) result = over(layer, result);
    return result;
  };
  const findings: { detail: string }[] = [];
  const seen = new Set<Element>();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent?.trim() ?? '';
    const element = node.parentElement;
    if (!text || !element || seen.has(element)) continue;
    seen.add(element);
    if (element.closest('[aria-hidden="true"], :disabled, [aria-disabled="true"], canvas, svg')) continue;
    const rect = element.getBoundingClientRect();
    const style = getComputedStyle(element);
    if (
      rect.width === 0 ||
      rect.height === 0 ||
      style.visibility !== 'visible' ||
      Number(style.opacity) === 0
    )
      continue;
    // Text clipped away for screen readers only (the usual visually-hidden pattern).
    if (rect.width <= 1 && rect.height <= 1) continue;
    const foreground = parse(style.color);
    const background = backgroundOf(element);
    if (!foreground || !background) continue;
    const fg = over(foreground, background);
    const [l1, l2] = [luminance(fg), luminance(background)].sort((a, b) => b - a) as [number, number];
    const ratio = (l1 + 0.05) / (l2 + 0.05);
    const size = Number.parseFloat(style.fontSize);
    const bold = Number(style.fontWeight) >= 700;
    const needed = size >= 24 || (size >= 18.66 && bold) ? 3 : 4.5;
    if (ratio + 0.005 < needed)
      findings.push({
        detail: `"${text.slice(0, 50)}" ${ratio.toFixed(2)}:1 < ${needed}:1 (${style.color} on rgb(${background
          .slice(0, 3)
          .map(Math.round)
          .join(', ')}), ${size}px)`,
      });
  }
  return findings;
}

/** Tabs through the first `stops` focusable elements and lists those that show no focus indicator. */
async function invisibleFocus(page: Page, stops: number): Promise<A11yFinding[]> {
  const findings: A11yFinding[] = [];
  await page.evaluate(() => {
    (document.activeElement as HTMLElement | null)?.blur();
    window.scrollTo(0, 0);
  });
  const visited = new Set<string>();
  for (let i = 0; i < stops; i += 1) {
    await page.keyboard.press('Tab');
    const focus = await page.evaluate(() => {
      const element = document.activeElement as HTMLElement | null;
      if (!element || element === document.body) return undefined;
      const style = getComputedStyle(element);
      const outline = style.outlineStyle !== 'none' && Number.parseFloat(style.outlineWidth) > 0;
      const ring = style.boxShadow !== 'none';
      const path = `${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ''}[${(
        element.getAttribute('aria-label') ??
        element.textContent ??
        ''
      )
        .trim()
        .slice(0, 40)}]`;
      return { path, shown: outline || ring };
    });
    if (!focus || visited.has(focus.path)) break;
    visited.add(focus.path);
    if (!focus.shown) findings.push({ rule: 'focus', detail: `no visible focus on ${focus.path}` });
  }
  return findings;
}

/** The page's document-level basics. */
async function documentBasics(page: Page): Promise<A11yFinding[]> {
  const facts = await page.evaluate(() => ({
    lang: document.documentElement.lang,
    title: document.title,
    h1: document.querySelectorAll('h1').length,
  }));
  const findings: A11yFinding[] = [];
  if (!facts.lang) findings.push({ rule: 'document', detail: '<html> has no lang' });
  if (!facts.title.trim()) findings.push({ rule: 'document', detail: 'the page has no title' });
  if (facts.h1 !== 1) findings.push({ rule: 'document', detail: `${facts.h1} level-1 headings, not one` });
  return findings;
}

/**
 * Audits the page as it is now. The focus check presses Tab, so call it on a settled page and expect the focus to
 * move.
 *
 * @example
 * ```ts
 * expect(await auditPage(page)).toEqual([]);
 * ```
 */
export async function auditPage(page: Page, options: { focusStops?: number } = {}): Promise<A11yFinding[]> {
  const contrast = (await page.evaluate(lowContrastText)).map(
    (finding): A11yFinding => ({ rule: 'contrast', detail: finding.detail }),
  );
  return [
    ...(await documentBasics(page)),
    ...(await unnamedControls(page)),
    ...contrast,
    ...(await invisibleFocus(page, options.focusStops ?? 12)),
  ];
}
