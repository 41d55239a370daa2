import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { requireStepUp } from '../app/access/index.js';
import { AppError } from '../app/errors.js';
import {
  issueRelease,
  listReleaseInbox,
  RELEASE_INBOX_DEFAULT_LIMIT,
  RELEASE_INBOX_MAX_LIMIT,
  type ReleaseCommandInput,
  type ReleaseCommandResult,
  type ReleaseInboxItem,
  readRelease,
  revokeRelease,
  runReleaseCommand,
  visitLights,
} from '../app/releases/index.js';
import { principalOf } from '../app/visits/index.js';
import { DomainError, greenLightNames, type Principal } from '../domain/index.js';
import { requireAuth } from './auth.plugin.js';
import { callerOf as resolveCaller } from './caller.js';
import { CsvFormat, type CsvValue, sendCsv, wantsCsv } from './csv.js';
import type { HttpDeps } from './deps.js';
import { problemResponses } from './schemas.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);
const Instant = Type.String({ format: 'date-time', description: 'ISO 8601 instant' });
const OrgId = Type.String({ minLength: 1, maxLength: 100, description: 'An organisation id' });
const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength });
/** The most releases one bulk block or revocation takes: a page of the console's list. */
const MAX_BULK_RELEASES = 100;

/** A release chain as the caller may see it (`releaseChainView`): need-to-know per link. */
const ReleaseSchema = Type.Object(
  {
    visibility: Type.Union([Type.Literal('full'), Type.Literal('neighbours')]),
    releaseId: Type.String(),
    visitRef: Type.String(),
    line: Type.String(),
    validFrom: Type.String(),
    validUntil: Type.String(),
    rightVersion: Type.Integer({ minimum: 1, description: 'A pickup credential binds to it' }),
    blocked: Type.Boolean(),
    blockedAt: Nullable(Type.String()),
    revoked: Type.Boolean(),
    revokedAt: Nullable(Type.String()),
    blockReason: Type.Optional(Nullable(Type.String())),
    revokeReason: Type.Optional(Nullable(Type.String())),
    chain: Type.Array(
      Type.Object({
        position: Type.Integer({ minimum: 1 }),
        orgId: Type.String(),
        from: Nullable(Type.String({ description: 'null when that party is not one the caller may see' })),
        acceptedAt: Type.String(),
      }),
      {
        description:
          'The links you may see: yours and your neighbours (all of them for the line and authorities)',
      },
    ),
    offer: Nullable(Type.Object({ from: Type.String(), to: Type.String(), offeredAt: Type.String() })),
    holder: Type.Optional(
      Nullable(Type.String({ description: 'Left out when the holder is not yours to know' })),
    ),
    cutOff: Type.Array(Type.String()),
  },
  { description: 'The release right of a visit, redacted to what you need to know (MISSION §3)' },
);

const ResultSchema = Type.Object({
  visitRef: Type.String(),
  release: Nullable(ReleaseSchema),
  events: Type.Array(Type.Object({ index: Type.Integer({ minimum: 0 }), type: Type.String() }), {
    description: 'The events recorded, with their audit log indices',
  }),
});

const LightsSchema = Type.Object(
  {
    visitRef: Nullable(Type.String()),
    at: Type.String(),
    lights: Type.Array(
      Type.Object({
        light: Type.Union(greenLightNames.map((name) => Type.Literal(name))),
        green: Type.Boolean(),
        reasons: Type.Array(Type.String()),
      }),
    ),
    allGreen: Type.Boolean(),
    dcsaCodes: Type.Array(
      Type.Union([Type.Literal('AVPU'), Type.Literal('CUSR'), Type.Literal('CUSS'), Type.Literal('CUSI')]),
      { description: 'DCSA Track & Trace 3.0 equipment event codes that apply now' },
    ),
  },
  { description: 'The four green lights a pickup needs, with the reason for each one that is not green' },
);

const InboxItemSchema = Type.Object(
  {
    visitRef: Type.String(),
    containerNumber: Nullable(Type.String()),
    releaseId: Type.String(),
    line: Type.String(),
    state: Type.Union([
      Type.Literal('offered'),
      Type.Literal('held'),
      Type.Literal('issued'),
      Type.Literal('blocked'),
      Type.Literal('revoked'),
    ]),
    from: Nullable(Type.String({ description: 'Who handed or offers the right to you (issued: the line)' })),
    to: Nullable(Type.String({ description: 'Whom the right is offered on to, or (issued) who has it now' })),
    offeredAt: Nullable(Type.String()),
    acceptedAt: Nullable(Type.String()),
    validFrom: Type.String(),
    validUntil: Type.String(),
    updatedAt: Type.String(),
    release: ReleaseSchema,
  },
  { description: 'A release in your inbox: the box, the hand-over, never where the box stands' },
);

const VisitRefParams = Type.Object({ visitRef: Type.String({ minLength: 1, maxLength: 64 }) });

/** The columns of a release in a CSV export (issue 14): the inbox row, never where the box stands. */
const RELEASE_CSV_HEADER = [
  'Container',
  'Visit',
  'Release',
  'Line',
  'State',
  'From',
  'To',
  'Offered at',
  'Accepted at',
  'Valid from',
  'Valid until',
  'Last change',
];

function releaseCsvRecord(item: ReleaseInboxItem): CsvValue[] {
  return [
    item.containerNumber,
    item.visitRef,
    item.releaseId,
    item.line,
    item.state,
    item.from,
    item.to,
    item.offeredAt,
    item.acceptedAt,
    item.validFrom,
    item.validUntil,
    item.updatedAt,
  ];
}

const errors = {
  401: { $ref: 'Problem#' },
  403: { $ref: 'Problem#' },
  409: { $ref: 'Problem#' },
  422: { $ref: 'Problem#' },
  ...problemResponses,
} as const;

const shownResult = (result: ReleaseCommandResult) => ({
  visitRef: result.visitRef,
  release: result.release,
  events: result.events.map((event) => ({ index: event.index, type: event.type })),
});

/**
 * The release chain of a visit (issue 4): the line issues, blocks, revokes and sets the validity; the right moves
 * party to party, each accepting it. Handing a right over or taking it back needs a passkey step-up; who may see
 * what is `releases.usecases.ts`'s business.
 */
export function releaseRoutes(deps: HttpDeps): FastifyPluginAsyncTypebox {
  const ledger = deps.auth.ledger;
  const reads = ledger.store;
  return async (app) => {
    // As in `visit.routes.ts`: a person, or a machine client acting for its organisation with its kind's roles.
    const callerOf = (request: FastifyRequest) => resolveCaller(reads, request);
    /** A person who confirmed with their passkey within the step-up window; machine clients cannot. */
    const steppedUp = (request: FastifyRequest): Principal => {
      const auth = requireAuth(request);
      requireStepUp(deps.auth, auth);
      return principalOf(auth);
    };
    const command = async (
      request: FastifyRequest & { params: { visitRef: string } },
      input: ReleaseCommandInput,
      options: { stepUp?: boolean } = {},
    ) => {
      const caller = options.stepUp ? steppedUp(request) : await callerOf(request);
      return shownResult(await runReleaseCommand(ledger, caller, request.params.visitRef, input));
    };

    app.get(
      '/v1/visits/:visitRef/release',
      {
        config: { access: 'release.read' },
        schema: {
          tags: ['releases'],
          summary: 'The release chain of a visit, as far as it is yours to know',
          params: VisitRefParams,
          response: { 200: ReleaseSchema, ...errors },
        },
      },
      async (request) => readRelease(reads, await callerOf(request), request.params.visitRef),
    );

    app.get(
      '/v1/releases',
      {
        config: { access: 'release.read' },
        schema: {
          tags: ['releases'],
          summary:
            "Your organisation's release inbox: offers awaiting you, rights you hold, or (a line) releases you issued",
          querystring: Type.Object({
            view: Type.Union([Type.Literal('offers'), Type.Literal('held'), Type.Literal('issued')], {
              description: 'offers: awaiting your answer; held: yours now; issued: released by your line',
            }),
            limit: Type.Optional(
              Type.Integer({
                minimum: 1,
                maximum: RELEASE_INBOX_MAX_LIMIT,
                default: RELEASE_INBOX_DEFAULT_LIMIT,
              }),
            ),
            cursor: Type.Optional(
              Type.String({ minLength: 1, maxLength: 400, description: 'nextCursor of the previous page' }),
            ),
            state: Type.Optional(
              Type.Union([Type.Literal('in_force'), Type.Literal('blocked'), Type.Literal('revoked')], {
                description: 'Only releases in force (neither blocked nor revoked), blocked, or revoked',
              }),
            ),
            direction: Type.Optional(
              Type.Union([Type.Literal('desc'), Type.Literal('asc')], {
                description:
                  'desc: latest change first (the default); asc: oldest change first. A cursor goes on only in the order it was made in.',
              }),
            ),
            format: CsvFormat,
          }),
          response: {
            200: Type.Object({
              view: Type.String(),
              items: Type.Array(InboxItemSchema, {
                description: 'Latest change first, or oldest first with direction=asc',
              }),
              nextCursor: Nullable(Type.String()),
            }),
            ...errors,
          },
        },
      },
      async (request, reply) => {
        const caller = await callerOf(request);
        const { view, limit, cursor, state, direction } = request.query;
        // The CSV pages follow the same order as the JSON ones, each from the cursor of the one before.
        const pageAfter = (from: string | undefined) =>
          listReleaseInbox(reads, caller, {
            view,
            ...(limit === undefined ? {} : { limit }),
            ...(from === undefined ? {} : { cursor: from }),
            ...(state === undefined ? {} : { state }),
            ...(direction === undefined ? {} : { direction }),
          });
        const page = await pageAfter(cursor);
        if (!wantsCsv(request)) return page;
        async function* pages() {
          let current = page;
          yield current.items.map(releaseCsvRecord);
          while (current.nextCursor !== null) {
            current = await pageAfter(current.nextCursor);
            yield current.items.map(releaseCsvRecord);
          }
        }
        return sendCsv(reply, `releases-${view}.csv`, RELEASE_CSV_HEADER, pages());
      },
    );

    app.get(
      '/v1/visits/:visitRef/lights',
      {
        config: { access: 'visit.read' },
        schema: {
          tags: ['releases'],
          summary: 'The four green lights of a visit now, with reasons and DCSA 3.0 codes',
          params: VisitRefParams,
          response: { 200: LightsSchema, ...errors },
        },
      },
      async (request) =>
        visitLights(
          reads,
          await callerOf(request),
          request.params.visitRef,
          ledger.clock.now().toISOString(),
        ),
    );

    app.post(
      '/v1/visits/:visitRef/release',
      {
        config: { access: 'release.issue' },
        schema: {
          tags: ['releases'],
          summary: 'Issue the commercial release of your own box and offer it to the first party (COREOR)',
          params: VisitRefParams,
          body: Type.Object({ firstParty: OrgId, validFrom: Instant, validUntil: Instant }),
          response: { 201: ResultSchema, ...errors },
        },
      },
      async (request, reply) => {
        const result = await issueRelease(ledger, steppedUp(request), request.params.visitRef, request.body);
        return reply
          .code(201)
          .header('location', `/v1/visits/${request.params.visitRef}/release`)
          .send(shownResult(result));
      },
    );

    app.post(
      '/v1/visits/:visitRef/release/block',
      {
        config: { access: 'release.block' },
        schema: {
          tags: ['releases'],
          summary: 'Block the release: no transfer and no pickup until it is unblocked',
          params: VisitRefParams,
          body: Type.Object({ reason: Text(500) }),
          response: { 200: ResultSchema, ...errors },
        },
      },
      async (request) => command(request, { type: 'BlockRelease', reason: request.body.reason }),
    );

    app.post(
      '/v1/visits/:visitRef/release/unblock',
      {
        config: { access: 'release.block' },
        schema: {
          tags: ['releases'],
          summary: 'Lift your block of the release (a person, with a passkey step-up)',
          params: VisitRefParams,
          response: { 200: ResultSchema, ...errors },
        },
      },
      // Unblocking turns the commercial light green again: a stolen feed token must not undo the desk's stop.
      async (request) => command(request, { type: 'UnblockRelease' }, { stepUp: true }),
    );

    app.post(
      '/v1/visits/:visitRef/release/revoke',
      {
        config: { access: 'release.revoke' },
        schema: {
          tags: ['releases'],
          summary:
            'The line revokes the release, cutting off everyone downstream; any other party takes back the offer it made',
          params: VisitRefParams,
          body: Type.Object({ reason: Text(500) }),
          response: { 200: ResultSchema, ...errors },
        },
      },
      async (request) =>
        shownResult(await revokeRelease(ledger, steppedUp(request), request.params.visitRef, request.body)),
    );

    /**
     * The same change to several releases (issue 14): each visit's release changed in its own transaction, exactly as
     * its single route does (one event on its release stream), by a caller with the same permission and, for a
     * revocation, the same passkey step-up. One that cannot be changed is reported with its problem code; the
     * others go on.
     */
    const many = async (
      visitRefs: readonly string[],
      change: (visitRef: string) => Promise<unknown>,
    ): Promise<{ visitRef: string; outcome: 'changed' | 'refused'; code?: string }[]> => {
      const results: { visitRef: string; outcome: 'changed' | 'refused'; code?: string }[] = [];
      for (const visitRef of visitRefs) {
        try {
          await change(visitRef);
          results.push({ visitRef, outcome: 'changed' });
        } catch (error) {
          if (!(error instanceof AppError) && !(error instanceof DomainError)) throw error;
          results.push({ visitRef, outcome: 'refused', code: error.code });
        }
      }
      return results;
    };
    const BulkBody = Type.Object({
      visitRefs: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
        minItems: 1,
        maxItems: MAX_BULK_RELEASES,
        uniqueItems: true,
      }),
      reason: Text(500),
    });
    const BulkResults = Type.Object({
      results: Type.Array(
        Type.Object({
          visitRef: Type.String(),
          outcome: Type.Union([Type.Literal('changed'), Type.Literal('refused')]),
          code: Type.Optional(Type.String({ description: 'Why it was refused: a problem code' })),
        }),
      ),
    });

    app.post(
      '/v1/releases/blocks',
      {
        config: { access: 'release.block' },
        schema: {
          tags: ['releases'],
          summary: 'Block several releases at once, each as POST /v1/visits/{visitRef}/release/block does',
          body: BulkBody,
          response: { 200: BulkResults, ...errors },
        },
      },
      async (request) => {
        const caller = await callerOf(request);
        const { reason } = request.body;
        return {
          results: await many(request.body.visitRefs, (visitRef) =>
            runReleaseCommand(ledger, caller, visitRef, { type: 'BlockRelease', reason }),
          ),
        };
      },
    );

    app.post(
      '/v1/releases/revocations',
      {
        config: { access: 'release.revoke' },
        schema: {
          tags: ['releases'],
          summary:
            'Revoke several releases at once (a person, with a passkey step-up), each as POST /v1/visits/{visitRef}/release/revoke does',
          body: BulkBody,
          response: { 200: BulkResults, ...errors },
        },
      },
      async (request) => {
        const caller = steppedUp(request);
        const { reason } = request.body;
        return {
          results: await many(request.body.visitRefs, (visitRef) =>
            revokeRelease(ledger, caller, visitRef, { reason }),
          ),
        };
      },
    );

    app.post(
      '/v1/visits/:visitRef/release/validity',
      {
        config: { access: 'release.issue' },
        schema: {
          tags: ['releases'],
          summary: 'Change the period in which the box may be collected (a person, with a passkey step-up)',
          params: VisitRefParams,
          body: Type.Object({ validFrom: Instant, validUntil: Instant }),
          response: { 200: ResultSchema, ...errors },
        },
      },
      // Re-dating a release moves when the box may leave: a stolen feed token must not stretch or shift it.
      async (request) => command(request, { type: 'UpdateValidity', ...request.body }, { stepUp: true }),
    );

    app.post(
      '/v1/visits/:visitRef/release/offers',
      {
        config: { access: 'release.transfer' },
        schema: {
          tags: ['releases'],
          summary: 'Offer the right you hold to a forwarder or haulier, who accepts or denies it',
          params: VisitRefParams,
          body: Type.Object({ to: OrgId }),
          response: { 200: ResultSchema, ...errors },
        },
      },
      async (request) => command(request, { type: 'OfferTransfer', to: request.body.to }, { stepUp: true }),
    );

    app.post(
      '/v1/visits/:visitRef/release/offers/accept',
      {
        config: { access: 'release.accept' },
        schema: {
          tags: ['releases'],
          summary: 'Accept the right offered to you; you hold it from now on',
          params: VisitRefParams,
          response: { 200: ResultSchema, ...errors },
        },
      },
      async (request) => command(request, { type: 'AcceptTransfer' }, { stepUp: true }),
    );

    app.post(
      '/v1/visits/:visitRef/release/offers/deny',
      {
        config: { access: 'release.deny' },
        schema: {
          tags: ['releases'],
          summary: 'Refuse the right offered to you; the sender keeps it',
          params: VisitRefParams,
          body: Type.Optional(Type.Object({ reason: Type.Optional(Text(500)) })),
          response: { 200: ResultSchema, ...errors },
        },
      },
      async (request) =>
        command(request, {
          type: 'DenyTransfer',
          ...(request.body?.reason === undefined ? {} : { reason: request.body.reason }),
        }),
    );

    app.post(
      '/v1/visits/:visitRef/release/offers/withdraw',
      {
        config: { access: 'release.transfer' },
        schema: {
          tags: ['releases'],
          summary: 'Take back the offer you made, before it is accepted',
          params: VisitRefParams,
          response: { 200: ResultSchema, ...errors },
        },
      },
      async (request) => command(request, { type: 'WithdrawOffer' }),
    );
  };
}
