import { type AuthDeps, addUser, defaultAuthSettings } from '../../src/app/access/index.js';
import type { SecurityServices } from '../../src/app/access/security.ports.js';
import type { Ledger } from '../../src/app/ledger/index.js';
import type { Role } from '../../src/domain/index.js';
import { argon2idHasher } from '../../src/security/passwords.js';
import { aesGcmSealer } from '../../src/security/sealer.js';
import { randomTokens } from '../../src/security/tokens.js';
import { rfc6238Totp } from '../../src/security/totp.js';
import { simpleWebAuthn } from '../../src/security/webauthn.js';

/** The real security adapters, with a cheaper argon2 cost so tests stay fast. */
export function testSecurity(origin = 'http://localhost'): SecurityServices {
  return {
    passwords: argon2idHasher({ memoryCost: 4096, timeCost: 1 }),
    totp: rfc6238Totp(),
    sealer: aesGcmSealer({ current: 't1', keys: new Map([['t1', new Uint8Array(32).fill(7)]]) }),
    tokens: randomTokens(),
    webauthn: simpleWebAuthn({
      rpId: new URL(origin).hostname,
      rpName: 'PortLedger test',
      origins: [origin],
    }),
  };
}

export function testAuthDeps(ledger: Ledger, origin?: string): AuthDeps {
  return { ledger, security: testSecurity(origin), settings: defaultAuthSettings };
}

/** Registers people, each `[userId, orgId, role]`, with the user id as username and name. */
export async function addPeople(
  auth: AuthDeps,
  people: readonly (readonly [userId: string, orgId: string, role: Role])[],
): Promise<void> {
  for (const [userId, orgId, role] of people) {
    await addUser(auth, {
      userId,
      orgId,
      username: userId,
      displayName: userId,
      roles: [role],
      issuedBy: 'test',
    });
  }
}
