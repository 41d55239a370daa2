/** The newest signed checkpoints, each signature checked in this browser, with the witnesses that cosigned them. */
import { useEffect, useState } from 'react';
import { localDateTime } from '../clock.js';
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
  if (!result) return <span className="verdict-pending">checking…</span>;
  if (result.status === 'valid')
    return <span className="audit-ok">✓ Signature verified in your browser</span>;
  if (result.status === 'unsupported') return <span className="muted">Not checked: {result.detail}</span>;
  return <span className="audit-bad">✗ Signature not verified: {result.detail}</span>;
}

export function CheckpointList({ checkpoints }: { checkpoints: Checkpoint[] }) {
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
          : { status: 'invalid', detail: 'the root is not base64' };
        if (!live) return;
        setResults((previous) => ({ ...previous, [c.treeSize]: result }));
      }
    })();
    return () => {
      live = false;
    };
  }, [checkpoints]);

  if (checkpoints.length === 0) return <p className="muted">No checkpoint has been signed yet.</p>;
  return (
    <div className="table-wrap">
      <table className="table audit-checkpoints">
        <caption className="visually-hidden">Signed checkpoints, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Size</th>
            <th scope="col">Root hash</th>
            <th scope="col">Signed at</th>
            <th scope="col">Signature</th>
            <th scope="col">Cosigned by</th>
          </tr>
        </thead>
        <tbody>
          {[...checkpoints].reverse().map((c) => (
            <tr key={c.treeSize} data-tree-size={c.treeSize}>
              <td>{c.treeSize.toLocaleString()}</td>
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
                        {cosignature.witness}{' '}
                        <span className="muted">
                          at {localDateTime(new Date(cosignature.timestamp * 1000).toISOString())}
                        </span>
                      </li>
                    ))}
                  </ul>
                ) : (
                  <span className="muted">none (witnesses are asked for the latest checkpoint)</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
