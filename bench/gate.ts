/**
 * The gate figure of `npm run bench` (issue 4): gate verdicts per second and p99 latency through HTTP — a real
 * server on localhost, a kiosk's API token, many gate transactions — against `/healthz` of the same server in the
 * same run. Most transactions are refusals (a booked credential with another badge: the whole verdict path, and
 * the alert), so the state stays small; each booked box is also let out once (GTOT), interleaved.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import {
  type AuthDeps,
  addOrganisation,
  createApiToken,
  defaultAuthSettings,
} from '../src/app/access/index.js';
import {
  type AppointmentDeps,
  changeAppointment,
  pickupDepsFor,
  registerDriver,
} from '../src/app/appointments/index.js';
import { createLedger } from '../src/app/ledger/index.js';
import type { IdSource } from '../src/app/ports.js';
import { runReleaseCommand } from '../src/app/releases/index.js';
import { announceVisit, runVisitCommand } from '../src/app/visits/index.js';
import { signerFromSeed, verifierKeyString } from '../src/audit/index.js';
import { demoSlotConfig, demoTerminal } from '../src/demo/demo-port.js';
import { computeCheckDigit, type Principal } from '../src/domain/index.js';
import { buildServer } from '../src/http/server.js';
import { argon2idHasher } from '../src/security/passwords.js';
import { aesGcmSealer } from '../src/security/sealer.js';
import { randomTokens } from '../src/security/tokens.js';
import { rfc6238Totp } from '../src/security/totp.js';
import { simpleWebAuthn } from '../src/security/webauthn.js';
import { openLedgerStore } from '../src/store/open-store.js';

const round1 = (n: number) => Math.round(n * 10) / 10;
const round3 = (n: number) => Math.round(n * 1000) / 1000;

function p99(latencies: number[]): number {
  const sorted = [...latencies].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)] ?? 0;
}

/** Runs `requests` through `concurrency` client loops; per-second rate and p99 latency in milliseconds. */
async function drive(
  requests: readonly (() => Promise<void>)[],
  concurrency: number,
): Promise<{ perSecond: number; p99Ms: number }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests.length) {
        const request = requests[next++]!;
        const t = performance.now();
        await request();
        latencies.push(performance.now() - t);
      }
    }),
  );
  const elapsed = performance.now() - started;
  return { perSecond: (requests.length * 1000) / elapsed, p99Ms: p99(latencies) };
}

/**
 * Runs `requests` open loop at a steady `perSecond` (issue 13: p99 under 10 ms at 100 verdicts/s): each starts when
 * it is due, not when the one before it ends, and its latency counts from when it was due, so a server that falls
 * behind shows it rather than slowing the arrivals.
 */
async function steady(
  requests: readonly (() => Promise<void>)[],
  perSecond: number,
): Promise<{ perSecond: number; p99Ms: number }> {
  const latencies: number[] = [];
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < requests.length; i++) {
    const due = started + (i * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(
      requests[i]!().then(() => {
        latencies.push(performance.now() - due);
      }),
    );
  }
  await Promise.all(inFlight);
  const elapsed = performance.now() - started;
  return { perSecond: (requests.length * 1000) / elapsed, p99Ms: p99(latencies) };
}

/**
 * Gate verdicts per second and p99 through HTTP on SQLite, and the same for `/healthz`.
 *
 * @example
 * ```ts
 * const gate = await gateFigures(dir, { quick: false }); // { verdictsPerSecond: 420, ratio: 0.09, … }
 * ```
 */
export async function gateFigures(
  dir: string,
  options: { quick: boolean; sqliteWriter?: 'thread' | 'in-place' },
) {
  // A fixed clock inside the slots' windows: the figure is about the verdict, not about time passing.
  let nowMs = Date.parse('2030-03-04T05:00:00Z');
  const clock = { now: () => new Date(nowMs) };
  const ids: IdSource = { eventId: () => randomUUID(), randomBytes: (n) => new Uint8Array(randomBytes(n)) };
  const signer = signerFromSeed('bench.portledger.local/log', new Uint8Array(32).fill(9));
  const store = await openLedgerStore(`sqlite:${join(dir, `gate-${options.sqliteWriter ?? 'thread'}.db`)}`, {
    sqliteWriter: options.sqliteWriter ?? 'thread',
  });
  const ledger = createLedger({
    store,
    clock,
    ids,
    log: { origin: signer.name, signer },
    checkpointIntervalMs: 1000,
  });
  const auth: AuthDeps = {
    ledger,
    settings: defaultAuthSettings,
    security: {
      passwords: argon2idHasher({ memoryCost: 4096, timeCost: 1 }),
      totp: rfc6238Totp(),
      sealer: aesGcmSealer({ current: 'b1', keys: new Map([['b1', new Uint8Array(32).fill(3)]]) }),
      tokens: randomTokens(),
      webauthn: simpleWebAuthn({ rpId: 'localhost', rpName: 'bench', origins: ['http://localhost'] }),
    },
  };
  const terminals = new Map([[demoTerminal.terminal, demoTerminal]]);
  // The printed fallback on: the bench's booked boxes are let out on their printed credentials (no phone here).
  const pickup = pickupDepsFor({ signer, slots: [demoSlotConfig], printedPass: true });
  const deps: AppointmentDeps = { ledger, sealer: auth.security.sealer, pickup };

  await addOrganisation(auth, {
    orgId: 'nqt',
    kind: 'terminal_operator',
    name: 'NQT',
    code: 'NQT',
    terminals: ['T1'],
  });
  await addOrganisation(auth, { orgId: 'line', kind: 'shipping_line', name: 'MSC', code: 'MSCU' });
  await addOrganisation(auth, { orgId: 'hau', kind: 'haulier', name: 'Delta', code: 'HAU' });
  const line: Principal = {
    userId: 'l',
    orgId: 'line',
    orgKind: 'shipping_line',
    orgCode: 'MSCU',
    roles: ['release_desk'],
  };
  const haulier: Principal = {
    userId: 'h',
    orgId: 'hau',
    orgKind: 'haulier',
    orgCode: 'HAU',
    roles: ['haulier_planner'],
  };
  await registerDriver(deps, haulier, {
    name: 'Bench Driver',
    badge: 'ANR-000001',
    licence: 'B-1',
    phone: '+32 3 000',
  });

  // Three slots whose windows (30 minutes' grace) all contain 08:45: room for 30 boxes.
  const slots = ['T1@20300304T0800Z', 'T1@20300304T0830Z', 'T1@20300304T0900Z'];
  const boxes = options.quick ? 9 : 30;
  const credentials: string[] = [];
  for (let i = 0; i < boxes; i++) {
    const first10 = `BNCU${String(100_000 + i).padStart(6, '0')}`;
    const visitRef = (
      await announceVisit(ledger, terminals, {
        containerNumber: `${first10}${computeCheckDigit(first10)}`,
        line: 'MSCU',
        sizeType: '22G1',
        fullEmpty: 'full',
        arrival: { mode: 'truck' },
      })
    ).visit.visitRef;
    await runVisitCommand(ledger, terminals, visitRef, {
      type: 'GateInContainer',
      slot: { terminal: 'T1', block: 'A', bay: 1 + 2 * (i % 40), row: 1 + Math.floor(i / 40), tier: 1 },
    });
    await runReleaseCommand(ledger, line, visitRef, {
      type: 'IssueRelease',
      releaseId: `R-${i}`,
      visitRef,
      line: 'MSCU',
      validFrom: '2030-03-01T00:00:00Z',
      validUntil: '2030-04-01T00:00:00Z',
      firstParty: 'hau',
    });
    await runReleaseCommand(ledger, haulier, visitRef, { type: 'AcceptTransfer' });
    const booked = await changeAppointment(deps, haulier, visitRef, {
      type: 'book',
      slotId: slots[i % slots.length]!,
      badge: 'ANR-000001',
      truckPlate: '1-BNC-001',
    });
    if (booked.outcome !== 'applied' || !booked.credential) throw new Error('bench: booking failed');
    credentials.push(booked.credential.token);
  }
  const { token } = await createApiToken(auth, {
    orgId: 'nqt',
    permissions: ['visit.gate_out'],
    createdBy: 'bench',
    label: 'kiosk',
  });
  nowMs = Date.parse('2030-03-04T08:45:00Z');

  const app = await buildServer({
    reads: store,
    verifierKey: verifierKeyString(signer),
    auth,
    terminals,
    pickup,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const concurrency = 8;
  const total = options.quick ? 300 : 2000;
  let accepted = 0;
  let refused = 0;
  const gateCall = (credential: string, badge: string) => async () => {
    const response = await fetch(`${base}/v1/gate/transactions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ credential, badge, truckPlate: '1-BNC-001' }),
    });
    const verdict = (await response.json()) as { accepted?: boolean };
    if (response.status !== 200) throw new Error(`bench: gate answered ${response.status}`);
    if (verdict.accepted) accepted += 1;
    else refused += 1;
  };
  const trivialCall = async () => {
    const response = await fetch(`${base}/healthz`);
    await response.arrayBuffer();
  };
  try {
    // Warm both paths, then measure the trivial route, the gate, and the trivial route again, averaged.
    await drive(
      Array.from({ length: 50 }, () => trivialCall),
      concurrency,
    );
    const every = Math.max(1, Math.floor(total / boxes));
    const gateRequests = Array.from({ length: total }, (_, i) =>
      i % every === 0 && i / every < boxes
        ? gateCall(credentials[i / every]!, 'ANR-000001')
        : gateCall(credentials[i % boxes]!, 'ANR-999999'),
    );
    const trivialBefore = await drive(
      Array.from({ length: total }, () => trivialCall),
      concurrency,
    );
    const gate = await drive(gateRequests, concurrency);
    const trivialAfter = await drive(
      Array.from({ length: total }, () => trivialCall),
      concurrency,
    );
    const counted = { accepted, refused };
    // The steady load: refusals only, so that the booked boxes' single pickups stay in the saturation run above.
    const steadyRate = 100;
    const steadyRun = await steady(
      Array.from({ length: (options.quick ? 3 : 10) * steadyRate }, (_, i) =>
        gateCall(credentials[i % boxes]!, 'ANR-999999'),
      ),
      steadyRate,
    );
    const trivialPerSecond = (trivialBefore.perSecond + trivialAfter.perSecond) / 2;
    const trivialP99Ms = Math.max(trivialBefore.p99Ms, trivialAfter.p99Ms);
    return {
      verdictsPerSecond: round1(gate.perSecond),
      p99Ms: round3(gate.p99Ms),
      trivialPerSecond: round1(trivialPerSecond),
      trivialP99Ms: round3(trivialP99Ms),
      ratio: round3(gate.perSecond / trivialPerSecond),
      ...counted,
      concurrency,
      steadyPerSecond: round1(steadyRun.perSecond),
      steadyP99Ms: round3(steadyRun.p99Ms),
    };
  } finally {
    await app.close();
    await ledger.close();
    await store.close();
  }
}
