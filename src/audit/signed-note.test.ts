import { describe, expect, it } from 'vitest';
import {
  encodeSignerKey,
  MAX_NOTE_SIGNATURES,
  openNote,
  parseSignerKey,
  parseVerifierKey,
  signerFromSeed,
  signNote,
  verifierFromSigner,
  verifierKeyString,
} from './signed-note.js';

// Known-answer vectors from golang.org/x/mod/sumdb/note/note_test.go (TestSign, TestOpen; BSD-3-Clause).
const PETER_SIGNER_KEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const PETER_VERIFIER_KEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const ENOCH_VERIFIER_KEY = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
const TEXT =
  "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_SIG =
  '— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const ENOCH_SIG =
  '— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';

const seedOf = (byte: number) => new Uint8Array(32).fill(byte);
const codeOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return 'no error';
};

describe('Go sumdb/note known answers', () => {
  const peterSigner = parseSignerKey(PETER_SIGNER_KEY);
  const peter = parseVerifierKey(PETER_VERIFIER_KEY);
  const enoch = parseVerifierKey(ENOCH_VERIFIER_KEY);

  it('parses the keys and re-encodes them byte for byte', () => {
    expect(peterSigner.name).toBe('PeterNeumann');
    expect(peterSigner.keyId).toBe(0xc74f20a3);
    expect(encodeSignerKey(peterSigner)).toBe(PETER_SIGNER_KEY);
    expect(verifierKeyString(peterSigner)).toBe(PETER_VERIFIER_KEY);
    expect(verifierKeyString(peter)).toBe(PETER_VERIFIER_KEY);
    expect(enoch.keyId).toBe(0xaf0cfe78);
  });

  it('signs exactly as Go does (Ed25519 is deterministic)', () => {
    expect(signNote(TEXT, [peterSigner])).toBe(`${TEXT}\n${PETER_SIG}`);
  });

  it('opens the Go note with one or both keys, ignoring the unknown one', () => {
    const note = `${TEXT}\n${PETER_SIG}${ENOCH_SIG}`;
    expect(openNote(note, [peter])).toEqual({
      ok: true,
      text: TEXT,
      verified: [{ name: 'PeterNeumann', keyId: 0xc74f20a3 }],
    });
    const both = openNote(Buffer.from(note, 'utf8'), [peter, enoch]);
    expect(both.ok && both.verified.map((v) => v.name)).toEqual(['PeterNeumann', 'EnochRoot']);
    expect(openNote(note, [])).toMatchObject({ ok: false, code: 'audit.note_unverified' });
  });

  it('rejects the malformed notes of TestOpen', () => {
    const bad = [
      TEXT,
      `${TEXT}\n`,
      `${TEXT}\n${PETER_SIG.slice(0, -1)}`,
      `\x01${TEXT}\n${PETER_SIG}`,
      `${TEXT}\n— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=`,
      `${TEXT}\n${PETER_SIG}Unexpected line.\n`,
    ];
    for (const note of bad)
      expect(openNote(note, [peter])).toMatchObject({ ok: false, code: 'audit.note_malformed' });
    const invalidUtf8 = Buffer.concat([Buffer.of(0xff), Buffer.from(`${TEXT}\n${PETER_SIG}`)]);
    expect(openNote(invalidUtf8, [peter])).toMatchObject({ ok: false, code: 'audit.note_malformed' });
  });

  it('rejects a bad signature by a known key, and too many signatures', () => {
    const corrupted = `${TEXT}\n${PETER_SIG.slice(0, 60)}ABCD${PETER_SIG.slice(60)}`;
    expect(openNote(corrupted, [peter])).toMatchObject({ ok: false, code: 'audit.note_invalid_signature' });
    const crowded = `${TEXT}\n${PETER_SIG.repeat(MAX_NOTE_SIGNATURES + 1)}`;
    expect(openNote(crowded, [peter])).toMatchObject({ ok: false, code: 'audit.note_too_many_signatures' });
    expect(openNote(`${TEXT}\n${PETER_SIG.repeat(MAX_NOTE_SIGNATURES)}`, [peter]).ok).toBe(true);
  });

  it('refuses every mangling of the verifier key (TestNewVerifier)', () => {
    const bytes = Buffer.from(PETER_VERIFIER_KEY);
    for (let i = 0; i <= bytes.length; i++) {
      for (let j = i + 1; j <= bytes.length; j++) {
        if (i === 0 && j === bytes.length) continue;
        expect(codeOf(() => parseVerifierKey(bytes.subarray(i, j).toString('latin1')))).not.toBe('no error');
      }
    }
    for (let i = 0; i < bytes.length; i++) {
      const mangled = Buffer.from(bytes);
      mangled[i]! += 1;
      expect(codeOf(() => parseVerifierKey(mangled.toString('latin1')))).not.toBe('no error');
    }
    // Wrong key length and unknown algorithm, each with an adjusted key id (from the Go test).
    expect(
      codeOf(() =>
        parseVerifierKey('PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY=='),
      ),
    ).toBe('audit.key_malformed');
    expect(
      codeOf(() => parseVerifierKey('PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW')),
    ).toBe('audit.key_unsupported_algorithm');
  });

  it('refuses every mangling of the signer key (TestNewSigner)', () => {
    const bytes = Buffer.from(PETER_SIGNER_KEY);
    for (let i = 0; i < bytes.length; i++) {
      const mangled = Buffer.from(bytes);
      mangled[i]! += 1;
      expect(codeOf(() => parseSignerKey(mangled.toString('latin1')))).not.toBe('no error');
    }
    expect(codeOf(() => parseSignerKey(PETER_SIGNER_KEY.replace('c74f20a3', 'c74f20a4')))).toBe(
      'audit.key_id_mismatch',
    );
    expect(codeOf(() => parseSignerKey(PETER_SIGNER_KEY.slice(0, -4)))).toBe('audit.key_malformed');
  });
});

describe('signed notes of our own', () => {
  const signer = signerFromSeed('portledger.example/log', seedOf(7));
  const witness = signerFromSeed('customs.example/witness', seedOf(9));
  const text = 'portledger.example/log\n42\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n';

  it('round-trip, with several signers and through the key strings', () => {
    const note = signNote(text, [signer, witness]);
    const verifier = parseVerifierKey(verifierKeyString(signer));
    expect(openNote(note, [verifier])).toMatchObject({ ok: true, text });
    const opened = openNote(note, [verifierFromSigner(witness), verifier]);
    expect(opened.ok && opened.verified.map((v) => v.name)).toEqual([
      'portledger.example/log',
      'customs.example/witness',
    ]);
    const reparsed = parseSignerKey(encodeSignerKey(signer));
    expect(signNote(text, [reparsed])).toBe(signNote(text, [signer]));
  });

  it('keep empty lines inside the text', () => {
    const withBlank = 'first\n\nlast\n';
    expect(openNote(signNote(withBlank, [signer]), [verifierFromSigner(signer)])).toMatchObject({
      ok: true,
      text: withBlank,
    });
  });

  it('reject tampered text and tampered signatures', () => {
    const note = signNote(text, [signer]);
    const verifier = verifierFromSigner(signer);
    expect(openNote(note.replace('\n42\n', '\n43\n'), [verifier])).toMatchObject({
      ok: false,
      code: 'audit.note_invalid_signature',
    });
    const signatureStart = note.lastIndexOf(' ') + 1;
    const flipped =
      note.slice(0, signatureStart + 10) +
      (note[signatureStart + 10] === 'A' ? 'B' : 'A') +
      note.slice(signatureStart + 11);
    expect(openNote(flipped, [verifier])).toMatchObject({ ok: false, code: 'audit.note_invalid_signature' });
  });

  it('ignore signatures by other keys, even with the same name or the same id', () => {
    const impostor = signerFromSeed('portledger.example/log', seedOf(8));
    const note = signNote(text, [impostor]);
    expect(openNote(note, [verifierFromSigner(signer)])).toMatchObject({
      ok: false,
      code: 'audit.note_unverified',
    });
    const renamed = note.replace('— portledger.example/log ', '— other.example/log ');
    expect(openNote(renamed, [verifierFromSigner(impostor)])).toMatchObject({
      ok: false,
      code: 'audit.note_unverified',
    });
  });

  it('refuse a verifier key whose id does not match its key', () => {
    const key = verifierKeyString(signer);
    const [name, id, material] = key.split('+') as [string, string, string];
    const otherId = ((Number.parseInt(id, 16) + 1) >>> 0).toString(16).padStart(8, '0');
    expect(codeOf(() => parseVerifierKey(`${name}+${otherId}+${material}`))).toBe('audit.key_id_mismatch');
    expect(codeOf(() => parseVerifierKey(`${name}+${id.toUpperCase()}+${material}`))).toBe(
      'audit.key_malformed',
    );
  });

  it('refuse ambiguous known keys', () => {
    const note = signNote(text, [signer]);
    const fake = { ...verifierFromSigner(witness), name: signer.name, keyId: signer.keyId };
    expect(openNote(note, [verifierFromSigner(signer), fake])).toMatchObject({
      ok: false,
      code: 'audit.note_ambiguous_key',
    });
  });

  it('refuse text and names that would break the format', () => {
    expect(codeOf(() => signNote('no newline', [signer]))).toBe('audit.note_text_invalid');
    expect(codeOf(() => signNote('', [signer]))).toBe('audit.note_text_invalid');
    expect(codeOf(() => signNote('tab\there\n', [signer]))).toBe('audit.note_text_invalid');
    expect(codeOf(() => signNote('lone \ud800\n', [signer]))).toBe('audit.note_text_invalid');
    expect(codeOf(() => signNote(text, []))).toBe('audit.invalid_argument');
    for (const name of ['', 'a b', 'a+b', 'a\u00a0b', 'a\u2003b', 'a\u0085b', 'bad\ud800']) {
      expect(codeOf(() => signerFromSeed(name, seedOf(1)))).toBe('audit.key_malformed');
    }
    expect(codeOf(() => signerFromSeed('ok', new Uint8Array(31)))).toBe('audit.key_malformed');
    expect(codeOf(() => encodeSignerKey({ ...signer }))).toBe('audit.invalid_argument');
  });

  it('parse hostile notes defensively', () => {
    const verifier = verifierFromSigner(signer);
    const note = signNote(text, [signer]);
    expect(openNote(`${note.slice(0, -2)}\n`, [verifier])).toMatchObject({
      ok: false,
      code: 'audit.note_malformed',
    });
    expect(openNote(note.replace('— ', '-- '), [verifier])).toMatchObject({
      ok: false,
      code: 'audit.note_malformed',
    });
    expect(openNote(`${text}\n— portledger.example/log AAAA\n`, [verifier])).toMatchObject({
      ok: false,
      code: 'audit.note_malformed',
    });
    expect(openNote('x'.repeat(2 ** 20 + 1), [verifier])).toMatchObject({
      ok: false,
      code: 'audit.note_too_large',
    });
    expect(openNote(42 as never, [verifier])).toMatchObject({ ok: false, code: 'audit.note_malformed' });
    expect(openNote(note.replace('\n42\n', '\n\ud800\n'), [verifier])).toMatchObject({
      ok: false,
      code: 'audit.note_malformed',
    });
  });
});
