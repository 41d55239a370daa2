import { gunzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testAuthDeps } from '../../test/support/auth.js';
import {
  openTestLedger,
  postgresReachable,
  type StoreKind,
  type TestLedger,
  testSigner,
  testTerminals,
  testVerifierKey,
} from '../../test/support/ledger.js';
import { mintSession } from '../../test/support/sessions.js';
import { addOrganisation, addUser } from '../app/access/index.js';
import { createLedger } from '../app/ledger/index.js';
import {
  cosignatureLine,
  cosignatureVerifierOf,
  cosignerFromSeed,
  splitSignedNote,
  verifyCosignatures,
} from '../audit/cosignature.js';
import { leafHash, openCheckpoint, rootOfLeafHashes } from '../audit/index.js';
import { inclusionProofPlan, rootPlan } from '../audit/proof.js';
import {
  decodeEntryBundle,
  decodeHashTile,
  nodeHashFromTile,
  nodeInTiles,
  type TileAddress,
  tileForTreeSize,
  tilePath,
} from '../audit/tiles.js';
import type { NodeKey } from '../audit/tree.js';
import { SimulatedClock, seededIds, seedVesselCall } from '../demo/seed.js';
import { seededRandom } from '../demo/seeded-random.js';
import { buildServer } from './server.js';

type Session = Awaited<ReturnType<typeof mintSession>>;
const kinds: StoreKind[] = ['sqlite', ...((await postgresReachable()) ? (['postgres'] as const) : [])];

describe.each(kinds)('C2SP tlog-tiles over HTTP (%s)', (kind) => {
  let fixture: TestLedger;
  let app: FastifyInstance;
  let customs: Session;
  let customsByPassword: Session;
  let treeSize: number;
  let rootHash: Uint8Array;

  beforeAll(async () => {
    fixture = await openTestLedger(kind);
    const random = seededRandom('tiles');
    const clock = new SimulatedClock(new Date('2026-03-01T06:00:00Z'));
    const ledger = createLedger({
      store: fixture.store,
      clock,
      ids: seededIds(random),
      log: { origin: testSigner.name, signer: testSigner },
      checkpointIntervalMs: 0,
    });
    // Enough boxes for two full level 0 tiles and a partial one.
    while ((await fixture.store.logSize()) < 2 * 256 + 20) {
      await seedVesselCall({
        ledger,
        clock,
        random,
        terminals: testTerminals,
        terminal: 'T1',
        containers: 20,
      });
    }
    await ledger.close();
    const auth = testAuthDeps(fixture.ledger);
    app = await buildServer({
      reads: fixture.store,
      verifierKey: testVerifierKey,
      auth,
      terminals: testTerminals,
      cosignatures: fixture.store.cosignatures,
    });
    await addOrganisation(auth, { orgId: 'cus', kind: 'customs', name: 'Customs', code: 'CUS' });
    await addUser(auth, {
      userId: 'officer',
      orgId: 'cus',
      username: 'officer',
      displayName: 'officer',
      roles: ['customs_officer'],
      issuedBy: 'test',
    });
    customs = await mintSession(auth, 'officer');
    customsByPassword = await mintSession(auth, 'officer', { method: 'password_totp' });
    const checkpoint = await fixture.store.latestCheckpoint();
    treeSize = checkpoint!.treeSize;
    rootHash = checkpoint!.rootHash;
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await fixture?.cleanup();
  });

  async function fetchTile(tile: TileAddress): Promise<Uint8Array[]> {
    const response = await app.inject({ url: `/${tilePath(tile)}` });
    expect(response.statusCode, tilePath(tile)).toBe(200);
    const hashes = decodeHashTile(new Uint8Array(response.rawPayload), tile.width);
    expect(hashes, `${tilePath(tile)} is ${tile.width} hashes wide`).toBeDefined();
    return hashes!;
  }

  /** A client that knows only the checkpoint and the tile URLs, as a mirror's user would. */
  async function nodesFromTiles(keys: readonly NodeKey[], size: number): Promise<Uint8Array[]> {
    const hashes: Uint8Array[] = [];
    for (const key of keys) {
      const where = nodeInTiles(key);
      const tile = tileForTreeSize(where.tileLevel, where.tileIndex, size)!;
      hashes.push(nodeHashFromTile(key, await fetchTile(tile)));
    }
    return hashes;
  }

  it('serves the checkpoint as the signed note, briefly cacheable', async () => {
    const response = await app.inject({ url: '/checkpoint' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(response.headers['cache-control']).toBe('public, max-age=5');
    const opened = openCheckpoint(response.body, testVerifierKey);
    expect(opened.ok && Number(opened.treeSize)).toBe(treeSize);
  });

  it("carries the witnesses' cosignature lines, as GET /v1/audit/checkpoint does", async () => {
    const checkpoint = (await fixture.store.latestCheckpoint())!;
    const split = splitSignedNote(checkpoint.note);
    if (!split.ok) throw new Error(split.message);
    const witness = cosignerFromSeed('customs.test/witness', new Uint8Array(32).fill(5));
    const timestamp = 1_772_400_000;
    await fixture.store.cosignatures.insertCosignature({
      treeSize: checkpoint.treeSize,
      witness: witness.name,
      keyId: witness.keyId,
      rootHash: checkpoint.rootHash,
      timestamp,
      line: cosignatureLine({ cosigner: witness, noteText: split.text, timestamp }),
      receivedAt: new Date(timestamp * 1000).toISOString(),
    });
    const note = (await app.inject({ url: '/checkpoint' })).body;
    expect(note).toBe((await app.inject({ url: '/v1/audit/checkpoint' })).json().note);
    const cosigned = verifyCosignatures(note, [cosignatureVerifierOf(witness)]);
    expect(cosigned.ok && cosigned.cosignatures.map((c) => c.name)).toEqual([witness.name]);
    expect(openCheckpoint(note, testVerifierKey).ok).toBe(true);
  });

  it('a client rebuilding the root from the tiles gets the checkpoint root', async () => {
    expect(treeSize).toBeGreaterThan(512);
    const plan = rootPlan(treeSize);
    expect(plan.assemble(await nodesFromTiles(plan.keys, treeSize))).toEqual(rootHash);
  });

  it("inclusion proofs computed from the tiles equal the server's", async () => {
    for (const index of [0, 1, 255, 256, 300, treeSize - 1]) {
      const plan = inclusionProofPlan(index, treeSize);
      const fromTiles = await nodesFromTiles(plan.keys, treeSize);
      const server = await app.inject({
        url: `/v1/audit/proof/inclusion?index=${index}&treeSize=${treeSize}`,
      });
      expect(
        plan.assemble(fromTiles).map((h) => Buffer.from(h).toString('base64')),
        `index ${index}`,
      ).toEqual(server.json().proof);
    }
  });

  it('full tiles are public and immutable; the partial tile at the right edge is not', async () => {
    const full = await app.inject({ url: '/tile/0/001' });
    expect(full.statusCode).toBe(200);
    expect(full.headers['content-type']).toBe('application/octet-stream');
    expect(full.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(new Uint8Array(full.rawPayload).length).toBe(8192);

    const edge = tileForTreeSize(0, Math.floor(treeSize / 256), treeSize)!;
    const partial = await app.inject({ url: `/${tilePath(edge)}` });
    expect(partial.statusCode).toBe(200);
    expect(partial.headers['cache-control']).toBe('public, max-age=60');
    expect(new Uint8Array(partial.rawPayload).length).toBe(32 * (treeSize % 256));

    // The level 1 partial tile holds the hashes of the full level 0 tiles.
    const level1 = await fetchTile({ level: 1, index: 0, width: Math.floor(treeSize / 256) });
    expect(level1[1]).toEqual(rootOfLeafHashes(decodeHashTile(new Uint8Array(full.rawPayload), 256)!));
  });

  it.each([
    [
      'a tile beyond the checkpoint',
      (size: number) => `/tile/0/${String(Math.floor(size / 256) + 1).padStart(3, '0')}`,
    ],
    [
      'a partial tile wider than the tree',
      (size: number) => `/${tilePath({ level: 0, index: Math.floor(size / 256), width: (size % 256) + 1 })}`,
    ],
    [
      'a full tile at the edge',
      (size: number) => `/tile/0/${String(Math.floor(size / 256)).padStart(3, '0')}`,
    ],
    ['an index not in its canonical form', () => '/tile/0/x000/001'],
    ['a level with a leading zero', () => '/tile/00/001'],
    ['a level above 63', () => '/tile/64/000'],
    ['an empty level 2 tile', () => '/tile/2/000.p/1'],
  ])('answers 404 audit.tile_not_found for %s, and caches nothing', async (_what, url) => {
    const response = await app.inject({ url: url(treeSize) });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json().code).toBe('audit.tile_not_found');
    expect(response.headers['cache-control'] ?? '').not.toMatch(/immutable/);
  });

  it('serves entry bundles only under audit.entries.read with a passkey session, private to caches', async () => {
    expect((await app.inject({ url: '/tile/entries/000' })).json().code).toBe('auth.unauthenticated');
    const byPassword = await app.inject({ url: '/tile/entries/000', cookies: customsByPassword.cookies });
    expect(byPassword.statusCode).toBe(403);
    expect(byPassword.json().code).toBe('auth.passkey_session_required');

    const response = await app.inject({ url: '/tile/entries/001', cookies: customs.cookies });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('private, max-age=31536000, immutable');
    const entries = decodeEntryBundle(new Uint8Array(response.rawPayload))!;
    expect(entries).toHaveLength(256);
    // Each entry hashes to the matching hash of the level 0 tile (tlog-tiles §Log entries).
    expect(entries.map(leafHash)).toEqual(await fetchTile({ level: 0, index: 1, width: 256 }));

    // tlog-tiles §Log entries: compressed at the HTTP layer for a client that accepts gzip.
    const gzipped = await app.inject({
      url: '/tile/entries/001',
      cookies: customs.cookies,
      headers: { 'accept-encoding': 'gzip, identity' },
    });
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gzipped.headers.vary).toMatch(/accept-encoding/i);
    expect(gzipped.rawPayload.length).toBeLessThan(response.rawPayload.length / 2);
    expect(new Uint8Array(gunzipSync(gzipped.rawPayload))).toEqual(new Uint8Array(response.rawPayload));

    const edge = { level: 0, index: Math.floor(treeSize / 256), width: treeSize % 256 };
    const partial = await app.inject({ url: `/${tilePath(edge, 'entries')}`, cookies: customs.cookies });
    expect(partial.headers['cache-control']).toBe('private, max-age=60');
    expect(decodeEntryBundle(new Uint8Array(partial.rawPayload))!.map(leafHash)).toEqual(
      await fetchTile(edge),
    );
  });
});
