/**
 * Appointment slots: each terminal opens for pickups during its opening hours, cut into slots of a fixed length
 * with a capacity each, and a driver may arrive a little before or after his slot (the grace). MISSION §6:
 * slots are 15–60 minutes with about 30 minutes' grace, bookable days ahead.
 *
 * Opening hours are wall-clock times at the terminal, so a slot table follows daylight saving time: the slots
 * of a day run from each opening time to its closing time, in the terminal's IANA time zone, cut in absolute
 * minutes (a day of 23 or 25 hours has fewer or more slots). Time zones are resolved with `Intl`, which is pure
 * computation over the runtime's time zone data: no clock is read.
 */
import { DomainError } from '../errors.js';
import { integer, invalid } from '../pickup-fields.js';

/** One period the terminal takes pickups, as wall-clock `HH:MM` at the terminal; `to` may be `24:00`. */
export type OpeningHours = { readonly from: string; readonly to: string };

/** How one terminal cuts its days into appointment slots. */
export type SlotConfig = {
  /** Terminal code, e.g. `DPW1`. */
  readonly terminal: string;
  /** IANA time zone of the terminal's clocks, e.g. `Europe/Brussels`; opening hours are read in it. */
  readonly timeZone: string;
  readonly slotMinutes: number;
  /** How early before its slot a driver is still let through. */
  readonly graceBeforeMinutes: number;
  /** How late after its slot a driver is still let through. */
  readonly graceAfterMinutes: number;
  readonly capacityPerSlot: number;
  /** Periods of each day the terminal takes pickups, in order, not overlapping. */
  readonly openingHours: readonly OpeningHours[];
};

/** One bookable slot. Instants are ISO 8601 UTC with milliseconds. */
export type AppointmentSlot = {
  readonly slotId: string;
  readonly terminal: string;
  readonly start: string;
  readonly end: string;
  readonly capacity: number;
};

/** When a driver of a slot may pass the gate: from `start` (inclusive) to `end` (exclusive), grace included. */
export type SlotWindow = { readonly start: string; readonly end: string };

const CONFIG = 'appointment.config_invalid';
const MINUTE_MS = 60_000;
const TERMINAL = /^[A-Z0-9]{1,12}$/;
const HH_MM = /^(\d{2}):(\d{2})$/;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
// `T1@20250301T0800Z`: terminal, then the slot's start in UTC to the minute (ISO 8601 basic format).
const SLOT_ID = /^([A-Z0-9]{1,12})@(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})Z$/;

/**
 * Checks and normalises a slot configuration from settings; `appointment.config_invalid` otherwise.
 *
 * @example
 * ```ts
 * checkSlotConfig({ terminal: 'dpw1', timeZone: 'Europe/Brussels', slotMinutes: 30, graceBeforeMinutes: 30,
 *   graceAfterMinutes: 30, capacityPerSlot: 40, openingHours: [{ from: '06:00', to: '22:00' }] });
 * ```
 */
export function checkSlotConfig(value: unknown): SlotConfig {
  if (typeof value !== 'object' || value === null) throw invalid(CONFIG, 'config', 'must be an object');
  const config = value as Record<string, unknown>;
  const terminal = typeof config.terminal === 'string' ? config.terminal.trim().toUpperCase() : '';
  if (!TERMINAL.test(terminal)) throw invalid(CONFIG, 'terminal', 'must be a terminal code such as DPW1');
  const timeZone = checkTimeZone(config.timeZone);
  const slotMinutes = integer(CONFIG, 'slotMinutes', config.slotMinutes, 5, 240);
  const graceBeforeMinutes = integer(CONFIG, 'graceBeforeMinutes', config.graceBeforeMinutes, 0, 240);
  const graceAfterMinutes = integer(CONFIG, 'graceAfterMinutes', config.graceAfterMinutes, 0, 240);
  const capacityPerSlot = integer(CONFIG, 'capacityPerSlot', config.capacityPerSlot, 1, 10_000);
  if (
    !Array.isArray(config.openingHours) ||
    config.openingHours.length === 0 ||
    config.openingHours.length > 24
  ) {
    throw invalid(CONFIG, 'openingHours', 'must list 1 to 24 periods');
  }
  let previousEnd = -1;
  const openingHours = config.openingHours.map((period: unknown, i): OpeningHours => {
    const field = `openingHours[${i}]`;
    const { from, to } = (typeof period === 'object' && period !== null ? period : {}) as Record<
      string,
      unknown
    >;
    const start = minutesOfDay(field, from, false);
    const end = minutesOfDay(field, to, true);
    if (start >= end || start < previousEnd) {
      throw invalid(CONFIG, field, 'must start before it ends, and after the period before it');
    }
    previousEnd = end;
    return { from: from as string, to: to as string };
  });
  return {
    terminal,
    timeZone,
    slotMinutes,
    graceBeforeMinutes,
    graceAfterMinutes,
    capacityPerSlot,
    openingHours,
  };
}

/**
 * The slot id of the slot of `terminal` starting at `start`: `TERMINAL@YYYYMMDDTHHMMZ`, short enough for a QR
 * code and readable over a radio. `appointment.slot_invalid` when `start` is not on a whole UTC minute.
 *
 * @example
 * ```ts
 * slotIdOf('DPW1', '2025-03-01T08:00:00.000Z'); // 'DPW1@20250301T0800Z'
 * ```
 */
export function slotIdOf(terminal: string, start: string): string {
  const ms = typeof start === 'string' ? Date.parse(start) : Number.NaN;
  const code = typeof terminal === 'string' ? terminal.trim().toUpperCase() : '';
  if (!TERMINAL.test(code) || Number.isNaN(ms) || ms % MINUTE_MS !== 0) {
    throw new DomainError('appointment.slot_invalid', 'a slot starts on a whole minute of a terminal', {
      terminal,
      start,
    });
  }
  const iso = new Date(ms).toISOString();
  return `${code}@${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}Z`;
}

/**
 * The terminal and start instant of a slot id; `appointment.slot_invalid` otherwise.
 *
 * @example
 * ```ts
 * parseSlotId('DPW1@20250301T0800Z'); // { terminal: 'DPW1', start: '2025-03-01T08:00:00.000Z' }
 * ```
 */
export function parseSlotId(slotId: unknown): { terminal: string; start: string } {
  const match = typeof slotId === 'string' ? SLOT_ID.exec(slotId) : null;
  const ms = match
    ? Date.UTC(Number(match[2]), Number(match[3]) - 1, Number(match[4]), Number(match[5]), Number(match[6]))
    : Number.NaN;
  const start = Number.isNaN(ms) ? '' : new Date(ms).toISOString();
  // Date.UTC rolls 2025-02-30 over into March; the round trip refuses it.
  if (match === null || start === '' || slotIdOf(match[1]!, start) !== slotId) {
    throw new DomainError('appointment.slot_invalid', 'a slot id reads TERMINAL@YYYYMMDDTHHMMZ', {
      slotId: typeof slotId === 'string' ? slotId.slice(0, 40) : null,
    });
  }
  return { terminal: match[1]!, start };
}

/**
 * The slots of one terminal day (`YYYY-MM-DD` at the terminal), in order. A period that does not divide into
 * whole slots drops its last, shorter one.
 *
 * @example
 * ```ts
 * slotsFor(config, '2025-03-01')[0]; // { slotId: 'DPW1@20250301T0500Z', start: '2025-03-01T05:00:00.000Z', … }
 * ```
 */
export function slotsFor(config: SlotConfig, day: string): AppointmentSlot[] {
  const checked = checkSlotConfig(config);
  const match = typeof day === 'string' ? DAY.exec(day) : null;
  const date = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : Number.NaN;
  if (match === null || Number.isNaN(date) || new Date(date).toISOString().slice(0, 10) !== day) {
    throw invalid(CONFIG, 'day', 'must be a date such as 2025-03-01');
  }
  const step = checked.slotMinutes * MINUTE_MS;
  const slots: AppointmentSlot[] = [];
  for (const period of checked.openingHours) {
    const from = wallClockToUtc(checked.timeZone, date, minutesOfDay('from', period.from, false));
    const to = wallClockToUtc(checked.timeZone, date, minutesOfDay('to', period.to, true));
    for (let start = from; start + step <= to; start += step) {
      const iso = new Date(start).toISOString();
      slots.push({
        slotId: slotIdOf(checked.terminal, iso),
        terminal: checked.terminal,
        start: iso,
        end: new Date(start + step).toISOString(),
        capacity: checked.capacityPerSlot,
      });
    }
  }
  return slots;
}

/**
 * When the driver of `slot` may pass the gate: the slot widened by the terminal's grace before and after.
 *
 * @example
 * ```ts
 * slotWindow({ start: '2025-03-01T08:00:00Z', end: '2025-03-01T08:30:00Z' }, config);
 * // { start: '2025-03-01T07:30:00.000Z', end: '2025-03-01T09:00:00.000Z' } with 30 minutes' grace
 * ```
 */
export function slotWindow(
  slot: { readonly start: string; readonly end: string },
  config: Pick<SlotConfig, 'graceBeforeMinutes' | 'graceAfterMinutes'>,
): SlotWindow {
  const start = Date.parse(slot.start);
  const end = Date.parse(slot.end);
  if (Number.isNaN(start) || Number.isNaN(end) || start >= end) {
    throw new DomainError('appointment.slot_invalid', 'a slot starts before it ends', {
      start: slot.start,
      end: slot.end,
    });
  }
  const before = integer(CONFIG, 'graceBeforeMinutes', config.graceBeforeMinutes, 0, 240);
  const after = integer(CONFIG, 'graceAfterMinutes', config.graceAfterMinutes, 0, 240);
  return {
    start: new Date(start - before * MINUTE_MS).toISOString(),
    end: new Date(end + after * MINUTE_MS).toISOString(),
  };
}

function minutesOfDay(field: string, value: unknown, mayBeMidnight: boolean): number {
  const match = typeof value === 'string' ? HH_MM.exec(value) : null;
  const hours = Number(match?.[1]);
  const minutes = Number(match?.[2]);
  const total = hours * 60 + minutes;
  if (match === null || minutes > 59 || total > (mayBeMidnight ? 1440 : 1439)) {
    throw invalid(
      CONFIG,
      field,
      `must be a wall-clock time from 00:00 to ${mayBeMidnight ? '24:00' : '23:59'}`,
    );
  }
  return total;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

function checkTimeZone(value: unknown): string {
  if (typeof value === 'string' && value.length <= 64) {
    try {
      return formatterFor(value).resolvedOptions().timeZone;
    } catch {
      // RangeError: not a time zone this runtime knows.
    }
  }
  throw invalid(CONFIG, 'timeZone', 'must be an IANA time zone such as Europe/Brussels');
}

/** How far the wall clock of `timeZone` is ahead of UTC at instant `ms`. */
function offsetMs(timeZone: string, ms: number): number {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(ms)) parts[part.type] = Number(part.value);
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return wall - (ms - (((ms % 1000) + 1000) % 1000));
}

/**
 * The instant at which the wall clock of `timeZone` shows `minutes` after midnight of the UTC date `date`. Two
 * passes settle the offset on either side of a daylight saving change; a wall time that does not exist (in the
 * spring gap) lands an offset later.
 */
function wallClockToUtc(timeZone: string, date: number, minutes: number): number {
  const wall = date + minutes * MINUTE_MS;
  const first = wall - offsetMs(timeZone, wall);
  return wall - offsetMs(timeZone, first);
}

/**
 * The slots a driver can still make at `now` (issue 14): those whose gate window, grace included, has not closed.
 * A slot whose window is already open is still offered (a truck round the corner makes it); one that closed is not,
 * since its booking could only end at a refusing gate.
 *
 * @example
 * ```ts
 * slotsStillReachable(slotsFor(config, '2025-03-01'), config, '2025-03-01T12:00:00Z'); // from the 11:00 slot on
 * ```
 */
export function slotsStillReachable<T extends { readonly start: string; readonly end: string }>(
  slots: readonly T[],
  config: Pick<SlotConfig, 'graceBeforeMinutes' | 'graceAfterMinutes'>,
  now: string | Date,
): T[] {
  const at = typeof now === 'string' ? Date.parse(now) : now.getTime();
  if (Number.isNaN(at)) throw invalid(CONFIG, 'now', 'must be an instant');
  return slots.filter((slot) => Date.parse(slotWindow(slot, config).end) > at);
}
