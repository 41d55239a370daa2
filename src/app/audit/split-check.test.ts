import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  appendLeaves,
  encodeLogEntry,
  entryAuthenticatorFromKey,
  leafHash,
  leafSaysRow,
  rootFromBorder,
  signCheckpoint,
  signerFromSeed,
  toHex,
  verifierKeyString,
} from '../../audit/index.js';
import type { LedgerReads, StoredCheckpoint, StoredLogRow } from '../ports.js';
import { checkLogIntegrity, type IntegrityResult } from './integrity.usecases.js';
import type { LogScan, ScannedLogRow } from './log-scan.ports.js';
import { type CheckPart, checkLogIntegrityInParts } from './split-check.js';

const signer = signerFromSeed('split.portledger.local/log', new Uint8Array(32).fill(5));
const verifierKey = verifierKeyString(signer);
const authenticator = entryAuthenticatorFromKey(new Uint8Array(32).fill(6));

/**
 * A log as a database holds it — rows, every subtree node, checkpoints, MACs — in arrays a test can edit as a rogue
 * administrator would, read through the ports the check uses: the exact read (`readLogRows`, `readNodes`) and the
 * fast one (`LogScan`), whose row flag is what the SQLite statement computes.
 */
function storedLog(size: number, checkpointSizes: readonly number[], quotedStreams: boolean) {
  const rows: (StoredLogRow | undefined)[] = [];
  for (let index = 0; index < size; index++) {
    const entry = {
      index,
      eventId: `e-${index}`,
      streamId: quotedStreams && index % 7 === 3 ? `visit "${index}"` : `visit-${index % 5}`,
      streamVersion: 1 + Math.floor(index / 5),
      type: 'Moved',
      recordedAt: new Date(1_767_600_000_000 + index).toISOString(),
      data: { to: `A-${index}`, note: index % 3 === 0 ? 'é ✓' : 'x' },
    };
    const leaf = encodeLogEntry(entry);
    const { data, ...header } = entry;
    rows.push({ ...header, dataText: JSON.stringify(data), leaf, writerMac: authenticator.mac(leaf) });
  }
  const nodes = new Map<string, Uint8Array>();
  const { newNodes } = appendLeaves(
    0,
    [],
    rows.map((row) => leafHash(row!.leaf)),
  );
  for (const node of newNodes) nodes.set(`${node.level}:${node.index}`, node.hash);
  const checkpoints: StoredCheckpoint[] = checkpointSizes.map((treeSize) => {
    const rootHash = rootFromBorder(
      appendLeaves(
        0,
        [],
        rows.slice(0, treeSize).map((row) => leafHash(row!.leaf)),
      ).border,
    );
    return {
      treeSize,
      rootHash,
      note: signCheckpoint({ origin: signer.name, treeSize, rootHash }, signer),
      signedAt: '2026-01-01T00:00:00.000Z',
    };
  });
  const logSize = () => {
    let end = rows.length;
    while (end > 0 && rows[end - 1] === undefined) end--;
    return end;
  };
  const reads = {
    logSize: async () => logSize(),
    latestCheckpoint: async () => checkpoints.at(-1),
    readCheckpoints: async (from: number, limit: number) =>
      checkpoints.filter((c) => c.treeSize >= from).slice(0, limit),
    readLogRows: async (from: number, limit: number) =>
      rows.slice(from, from + limit).filter((row): row is StoredLogRow => row !== undefined),
    readNodes: async (keys: readonly { level: number; index: number }[]) =>
      keys.map((key) => {
        const hash = nodes.get(`${key.level}:${key.index}`);
        if (!hash) throw new Error(`audit node (${key.level}, ${key.index}) is missing`);
        return hash;
      }),
  } as unknown as LedgerReads;
  const scan: LogScan = {
    async readPage(from, end) {
      const hashes: string[] = [];
      for (let index = from; index < end; index++) {
        const hash = nodes.get(`0:${index}`);
        hashes.push(hash?.length === 32 ? toHex(hash) : '');
      }
      return {
        rows: rows.slice(from, end).flatMap((row): ScannedLogRow[] => {
          if (!row) return [];
          // As the SQLite statement says it; PostgreSQL's says it of fewer rows.
          const rowIsLeaf = leafSaysRow(row, row.dataText, row.leaf);
          return [
            [
              row.index,
              rowIsLeaf ? 1 : 0,
              new TextDecoder().decode(row.leaf),
              row.writerMac ? toHex(row.writerMac) : null,
            ],
          ];
        }),
        leafHashes: hashes.includes('') ? null : hashes.join(''),
      };
    },
    close: async () => undefined,
  };
  return { rows, nodes, checkpoints, reads, scan };
}

type StoredLog = ReturnType<typeof storedLog>;

/** What a rogue administrator does to one entry, node or checkpoint. */
const tampering = fc.constantFrom(
  'none',
  'data',
  'leaf byte',
  'invalid utf-8',
  'leaf hash',
  'missing leaf hash',
  'interior node',
  'missing interior node',
  'mac',
  'missing mac',
  'checkpoint',
  'deleted row',
  'cut tail',
);

function tamper(log: StoredLog, kind: string, at: number, level: number): void {
  const size = log.rows.length;
  if (size === 0) return;
  const index = at % size;
  const row = log.rows[index]!;
  const flip = (bytes: Uint8Array, i: number) => {
    const copy = Uint8Array.from(bytes);
    copy[i % copy.length]! ^= 1;
    return copy;
  };
  switch (kind) {
    case 'data':
      log.rows[index] = { ...row, dataText: row.dataText.replace('A-', 'B-') };
      break;
    case 'leaf byte':
      log.rows[index] = { ...row, leaf: flip(row.leaf, 10) };
      break;
    case 'invalid utf-8': {
      const leaf = Uint8Array.from(row.leaf);
      leaf[leaf.length - 2] = 0xff;
      log.rows[index] = { ...row, leaf };
      break;
    }
    case 'leaf hash':
      log.nodes.set(`0:${index}`, flip(log.nodes.get(`0:${index}`)!, 3));
      break;
    case 'missing leaf hash':
      log.nodes.delete(`0:${index}`);
      break;
    case 'interior node':
    case 'missing interior node': {
      const keys = [...log.nodes.keys()].filter((key) => !key.startsWith('0:'));
      const key = keys[(at + level) % Math.max(keys.length, 1)];
      if (!key) return;
      if (kind === 'interior node') log.nodes.set(key, flip(log.nodes.get(key)!, 0));
      else log.nodes.delete(key);
      break;
    }
    case 'mac':
      log.rows[index] = { ...row, writerMac: flip(row.writerMac!, 7) };
      break;
    case 'missing mac': {
      const { writerMac: _mac, ...rest } = row;
      log.rows[index] = rest;
      break;
    }
    case 'checkpoint': {
      const i = at % Math.max(log.checkpoints.length, 1);
      const checkpoint = log.checkpoints[i];
      if (checkpoint) log.checkpoints[i] = { ...checkpoint, note: checkpoint.note.replace('\n\n', '\n \n') };
      break;
    }
    case 'deleted row':
      log.rows[index] = undefined;
      break;
    case 'cut tail':
      log.rows.length = index;
      break;
  }
}

/**
 * A result without what depends on the clock, nor on where a page ended: a missing event is named with the next row
 * in its page, or with the log's size when its page holds no row after it.
 */
const timeless = (result: IntegrityResult) => {
  const { durationMs: _duration, checkedAt: _at, ...rest } = result;
  if (!rest.ok && rest.code === 'integrity.event_missing') {
    return { ...rest, reason: rest.reason.replace(/ \((the next row has index|the log holds) \d+\)$/, '') };
  }
  return rest;
};

const logs = fc.record({
  size: fc.nat(160),
  checkpointEvery: fc.integer({ min: 1, max: 40 }),
  macsFrom: fc.nat(40),
  quotedStreams: fc.boolean(),
  kind: tampering,
  at: fc.nat(1000),
  level: fc.nat(10),
  cuts: fc.array(fc.nat(1000), { maxLength: 6 }),
  checkers: fc.integer({ min: 2, max: 3 }),
});

type LogArgs = typeof logs extends fc.Arbitrary<infer T> ? T : never;

function build(args: LogArgs) {
  const checkpointSizes: number[] = [];
  for (let size = 0; size <= args.size; size += args.checkpointEvery) checkpointSizes.push(size);
  const log = storedLog(args.size, checkpointSizes, args.quotedStreams);
  tamper(log, args.kind, args.at, args.level);
  const entryMacs = { authenticator, requiredFrom: args.macsFrom };
  return { log, entryMacs };
}

describe('the integrity check read the fast way, and split in two (issue 13)', () => {
  it('finds what the exact read finds, row by row, whatever was tampered with', async () => {
    await fc.assert(
      fc.asyncProperty(logs, fc.integer({ min: 1, max: 50 }), async (args, batchSize) => {
        const { log, entryMacs } = build(args);
        const exact = await checkLogIntegrity({ reads: log.reads, verifierKey, entryMacs, batchSize });
        const fast = await checkLogIntegrity({
          reads: log.reads,
          verifierKey,
          entryMacs,
          batchSize,
          scan: log.scan,
        });
        expect(timeless(fast)).toEqual(timeless(exact));
      }),
      { numRuns: 200 },
    );
  });

  it('split into parts anywhere and taken by several checkers, gives the one-pass result, whatever was tampered with', async () => {
    await fc.assert(
      fc.asyncProperty(logs, async (args) => {
        const { log, entryMacs } = build(args);
        const check = { reads: log.reads, verifierKey, entryMacs, batchSize: 16, scan: log.scan };
        const onePass = await checkLogIntegrity(check);
        const progress: number[] = [];
        const inParts = await checkLogIntegrityInParts({
          reads: log.reads,
          minimumSize: 1,
          boundaries: (size) =>
            [...new Set(args.cuts.map((cut) => 1 + (cut % Math.max(size - 1, 1))))]
              .filter((cut) => cut < size)
              .sort((a, b) => a - b),
          checkers: Array.from(
            { length: args.checkers },
            () => (part) => checkLogIntegrity({ ...check, ...part }),
          ),
          onProgress: (done, total) => {
            expect(done).toBeLessThanOrEqual(total);
            progress.push(done);
          },
        });
        expect(timeless(inParts)).toEqual(timeless(onePass));
        if (onePass.ok) expect(Math.max(0, ...progress)).toBe(onePass.logSize);
      }),
      { numRuns: 250 },
    );
  });

  it('checks again in one pass from the prefix before a part whose stored starting border differs', async () => {
    const log = storedLog(100, [0, 50, 64, 100], false);
    // The subtree (5, 0) of leaves [0, 32) is on the border at 50; the leaves and checkpoints are sound.
    log.nodes.set('5:0', new Uint8Array(32));
    const parts: string[] = [];
    const check = (part: CheckPart) => {
      parts.push(`${part.from ? part.from.size : 0}-${part.end ?? 'end'}`);
      return checkLogIntegrity({ reads: log.reads, verifierKey, ...part });
    };
    const result = await checkLogIntegrityInParts({
      reads: log.reads,
      minimumSize: 1,
      boundaries: () => [25, 50, 75],
      checkers: [check, check],
    });
    expect(result).toMatchObject({ ok: true, logSize: 100, checkpointsChecked: 4, verifiedTreeSize: 100 });
    // Parts 0–25 and 25–50 combine; 50–75 started from the edited border, so from 50 on it is one pass.
    expect(parts).toContain('0-25');
    expect(parts).toContain('25-50');
    expect(parts.at(-1)).toBe('50-end');
  });
});
