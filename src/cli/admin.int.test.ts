import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { authenticateApiToken } from '../app/access/index.js';
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

describe('portledger org, user and token (SQLite)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'portledger-admin-cli-'));
  const db = `sqlite:${join(dir, 'port.db')}`;

  beforeAll(() => {
    vi.stubEnv('PORTLEDGER_PUBLIC_URL', 'https://port.example');
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

  async function withSystem<T>(work: (system: Awaited<ReturnType<typeof openSystem>>) => Promise<T>) {
    const system = await openSystem({ databaseUrl: db });
    try {
      return await work(system);
    } finally {
      await system.close();
    }
  }

  it('registers organisations', async () => {
    const pit = await run(
      'org',
      'add',
      '--id',
      'pit',
      '--kind',
      'port_administration',
      '--name',
      'Port IT',
      '--code',
      'PIT',
    );
    expect(pit).toMatchObject({ code: 0, stderr: '' });
    expect(pit.stdout).toContain('organisation pit (port_administration, PIT) registered');
    const nqt = await run(
      ...[
        'org',
        'add',
        '--id',
        'nqt',
        '--kind',
        'terminal_operator',
        '--name',
        'North Quay',
        '--code',
        'NQT',
      ],
      ...['--terminal', 'T1', '--terminal', 'T2'],
    );
    expect(nqt.stdout).toContain('running T1, T2');
    expect(
      (await run('org', 'add', '--id', 'sch', '--kind', 'haulier', '--name', 'Scheldt', '--code', 'SCHH'))
        .code,
    ).toBe(0);
    expect(
      (await run('org', 'add', '--id', 'msc', '--kind', 'shipping_line', '--name', 'MSC', '--code', 'MSCU'))
        .code,
    ).toBe(0);
  });

  it.each([
    [['org', 'add', '--id', 'b', '--kind', 'bank', '--name', 'B', '--code', 'BK']],
    [['org', 'add', '--id', 'b', '--kind', 'haulier', '--name', 'B']],
    [['user', 'add', '--org', 'sch', '--username', 'x', '--name', 'X', '--role', 'captain']],
    [['user', 'add', '--org', 'sch', '--username', 'x', '--name', 'X']],
    [['user', 'reset-passkeys', '--user', 'x']],
    [['token', 'create', '--org', 'msc', '--permission', 'visit.teleport']],
    [['token', 'create', '--org', 'msc', '--permission', 'visit.read', '--days', '0']],
    [['token', 'create', '--org', 'msc', '--permission', 'visit.read', '--days', '366']],
    [['token', 'revoke']],
  ])('refuses %j with one line on stderr and exit 2', async (args) => {
    const result = await run(...args);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stdout).toBe('');
  });

  it('adds a user and prints the enrolment link, and for a driver the password and TOTP, once', async () => {
    const driver = await run(
      ...['user', 'add', '--org', 'sch', '--username', 'driver.jan', '--name', 'Jan Peeters'],
      ...['--role', 'driver', '--id', 'u-jan', '--with-password'],
    );
    expect(driver).toMatchObject({ code: 0, stderr: '' });
    expect(driver.stdout).toContain('user u-jan (driver.jan) registered in sch as driver');
    expect(driver.stdout).toMatch(
      /enrolment link .*: https:\/\/port\.example\/enrol#token=[A-Za-z0-9_-]{43}\n/,
    );
    expect(driver.stdout).toMatch(/password \(shown once\): \S{20,}\n/);
    expect(driver.stdout).toMatch(/TOTP \(shown once\): otpauth:\/\/totp\/.*secret=/);

    const admin = await run(
      ...['user', 'add', '--org', 'pit', '--username', 'admin.an', '--name', 'An Admin'],
      ...['--role', 'administrator', '--id', 'u-admin'],
    );
    expect(admin.code).toBe(0);
    expect(admin.stdout).not.toContain('password');
  });

  it('refuses a password for a role that must sign in with a passkey, and leaves no user behind', async () => {
    const planner = await run(
      ...['user', 'add', '--org', 'nqt', '--username', 'planner.ann', '--name', 'Ann Maes'],
      ...['--role', 'yard_planner', '--with-password'],
    );
    expect(planner.code).toBe(1);
    expect(planner.stderr).toMatch(/^error: user\.passkey_required: /);
    expect(planner.stderr.trim().split('\n')).toHaveLength(1);
    expect(await withSystem((s) => s.store.identity.findUserByUsername('planner.ann'))).toBeUndefined();
  });

  it('records a passkey reset as a request a second administrator must approve, and changes nothing', async () => {
    await run(
      ...['user', 'add', '--org', 'nqt', '--username', 'sup.els', '--name', 'Els Janssens'],
      ...['--role', 'terminal_supervisor', '--id', 'u-sup'],
    );
    await withSystem((s) =>
      s.store.writeTransaction((tx) =>
        tx.identity.addPasskey({
          credentialId: 'cred-els',
          userId: 'u-sup',
          publicKey: new Uint8Array(77),
          counter: 0,
          transports: ['internal'],
          label: 'Laptop',
          createdAt: '2026-11-26T08:00:00.000Z',
          lastUsedAt: null,
        }),
      ),
    );
    const result = await run('user', 'reset-passkeys', '--user', 'sup.els', '--by', 'u-admin');
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const requestId = /^request (\S+)\n/.exec(result.stdout)?.[1];
    expect(requestId).toBeDefined();
    expect(result.stdout).toContain('Nothing changes until a second administrator approves it');
    await withSystem(async (s) => {
      expect(await s.store.identity.listPasskeys('u-sup')).toHaveLength(1);
      expect(await s.store.identity.getApproval(requestId!)).toMatchObject({
        kind: 'passkeys.reset',
        subject: 'u-sup',
        status: 'pending',
        requestedBy: 'u-admin',
      });
    });

    const notAdmin = await run('user', 'reset-passkeys', '--user', 'u-sup', '--by', 'u-jan');
    expect(notAdmin.code).toBe(1);
    expect(notAdmin.stderr).toMatch(/^error: approval\.not_permitted: /);
    expect((await run('user', 'reset-passkeys', '--user', 'ghost', '--by', 'u-admin')).code).toBe(1);
  });

  it('creates a token, printed once on one line, that authenticates until it is revoked', async () => {
    const created = await run(
      ...['token', 'create', '--org', 'msc', '--permission', 'visit.announce', '--permission', 'visit.read'],
      ...['--label', 'COPARN feed', '--days', '30'],
    );
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^plt_[A-Za-z0-9_-]{43}\n$/);
    const token = created.stdout.trim();
    const tokenId = /^token (\S+) for msc/.exec(created.stderr)?.[1];
    expect(tokenId).toMatch(/^tok_/);
    const meta = { ip: '127.0.0.1', userAgent: 'test' };
    const principal = await withSystem((s) =>
      authenticateApiToken(s.auth, { token, route: 'GET /v1/visits', meta }),
    );
    expect(principal).toMatchObject({ orgId: 'msc', permissions: ['visit.announce', 'visit.read'] });

    const revoked = await run('token', 'revoke', '--id', tokenId!);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain(`token ${tokenId} revoked`);
    expect(
      await withSystem((s) => authenticateApiToken(s.auth, { token, route: 'GET /v1/visits', meta })),
    ).toBeUndefined();
    const again = await run('token', 'revoke', '--id', tokenId!);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^error: token\.already_revoked/);

    const forbidden = await run('token', 'create', '--org', 'msc', '--permission', 'visit.move');
    expect(forbidden.code).toBe(1);
    expect(forbidden.stderr).toMatch(/^error: token\.permission_not_allowed/);
    expect(forbidden.stdout).toBe('');
  });
});
