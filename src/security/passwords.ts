import { hash, verify } from '@node-rs/argon2';
import type { PasswordHasher } from '../app/access/security.ports.js';

/**
 * argon2id with OWASP's minimum parameters (19 MiB, 2 iterations, 1 lane); the PHC string carries them, so
 * raising them later still verifies old hashes.
 */
export function argon2idHasher(options: { memoryCost?: number; timeCost?: number } = {}): PasswordHasher {
  const parameters = {
    algorithm: 2 /* Algorithm.Argon2id */,
    memoryCost: options.memoryCost ?? 19_456,
    timeCost: options.timeCost ?? 2,
    parallelism: 1,
  } as const;
  return {
    hash: (password) => hash(password, parameters),
    async verify(passwordHash, password) {
      try {
        return await verify(passwordHash, password);
      } catch {
        return false;
      }
    },
  };
}
