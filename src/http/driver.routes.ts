import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { listDriverJobs } from '../app/appointments/index.js';
import { requirePrincipal } from './auth.plugin.js';
import type { HttpDeps } from './deps.js';
import { problemResponses } from './schemas.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);
const Instant = Type.String({ format: 'date-time' });

const DriverJobSchema = Type.Object(
  {
    visitRef: Type.String(),
    containerNumber: Type.String(),
    terminal: Type.String(),
    slotId: Type.String(),
    slotStart: Instant,
    slotEnd: Instant,
    graceBeforeMinutes: Type.Integer({ minimum: 0 }),
    graceAfterMinutes: Type.Integer({ minimum: 0 }),
    windowStart: Type.String({ format: 'date-time', description: 'The slot with its grace: from here…' }),
    windowEnd: Type.String({ format: 'date-time', description: '…until here the gate lets you through' }),
    truckPlate: Type.String(),
    state: Type.Union([
      Type.Literal('booked'),
      Type.Literal('cancelled'),
      Type.Literal('collected'),
      Type.Literal('closed'),
    ]),
    credential: Type.Object(
      { active: Type.Boolean(), credentialId: Nullable(Type.String()) },
      {
        description:
          'Whether a pickup credential is in force, by id; its token was handed once to your haulier and is never stored',
      },
    ),
    pass: Nullable(
      Type.Object(
        {
          credentialId: Type.String(),
          windowStart: Instant,
          windowEnd: Instant,
          terminalTimeZone: Type.String({
            description: 'IANA time zone of the terminal, e.g. Europe/Brussels',
          }),
        },
        {
          description:
            'What your enrolled phone signs a rotating pass for (plp1.<credentialId>.<counter>.<signature>), while the credential is issued and unused',
        },
      ),
    ),
    updatedAt: Instant,
  },
  { description: 'A pickup you are nominated for: never a yard position, never a secret' },
);

/**
 * The driver's own console (issue 5; MISSION §2, "the driver sees only his own jobs"): the pickups his haulier
 * nominated him for, through the driver records its planner linked to his account.
 */
export function driverRoutes(deps: HttpDeps): FastifyPluginAsyncTypebox {
  const ledger = deps.auth.ledger;
  return async (app) => {
    app.get(
      '/v1/me/jobs',
      {
        config: { access: 'driver.jobs.read' },
        schema: {
          tags: ['appointments'],
          summary: 'Your own pickup jobs as a driver, today first',
          response: {
            200: Type.Object({ jobs: Type.Array(DriverJobSchema) }),
            401: { $ref: 'Problem#' },
            403: { $ref: 'Problem#' },
            ...problemResponses,
          },
        },
      },
      async (request) => {
        const principal = requirePrincipal(request);
        // A machine client is nobody's driver: only a person's account is linked to driver records.
        if (principal.kind !== 'user') return { jobs: [] };
        const caller = { orgId: principal.orgId, userId: principal.auth.user.userId };
        return { jobs: await listDriverJobs(ledger.store, deps.pickup.slots, caller, ledger.clock.now()) };
      },
    );
  };
}
