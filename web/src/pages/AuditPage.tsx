/**
 * The audit log: its signed checkpoints (each signature checked here, in the browser), charts of log growth and of
 * events per hour, and "verify everything", which streams every entry and recomputes the RFC 9162 tree in the
 * browser, so the verdict does not rest on the server's word.
 */
import { useEffect, useState } from 'react';
import { apiGet, type Session } from '../api.js';
import { GrowthChart, HourlyChart } from '../audit/AuditCharts.js';
import {
  type Checkpoint,
  checkpointsFrom,
  SHOWN_CHECKPOINTS,
  type Stats,
  type Witnesses,
} from '../audit/audit-api.js';
import { CheckpointList } from '../audit/CheckpointList.js';
import { VerifyEverything } from '../audit/VerifyEverything.js';
import { WitnessList } from '../audit/WitnessList.js';
import { Loading, Notice, PageHeading } from '../components.js';
import { messageOf } from '../errors.js';
import { holds } from '../session.js';

export function AuditPage({ session }: { session: Session }) {
  const [stats, setStats] = useState<Stats>();
  const [checkpoints, setCheckpoints] = useState<Checkpoint[]>();
  const [witnesses, setWitnesses] = useState<Witnesses>();
  const [error, setError] = useState<string>();
  const mayReadEntries = holds(session, 'audit.entries.read');

  useEffect(() => {
    let live = true;
    void (async () => {
      try {
        const loaded = await apiGet<Stats>('/v1/audit/stats?hours=48');
        const start = loaded.growth.at(-SHOWN_CHECKPOINTS)?.treeSize ?? 0;
        const [recent, cosigners] = await Promise.all([
          checkpointsFrom(start).then((all) => all.slice(-SHOWN_CHECKPOINTS)),
          apiGet<Witnesses>('/v1/audit/witnesses'),
        ]);
        if (!live) return;
        setStats(loaded);
        setCheckpoints(recent);
        setWitnesses(cosigners);
      } catch (caught) {
        if (live) setError(messageOf(caught));
      }
    })();
    return () => {
      live = false;
    };
  }, []);

  return (
    <div className="page audit-page">
      <PageHeading title="Audit log" />
      <p className="lead">
        Every event is a leaf of an append-only Merkle log (RFC 9162). The log signs checkpoints of its size
        and root; your browser checks the signatures itself.
      </p>
      {error ? (
        <Notice tone="error" title="The audit log could not be loaded">
          <p>{error}</p>
        </Notice>
      ) : null}
      {!error && (!stats || !checkpoints) ? <Loading label="Loading the audit log…" /> : null}
      {stats && checkpoints ? (
        <>
          <section className="card card-wide" aria-labelledby="verify-heading">
            <h2 id="verify-heading">Verify everything</h2>
            {mayReadEntries ? (
              <VerifyEverything />
            ) : (
              <Notice tone="info" title="Whole-log verification needs the entries permission">
                <p>
                  {session.method === 'password_totp'
                    ? 'Checking every entry means reading every event, with every yard position in it: sign in with your passkey for that. '
                    : 'Checking every entry means reading every event, which only customs officers and investigators may do. '}
                  You can still check each checkpoint's signature below, and each event's inclusion proof on
                  its container page.
                </p>
              </Notice>
            )}
          </section>
          <div className="cards audit-charts">
            <section className="card" aria-labelledby="growth-heading">
              <h2 id="growth-heading">Log growth</h2>
              <GrowthChart growth={stats.growth} />
            </section>
            <section className="card" aria-labelledby="hourly-heading">
              <h2 id="hourly-heading">Events per hour</h2>
              <HourlyChart hours={stats.eventsPerHour} truncated={stats.truncated} />
            </section>
          </div>
          <section className="card card-wide" aria-labelledby="checkpoints-heading">
            <h2 id="checkpoints-heading">Signed checkpoints</h2>
            <p className="muted">
              The {checkpoints.length} newest of the log's checkpoints; {stats.logSize.toLocaleString()}{' '}
              entries in all. The witnesses' cosignatures follow the log's own signature line; your browser
              checks the log's.
            </p>
            <CheckpointList checkpoints={checkpoints} />
          </section>
          {witnesses ? (
            <section className="card card-wide" aria-labelledby="witnesses-heading">
              <h2 id="witnesses-heading">Witnesses</h2>
              <p className="muted">
                Outside parties (customs, the port authority) cosign each checkpoint only if it extends the
                one they cosigned before: a log cut back or rewritten cannot get their signatures.
              </p>
              <WitnessList witnesses={witnesses} />
            </section>
          ) : null}
        </>
      ) : null}
    </div>
  );
}
