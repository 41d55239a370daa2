import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireStepUp } from '../app/access/index.js';
import {
  decideDriverDevice,
  enrolDriverDevice,
  listHaulierDevices,
  listMyDevices,
  MAX_DEVICE_LABEL,
} from '../app/appointments/index.js';
import { requestMeta, requireAuth } from './auth.plugin.js';
import { CsvFormat, sendCsv, wantsCsv } from './csv.js';
import type { HttpDeps } from './deps.js';
import { csvPages, listSortOf, sortedPageOf, sortQuery } from './list-sort.js';
import { NextCursor, pageQuery } from './page-cursor.js';
import { problemResponses } from './schemas.js';

/** Phones per page when the planner names no limit, and the most one page holds (issue 13). */
export const DEFAULT_DEVICE_PAGE = 200;
export const MAX_DEVICE_PAGE = 500;

const Instant = Type.String({ format: 'date-time' });
const DeviceStatus = Type.Union([
  Type.Literal('pending'),
  Type.Literal('active'),
  Type.Literal('rejected'),
  Type.Literal('revoked'),
]);
const Fingerprint = Type.String({
  description:
    "SHA-256 of the raw public key, first 8 bytes as four groups of hex digits: '3f2a:91bc:07de:55a1'. Not the confirmation code, which hashes the key under its own domain and is shown only on the phone",
});

const MyDeviceSchema = Type.Object({
  deviceId: Type.String(),
  label: Type.String(),
  status: DeviceStatus,
  enrolledAt: Instant,
  fingerprint: Fingerprint,
});

const HaulierDeviceSchema = Type.Object(
  {
    deviceId: Type.String(),
    driverName: Type.String(),
    userId: Type.String(),
    label: Type.String(),
    fingerprint: Fingerprint,
    enrolledAt: Instant,
    ip: Type.String(),
    userAgent: Type.String(),
    status: DeviceStatus,
    wrongCodes: Type.Integer({ description: 'Wrong confirmation codes typed for it so far' }),
    locked: Type.Boolean({
      description: 'Five wrong confirmation codes were typed: it can only be rejected',
    }),
  },
  { description: "A phone one of your haulier's drivers enrolled for his rotating pickup passes" },
);

const ConfirmBody = Type.Object({
  code: Type.String({
    minLength: 1,
    maxLength: 40,
    description:
      "The confirmation code the driver's phone shows him (XXXX-XXXX), which he reads out to the planner; any case, I/L for 1 and O for 0",
  }),
});

const errors = {
  401: { $ref: 'Problem#' },
  403: { $ref: 'Problem#' },
  409: { $ref: 'Problem#' },
  ...problemResponses,
} as const;

/**
 * Driver devices (issue 10, row C): a driver enrols the phone whose non-extractable key signs his rotating pickup
 * passes; it stays pending until a planner of his haulier confirms it, with a passkey session and a fresh
 * step-up, because the driver's own password and TOTP seed may be keylogged; and typing the confirmation code the
 * phone shows the driver (the list never shows it). A wrong code is refused and recorded; after five, it can only
 * be rejected.
 */
export function driverDeviceRoutes(deps: HttpDeps): FastifyPluginAsyncTypebox {
  const ledger = deps.auth.ledger;
  const sealer = deps.auth.security.sealer;
  return async (app) => {
    app.post(
      '/v1/me/devices',
      {
        config: { access: 'driver.device.enrol' },
        schema: {
          tags: ['appointments'],
          summary: 'Enrols your phone for rotating pickup passes; it works once your haulier confirms it',
          description:
            'One phone waits at a time: while another is pending, 409 driver.device_pending_exists (recorded). A small-order or non-canonical key is 400 driver.device_key_invalid. Enrolling while another phone is active or pending counts on one open driver.device.enrolled_again alert per driver.',
          body: Type.Object({
            publicKey: Type.String({
              maxLength: 64,
              description: 'base64url, no padding, of the raw 32-byte Ed25519 public key made on the phone',
            }),
            label: Type.String({
              minLength: 1,
              maxLength: MAX_DEVICE_LABEL,
              description: "e.g. the phone's name",
            }),
          }),
          response: {
            201: Type.Object({ deviceId: Type.String(), status: Type.Literal('pending') }),
            ...errors,
          },
        },
      },
      async (request, reply) => {
        const auth = requireAuth(request);
        const enrolled = await enrolDriverDevice(
          { ledger },
          { orgId: auth.user.orgId, userId: auth.user.userId },
          request.body,
          requestMeta(request),
        );
        return reply.code(201).send({ deviceId: enrolled.deviceId, status: enrolled.status });
      },
    );

    app.get(
      '/v1/me/devices',
      {
        config: { access: 'driver.device.enrol' },
        schema: {
          tags: ['appointments'],
          summary: 'The phones you enrolled, and whether your haulier confirmed them',
          response: { 200: Type.Object({ items: Type.Array(MyDeviceSchema) }), ...errors },
        },
      },
      async (request) => ({ items: await listMyDevices(ledger.store, requireAuth(request).user.userId) }),
    );

    app.get(
      '/v1/drivers/devices',
      {
        config: { access: 'driver.device.confirm' },
        schema: {
          tags: ['appointments'],
          summary:
            "The phones your haulier's drivers enrolled, oldest first (or newest with direction=desc), one page at a time, or as CSV",
          querystring: Type.Object({
            status: Type.Optional(DeviceStatus),
            ...sortQuery(['enrolledAt'], 'enrolledAt'),
            ...pageQuery({ max: MAX_DEVICE_PAGE, default: DEFAULT_DEVICE_PAGE, rows: 'Phones' }),
            format: CsvFormat,
          }),
          response: {
            200: Type.Object({ items: Type.Array(HaulierDeviceSchema), nextCursor: NextCursor }),
            ...errors,
          },
        },
      },
      async (request, reply) => {
        const auth = requireAuth(request);
        const { status, limit = DEFAULT_DEVICE_PAGE } = request.query;
        const pageAfter = async (cursor: string | undefined) => {
          const sort = listSortOf({ ...request.query, cursor }, 'enrolledAt');
          const rows = await listHaulierDevices(ledger.store, sealer, auth.user.orgId, status, {
            direction: sort.direction,
            ...(sort.after === undefined
              ? {}
              : { after: { enrolledAt: sort.after.key, deviceId: sort.after.id } }),
            limit: limit + 1,
          });
          return sortedPageOf(
            rows,
            limit,
            sort,
            (device) => device.enrolledAt,
            (device) => device.deviceId,
          );
        };
        const first = await pageAfter(request.query.cursor);
        if (!wantsCsv(request)) return { items: first.page, nextCursor: first.nextCursor };
        return sendCsv(
          reply,
          'driver-phones.csv',
          ['deviceId', 'driverName', 'label', 'fingerprint', 'status', 'enrolledAt', 'wrongCodes', 'locked'],
          csvPages(first, pageAfter, (device) => [
            device.deviceId,
            device.driverName,
            device.label,
            device.fingerprint,
            device.status,
            device.enrolledAt,
            device.wrongCodes,
            device.locked,
          ]),
        );
      },
    );

    for (const decision of ['confirm', 'reject'] as const) {
      app.post(
        `/v1/drivers/devices/:deviceId/${decision}`,
        {
          config: { access: 'driver.device.confirm' },
          schema: {
            tags: ['appointments'],
            summary:
              decision === 'confirm'
                ? "Confirms a driver's phone with the confirmation code it shows him, which he reads out (revoking his previous one); needs a passkey step-up; a wrong code is 409 driver.device_code_mismatch, and after five only a rejection is possible: 409 driver.device_locked"
                : "Rejects a driver's phone; needs a passkey step-up",
            params: Type.Object({ deviceId: Type.String({ maxLength: 64 }) }),
            // A rejection takes no body, as before; a confirmation needs the code.
            ...(decision === 'confirm' ? { body: ConfirmBody } : {}),
            response: { 200: HaulierDeviceSchema, ...errors },
          },
        },
        async (request) => {
          const auth = requireAuth(request);
          requireStepUp(deps.auth, auth);
          const body = (request.body ?? {}) as { code?: string };
          return decideDriverDevice(
            { ledger, sealer },
            { orgId: auth.user.orgId, userId: auth.user.userId },
            request.params.deviceId,
            decision === 'confirm' ? { decision, code: body.code ?? '' } : { decision },
            requestMeta(request),
          );
        },
      );
    }
  };
}
