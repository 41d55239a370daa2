/** Each event of a visit proven in the browser: its inclusion in the log, bound to the checkpoint's signature. */
import { useTranslation } from 'react-i18next';
import { apiGet } from '../api.js';
import { i18next } from '../i18n/index.js';
import { fromBase64, leafHash, type SignatureResult, verifyInclusion } from '../proof.js';
import type { Checkpoint, HistoryEvent } from './visit-data.js';

interface InclusionProofAnswer {
  index: number;
  treeSize: number;
  leafHash: string;
  proof: string[];
}

export type Verdict =
  | { status: 'checking' }
  | { status: 'verified' }
  | { status: 'pending' }
  | { status: 'unchecked'; detail: string }
  | { status: 'failed'; detail: string };

/**
 * Checks one event against the checkpoint in this browser: the leaf hash (from the exact leaf bytes when the
 * caller may read them, else the history's hash), the server's inclusion proof, and RFC 9162 §2.1.3.2.
 */
export async function verifyEvent(
  event: HistoryEvent,
  checkpoint: Checkpoint,
  readsEntries: boolean,
): Promise<Verdict> {
  if (event.index >= checkpoint.treeSize) return { status: 'pending' };
  let leaf = fromBase64(event.leafHash);
  if (readsEntries) {
    const { entries } = await apiGet<{ entries: { index: number; leaf: string }[] }>(
      `/v1/audit/entries?start=${event.index}&limit=1`,
    );
    const bytes = fromBase64(entries[0]?.leaf);
    if (!bytes || entries[0]?.index !== event.index)
      return { status: 'failed', detail: i18next.t('visits:verdict.noEntry') };
    const parsed = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
    if (parsed.index !== event.index || parsed.type !== event.type || parsed.version !== event.version)
      return { status: 'failed', detail: i18next.t('visits:verdict.notThisEvent') };
    leaf = await leafHash(bytes);
  }
  const proof = await apiGet<InclusionProofAnswer>(
    `/v1/audit/proof/inclusion?index=${event.index}&treeSize=${checkpoint.treeSize}`,
  );
  const hashes = Array.isArray(proof.proof) ? proof.proof.map(fromBase64) : [];
  const root = fromBase64(checkpoint.rootHash);
  if (!leaf || !root || hashes.some((hash) => hash === undefined))
    return { status: 'failed', detail: i18next.t('visits:verdict.malformed') };
  const result = await verifyInclusion({
    leafIndex: event.index,
    treeSize: checkpoint.treeSize,
    leafHash: leaf,
    proof: hashes as Uint8Array[],
    rootHash: root,
  });
  return result.ok ? { status: 'verified' } : { status: 'failed', detail: result.detail };
}

/**
 * What an event's badge may claim: its inclusion proof only ties it to the checkpoint's root, so it is verified only
 * when the checkpoint's signature verified too. A proof against an unsigned or forged root proves nothing.
 */
export function boundToSignature(
  proof: Verdict | undefined,
  signature: SignatureResult | undefined,
): Verdict {
  if (proof?.status !== 'verified') return proof ?? { status: 'checking' };
  if (!signature) return { status: 'checking' };
  if (signature.status === 'valid') return proof;
  if (signature.status === 'unsupported') return { status: 'unchecked', detail: signature.detail };
  return { status: 'failed', detail: i18next.t('visits:verdict.badSignature') };
}

export function VerdictBadge({ verdict }: { verdict: Verdict }) {
  const { t } = useTranslation('visits');
  if (verdict.status === 'checking')
    return <span className="verdict verdict-checking">{t('verdict.checking')}</span>;
  if (verdict.status === 'verified')
    return <span className="verdict verdict-ok">{t('verdict.verified')}</span>;
  if (verdict.status === 'pending')
    return <span className="verdict verdict-pending">{t('verdict.pending')}</span>;
  if (verdict.status === 'unchecked')
    return (
      <span className="verdict verdict-pending" title={verdict.detail}>
        {t('verdict.unchecked')}
      </span>
    );
  return (
    <span className="verdict verdict-bad" title={verdict.detail}>
      {t('verdict.failed')} <span className="verdict-detail">({verdict.detail})</span>
    </span>
  );
}
