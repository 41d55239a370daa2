import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createApiToken } from '../app/access/index.js';
import { type DemoPickup, seedDemoCargo } from '../demo/demo-cargo.js';
import { seedDemoIdentities } from '../demo/demo-identities.js';
import { terminalTime } from '../domain/index.js';
import { learnFromLog } from './detect.js';
import { readDetectionSettings } from './detection-settings.js';
import { seedInto } from './seed.js';
import type { System } from './system.js';

/** What the demo seeded, or found seeded: the pickups booked for today, with their credentials. */
export interface DemoSeeded {
  readonly pickups: readonly DemoPickup[];
}

/**
 * The one-line command with which the operator at this machine confirms a passkey registered through a link (issue
 * 10, row D), with the confirmation code the enrolment page showed the person. The demo does not confirm anyone
 * itself: its secrets file and links are exactly what a thief holds, and whoever enrols first gets a pending
 * passkey; only the code on the person's own screen tells theirs from a thief's. A PostgreSQL URL may carry a
 * password, so it is left to `PORTLEDGER_DB` rather than printed.
 */
export function confirmCommandLine(databaseUrl: string): string {
  const db = databaseUrl.startsWith('sqlite:') ? ` --db ${databaseUrl}` : '';
  return `npx portledger enrolment confirm${db} --user USERNAME --code XXXX-XXXX --by-operator`;
}

function confirmHint(system: System): string {
  return (
    'A passkey registered through a link waits for confirmation by a supervisor or an administrator; as the operator ' +
    'at this machine, confirm it with the code the enrolment page shows (type the code you see on that page yourself; ' +
    `if the page said the link was already used, the pending passkey is someone else's: reject it):\n  ${confirmCommandLine(system.databaseUrl)}\n`
  );
}

/** The pickups kept in the secrets file, or none when it is missing or unreadable. */
function pickupsIn(secretsFile: string): DemoPickup[] {
  if (!existsSync(secretsFile)) return [];
  try {
    const secrets = JSON.parse(readFileSync(secretsFile, 'utf8')) as { pickups?: DemoPickup[] };
    return Array.isArray(secrets.pickups) ? secrets.pickups : [];
  } catch {
    return [];
  }
}

/**
 * Seeds the demo port on an empty log — its organisations and people, one terminal, a vessel call, and cargo in
 * motion: release chains in flight, today's pickups booked, a few holds — and tells how to sign in. The one-time
 * links, passwords and the pickup credentials the haulier handed its drivers also go to `demo-secrets.json`
 * beside the database (mode 0600). On a log that holds data it seeds nothing, says so, and returns the pickups
 * the secrets file still lists.
 */
export async function seedDemoOnce(
  system: System,
  io: { stdout: NodeJS.WritableStream },
): Promise<DemoSeeded> {
  const secretsFile = join(dirname(system.keyFile), 'demo-secrets.json');
  const size = await system.store.logSize();
  if (size > 0) {
    io.stdout.write(
      `the database already holds ${size} events; not seeding again (demo sign-in links: ${secretsFile})\n${confirmHint(system)}`,
    );
    return { pickups: pickupsIn(secretsFile) };
  }
  io.stdout.write(
    'seeding the demo port: its organisations and people, one terminal, a vessel call of 2,000 boxes…\n',
  );
  // The vessel came in yesterday: its history runs from about twenty hours ago (some sixteen hours of port work),
  // so that every time the console shows is in the past; the people and today's cargo come after it.
  const summary = await seedInto(system, {
    containers: 2000,
    seed: 'demo',
    terminal: 'T1',
    startAt: new Date(system.ledger.clock.now().getTime() - 20 * 3_600_000),
  });
  io.stdout.write(`seeded ${summary.events} cargo events\n`);
  const people = await seedDemoIdentities(system.auth, () => randomBytes(12).toString('base64url'));
  const cargoStarted = Date.now();
  const cargo = await seedDemoCargo(
    { auth: system.auth, terminals: system.terminals, pickup: system.gate },
    { terminal: 'T1', seed: 'demo' },
  );
  const firstSlot = cargo.pickups[0]?.slotStart;
  // Slots are terminal business: said on the terminal's clock, with its zone named (issue 14).
  const zone = system.gate.slots.get('T1')?.timeZone;
  io.stdout.write(
    `${cargo.releases} releases in flight (${cargo.offeredToForwarder} offered to the forwarder, ` +
      `${cargo.offeredToHaulier} to the haulier), ${cargo.appointments} appointments` +
      `${firstSlot ? ` from ${terminalTime(firstSlot, zone)}` : ''}, ${cargo.holds} holds, ${cargo.customsReleased} released by customs ` +
      `(${Date.now() - cargoStarted} ms)\n\n`,
  );
  const listed = people.map((person) => ({
    username: person.user.username,
    displayName: person.user.displayName,
    organisation: person.orgName,
    roles: person.roles,
    enrolmentLink: `${system.publicUrl}/enrol#token=${person.enrolmentToken}`,
    enrolmentExpiresAt: person.enrolmentExpiresAt,
    ...(person.password ? { password: person.password, totpUri: person.totpUri } : {}),
  }));
  // The gate kiosk of the terminal: it scans the QR code and reads the badge of every driver who drives up.
  const kiosk = await createApiToken(system.auth, {
    orgId: 'nqt',
    permissions: ['visit.gate_out'],
    label: 'Gate kiosk T1 lane 1',
    createdBy: 'demo',
  });
  const gateKiosk = { tokenId: kiosk.apiToken.tokenId, token: kiosk.token, label: kiosk.apiToken.label };
  // The detection engine learns the seeded port (its people, boxes and release chains) without alerting on the
  // set-up itself; from here on, what people and the simulator do is judged (issue 15).
  const detection = readDetectionSettings();
  if (detection.enabled) await learnFromLog(system.ledger, detection.core);
  writeFileSync(
    secretsFile,
    `${JSON.stringify({ url: system.publicUrl, users: listed, gateKiosk, pickups: cargo.pickups }, null, 2)}\n`,
    {
      mode: 0o600,
    },
  );
  io.stdout.write('Sign in: open a link in a browser and register a passkey (each link works once).\n');
  for (const person of listed) {
    io.stdout.write(
      `  ${person.username.padEnd(19)} ${person.roles.join(', ').padEnd(20)} ${person.enrolmentLink}\n`,
    );
    if (person.password) {
      io.stdout.write(
        `  ${''.padEnd(19)} ${''.padEnd(20)} or password ${person.password} + TOTP ${person.totpUri}\n`,
      );
    }
  }
  io.stdout.write(
    `The links and passwords, and the pickup credentials of today's trucks, are in ${secretsFile} (mode 0600).\n${confirmHint(system)}\n`,
  );
  return { pickups: cargo.pickups };
}
