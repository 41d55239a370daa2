import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  cosignIndependently,
  independentCosignedMessage,
  noteBody,
  testLog,
  verifyCosignatureIndependently,
} from '../../test/support/witness-log.js';
import {
  cosignatureVerifierKeyString,
  cosignatureVerifierOf,
  cosignerFromSeed,
  parseVerifierKey,
  signCheckpoint,
  signerFromSeed,
  verifyCosignatures,
} from '../audit/index.js';
import { buildWitnessServer } from './server.js';
import { openWitnessStateFile } from './state-file.js';
import { createWitness, originHash } from './witness.js';

const log = testLog();
const witnessSeed = new Uint8Array(32).fill(4);
const cosigner = cosignerFromSeed('customs.test/witness', witnessSeed);
const witnessVkey = cosignatureVerifierKeyString(cosigner);
// The log's name with another key: an impostor's signature, which the witness must ignore.
const impostor = signerFromSeed(log.origin, new Uint8Array(32).fill(5));

let dir: string;
let statePath: string;
let app: FastifyInstance;
const clock = 1_800_000_000;

/** A witness over the state file, configured with the log's verifier key as `--log VKEY` gives it. */
async function startWitness(): Promise<FastifyInstance> {
  const state = await openWitnessStateFile(statePath);
  const witness = createWitness({
    cosigner,
    logs: [parseVerifierKey(log.vkey)],
    state,
    nowSeconds: () => clock,
  });
  return buildWitnessServer({ witness });
}

const post = (payload: string, target = app) =>
  target.inject({
    method: 'POST',
    url: '/add-checkpoint',
    payload,
    headers: { 'content-type': 'text/plain' },
  });

function evidence(): { status: number; origin: string; checkpoint: string; cosignedSize: string | null }[] {
  try {
    return readFileSync(join(dir, 'witness.state.evidence.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
  } catch {
    return [];
  }
}

async function cosign(from: number, to: number) {
  const response = await post(log.body({ from, to }));
  expect(response.statusCode, response.body).toBe(200);
  return response;
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'witness-'));
  statePath = join(dir, 'witness.state.json');
  app = await startWitness();
});

afterEach(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('tlog-witness add-checkpoint, status by status', () => {
  it('200: cosigns with one cosignature/v1 line that verifies by the specification alone', async () => {
    const response = await cosign(0, 5);
    expect(response.body).toMatch(/^\u2014 customs\.test\/witness [A-Za-z0-9+/]+=*\n$/u);
    const independent = verifyCosignatureIndependently({
      vkey: witnessVkey,
      checkpointBody: noteBody(log.checkpointAt(5)),
      line: response.body,
    });
    expect(independent).toEqual({ ok: true, timestamp: BigInt(clock) });
    // And by our own verifier, concatenated to the checkpoint as the spec suggests.
    const cosigned = `${log.checkpointAt(5)}${response.body}`;
    expect(verifyCosignatures(cosigned, [cosignatureVerifierOf(cosigner)])).toMatchObject({
      ok: true,
      cosignatures: [{ name: cosigner.name, timestamp: clock }],
    });
    // Extending it with a consistency proof is cosigned too.
    const next = await cosign(5, 13);
    expect(
      verifyCosignatureIndependently({
        vkey: witnessVkey,
        checkpointBody: noteBody(log.checkpointAt(13)),
        line: next.body,
      }).ok,
    ).toBe(true);
  });

  it('reads the body whatever Content-Type the client sends, or none', async () => {
    const statuses: number[] = [];
    for (const headers of [
      {},
      { 'content-type': 'application/octet-stream' },
      { 'content-type': 'text/x.whatever' },
    ]) {
      const payload = log.body({ from: statuses.length * 2, to: statuses.length * 2 + 2 });
      statuses.push(
        (await app.inject({ method: 'POST', url: '/add-checkpoint', payload, headers })).statusCode,
      );
    }
    expect(statuses).toEqual([200, 200, 200]);
  });

  it('200 again for the same checkpoint (old size = size, same root, no proof)', async () => {
    await cosign(0, 8);
    await cosign(8, 8);
  });

  it('404 for an origin it does not know, keeping no evidence', async () => {
    const other = testLog({ origin: 'elsewhere.test/log', seedByte: 7 });
    const response = await post(other.body({ from: 0, to: 3 }));
    expect(response.statusCode).toBe(404);
    expect(evidence()).toEqual([]);
  });

  it('403 when only an unknown key signed, or a trusted key signature fails', async () => {
    const byImpostor = log.body({ from: 0, to: 3, note: log.checkpointAt(3, log.rootAt(3), impostor) });
    expect((await post(byImpostor)).statusCode).toBe(403);
    const note = log.checkpointAt(3);
    // Change one character in the middle of the signature's base64 (every bit there is signature, none padding).
    const at = note.length - 20;
    const tampered = `${note.slice(0, at)}${note[at] === 'A' ? 'B' : 'A'}${note.slice(at + 1)}`;
    const broken = log.body({ from: 0, to: 3, note: tampered });
    expect((await post(broken)).statusCode).toBe(403);
    // A checkpoint whose root was changed after signing is a bad signature by a trusted key.
    const forged = note.replace(
      Buffer.from(log.rootAt(3)).toString('base64'),
      Buffer.from(log.rootAt(4)).toString('base64'),
    );
    expect((await post(log.body({ from: 0, to: 3, note: forged }))).statusCode).toBe(403);
    expect(evidence()).toEqual([]);
  });

  it('400 when the old size exceeds the size, and for malformed bodies', async () => {
    const response = await post(log.body({ from: 6, to: 5, proof: [] }));
    expect(response.statusCode).toBe(400);
    const malformed = [
      '',
      'old 0\n',
      `old 00\n\n${log.checkpointAt(3)}`,
      `old -1\n\n${log.checkpointAt(3)}`,
      `old 0\r\n\n${log.checkpointAt(3)}`,
      `old 3\nnot-base64\n\n${log.checkpointAt(5)}`,
      `old 3\n${'AAAA\n'}\n${log.checkpointAt(5)}`,
      `old 3\n${`${Buffer.alloc(32).toString('base64')}\n`.repeat(64)}\n${log.checkpointAt(5)}`,
      `old 0\n\n${noteBody(log.checkpointAt(3))}`,
      `old 0\n\nnot a checkpoint\n\n— ${log.origin} AAAAAAA=\n`,
    ];
    for (const body of malformed) expect((await post(body)).statusCode, JSON.stringify(body)).toBe(400);
    // Only the signed one is evidence.
    expect(evidence()).toMatchObject([{ status: 400, origin: log.origin }]);
  });

  it('409 with text/x.tlog.size and its size when the old size is not the one it cosigned', async () => {
    const fresh = await post(log.body({ from: 4, to: 9 }));
    expect(fresh.statusCode).toBe(409);
    expect(fresh.headers['content-type']).toBe('text/x.tlog.size');
    expect(fresh.body).toBe('0\n');
    await cosign(0, 12);
    const stale = await post(log.body({ from: 0, to: 20 }));
    expect(stale.statusCode).toBe(409);
    expect(stale.headers['content-type']).toBe('text/x.tlog.size');
    expect(stale.body).toBe('12\n');
    // A client that learns the size from the 409 succeeds with the proof from it.
    await cosign(12, 20);
    expect(evidence().map((e) => e.status)).toEqual([409, 409]);
  });

  it('422 when the consistency proof fails, a proof from 0 is not empty, or size 0 has another root', async () => {
    await cosign(0, 10);
    const wrongProof = log.proofBetween(10, 17).map((hash, i) => (i === 0 ? log.rootAt(3) : hash));
    expect((await post(log.body({ from: 10, to: 17, proof: wrongProof }))).statusCode).toBe(422);
    // A checkpoint of size 17 whose history forks from the cosigned 10 leaves: its proof cannot verify.
    const forkedLog = testLog({ leaves: 17 });
    forkedLog.leaves[2] = forkedLog.leaves[3]!;
    const forked = log.checkpointAt(17, forkedLog.rootAt(17));
    const forkProof = forkedLog.proofBetween(10, 17);
    expect((await post(log.body({ from: 10, to: 17, proof: forkProof, note: forked }))).statusCode).toBe(422);

    const other = await freshWitness();
    const nonEmpty = log.body({ from: 0, to: 4, proof: [log.rootAt(1)] });
    expect((await post(nonEmpty, other)).statusCode).toBe(422);
    const emptyWithRoot = log.body({ from: 0, to: 0, note: log.checkpointAt(0, log.rootAt(1)) });
    expect((await post(emptyWithRoot, other)).statusCode).toBe(422);
    expect((await post(log.body({ from: 0, to: 0 }), other)).statusCode).toBe(200);
    await other.close();
    expect(evidence().map((e) => e.status)).toEqual([422, 422]);
  });

  it('422 when the size is the one it cosigned but the root differs (a fork at equal size)', async () => {
    await cosign(0, 10);
    const forked = log.checkpointAt(10, log.rootAt(9));
    const response = await post(log.body({ from: 10, to: 10, note: forked }));
    expect(response.statusCode).toBe(422);
    expect(evidence()).toMatchObject([{ status: 422, checkpoint: forked, cosignedSize: '10' }]);
  });

  it('serves the latest cosigned checkpoint to monitors, with the log signature and its cosignature', async () => {
    const missing = await app.inject({ method: 'GET', url: `/${originHash(log.origin)}/checkpoint` });
    expect(missing.statusCode).toBe(404);
    const { body: line } = await cosign(0, 6);
    const served = await app.inject({ method: 'GET', url: `/${originHash(log.origin)}/checkpoint` });
    expect(served.statusCode).toBe(200);
    expect(served.body).toBe(`${log.checkpointAt(6)}${line}`);
    expect(verifyCosignatures(served.body, [cosignatureVerifierOf(cosigner)]).ok).toBe(true);
  });
});

async function freshWitness(): Promise<FastifyInstance> {
  const otherDir = mkdtempSync(join(tmpdir(), 'witness-'));
  const state = await openWitnessStateFile(join(otherDir, 'state.json'));
  const witness = createWitness({
    cosigner,
    logs: [parseVerifierKey(log.vkey)],
    state,
    nowSeconds: () => clock,
  });
  const server = buildWitnessServer({ witness });
  server.addHook('onClose', async () => rmSync(otherDir, { recursive: true, force: true }));
  return server;
}

describe('one atomic check-and-update per origin', () => {
  it('never goes back under 50 racing submissions of increasing sizes, and the state file agrees after a restart', async () => {
    const sizesAnswered: number[] = [];
    const observed: number[] = [];
    let racing = true;
    // A monitor polling the witness while the submissions race.
    const watcher = (async () => {
      while (racing) {
        const served = await app.inject({ method: 'GET', url: `/${originHash(log.origin)}/checkpoint` });
        if (served.statusCode === 200) observed.push(Number(served.body.split('\n')[1]));
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    // Each client submits its size from old size 0, learns the witness's size from a 409, and retries with the
    // consistency proof from that size until it is cosigned or the witness is already past it.
    const submit = async (size: number) => {
      let from = 0;
      for (;;) {
        const response = await post(log.body({ from, to: size }));
        if (response.statusCode === 200) {
          sizesAnswered.push(size);
          return;
        }
        expect(response.statusCode).toBe(409);
        from = Number(response.body.trim());
        if (from > size) return;
      }
    };
    await Promise.all(Array.from({ length: 50 }, (_, i) => submit(i + 1)));
    racing = false;
    await watcher;

    // Answered in order of commit: each cosignature is for a larger tree than the one before.
    for (let i = 1; i < sizesAnswered.length; i++)
      expect(sizesAnswered[i]).toBeGreaterThan(sizesAnswered[i - 1]!);
    for (let i = 1; i < observed.length; i++) expect(observed[i]).toBeGreaterThanOrEqual(observed[i - 1]!);
    expect(sizesAnswered.at(-1)).toBe(50);

    await app.close();
    app = await startWitness();
    const afterRestart = await post(log.body({ from: 0, to: 50 }));
    expect(afterRestart.statusCode).toBe(409);
    expect(afterRestart.body).toBe('50\n');
    const stored = JSON.parse(readFileSync(statePath, 'utf8'));
    expect(stored.logs[log.origin].size).toBe('50');
  });

  it('keeps the records of two origins when they are cosigned at the same time', async () => {
    const second = testLog({ origin: 'second.test/log', seedByte: 8 });
    const state = await openWitnessStateFile(join(dir, 'two.json'));
    const witness = createWitness({
      cosigner,
      logs: [parseVerifierKey(log.vkey), parseVerifierKey(second.vkey)],
      state,
      nowSeconds: () => clock,
    });
    const both = buildWitnessServer({ witness });
    const results = await Promise.all([
      post(log.body({ from: 0, to: 7 }), both),
      post(second.body({ from: 0, to: 11 }), both),
    ]);
    expect(results.map((r) => r.statusCode)).toEqual([200, 200]);
    await both.close();
    const reopened = await openWitnessStateFile(join(dir, 'two.json'));
    expect([reopened.get(log.origin)?.size, reopened.get(second.origin)?.size]).toEqual([7n, 11n]);
  });

  it('refuses to start on a state file it cannot read, rather than forget what it cosigned', async () => {
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{"format":"portledger-witness-state/1","logs":');
    await expect(openWitnessStateFile(broken)).rejects.toThrow(/unreadable/);
  });

  it('takes over a lock left by a process that is gone, refuses one held by a running process, and drops a torn temporary file', async () => {
    await cosign(0, 3);
    await app.close();
    const gone = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid!;
    writeFileSync(`${statePath}.lock`, `${gone}\n`);
    writeFileSync(join(dir, '.witness.state.json.tmp'), '{"format":"portledger-witness-state/1","lo');
    const reopened = await openWitnessStateFile(statePath);
    expect(reopened.get(log.origin)?.size).toBe(3n);
    expect(existsSync(join(dir, '.witness.state.json.tmp'))).toBe(false);
    expect(readFileSync(`${statePath}.lock`, 'utf8').trim()).toBe(String(process.pid));
    await reopened.close();
    expect(existsSync(`${statePath}.lock`)).toBe(false);
    // pid 1 always runs.
    writeFileSync(`${statePath}.lock`, '1\n');
    await expect(openWitnessStateFile(statePath)).rejects.toThrow(/in use by process 1/);
    rmSync(`${statePath}.lock`);
    app = await startWitness();
  });

  it('keeps a checkpoint signed with another root at the same size as evidence, not as its state', async () => {
    await cosign(0, 4);
    const forked = signCheckpoint({ origin: log.origin, treeSize: 4, rootHash: log.rootAt(3) }, log.signer);
    expect((await post(`old 4\n\n${forked}`)).statusCode).toBe(422);
    const reopened = await openWitnessStateFile(statePath);
    expect(Buffer.from(reopened.get(log.origin)!.rootHash)).toEqual(Buffer.from(log.rootAt(4)));
  });
});

const specFile = join(import.meta.dirname, '../../../shared/conformance/c2sp/tlog-cosignature.md');
const hasSpec = existsSync(specFile);

describe.skipIf(!hasSpec)(
  hasSpec
    ? 'cosignatures built from tlog-cosignature.md by a code path of their own'
    : 'cosignatures built from tlog-cosignature.md: SKIPPED, conformance data missing',
  () => {
    it("lays out the signed message exactly as the specification's example", () => {
      const spec = readFileSync(specFile, 'utf8');
      const block = /\n {4}cosignature\/v1\n(?: {4}.*\n)+/.exec(spec)![0].slice(1);
      const example = block.replace(/^ {4}/gm, '');
      const [, timeLine, ...bodyLines] = example.split('\n');
      const timestamp = BigInt(/^time (\d+)$/.exec(timeLine!)![1]!);
      const checkpointBody = bodyLines.join('\n');
      expect(independentCosignedMessage(checkpointBody, timestamp).toString('utf8')).toBe(example);
    });

    it("equals the witness's cosignature byte for byte, and verifies it", async () => {
      let from = 0;
      for (const size of [1, 2, 3, 17, 64, 199]) {
        const { body: line } = await cosign(from, size);
        from = size;
        const checkpointBody = noteBody(log.checkpointAt(size));
        expect(line).toBe(
          cosignIndependently({
            name: cosigner.name,
            seed: witnessSeed,
            checkpointBody,
            timestamp: BigInt(clock),
          }),
        );
        expect(verifyCosignatureIndependently({ vkey: witnessVkey, checkpointBody, line }).ok).toBe(true);
        // The same line over another checkpoint does not verify.
        expect(
          verifyCosignatureIndependently({
            vkey: witnessVkey,
            checkpointBody: noteBody(log.checkpointAt(size - 1)),
            line,
          }).ok,
        ).toBe(false);
      }
    });
  },
);
