/**
 * The witness's HTTP door (tlog-witness §HTTP Interface), with the submission and monitoring prefixes both at the
 * root: `POST /add-checkpoint` and `GET /<origin hash>/checkpoint`. Built without listening, so tests `inject()`.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { Witness } from './witness.js';

/** A checkpoint with its proof lines and a handful of signatures is a few kilobytes; allow generous headroom. */
const MAX_BODY_BYTES = 64 * 1024;

export function buildWitnessServer(args: { witness: Witness; logger?: boolean }): FastifyInstance {
  const app = Fastify({ logger: args.logger ?? false, bodyLimit: MAX_BODY_BYTES });
  // The body is bytes in the spec's own line format whatever Content-Type a client sends (the spec names none).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.post('/add-checkpoint', async (request, reply) => {
    const body = Buffer.isBuffer(request.body) ? new Uint8Array(request.body) : new Uint8Array();
    const answer = await args.witness.addCheckpoint(body);
    return reply.code(answer.status).type(answer.contentType).send(answer.body);
  });

  app.get<{ Params: { originHash: string } }>('/:originHash/checkpoint', async (request, reply) => {
    const note = /^[0-9a-f]{64}$/.test(request.params.originHash)
      ? args.witness.latestCheckpoint(request.params.originHash)
      : undefined;
    if (note === undefined) {
      return reply
        .code(404)
        .type('text/plain; charset=utf-8')
        .send('no cosigned checkpoint for that origin\n');
    }
    return reply.code(200).type('text/plain; charset=utf-8').send(note);
  });

  app.get('/healthz', async (_request, reply) =>
    reply.type('text/plain; charset=utf-8').send(`${args.witness.cosigner.name} ok\n`),
  );

  return app;
}
