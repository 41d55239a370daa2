import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  consistencyProof,
  consistencyProofView,
  entryView,
  inclusionProof,
  inclusionProofView,
  latestCheckpoint,
} from '../app/audit.usecases.js';
import type { LedgerReads } from '../app/ports.js';
import {
  CheckpointSchema,
  ConsistencyProofSchema,
  EntrySchema,
  InclusionProofSchema,
  problemResponses,
} from './schemas.js';

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

/**
 * Read-only audit endpoints: anyone holding the verifier key can check what these return, offline. Checkpoints,
 * the key and proofs are public, because witnesses need them and they carry only hashes; the entries themselves
 * are cargo data.
 */
export function auditRoutes(deps: { reads: LedgerReads; verifierKey: string }): FastifyPluginAsyncTypebox {
  const { reads, verifierKey } = deps;
  return async (app) => {
    app.get(
      '/v1/audit/checkpoint',
      {
        config: { access: 'public' },
        schema: {
          tags: ['audit'],
          summary: 'The latest signed checkpoint',
          response: { 200: CheckpointSchema, ...problemResponses },
        },
      },
      async () => {
        const checkpoint = await latestCheckpoint(reads);
        return {
          treeSize: checkpoint.treeSize,
          rootHash: b64(checkpoint.rootHash),
          signedAt: checkpoint.signedAt,
          note: checkpoint.note,
          verifierKey,
        };
      },
    );

    app.get(
      '/v1/audit/key',
      {
        config: { access: 'public' },
        schema: {
          tags: ['audit'],
          summary: "The log's verifier key (C2SP signed-note `name+keyid+base64`)",
          response: { 200: Type.String() },
        },
      },
      async (_request, reply) => reply.type('text/plain; charset=utf-8').send(`${verifierKey}\n`),
    );

    app.get(
      '/v1/audit/proof/inclusion',
      {
        config: { access: 'public' },
        schema: {
          tags: ['audit'],
          summary: 'Inclusion proof of one entry (RFC 9162 §2.1.3)',
          querystring: Type.Object({
            index: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
            treeSize: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER })),
          }),
          response: { 200: InclusionProofSchema, ...problemResponses },
        },
      },
      async (request) => inclusionProofView(await inclusionProof(reads, request.query)),
    );

    app.get(
      '/v1/audit/proof/consistency',
      {
        config: { access: 'public' },
        schema: {
          tags: ['audit'],
          summary: 'Consistency proof between two tree sizes (RFC 9162 §2.1.4)',
          querystring: Type.Object({
            from: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
            to: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER })),
          }),
          response: { 200: ConsistencyProofSchema, ...problemResponses },
        },
      },
      async (request) => consistencyProofView(await consistencyProof(reads, request.query)),
    );

    app.get(
      '/v1/audit/entries',
      {
        // Whole events, yard slots included: only those who may read everything (customs, police).
        config: { access: 'audit.entries.read' },
        schema: {
          tags: ['audit'],
          summary: 'Log entries by index range, with their exact leaf bytes',
          querystring: Type.Object({
            start: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
          }),
          response: {
            200: Type.Object({ entries: Type.Array(EntrySchema) }),
            401: { $ref: 'Problem#' },
            403: { $ref: 'Problem#' },
            ...problemResponses,
          },
        },
      },
      async (request) => {
        const events = await reads.readEvents(request.query.start, request.query.limit ?? 100);
        return { entries: events.map(entryView) };
      },
    );
  };
}
