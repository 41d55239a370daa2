import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { seedDemoIdentities } from '../app/demo-identities.js';
import { createApiToken } from '../app/tokens.usecases.js';
import { seedInto } from './seed.js';
import type { System } from './system.js';

/**
 * Seeds the demo port on an empty log — its organisations and people, one terminal and a vessel call — and tells
 * how to sign in. The one-time links and passwords also go to `demo-secrets.json` beside the database (mode
 * 0600). On a log that holds data it seeds nothing and says so.
 */
export async function seedDemoOnce(system: System, io: { stdout: NodeJS.WritableStream }): Promise<void> {
  const secretsFile = join(dirname(system.keyFile), 'demo-secrets.json');
  const size = await system.store.logSize();
  if (size > 0) {
    io.stdout.write(
      `the database already holds ${size} events; not seeding again (demo sign-in links: ${secretsFile})\n`,
    );
    return;
  }
  io.stdout.write(
    'seeding the demo port: its organisations and people, one terminal, a vessel call of 2,000 boxes…\n',
  );
  const people = await seedDemoIdentities(system.auth, () => randomBytes(12).toString('base64url'));
  const summary = await seedInto(system, { containers: 2000, seed: 'demo', terminal: 'T1' });
  io.stdout.write(`seeded ${summary.events} cargo events\n\n`);
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
  writeFileSync(
    secretsFile,
    `${JSON.stringify({ url: system.publicUrl, users: listed, gateKiosk }, null, 2)}\n`,
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
  io.stdout.write(`The links and passwords are also in ${secretsFile} (mode 0600).\n\n`);
}
