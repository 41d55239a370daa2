/**
 * The console's one clock rule (issue 14):
 *
 * - whatever a terminal schedules (slots, gate windows, the pass) is shown in the terminal's own time zone, with
 *   the zone named, so that a driver whose phone is set to another zone reads the same time as the gate's clock;
 * - instants that are not terminal business ("booked at", "signed at", a passkey's last use) are shown in the
 *   viewer's own zone, marked as such.
 *
 * The terminal's zone comes from the server (`GET /v1/terminals`, or the zone a booking or a pass carries), never
 * from the browser. Formats follow the console's language (`intlLocale`).
 */
import { useEffect, useSyncExternalStore } from 'react';
import { apiGet } from './api.js';
import { i18next, intlLocale, useLanguage } from './i18n/index.js';

/** A terminal as `GET /v1/terminals` lists it. */
export interface Terminal {
  terminal: string;
  name: string;
  timeZone: string;
}

/** Whether this browser knows `timeZone` (IANA tz database names). */
function knownZone(timeZone: string | null | undefined): timeZone is string {
  if (!timeZone) return false;
  try {
    new Intl.DateTimeFormat(undefined, { timeZone });
    return true;
  } catch {
    return false;
  }
}

const validDate = (iso: string): Date | undefined => {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? undefined : date;
};

/** Formats `iso` with `options`, or shows it as it came when it is not an instant. */
function format(iso: string | null | undefined, options: Intl.DateTimeFormatOptions): string {
  if (!iso) return '—';
  const date = validDate(iso);
  return date ? new Intl.DateTimeFormat(intlLocale(), options).format(date) : iso;
}

const TIME: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit' };
const DATE_TIME: Intl.DateTimeFormatOptions = {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
};
const DAY: Intl.DateTimeFormatOptions = { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' };

/** A terminal's clock: formats instants as the gate's clock shows them, and names the zone. */
export interface TerminalClock {
  /** The IANA zone the times are in: the terminal's, or UTC when it is not known (and `label` says so). */
  readonly zone: string;
  /** Whether `zone` is the terminal's own (false: UTC stands in, and the label says UTC). */
  readonly known: boolean;
  /** "terminal time, Europe/Brussels": what every terminal time on a screen is followed by. */
  readonly label: string;
  dateTime(iso: string): string;
  time(iso: string): string;
  day(iso: string): string;
  /** "Tue 3 Mar 2026, 06:00–06:30": a slot or window, its end as a time only when on the same terminal day. */
  range(startIso: string, endIso: string): string;
  /** "06:00–06:30". */
  timeRange(startIso: string, endIso: string): string;
  /** The terminal day (`YYYY-MM-DD`) of an instant, as the slot tables count days. */
  dayKey(iso: string | number): string;
}

/**
 * The clock of a terminal whose zone is `timeZone` (from the server). Without a zone this browser knows, UTC stands
 * in, and its label says UTC rather than pretend it is the terminal's.
 *
 * @example
 * ```ts
 * terminalClock('Europe/Brussels').range('2026-03-03T05:00:00Z', '2026-03-03T05:30:00Z');
 * // 'Tue, 3 Mar 2026, 06:00–06:30' (en-GB)
 * ```
 */
export function terminalClock(timeZone: string | null | undefined): TerminalClock {
  const known = knownZone(timeZone);
  const zone = known ? timeZone : 'UTC';
  const t = i18next.t;
  const dayKey = (at: string | number) =>
    new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    }).format(new Date(at));
  const time = (iso: string) => format(iso, { ...TIME, timeZone: zone });
  const dateTime = (iso: string) => format(iso, { ...DATE_TIME, timeZone: zone });
  return {
    zone,
    known,
    label: known ? t('common:clock.terminalZone', { zone }) : t('common:clock.terminalZoneUnknown'),
    dateTime,
    time,
    day: (iso) => format(iso, { ...DAY, timeZone: zone }),
    range: (start, end) =>
      dayKey(start) === dayKey(end)
        ? `${dateTime(start)}–${time(end)}`
        : `${dateTime(start)} – ${dateTime(end)}`,
    timeRange: (start, end) => `${time(start)}–${time(end)}`,
    dayKey,
  };
}

/** An instant in the viewer's own zone, with date and time. */
export function localDateTime(iso: string | null | undefined): string {
  return format(iso, { dateStyle: 'medium', timeStyle: 'short' });
}

/** A time of day in the viewer's own zone. */
export function localTime(iso: string | null | undefined): string {
  return format(iso, { timeStyle: 'short' });
}

/** An instant in the viewer's own zone, marked as such: "3 Mar 2026, 14:05 (your time)". */
export function yourTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return i18next.t('common:clock.yourTime', { time: localDateTime(iso) });
}

/** A number in the console's language: 12,345 or 12.345. */
export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return new Intl.NumberFormat(intlLocale()).format(value);
}

// The terminals are fetched once per page load, by the first screen that needs a terminal's zone.
type TerminalsState = { status: 'idle' | 'loading' | 'failed' } | { status: 'ready'; terminals: Terminal[] };
let terminalsState: TerminalsState = { status: 'idle' };
const listeners = new Set<() => void>();

function setTerminals(next: TerminalsState): void {
  terminalsState = next;
  for (const listener of listeners) listener();
}

function loadTerminals(): void {
  if (terminalsState.status !== 'idle') return;
  setTerminals({ status: 'loading' });
  apiGet<{ terminals: Terminal[] }>('/v1/terminals')
    .then(({ terminals }) => setTerminals({ status: 'ready', terminals }))
    .catch(() => setTerminals({ status: 'failed' }));
}

function subscribeTerminals(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Forgets the terminals (after signing out), so the next person's session fetches them again. */
export function forgetTerminals(): void {
  setTerminals({ status: 'idle' });
}

/**
 * The port's terminals, fetched once (the first screen that shows a terminal's times asks for them); `pending`
 * while they are on their way. Only screens of terminal business use it: every role but the administrator, who
 * schedules nothing, may read them (`terminal.read`).
 */
export function useTerminals(): { terminals: Terminal[] | undefined; pending: boolean } {
  const state = useSyncExternalStore(
    subscribeTerminals,
    () => terminalsState,
    () => terminalsState,
  );
  useEffect(() => loadTerminals(), []);
  return {
    terminals: state.status === 'ready' ? state.terminals : undefined,
    pending: state.status === 'idle' || state.status === 'loading',
  };
}

/**
 * The clock of terminal `code`. `zone`, when the answer on screen carries one (a booking's `timeZone`, a pass's
 * `terminalTimeZone`), is the server's word for this very thing and wins; else the terminal list gives it. Until the
 * list is in, `pending` is true, so that times wait rather than show in the wrong zone.
 */
export function useTerminalClock(
  code: string | null | undefined,
  zone?: string | null,
): TerminalClock & { pending: boolean; name: string | undefined } {
  useLanguage();
  const { terminals, pending } = useTerminals();
  const listed = terminals?.find((terminal) => terminal.terminal === code);
  const clock = terminalClock(zone ?? listed?.timeZone ?? null);
  return { ...clock, pending: !zone && pending, name: listed?.name };
}
