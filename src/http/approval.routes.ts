import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type {
  ApprovalRecord,
  ApprovalSortColumn,
  IdentityReads,
  ListSort,
} from '../app/access/identity.ports.js';
import type { Authenticated } from '../app/access/index.js';
import { approvalInbox, decideRequest, readApproval, withdrawRequest } from '../app/access/index.js';
import { pickupApprovalKinds } from '../app/appointments/index.js';
import { AppError } from '../app/errors.js';
import { visitApprovalKinds } from '../app/visits/index.js';
import { approvalKinds as requestKinds } from '../domain/index.js';
import { requireAuth } from './auth.plugin.js';
import { CsvFormat, sendCsv, wantsCsv } from './csv.js';
import type { HttpDeps } from './deps.js';
import { csvPages, listSortOf, sortedPageOf, sortQuery } from './list-sort.js';
import { NextCursor, pageQuery } from './page-cursor.js';
import { problemResponses } from './schemas.js';

export const ApprovalSchema = Type.Object({
  requestId: Type.String(),
  kind: Type.String({
    description:
      'yard.correction, pickup.change, visit.void, role.grant, passkeys.reset, visit.unfreeze, hold.lift',
  }),
  subject: Type.String({ description: 'What the change is about: a visit reference or a user id' }),
  status: Type.Union([
    Type.Literal('pending'),
    Type.Literal('granted'),
    Type.Literal('rejected'),
    Type.Literal('withdrawn'),
    Type.Literal('expired'),
  ]),
  change: Type.Record(Type.String(), Type.Unknown(), {
    description: 'The before/after the approver sees (e.g. `{ role, rolesBefore }`)',
  }),
  terminal: Type.Union([Type.String(), Type.Null()], {
    description: 'The terminal whose data this is, if any',
  }),
  requestedBy: Type.Object({
    userId: Type.String(),
    orgId: Type.String(),
    displayName: Type.Union([Type.String(), Type.Null()]),
  }),
  requestedAt: Type.String({ format: 'date-time' }),
  expiresAt: Type.String({ format: 'date-time' }),
  decidedBy: Type.Union([Type.String(), Type.Null()], {
    description: 'Who approved, rejected or withdrew it',
  }),
});

type ApprovalView = {
  requestId: string;
  kind: string;
  subject: string;
  status: 'pending' | 'granted' | 'rejected' | 'withdrawn' | 'expired';
  change: Record<string, unknown>;
  terminal: string | null;
  requestedBy: { userId: string; orgId: string; displayName: string | null };
  requestedAt: string;
  expiresAt: string;
  decidedBy: string | null;
};

/**
 * A request as the API shows it. The read model keeps `pending` once the wait is over; it is told `expired` here,
 * at the time of reading, as `approvalStatus` would.
 */
export async function approvalView(
  identity: IdentityReads,
  record: ApprovalRecord,
  now: Date,
): Promise<ApprovalView> {
  const view = record.view as {
    change?: Record<string, unknown>;
    terminal?: string | null;
    requestedAt?: string;
    decidedBy?: string | null;
  };
  const requester = await identity.getUser(record.requestedBy);
  const lapsed = record.status === 'pending' && record.expiresAt <= now.toISOString();
  return {
    requestId: record.requestId,
    kind: record.kind,
    subject: record.subject,
    status: lapsed ? 'expired' : (record.status as ApprovalView['status']),
    change: view.change ?? {},
    terminal: view.terminal ?? null,
    requestedBy: {
      userId: record.requestedBy,
      orgId: record.orgId,
      displayName: requester?.displayName ?? null,
    },
    requestedAt: view.requestedAt ?? '',
    expiresAt: record.expiresAt,
    decidedBy: view.decidedBy ?? null,
  };
}

/**
 * Need-to-know for one request (policy table, `approval.read`): the requester's organisation sees it, and, for
 * terminal data, the operator running that terminal. Anyone else gets 404, so that existence does not leak.
 */
function mayRead(auth: Authenticated, record: ApprovalRecord): boolean {
  const terminal = (record.view as { terminal?: string | null }).terminal ?? null;
  return record.orgId === auth.org.orgId || (terminal !== null && auth.org.terminals.includes(terminal));
}

/** My requests per page when the caller names no limit, and the most one page holds (issue 13). */
export const DEFAULT_MINE_PAGE = 100;
export const MAX_MINE_PAGE = 200;

const errors = {
  401: { $ref: 'Problem#' },
  403: { $ref: 'Problem#' },
  409: { $ref: 'Problem#' },
  ...problemResponses,
} as const;

const APPROVAL_SORTS: readonly ApprovalSortColumn[] = ['expiresAt', 'kind'];
const APPROVAL_STATES = ['pending', 'granted', 'rejected', 'withdrawn', 'expired'] as const;
type ApprovalState = (typeof APPROVAL_STATES)[number];

const APPROVAL_CSV_HEADER = [
  'requestId',
  'kind',
  'subject',
  'status',
  'terminal',
  'requestedBy',
  'requestedAt',
  'expiresAt',
  'decidedBy',
];
const approvalCsvRecord = (view: ApprovalView) => [
  view.requestId,
  view.kind,
  view.subject,
  view.status,
  view.terminal,
  view.requestedBy.displayName ?? view.requestedBy.userId,
  view.requestedAt,
  view.expiresAt,
  view.decidedBy,
];

/**
 * The table's filter for a state a person picks: `expired` is a request still pending in the table whose wait is
 * over, `pending` one whose wait is not.
 */
function stateFilter(state: ApprovalState | undefined, now: string) {
  if (state === undefined) return {};
  if (state === 'pending') return { status: 'pending', expiresAfter: now };
  if (state === 'expired') return { status: 'pending', expiresAtOrBefore: now };
  return { status: state };
}

/** The inbox (live requests only, never many) sorted as a page of the table would be. */
function sortInbox(views: ApprovalView[], sort: ListSort<ApprovalSortColumn>): ApprovalView[] {
  const sign = sort.direction === 'asc' ? 1 : -1;
  const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return views.sort((a, b) => sign * (compare(a[sort.by], b[sort.by]) || compare(a.requestId, b.requestId)));
}

const RequestParams = Type.Object({ requestId: Type.String({ minLength: 1, maxLength: 100 }) });

/** Two-person approval: the inbox, one request, approve, reject, withdraw (issue 3). */
export function approvalRoutes(deps: HttpDeps): FastifyPluginAsyncTypebox {
  const { auth } = deps;
  const identity = auth.ledger.store.identity;
  const now = () => auth.ledger.clock.now();
  // A granted request is applied by the capability that owns its subject.
  const approvalKinds = { ...visitApprovalKinds(deps.terminals), ...pickupApprovalKinds(deps.pickup) };

  async function readable(caller: Authenticated, requestId: string): Promise<ApprovalRecord> {
    const record = await readApproval(auth.ledger.store, requestId, now().toISOString());
    if (!record || !mayRead(caller, record)) {
      throw new AppError('approval.not_found', `no request ${requestId}`);
    }
    return record;
  }

  /**
   * One page of the caller's own requests, in the order asked for (the soonest to expire first unless asked): found
   * through the table, a keyset page at a time (issue 13: every request a person ever made piles up), each shown as
   * the log records it.
   */
  async function mineFromLog(
    caller: Authenticated,
    at: Date,
    page: {
      limit: number;
      sort: ListSort<ApprovalSortColumn>;
      kind?: string;
      state?: ApprovalState;
    },
  ): Promise<{ records: ApprovalRecord[]; nextCursor: string | null }> {
    const rows = await identity.listApprovals({
      orgId: caller.org.orgId,
      requestedBy: caller.user.userId,
      ...(page.kind === undefined ? {} : { kind: page.kind }),
      ...stateFilter(page.state, at.toISOString()),
      sort: page.sort,
      limit: page.limit + 1,
    });
    const { page: mine, nextCursor } = sortedPageOf(
      rows,
      page.limit,
      page.sort,
      (row, by) => row[by],
      (row) => row.requestId,
    );
    const records = await Promise.all(
      mine.map((row) => readApproval(auth.ledger.store, row.requestId, at.toISOString())),
    );
    return {
      records: records.filter(
        (record): record is ApprovalRecord =>
          record !== undefined && record.requestedBy === caller.user.userId,
      ),
      nextCursor,
    };
  }

  return async (app) => {
    app.get(
      '/v1/approvals',
      {
        config: { access: 'approval.read' },
        schema: {
          tags: ['approvals'],
          summary:
            'My inbox: pending requests I may decide; with `mine=1`, the requests I made, one page at a time, the soonest to expire first unless sorted otherwise; either as CSV with `format=csv`',
          querystring: Type.Object({
            mine: Type.Optional(
              Type.Union([Type.Literal('1'), Type.Literal('0'), Type.Literal('true'), Type.Literal('false')]),
            ),
            kind: Type.Optional(Type.Union(requestKinds.map((kind) => Type.Literal(kind)))),
            state: Type.Optional(
              Type.Union(
                APPROVAL_STATES.map((state) => Type.Literal(state)),
                { description: 'Only requests in this state (the inbox holds pending ones only)' },
              ),
            ),
            ...sortQuery(APPROVAL_SORTS, 'expiresAt'),
            ...pageQuery({
              max: MAX_MINE_PAGE,
              default: DEFAULT_MINE_PAGE,
              rows: 'My requests (with `mine=1`)',
            }),
            format: CsvFormat,
          }),
          response: {
            200: Type.Object({
              requests: Type.Array(ApprovalSchema),
              nextCursor: Type.Optional(NextCursor),
            }),
            ...errors,
          },
        },
      },
      async (request, reply) => {
        const caller = requireAuth(request);
        const { limit = DEFAULT_MINE_PAGE, kind, state } = request.query;
        const mine = request.query.mine === '1' || request.query.mine === 'true';
        const at = now();
        if (mine) {
          const pageAfter = async (cursor: string | undefined) => {
            const sort = listSortOf<ApprovalSortColumn>({ ...request.query, cursor }, 'expiresAt');
            const page = await mineFromLog(caller, at, {
              limit,
              sort,
              ...(kind === undefined ? {} : { kind }),
              ...(state === undefined ? {} : { state: state as ApprovalState }),
            });
            const views = await Promise.all(page.records.map((r) => approvalView(identity, r, at)));
            return { page: views, nextCursor: page.nextCursor };
          };
          const first = await pageAfter(request.query.cursor);
          if (!wantsCsv(request)) return { requests: first.page, nextCursor: first.nextCursor };
          return sendCsv(
            reply,
            'my-requests.csv',
            APPROVAL_CSV_HEADER,
            csvPages(first, pageAfter, approvalCsvRecord),
          );
        }
        // The inbox holds the live requests only, pending and not expired: bounded by what is open now, so it is
        // filtered and sorted whole rather than paged.
        const sort = listSortOf<ApprovalSortColumn>(request.query, 'expiresAt');
        if (sort.after !== undefined) {
          throw new AppError('input.invalid', 'the inbox is one page: it takes no cursor', {
            cursor: request.query.cursor,
          });
        }
        const records = await approvalInbox(auth, caller);
        const views = await Promise.all(
          records
            .filter((r) => kind === undefined || r.kind === kind)
            .map((r) => approvalView(identity, r, at)),
        );
        const requests = sortInbox(
          views.filter((view) => state === undefined || view.status === state),
          sort,
        );
        if (!wantsCsv(request)) return { requests };
        return sendCsv(
          reply,
          'approval-inbox.csv',
          APPROVAL_CSV_HEADER,
          csvPages(
            { page: requests, nextCursor: null },
            async () => ({ page: [], nextCursor: null }),
            approvalCsvRecord,
          ),
        );
      },
    );

    app.get(
      '/v1/approvals/:requestId',
      {
        config: { access: 'approval.read' },
        schema: {
          tags: ['approvals'],
          summary: 'One request, with the before/after change and the requester',
          params: RequestParams,
          response: { 200: ApprovalSchema, ...errors },
        },
      },
      async (request) => {
        const record = await readable(requireAuth(request), request.params.requestId);
        return approvalView(identity, record, now());
      },
    );

    app.post(
      '/v1/approvals/:requestId/approve',
      {
        config: { access: 'approval.decide' },
        schema: {
          tags: ['approvals'],
          summary:
            'Approve and apply the change (a passkey step-up within 5 minutes; never your own request)',
          params: RequestParams,
          response: { 200: ApprovalSchema, ...errors },
        },
      },
      async (request) => {
        const caller = requireAuth(request);
        await readable(caller, request.params.requestId);
        const decided = await decideRequest({ ...auth, approvalKinds }, caller, {
          requestId: request.params.requestId,
          decision: 'approve',
        });
        return approvalView(identity, decided, now());
      },
    );

    app.post(
      '/v1/approvals/:requestId/reject',
      {
        config: { access: 'approval.decide' },
        schema: {
          tags: ['approvals'],
          summary: 'Reject a request, with a reason (a passkey step-up within 5 minutes)',
          params: RequestParams,
          body: Type.Object({ reason: Type.String({ minLength: 1, maxLength: 500 }) }),
          response: { 200: ApprovalSchema, ...errors },
        },
      },
      async (request) => {
        const caller = requireAuth(request);
        await readable(caller, request.params.requestId);
        const decided = await decideRequest({ ...auth, approvalKinds }, caller, {
          requestId: request.params.requestId,
          decision: 'reject',
          reason: request.body.reason,
        });
        return approvalView(identity, decided, now());
      },
    );

    app.post(
      '/v1/approvals/:requestId/withdraw',
      {
        // Every role that can ask for a two-person change holds approval.read; the domain admits the requester only.
        config: { access: 'approval.read' },
        schema: {
          tags: ['approvals'],
          summary: 'Withdraw a pending request (its requester only)',
          params: RequestParams,
          response: { 200: ApprovalSchema, ...errors },
        },
      },
      async (request) => {
        const caller = requireAuth(request);
        await readable(caller, request.params.requestId);
        const withdrawn = await withdrawRequest(auth, caller, { requestId: request.params.requestId });
        return approvalView(identity, withdrawn, now());
      },
    );
  };
}
