import { createHash, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import {
  consistencyProofFromLeaves,
  leafHash,
  type NoteSigner,
  rootOfLeafHashes,
  signCheckpoint,
  signerFromSeed,
  verifierKeyString,
} from '../../src/audit/index.js';

/**
 * A small log for witness tests: leaves `entry 0`, `entry 1`, …, a signer, and add-checkpoint request bodies
 * (tlog-witness §add-checkpoint) from any size to any size.
 */
export function testLog(args: { origin?: string; seedByte?: number; leaves?: number } = {}) {
  const origin = args.origin ?? 'portledger.test/log';
  const signer: NoteSigner = signerFromSeed(origin, new Uint8Array(32).fill(args.seedByte ?? 9));
  const leaves = Array.from({ length: args.leaves ?? 200 }, (_, i) => leafHash(Buffer.from(`entry ${i}`)));
  const rootAt = (size: number) => rootOfLeafHashes(leaves.slice(0, size));
  const checkpointAt = (size: number, rootHash = rootAt(size), by: NoteSigner = signer) =>
    signCheckpoint({ origin, treeSize: size, rootHash }, by);
  const proofBetween = (from: number, to: number) =>
    from === 0 || from === to ? [] : consistencyProofFromLeaves(from, leaves.slice(0, to));
  /** The request body, old size line to the last signature line. */
  const body = (args: { from: number; to: number; proof?: Uint8Array[]; note?: string }) => {
    const proof = args.proof ?? proofBetween(args.from, args.to);
    const lines = proof.map((hash) => `${Buffer.from(hash).toString('base64')}\n`).join('');
    return `old ${args.from}\n${lines}\n${args.note ?? checkpointAt(args.to)}`;
  };
  return {
    origin,
    signer,
    vkey: verifierKeyString(signer),
    leaves,
    rootAt,
    checkpointAt,
    proofBetween,
    body,
  };
}

/**
 * Verifies a witness's cosignature line over a checkpoint body by its own code path, straight from
 * tlog-cosignature.md: key ID = SHA-256(name ‖ "\n" ‖ 0x04 ‖ public key)[:4]; the signature is a u64 big-endian
 * timestamp then an Ed25519 signature over "cosignature/v1\ntime <decimal>\n" ‖ the checkpoint body. It imports
 * nothing from src/audit/cosignature.ts, so a mistake there cannot hide here.
 */
export function verifyCosignatureIndependently(args: {
  vkey: string;
  checkpointBody: string;
  line: string;
}): {
  ok: boolean;
  timestamp: bigint;
} {
  const [name, keyIdHex, keyBase64] = [
    args.vkey.slice(0, args.vkey.indexOf('+')),
    args.vkey.split('+')[1]!,
    args.vkey.slice(args.vkey.indexOf('+', args.vkey.indexOf('+') + 1) + 1),
  ];
  const keyBytes = Buffer.from(keyBase64, 'base64');
  if (keyBytes[0] !== 0x04 || keyBytes.length !== 33) return { ok: false, timestamp: 0n };
  const publicKey = keyBytes.subarray(1);
  const expectedKeyId = createHash('sha256')
    .update(Buffer.concat([Buffer.from(`${name}\n`, 'utf8'), Buffer.of(0x04), publicKey]))
    .digest()
    .subarray(0, 4);
  const match = /^\u2014 (\S+) (\S+)\n$/u.exec(args.line);
  if (!match || match[1] !== name) return { ok: false, timestamp: 0n };
  const raw = Buffer.from(match[2]!, 'base64');
  if (raw.length !== 4 + 8 + 64 || !raw.subarray(0, 4).equals(expectedKeyId))
    return { ok: false, timestamp: 0n };
  if (expectedKeyId.toString('hex') !== keyIdHex) return { ok: false, timestamp: 0n };
  const timestamp = raw.readBigUInt64BE(4);
  const message = independentCosignedMessage(args.checkpointBody, timestamp);
  const key = createPublicKey({
    key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), publicKey]),
    format: 'der',
    type: 'spki',
  });
  return { ok: verify(null, message, key, raw.subarray(12)), timestamp };
}

/** The note body of a checkpoint note: everything before the blank line, final newline included. */
export const noteBody = (note: string) => note.slice(0, note.lastIndexOf('\n\n') + 1);

/**
 * The signed message of an Ed25519 cosignature, laid out as tlog-cosignature.md §Ed25519 signed message shows it:
 * the header line, the time line, then the checkpoint body. Written here again on purpose (see above).
 */
export const independentCosignedMessage = (checkpointBody: string, timestamp: bigint) =>
  Buffer.from(`cosignature/v1\ntime ${timestamp}\n${checkpointBody}`, 'utf8');

/**
 * A cosignature line made from a raw Ed25519 seed by node:crypto alone: key ID ‖ u64 big-endian timestamp ‖
 * Ed25519 signature over {@link independentCosignedMessage}. Ed25519 is deterministic (RFC 8032 §5.1.6), so for
 * the same key, checkpoint and time it must equal the witness's line byte for byte.
 */
export function cosignIndependently(args: {
  name: string;
  seed: Uint8Array;
  checkpointBody: string;
  timestamp: bigint;
}): string {
  const privateKey = createPrivateKey({
    key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), args.seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  const publicKey = spki.subarray(spki.length - 32);
  const keyId = createHash('sha256')
    .update(Buffer.concat([Buffer.from(`${args.name}\n`, 'utf8'), Buffer.of(0x04), publicKey]))
    .digest()
    .subarray(0, 4);
  const time = Buffer.alloc(8);
  time.writeBigUInt64BE(args.timestamp);
  const signature = sign(null, independentCosignedMessage(args.checkpointBody, args.timestamp), privateKey);
  return `\u2014 ${args.name} ${Buffer.concat([keyId, time, signature]).toString('base64')}\n`;
}
