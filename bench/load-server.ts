/**
 * The processes of `npm run load`: the database it runs on (a temporary SQLite file, or a schema of its own on
 * PostgreSQL, as the integration tests and `several-instances.test.ts` take one), the `portledger` CLI that
 * registers organisations, tokens and people, and the `portledger serve` it drives. Every process runs the
 * compiled CLI (`bin/portledger.js`) with the same keys and the same clock shift (`load-clock.ts`).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { CLOCK_SHIFT_ENV } from './load-clock.js';

const binPath = join(import.meta.dirname, '..', '..', 'bin', 'portledger.js');
const clockModule = pathToFileURL(join(import.meta.dirname, 'load-clock.js')).href;

/** Where the run's data lives, and how to remove it. */
export interface LoadDatabase {
  readonly url: string;
  /** For the report: `sqlite` or `postgres`. */
  readonly kind: 'sqlite' | 'postgres';
  /** The folder of the keys (and of the SQLite file). */
  readonly dir: string;
  remove(): Promise<void>;
}

/**
 * A fresh database: a SQLite file in a temporary folder for `sqlite:` or nothing, or a new schema on the
 * PostgreSQL of `postgres://…` (reached with `search_path` in the URL), dropped by `remove` unless `keep`.
 * A `sqlite:PATH` given is used as it is and never removed.
 */
export async function openLoadDatabase(given: string | undefined, keep: boolean): Promise<LoadDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'portledger-load-'));
  const removeDir = () => {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  };
  if (given === undefined || given === 'sqlite' || given === 'sqlite:') {
    return {
      url: `sqlite:${join(dir, 'load.db')}`,
      kind: 'sqlite',
      dir,
      remove: async () => removeDir(),
    };
  }
  if (given.startsWith('sqlite:'))
    return { url: given, kind: 'sqlite', dir, remove: async () => removeDir() };
  if (!/^postgres(ql)?:\/\//.test(given)) {
    throw new Error(`--db must be sqlite:PATH or postgres://…, not ${given}`);
  }
  const schema = `load_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: given });
  await admin.connect();
  try {
    await admin.query(`create schema "${schema}"`);
  } finally {
    await admin.end();
  }
  const separator = given.includes('?') ? '&' : '?';
  return {
    url: `${given}${separator}options=-c%20search_path%3D${schema}`,
    kind: 'postgres',
    dir,
    async remove() {
      removeDir();
      if (keep) return;
      const client = new pg.Client({ connectionString: given });
      await client.connect();
      try {
        await client.query(`drop schema if exists "${schema}" cascade`);
      } finally {
        await client.end();
      }
    },
  };
}

/** The environment every process of the run shares: the keys in the run's folder, its log origin, its clock. */
export function loadEnvironment(dir: string, clockShiftMs: number): NodeJS.ProcessEnv {
  return {
    PORTLEDGER_SIGNING_KEY_FILE: join(dir, 'log.key'),
    PORTLEDGER_DATA_KEY_FILE: join(dir, 'data.key'),
    PORTLEDGER_CHECKPOINT_FILE: join(dir, 'log.checkpoint'),
    PORTLEDGER_LOG_ORIGIN: `load-${process.pid}.portledger.local/log`,
    [CLOCK_SHIFT_ENV]: String(clockShiftMs),
  };
}

const nodeArgs = (env: NodeJS.ProcessEnv, args: readonly string[], profileDir?: string) => [
  ...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []),
  ...(Number(env[CLOCK_SHIFT_ENV] ?? 0) !== 0 ? ['--import', clockModule] : []),
  binPath,
  ...args,
];

/** Runs one `portledger` command; its stdout, or an error with its stderr when it fails. */
export async function runPortledger(args: readonly string[], env: NodeJS.ProcessEnv): Promise<string> {
  const child = spawn(process.execPath, nodeArgs(env, args), {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0)
    throw new Error(`portledger ${args.slice(0, 2).join(' ')} exited ${code}: ${stderr.trim()}`);
  return stdout;
}

/** A started `portledger serve`. */
export interface LoadServer {
  readonly url: string;
  readonly pid: number | undefined;
  /** Lines the server logged at level error or fatal (pino levels 50 and 60) since it started. */
  errorLines(): string[];
  /**
   * From now on, keep the response time (ms) Fastify logs for each request completed ("request completed", at log
   * level info), with the request's method and URL from its "incoming request" line; `stop` returns them.
   */
  recordResponseTimes(): { stop(): Promise<{ method: string; url: string; ms: number }[]> };
  /** CPU time the server process has used so far (user + system), in ms, and its resident memory in MB. */
  usage(): { cpuMs: number; rssMb: number };
  stop(): Promise<void>;
}

/**
 * Starts `portledger serve` on `databaseUrl` on a free port of 127.0.0.1, and waits until `/readyz` answers 200.
 * With `profileDir`, the server writes a V8 CPU profile there when it stops (`node --cpu-prof`).
 */
export async function startLoadServer(
  databaseUrl: string,
  env: NodeJS.ProcessEnv,
  options: { logLevel: string; profileDir?: string },
): Promise<LoadServer> {
  const child: ChildProcess = spawn(
    process.execPath,
    nodeArgs(env, ['serve', '--db', databaseUrl, '--host', '127.0.0.1', '--port', '0'], options.profileDir),
    {
      env: { ...process.env, ...env, LOG_LEVEL: options.logLevel },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const errors: string[] = [];
  let tail = '';
  let recording: { method: string; url: string; ms: number }[] | undefined;
  const incoming = new Map<string, { method: string; url: string }>();
  const note = (line: string) => {
    if (/"level":(50|60)/.test(line)) errors.push(line);
    if (!recording || !line.includes('"reqId"')) return;
    try {
      const entry = JSON.parse(line) as {
        reqId?: string;
        msg?: string;
        req?: { method?: string; url?: string };
        responseTime?: number;
      };
      if (entry.msg === 'incoming request' && entry.reqId && entry.req?.method && entry.req.url) {
        incoming.set(entry.reqId, { method: entry.req.method, url: entry.req.url });
      } else if (entry.msg === 'request completed' && entry.reqId && typeof entry.responseTime === 'number') {
        const request = incoming.get(entry.reqId);
        incoming.delete(entry.reqId);
        if (request) recording.push({ ...request, ms: entry.responseTime });
      }
    } catch {
      // Not a log line of the server's own (a stack trace, say): nothing to time.
    }
  };
  child.stderr?.on('data', (chunk: Buffer) => {
    const lines = (tail + String(chunk)).split('\n');
    tail = lines.pop() ?? '';
    for (const line of lines) note(line);
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk) => {
      out += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) =>
      reject(new Error(`portledger serve exited ${code}: ${[...errors, tail].join('\n').slice(-2000)}`)),
    );
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    const status = await fetch(`${url}/readyz`).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) break;
    if (Date.now() > deadline)
      throw new Error(`${url}/readyz did not answer 200 within 60 s (last ${status})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    pid: child.pid,
    errorLines: () => [...errors],
    recordResponseTimes() {
      const kept: { method: string; url: string; ms: number }[] = [];
      recording = kept;
      return {
        async stop() {
          // The last lines may still be on their way through the pipe.
          await new Promise((resolve) => setTimeout(resolve, 300));
          if (recording === kept) recording = undefined;
          incoming.clear();
          return kept;
        },
      };
    },
    usage: () => processUsage(child.pid),
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * A process's CPU time and RSS from /proc (Linux): utime and stime are fields 14 and 15 of /proc/PID/stat, in clock
 * ticks of 1/100 s (proc(5)); 0 where /proc is not there.
 */
function processUsage(pid: number | undefined): { cpuMs: number; rssMb: number } {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuMs = (Number(fields[11]) + Number(fields[12])) * 10;
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    return { cpuMs, rssMb: Math.round(rssKb / 1024) };
  } catch {
    return { cpuMs: 0, rssMb: 0 };
  }
}
