import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { requireStepUp } from '../app/access/index.js';
import { AppError } from '../app/errors.js';
import {
  announceOwnVisit,
  commandErrorFor,
  freezeVisit,
  historyShowsPosition,
  liftHold,
  listVisibleVisits,
  readVisit,
  requestPositionCorrection,
  requestUnfreeze,
  requestVisitVoid,
  runScopedVisitCommand,
  type ScopedVisitCommand,
  type ShownVisit,
  showsPosition,
  VISIT_LIST_MAX,
  visitHistory,
} from '../app/visits/index.js';
import { ApprovalSchema, approvalView } from './approval.routes.js';
import { requireAuth } from './auth.plugin.js';
import { callerOf as resolveCaller } from './caller.js';
import { CsvFormat, sendCsv, wantsCsv } from './csv.js';
import type { HttpDeps } from './deps.js';
import { decodeCursor, encodeCursor } from './page-cursor.js';
import { problemResponses } from './schemas.js';
import { searchRoutes } from './search.routes.js';
import {
  ArrivalSchema,
  HoldKindSchema,
  positionsShownNoter,
  SlotSchema,
  VISIT_CSV_HEADER,
  VisitSchema,
  visitCsvRecord,
} from './visit-view.js';

const HistorySchema = Type.Object({
  visitRef: Type.String(),
  events: Type.Array(
    Type.Object({
      index: Type.Integer({ minimum: 0, description: 'Index of the event in the audit log (its leaf)' }),
      leafHash: Type.String({
        description: 'Base64 SHA-256 leaf hash (RFC 9162 §2.1.1), for its inclusion proof',
      }),
      version: Type.Integer({ minimum: 1 }),
      type: Type.String(),
      at: Type.String({ format: 'date-time' }),
      data: Type.Record(Type.String(), Type.Unknown()),
    }),
  ),
});

const VisitRefParams = Type.Object({ visitRef: Type.String({ minLength: 1, maxLength: 64 }) });
const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength });

const errors = {
  401: { $ref: 'Problem#' },
  403: { $ref: 'Problem#' },
  409: { $ref: 'Problem#' },
  422: { $ref: 'Problem#' },
  ...problemResponses,
} as const;

/** The `next` of a visit page: the order it was read in and its last visit, opaque to clients. */
function visitCursor(direction: 'asc' | 'desc', visitRef: string): string {
  return encodeCursor([direction, visitRef]);
}

/**
 * The visit reference a page goes on after. A cursor of the other direction is refused (400 `input.invalid`) rather
 * than read as a place in this one; a bare visit reference, as `next` was before the list had a direction, still
 * goes on in ascending order.
 */
function visitAfter(after: string, direction: 'asc' | 'desc'): string {
  let parts: string[] | undefined;
  try {
    parts = decodeCursor(after, 2);
  } catch {
    parts = undefined;
  }
  const [cursorDirection, visitRef] = parts ?? [];
  if ((cursorDirection === 'asc' || cursorDirection === 'desc') && visitRef !== undefined) {
    if (cursorDirection === direction) return visitRef;
  } else if (direction === 'asc' && after.length <= 64) {
    return after;
  }
  throw new AppError('input.invalid', 'the cursor belongs to another order of this list: start again', {
    cursor: after,
  });
}

/**
 * Container visits: need-to-know reads and the commands of a visit's life. The policy table decides which role
 * may call each route (`config.access`); `visit-access.usecases.ts` decides which visits.
 */
export function visitRoutes(deps: HttpDeps): FastifyPluginAsyncTypebox {
  const reads = deps.auth.ledger.store;
  return async (app) => {
    await app.register(searchRoutes(deps));
    const callerOf = (request: FastifyRequest) => resolveCaller(deps.auth.ledger.store, request);
    const noteShown = positionsShownNoter(deps);

    app.get(
      '/v1/visits',
      {
        config: { access: 'visit.read' },
        schema: {
          tags: ['visits'],
          summary: 'The visits you may see, each redacted to what you may see',
          description:
            'With `format=csv` (or `Accept: text/csv`), every page of the filter as one CSV file, streamed a page at a time: the same visits, redacted the same way.',
          querystring: Type.Object({
            containerNumber: Type.Optional(Type.String({ minLength: 1, maxLength: 20 })),
            status: Type.Optional(
              Type.Union([
                Type.Literal('announced'),
                Type.Literal('in_yard'),
                Type.Literal('gated_out'),
                Type.Literal('loaded'),
                Type.Literal('cancelled'),
              ]),
            ),
            terminal: Type.Optional(
              Type.String({
                minLength: 1,
                maxLength: 32,
                description:
                  "Only this terminal's visits; each is still shown only as far as you may see it, so a terminal whose boxes are not yours shows you nothing more",
              }),
            ),
            direction: Type.Optional(
              Type.Union([Type.Literal('asc'), Type.Literal('desc')], {
                description: 'By visit reference, asc (the default) or desc',
              }),
            ),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: VISIT_LIST_MAX })),
            after: Type.Optional(
              Type.String({
                minLength: 1,
                maxLength: 400,
                description: 'The `next` of the previous page, in the same direction',
              }),
            ),
            format: CsvFormat,
          }),
          response: {
            200: Type.Object({
              visits: Type.Array(VisitSchema),
              next: Type.Union([Type.String(), Type.Null()], {
                description: 'Pass as `after` for the next page (same filter and direction); null at the end',
              }),
            }),
            ...errors,
          },
        },
      },
      async (request, reply) => {
        const caller = await callerOf(request);
        const { format: _format, after: cursor, ...filter } = request.query;
        const direction = filter.direction ?? 'asc';
        const pageAfter = async (after: string | undefined) => {
          const page = await listVisibleVisits(reads, caller, {
            ...filter,
            ...(after === undefined ? {} : { after }),
          });
          return { visits: page.visits, next: page.next === null ? null : visitCursor(direction, page.next) };
        };
        const page = await pageAfter(cursor === undefined ? undefined : visitAfter(cursor, direction));
        const shown = (visits: readonly ShownVisit[]) =>
          noteShown(
            request,
            visits.filter(showsPosition).map((visit) => visit.visitRef),
            'visit.list',
          );
        await shown(page.visits);
        if (!wantsCsv(request)) return page;
        // Every page the filter shows, each counted for the bulk look-up rule as the JSON pages are.
        async function* pages() {
          let current = page;
          yield current.visits.map(visitCsvRecord);
          while (current.next !== null) {
            current = await pageAfter(visitAfter(current.next, direction));
            await shown(current.visits);
            yield current.visits.map(visitCsvRecord);
          }
        }
        return sendCsv(reply, 'visits.csv', VISIT_CSV_HEADER, pages());
      },
    );

    app.get(
      '/v1/visits/:visitRef',
      {
        config: { access: 'visit.read' },
        schema: {
          tags: ['visits'],
          summary: 'One visit; 404 when it does not exist or is not yours to see',
          params: VisitRefParams,
          response: { 200: VisitSchema, ...errors },
        },
      },
      async (request) => {
        const visit = await readVisit(reads, await callerOf(request), request.params.visitRef);
        if (showsPosition(visit)) await noteShown(request, [visit.visitRef], 'visit');
        return visit;
      },
    );

    app.get(
      '/v1/visits/:visitRef/history',
      {
        config: { access: 'visit.history.read' },
        schema: {
          tags: ['visits'],
          summary: 'The events of one visit, with their audit log indices',
          params: VisitRefParams,
          response: { 200: HistorySchema, ...errors },
        },
      },
      async (request) => {
        const history = await visitHistory(reads, await callerOf(request), request.params.visitRef);
        if (historyShowsPosition(history)) await noteShown(request, [history.visitRef], 'visit.history');
        return history;
      },
    );

    app.post(
      '/v1/visits',
      {
        config: { access: 'visit.announce' },
        schema: {
          tags: ['visits'],
          summary: "Announce a container (pre-advice, COPARN) under your own line's code",
          body: Type.Object({
            containerNumber: Text(20),
            sizeType: Type.String({
              minLength: 4,
              maxLength: 4,
              description: 'ISO 6346 size-type, e.g. 45G1',
            }),
            fullEmpty: Type.Union([Type.Literal('full'), Type.Literal('empty')]),
            arrival: ArrivalSchema,
            transportDocumentReference: Type.Optional(
              Type.String({
                minLength: 1,
                maxLength: 20,
                description: 'DCSA transportDocumentReference: the bill of lading the cargo travels under',
              }),
            ),
            carrierBookingReference: Type.Optional(
              Type.String({
                minLength: 1,
                maxLength: 35,
                description: "DCSA carrierBookingReference: the carrier's booking the box was shipped under",
              }),
            ),
          }),
          response: { 201: VisitSchema, ...errors },
        },
      },
      async (request, reply) => {
        const visit = await announceOwnVisit(deps, await callerOf(request), request.body);
        return reply.code(201).header('location', `/v1/visits/${visit.visitRef}`).send(visit);
      },
    );

    /** Runs a command on the visit named in the path, as the caller; the operator is the caller, never the body. */
    const run = async (
      request: FastifyRequest & { params: { visitRef: string } },
      toCommand: (userId: string) => ScopedVisitCommand,
    ) => {
      const caller = await callerOf(request);
      try {
        return await runScopedVisitCommand(deps, caller, request.params.visitRef, toCommand(caller.userId));
      } catch (error) {
        // A machine client without `visit.read` is not told which holds keep a box, nor who froze it (row F).
        throw commandErrorFor(error, request.apiToken?.permissions);
      }
    };

    app.post(
      '/v1/visits/:visitRef/discharge',
      {
        config: { access: 'visit.discharge' },
        schema: {
          tags: ['visits'],
          summary: 'The box came off its vessel into a yard slot (COARRI, DCSA DISC)',
          params: VisitRefParams,
          body: Type.Object({
            vesselCall: Text(35),
            slot: SlotSchema,
            equipment: Type.Optional(Text(100)),
          }),
          response: { 200: VisitSchema, ...errors },
        },
      },
      async (request) =>
        run(request, (operator) => ({ type: 'DischargeContainer', ...request.body, operator })),
    );

    app.post(
      '/v1/visits/:visitRef/gate-in',
      {
        config: { access: 'visit.gate_in' },
        schema: {
          tags: ['visits'],
          summary: 'The box came through the gate into a yard slot (CODECO, DCSA GTIN)',
          params: VisitRefParams,
          body: Type.Object({
            slot: SlotSchema,
            truckPlate: Type.Optional(Text(35)),
            equipment: Type.Optional(Text(100)),
          }),
          response: { 200: VisitSchema, ...errors },
        },
      },
      async (request) => run(request, (operator) => ({ type: 'GateInContainer', ...request.body, operator })),
    );

    app.post(
      '/v1/visits/:visitRef/moves',
      {
        config: { access: 'visit.move' },
        schema: {
          tags: ['visits'],
          summary: 'A physical move in the yard, by a piece of equipment; the operator is you',
          params: VisitRefParams,
          body: Type.Object({ from: SlotSchema, to: SlotSchema, equipment: Text(100) }),
          response: { 200: VisitSchema, ...errors },
        },
      },
      async (request) => run(request, (operator) => ({ type: 'MoveContainer', ...request.body, operator })),
    );

    app.post(
      '/v1/visits/:visitRef/holds',
      {
        config: { access: 'visit.hold.place' },
        schema: {
          tags: ['visits'],
          summary:
            'Place a hold of your own authority (customs, police, terminal or line); any hold blocks the gate',
          params: VisitRefParams,
          body: Type.Object({ kind: HoldKindSchema, reason: Text(500), reference: Text(100) }),
          response: { 200: VisitSchema, ...errors },
        },
      },
      async (request) => {
        const holdId = `${request.body.kind.toUpperCase()}-${deps.auth.security.tokens.newToken(9)}`;
        return run(request, () => ({ type: 'PlaceHold', holdId, ...request.body }));
      },
    );

    app.post(
      '/v1/visits/:visitRef/holds/:holdId/lift',
      {
        config: { access: 'visit.hold.lift' },
        schema: {
          tags: ['visits'],
          summary:
            "Lift a hold of your own authority: in a passkey session with a recent step-up; another officer's customs or police hold only once a second officer approves",
          description:
            'Lifting a hold can let a box go (issue 10, row B), so it takes a session opened with a passkey (403 `auth.passkey_session_required`, and a password session trying it is recorded) and a passkey step-up within 5 minutes (403 `auth.step_up_required`). Terminal and line holds, and your own customs or police hold, are lifted at once (200, the visit). A customs or police hold placed by another officer becomes a two-person `hold.lift` request (202): nothing changes until another officer of your authority approves it in the approvals inbox.',
          params: Type.Object({
            visitRef: Type.String({ minLength: 1, maxLength: 64 }),
            holdId: Type.String({ minLength: 1, maxLength: 100 }),
          }),
          body: Type.Object({ reason: Text(500) }),
          response: {
            200: VisitSchema,
            202: Type.Object({ outcome: Type.Literal('approval_required'), approval: ApprovalSchema }),
            ...errors,
          },
        },
      },
      async (request, reply) => {
        // A person only: a machine client cannot step up, and the passkey session is checked by the policy table.
        const auth = requireAuth(request);
        requireStepUp(deps.auth, auth);
        const result = await liftHold(deps, auth, request.params.visitRef, {
          holdId: request.params.holdId,
          reason: request.body.reason,
        });
        if (result.outcome === 'lifted') return reply.code(200).send(result.visit);
        return reply.code(202).send({
          outcome: 'approval_required' as const,
          approval: await approvalView(reads.identity, result.approval, deps.auth.ledger.clock.now()),
        });
      },
    );

    // No gate-out route here (issue 10, row A): a box leaves only through the gate, `POST /v1/gate/transactions`,
    // whose accepted verdict the visit decider requires.

    app.post(
      '/v1/visits/:visitRef/load',
      {
        config: { access: 'visit.load' },
        schema: {
          tags: ['visits'],
          summary: 'The box was loaded onto a vessel (COARRI, DCSA LOAD)',
          params: VisitRefParams,
          body: Type.Object({ vesselCall: Text(35) }),
          response: { 200: VisitSchema, ...errors },
        },
      },
      async (request) => run(request, () => ({ type: 'LoadContainer', ...request.body })),
    );

    app.post(
      '/v1/visits/:visitRef/void-requests',
      {
        config: { access: 'visit.void.request' },
        schema: {
          tags: ['visits'],
          summary: 'Ask for one event of the visit to be voided; applied only when a second person approves',
          params: VisitRefParams,
          body: Type.Object({
            voidedVersion: Type.Integer({ minimum: 1, description: 'Stream version of the event to void' }),
            reason: Text(500),
          }),
          response: { 202: ApprovalSchema, ...errors },
        },
      },
      async (request, reply) => {
        requireStepUp(deps.auth, requireAuth(request));
        const approval = await requestVisitVoid(
          deps,
          requireAuth(request),
          request.params.visitRef,
          request.body,
        );
        return reply
          .code(202)
          .send(await approvalView(reads.identity, approval, deps.auth.ledger.clock.now()));
      },
    );

    app.post(
      '/v1/visits/:visitRef/freeze',
      {
        config: { access: 'visit.freeze' },
        schema: {
          tags: ['visits'],
          summary:
            'Freeze a box at once (terminal supervisor, customs, port police): it cannot gate out or be loaded until two people unfreeze it',
          params: VisitRefParams,
          body: Type.Object({
            reason: Text(500),
            alertId: Type.Optional(
              Type.String({
                minLength: 1,
                maxLength: 20,
                description: 'The alert that prompted the freeze; it must name this visit',
              }),
            ),
          }),
          response: { 200: VisitSchema, ...errors },
        },
      },
      // Like a hold, a freeze only stops a box: no step-up, so that customs and police (password roles) can act.
      async (request) => freezeVisit(deps, requireAuth(request), request.params.visitRef, request.body),
    );

    app.post(
      '/v1/visits/:visitRef/unfreeze-requests',
      {
        config: { access: 'visit.unfreeze.request' },
        schema: {
          tags: ['visits'],
          summary:
            "Ask for a frozen box to be unfrozen; applied only when another supervisor of the box's terminal approves",
          params: VisitRefParams,
          body: Type.Object({ reason: Text(500) }),
          response: { 202: ApprovalSchema, ...errors },
        },
      },
      async (request, reply) => {
        const auth = requireAuth(request);
        requireStepUp(deps.auth, auth);
        const approval = await requestUnfreeze(deps, auth, request.params.visitRef, request.body);
        return reply
          .code(202)
          .send(await approvalView(reads.identity, approval, deps.auth.ledger.clock.now()));
      },
    );

    app.post(
      '/v1/visits/:visitRef/position-corrections',
      {
        config: { access: 'visit.correct_position' },
        schema: {
          tags: ['visits'],
          summary:
            'Ask to correct where the box is recorded, when no physical move explains it; applied only when a second person at the terminal approves',
          params: VisitRefParams,
          body: Type.Object({ to: SlotSchema, reason: Text(500) }),
          response: { 202: ApprovalSchema, ...errors },
        },
      },
      async (request, reply) => {
        const auth = requireAuth(request);
        requireStepUp(deps.auth, auth);
        const approval = await requestPositionCorrection(deps, auth, request.params.visitRef, request.body);
        return reply
          .code(202)
          .send(await approvalView(reads.identity, approval, deps.auth.ledger.clock.now()));
      },
    );
  };
}
