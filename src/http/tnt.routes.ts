import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { AppError } from '../app/errors.js';
import {
  listTntEvents,
  TNT_30_EVENT_TYPES,
  TNT_EVENT_TYPES,
  TNT_PAGE_DEFAULT,
  TNT_PAGE_MAX,
  type TntFilters,
  type TntVersion,
  tntInstant,
} from '../app/partners/index.js';
import type { PartnerEventTimeBound } from '../app/partners/partners.ports.js';
import { callerOf } from './caller.js';
import type { HttpDeps } from './deps.js';
import { decodeCursor, encodeCursor } from './page-cursor.js';
import { problemResponses } from './schemas.js';

/**
 * DCSA Track & Trace (issue 16): `GET /v2/events` (T&T 2.2.0) and `GET /v3/events` (T&T 3.0.0) for partners'
 * systems, under `/v1`'s need-to-know (`tnt.usecases.ts`). The caller is an API token with `visit.read` or a
 * signed-in person who may read visits: the events are the statuses of the boxes it may already read, so the
 * permission is the one `/v1/visits` needs, and a line's existing token polls DCSA without being re-issued.
 *
 * Errors are RFC 9457 problem+json with a stable code, as on every route of this API, not DCSA's error shapes
 * (2.2's `error` object, 3.0's `feedbackElements`): one error contract for clients across the API, and the DCSA
 * success responses are untouched by it.
 *
 * Paging: a cursor is opaque and carries the filters of the listing, so `?cursor=` alone continues it (T&T 3.0:
 * "Set to the value of the Next-Page-Cursor header of the previous response"). 2.2 names its headers `Current-Page`
 * and `Next-Page`, 3.0 `Next-Page-Cursor`; both versions send all three, each a cursor value.
 */

/** What a cursor holds: the listing's filters and where the next page starts. */
interface TntCursor {
  readonly version: TntVersion;
  readonly filters: TntFilters;
  readonly after: number | null;
  /** The page size asked first; a `limit` beside the cursor overrides it. */
  readonly limit: number;
}

const encode = (cursor: TntCursor) => encodeCursor([JSON.stringify(cursor)]);

function decode(value: string, version: TntVersion): TntCursor {
  const [text] = decodeCursor(value, 1);
  let cursor: TntCursor | undefined;
  try {
    cursor = JSON.parse(text ?? '') as TntCursor;
  } catch {
    cursor = undefined;
  }
  if (
    cursor === undefined ||
    cursor === null ||
    typeof cursor !== 'object' ||
    cursor.version !== version ||
    !cursorFiltersValid(cursor.filters) ||
    !(cursor.after === null || Number.isSafeInteger(cursor.after)) ||
    !Number.isSafeInteger(cursor.limit)
  ) {
    throw new AppError('input.invalid', 'not a page cursor of this list', { cursor: value });
  }
  return cursor;
}

const TEXT_FILTERS = ['equipmentReference', 'carrierBookingReference', 'transportDocumentReference'] as const;

/**
 * Whether a cursor's filters are filters the routes could have put there. A cursor is opaque but not signed: a
 * client can write its own, so what it carries is checked as strictly as the query parameters it stands for
 * (an outside test sent arrays, objects and unknown operators in them and got 500s).
 */
function cursorFiltersValid(filters: unknown): filters is TntFilters {
  if (typeof filters !== 'object' || filters === null || Array.isArray(filters)) return false;
  const entries = Object.entries(filters);
  const known = new Set<string>([
    ...TEXT_FILTERS,
    'eventTypes',
    'equipmentEventTypeCodes',
    'eventCreatedDateTime',
  ]);
  if (entries.some(([key]) => !known.has(key))) return false;
  const record = filters as Record<string, unknown>;
  const list = (value: unknown, each: (item: unknown) => boolean) =>
    value === undefined || (Array.isArray(value) && value.length <= 16 && value.every(each));
  const instant = (value: unknown) =>
    typeof value === 'string' && !Number.isNaN(Date.parse(value)) && new Date(value).toISOString() === value;
  return (
    TEXT_FILTERS.every((key) => record[key] === undefined || typeof record[key] === 'string') &&
    list(
      record.eventTypes,
      (item) => typeof item === 'string' && (TNT_30_EVENT_TYPES as readonly string[]).includes(item),
    ) &&
    list(record.equipmentEventTypeCodes, (item) => typeof item === 'string' && /^[A-Z]{4}$/.test(item)) &&
    list(record.eventCreatedDateTime, (item) => {
      if (typeof item !== 'object' || item === null) return false;
      const { op, value, ...rest } = item as Record<string, unknown>;
      return (
        Object.keys(rest).length === 0 &&
        typeof op === 'string' &&
        (TIME_OPERATORS as readonly string[]).includes(op) &&
        instant(value)
      );
    })
  );
}

const commaList = (value: string | undefined) =>
  value === undefined
    ? undefined
    : value
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');

function oneOf(values: readonly string[] | undefined, allowed: readonly string[], parameter: string) {
  const wrong = values?.find((value) => !allowed.includes(value));
  if (wrong !== undefined) {
    throw new AppError('input.invalid', `${parameter} ${wrong} is not one of ${allowed.join(', ')}`, {
      [parameter]: wrong,
    });
  }
  return values;
}

const Reference = (description: string, maxLength: number) =>
  Type.Optional(Type.String({ minLength: 1, maxLength, description }));

const Limit = Type.Optional(
  Type.Integer({
    minimum: 1,
    maximum: TNT_PAGE_MAX,
    description: `Events per page (default ${TNT_PAGE_DEFAULT})`,
  }),
);
const Cursor = Type.Optional(
  Type.String({
    minLength: 1,
    maxLength: 2000,
    pattern: '^[A-Za-z0-9_-]+$',
    description:
      'The `Next-Page-Cursor` (or `Next-Page`) header of the previous page; it carries the filters',
  }),
);

const DateTime = (description: string) =>
  Type.Optional(Type.String({ minLength: 1, maxLength: 40, description }));

/** Any DCSA event object: the shapes are DCSA's, checked against the published schemas by tnt.int.test.ts. */
const DcsaEvent = Type.Object({}, { additionalProperties: true, description: 'A DCSA equipment event' });

const TIME_OPERATORS = ['gte', 'gt', 'lte', 'lt', 'eq'] as const;

const pageHeaders = {
  'API-Version': { type: 'string' },
  'Current-Page': { type: 'string' },
  'Next-Page': { type: 'string' },
  'Next-Page-Cursor': { type: 'string' },
};

function sendPage(
  reply: FastifyReply,
  apiVersion: string,
  current: TntCursor,
  nextAfter: number | null,
): FastifyReply {
  reply.header('API-Version', apiVersion);
  reply.header('Current-Page', encode(current));
  if (nextAfter !== null) {
    const next = encode({ ...current, after: nextAfter });
    reply.header('Next-Page', next);
    reply.header('Next-Page-Cursor', next);
  }
  return reply;
}

export function tntRoutes(deps: HttpDeps): FastifyPluginAsyncTypebox {
  const store = deps.auth.ledger.store;
  return async (app) => {
    app.get(
      '/v2/events',
      {
        config: { access: 'visit.read' },
        schema: {
          tags: ['dcsa'],
          summary: 'DCSA Track & Trace 2.2: the equipment events of the boxes you may see',
          description:
            'The discharges (DISC), gate-ins (GTIN), gate-outs (GTOT) and loads (LOAD) of the boxes the caller may see, exactly as `/v1/visits` lets it see them, in the order they were recorded. `eventLocation` is the terminal (UN/LOCODE and SMDG facility code), never a yard position. A voided event is left out (2.2 cannot say a retraction; `/v3/events` does), and so are customs holds (2.2 has no code for them; `/v3/events` carries CUSI and CUSR). `eventType=SHIPMENT` or `TRANSPORT` alone gives an empty list: those are a carrier’s to publish. `eventCreatedDateTime` takes DCSA’s operators: `eventCreatedDateTime:gte=…`, `:gt`, `:lte`, `:lt`, `:eq` (no operator: equal). Page with the `Next-Page` header’s value as `cursor`.',
          querystring: Type.Object({
            eventType: Type.Optional(
              Type.String({ maxLength: 100, description: 'Comma list of SHIPMENT, TRANSPORT, EQUIPMENT' }),
            ),
            equipmentEventTypeCode: Type.Optional(
              Type.String({ maxLength: 100, description: 'Comma list of LOAD, DISC, GTIN, GTOT, …' }),
            ),
            equipmentReference: Reference('The container number (ISO 6346)', 15),
            carrierBookingReference: Reference('The carrier booking the line named', 35),
            transportDocumentReference: Reference('The bill of lading the line named', 20),
            eventCreatedDateTime: DateTime('Events recorded at exactly this RFC 3339 instant'),
            ...Object.fromEntries(
              TIME_OPERATORS.map((op) => [
                `eventCreatedDateTime:${op}`,
                DateTime(`Events recorded ${op} this RFC 3339 instant`),
              ]),
            ),
            limit: Limit,
            cursor: Cursor,
          }),
          response: {
            200: { headers: pageHeaders, ...Type.Array(DcsaEvent) },
            401: { $ref: 'Problem#' },
            403: { $ref: 'Problem#' },
            ...problemResponses,
          },
        },
      },
      async (request, reply) => {
        const query = request.query as Record<string, string | number | undefined>;
        const text = (name: string) =>
          typeof query[name] === 'string' ? (query[name] as string) : undefined;
        const cursorText = text('cursor');
        let cursor: TntCursor;
        if (cursorText !== undefined) {
          cursor = decode(cursorText, '2.2');
        } else {
          const bounds: PartnerEventTimeBound[] = [];
          const exact = text('eventCreatedDateTime');
          if (exact !== undefined)
            bounds.push({ op: 'eq', value: tntInstant(exact, 'eventCreatedDateTime') });
          for (const op of TIME_OPERATORS) {
            const value = text(`eventCreatedDateTime:${op}`);
            if (value !== undefined)
              bounds.push({ op, value: tntInstant(value, `eventCreatedDateTime:${op}`) });
          }
          const eventTypes = oneOf(commaList(text('eventType')), TNT_EVENT_TYPES, 'eventType');
          const codes = oneOf(
            commaList(text('equipmentEventTypeCode')),
            ['LOAD', 'DISC', 'GTIN', 'GTOT', 'STUF', 'STRP', 'PICK', 'DROP', 'INSP', 'RSEA', 'RMVD'],
            'equipmentEventTypeCode',
          );
          const filters: TntFilters = {
            ...optional('equipmentReference', text('equipmentReference')),
            ...optional('eventTypes', eventTypes),
            ...optional('equipmentEventTypeCodes', codes),
            ...(bounds.length > 0 ? { eventCreatedDateTime: bounds } : {}),
            ...optional('carrierBookingReference', text('carrierBookingReference')),
            ...optional('transportDocumentReference', text('transportDocumentReference')),
          };
          cursor = { version: '2.2', filters, after: null, limit: TNT_PAGE_DEFAULT };
        }
        if (typeof query.limit === 'number') cursor = { ...cursor, limit: query.limit };
        const limit = cursor.limit;
        const caller = await callerOf(store, request);
        const page = await listTntEvents(store, caller, '2.2', cursor.filters, {
          limit,
          ...(cursor.after === null ? {} : { after: cursor.after }),
        });
        return sendPage(reply, '2.2.0', cursor, page.nextAfter).send(page.events);
      },
    );

    app.get(
      '/v3/events',
      {
        config: { access: 'visit.read' },
        schema: {
          tags: ['dcsa'],
          summary: 'DCSA Track & Trace 3.0: the equipment events of the boxes you may see',
          description:
            'As `/v2/events`, in the T&T 3.0 shape (`{ events: [...] }`), with the customs codes CUSI (a customs hold placed: selected for inspection) and CUSR (lifted: released), and each voided event retracted: the event again with its `eventID` and `isRetracted: true`. `eventUpdatedDateTimeMin` and `…Max` bound the time the event was recorded. Page with the `Next-Page-Cursor` header’s value as `cursor`.',
          querystring: Type.Object({
            eventTypes: Type.Optional(
              Type.String({
                maxLength: 100,
                description: 'Comma list of SHIPMENT, TRANSPORT, EQUIPMENT, IOT, REEFER',
              }),
            ),
            equipmentReference: Reference('The container number (ISO 6346)', 15),
            carrierBookingReference: Reference('The carrier booking the line named', 35),
            transportDocumentReference: Reference('The bill of lading the line named', 20),
            eventUpdatedDateTimeMin: DateTime('Events recorded at or after this RFC 3339 instant'),
            eventUpdatedDateTimeMax: DateTime('Events recorded at or before this RFC 3339 instant'),
            limit: Limit,
            cursor: Cursor,
          }),
          response: {
            200: {
              headers: pageHeaders,
              ...Type.Object({ events: Type.Array(DcsaEvent) }),
            },
            401: { $ref: 'Problem#' },
            403: { $ref: 'Problem#' },
            ...problemResponses,
          },
        },
      },
      async (request, reply) => {
        const query = request.query;
        let cursor: TntCursor;
        if (query.cursor !== undefined) {
          cursor = decode(query.cursor, '3.0');
        } else {
          const bounds: PartnerEventTimeBound[] = [];
          if (query.eventUpdatedDateTimeMin !== undefined)
            bounds.push({
              op: 'gte',
              value: tntInstant(query.eventUpdatedDateTimeMin, 'eventUpdatedDateTimeMin'),
            });
          if (query.eventUpdatedDateTimeMax !== undefined)
            bounds.push({
              op: 'lte',
              value: tntInstant(query.eventUpdatedDateTimeMax, 'eventUpdatedDateTimeMax'),
            });
          const eventTypes = oneOf(commaList(query.eventTypes), TNT_30_EVENT_TYPES, 'eventTypes');
          const filters: TntFilters = {
            ...optional('equipmentReference', query.equipmentReference),
            ...optional('eventTypes', eventTypes),
            ...(bounds.length > 0 ? { eventCreatedDateTime: bounds } : {}),
            ...optional('carrierBookingReference', query.carrierBookingReference),
            ...optional('transportDocumentReference', query.transportDocumentReference),
          };
          cursor = { version: '3.0', filters, after: null, limit: TNT_PAGE_DEFAULT };
        }
        if (query.limit !== undefined) cursor = { ...cursor, limit: query.limit };
        const limit = cursor.limit;
        const caller = await callerOf(store, request);
        const page = await listTntEvents(store, caller, '3.0', cursor.filters, {
          limit,
          ...(cursor.after === null ? {} : { after: cursor.after }),
        });
        return sendPage(reply, '3.0.0', cursor, page.nextAfter).send({ events: page.events });
      },
    );
  };
}

const optional = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } =>
  (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
