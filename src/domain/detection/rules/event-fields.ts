/**
 * Small readers the Antwerp-chain and collusion rules share (issue 15): the log's events are plain JSON of many
 * shapes, so a rule reads each field defensively and skips an event that does not hold what it needs, rather than
 * throwing inside the engine.
 */
import type { JsonObject, JsonValue } from '../../json.js';
import { formatYardSlot, parseYardSlot, type YardSlot } from '../../yard/index.js';
import type { LogEvent, PortFacts } from '../rule.js';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** A non-empty string, else `undefined`. */
export const textOf = (value: JsonValue | undefined): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

/** A JSON object (not an array, not null), else `undefined`. */
export function objectOf(value: JsonValue | undefined): JsonObject | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}

/** An instant as milliseconds, `undefined` when it is not one. */
export function msOf(value: JsonValue | undefined): number | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

/** The event's time in milliseconds: the rules' only clock (`LogEvent.recordedAt`). */
export const eventMs = (event: LogEvent): number => Date.parse(event.recordedAt);

/**
 * A yard slot as the text `formatYardSlot` writes (`T/B/03/02/1`), from a `YardSlot` object or slot text, so that a
 * move's slot, a survey's text and the facts' slot compare equal; `null` when it is neither.
 */
export function slotKeyOf(value: JsonValue | undefined): string | null {
  const slot = objectOf(value);
  if (slot) {
    if (typeof slot.terminal !== 'string' || typeof slot.block !== 'string') return null;
    if (typeof slot.bay !== 'number' || typeof slot.row !== 'number' || typeof slot.tier !== 'number')
      return null;
    return formatYardSlot(slot as unknown as YardSlot);
  }
  if (typeof value !== 'string' || value === '') return null;
  try {
    return formatYardSlot(parseYardSlot(value));
  } catch {
    return value;
  }
}

/** How a box is named in a summary: its container number and visit, or the visit alone when the log has no number. */
export function boxName(facts: PortFacts, visitRef: string): string {
  const containerNumber = facts.visits[visitRef]?.containerNumber;
  return containerNumber ? `${containerNumber} (visit ${visitRef})` : `visit ${visitRef}`;
}

/** The terminal a visit is at by the facts, or `fallback`. */
export const terminalOf = (
  facts: PortFacts,
  visitRef: string,
  fallback: string | null = null,
): string | null => facts.visits[visitRef]?.terminal ?? fallback;

/**
 * An alert's evidence (`DetectionAlert.evidence`): the earlier indexes oldest first without repeats, the current
 * event last, at most 20 in all (the most recent earlier ones are kept: they are the ones inside the rule's window).
 */
export function evidenceOf(earlier: readonly number[], current: number): number[] {
  const before = [...new Set(earlier.filter((index) => index < current))].sort((a, b) => a - b);
  return [...before.slice(-19), current];
}

/** A duration for a sentence: `2 h 15 min`, `40 min`, `3 days`. */
export function durationText(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / MINUTE_MS));
  if (minutes < 60) return `${minutes} min`;
  if (minutes < 48 * 60) {
    const hours = Math.floor(minutes / 60);
    const rest = minutes % 60;
    return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
  }
  return `${Math.round(minutes / (24 * 60))} days`;
}

/** An instant for a sentence, UTC to the minute: `2026-03-02 14:00 UTC`. */
export const instantText = (ms: number): string =>
  `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/**
 * Whether an hourly housekeeping pass (pruning a window) is due at `nowMs`, the last one having run at `lastMs`:
 * rules prune at most once per simulated hour, so that a 90-day log stays cheap.
 */
export const hourlyDue = (lastMs: number, nowMs: number): boolean => nowMs - lastMs >= HOUR_MS;
