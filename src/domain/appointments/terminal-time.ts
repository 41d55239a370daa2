/**
 * The terminal's clock, in words (issue 14, "one clock rule"): everything a terminal schedules — slots, gate windows
 * — is said on the wall clock of the terminal, with its IANA zone named, so that a driver, a clerk and an operator
 * reading a start-up line all read the same hour whatever zone their own device is set to. Pure: `Intl` computes
 * over the runtime's time zone data and no clock is read; `now` comes in as an argument.
 */

const MINUTE_MS = 60_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** An `en-GB` 24-hour formatter for `timeZone`; `undefined` when the runtime does not know the zone. */
function formatterFor(timeZone: string): Intl.DateTimeFormat | undefined {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    try {
      formatter = new Intl.DateTimeFormat('en-GB', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
      });
    } catch {
      return undefined;
    }
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The terminal's wall clock at `instant`: `{ date: 'YYYY-MM-DD', time: 'HH:MM', zone }`, in UTC when the zone is unknown. */
export function terminalWallClock(
  instant: string | number | Date,
  timeZone: string | undefined,
): { date: string; time: string; zone: string } | undefined {
  const ms =
    instant instanceof Date ? instant.getTime() : typeof instant === 'number' ? instant : Date.parse(instant);
  if (!Number.isFinite(ms)) return undefined;
  const zone = timeZone !== undefined && formatterFor(timeZone) !== undefined ? timeZone : 'UTC';
  const parts: Record<string, string> = {};
  for (const part of formatterFor(zone)!.formatToParts(ms)) parts[part.type] = part.value;
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}`, zone };
}

/**
 * A time of the terminal's day with its zone named: `09:30 (Europe/Brussels)`; with the date in front when it falls
 * on another terminal day than `sameDayAs` (or always, without `sameDayAs`): `2030-03-05 09:30 (Europe/Brussels)`.
 * An unknown zone is said in UTC, and named so.
 *
 * @example
 * ```ts
 * terminalTime('2030-03-04T08:30:00Z', 'Europe/Brussels', '2030-03-04T08:27:00Z'); // '09:30 (Europe/Brussels)'
 * terminalTime('2030-03-04T08:30:00Z', 'Europe/Brussels'); // '2030-03-04 09:30 (Europe/Brussels)'
 * ```
 */
export function terminalTime(
  instant: string | number | Date,
  timeZone: string | undefined,
  sameDayAs?: string | number | Date,
): string {
  const clock = terminalWallClock(instant, timeZone);
  if (clock === undefined) return String(instant);
  const today = sameDayAs === undefined ? undefined : terminalWallClock(sameDayAs, timeZone);
  const date = today !== undefined && today.date === clock.date ? '' : `${clock.date} `;
  return `${date}${clock.time} (${clock.zone})`;
}

/**
 * A span of time as a person says it: `less than a minute`, `1 minute`, `3 minutes`, `2 hours`, `1 hour 5
 * minutes`, `3 days 2 hours`, in whole minutes. A wait still to come is rounded up (a driver told "in 3 minutes" is
 * not refused again at the third), one already past rounded down.
 *
 * @example
 * ```ts
 * durationInWords(185 * 60_000); // '3 hours 5 minutes'
 * durationInWords(150_000, 'up'); // '3 minutes'
 * ```
 */
export function durationInWords(ms: number, round: 'up' | 'down' = 'down'): string {
  const exact = Math.abs(ms) / MINUTE_MS;
  const minutes = round === 'up' ? Math.ceil(exact) : Math.floor(exact);
  if (minutes < 1) return 'less than a minute';
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  if (days > 0) return [plural(days, 'day'), ...(hours > 0 ? [plural(hours, 'hour')] : [])].join(' ');
  if (hours > 0) return [plural(hours, 'hour'), ...(rest > 0 ? [plural(rest, 'minute')] : [])].join(' ');
  return plural(rest, 'minute');
}
