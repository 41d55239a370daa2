import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { apiGet, apiPost, type Session } from '../api.js';
import { Button, Field, Loading, Notice, PageHeading } from '../components.js';
import { DriversPhones } from '../driver-phones.js';
import { isUnauthenticated, messageOf } from '../errors.js';
import { formatDateTime } from '../labels.js';
import { PendingPasskeys } from '../pending-passkeys.js';
import { Link } from '../router.js';
import { holds, useSession } from '../session.js';
import { useAction } from '../use-action.js';

/** A two-person request as `GET /v1/approvals` answers it. */
export interface ApprovalRequest {
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
}

type PageState =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; inbox: ApprovalRequest[]; mine: ApprovalRequest[] };

const kindNames: Record<string, string> = {
  'yard.correction': 'Yard position correction',
  'pickup.change': 'Pickup change',
  'visit.void': 'Void of a visit event',
  'role.grant': 'Role grant',
  'passkeys.reset': 'Passkey reset',
  'visit.unfreeze': 'Unfreeze of a frozen box',
  'hold.lift': "Lift of another officer's hold",
};

const statusNames: Record<ApprovalRequest['status'], string> = {
  pending: 'Waiting',
  granted: 'Approved',
  rejected: 'Rejected',
  withdrawn: 'Withdrawn',
  expired: 'Expired',
};

export const kindName = (kind: string) => kindNames[kind] ?? kind;

/** A yard slot (`{ terminal, block, bay, row, tier }`) or any other value, in one readable line. */
function show(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value || '—';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.map(show).join(', ');
  const slot = value as Record<string, unknown>;
  if ('terminal' in slot && 'block' in slot && 'bay' in slot)
    return `${slot.terminal} ${slot.block}-${slot.bay}-${slot.row}${slot.tier !== undefined ? `, tier ${slot.tier}` : ''}`;
  return JSON.stringify(value);
}

interface DiffRow {
  field: string;
  before: string;
  after: string;
}

/** The before/after of a change, per kind, with a generic fallback for the fields it does not know. */
export function diffRows(request: ApprovalRequest): DiffRow[] {
  const change = request.change;
  switch (request.kind) {
    case 'role.grant': {
      const before = Array.isArray(change.rolesBefore) ? (change.rolesBefore as string[]) : [];
      return [{ field: 'Roles', before: show(before), after: show([...before, change.role]) }];
    }
    case 'passkeys.reset':
      return [
        { field: 'Passkeys', before: show(change.passkeysBefore), after: '0 (re-enrolment link issued)' },
      ];
    case 'yard.correction':
      return [
        { field: 'Position', before: show(change.from), after: show(change.to) },
        { field: 'Reason', before: '', after: show(change.reason) },
      ];
    case 'visit.void': {
      const before = (change.before ?? {}) as { type?: string; at?: string };
      return [
        {
          field: `Event version ${show(change.voidedVersion)}`,
          before: `${before.type ?? 'event'}${before.at ? ` at ${formatDateTime(before.at)}` : ''}`,
          after: 'voided',
        },
        { field: 'Reason', before: '', after: show(change.reason) },
      ];
    }
    case 'visit.unfreeze': {
      const before = (change.before ?? {}) as {
        frozenBy?: string;
        frozenAt?: string;
        frozenReason?: string;
        alertId?: string | null;
      };
      return [
        {
          field: 'Freeze',
          before: `Frozen by ${before.frozenBy ?? 'someone'}${before.frozenAt ? ` at ${formatDateTime(before.frozenAt)}` : ''} because “${before.frozenReason ?? '—'}”${before.alertId ? ` (alert ${before.alertId})` : ''}`,
          after: 'Not frozen: the box may leave again when every other check passes',
        },
        { field: 'Reason', before: '', after: show(change.reason) },
      ];
    }
    case 'hold.lift': {
      // issue 10, row B: a colleague's customs or police hold; the approver is an officer of the same authority.
      const before = (change.before ?? {}) as {
        placedBy?: string | null;
        placedAt?: string;
        holdReason?: string;
        reference?: string;
      };
      return [
        {
          field: `${show(change.kind)} hold ${show(change.holdId)}`,
          before: `Placed by ${before.placedBy ?? 'an officer not recorded'}${before.placedAt ? ` at ${formatDateTime(before.placedAt)}` : ''} because “${before.holdReason ?? '—'}”${before.reference ? ` (${before.reference})` : ''}`,
          after: 'Lifted: the box may leave when every other light is green',
        },
        { field: 'Reason', before: '', after: show(change.reason) },
      ];
    }
    default: {
      const rows: DiffRow[] = [];
      const before = (change.before ?? {}) as Record<string, unknown>;
      const after = (change.after ?? {}) as Record<string, unknown>;
      for (const key of new Set([...Object.keys(before), ...Object.keys(after)]))
        rows.push({ field: key, before: show(before[key]), after: show(after[key]) });
      for (const [key, value] of Object.entries(change))
        if (key !== 'before' && key !== 'after') rows.push({ field: key, before: '', after: show(value) });
      return rows;
    }
  }
}

function Diff({ request }: { request: ApprovalRequest }) {
  const rows = diffRows(request);
  if (rows.length === 0) return <p className="muted">No details were recorded for this change.</p>;
  return (
    <table className="table diff-table">
      <caption className="visually-hidden">What request {request.requestId} changes</caption>
      <thead>
        <tr>
          <th scope="col">Field</th>
          <th scope="col">Before</th>
          <th scope="col">After</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.field}>
            <th scope="row">{row.field}</th>
            <td className="diff-before">{row.before ? <del>{row.before}</del> : '—'}</td>
            <td className="diff-after">
              <ins>{row.after}</ins>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Subject({ request }: { request: ApprovalRequest }) {
  const visitKinds = ['yard.correction', 'pickup.change', 'visit.void', 'visit.unfreeze', 'hold.lift'];
  return visitKinds.includes(request.kind) ? (
    <Link to={`/visits/${encodeURIComponent(request.subject)}`} className="mono">
      {request.subject}
    </Link>
  ) : (
    <span className="mono">{request.subject}</span>
  );
}

/** The two-person inbox: requests awaiting me (approve after a step-up, or reject with a reason), and my own. */
export function ApprovalsPage({ session }: { session: Session }) {
  const { signedOut } = useSession();
  const [state, setState] = useState<PageState>({ status: 'loading' });
  const [rejecting, setRejecting] = useState<ApprovalRequest>();
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string>();
  const mayDecide = holds(session, 'approval.decide');

  const load = useCallback(async () => {
    try {
      const [inbox, mine] = await Promise.all([
        apiGet<{ requests: ApprovalRequest[] }>('/v1/approvals'),
        apiGet<{ requests: ApprovalRequest[] }>('/v1/approvals?mine=1'),
      ]);
      setState({ status: 'ready', inbox: inbox.requests, mine: mine.requests });
    } catch (error) {
      if (isUnauthenticated(error)) signedOut();
      else setState({ status: 'error', message: messageOf(error) });
    }
  }, [signedOut]);

  useEffect(() => {
    void load();
  }, [load]);

  const { run, busyKey: busy, done, feedback, cancel } = useAction({ reload: load });
  const act = (key: string, label: string, action: () => Promise<unknown>, success: string) =>
    run(key, label, action, {
      done: success,
      after: () => {
        setRejecting(undefined);
        setReason('');
      },
    });

  function approve(request: ApprovalRequest) {
    cancel();
    void act(
      `approve:${request.requestId}`,
      `approve the ${kindName(request.kind).toLowerCase()} of ${request.subject}`,
      () => apiPost(`/v1/approvals/${encodeURIComponent(request.requestId)}/approve`),
      `You approved the ${kindName(request.kind).toLowerCase()} of ${request.subject}. It is applied.`,
    );
  }

  function submitReject(event: FormEvent) {
    event.preventDefault();
    if (!rejecting) return;
    if (!reason.trim()) return setReasonError('Give a reason: the requester sees it.');
    setReasonError(undefined);
    const request = rejecting;
    void act(
      `reject:${request.requestId}`,
      `reject the ${kindName(request.kind).toLowerCase()} of ${request.subject}`,
      () =>
        apiPost(`/v1/approvals/${encodeURIComponent(request.requestId)}/reject`, { reason: reason.trim() }),
      `You rejected the ${kindName(request.kind).toLowerCase()} of ${request.subject}.`,
    );
  }

  function withdraw(request: ApprovalRequest) {
    void act(
      `withdraw:${request.requestId}`,
      'withdraw your request',
      () => apiPost(`/v1/approvals/${encodeURIComponent(request.requestId)}/withdraw`),
      `Your request about ${request.subject} is withdrawn.`,
    );
  }

  if (state.status === 'loading')
    return (
      <div className="page">
        <PageHeading title="Approvals" />
        <Loading label="Loading the requests…" />
      </div>
    );
  if (state.status === 'error')
    return (
      <div className="page">
        <PageHeading title="Approvals" />
        <Notice tone="error" title="The requests could not be loaded">
          <p>{state.message}</p>
          <Button onClick={() => void load()}>Try again</Button>
        </Notice>
      </div>
    );

  return (
    <div className="page">
      <PageHeading title="Approvals" />
      <p className="muted">
        Some changes need a second person: you see exactly what would change, and who asked. Approving needs
        you to confirm it is you with your passkey. You can never approve your own request.
      </p>
      {done ? <Notice tone="success">{done}</Notice> : null}
      {feedback}

      <section className="card" aria-labelledby="inbox-heading">
        <h2 id="inbox-heading">Awaiting your decision</h2>
        {state.inbox.length === 0 ? (
          <p className="muted">
            {mayDecide ? 'Nothing is waiting for you.' : 'Your role approves no two-person changes.'}
          </p>
        ) : (
          <ul className="approval-list">
            {state.inbox.map((request) => (
              <li key={request.requestId} className="approval-item">
                <article aria-labelledby={`req-${request.requestId}`}>
                  <h3 id={`req-${request.requestId}`}>
                    {kindName(request.kind)} · <Subject request={request} />
                  </h3>
                  <dl className="approval-facts">
                    <div>
                      <dt>Requested by</dt>
                      <dd>
                        {request.requestedBy.displayName ?? request.requestedBy.userId}{' '}
                        <span className="muted">({request.requestedBy.orgId})</span>
                      </dd>
                    </div>
                    <div>
                      <dt>When</dt>
                      <dd>{formatDateTime(request.requestedAt)}</dd>
                    </div>
                    <div>
                      <dt>Expires</dt>
                      <dd>{formatDateTime(request.expiresAt)}</dd>
                    </div>
                    {request.terminal ? (
                      <div>
                        <dt>Terminal</dt>
                        <dd>{request.terminal}</dd>
                      </div>
                    ) : null}
                  </dl>
                  <Diff request={request} />
                  <div className="button-row">
                    <Button
                      variant="primary"
                      busy={busy === `approve:${request.requestId}`}
                      busyLabel="Approving…"
                      aria-label={`Approve the ${kindName(request.kind).toLowerCase()} of ${request.subject}`}
                      onClick={() => approve(request)}
                    >
                      Approve
                    </Button>
                    <Button
                      variant="danger"
                      aria-label={`Reject the ${kindName(request.kind).toLowerCase()} of ${request.subject}`}
                      onClick={() => {
                        cancel();
                        setReason('');
                        setReasonError(undefined);
                        setRejecting(request);
                      }}
                    >
                      Reject
                    </Button>
                  </div>
                  {rejecting?.requestId === request.requestId ? (
                    <form className="stack" onSubmit={submitReject} noValidate>
                      <Field
                        label="Reason for rejecting"
                        hint="The requester sees it."
                        value={reason}
                        onChange={(event) => setReason(event.target.value)}
                        error={reasonError}
                        maxLength={500}
                        required
                        autoFocus
                      />
                      <div className="button-row">
                        <Button
                          type="submit"
                          variant="danger"
                          busy={busy === `reject:${request.requestId}`}
                          busyLabel="Rejecting…"
                        >
                          Reject request
                        </Button>
                        <Button variant="quiet" onClick={() => setRejecting(undefined)}>
                          Cancel
                        </Button>
                      </div>
                    </form>
                  ) : null}
                </article>
              </li>
            ))}
          </ul>
        )}
      </section>

      {holds(session, 'enrolment.confirm') ? <PendingPasskeys /> : null}

      {holds(session, 'driver.device.confirm') ? <DriversPhones /> : null}

      <section className="card" aria-labelledby="mine-heading">
        <h2 id="mine-heading">Your requests</h2>
        {state.mine.length === 0 ? (
          <p className="muted">You have not asked for any two-person change.</p>
        ) : (
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">Your requests</caption>
              <thead>
                <tr>
                  <th scope="col">Change</th>
                  <th scope="col">Subject</th>
                  <th scope="col">Asked</th>
                  <th scope="col">Expires</th>
                  <th scope="col">Status</th>
                  <th scope="col" className="actions">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {state.mine.map((request) => (
                  <tr key={request.requestId}>
                    <th scope="row">{kindName(request.kind)}</th>
                    <td>
                      <Subject request={request} />
                    </td>
                    <td>{formatDateTime(request.requestedAt)}</td>
                    <td>{formatDateTime(request.expiresAt)}</td>
                    <td>
                      {statusNames[request.status]}
                      {request.decidedBy && request.status !== 'withdrawn' ? ` by ${request.decidedBy}` : ''}
                    </td>
                    <td className="actions">
                      {request.status === 'pending' ? (
                        <Button
                          variant="quiet"
                          busy={busy === `withdraw:${request.requestId}`}
                          busyLabel="Withdrawing…"
                          aria-label={`Withdraw your request about ${request.subject}`}
                          onClick={() => withdraw(request)}
                        >
                          Withdraw
                        </Button>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}
