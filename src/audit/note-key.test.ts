import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { verifyCheckpointNote } from '../../web/src/proof.js';
import { openCheckpoint, signCheckpoint } from './checkpoint.js';
import { parseNoteKeyFields } from './note-key.js';
import { parseVerifierKey, signerFromSeed, verifierKeyString } from './signed-note.js';

/**
 * One parser for verifier keys, on both sides: the server (`parseVerifierKey`, `openCheckpoint`) and the console
 * (`web/src/proof.ts`, run here with Node's WebCrypto as the browser runs it). The console used to split the key on
 * every '+', so on an install whose key's base64 held a '+' (about half of them) every checkpoint showed ✗.
 */

const ORIGIN = 'portledger.example/log';

/** A fresh Ed25519 seed from node:crypto, as `portledger demo` makes the log key. */
function generatedSeed(): Uint8Array {
  const { privateKey } = generateKeyPairSync('ed25519');
  const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
  return Uint8Array.from(pkcs8.subarray(pkcs8.length - 32));
}

/** A checkpoint signed with `seed`, and what a client needs to check it. */
function signedCheckpoint(seed: Uint8Array, treeSize: number, rootHash: Uint8Array) {
  const signer = signerFromSeed(ORIGIN, seed);
  return {
    verifierKey: verifierKeyString(signer),
    note: signCheckpoint({ origin: ORIGIN, treeSize, rootHash }, signer),
  };
}

const seeds = fc.uint8Array({ minLength: 32, maxLength: 32 });
const roots = fc.uint8Array({ minLength: 32, maxLength: 32 });
const sizes = fc.integer({ min: 1, max: 2 ** 40 });

describe('verifier keys', () => {
  it('with a "+" in their base64 are among the keys node:crypto generates', () => {
    const keys = Array.from({ length: 40 }, () => signedCheckpoint(generatedSeed(), 1, new Uint8Array(32)));
    const withPlus = keys.filter(({ verifierKey }) => verifierKey.split('+').length > 3);
    // 44 base64 characters, each '+' with probability 1/64: P(none in 40 keys) is about 1e-13.
    expect(withPlus.length).toBeGreaterThan(0);
    for (const { verifierKey } of withPlus)
      expect(parseNoteKeyFields(verifierKey)).toMatchObject({ ok: true });
  });

  it('parse and verify a signed checkpoint on the server and in the browser code, for every seed', async () => {
    await fc.assert(
      fc.asyncProperty(seeds, sizes, roots, async (seed, treeSize, rootHash) => {
        const { verifierKey, note } = signedCheckpoint(seed, treeSize, rootHash);

        const fields = parseNoteKeyFields(verifierKey);
        expect(fields).toMatchObject({ ok: true, name: ORIGIN });

        const server = openCheckpoint(note, parseVerifierKey(verifierKey), ORIGIN);
        expect(server).toMatchObject({ ok: true });

        const browser = await verifyCheckpointNote({ note, verifierKey, treeSize, rootHash });
        expect(browser).toEqual({ status: 'valid', keyName: ORIGIN });
      }),
      { numRuns: 200 },
    );
  });

  it('from generated key pairs verify in the browser code, "+" or not', async () => {
    for (let i = 0; i < 64; i++) {
      const rootHash = new Uint8Array(32).fill(i);
      const { verifierKey, note } = signedCheckpoint(generatedSeed(), i + 1, rootHash);
      expect(await verifyCheckpointNote({ note, verifierKey, treeSize: i + 1, rootHash })).toMatchObject({
        status: 'valid',
      });
    }
  });

  it('refuse a tampered signature on both sides', async () => {
    await fc.assert(
      fc.asyncProperty(seeds, sizes, roots, fc.nat(63), async (seed, treeSize, rootHash, at) => {
        const { verifierKey, note } = signedCheckpoint(seed, treeSize, rootHash);
        const split = note.lastIndexOf(' ') + 1;
        const signature = Buffer.from(note.slice(split, -1), 'base64');
        // Flip one bit of the Ed25519 signature, past the 4-byte key id.
        signature[4 + at]! ^= 0x01;
        const forged = `${note.slice(0, split)}${signature.toString('base64')}\n`;

        expect(openCheckpoint(forged, parseVerifierKey(verifierKey), ORIGIN)).toMatchObject({ ok: false });
        expect(await verifyCheckpointNote({ note: forged, verifierKey, treeSize, rootHash })).toMatchObject({
          status: 'invalid',
        });
      }),
      { numRuns: 50 },
    );
  });

  it('refuse a key whose id does not match it in the browser code, as the server does', async () => {
    const rootHash = new Uint8Array(32);
    const { verifierKey, note } = signedCheckpoint(generatedSeed(), 1, rootHash);
    const [name, id] = verifierKey.split('+') as [string, string];
    const wrongId = ((Number.parseInt(id, 16) + 1) >>> 0).toString(16).padStart(8, '0');
    const wrong = `${name}+${wrongId}+${verifierKey.slice(name.length + id.length + 2)}`;
    expect(() => parseVerifierKey(wrong)).toThrow(expect.objectContaining({ code: 'audit.key_id_mismatch' }));
    expect(await verifyCheckpointNote({ note, verifierKey: wrong, treeSize: 1, rootHash })).toMatchObject({
      status: 'invalid',
    });
  });

  it.each([
    ['no fields', 'portledger'],
    ['two fields', 'portledger+c74f20a3'],
    ['an empty name', '+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'],
    ['an upper-case key id', 'PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'],
    ['a short key id', 'PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'],
    ['unpadded base64', 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T'],
    ['URL-safe base64', 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq_LDE4izWy10TW'],
    ['a space in the name', 'Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'],
  ])('refuse a key string with %s', (_, text) => {
    expect(parseNoteKeyFields(text)).toMatchObject({ ok: false, code: 'audit.key_malformed' });
  });

  it('take the key id and key bytes of the Go known-answer key (golang.org/x/mod/sumdb/note)', () => {
    const parsed = parseNoteKeyFields('PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW');
    expect(parsed).toMatchObject({ ok: true, name: 'PeterNeumann', keyId: 0xc74f20a3, keyIdHex: 'c74f20a3' });
    expect(parsed.ok && parsed.keyBytes.length).toBe(32);
  });
});
