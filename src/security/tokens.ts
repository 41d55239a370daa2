import { createHash, randomBytes } from 'node:crypto';
import type { TokenService } from '../app/access/security.ports.js';

/** 256-bit random tokens, base64url; stored only as their SHA-256. */
export function randomTokens(): TokenService {
  return {
    newToken: (bytes = 32) => randomBytes(bytes).toString('base64url'),
    hash: (token) => new Uint8Array(createHash('sha256').update(token, 'utf8').digest()),
  };
}
