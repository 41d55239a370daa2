/**
 * Audit proofs checked in the browser with WebCrypto, so a person does not have to trust the server's word that an
 * event is in the log. Everything here comes from the network and is treated as attacker-controlled: hashes must
 * be 32 bytes, indices safe integers, and a proof at most one hash per tree level.
 *
 * Indices are plain numbers: every value stays below 2^53 (`Number.isSafeInteger`), and the bit operations of RFC
 * 9162 are done with `% 2` and `Math.floor(x / 2)`, since JavaScript's `&` and `>>` truncate to 32 bits.
 */

import { parseNoteKeyFields } from '../../src/audit/note-key.js';

const HASH_SIZE = 32;
/** A tree of at most 2^53 leaves is at most 53 levels deep. */
const MAX_PROOF_LENGTH = 53;

export type ProofFailure =
  | 'proof.malformed'
  | 'proof.index_out_of_range'
  | 'proof.wrong_length'
  | 'proof.root_mismatch'
  | 'proof.leaf_mismatch';

export type ProofResult = { ok: true } | { ok: false; code: ProofFailure; detail: string };

const fail = (code: ProofFailure, detail: string): ProofResult => ({ ok: false, code, detail });

/** Decodes standard base64; `undefined` for anything else. */
export function fromBase64(text: unknown): Uint8Array | undefined {
  if (typeof text !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0)
    return undefined;
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i += 1) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

async function sha256(...parts: Uint8Array[]): Promise<Uint8Array> {
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  const input = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    input.set(part, at);
    at += part.length;
  }
  return new Uint8Array(await crypto.subtle.digest('SHA-256', input));
}

/** RFC 9162 §2.1.1: the hash of a leaf is SHA-256(0x00 ‖ leaf bytes). */
export function leafHash(leaf: Uint8Array): Promise<Uint8Array> {
  return sha256(Uint8Array.of(0), leaf);
}

/** RFC 9162 §2.1.1: the hash of an interior node is SHA-256(0x01 ‖ left ‖ right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Promise<Uint8Array> {
  return sha256(Uint8Array.of(1), left, right);
}

export interface InclusionInput {
  readonly leafIndex: number;
  readonly treeSize: number;
  readonly leafHash: Uint8Array;
  readonly proof: readonly Uint8Array[];
  readonly rootHash: Uint8Array;
}

const isCount = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
const isHash = (value: unknown): value is Uint8Array =>
  value instanceof Uint8Array && value.length === HASH_SIZE;

/** RFC 9162 §2.1.3.2: verifies that `leafHash` is leaf `leafIndex` of the tree of `treeSize` leaves with `rootHash`. */
export async function verifyInclusion(input: InclusionInput): Promise<ProofResult> {
  const { leafIndex, treeSize, proof } = input;
  if (!isCount(leafIndex) || !isCount(treeSize))
    return fail('proof.malformed', 'index and size must be counts');
  if (!isHash(input.leafHash) || !isHash(input.rootHash) || !Array.isArray(proof))
    return fail('proof.malformed', 'hashes must be 32 bytes');
  if (proof.length > MAX_PROOF_LENGTH || !proof.every(isHash))
    return fail('proof.malformed', 'the proof is not a list of at most 53 hashes of 32 bytes');
  // Step 1: the index must lie inside the tree.
  if (leafIndex >= treeSize)
    return fail('proof.index_out_of_range', `leaf ${leafIndex} is not in a tree of ${treeSize}`);
  // Steps 2–4: walk up from the leaf, the proof giving each sibling.
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = input.leafHash;
  for (const p of proof) {
    if (sn === 0) return fail('proof.wrong_length', 'the proof has more hashes than the tree has levels');
    if (fn % 2 === 1 || fn === sn) {
      r = await nodeHash(p, r);
      // A right-edge node with no right sibling: climb until it is a right child (or the root).
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  // Step 5: the proof must end at the root, and the root must be the checkpoint's.
  if (sn !== 0) return fail('proof.wrong_length', 'the proof has fewer hashes than the tree has levels');
  if (!bytesEqual(r, input.rootHash))
    return fail('proof.root_mismatch', 'the proof leads to a different root than the checkpoint');
  return { ok: true };
}

const utf8 = (text: string) => new TextEncoder().encode(text);

export type SignatureResult =
  | { status: 'valid'; keyName: string }
  | { status: 'invalid'; detail: string }
  | { status: 'unsupported'; detail: string };

/**
 * Checks the log's Ed25519 signature on a C2SP signed note (signed-note §Format, §Signatures) with the verifier key
 * `<name>+<hex key id>+<base64(0x01 ‖ public key)>`, and that the checkpoint body (C2SP tlog-checkpoint: origin,
 * size, base64 root) names `treeSize` and `rootHash`. Browsers without WebCrypto Ed25519 get `unsupported`.
 *
 * The key is taken apart by the server's own parser (`src/audit/note-key.ts`): its base64 may hold '+'.
 */
export async function verifyCheckpointNote(args: {
  note: string;
  verifierKey: string;
  treeSize: number;
  rootHash: Uint8Array;
}): Promise<SignatureResult> {
  const invalid = (detail: string): SignatureResult => ({ status: 'invalid', detail });
  const key = parseNoteKeyFields(args.verifierKey);
  if (!key.ok) return invalid(`the verifier key is not an Ed25519 note key (${key.message})`);
  const { name, keyBytes: publicKey } = key;
  const split = args.note.lastIndexOf('\n\n');
  if (split < 0) return invalid('the note has no signature block');
  const text = args.note.slice(0, split + 1);
  const [origin, size, root] = text.split('\n');
  if (!origin || size !== String(args.treeSize) || root !== toBase64(args.rootHash))
    return invalid('the signed note does not name this tree size and root');
  const line = args.note
    .slice(split + 2)
    .split('\n')
    .find((candidate) => candidate.startsWith(`\u2014 ${name} `));
  const signature = fromBase64(line?.slice(`\u2014 ${name} `.length));
  if (signature?.length !== 68) return invalid('the log did not sign this note');
  // signed-note §Signatures: key id = SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)[:4], big-endian.
  const keyId = (await sha256(utf8(name), Uint8Array.of(0x0a, 0x01), publicKey)).subarray(0, 4);
  const claimedKeyId = Uint8Array.of(
    key.keyId >>> 24,
    (key.keyId >>> 16) & 0xff,
    (key.keyId >>> 8) & 0xff,
    key.keyId & 0xff,
  );
  if (!bytesEqual(claimedKeyId, keyId)) return invalid('the verifier key id does not match its key');
  if (!bytesEqual(signature.subarray(0, 4), keyId)) return invalid('signed with another key');
  let cryptoKey: CryptoKey;
  try {
    cryptoKey = await crypto.subtle.importKey('raw', new Uint8Array(publicKey), { name: 'Ed25519' }, false, [
      'verify',
    ]);
  } catch {
    return { status: 'unsupported', detail: 'this browser cannot check Ed25519 signatures' };
  }
  const ok = await crypto.subtle.verify(
    { name: 'Ed25519' },
    cryptoKey,
    new Uint8Array(signature.subarray(4)),
    utf8(text),
  );
  return ok ? { status: 'valid', keyName: name } : invalid('the signature does not match the note');
}
