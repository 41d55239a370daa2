import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Command, InvalidArgumentError } from 'commander';
import {
  checkLog,
  type LogHttpPort,
  type MonitorOutcome,
  type MonitorState,
  parseMonitorState,
} from '../app/audit/index.js';
import { type CosignatureVerifier, parseCosignatureVerifierKey } from '../audit/cosignature.js';
import { replaceFileAtomically } from '../witness/durable-file.js';

type Io = { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream };

export interface MonitorOptions {
  readonly url: string;
  readonly state: string;
  readonly once?: boolean;
  readonly interval?: number;
  readonly witness?: readonly string[];
  readonly quorum?: number;
  readonly logKey?: string;
}

/** How long one request to the log may take before the check counts it unreachable. */
const REQUEST_TIMEOUT_MS = 15_000;
/** The most a log may answer: a checkpoint or a proof of a few KB; anything larger is not the log. */
const MAX_ANSWER_BYTES = 1 << 20;

/** The log's audit API over fetch. */
export function httpLog(baseUrl: string): LogHttpPort {
  const base = baseUrl.replace(/\/+$/, '');
  return {
    async get(pathAndQuery) {
      const response = await fetch(`${base}${pathAndQuery}`, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        redirect: 'error',
      });
      const text = await response.text();
      if (text.length > MAX_ANSWER_BYTES) return { status: response.status, body: undefined };
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      return { status: response.status, body };
    },
  };
}

/** Reads the state file: undefined when there is none yet (first use); throws when it is not a monitor's state. */
function readState(path: string): MonitorState | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const state = parseMonitorState(json);
  // Starting over on first use would trust whatever the log shows now: a broken state file stops the monitor.
  if (!state) throw new Error(`${path} is not a monitor state file; move it away to start over`);
  return state;
}

/**
 * Replaces the state file atomically: write a temporary file beside it, fsync, rename over, fsync the folder. A
 * crash leaves the old state or the new one, never a torn file that would restart trust on first use.
 */
export async function writeStateAtomically(path: string, state: MonitorState): Promise<void> {
  await replaceFileAtomically(path, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
}

function summary(outcome: Extract<MonitorOutcome, { ok: true }>, url: string): string {
  const growth =
    outcome.previousSize === undefined
      ? `first check${outcome.pinnedKey ? `, pinned log key ${outcome.state.logKey}` : ''}`
      : outcome.previousSize === outcome.treeSize
        ? 'unchanged since the last check'
        : `extends the kept checkpoint of size ${outcome.previousSize} (consistency proof verified)`;
  const cosigned = outcome.cosignatures.length > 0 ? `, cosigned by ${outcome.cosignatures.join(', ')}` : '';
  return `ok: ${url} checkpoint of size ${outcome.treeSize} ${growth}${cosigned}`;
}

/**
 * `portledger monitor`: exit 0 after one good check with `--once`; exit 1 with one line naming `rollback` or
 * `fork` and both sizes when the log cannot prove it extends what it showed before (or a bad signature, a
 * missing quorum); exit 2 when the log could not be reached with `--once`. Without `--once` it checks every
 * `--interval` seconds until stopped, with a status line on stderr, and rides out an unreachable log.
 */
export async function monitorCommand(options: MonitorOptions, io: Io, stop?: AbortSignal): Promise<number> {
  const stopped = stop ?? (options.once ? undefined : interruptSignal());
  let witnesses: CosignatureVerifier[];
  try {
    witnesses = (options.witness ?? []).map((key) => parseCosignatureVerifierKey(key));
  } catch (error) {
    io.stderr.write(`monitor: --witness is not a cosignature/v1 verifier key: ${(error as Error).message}\n`);
    return 1;
  }
  if (options.quorum !== undefined && (options.quorum < 1 || options.quorum > witnesses.length)) {
    io.stderr.write(`monitor: --quorum must be between 1 and the ${witnesses.length} --witness keys given\n`);
    return 1;
  }
  const log = httpLog(options.url);
  const interactive = (io.stderr as NodeJS.WriteStream).isTTY === true;
  let checks = 0;
  for (;;) {
    let state: MonitorState | undefined;
    try {
      state = readState(options.state);
    } catch (error) {
      io.stderr.write(`monitor: ${(error as Error).message}\n`);
      return 1;
    }
    const outcome = await checkLog({
      log,
      state,
      witnesses,
      now: new Date(),
      ...(options.logKey !== undefined ? { logKey: options.logKey } : {}),
      ...(options.quorum !== undefined ? { quorum: options.quorum } : {}),
    });
    checks += 1;
    if (outcome.ok) {
      await writeStateAtomically(options.state, outcome.state);
      if (options.once) {
        io.stdout.write(`${summary(outcome, options.url)}\n`);
        return 0;
      }
      const line = `[${new Date().toISOString()}] check ${checks}: ${summary(outcome, options.url)}`;
      io.stderr.write(interactive ? `\r\x1b[2K${line}` : `${line}\n`);
    } else if (outcome.problem === 'unreachable' && !options.once) {
      const line = `[${new Date().toISOString()}] check ${checks}: ${outcome.message} (retrying)`;
      io.stderr.write(interactive ? `\r\x1b[2K${line}` : `${line}\n`);
    } else {
      if (outcome.state && outcome.state !== state) await writeStateAtomically(options.state, outcome.state);
      if (interactive && !options.once) io.stderr.write('\n');
      io.stderr.write(`${outcome.message}\n`);
      return outcome.problem === 'unreachable' ? 2 : 1;
    }
    try {
      await sleep((options.interval ?? 60) * 1000, undefined, { signal: stopped });
    } catch {
      if (interactive) io.stderr.write('\n');
      return 0;
    }
  }
}

/** Aborted by Ctrl-C or a SIGTERM: a watching monitor stops between checks, with exit 0. */
function interruptSignal(): AbortSignal {
  const controller = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => controller.abort());
  return controller.signal;
}

function positiveInteger(name: string) {
  return (value: string): number => {
    if (!/^[1-9]\d*$/.test(value) || !Number.isSafeInteger(Number(value))) {
      throw new InvalidArgumentError(`${name} must be a positive integer`);
    }
    return Number(value);
  };
}

export function registerMonitorCommand(
  program: Command,
  run: <T>(command: (input: T, io: Io) => Promise<number | undefined>) => (input: T) => Promise<void>,
): void {
  program
    .command('monitor')
    .description(
      "watch a PortLedger log from outside: check each checkpoint's signature (and witness quorum) and that it extends the one kept in --state; exit 1 naming rollback or fork and both sizes when it does not",
    )
    .requiredOption('--url <url>', 'the log, e.g. https://portledger.example')
    .requiredOption(
      '--state <file>',
      'where the last checkpoint is kept between checks (created on first use)',
    )
    .option('--once', 'check once and exit: 0 if the log extends the kept checkpoint')
    .option(
      '--interval <seconds>',
      'seconds between checks without --once',
      positiveInteger('--interval'),
      60,
    )
    .option('--witness <vkey...>', "a witness's cosignature/v1 verifier key (name+id+base64); repeatable")
    .option(
      '--quorum <n>',
      'how many of the --witness keys must have cosigned (default: all)',
      positiveInteger('--quorum'),
    )
    .option('--log-key <vkey>', "the log's verifier key (default: pinned from the log on first use)")
    .action(run((options: MonitorOptions, io: Io) => monitorCommand(options, io)));
}
