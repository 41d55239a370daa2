import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { AlertView } from '../app/alerts/index.js';
import {
  type AlertAction,
  type AlertReader,
  actOnAlert,
  DEFAULT_ALERT_PAGE,
  DETECTION_RULES,
  getAlert,
  listAlerts,
  MAX_ALERT_LIMIT,
} from '../app/alerts/index.js';
import { AppError } from '../app/errors.js';
import type { LedgerReads } from '../app/ports.js';
import { mayRoleDo, type OrgKind, type Role } from '../domain/index.js';
import { requireAuth } from './auth.plugin.js';
import { callerOf } from './caller.js';
import { CsvFormat, type CsvValue, sendCsv, wantsCsv } from './csv.js';
import { decodeCursor, encodeCursor, NextCursor, pageQuery } from './page-cursor.js';

/**
 * The reader of alerts: the signed-in person, or an API token granted `alert.read` (a security operations feed),
 * scoped as a person of the token's organisation would be.
 */
async function alertReaderOf(reads: LedgerReads, request: FastifyRequest): Promise<AlertReader> {
  const caller = await callerOf(reads, request);
  return {
    org: { orgId: caller.orgId, kind: caller.orgKind, terminals: caller.terminals ?? [] },
    userId: caller.userId,
  };
}

import type { HttpDeps } from './deps.js';
import { problemResponses } from './schemas.js';

const AlertRuleSchema = Type.Union([
  Type.Literal('gate.refused'),
  Type.Literal('integrity.failed'),
  Type.Literal('integrity.read_model_mismatch'),
  Type.Literal('auth.lockout'),
  Type.Literal('lookup.bulk'),
  Type.Literal('auth.enrolment_repeated'),
  Type.Literal('driver.device.enrolled_again'),
  Type.Literal('gate.printed_pass'),
  Type.Literal('witness.lagging'),
  ...[...DETECTION_RULES].filter((rule) => rule !== 'lookup.bulk').map((rule) => Type.Literal(rule)),
]);
const AlertSeveritySchema = Type.Union([
  Type.Literal('critical'),
  Type.Literal('high'),
  Type.Literal('medium'),
]);

export const AlertSchema = Type.Object({
  alertId: Type.String({ description: 'The audit index of the event that raised the alert' }),
  rule: AlertRuleSchema,
  severity: AlertSeveritySchema,
  raisedAt: Type.String({ format: 'date-time' }),
  subject: Type.Object({
    kind: Type.Union([Type.Literal('visit'), Type.Literal('user'), Type.Literal('log')]),
    id: Type.String(),
  }),
  terminal: Type.Union([Type.String(), Type.Null()]),
  summary: Type.String(),
  evidence: Type.Array(
    Type.Object({
      label: Type.String(),
      href: Type.String({ description: 'A console page, or the inclusion proof of one log entry' }),
      index: Type.Union([Type.Integer(), Type.Null()]),
    }),
  ),
  frozen: Type.Union(
    [Type.Object({ reason: Type.String(), by: Type.String(), at: Type.String() }), Type.Null()],
    { description: 'For an alert about a visit: the freeze in force on it now' },
  ),
  status: Type.Union([Type.Literal('open'), Type.Literal('acknowledged'), Type.Literal('resolved')]),
  assignedTo: Type.Union([Type.String(), Type.Null()]),
  acknowledgedBy: Type.Union([Type.String(), Type.Null()]),
  resolvedBy: Type.Union([Type.String(), Type.Null()]),
  resolution: Type.Union([Type.String(), Type.Null()]),
  updatedAt: Type.String({ format: 'date-time' }),
  occurrences: Type.Integer({
    minimum: 1,
    description: 'Refused gate attempts this alert groups (one box or one kiosk); 1 for every other alert',
  }),
  firstSeenAt: Type.String({ format: 'date-time' }),
  lastSeenAt: Type.String({ format: 'date-time' }),
});

const errors = {
  401: { $ref: 'Problem#' },
  403: { $ref: 'Problem#' },
  409: { $ref: 'Problem#' },
  ...problemResponses,
} as const;

/** The most alerts one bulk acknowledgement takes: a page of the console's list. */
const MAX_BULK_ALERTS = 100;

/** The columns of an alert in a CSV export (issue 14). */
const ALERT_CSV_HEADER = [
  'Alert',
  'Raised at',
  'Severity',
  'Rule',
  'About',
  'Terminal',
  'Summary',
  'Status',
  'Assigned to',
  'Acknowledged by',
  'Resolved by',
  'Resolution',
  'Occurrences',
  'Last seen at',
];

function alertCsvRecord(alert: AlertView): CsvValue[] {
  return [
    alert.alertId,
    alert.raisedAt,
    alert.severity,
    alert.rule,
    `${alert.subject.kind} ${alert.subject.id}`,
    alert.terminal,
    alert.summary,
    alert.status,
    alert.assignedTo,
    alert.acknowledgedBy,
    alert.resolvedBy,
    alert.resolution,
    alert.occurrences,
    alert.lastSeenAt,
  ];
}

const AlertParams = Type.Object({ alertId: Type.String({ minLength: 1, maxLength: 20 }) });

/** The alert console: refused gate attempts, integrity failures and lockouts; acknowledge, assign, resolve. */
export function alertRoutes(deps: HttpDeps): FastifyPluginAsyncTypebox {
  const { ledger } = deps.auth;
  const reads = ledger.store;

  return async (app) => {
    app.get(
      '/v1/alerts',
      {
        config: { access: 'alert.read' },
        schema: {
          tags: ['alerts'],
          summary:
            'The alerts I may see, newest or oldest first, one page at a time, filtered: gate refusals at my terminal (all, for customs and police), integrity failures, lockouts',
          description:
            'Filters (`status`, `rule`, `severity`, `assignedTo=me`) combine; `direction=asc` pages oldest first. A `cursor` is good only for the filter and direction it came from: anything else is 400 `input.invalid`. With `format=csv` (or `Accept: text/csv`), every page of the filter, in its order, as one CSV file, streamed a page at a time.',
          querystring: Type.Object({
            status: Type.Optional(
              Type.Union([
                Type.Literal('open'),
                Type.Literal('acknowledged'),
                Type.Literal('resolved'),
                Type.Literal('unresolved'),
              ]),
            ),
            rule: Type.Optional(AlertRuleSchema),
            severity: Type.Optional(AlertSeveritySchema),
            assignedTo: Type.Optional(Type.Literal('me', { description: 'Only the alerts assigned to me' })),
            direction: Type.Optional(
              Type.Union([Type.Literal('desc'), Type.Literal('asc')], {
                default: 'desc',
                description: 'By when raised: `desc` newest first, `asc` oldest first',
              }),
            ),
            limit: Type.Optional(
              Type.Integer({
                minimum: 1,
                maximum: MAX_ALERT_LIMIT,
                default: DEFAULT_ALERT_PAGE,
                description: 'Alerts per page',
              }),
            ),
            cursor: Type.Optional(
              Type.String({
                minLength: 1,
                maxLength: 400,
                pattern: '^[A-Za-z0-9_-]+$',
                description: 'The `nextCursor` of the previous page, with the same filter and direction',
              }),
            ),
            format: CsvFormat,
          }),
          response: {
            200: Type.Object({
              alerts: Type.Array(AlertSchema),
              nextCursor: Type.Union([Type.String(), Type.Null()], {
                description:
                  'Pass as `cursor`, with the same filter and direction, for the next page; null on the last page',
              }),
            }),
            ...errors,
          },
        },
      },
      async (request, reply) => {
        const caller = await alertReaderOf(reads, request);
        const { status, rule, severity, assignedTo, direction, limit, cursor } = request.query;
        const pageAfter = (from: string | undefined) =>
          listAlerts(reads, caller, {
            ...(status ? { status } : {}),
            ...(rule ? { rule } : {}),
            ...(severity ? { severity } : {}),
            ...(assignedTo === 'me' ? { assignedToMe: true } : {}),
            ...(direction ? { direction } : {}),
            ...(limit !== undefined ? { limit } : {}),
            ...(from !== undefined ? { cursor: from } : {}),
          });
        const page = await pageAfter(cursor);
        if (!wantsCsv(request)) return page;
        async function* pages() {
          let current = page;
          yield current.alerts.map(alertCsvRecord);
          while (current.nextCursor !== null) {
            current = await pageAfter(current.nextCursor);
            yield current.alerts.map(alertCsvRecord);
          }
        }
        return sendCsv(reply, 'alerts.csv', ALERT_CSV_HEADER, pages());
      },
    );

    app.get(
      '/v1/alerts/:alertId',
      {
        config: { access: 'alert.read' },
        schema: {
          tags: ['alerts'],
          summary: 'One alert, with its evidence and what was done about it',
          params: AlertParams,
          response: { 200: AlertSchema, ...errors },
        },
      },
      async (request) => getAlert(reads, await alertReaderOf(reads, request), request.params.alertId),
    );

    const action = (
      path: string,
      summary: string,
      body: ReturnType<typeof Type.Object>,
      toAction: (body: Record<string, string>) => AlertAction,
    ) =>
      app.post(
        `/v1/alerts/:alertId/${path}`,
        {
          config: { access: 'alert.manage' },
          schema: {
            tags: ['alerts'],
            summary,
            params: AlertParams,
            body,
            response: { 200: AlertSchema, ...errors },
          },
        },
        async (request) =>
          actOnAlert(
            ledger,
            requireAuth(request),
            (request.params as { alertId: string }).alertId,
            toAction((request.body ?? {}) as Record<string, string>),
          ),
      );

    action('acknowledge', 'Acknowledge an alert: someone is looking at it', Type.Object({}), () => ({
      type: 'acknowledge',
    }));

    app.post(
      '/v1/alerts/acknowledgements',
      {
        config: { access: 'alert.manage' },
        schema: {
          tags: ['alerts'],
          summary: 'Acknowledge several alerts at once: one event per alert, as if acknowledged one by one',
          description:
            'Each alert is acknowledged in its own transaction, exactly as `POST /v1/alerts/{alertId}/acknowledge` does; one that cannot be (not found, or resolved) is reported with its problem code and the others are still acknowledged.',
          body: Type.Object({
            alertIds: Type.Array(Type.String({ minLength: 1, maxLength: 20 }), {
              minItems: 1,
              maxItems: MAX_BULK_ALERTS,
              uniqueItems: true,
            }),
          }),
          response: {
            200: Type.Object({
              results: Type.Array(
                Type.Object({
                  alertId: Type.String(),
                  outcome: Type.Union([Type.Literal('acknowledged'), Type.Literal('refused')]),
                  code: Type.Optional(Type.String({ description: 'Why it was refused: a problem code' })),
                  alert: Type.Optional(AlertSchema),
                }),
              ),
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const auth = requireAuth(request);
        const results = [];
        for (const alertId of request.body.alertIds) {
          try {
            const alert: AlertView = await actOnAlert(ledger, auth, alertId, { type: 'acknowledge' });
            results.push({ alertId, outcome: 'acknowledged' as const, alert });
          } catch (error) {
            if (!(error instanceof AppError)) throw error;
            results.push({ alertId, outcome: 'refused' as const, code: error.code });
          }
        }
        return { results };
      },
    );

    app.get(
      '/v1/alerts/assignees',
      {
        config: { access: 'alert.manage' },
        schema: {
          tags: ['alerts'],
          summary:
            'The colleagues an alert can be assigned to: people of my organisation who may read alerts',
          querystring: Type.Object(pageQuery({ max: 500, default: 200, rows: 'People' })),
          response: {
            200: Type.Object({
              people: Type.Array(
                Type.Object({ userId: Type.String(), username: Type.String(), displayName: Type.String() }),
              ),
              nextCursor: NextCursor,
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const auth = requireAuth(request);
        const limit = request.query.limit ?? 200;
        let after = request.query.cursor === undefined ? undefined : decodeCursor(request.query.cursor, 1)[0];
        // Colleagues who cannot read alerts are skipped; the scan stops after a few pages of the directory.
        const people: { userId: string; username: string; displayName: string }[] = [];
        for (let scanned = 0; people.length < limit && scanned < limit * 5; ) {
          const users = await reads.identity.listUsers({
            orgId: auth.org.orgId,
            ...(after === undefined ? {} : { afterUsername: after }),
            limit,
          });
          for (const user of users) {
            scanned += 1;
            after = user.username;
            const canRead = user.roles.some((role) =>
              mayRoleDo(role as Role, 'alert.read', auth.org.kind as OrgKind),
            );
            if (canRead && user.lockedAt === null) {
              people.push({ userId: user.userId, username: user.username, displayName: user.displayName });
              if (people.length === limit) break;
            }
          }
          if (users.length < limit) {
            after = undefined;
            break;
          }
        }
        return { people, nextCursor: after === undefined ? null : encodeCursor([after]) };
      },
    );
    action(
      'assign',
      'Assign an alert to a colleague of my organisation',
      Type.Object({ userId: Type.String({ minLength: 1, maxLength: 100 }) }),
      (body) => ({ type: 'assign', userId: String(body.userId) }),
    );
    action(
      'resolve',
      'Resolve an alert, with a note of what was found and done',
      Type.Object({ note: Type.String({ minLength: 1, maxLength: 1000 }) }),
      (body) => ({ type: 'resolve', note: String(body.note) }),
    );
  };
}
