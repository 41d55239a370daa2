import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testAuthDeps } from '../../../test/support/auth.js';
import { openTestLedger, type StoreKind, type TestLedger } from '../../../test/support/ledger.js';
import { AppError } from '../errors.js';
import { addOrganisation } from './admin.usecases.js';
import type { AuthDeps } from './auth.usecases.js';
import {
  authenticateApiToken,
  createApiToken,
  listApiTokens,
  revokeApiToken,
  tokenPermissionsFor,
} from './tokens.usecases.js';

function movableClock(start: string) {
  let now = Date.parse(start);
  return { now: () => new Date(now), advance: (ms: number) => (now += ms) };
}

const meta = { ip: '10.1.2.3', userAgent: 'coparn-feed/2.1' };
const DAY = 24 * 60 * 60_000;

describe.each<StoreKind>(['memory', 'sqlite'])('API tokens (%s)', (kind) => {
  const clock = movableClock('2026-11-26T08:00:00Z');
  let fixture: TestLedger;
  let auth: AuthDeps;

  beforeAll(async () => {
    fixture = await openTestLedger(kind, { clock });
    auth = testAuthDeps(fixture.ledger);
    await addOrganisation(auth, { orgId: 'msc', kind: 'shipping_line', name: 'MSC', code: 'MSCU' });
    await addOrganisation(auth, {
      orgId: 'admin',
      kind: 'port_administration',
      name: 'Port IT',
      code: 'PIT',
    });
  });
  afterAll(() => fixture.cleanup());

  const tokenEvents = async (type: string, tokenId: string) =>
    (await fixture.store.readEvents(0, await fixture.store.logSize())).filter(
      (e) => e.type === type && e.data.tokenId === tokenId,
    );

  it('creates a plt_ token, shown once and stored only as its hash, for 90 days by default', async () => {
    const { token, apiToken } = await createApiToken(auth, {
      orgId: 'msc',
      permissions: ['visit.announce', 'visit.read'],
      label: 'COPARN feed',
      createdBy: 'u-admin',
    });
    expect(token).toMatch(/^plt_[A-Za-z0-9_-]{43}$/);
    expect(apiToken).toMatchObject({
      orgId: 'msc',
      permissions: ['visit.announce', 'visit.read'],
      label: 'COPARN feed',
      revokedAt: null,
      lastUsedAt: null,
      expiresAt: new Date(clock.now().getTime() + 90 * DAY).toISOString(),
    });
    const stored = await fixture.store.identity.getApiToken(auth.security.tokens.hash(token));
    expect(stored?.tokenId).toBe(apiToken.tokenId);
    expect(JSON.stringify(await listApiTokens(auth, { orgId: 'msc' }))).not.toContain(token.slice(4));
    const [created] = await tokenEvents('TokenCreated', apiToken.tokenId);
    expect(created?.data).toMatchObject({ orgId: 'msc', createdBy: 'u-admin', label: 'COPARN feed' });
    expect(JSON.stringify(created?.data)).not.toContain(token.slice(4));
  });

  it.each([
    [{ permissions: ['visit.move'] }, 'token.permission_not_allowed'],
    [{ permissions: ['visit.position.read'] }, 'token.permission_not_allowed'],
    [{ permissions: ['no.such'] }, 'token.permission_not_allowed'],
    [{ permissions: [] }, 'input.invalid'],
    [{ permissions: ['visit.read', 'visit.read'] }, 'input.invalid'],
    [{ permissions: ['visit.read'], expiresInDays: 0 }, 'input.invalid'],
    [{ permissions: ['visit.read'], expiresInDays: 366 }, 'input.invalid'],
    [{ permissions: ['visit.read'], orgId: 'nobody' }, 'input.invalid'],
    [{ permissions: ['approval.decide'], orgId: 'admin' }, 'token.permission_not_allowed'],
    [{ permissions: ['user.manage'], orgId: 'admin' }, 'token.permission_not_allowed'],
    [{ permissions: ['token.manage'], orgId: 'admin' }, 'token.permission_not_allowed'],
  ])('refuses %j with %s', async (input, code) => {
    const attempt = createApiToken(auth, { orgId: 'msc', createdBy: 'u-admin', ...input });
    await expect(attempt).rejects.toBeInstanceOf(AppError);
    await expect(attempt).rejects.toMatchObject({ code });
  });

  it('lets a token carry only what its kind of organisation may do, and nothing only a person may', () => {
    expect(tokenPermissionsFor('shipping_line')).toEqual(
      expect.arrayContaining(['visit.announce', 'visit.read', 'release.issue', 'release.block']),
    );
    expect(tokenPermissionsFor('shipping_line')).not.toContain('visit.position.read');
    expect(tokenPermissionsFor('port_administration')).toEqual(['audit.read']);
    for (const kind of ['terminal_operator', 'haulier', 'customs', 'port_administration'] as const) {
      for (const personal of [
        'approval.decide',
        'approval.read',
        'account.passkeys.manage',
        'visit.void.request',
        'driver.device.enrol',
        'driver.device.confirm',
        'enrolment.confirm',
      ]) {
        expect(tokenPermissionsFor(kind)).not.toContain(personal);
      }
    }
  });

  it('authenticates a live token as its organisation and permissions, recording its use at most once a minute', async () => {
    const { token, apiToken } = await createApiToken(auth, {
      orgId: 'msc',
      permissions: ['visit.read'],
      expiresInDays: 365,
      createdBy: 'u-admin',
    });
    expect(apiToken.expiresAt).toBe(new Date(clock.now().getTime() + 365 * DAY).toISOString());
    const use = (route = 'GET /v1/visits') => authenticateApiToken(auth, { token, route, meta });

    expect(await use()).toEqual({
      tokenId: apiToken.tokenId,
      orgId: 'msc',
      orgKind: 'shipping_line',
      terminals: [],
      permissions: ['visit.read'],
    });
    clock.advance(20_000);
    await use('GET /v1/visits/:visitRef');
    clock.advance(39_000);
    await use();
    const firstMinute = await tokenEvents('TokenUsed', apiToken.tokenId);
    expect(firstMinute).toHaveLength(1);
    expect(firstMinute[0]?.data).toMatchObject({
      tokenId: apiToken.tokenId,
      orgId: 'msc',
      route: 'GET /v1/visits',
      ip: '10.1.2.3',
      userAgent: 'coparn-feed/2.1',
    });

    clock.advance(1_000);
    await use('GET /v1/visits/:visitRef');
    const used = await tokenEvents('TokenUsed', apiToken.tokenId);
    expect(used).toHaveLength(2);
    expect(used[1]?.data.route).toBe('GET /v1/visits/:visitRef');
    const [listed] = (await listApiTokens(auth, {})).filter((t) => t.tokenId === apiToken.tokenId);
    expect(listed?.lastUsedAt).toBe(clock.now().toISOString());
  });

  it('refuses a malformed, unknown, expired or revoked token alike', async () => {
    const { token, apiToken } = await createApiToken(auth, {
      orgId: 'msc',
      permissions: ['visit.read'],
      expiresInDays: 1,
      createdBy: 'u-admin',
    });
    const use = (text: string) => authenticateApiToken(auth, { token: text, route: 'GET /v1/visits', meta });
    expect(await use(token)).toBeDefined();
    expect(await use('plt_short')).toBeUndefined();
    expect(await use(`plt_${'A'.repeat(43)}`)).toBeUndefined();
    expect(await use(token.replace('plt_', 'pat_'))).toBeUndefined();

    clock.advance(DAY);
    expect(await use(token)).toBeUndefined();
    clock.advance(-DAY);

    const revoked = await revokeApiToken(auth, { tokenId: apiToken.tokenId, revokedBy: 'u-admin' });
    expect(revoked.revokedAt).toBe(clock.now().toISOString());
    expect(await use(token)).toBeUndefined();
    expect(await tokenEvents('TokenRevoked', apiToken.tokenId)).toHaveLength(1);
    await expect(
      revokeApiToken(auth, { tokenId: apiToken.tokenId, revokedBy: 'u-admin' }),
    ).rejects.toMatchObject({
      code: 'token.already_revoked',
    });
    await expect(revokeApiToken(auth, { tokenId: 'tok_none', revokedBy: 'u-admin' })).rejects.toMatchObject({
      code: 'token.not_found',
    });
  });
});
