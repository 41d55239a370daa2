/**
 * The demo port as `portledger demo` starts it (README, "Quick start"), in the test's own process: a fresh SQLite
 * file in a temp directory, the demo's own seeding (`seedDemoOnce`: the vessel call of 2,000 boxes, the people, the
 * release chains in flight, today's pickups, `demo-secrets.json`) with what it prints, and the HTTP server on
 * `http://localhost:PORT`. Unlike the CLI it runs on a clock of the test's choosing, so that the day's gate window is
 * open whatever the hour the test runs; the live simulator is off, so that nothing moves the boxes a test follows.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../src/app/ports.js';
import { type DemoSeeded, seedDemoOnce } from '../../src/cli/demo.js';
import { openSystem, type System } from '../../src/cli/system.js';
import type { DemoPickup } from '../../src/demo/demo-cargo.js';
import { buildServer } from '../../src/http/server.js';

export interface DemoServer {
  readonly system: System;
  readonly app: FastifyInstance;
  /** `http://localhost:PORT`, without a trailing slash. */
  readonly baseUrl: string;
  /** What the demo printed on its first start: the links, passwords and the operator's confirm line. */
  readonly printed: string;
  /** The one-time enrolment link the demo printed for each username. */
  readonly links: ReadonlyMap<string, string>;
  /** The password and base32 TOTP secret printed for the people whose role may use one, by username. */
  readonly passwords: ReadonlyMap<string, { password: string; totpSecret: string }>;
  /** The `pickups` of `demo-secrets.json`: today's printed credentials, as the haulier handed them out. */
  readonly pickups: readonly DemoPickup[];
  close(): Promise<void>;
}

/** A port nobody listens on now: the links name the port, so it must be known before the demo seeds. */
function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, 'localhost', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}

/** Starts the demo on a fresh temp SQLite file with `clock` as the port's time. */
export async function startDemoServer(options: { clock: Clock }): Promise<DemoServer> {
  const dir = mkdtempSync(join(tmpdir(), 'portledger-tour-'));
  const port = await freePort();
  const baseUrl = `http://localhost:${port}`;
  // Only the database and the URL are set: every other setting is the demo's default, whatever the environment.
  const system = await openSystem({
    databaseUrl: `sqlite:${join(dir, 'port.db')}`,
    publicUrl: baseUrl,
    clock: options.clock,
    env: {},
  });
  let printed = '';
  const stdout = new Writable({
    write(chunk, _encoding, done) {
      printed += String(chunk);
      done();
    },
  });
  let seeded: DemoSeeded;
  let app: FastifyInstance | undefined;
  let signer: NodeJS.Timeout | undefined;
  try {
    seeded = await seedDemoOnce(system, { stdout });
    app = await buildServer({
      reads: system.store,
      verifierKey: system.verifierKey,
      auth: system.auth,
      terminals: system.terminals,
      publicUrl: system.publicUrl,
      pickup: system.gate,
      cosignatures: system.store.cosignatures,
    });
    await app.listen({ host: 'localhost', port });
    // As `portledger serve` does: checkpoints are signed a moment after the events they cover.
    signer = setInterval(() => void system.ledger.signPending().catch(() => undefined), 500);
    await system.ledger.signPending();
  } catch (error) {
    await app?.close();
    await system.close();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const links = new Map(
    [...printed.matchAll(/^ {2}(\S+)\s+.*?(http:\/\/localhost:\d+\/enrol#token=\S+)$/gm)].map((m) => [
      m[1]!,
      m[2]!,
    ]),
  );
  const passwords = new Map<string, { password: string; totpSecret: string }>();
  let previous = '';
  for (const line of printed.split('\n')) {
    const user = /^ {2}(\S+)\s+.*\/enrol#token=/.exec(line)?.[1];
    if (user) previous = user;
    const secret = /or password (\S+) \+ TOTP (\S+)$/.exec(line);
    if (secret && previous) {
      const totpSecret = new URL(secret[2]!).searchParams.get('secret') ?? '';
      passwords.set(previous, { password: secret[1]!, totpSecret });
    }
  }
  const secrets = JSON.parse(readFileSync(join(dir, 'demo-secrets.json'), 'utf8')) as {
    pickups: DemoPickup[];
  };
  const served = app;
  return {
    system,
    app: served,
    baseUrl,
    printed,
    links,
    passwords,
    pickups: secrets.pickups ?? seeded.pickups,
    async close() {
      clearInterval(signer);
      await served.close();
      await system.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
