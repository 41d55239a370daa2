import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { softPasskey } from '../../test/support/soft-authenticator.js';
import {
  addOrganisation,
  addUser,
  beginEnrolment,
  finishEnrolment,
  issueEnrolmentLink,
} from '../app/access/index.js';
import type { JsonObject } from '../app/ports.js';
import { main } from './main.js';
import { openSystem } from './system.js';

function capture() {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      text += chunk;
      callback();
    },
  });
  return { stream, text: () => text };
}

/**
 * `portledger enrolment list` and `enrolment confirm|reject --by-operator` (issue 10, row D): the operator at the
 * machine, the root of trust of a fresh installation, sees each passkey registered through a link with its device,
 * time and network, and confirms it with the confirmation code the person's enrolment page showed them (which also
 * picks the enrolment), or rejects it.
 */
describe('portledger enrolment (SQLite)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'portledger-enrolment-cli-'));
  const db = `sqlite:${join(dir, 'port.db')}`;
  const origin = 'https://port.example';
  /** The confirmation code each enrolment page showed, by enrolment id, in the order they were made. */
  const codes = new Map<string, { username: string; code: string }>();

  beforeAll(async () => {
    vi.stubEnv('PORTLEDGER_PUBLIC_URL', origin);
    const system = await openSystem({ databaseUrl: db });
    try {
      await addOrganisation(system.auth, {
        orgId: 'pit',
        kind: 'port_administration',
        name: 'Port IT',
        code: 'PIT',
      });
      for (const username of ['first-admin', 'second-admin']) {
        const added = await addUser(system.auth, {
          userId: username,
          orgId: 'pit',
          username,
          displayName: username,
          roles: ['administrator'],
          issuedBy: 'cli:root',
        });
        // Two passkeys for the first administrator: one through their link, one through a second link.
        const links = username === 'first-admin' ? 2 : 1;
        for (let n = 0; n < links; n += 1) {
          const token =
            n === 0
              ? added.enrolmentToken
              : (await issueEnrolmentLink(system.auth, { userId: username, issuedBy: 'cli:root' })).token;
          const meta = { ip: `192.0.2.${10 + n}`, userAgent: `Browser ${n}` };
          const options = await beginEnrolment(system.auth, { token }, meta);
          const pending = await finishEnrolment(
            system.auth,
            {
              token,
              challengeId: options.challengeId,
              response: softPasskey('port.example', origin).register(
                options.options as { challenge: string },
              ) as JsonObject,
            },
            meta,
          );
          codes.set(pending.enrolmentId, { username, code: pending.confirmationCode });
        }
      }
    } finally {
      await system.close();
    }
  });
  afterAll(() => {
    vi.unstubAllEnvs();
    rmSync(dir, { recursive: true, force: true });
  });

  async function run(...args: string[]) {
    const stdout = capture();
    const stderr = capture();
    const code = await main(['node', 'portledger', ...args, '--db', db], {
      stdout: stdout.stream,
      stderr: stderr.stream,
    });
    return { code, stdout: stdout.text(), stderr: stderr.text() };
  }

  it('lists the pending passkeys with their device, time and network, and warns of a second enrolment', async () => {
    const listed = await run('enrolment', 'list');
    expect(listed.code).toBe(0);
    expect(listed.stdout.match(/ pending /g)).toHaveLength(3);
    expect(listed.stdout).toMatch(
      /first-admin \(first-admin, Port IT; administrator\)\n {4}registered \S+ from 192\.0\.2\.10\n {4}device: Browser 0; unidentified authenticator/,
    );
    expect(listed.stdout).toMatch(/WARNING: 1 other enrolment of this person/);
  });

  it('needs --by-operator, a code to confirm, and an id to reject when the person has several pending passkeys', async () => {
    const secondCode = [...codes.values()].find((c) => c.username === 'second-admin')!.code;
    const bare = await run('enrolment', 'confirm', '--user', 'second-admin', '--code', secondCode);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/--by-operator/);
    const noCode = await run('enrolment', 'confirm', '--user', 'second-admin', '--by-operator');
    expect(noCode.code).toBe(2);
    expect(noCode.stderr).toMatch(/--code/);
    const ambiguous = await run('enrolment', 'reject', '--user', 'first-admin', '--by-operator');
    expect(ambiguous.code).toBe(1);
    expect(ambiguous.stderr).toMatch(/enrolment\.ambiguous: first-admin has 2 passkeys waiting/);
    expect(ambiguous.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('refuses a code that is not the passkey’s, records it, and confirms with the right one', async () => {
    // Another person's code is not this one's, even at the machine.
    const firstCodes = [...codes.values()].filter((c) => c.username === 'first-admin').map((c) => c.code);
    const secondCode = [...codes.values()].find((c) => c.username === 'second-admin')!.code;
    const wrong = await run(
      'enrolment',
      'confirm',
      '--user',
      'second-admin',
      '--code',
      firstCodes[0]!,
      '--by-operator',
    );
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(
      /enrolment\.code_mismatch: that is not the confirmation code .*\(4 tries left\)/,
    );
    expect((await run('enrolment', 'list')).stdout).toMatch(
      /second-admin[\s\S]*WARNING: 1 wrong confirmation code typed\n/,
    );
    // The person's own code, read out to the operator, confirms it; no --id needed.
    const confirmed = await run(
      'enrolment',
      'confirm',
      '--user',
      'second-admin',
      '--code',
      secondCode.toLowerCase(),
      '--by-operator',
    );
    expect(confirmed.code).toBe(0);
    expect(confirmed.stdout).toMatch(/^confirmed the passkey of second-admin:/);
  });

  it('confirms one and rejects the other, printing what it decided', async () => {
    const pending = await run('enrolment', 'list');
    const [, first, second] =
      /^(\S+) {2}pending {3}first-admin[\s\S]*?^(\S+) {2}pending {3}first-admin/m.exec(pending.stdout)!;
    const confirmed = await run(
      'enrolment',
      'confirm',
      '--user',
      'first-admin',
      '--id',
      first!,
      '--code',
      codes.get(first!)!.code,
      '--by-operator',
    );
    expect(confirmed.code).toBe(0);
    expect(confirmed.stdout).toMatch(/^confirmed the passkey of first-admin:\n\S+ {2}confirmed first-admin/);
    expect(confirmed.stdout).toMatch(/confirmed by operator:\S+ at /);
    const rejected = await run(
      'enrolment',
      'reject',
      '--user',
      'first-admin',
      '--id',
      second!,
      '--by-operator',
    );
    expect(rejected.code).toBe(0);
    expect(rejected.stdout).toMatch(/^rejected the passkey of first-admin:/);
    const again = await run(
      'enrolment',
      'confirm',
      '--user',
      'first-admin',
      '--code',
      codes.get(second!)!.code,
      '--by-operator',
    );
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/first-admin has no passkey waiting for confirmation/);
    expect((await run('enrolment', 'list', '--status', 'all')).stdout.match(/first-admin \(/g)).toHaveLength(
      2,
    );
  });
});
