import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { encodeSignerKey, type NoteSigner, parseSignerKey, signerFromSeed } from '../audit/index.js';

/**
 * The log's signer: given in config, or read from its key file, or generated there on first start. The file is
 * written with mode 0600 and never overwritten, so a restart keeps the same key and every old checkpoint still
 * verifies with the same public key.
 */
export function loadOrCreateSigner(args: { keyString?: string; keyFile: string; origin: string }): {
  signer: NoteSigner;
  created: boolean;
} {
  if (args.keyString) return { signer: parseSignerKey(args.keyString.trim()), created: false };
  try {
    const text = readFileSync(args.keyFile, 'utf8');
    if ((statSync(args.keyFile).mode & 0o077) !== 0) chmodSync(args.keyFile, 0o600);
    return { signer: parseSignerKey(text.trim()), created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const signer = signerFromSeed(args.origin, new Uint8Array(randomBytes(32)));
  mkdirSync(dirname(args.keyFile), { recursive: true });
  // 'wx' fails if another process created the file meanwhile; then that process's key wins.
  try {
    writeFileSync(args.keyFile, `${encodeSignerKey(signer)}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return { signer: parseSignerKey(readFileSync(args.keyFile, 'utf8').trim()), created: false };
  }
  return { signer, created: true };
}
