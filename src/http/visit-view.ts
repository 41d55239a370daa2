import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { ShownVisit } from '../app/visits/index.js';
import { requireAuth } from './auth.plugin.js';
import type { CsvValue } from './csv.js';
import type { HttpDeps } from './deps.js';

/*
 * A visit as the HTTP API shows it, shared by the visit routes and the search (issue 14), and the record of the
 * yard positions an answer showed (issue 15).
 */

export const SlotSchema = Type.Object(
  {
    terminal: Type.String({ minLength: 1, maxLength: 12 }),
    block: Type.String({ minLength: 1, maxLength: 12 }),
    bay: Type.Integer({ minimum: 1, maximum: 999 }),
    row: Type.Integer({ minimum: 1, maximum: 999 }),
    tier: Type.Integer({ minimum: 1, maximum: 99 }),
  },
  { description: 'Yard slot: terminal / block / bay / row / tier (odd bay for 20 ft, even for 40/45 ft)' },
);

export const ArrivalSchema = Type.Union([
  Type.Object({ mode: Type.Literal('vessel'), vesselCall: Type.String({ minLength: 1, maxLength: 35 }) }),
  Type.Object({ mode: Type.Literal('truck') }),
]);

const DepartureSchema = Type.Union([
  Type.Object({ mode: Type.Literal('truck'), truckPlate: Type.Union([Type.String(), Type.Null()]) }),
  Type.Object({ mode: Type.Literal('vessel'), vesselCall: Type.String() }),
]);

export const HoldKindSchema = Type.Union([
  Type.Literal('customs'),
  Type.Literal('line'),
  Type.Literal('terminal'),
  Type.Literal('police'),
]);

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

/**
 * A visit as the caller may see it. Viewers without sight of yard positions get no `slot` or `slotText` at all,
 * and holds without `reason` or `reference`; the serializer drops anything not declared here.
 */
export const VisitSchema = Type.Object(
  {
    visitRef: Type.String(),
    containerNumber: Type.String(),
    status: Type.String({ description: 'announced, in_yard, gated_out, loaded or cancelled' }),
    line: Type.String(),
    sizeType: Type.String(),
    lengthFt: Type.Integer(),
    fullEmpty: Type.Union([Type.Literal('full'), Type.Literal('empty')]),
    arrival: ArrivalSchema,
    transportDocumentReference: Type.Optional(
      Type.String({ description: 'DCSA transportDocumentReference: the bill of lading the line named' }),
    ),
    carrierBookingReference: Type.Optional(
      Type.String({ description: 'DCSA carrierBookingReference: the booking the line named' }),
    ),
    slot: Type.Optional(Nullable(SlotSchema)),
    slotText: Type.Optional(Nullable(Type.String())),
    holds: Type.Array(
      Type.Object({
        holdId: Type.String(),
        kind: HoldKindSchema,
        reason: Type.Optional(Type.String()),
        reference: Type.Optional(Type.String()),
        placedAt: Type.String(),
      }),
    ),
    onHold: Type.Boolean(),
    frozen: Type.Optional(
      Nullable(
        Type.Object(
          {
            reason: Type.String(),
            by: Type.String(),
            at: Type.String(),
            alertId: Nullable(Type.String()),
          },
          { description: 'The freeze in force: the box cannot leave until two people unfreeze it' },
        ),
      ),
    ),
    departure: Nullable(DepartureSchema),
    announcedAt: Type.String(),
    arrivedAt: Nullable(Type.String()),
    lastMovedAt: Nullable(Type.String()),
    departedAt: Nullable(Type.String()),
    cancelledAt: Nullable(Type.String()),
    version: Type.Optional(
      Type.Integer({
        description: 'Stream version; only for full-sight viewers, since it counts hidden events',
      }),
    ),
    voidedVersions: Type.Optional(Type.Array(Type.Integer())),
  },
  { description: 'A container visit, redacted to what the caller needs to know (MISSION §2)' },
);

/**
 * Notes the yard positions (or the history) a read showed a signed-in person, to be recorded as a `PositionsViewed`
 * event (issue 15, batched per person, `position-views.ts`); the `lookup.bulk` rule counts from those events. API
 * tokens are not recorded (machine feeds read in bulk by design; see `position-views.ts`). Never fails or delays the
 * read.
 */
export function positionsShownNoter(deps: HttpDeps) {
  return async (request: FastifyRequest, visitRefs: readonly string[], route: string): Promise<void> => {
    if (request.apiToken || visitRefs.length === 0) return;
    const { user } = requireAuth(request);
    deps.positionViews?.note(
      { userId: user.userId, orgId: user.orgId, ip: request.ip },
      { route, visitRefs },
    );
  };
}

/** The columns of a visit in a CSV export (issue 14), in plain words; the yard position only for those who see it. */
export const VISIT_CSV_HEADER = [
  'Container',
  'Visit',
  'Status',
  'Line',
  'Size and type',
  'Full or empty',
  'Arrives by',
  'Vessel call',
  'Bill of lading',
  'Booking',
  'Yard position',
  'On hold',
  'Announced at',
  'Arrived at',
  'Departed at',
] as const;

/** One visit as a CSV record, in the order of {@link VISIT_CSV_HEADER}; fields the caller may not see stay empty. */
export function visitCsvRecord(visit: ShownVisit): CsvValue[] {
  const view = visit as ShownVisit & {
    transportDocumentReference?: string;
    carrierBookingReference?: string;
    slotText?: string | null;
  };
  return [
    view.containerNumber,
    view.visitRef,
    view.status,
    view.line,
    view.sizeType,
    view.fullEmpty,
    view.arrival.mode,
    view.arrival.mode === 'vessel' ? view.arrival.vesselCall : null,
    view.transportDocumentReference,
    view.carrierBookingReference,
    view.slotText ?? null,
    view.onHold ? 'yes' : 'no',
    view.announcedAt,
    view.arrivedAt,
    view.departedAt,
  ];
}
