import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { WitnessSubmitter } from '../app/audit/index.js';
import {
  consistencyProof,
  consistencyProofView,
  entryView,
  inclusionProof,
  inclusionProofView,
  latestCheckpoint,
} from '../app/audit/index.js';
import type { CosignatureStore, StoredCosignature } from '../app/audit/witness.ports.js';
import type { LedgerReads, StoredCheckpoint, StoredEvent } from '../app/ports.js';
import { appendSignatureLines } from '../audit/cosignature.js';
import {
  CheckpointSchema,
  ConsistencyProofSchema,
  EntrySchema,
  InclusionProofSchema,
  problemResponses,
} from './schemas.js';

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

/**
 * A checkpoint as the API shows it: the note carries the witnesses' cosignature lines after the log's own, as
 * C2SP signed notes allow (tlog-witness §add-checkpoint: the answer "MAY [be concatenated] to the checkpoint");
 * a verifier that knows only the log's key ignores them (signed-note §Signatures).
 */
const checkpointView = (
  checkpoint: StoredCheckpoint,
  verifierKey: string,
  cosignatures: readonly StoredCosignature[] = [],
) => ({
  treeSize: checkpoint.treeSize,
  rootHash: b64(checkpoint.rootHash),
  signedAt: checkpoint.signedAt,
  note: cosignatures.length
    ? appendSignatureLines(
        checkpoint.note,
        cosignatures.map((c) => c.line),
      )
    : checkpoint.note,
  verifierKey,
  cosignatures: cosignatures.map((c) => ({
    witness: c.witness,
    timestamp: c.timestamp,
    receivedAt: c.receivedAt,
    line: c.line,
  })),
});

const WitnessesSchema = Type.Object({
  quorum: Type.Integer({
    minimum: 0,
    description: 'How many witnesses must cosign (0: no witness configured)',
  }),
  cosignedSize: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], {
    description: 'The largest tree size a quorum of witnesses has cosigned',
  }),
  waitingSince: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
    description: 'Since when the latest checkpoint waits for its quorum; null when it has it',
  }),
  lagging: Type.Boolean({ description: 'A `witness.lagging` alert stands for the current wait' }),
  witnesses: Type.Array(
    Type.Object({
      name: Type.String(),
      vkey: Type.String({ description: 'The cosigner verifier key (tlog-cosignature, type 0x04)' }),
      url: Type.String({ description: 'Submission prefix (tlog-witness)' }),
      cosignedSize: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
      cosignedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
      knownSize: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
      lastError: Type.Union([Type.String(), Type.Null()]),
      lastAttemptAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
      finding: Type.Union([
        Type.Object({
          code: Type.Union([Type.Literal('integrity.rollback'), Type.Literal('integrity.fork')]),
          witness: Type.String(),
          witnessSize: Type.Integer({ minimum: 0 }),
          logSize: Type.Integer({ minimum: 0 }),
          reason: Type.String(),
        }),
        Type.Null(),
      ]),
    }),
  ),
});

const AuditStatsSchema = Type.Object({
  logSize: Type.Integer({ minimum: 0 }),
  growth: Type.Array(
    Type.Object({ at: Type.String({ format: 'date-time' }), treeSize: Type.Integer({ minimum: 0 }) }),
    { description: 'Log size at each signed checkpoint (at most 500, evenly thinned), oldest first' },
  ),
  eventsPerHour: Type.Array(
    Type.Object({ hour: Type.String({ format: 'date-time' }), events: Type.Integer({ minimum: 0 }) }),
    { description: 'Events recorded in each whole hour of the window, oldest first' },
  ),
  truncated: Type.Boolean({ description: 'The per-hour counts stopped at the scan limit' }),
});

const HOUR_MS = 3_600_000;
const EVENT_PAGE = 1000;
/** At most this many events are scanned for the per-hour counts. */
const EVENT_SCAN_LIMIT = 200_000;
const GROWTH_POINTS = 500;

/** Log growth from every signed checkpoint, and events per hour over the last `hours`, newest events first. */
async function auditStats(reads: LedgerReads, hours: number) {
  const logSize = await reads.logSize();
  // Downsampled by indexed look-ups, one per point (the first checkpoint at or past each of GROWTH_POINTS evenly
  // spaced sizes), never by loading every checkpoint: a busy log signs one a second (issue 13).
  const growth: { at: string; treeSize: number }[] = [];
  for (let point = 0; point < GROWTH_POINTS && logSize > 0; point++) {
    const target = Math.floor((point * logSize) / GROWTH_POINTS);
    if (growth.length > 0 && target <= growth.at(-1)!.treeSize) continue;
    const [found] = await reads.readCheckpoints(target, 1);
    if (!found) break;
    if (growth.length === 0 || found.treeSize > growth.at(-1)!.treeSize) {
      growth.push({ at: found.signedAt, treeSize: found.treeSize });
    }
  }
  const latest = await reads.latestCheckpoint();
  if (latest && (growth.length === 0 || latest.treeSize > growth.at(-1)!.treeSize)) {
    growth.push({ at: latest.signedAt, treeSize: latest.treeSize });
  }

  // The window ends at the newest event's hour, so a quiet log (or a simulated clock) still shows its activity.
  const newest = logSize > 0 ? (await reads.readEvents(logSize - 1, 1))[0] : undefined;
  const lastHour = Math.floor((newest ? Date.parse(newest.recordedAt) : Date.now()) / HOUR_MS);
  const firstHour = lastHour - hours + 1;
  const counts = new Array<number>(hours).fill(0);
  let scanned = 0;
  let end = logSize;
  let truncated = false;
  scan: while (end > 0) {
    const start = Math.max(0, end - EVENT_PAGE);
    const events = await reads.readEvents(start, end - start);
    for (let i = events.length - 1; i >= 0; i -= 1) {
      const hour = Math.floor(Date.parse((events[i] as StoredEvent).recordedAt) / HOUR_MS);
      if (hour < firstHour) break scan;
      if (hour <= lastHour) counts[hour - firstHour] = (counts[hour - firstHour] ?? 0) + 1;
      scanned += 1;
      if (scanned >= EVENT_SCAN_LIMIT) {
        truncated = true;
        break scan;
      }
    }
    end = start;
  }
  return {
    logSize,
    growth,
    eventsPerHour: counts.map((events, i) => ({
      hour: new Date((firstHour + i) * HOUR_MS).toISOString(),
      events,
    })),
    truncated,
  };
}

/**
 * Read-only audit endpoints: anyone holding the verifier key can check what these return, offline. Checkpoints,
 * the key and proofs are public, because witnesses need them and they carry only hashes; the entries themselves
 * are cargo data.
 */
export function auditRoutes(deps: {
  reads: LedgerReads;
  verifierKey: string;
  cosignatures?: CosignatureStore;
  witnesses?: Pick<WitnessSubmitter, 'status' | 'quorumStatus'>;
}): FastifyPluginAsyncTypebox {
  const { reads, verifierKey, cosignatures } = deps;
  const cosignaturesOf = async (sizes: readonly number[]) =>
    cosignatures ? await cosignatures.cosignaturesOf(sizes) : [];
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
        return checkpointView(checkpoint, verifierKey, await cosignaturesOf([checkpoint.treeSize]));
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
      '/v1/audit/checkpoints',
      {
        config: { access: 'audit.read' },
        schema: {
          tags: ['audit'],
          summary: 'Signed checkpoints with a tree size at or above `from`, smallest first',
          querystring: Type.Object({
            from: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, default: 0 })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
          }),
          response: {
            200: Type.Object({ checkpoints: Type.Array(CheckpointSchema) }),
            401: { $ref: 'Problem#' },
            403: { $ref: 'Problem#' },
            ...problemResponses,
          },
        },
      },
      async (request) => {
        const page = await reads.readCheckpoints(request.query.from ?? 0, request.query.limit ?? 100);
        const cosigned = await cosignaturesOf(page.map((c) => c.treeSize));
        return {
          checkpoints: page.map((c) =>
            checkpointView(
              c,
              verifierKey,
              cosigned.filter((s) => s.treeSize === c.treeSize),
            ),
          ),
        };
      },
    );

    app.get(
      '/v1/audit/witnesses',
      {
        config: { access: 'audit.read' },
        schema: {
          tags: ['audit'],
          summary: "The log's witnesses: the size each last cosigned and when, and whether a quorum lags",
          response: {
            200: WitnessesSchema,
            401: { $ref: 'Problem#' },
            403: { $ref: 'Problem#' },
            ...problemResponses,
          },
        },
      },
      async () => {
        const witnesses = deps.witnesses;
        if (!witnesses)
          return { quorum: 0, cosignedSize: null, waitingSince: null, lagging: false, witnesses: [] };
        return { ...witnesses.quorumStatus(), witnesses: witnesses.status() };
      },
    );

    app.get(
      '/v1/audit/stats',
      {
        config: { access: 'audit.read' },
        schema: {
          tags: ['audit'],
          summary: 'Log size over time (from the checkpoints) and events per hour (from event times)',
          description:
            'The per-hour window is the `hours` whole hours ending with the hour of the newest event.',
          querystring: Type.Object({
            hours: Type.Optional(Type.Integer({ minimum: 1, maximum: 24 * 31, default: 48 })),
          }),
          response: {
            200: AuditStatsSchema,
            401: { $ref: 'Problem#' },
            403: { $ref: 'Problem#' },
            ...problemResponses,
          },
        },
      },
      async (request) => auditStats(reads, request.query.hours ?? 48),
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
