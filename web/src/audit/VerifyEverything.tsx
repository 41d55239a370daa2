/** The button that verifies the whole log in this browser, its progress, and the verdict. */

import { useEffect, useRef, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { formatNumber } from '../clock.js';
import { Button, Notice } from '../components.js';
import { messageOf } from '../errors.js';
import { type Progress, type Verdict, verifyEverything } from './log-verification.js';

export function VerifyEverything() {
  const { t } = useTranslation('audit');
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
      <p>{t('verify.intro')}</p>
      <div className="button-row">
        <Button variant="primary" busy={running} busyLabel={t('verify.verifying')} onClick={() => void run()}>
          {t('verify.button')}
        </Button>
      </div>
      {progress ? (
        <div className="audit-progress">
          <label htmlFor="audit-progress">
            {t('verify.progress', { done: formatNumber(progress.done), total: formatNumber(progress.total) })}
          </label>
          <progress id="audit-progress" value={progress.done} max={Math.max(progress.total, 1)} />
        </div>
      ) : null}
      {error ? (
        <Notice tone="error" title={t('verify.failed')}>
          <p>{error}</p>
        </Notice>
      ) : null}
      {verdict?.kind === 'ok' ? (
        <Notice tone="success" title={t('verify.ok')}>
          <p>
            <Trans
              t={t}
              i18nKey="verify.okBody"
              values={{ size: formatNumber(verdict.treeSize), root: verdict.rootHash }}
              components={{ code: <code className="hash" /> }}
            />
          </p>
        </Notice>
      ) : null}
      {verdict?.kind === 'bad' ? (
        <Notice
          tone="error"
          title={
            verdict.index !== undefined ? t('verify.badEntry', { index: verdict.index }) : t('verify.bad')
          }
        >
          <p>{verdict.detail}</p>
          {verdict.index !== undefined ? (
            <p>
              <Trans
                t={t}
                i18nKey="verify.firstBad"
                values={{ index: verdict.index }}
                components={{ strong: <strong data-bad-index={verdict.index} /> }}
              />
            </p>
          ) : null}
        </Notice>
      ) : null}
    </div>
  );
}
