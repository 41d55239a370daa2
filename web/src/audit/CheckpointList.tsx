/** The newest signed checkpoints, each signature checked in this browser, with the witnesses that cosigned them. */

import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatNumber, localDateTime } from '../clock.js';
import { i18next } from '../i18n/index.js';
import { fromBase64, type SignatureResult, verifyCheckpointNote } from '../proof.js';
import type { Checkpoint } from './audit-api.js';

/** The signature lines of a signed note: everything after the blank line. */
const signatureLines = (note: string) => {
  const split = note.lastIndexOf('\n\n');
  return split < 0
    ? []
    : note
        .slice(split + 2)
        .split('\n')
        .filter(Boolean);
};

function SignatureVerdict({ result }: { result: SignatureResult | undefined }) {
  const { t } = useTranslation('audit');
  if (!result) return <span className="verdict-pending">{t('checkpoints.checking')}</span>;
  if (result.status === 'valid') return <span className="audit-ok">{t('checkpoints.verified')}</span>;
  if (result.status === 'unsupported')
    return <span className="muted">{t('checkpoints.notChecked', { detail: result.detail })}</span>;
  return <span className="audit-bad">{t('checkpoints.notVerified', { detail: result.detail })}</span>;
}

export function CheckpointList({ checkpoints }: { checkpoints: Checkpoint[] }) {
  const { t } = useTranslation('audit');
  const [results, setResults] = useState<Record<number, SignatureResult>>({});
  useEffect(() => {
    let live = true;
    void (async () => {
      for (const c of checkpoints) {
        const root = fromBase64(c.rootHash);
        const result: SignatureResult = root
          ? await verifyCheckpointNote({
              note: c.note,
              verifierKey: c.verifierKey,
              treeSize: c.treeSize,
              rootHash: root,
            })
          : { status: 'invalid', detail: i18next.t('audit:checkpoints.rootNotBase64') };
        if (!live) return;
        setResults((previous) => ({ ...previous, [c.treeSize]: result }));
      }
    })();
    return () => {
      live = false;
    };
  }, [checkpoints]);

  if (checkpoints.length === 0) return <p className="muted">{t('checkpoints.none')}</p>;
  return (
    <div className="table-wrap">
      <table className="table audit-checkpoints">
        <caption className="visually-hidden">{t('checkpoints.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('checkpoints.size')}</th>
            <th scope="col">{t('checkpoints.root')}</th>
            <th scope="col">{t('checkpoints.signedAt')}</th>
            <th scope="col">{t('checkpoints.signature')}</th>
            <th scope="col">{t('checkpoints.cosignedBy')}</th>
          </tr>
        </thead>
        <tbody>
          {[...checkpoints].reverse().map((c) => (
            <tr key={c.treeSize} data-tree-size={c.treeSize}>
              <td>{formatNumber(c.treeSize)}</td>
              <td>
                <code className="hash">{c.rootHash}</code>
              </td>
              <td>{localDateTime(c.signedAt)}</td>
              <td>
                {signatureLines(c.note).map((line) => (
                  <code key={line} className="hash audit-sigline">
                    {line}
                  </code>
                ))}
                <SignatureVerdict result={results[c.treeSize]} />
              </td>
              <td className="audit-cosigners">
                {c.cosignatures?.length ? (
                  <ul className="stack-list">
                    {c.cosignatures.map((cosignature) => (
                      <li key={cosignature.witness}>
                        <code>{cosignature.witness}</code>{' '}
                        <span className="muted">
                          {t('checkpoints.at', {
                            when: localDateTime(new Date(cosignature.timestamp * 1000).toISOString()),
                          })}
                        </span>
                      </li>
                    ))}
                  </ul>
                ) : (
                  <span className="muted">{t('checkpoints.noCosigners')}</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
