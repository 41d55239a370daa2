import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { requestApproval, requireStepUp } from '../app/access/index.js';
import {
  type AppointmentActor,
  type AppointmentChange,
  type AppointmentDeps,
  changeAppointment,
  listDrivers,
  listSlots,
  notifyChain,
  pickupApprovalKinds,
  readVisitAppointment,
  registerDriver,
  slotConfigOf,
} from '../app/appointments/index.js';
import { mayDo, slotsStillReachable, slotWindow } from '../domain/index.js';
import { ApprovalSchema, approvalView } from './approval.routes.js';
import { requireAuth, requirePrincipal } from './auth.plugin.js';
import { callerOf } from './caller.js';
import type { HttpDeps } from './deps.js';
import { decodeCursor, NextCursor, pageOf, pageQuery } from './page-cursor.js';
import { problemResponses } from './schemas.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

const DriverSchema = Type.Object(
  {
    badgeRef: Type.String({ description: 'Keyed hash of the badge: what events and the gate carry' }),
    name: Type.String(),
    badge: Type.String(),
    licence: Type.String(),
    phone: Type.String(),
    registeredAt: Type.String({ format: 'date-time' }),
    userId: Nullable(
      Type.String({ description: "The driver person's console account, which reads his own jobs" }),
    ),
  },
  { description: 'A driver, as the employing haulier sees it; stored sealed, never in an audit leaf' },
);

/** Drivers per page when the caller names no limit, and the most one page holds (issue 13). */
export const DEFAULT_DRIVER_PAGE = 200;
export const MAX_DRIVER_PAGE = 500;

const AppointmentSchema = Type.Object({
  visitRef: Type.String(),
  status: Type.Union([Type.Literal('booked'), Type.Literal('cancelled'), Type.Literal('none')]),
  bookingVersion: Type.Integer({ minimum: 0 }),
  slotId: Nullable(Type.String()),
  slotStart: Nullable(Type.String()),
  slotEnd: Nullable(Type.String()),
  driverBadgeRef: Nullable(Type.String()),
  truckPlate: Nullable(Type.String()),
  rightVersion: Nullable(Type.Integer()),
});

const VisitAppointmentSchema = Type.Object(
  {
    visitRef: Type.String(),
    status: Type.Union([Type.Literal('booked'), Type.Literal('cancelled')], {
      description: '`cancelled`: the last booking was given back, so no pickup is booked',
    }),
    terminal: Type.String(),
    timeZone: Nullable(
      Type.String({
        description: "IANA time zone of the terminal's clocks, to show the slot as the gate does",
      }),
    ),
    slotId: Type.String(),
    slotStart: Type.String({ format: 'date-time' }),
    slotEnd: Type.String({ format: 'date-time' }),
    graceBeforeMinutes: Type.Integer({ minimum: 0 }),
    graceAfterMinutes: Type.Integer({ minimum: 0 }),
    windowStart: Type.String({
      format: 'date-time',
      description: 'When the gate opens for it: slot minus grace',
    }),
    windowEnd: Type.String({
      format: 'date-time',
      description: 'When the gate closes for it: slot plus grace',
    }),
    truckPlate: Type.String(),
    driver: Type.Object({
      nominated: Type.Boolean(),
      name: Nullable(
        Type.String({
          description:
            'Personal data: only for the haulier that employs the driver (and may read its drivers); null for everyone else',
        }),
      ),
    }),
    credential: Nullable(
      Type.Object(
        {
          state: Type.Union([Type.Literal('active'), Type.Literal('used'), Type.Literal('void')]),
          issuedAt: Type.String({ format: 'date-time' }),
          closedAt: Nullable(Type.String({ format: 'date-time' })),
        },
        {
          description:
            "The state of the pickup credential issued last: neither its token (never stored) nor its id (only the driver's phone needs it, from /v1/me/jobs)",
        },
      ),
    ),
    bookedAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time', description: 'The last booking, re-booking or change' }),
  },
  { description: 'The pickup appointment of a visit, as anyone who may see the visit reads it' },
);

const CredentialSchema = Type.Object(
  {
    credentialId: Type.String(),
    token: Type.String({ description: 'The signed single-use token (plc1.…) to show as a QR code' }),
    windowStart: Type.String({ format: 'date-time' }),
    windowEnd: Type.String({ format: 'date-time' }),
  },
  { description: 'Shown once: the token is not stored' },
);

const AppliedSchema = Type.Object({
  outcome: Type.Literal('applied'),
  appointment: AppointmentSchema,
  credential: Nullable(CredentialSchema),
});

const PendingSchema = Type.Object(
  { outcome: Type.Literal('approval_required'), approval: ApprovalSchema },
  {
    description:
      'Moving the slot earlier or changing the driver close to pickup: a pickup.change request another planner approves',
  },
);

const VisitRefParams = Type.Object({ visitRef: Type.String({ minLength: 1, maxLength: 64 }) });
const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength });
const Plate = Type.String({ minLength: 1, maxLength: 32 });
const Badge = Type.String({ minLength: 1, maxLength: 64 });

const errors = {
  401: { $ref: 'Problem#' },
  403: { $ref: 'Problem#' },
  409: { $ref: 'Problem#' },
  422: { $ref: 'Problem#' },
  ...problemResponses,
} as const;

/**
 * Drivers and appointments (issue 4): a haulier's planner registers its drivers, reads the slots of a terminal
 * with their remaining capacity, and books, re-books, changes the driver of or cancels the pickup of a visit
 * whose release right its haulier holds. Whoever may see a visit reads its appointment (issue 5), the driver's
 * name only when its own haulier employs him.
 */
export function appointmentRoutes(deps: HttpDeps): FastifyPluginAsyncTypebox {
  const ledger = deps.auth.ledger;
  const appointments: AppointmentDeps = { ledger, sealer: deps.auth.security.sealer, pickup: deps.pickup };
  const actorOf = (request: FastifyRequest): AppointmentActor => {
    const principal = requirePrincipal(request);
    return principal.kind === 'user'
      ? { orgId: principal.orgId, userId: principal.auth.user.userId }
      : { orgId: principal.orgId, userId: `token:${principal.token.tokenId}` };
  };

  /** Applies a change, or files the sensitive one as a two-person request and tells the chain. */
  const change = async (
    request: FastifyRequest<{ Params: { visitRef: string } }>,
    reply: FastifyReply,
    input: AppointmentChange,
  ) => {
    const visitRef = request.params.visitRef;
    const result = await changeAppointment(appointments, actorOf(request), visitRef, input);
    if (result.outcome === 'applied') return reply.code(input.type === 'book' ? 201 : 200).send(result);
    // Asking for a two-person change is itself sensitive: a person, with a fresh passkey assertion.
    const auth = requireAuth(request);
    requireStepUp(deps.auth, auth);
    const approval = await requestApproval(
      deps.auth,
      auth,
      { kind: 'pickup.change', subject: visitRef, change: result.change },
      pickupApprovalKinds(deps.pickup),
    );
    await ledger.write((context) =>
      notifyChain(context, visitRef, { reason: 'pickup.change.requested', requestId: approval.requestId }),
    );
    return reply.code(202).send({
      outcome: 'approval_required',
      approval: await approvalView(ledger.store.identity, approval, ledger.clock.now()),
    });
  };

  return async (app) => {
    app.get(
      '/v1/drivers',
      {
        config: { access: 'driver.nominate' },
        schema: {
          tags: ['appointments'],
          summary: "Your haulier's drivers, opened for you alone, by badge reference, one page at a time",
          querystring: Type.Object(
            pageQuery({ max: MAX_DRIVER_PAGE, default: DEFAULT_DRIVER_PAGE, rows: 'Drivers' }),
          ),
          response: {
            200: Type.Object({ drivers: Type.Array(DriverSchema), nextCursor: NextCursor }),
            ...errors,
          },
        },
      },
      async (request) => {
        const { cursor, limit = DEFAULT_DRIVER_PAGE } = request.query;
        const rows = await listDrivers(ledger.store, deps.auth.security.sealer, actorOf(request).orgId, {
          ...(cursor === undefined ? {} : { after: { badgeRef: decodeCursor(cursor, 1)[0]! } }),
          limit: limit + 1,
        });
        const { page, nextCursor } = pageOf(rows, limit, (driver) => [driver.badgeRef]);
        return { drivers: page, nextCursor };
      },
    );

    app.get(
      '/v1/visits/:visitRef/appointment',
      {
        config: { access: 'appointment.read' },
        schema: {
          tags: ['appointments'],
          summary:
            'The pickup appointment of a visit: slot with its grace, truck, driver nominated, credential state',
          description:
            'Scoped like the visit itself: terminal staff of its terminal, customs, police, its line and the parties ' +
            'that hold or held its release right (404 `visit.not_found` for anyone else, as for no visit). ' +
            '`{ "appointment": null }` when no slot was ever booked for the visit. The driver is named only to the ' +
            'haulier that employs him; the credential is given by its state only, never its id or token.',
          params: VisitRefParams,
          response: {
            200: Type.Object({ appointment: Nullable(VisitAppointmentSchema) }),
            ...errors,
          },
        },
      },
      async (request) => {
        const caller = await callerOf(ledger.store, request);
        // A machine client opens driver records only if its token lists the permission that reads them.
        const readsDrivers = request.apiToken
          ? request.apiToken.permissions.includes('driver.nominate')
          : mayDo(caller, 'driver.nominate');
        const appointment = await readVisitAppointment(
          { reads: ledger.store, sealer: deps.auth.security.sealer, pickup: deps.pickup },
          caller,
          request.params.visitRef,
          { readsDrivers },
        );
        // A box's pickup time and truck are what the Antwerp gang needed to send their driver first: a person shown
        // them is recorded as shown the box (issue 15), so "who looked at this box" names them and the bulk look-up
        // rule counts them as for its yard position (issue 13's outside attacker read 400 appointments with a
        // keylogged password). API tokens are not recorded, as for positions.
        if (appointment && !request.apiToken) {
          const { user } = requireAuth(request);
          deps.positionViews?.note(
            { userId: user.userId, orgId: user.orgId, ip: request.ip },
            { route: 'visit.appointment', visitRefs: [request.params.visitRef] },
          );
        }
        return { appointment };
      },
    );

    app.post(
      '/v1/drivers',
      {
        config: { access: 'driver.nominate' },
        schema: {
          tags: ['appointments'],
          summary: 'Registers a driver of your haulier (personal data: stored sealed)',
          body: Type.Object({
            name: Text(200),
            badge: Badge,
            licence: Text(64),
            phone: Text(32),
            userId: Type.Optional(
              Type.String({
                minLength: 1,
                maxLength: 100,
                description:
                  'Links the console account of the driver person (a user of your haulier with the role driver), so that he sees his own jobs; left out, an update keeps the account linked',
              }),
            ),
          }),
          response: { 201: DriverSchema, ...errors },
        },
      },
      async (request, reply) => {
        const { userId, ...details } = request.body;
        const driver = await registerDriver(
          appointments,
          actorOf(request),
          details,
          userId === undefined ? {} : { userId },
        );
        return reply.code(201).send(driver);
      },
    );

    app.get(
      '/v1/terminals/:terminal/slots',
      {
        config: { access: 'appointment.book' },
        schema: {
          tags: ['appointments'],
          summary:
            'The appointment slots of a terminal day that can still be made, with their remaining capacity and gate window',
          description:
            "Only slots whose gate window (the slot widened by the terminal's grace) has not closed yet are listed: a booking for a slot whose window has closed could only meet a refusing gate (issue 14). Instants are UTC; `timeZone` is the terminal's, in which people are shown them.",
          params: Type.Object({ terminal: Type.String({ minLength: 1, maxLength: 12 }) }),
          querystring: Type.Object({ day: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }) }),
          response: {
            200: Type.Object({
              terminal: Type.String(),
              day: Type.String(),
              timeZone: Type.String({
                description:
                  "The terminal's IANA time zone (e.g. Europe/Brussels): slots are shown on its clock",
              }),
              slots: Type.Array(
                Type.Object({
                  slotId: Type.String(),
                  start: Type.String({ format: 'date-time' }),
                  end: Type.String({ format: 'date-time' }),
                  gateOpensAt: Type.String({
                    format: 'date-time',
                    description:
                      "When the gate first lets the slot's driver through: the start less the grace",
                  }),
                  gateClosesAt: Type.String({
                    format: 'date-time',
                    description: 'When the gate last lets him through: the end plus the grace',
                  }),
                  capacity: Type.Integer(),
                  booked: Type.Integer(),
                  remaining: Type.Integer(),
                }),
              ),
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const terminal = request.params.terminal.toUpperCase();
        const slots = await listSlots(ledger.store, deps.pickup, terminal, request.query.day);
        const config = slotConfigOf(deps.pickup, terminal);
        return {
          terminal,
          day: request.query.day,
          timeZone: config.timeZone,
          slots: slotsStillReachable(slots, config, ledger.clock.now()).map((slot) => {
            const window = slotWindow(slot, config);
            return { ...slot, gateOpensAt: window.start, gateClosesAt: window.end };
          }),
        };
      },
    );

    const changeResponses = { 200: AppliedSchema, 201: AppliedSchema, 202: PendingSchema, ...errors };

    app.post(
      '/v1/visits/:visitRef/appointment',
      {
        config: { access: 'appointment.book' },
        schema: {
          tags: ['appointments'],
          summary: 'Books a pickup slot with a driver (by badge) and a truck; returns the pickup credential',
          params: VisitRefParams,
          body: Type.Object({ slotId: Text(40), badge: Badge, truckPlate: Plate }),
          response: changeResponses,
        },
      },
      async (request, reply) => change(request, reply, { type: 'book', ...request.body }),
    );

    app.post(
      '/v1/visits/:visitRef/appointment/rebook',
      {
        config: { access: 'appointment.change' },
        schema: {
          tags: ['appointments'],
          summary:
            'Moves the booking to another slot; earlier and close to pickup, it needs a second planner',
          params: VisitRefParams,
          body: Type.Object({ slotId: Text(40) }),
          response: changeResponses,
        },
      },
      async (request, reply) => change(request, reply, { type: 'rebook', ...request.body }),
    );

    app.post(
      '/v1/visits/:visitRef/appointment/driver',
      {
        config: { access: 'appointment.change' },
        schema: {
          tags: ['appointments'],
          summary: 'Names another driver or truck; close to pickup, it needs a second planner',
          params: VisitRefParams,
          body: Type.Object({ badge: Badge, truckPlate: Plate }),
          response: changeResponses,
        },
      },
      async (request, reply) => change(request, reply, { type: 'driver', ...request.body }),
    );

    app.post(
      '/v1/visits/:visitRef/appointment/cancel',
      {
        config: { access: 'appointment.change' },
        schema: {
          tags: ['appointments'],
          summary: 'Gives the slot back; the pickup credential is void',
          params: VisitRefParams,
          body: Type.Object({ reason: Text(500) }),
          response: changeResponses,
        },
      },
      async (request, reply) => change(request, reply, { type: 'cancel', ...request.body }),
    );
  };
}
