import { randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import type { TotpService } from '../app/access/security.ports.js';

const PERIOD = 30;

/** RFC 6238 TOTP (HMAC-SHA1, 6 digits, 30-second steps), accepting one step either side for clock drift. */
export function rfc6238Totp(): TotpService {
  const totpOf = (secret: Uint8Array, account = '', issuer = '') =>
    new TOTP({
      issuer,
      label: account,
      algorithm: 'SHA1',
      digits: 6,
      period: PERIOD,
      secret: new Secret({ buffer: secret.slice().buffer as ArrayBuffer }),
    });
  return {
    newSecret: () => new Uint8Array(randomBytes(20)),
    uri: ({ secret, account, issuer }) => totpOf(secret, account, issuer).toString(),
    matchStep({ secret, code, at }) {
      if (!/^\d{6}$/.test(code)) return undefined;
      const delta = totpOf(secret).validate({ token: code, timestamp: at.getTime(), window: 1 });
      if (delta === null) return undefined;
      return Math.floor(at.getTime() / 1000 / PERIOD) + delta;
    },
  };
}
