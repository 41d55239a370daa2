/** The log's witnesses: who cosigns it, how far each has got, and whether a quorum keeps up. */
import { localDateTime } from '../clock.js';
import type { Witnesses } from './audit-api.js';

/** "3 min ago", coarse on purpose: how stale a witness is matters, not the second. */
function ago(iso: string | null, now: number): string {
  if (!iso) return 'never';
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86_400)} days ago`;
}

/** Every witness with the size it last cosigned and how long ago, and whether a quorum keeps up. */
export function WitnessList({ witnesses }: { witnesses: Witnesses }) {
  const now = Date.now();
  if (witnesses.witnesses.length === 0) {
    return (
      <p className="muted">
        No witness is configured (PORTLEDGER_WITNESSES): only this server vouches for its own log.
      </p>
    );
  }
  return (
    <>
      <p className={witnesses.lagging ? 'audit-bad' : 'muted'}>
        {witnesses.cosignedSize === null
          ? `No checkpoint has a quorum of ${witnesses.quorum} cosignatures yet.`
          : `A quorum of ${witnesses.quorum} has cosigned the log up to ${witnesses.cosignedSize.toLocaleString()} entries.`}{' '}
        {witnesses.waitingSince
          ? `The latest checkpoint has waited for it since ${localDateTime(witnesses.waitingSince)}${witnesses.lagging ? ', longer than allowed' : ''}.`
          : ''}
      </p>
      <div className="table-wrap">
        <table className="table audit-witnesses">
          <caption className="visually-hidden">The log's witnesses</caption>
          <thead>
            <tr>
              <th scope="col">Witness</th>
              <th scope="col">Last cosigned size</th>
              <th scope="col">When</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {witnesses.witnesses.map((w) => (
              <tr key={w.name} data-witness={w.name}>
                <td>
                  {w.name}
                  <br />
                  <code className="muted">{w.url}</code>
                </td>
                <td>{w.cosignedSize === null ? '—' : w.cosignedSize.toLocaleString()}</td>
                <td title={w.cosignedAt ? localDateTime(w.cosignedAt) : undefined}>
                  {ago(w.cosignedAt, now)}
                </td>
                <td>
                  {w.finding ? (
                    <strong className="audit-bad">
                      {w.finding.code === 'integrity.rollback' ? 'Rollback' : 'Fork'}: {w.finding.reason}
                    </strong>
                  ) : w.lastError ? (
                    <span className="audit-bad">Unreachable or refusing: {w.lastError}</span>
                  ) : (
                    'Cosigning'
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
