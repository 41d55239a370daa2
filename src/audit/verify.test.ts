import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { leafHash } from './hash.js';
import { consistencyProofFromLeaves, inclusionProofFromLeaves } from './proof.js';
import { rootOfLeafHashes } from './tree.js';
import { rootFromInclusionProof, verifyConsistency, verifyInclusion } from './verify.js';

const here = import.meta.dirname ?? path.dirname(fileURLToPath(import.meta.url));
const merkleDir = path.resolve(here, '../../../shared/conformance/merkle');
const hasGoldenData =
  existsSync(path.join(merkleDir, 'inclusion')) && existsSync(path.join(merkleDir, 'consistency'));

function jsonFilesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => path.join(dir, file));
}

/** Parses a golden file, keeping integer literals too long for a double (2^64−1) exact as strings. */
function readGolden(file: string): Record<string, unknown> {
  const text = readFileSync(file, 'utf8').replace(/(:\s*)(\d{16,})(?=\s*[,}\n])/g, '$1"$2"');
  return JSON.parse(text) as Record<string, unknown>;
}

const integer = (value: unknown) => BigInt(value as number | string);
const bytes = (value: unknown) => Uint8Array.from(Buffer.from((value as string | null) ?? '', 'base64'));
const proofOf = (value: unknown) => ((value as string[] | null) ?? []).map(bytes);

describe.skipIf(!hasGoldenData)(
  hasGoldenData
    ? 'transparency-dev/merkle golden proofs'
    : 'transparency-dev/merkle golden proofs: SKIPPED, conformance data missing',
  () => {
    const inclusionFiles = hasGoldenData ? jsonFilesUnder(path.join(merkleDir, 'inclusion')) : [];
    const consistencyFiles = hasGoldenData ? jsonFilesUnder(path.join(merkleDir, 'consistency')) : [];

    it('has all 196 vectors, including the exact 2^64−1 index', () => {
      expect(inclusionFiles.length + consistencyFiles.length).toBe(196);
      const big = readGolden(path.join(merkleDir, 'inclusion/0/leafIdx-sub-@1.json'));
      expect(integer(big.leafIdx)).toBe(2n ** 64n - 1n);
    });

    it.each(inclusionFiles.map((file) => [path.relative(merkleDir, file), file]))('%s', (_, file) => {
      const golden = readGolden(file);
      const result = verifyInclusion({
        leafIndex: integer(golden.leafIdx),
        treeSize: integer(golden.treeSize),
        leafHash: bytes(golden.leafHash),
        proof: proofOf(golden.proof),
        rootHash: bytes(golden.root),
      });
      expect(result.ok, `${golden.desc}: ${JSON.stringify(result)}`).toBe(!golden.wantErr);
    });

    it.each(consistencyFiles.map((file) => [path.relative(merkleDir, file), file]))('%s', (_, file) => {
      const golden = readGolden(file);
      const result = verifyConsistency({
        size1: integer(golden.size1),
        size2: integer(golden.size2),
        root1: bytes(golden.root1),
        root2: bytes(golden.root2),
        proof: proofOf(golden.proof),
      });
      expect(result.ok, `${golden.desc}: ${JSON.stringify(result)}`).toBe(!golden.wantErr);
    });
  },
);

describe('verifiers on hostile input', () => {
  const leaves = Array.from({ length: 7 }, (_, i) => leafHash(Uint8Array.of(i)));
  const root = rootOfLeafHashes(leaves);
  const inclusion = {
    leafIndex: 2n,
    treeSize: 7n,
    leafHash: leaves[2]!,
    proof: inclusionProofFromLeaves(2, leaves),
    rootHash: root,
  };
  const consistency = {
    size1: 3n,
    size2: 7n,
    root1: rootOfLeafHashes(leaves.slice(0, 3)),
    root2: root,
    proof: consistencyProofFromLeaves(3, leaves),
  };
  const codeOf = (result: { ok: boolean; code?: string }) => (result.ok ? 'ok' : result.code);

  it('accept a valid proof and compute its root', () => {
    expect(verifyInclusion(inclusion)).toEqual({ ok: true });
    expect(rootFromInclusionProof(inclusion)).toEqual({ ok: true, rootHash: root });
    expect(verifyConsistency(consistency)).toEqual({ ok: true });
  });

  it('report a closed code for every kind of bad inclusion input, without throwing', () => {
    expect(codeOf(verifyInclusion({ ...inclusion, leafIndex: 7n }))).toBe('audit.index_out_of_range');
    expect(codeOf(verifyInclusion({ ...inclusion, leafIndex: -1n }))).toBe('audit.index_out_of_range');
    expect(codeOf(verifyInclusion({ ...inclusion, treeSize: 2n ** 64n }))).toBe('audit.size_out_of_range');
    expect(codeOf(verifyInclusion({ ...inclusion, leafIndex: 2 as never }))).toBe(
      'audit.proof_input_malformed',
    );
    expect(codeOf(verifyInclusion({ ...inclusion, leafHash: new Uint8Array(31) }))).toBe(
      'audit.hash_wrong_size',
    );
    expect(codeOf(verifyInclusion({ ...inclusion, rootHash: new Uint8Array(33) }))).toBe(
      'audit.hash_wrong_size',
    );
    expect(codeOf(verifyInclusion({ ...inclusion, proof: null as never }))).toBe(
      'audit.proof_input_malformed',
    );
    expect(codeOf(verifyInclusion({ ...inclusion, proof: ['x'] as never }))).toBe(
      'audit.proof_input_malformed',
    );
    expect(codeOf(verifyInclusion({ ...inclusion, proof: [...inclusion.proof, root] }))).toBe(
      'audit.proof_wrong_length',
    );
    expect(codeOf(verifyInclusion({ ...inclusion, proof: inclusion.proof.slice(1) }))).toBe(
      'audit.proof_wrong_length',
    );
    expect(codeOf(verifyInclusion({ ...inclusion, proof: Array(65).fill(root) }))).toBe(
      'audit.proof_too_long',
    );
    expect(codeOf(verifyInclusion({ ...inclusion, rootHash: leaves[0]! }))).toBe('audit.root_mismatch');
    expect(codeOf(verifyInclusion(undefined as never))).toBe('audit.proof_input_malformed');
  });

  it('report a closed code for every kind of bad consistency input, without throwing', () => {
    expect(codeOf(verifyConsistency({ ...consistency, size1: 0n, size2: 0n, proof: [] }))).toBe(
      'audit.consistency_from_empty_tree',
    );
    expect(codeOf(verifyConsistency({ ...consistency, size1: 8n }))).toBe('audit.size_out_of_range');
    expect(codeOf(verifyConsistency({ ...consistency, size2: 2n ** 64n }))).toBe('audit.size_out_of_range');
    expect(codeOf(verifyConsistency({ ...consistency, root1: new Uint8Array() }))).toBe(
      'audit.hash_wrong_size',
    );
    expect(codeOf(verifyConsistency({ ...consistency, proof: [] }))).toBe('audit.proof_wrong_length');
    expect(codeOf(verifyConsistency({ ...consistency, proof: Array(66).fill(root) }))).toBe(
      'audit.proof_too_long',
    );
    expect(codeOf(verifyConsistency({ ...consistency, size1: 7n, root1: root }))).toBe(
      'audit.proof_not_empty',
    );
    expect(codeOf(verifyConsistency({ ...consistency, size1: 7n, root1: root, proof: [] }))).toBe('ok');
    expect(codeOf(verifyConsistency({ ...consistency, size1: 7n, root1: leaves[0]!, proof: [] }))).toBe(
      'audit.root_mismatch',
    );
    expect(codeOf(verifyConsistency({ ...consistency, root2: leaves[0]! }))).toBe('audit.root_mismatch');
  });
});
