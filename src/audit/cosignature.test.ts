import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { signCheckpoint } from './checkpoint.js';
import {
  appendSignatureLines,
  cosignatureKeyId,
  cosignatureLine,
  cosignatureVerifierKeyString,
  cosignatureVerifierOf,
  cosignedMessage,
  cosignerFromSeed,
  encodeCosignerKey,
  parseCosignatureVerifierKey,
  parseCosignerKey,
  splitSignedNote,
  verifyCosignatures,
} from './cosignature.js';
import { openNote, signerFromSeed, verifierFromSigner } from './signed-note.js';

const specFile = path.resolve(import.meta.dirname, '../../../shared/conformance/c2sp/tlog-cosignature.md');
const hasSpec = existsSync(specFile);

const seedOf = (byte: number) => new Uint8Array(32).fill(byte);
const codeOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return 'no error';
};

const log = signerFromSeed('portledger.example/log', seedOf(1));
const customs = cosignerFromSeed('customs.example/witness', seedOf(2));
const authority = cosignerFromSeed('port-authority.example/witness', seedOf(3));
const checkpoint = signCheckpoint(
  { origin: 'portledger.example/log', treeSize: 5343, rootHash: new Uint8Array(32).fill(7) },
  log,
);
const body = checkpoint.slice(0, checkpoint.indexOf('\n\n') + 1);

describe.skipIf(!hasSpec)(
  hasSpec
    ? 'tlog-cosignature.md examples'
    : 'tlog-cosignature.md examples: SKIPPED, conformance data missing',
  () => {
    const spec = hasSpec ? readFileSync(specFile, 'utf8') : '';

    it('signs exactly the message the specification shows', () => {
      // §Ed25519 signed message: the indented example block, header, time line, then the checkpoint body.
      const block = spec.match(/\n {4}cosignature\/v1\n((?: {4}.*\n)+)/)![0];
      const example = `${block
        .trim()
        .split('\n')
        .map((line) => line.replace(/^ {4}/, ''))
        .join('\n')}\n`;
      const noteText = example.split('\n').slice(2).join('\n');
      expect(Buffer.from(cosignedMessage(noteText, 1679315147)).toString('utf8')).toBe(example);
    });

    it("reads the key id and timestamp of the specification's example cosignature", () => {
      const example = spec.match(/```\n(example\.com\/behind-the-sofa\n[\s\S]*?)```/)![1]!;
      const split = splitSignedNote(example);
      expect(split.ok).toBe(true);
      if (!split.ok) return;
      expect(split.signatures.map((s) => s.name)).toEqual([
        'example.com/behind-the-sofa',
        'witness.example.com/w1',
      ]);
      const cosignature = split.signatures[1]!.signature;
      expect(cosignature.length).toBe(72);
      // The example's timestamp is the one its signed-message example shows.
      expect(new DataView(cosignature.buffer, cosignature.byteOffset).getBigUint64(0)).toBe(1679315147n);
    });
  },
);

describe('cosignature/v1', () => {
  it('derives the key id with type byte 0x04, unlike the note key id of the same key', () => {
    const ed25519 = signerFromSeed('customs.example/witness', seedOf(2));
    expect(customs.publicKey).toEqual(ed25519.publicKey);
    expect(customs.keyId).toBe(cosignatureKeyId('customs.example/witness', customs.publicKey));
    expect(customs.keyId).not.toBe(ed25519.keyId);
  });

  it('round-trips signer and verifier keys, and refuses a note key in their place', () => {
    const signerKey = encodeCosignerKey(customs);
    expect(signerKey).toMatch(/^PRIVATE\+KEY\+customs\.example\/witness\+[0-9a-f]{8}\+B[A-P]/);
    expect(encodeCosignerKey(parseCosignerKey(signerKey))).toBe(signerKey);
    const vkey = cosignatureVerifierKeyString(customs);
    expect(vkey).toMatch(/^customs\.example\/witness\+[0-9a-f]{8}\+B[A-P]/);
    expect(parseCosignatureVerifierKey(vkey).keyId).toBe(customs.keyId);
    expect(codeOf(() => parseCosignatureVerifierKey(vkey.replace(/\+[0-9a-f]{8}\+/, '+00000000+')))).toBe(
      'audit.key_id_mismatch',
    );
    const noteVkey = `${log.name}+${log.keyId.toString(16).padStart(8, '0')}+${Buffer.concat([
      Buffer.of(1),
      log.publicKey,
    ]).toString('base64')}`;
    expect(codeOf(() => parseCosignatureVerifierKey(noteVkey))).toBe('audit.key_unsupported_algorithm');
  });

  it('verifies several cosignatures beside the log signature and ignores unknown keys', () => {
    const lines = [
      cosignatureLine({ cosigner: customs, noteText: body, timestamp: 1_800_000_000 }),
      cosignatureLine({ cosigner: authority, noteText: body, timestamp: 1_800_000_001 }),
    ];
    const cosigned = appendSignatureLines(checkpoint, lines);
    expect(appendSignatureLines(cosigned, lines)).toBe(cosigned);
    const result = verifyCosignatures(cosigned, [
      cosignatureVerifierOf(customs),
      cosignatureVerifierOf(authority),
    ]);
    expect(result).toMatchObject({
      ok: true,
      text: body,
      cosignatures: [
        { name: customs.name, timestamp: 1_800_000_000 },
        { name: authority.name, timestamp: 1_800_000_001 },
      ],
    });
    expect(verifyCosignatures(cosigned, [cosignatureVerifierOf(customs)])).toMatchObject({
      ok: true,
      cosignatures: [{ name: customs.name }],
    });
    // The log's signature still opens the note: the cosigners' lines are unknown keys to it.
    expect(openNote(cosigned, [verifierFromSigner(log)]).ok).toBe(true);
  });

  it('refuses a cosignature over another checkpoint, another time or by a plain note signature', () => {
    const verifier = cosignatureVerifierOf(customs);
    const otherBody = body.replace('5343', '5344');
    const forOther = cosignatureLine({ cosigner: customs, noteText: otherBody, timestamp: 1_800_000_000 });
    expect(verifyCosignatures(appendSignatureLines(checkpoint, [forOther]), [verifier])).toMatchObject({
      ok: false,
      code: 'audit.note_invalid_signature',
    });
    const line = cosignatureLine({ cosigner: customs, noteText: body, timestamp: 1_800_000_000 });
    const raw = Buffer.from(line.trim().split(' ')[2]!, 'base64');
    raw.writeBigUInt64BE(1_800_000_001n, 4);
    const retimed = `— ${customs.name} ${raw.toString('base64')}\n`;
    expect(verifyCosignatures(appendSignatureLines(checkpoint, [retimed]), [verifier]).ok).toBe(false);
    // Without the 8-byte timestamp the line is no cosignature/v1.
    const untimed = `— ${customs.name} ${Buffer.concat([raw.subarray(0, 4), raw.subarray(12)]).toString('base64')}\n`;
    expect(verifyCosignatures(appendSignatureLines(checkpoint, [untimed]), [verifier])).toMatchObject({
      ok: false,
      code: 'audit.cosignature_malformed',
    });
  });

  it('never signs timestamp zero and refuses one on verification', () => {
    expect(codeOf(() => cosignatureLine({ cosigner: customs, noteText: body, timestamp: 0 }))).toBe(
      'audit.invalid_argument',
    );
    const line = cosignatureLine({ cosigner: customs, noteText: body, timestamp: 1 });
    const raw = Buffer.from(line.trim().split(' ')[2]!, 'base64');
    raw.writeBigUInt64BE(0n, 4);
    const zero = `— ${customs.name} ${raw.toString('base64')}\n`;
    expect(
      verifyCosignatures(appendSignatureLines(checkpoint, [zero]), [cosignatureVerifierOf(customs)]).ok,
    ).toBe(false);
  });

  it('splits notes defensively', () => {
    expect(splitSignedNote('no signatures\n').ok).toBe(false);
    expect(splitSignedNote('text\n\n— name !!!\n').ok).toBe(false);
    expect(splitSignedNote('text\n\nnot a signature\n').ok).toBe(false);
    expect(splitSignedNote(new Uint8Array([0xff, 0x0a, 0x0a])).ok).toBe(false);
    const split = splitSignedNote(checkpoint);
    expect(split).toMatchObject({ ok: true, text: body, signatures: [{ name: log.name, keyId: log.keyId }] });
  });
});
