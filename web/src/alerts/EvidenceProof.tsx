/**
 * An alert's evidence, opened in the browser (issue 15): each item naming an audit index shows the logged event and
 * a verdict checked here, not taken from the server's word. The inclusion proof of the entry is checked against the
 * latest signed checkpoint (RFC 9162 §2.1.3.2), and the checkpoint's signature against the log's key
 * (`verifyCheckpointNote`), with the same code the container page's history uses. The leaf is hashed from the
 * entry's exact bytes when the person may read entries (customs, investigators); otherwise the proof's leaf hash is
 * what is proven, and the event itself is not shown.
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiGet } from '../api.js';
import { localDateTime } from '../clock.js';
import { messageOf } from '../errors.js';
import { i18next } from '../i18n/index.js';
import {
  fromBase64,
  leafHash,
  type SignatureResult,
  verifyCheckpointNote,
  verifyInclusion,
} from '../proof.js';
import { useSession } from '../session.js';
import { plainText } from '../terms.js';
import { boundToSignature, type Verdict, VerdictBadge } from '../visits/VisitProof.js';
import type { Checkpoint } from '../visits/visit-data.js';

interface InclusionProofAnswer {
  index: number;
  treeSize: number;
  leafHash: string;
  proof: string[];
}

/** One logged event as its leaf says (RFC 8785 JSON of the log entry, `src/audit/log-entry.ts`). */
interface LoggedEvent {
  index?: number;
  type?: string;
  stream?: string;
  at?: string;
  data?: unknown;
}

interface Checked {
  verdict: Verdict;
  event?: LoggedEvent;
}

/** The checkpoint and its signature, fetched and checked once per page. */
let checkpointOnce: Promise<{ checkpoint: Checkpoint; signature: SignatureResult }> | undefined;

function signedCheckpoint(): Promise<{ checkpoint: Checkpoint; signature: SignatureResult }> {
  checkpointOnce ??= (async () => {
    const checkpoint = await apiGet<Checkpoint>('/v1/audit/checkpoint');
    const root = fromBase64(checkpoint.rootHash);
    const signature: SignatureResult = root
      ? await verifyCheckpointNote({ ...checkpoint, rootHash: root })
      : { status: 'invalid', detail: i18next.t('visits:verdict.rootNotBase64') };
    return { checkpoint, signature };
  })();
  // A failed fetch is asked again next time.
  checkpointOnce.catch(() => {
    checkpointOnce = undefined;
  });
  return checkpointOnce;
}

/** Proves that audit entry `index` is in the log the latest signed checkpoint commits to. */
export async function checkEvidence(index: number, readsEntries: boolean): Promise<Checked> {
  const { checkpoint, signature } = await signedCheckpoint();
  if (index >= checkpoint.treeSize) return { verdict: { status: 'pending' } };
  const proof = await apiGet<InclusionProofAnswer>(
    `/v1/audit/proof/inclusion?index=${index}&treeSize=${checkpoint.treeSize}`,
  );
  let leaf = fromBase64(proof.leafHash);
  let event: LoggedEvent | undefined;
  if (readsEntries) {
    const { entries } = await apiGet<{ entries: { index: number; leaf: string }[] }>(
      `/v1/audit/entries?start=${index}&limit=1`,
    );
    const bytes = fromBase64(entries[0]?.leaf);
    if (!bytes || entries[0]?.index !== index)
      return { verdict: { status: 'failed', detail: i18next.t('visits:verdict.noEntry') } };
    event = JSON.parse(new TextDecoder().decode(bytes)) as LoggedEvent;
    // The entry must name the index it was asked for: a leaf from elsewhere proves nothing about this one.
    if (event.index !== index)
      return { verdict: { status: 'failed', detail: i18next.t('visits:verdict.notThisEvent') } };
    leaf = await leafHash(bytes);
  }
  const hashes = Array.isArray(proof.proof) ? proof.proof.map(fromBase64) : [];
  const root = fromBase64(checkpoint.rootHash);
  if (!leaf || !root || hashes.some((hash) => hash === undefined))
    return {
      verdict: { status: 'failed', detail: i18next.t('visits:verdict.malformed') },
      ...(event ? { event } : {}),
    };
  const included = await verifyInclusion({
    leafIndex: index,
    treeSize: checkpoint.treeSize,
    leafHash: leaf,
    proof: hashes as Uint8Array[],
    rootHash: root,
  });
  const verdict: Verdict = included.ok
    ? { status: 'verified' }
    : { status: 'failed', detail: included.detail };
  return { verdict: boundToSignature(verdict, signature), ...(event ? { event } : {}) };
}

/** One evidence item that names an audit index: opened, it shows the event and its verified proof. */
export function EvidenceEntry({ index, label }: { index: number; label: string }) {
  const { t } = useTranslation('alerts');
  const { state } = useSession();
  const readsEntries =
    state.status === 'signed-in' && (state.session.permissions?.includes('audit.entries.read') ?? false);
  const [open, setOpen] = useState(false);
  const [checked, setChecked] = useState<Checked>();

  useEffect(() => {
    if (!open || checked) return;
    let live = true;
    checkEvidence(index, readsEntries)
      .catch((error: unknown): Checked => ({ verdict: { status: 'failed', detail: messageOf(error) } }))
      .then((result) => {
        if (live) setChecked(result);
      });
    return () => {
      live = false;
    };
  }, [open, checked, index, readsEntries]);

  return (
    <details
      className="evidence-entry"
      data-testid={`evidence-${index}`}
      onToggle={(event) => setOpen(event.currentTarget.open)}
    >
      <summary>{plainText(label)}</summary>
      <div className="evidence-body">
        <VerdictBadge verdict={checked?.verdict ?? { status: 'checking' }} />
        {checked?.event ? (
          <>
            <p>
              <strong>{checked.event.type}</strong>{' '}
              <span className="muted">
                {checked.event.stream} · {checked.event.at ? localDateTime(checked.event.at) : null}
              </span>
            </p>
            <pre className="event-data">{JSON.stringify(checked.event.data, null, 2)}</pre>
          </>
        ) : checked && !readsEntries ? (
          <p className="muted">{t('evidence.entryHidden')}</p>
        ) : null}
        <a href={`/v1/audit/proof/inclusion?index=${index}`} target="_blank" rel="noreferrer">
          {t('evidence.rawProof')}
        </a>
      </div>
    </details>
  );
}
