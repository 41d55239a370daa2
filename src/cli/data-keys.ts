import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Parses `id:base64key,id2:base64key`: the first key is current, every key decrypts. */
export function parseDataKeys(text: string): { current: string; keys: Map<string, Uint8Array> } {
  const keys = new Map<string, Uint8Array>();
  let current: string | undefined;
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [id, b64] = part.split(':');
    if (!id || !b64) throw new Error('data keys must look like id:base64key,id2:base64key');
    const key = new Uint8Array(Buffer.from(b64, 'base64'));
    if (key.length !== 32) throw new Error(`data key ${id} must be 32 bytes`);
    keys.set(id, key);
    current ??= id;
  }
  if (!current) throw new Error('no data key given');
  return { current, keys };
}

/** The data keys from config, or from their file, generated there (mode 0600) on first start. */
export function loadOrCreateDataKeys(args: { keysText?: string; keyFile: string }) {
  if (args.keysText) return parseDataKeys(args.keysText);
  try {
    return parseDataKeys(readFileSync(args.keyFile, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dirname(args.keyFile), { recursive: true });
  const text = `k${new Date().toISOString().slice(0, 10).replaceAll('-', '')}:${randomBytes(32).toString('base64')}\n`;
  try {
    writeFileSync(args.keyFile, text, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return parseDataKeys(readFileSync(args.keyFile, 'utf8'));
}
