/** The person's own two-person requests, with their status, and Withdraw while one still waits. */

import { localDateTime } from '../clock.js';
import { Button } from '../components.js';
import { type ApprovalRequest, kindName, statusNames } from './approval-requests.js';
import { RequestSubject } from './RequestDetails.js';
import type { ApprovalDecisions } from './use-approval-decisions.js';

export function MyRequests({ mine, decisions }: { mine: ApprovalRequest[]; decisions: ApprovalDecisions }) {
  return (
    <section className="card" aria-labelledby="mine-heading">
      <h2 id="mine-heading">Your requests</h2>
      {mine.length === 0 ? (
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
              {mine.map((request) => (
                <tr key={request.requestId}>
                  <th scope="row">{kindName(request.kind)}</th>
                  <td>
                    <RequestSubject request={request} />
                  </td>
                  <td>{localDateTime(request.requestedAt)}</td>
                  <td>{localDateTime(request.expiresAt)}</td>
                  <td>
                    {statusNames[request.status]}
                    {request.decidedBy && request.status !== 'withdrawn' ? ` by ${request.decidedBy}` : ''}
                  </td>
                  <td className="actions">
                    {request.status === 'pending' ? (
                      <Button
                        variant="quiet"
                        busy={decisions.busyKey === `withdraw:${request.requestId}`}
                        busyLabel="Withdrawing…"
                        aria-label={`Withdraw your request about ${request.subject}`}
                        onClick={() => decisions.withdraw(request)}
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
  );
}
