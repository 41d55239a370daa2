import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../app/ports.js';
import { simpleWebAuthn } from '../security/webauthn.js';
import { drillPasskey } from './drill-passkey.js';

/**
 * The drill's software passkey against the server's own relying party (@simplewebauthn/server, as configured in
 * src/security/webauthn.ts): the enrolment step (issue 10, row D) means nothing unless the server would take the
 * gang's passkey were nothing else in the way.
 */
describe('the drill passkey', () => {
  const origin = 'http://localhost:8080';
  const relyingParty = simpleWebAuthn({ rpId: 'localhost', rpName: 'PortLedger', origins: [origin] });

  async function registered(passkey = drillPasskey(origin)) {
    const { options, challenge } = await relyingParty.registrationOptions({
      userId: 'supervisor',
      username: 'supervisor',
      displayName: 'Sofie Supervisor',
      exclude: [],
    });
    const response = passkey.register(options as unknown as { challenge: string }) as JsonObject;
    const stored = await relyingParty.verifyRegistration({ response, expectedChallenge: challenge });
    return { passkey, stored };
  }

  it('registers with none attestation, user verification claimed, and an unknown authenticator', async () => {
    const { passkey, stored } = await registered();
    expect(stored?.credentialId).toBe(passkey.credentialId);
    expect(stored?.aaguid).toBe('00000000-0000-0000-0000-000000000000');
  });

  it('signs in with what it registered, and its signature counter moves on', async () => {
    const { passkey, stored } = await registered();
    const { options, challenge } = await relyingParty.authenticationOptions({});
    const response = passkey.assert(options as unknown as { challenge: string }) as JsonObject;
    const verified = await relyingParty.verifyAuthentication({
      response,
      expectedChallenge: challenge,
      passkey: { ...stored!, transports: [] } as never,
    });
    expect(verified?.newCounter).toBeGreaterThan(stored!.counter);
  });

  it('is refused when it answers for another origin (WebAuthn §7.1 step 9)', async () => {
    const elsewhere = drillPasskey('https://port-ledger.example');
    const { options, challenge } = await relyingParty.registrationOptions({
      userId: 'admin',
      username: 'admin',
      displayName: 'Adam Admin',
      exclude: [],
    });
    const response = elsewhere.register(options as unknown as { challenge: string }) as JsonObject;
    expect(await relyingParty.verifyRegistration({ response, expectedChallenge: challenge })).toBeUndefined();
  });
});
