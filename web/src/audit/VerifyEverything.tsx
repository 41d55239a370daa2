/** The button that verifies the whole log in this browser, its progress, and the verdict. */
import { useEffect, useRef, useState } from 'react';
import { Button, Notice } from '../components.js';
import { messageOf } from '../errors.js';
import { type Progress, type Verdict, verifyEverything } from './log-verification.js';

export function VerifyEverything() {
  const [progress, setProgress] = useState<Progress>();
  const [verdict, setVerdict] = useState<Verdict>();
  const [error, setError] = useState<string>();
  const [running, setRunning] = useState(false);
  const cancelled = useRef(false);
  useEffect(
    () => () => {
      cancelled.current = true;
    },
    [],
  );

  async function run() {
    cancelled.current = false;
    setRunning(true);
    setVerdict(undefined);
    setError(undefined);
    try {
      const result = await verifyEverything(setProgress, () => cancelled.current);
      // Entries before the bad one were checked: show how far the check got.
      const reached = result.kind === 'bad' ? (result.index ?? result.range?.[0]) : undefined;
      if (reached !== undefined) setProgress((p) => (p ? { ...p, done: reached } : p));
      setVerdict(result);
    } catch (caught) {
      setError(messageOf(caught));
    } finally {
      setRunning(false);
    }
  }

  return (
    <div className="audit-verify">
      <p>
        Downloads every entry of the log, hashes each one in your browser (SHA-256 of 0x00 and the leaf bytes)
        and rebuilds the Merkle tree (RFC 9162), then compares its root with the latest signed checkpoint.
      </p>
      <div className="button-row">
        <Button variant="primary" busy={running} busyLabel="Verifying…" onClick={() => void run()}>
          Verify everything
        </Button>
      </div>
      {progress ? (
        <div className="audit-progress">
          <label htmlFor="audit-progress">
            {progress.done.toLocaleString()} of {progress.total.toLocaleString()} entries checked
          </label>
          <progress id="audit-progress" value={progress.done} max={Math.max(progress.total, 1)} />
        </div>
      ) : null}
      {error ? (
        <Notice tone="error" title="The log could not be verified">
          <p>{error}</p>
        </Notice>
      ) : null}
      {verdict?.kind === 'ok' ? (
        <Notice tone="success" title="Verified: every entry is in the signed log">
          <p>
            All {verdict.treeSize.toLocaleString()} entries hash to the root of the latest signed checkpoint,{' '}
            <code className="hash">{verdict.rootHash}</code>.
          </p>
        </Notice>
      ) : null}
      {verdict?.kind === 'bad' ? (
        <Notice
          tone="error"
          title={verdict.index !== undefined ? `Not verified: entry ${verdict.index} is bad` : 'Not verified'}
        >
          <p>{verdict.detail}</p>
          {verdict.index !== undefined ? (
            <p>
              First bad index: <strong data-bad-index={verdict.index}>{verdict.index}</strong>
            </p>
          ) : null}
        </Notice>
      ) : null}
    </div>
  );
}
