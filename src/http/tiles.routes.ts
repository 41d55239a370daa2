import { gzipSync } from 'node:zlib';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { latestCheckpoint, readEntryBundle, readHashTile, type TileBytes } from '../app/audit/index.js';
import type { CosignatureStore } from '../app/audit/witness.ports.js';
import type { LedgerReads } from '../app/ports.js';
import { appendSignatureLines } from '../audit/cosignature.js';
import { problemResponses } from './schemas.js';

/** A full tile never changes: caches may keep it for a year without asking again (RFC 8246 `immutable`). */
const FULL_TILE_CACHE = 'max-age=31536000, immutable';
/** A partial tile is superseded by a wider one as the log grows. */
const PARTIAL_TILE_CACHE = 'max-age=60';
/** tlog-tiles §Checkpoints: mutable, so no caching "beyond a few seconds". */
const CHECKPOINT_CACHE = 'public, max-age=5';

const TileBytesSchema = Type.String({
  contentMediaType: 'application/octet-stream',
  description: 'Raw bytes (tlog-tiles)',
});

const tileParams = Type.Object({
  '*': Type.String({
    maxLength: 64,
    description: 'The tile index as 3-digit path elements, e.g. `x001/234`, then an optional `.p/<W>`',
  }),
});

/** Whether an `Accept-Encoding` header allows gzip (RFC 9110 §12.5.3): named or `*`, with a q-value above 0. */
function acceptsGzip(header: string | undefined): boolean {
  return (header ?? '').split(',').some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return (coding === 'gzip' || coding === '*') && (q === undefined || Number(q.slice(2)) > 0);
  });
}

function sendTile(reply: FastifyReply, tile: TileBytes, visibility: 'public' | 'private') {
  return reply
    .type('application/octet-stream')
    .header('cache-control', `${visibility}, ${tile.full ? FULL_TILE_CACHE : PARTIAL_TILE_CACHE}`)
    .send(Buffer.from(tile.bytes.buffer, tile.bytes.byteOffset, tile.bytes.byteLength));
}

/**
 * The log as C2SP tlog-tiles static resources (https://c2sp.org/tlog-tiles), at the server's root as its
 * prefix: `/checkpoint`, hash tiles `/tile/<L>/<N>[.p/<W>]` and entry bundles `/tile/entries/<N>[.p/<W>]`. A
 * mirror or a CDN can carry the hash tiles and the checkpoint for every monitor; the entries carry cargo data,
 * so they stay behind `audit.entries.read` and are marked `private` for caches.
 */
export function tileRoutes(deps: {
  reads: LedgerReads;
  cosignatures?: CosignatureStore | undefined;
}): FastifyPluginAsyncTypebox {
  const { reads, cosignatures } = deps;
  /** The note with the witnesses' cosignature lines after the log's own, as `GET /v1/audit/checkpoint` serves it. */
  const cosignedNote = async () => {
    const checkpoint = await latestCheckpoint(reads);
    const lines = cosignatures ? await cosignatures.cosignaturesOf([checkpoint.treeSize]) : [];
    return lines.length
      ? appendSignatureLines(
          checkpoint.note,
          lines.map((c) => c.line),
        )
      : checkpoint.note;
  };
  return async (app) => {
    app.get(
      '/checkpoint',
      {
        config: { access: 'public' },
        schema: {
          tags: ['audit'],
          summary:
            "The latest signed checkpoint as a C2SP signed note with the witnesses' cosignatures (tlog-tiles §Checkpoints)",
          response: { 200: Type.String({ description: 'The signed note, verbatim' }), ...problemResponses },
        },
      },
      async (_request, reply) =>
        reply
          .type('text/plain; charset=utf-8')
          .header('cache-control', CHECKPOINT_CACHE)
          .send(await cosignedNote()),
    );

    app.get(
      '/tile/entries/*',
      {
        // Whole events, yard slots included: the same permission as /v1/audit/entries.
        config: { access: 'audit.entries.read' },
        schema: {
          tags: ['audit'],
          summary: 'An entry bundle: the leaves of 256 entries (or W at the edge), uint16-length-prefixed',
          params: tileParams,
          response: {
            200: TileBytesSchema,
            401: { $ref: 'Problem#' },
            403: { $ref: 'Problem#' },
            ...problemResponses,
          },
        },
      },
      async (request, reply) => {
        const bundle = await readEntryBundle(reads, `entries/${request.params['*']}`);
        // tlog-tiles §Log entries: bundles SHOULD be compressed at the HTTP layer (JSON leaves shrink several-fold).
        reply.header('vary', 'accept-encoding');
        if (!acceptsGzip(request.headers['accept-encoding'])) return sendTile(reply, bundle, 'private');
        reply.header('content-encoding', 'gzip');
        return sendTile(reply, { ...bundle, bytes: gzipSync(bundle.bytes) }, 'private');
      },
    );

    app.get(
      '/tile/:level/*',
      {
        config: { access: 'public' },
        schema: {
          tags: ['audit'],
          summary: 'A hash tile: 256 consecutive Merkle Tree Hashes at height 8·L (or W at the right edge)',
          params: Type.Object({
            level: Type.String({ description: 'Tile level, 0–63, no leading zeroes' }),
            ...tileParams.properties,
          }),
          response: { 200: TileBytesSchema, ...problemResponses },
        },
      },
      async (request, reply) =>
        sendTile(
          reply,
          await readHashTile(reads, `${request.params.level}/${request.params['*']}`),
          'public',
        ),
    );
  };
}
