import { describe, expect, it } from 'vitest';
import { formatCheckpointBody, openCheckpoint, parseCheckpointBody, signCheckpoint } from './checkpoint.js';
import { leafHash } from './hash.js';
import { signerFromSeed, signNote, verifierFromSigner, verifierKeyString } from './signed-note.js';

const rootHash = leafHash(Uint8Array.of(1, 2, 3));
const rootBase64 = Buffer.from(rootHash).toString('base64');
const origin = 'portledger.example/log';
const signer = signerFromSeed(origin, new Uint8Array(32).fill(3));
const verifier = verifierFromSigner(signer);

describe('checkpoint body (C2SP tlog-checkpoint)', () => {
  it('formats origin, decimal size and base64 root, one per line', () => {
    expect(formatCheckpointBody({ origin, treeSize: 20852163, rootHash })).toBe(
      `${origin}\n20852163\n${rootBase64}\n`,
    );
    expect(formatCheckpointBody({ origin, treeSize: 2n ** 64n - 1n, rootHash })).toContain(
      '\n18446744073709551615\n',
    );
  });

  it('round-trips, extension lines included', () => {
    const body = formatCheckpointBody({ origin, treeSize: 0, rootHash, extensions: ['ext one'] });
    expect(parseCheckpointBody(body)).toEqual({
      ok: true,
      origin,
      treeSize: 0n,
      rootHash,
      extensions: ['ext one'],
    });
  });

  it('parses the spec example', () => {
    const parsed = parseCheckpointBody(
      'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n',
    );
    expect(parsed).toMatchObject({ ok: true, origin: 'example.com/behind-the-sofa', treeSize: 20852163n });
  });

  it.each([
    ['a leading zero', `${origin}\n042\n${rootBase64}\n`],
    ['a signed size', `${origin}\n+42\n${rootBase64}\n`],
    ['a size beyond uint64', `${origin}\n18446744073709551616\n${rootBase64}\n`],
    ['bad base64', `${origin}\n42\n${rootBase64.replace('=', '')}\n`],
    ['URL-safe base64', `${origin}\n42\n${'_'.repeat(43)}=\n`],
    ['a short hash', `${origin}\n42\n${Buffer.alloc(31).toString('base64')}\n`],
    ['a long hash', `${origin}\n42\n${Buffer.alloc(33).toString('base64')}\n`],
    ['an empty origin', `\n42\n${rootBase64}\n`],
    ['a missing line', `${origin}\n42\n`],
    ['no final newline', `${origin}\n42\n${rootBase64}`],
    ['an empty extension line', `${origin}\n42\n${rootBase64}\n\n`],
    ['a control character', `${origin}\t\n42\n${rootBase64}\n`],
  ])('rejects %s', (_, body) => {
    expect(parseCheckpointBody(body)).toMatchObject({ ok: false, code: 'audit.checkpoint_malformed' });
  });

  it('refuses to format what it could not parse', () => {
    for (const body of [
      { origin: '', treeSize: 1, rootHash },
      { origin: 'a\nb', treeSize: 1, rootHash },
      { origin, treeSize: -1, rootHash },
      { origin, treeSize: 1.5, rootHash },
      { origin, treeSize: 2n ** 64n, rootHash },
      { origin, treeSize: 1, rootHash: new Uint8Array(31) },
      { origin, treeSize: 1, rootHash, extensions: [''] },
    ]) {
      expect(() => formatCheckpointBody(body)).toThrow(
        expect.objectContaining({ code: 'audit.checkpoint_invalid' }),
      );
    }
  });
});

describe('signed checkpoints', () => {
  it('sign and open, with the verifier or its key string', () => {
    const note = signCheckpoint({ origin, treeSize: 7, rootHash }, signer);
    expect(note.startsWith(`${origin}\n7\n${rootBase64}\n\n— ${origin} `)).toBe(true);
    expect(openCheckpoint(note, verifier, origin)).toMatchObject({
      ok: true,
      origin,
      treeSize: 7n,
      rootHash,
    });
    expect(openCheckpoint(note, verifierKeyString(signer))).toMatchObject({ ok: true, treeSize: 7n });
  });

  it('reject another origin, another key, and a tampered size', () => {
    const note = signCheckpoint({ origin, treeSize: 7, rootHash }, signer);
    expect(openCheckpoint(note, verifier, 'other.example/log')).toMatchObject({
      ok: false,
      code: 'audit.checkpoint_origin_mismatch',
    });
    const stranger = verifierFromSigner(signerFromSeed(origin, new Uint8Array(32).fill(4)));
    expect(openCheckpoint(note, stranger)).toMatchObject({ ok: false, code: 'audit.note_unverified' });
    expect(openCheckpoint(note.replace('\n7\n', '\n8\n'), verifier)).toMatchObject({
      ok: false,
      code: 'audit.note_invalid_signature',
    });
  });

  it('reject a validly signed note whose body is not a checkpoint', () => {
    const note = signNote(`${origin}\n07\n${rootBase64}\n`, [signer]);
    expect(openCheckpoint(note, verifier)).toMatchObject({ ok: false, code: 'audit.checkpoint_malformed' });
  });
});
