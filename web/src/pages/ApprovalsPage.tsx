import type { Session } from '../api.js';
import { DriversPhones } from '../approvals/DriversPhones.js';
import { InboxRequest } from '../approvals/InboxRequest.js';
import { MyRequests } from '../approvals/MyRequests.js';
import { PendingPasskeys } from '../approvals/PendingPasskeys.js';
import { useApprovalDecisions } from '../approvals/use-approval-decisions.js';
import { useApprovals } from '../approvals/use-approvals.js';
import { Button, Loading, Notice, PageHeading } from '../components.js';
import { holds } from '../session.js';

/** The two-person inbox: requests awaiting me (approve after a step-up, or reject with a reason), and my own. */
export function ApprovalsPage({ session }: { session: Session }) {
  const { state, load } = useApprovals();
  const decisions = useApprovalDecisions(load);
  const mayDecide = holds(session, 'approval.decide');

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
      {decisions.done ? <Notice tone="success">{decisions.done}</Notice> : null}
      {decisions.feedback}

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
                <InboxRequest request={request} decisions={decisions} />
              </li>
            ))}
          </ul>
        )}
      </section>

      {holds(session, 'enrolment.confirm') ? <PendingPasskeys /> : null}

      {holds(session, 'driver.device.confirm') ? <DriversPhones /> : null}

      <MyRequests mine={state.mine} decisions={decisions} />
    </div>
  );
}
