/**
 * Where the server's log goes (issue 14, item 10: start-up output for people). `portledger serve` and `demo` print
 * a few lines for the person at the terminal; the server's own log — one JSON line per HTTP request, and whatever the
 * integrity watch, the witnesses and the simulator report — would bury them. So:
 *
 * - with a log level (`--log-level`, `PORTLEDGER_LOG_LEVEL`, or the older `LOG_LEVEL`), the JSON lines go to stderr
 *   from that level on, as before, for operators whose collectors read them;
 * - without one, they go to a file (`PORTLEDGER_LOG_FILE`, by default `portledger.log` beside the signing key) from
 *   `info` on, and stderr gets only warnings and errors, one readable line each, its time on the terminal's clock
 *   with the zone named.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import pino, { type Logger } from 'pino';
import { terminalTime } from '../domain/index.js';

/** pino's levels, and `silent`. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * A log level as given (`--log-level`, or a setting named by `source`); `undefined` when none is. Anything else
 * stops the start with one clear line rather than pino's own error.
 */
export function parseLogLevel(value: string | undefined, source: string): LogLevel | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const level = value.trim().toLowerCase();
  if ((LOG_LEVELS as readonly string[]).includes(level)) return level as LogLevel;
  throw new Error(`${source} must be one of ${LOG_LEVELS.join(', ')}, not ${value}`);
}

const LEVEL_WORDS: Record<number, string> = { 40: 'warning', 50: 'error', 60: 'fatal error' };

/**
 * One JSON log line as a person reads it: `2030-03-04 09:30 (Europe/Brussels) warning: could not sign a
 * checkpoint: database is locked`. A line that is not JSON is passed on as it is.
 *
 * @example
 * ```ts
 * humanLogLine('{"level":40,"time":1899000000000,"msg":"slow"}', 'Europe/Brussels'); // '2030-03-04 … warning: slow\n'
 * ```
 */
export function humanLogLine(line: string, timeZone: string | undefined): string {
  let entry: { level?: unknown; time?: unknown; msg?: unknown; err?: { message?: unknown } };
  try {
    entry = JSON.parse(line);
  } catch {
    return line.endsWith('\n') ? line : `${line}\n`;
  }
  const when = typeof entry.time === 'number' ? `${terminalTime(entry.time, timeZone)} ` : '';
  const level = typeof entry.level === 'number' ? (LEVEL_WORDS[entry.level] ?? 'note') : 'note';
  const message = typeof entry.msg === 'string' ? entry.msg : '';
  const cause = typeof entry.err?.message === 'string' ? entry.err.message : '';
  const text = [message, cause].filter((part) => part !== '').join(': ');
  return `${when}${level}: ${text}\n`;
}

/** The server's logger, and where its lines go (said once at start-up). */
export interface ServerLog {
  readonly logger: Logger;
  /** `stderr`, or the file the JSON lines are appended to. */
  readonly destination: string;
  /** Closes the file, once the server has stopped. */
  close(): void;
}

/**
 * The server's logger: JSON to stderr at `level`, or, without one, JSON to `file` and readable warnings to
 * `stderr` on the terminal's clock (`timeZone()` is asked at each line: the terminal is known only once the system
 * is open).
 */
export function serverLog(args: {
  level: LogLevel | undefined;
  file: string;
  stderr: NodeJS.WritableStream;
  timeZone: () => string | undefined;
}): ServerLog {
  if (args.level !== undefined) {
    return { logger: pino({ level: args.level }, pino.destination(2)), destination: 'stderr', close() {} };
  }
  mkdirSync(dirname(args.file), { recursive: true });
  // Appended synchronously, a line at a time, so that nothing is lost when the process stops or crashes.
  const fd = openSync(args.file, 'a', 0o600);
  let open = true;
  const toFile = {
    write(line: string) {
      if (open) writeSync(fd, line);
    },
  };
  const toPerson = {
    write(line: string) {
      args.stderr.write(humanLogLine(line, args.timeZone()));
    },
  };
  const logger = pino(
    { level: 'info' },
    pino.multistream([
      { level: 'info', stream: toFile },
      { level: 'warn', stream: toPerson },
    ]),
  );
  return {
    logger,
    destination: args.file,
    close() {
      if (open) closeSync(fd);
      open = false;
    },
  };
}

/**
 * The URL a person opens for a server bound to `host`: `localhost` for this machine's own or any address, since
 * passkeys are bound to a host name and a browser refuses them on 127.0.0.1.
 *
 * @example
 * ```ts
 * urlPeopleOpen('127.0.0.1', 8080); // 'http://localhost:8080'
 * ```
 */
export function urlPeopleOpen(host: string, port: number): string {
  const local =
    ['localhost', '127.0.0.1', '::1', '0.0.0.0', '::', ''].includes(host) || host.startsWith('127.');
  const name = local ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `http://${name}:${port}`;
}
