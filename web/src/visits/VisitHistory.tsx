/** The History card: every event of the visit, each checked in this browser against the latest signed checkpoint. */
import { useEffect, useState } from 'react';
import type { Session } from '../api.js';
import { localDateTime } from '../clock.js';
import { Notice } from '../components.js';
import { messageOf } from '../errors.js';
import { fromBase64, type SignatureResult, verifyCheckpointNote } from '../proof.js';
import { holds } from '../session.js';
import { boundToSignature, type Verdict, VerdictBadge, verifyEvent } from './VisitProof.js';
import { type Checkpoint, type HistoryEvent, humanise } from './visit-data.js';

/** A yard slot as people write it (`T1/A/05/02/1`); other values as plain text. */
function shown(value: unknown): string {
  if (typeof value !== 'object' || value === null) return String(value ?? '—');
  const slot = value as Record<string, unknown>;
  if (['terminal', 'block', 'bay', 'row', 'tier'].every((key) => key in slot))
    return `${slot.terminal}/${slot.block}/${String(slot.bay).padStart(2, '0')}/${String(slot.row).padStart(2, '0')}/${slot.tier}`;
  return JSON.stringify(value);
}

function EventData({ data }: { data: Record<string, unknown> }) {
  const entries = Object.entries(data).filter(([key]) => key !== 'visitRef');
  if (entries.length === 0) return null;
  return (
    <dl className="event-data">
      {entries.map(([key, value]) => (
        <div key={key}>
          <dt>{key}</dt>
          <dd>{shown(value)}</dd>
        </div>
      ))}
    </dl>
  );
}

function Timeline({
  events,
  checkpoint,
  readsEntries,
}: {
  events: HistoryEvent[];
  checkpoint: Checkpoint | undefined;
  readsEntries: boolean;
}) {
  const [proofs, setProofs] = useState<Record<number, Verdict>>({});
  const [signature, setSignature] = useState<SignatureResult>();

  useEffect(() => {
    // Verdicts belong to one checkpoint: a new one starts from "checking", never from the last one's answers.
    setSignature(undefined);
    setProofs({});
    if (!checkpoint) return;
    let live = true;
    const root = fromBase64(checkpoint.rootHash);
    if (root)
      void verifyCheckpointNote({ ...checkpoint, rootHash: root }).then((result) => {
        if (live) setSignature(result);
      });
    else setSignature({ status: 'invalid', detail: 'the checkpoint root is not base64' });
    for (const event of events) {
      verifyEvent(event, checkpoint, readsEntries)
        .catch((error: unknown): Verdict => ({ status: 'failed', detail: messageOf(error) }))
        .then((verdict) => {
          if (live) setProofs((current) => ({ ...current, [event.index]: verdict }));
        });
    }
    return () => {
      live = false;
    };
  }, [events, checkpoint, readsEntries]);

  const verdicts = events.map((event) => boundToSignature(proofs[event.index], signature));
  const done = verdicts.filter((verdict) => verdict.status !== 'checking').length;
  const verified = verdicts.filter((verdict) => verdict.status === 'verified').length;
  return (
    <>
      {checkpoint ? (
        <div className="proof-summary">
          <p>
            Each event is checked in this browser against the latest signed checkpoint: tree size{' '}
            <strong>{checkpoint.treeSize}</strong>, signed {localDateTime(checkpoint.signedAt)}, root{' '}
            <code className="hash">{checkpoint.rootHash}</code>.
          </p>
          {signature ? (
            <p className={signature.status === 'invalid' ? 'verdict-bad' : undefined}>
              {signature.status === 'valid'
                ? `Checkpoint signature checked in this browser (Ed25519, key ${signature.keyName}).`
                : signature.status === 'unsupported'
                  ? `Checkpoint signature not checked: ${signature.detail}.`
                  : `Checkpoint signature NOT valid: ${signature.detail}.`}
            </p>
          ) : null}
          <p role="status">
            {done < events.length
              ? `Checking ${events.length - done} of ${events.length} proofs…`
              : `${verified} of ${events.length} events verified.`}
          </p>
        </div>
      ) : (
        <Notice tone="warning" title="No signed checkpoint yet">
          The proofs can be checked once the log has signed its first checkpoint.
        </Notice>
      )}
      <ol className="timeline" aria-label="History">
        {events.map((event, at) => (
          <li key={event.index} className="timeline-item">
            <div className="timeline-head">
              <strong>{humanise(event.type)}</strong>
              <time dateTime={event.at}>{localDateTime(event.at)}</time>
              <span className="muted">
                audit index <code>{event.index}</code>
              </span>
              {checkpoint ? <VerdictBadge verdict={verdicts[at] ?? { status: 'checking' }} /> : null}
            </div>
            <EventData data={event.data} />
          </li>
        ))}
      </ol>
    </>
  );
}

export function VisitHistory({
  session,
  history,
  checkpoint,
}: {
  session: Session;
  history: HistoryEvent[] | 'hidden';
  checkpoint: Checkpoint | undefined;
}) {
  return (
    <section className="card card-wide" aria-labelledby="history-heading">
      <h2 id="history-heading">History</h2>
      {history === 'hidden' ? (
        <p className="muted">
          {session.method === 'password_totp'
            ? 'You signed in with a password: where the box stands and its history are shown only after you sign in with a passkey.'
            : 'The event history is not yours to see.'}
        </p>
      ) : (
        <Timeline
          events={history}
          checkpoint={checkpoint}
          readsEntries={holds(session, 'audit.entries.read')}
        />
      )}
    </section>
  );
}
