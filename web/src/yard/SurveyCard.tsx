/**
 * A yard survey (issue 15), beside the yard map: terminal staff upload the CSV an OCR gantry or a clerk's walk made,
 * and read what it found. The server checks every row and raises an alert for each box missing, unknown or misplaced;
 * nothing on the map moves.
 */
import { useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { apiPostText, isApiError } from '../api.js';
import { Button, Field, Notice } from '../components.js';
import { useAction } from '../use-action.js';

/** The server's report (`POST /v1/terminals/{terminal}/surveys`). */
export interface SurveyReport {
  terminal: string;
  surveyId: string;
  index: number;
  takenFrom: string;
  takenTo: string;
  rowCount: number;
  sighted: number;
  matched: number;
  blocks: string[] | null;
  totals: { missing: number; unknown: number; misplaced: number };
  missing: { visitRef: string; containerNumber: string; loggedSlot: string }[];
  unknown: { containerNumber: string; seenSlot: string; seenAt: string; line: number }[];
  misplaced: {
    visitRef: string;
    containerNumber: string;
    loggedSlot: string;
    seenSlot: string;
    seenAt: string;
    line: number;
  }[];
  notJudged: {
    placedAfterSeen: number;
    placedDuringSurvey: number;
    leftAfterSeen: number;
    outsideScope: number;
  };
  alertsRaised: number;
  /** Visits a high or critical alert of the survey froze. */
  frozen: string[];
}

/** The first lines of a list the report caps; the totals say how many there are. */
const SHOWN = 50;

function SurveyResult({ report }: { report: SurveyReport }) {
  const { t } = useTranslation('yard');
  const { totals } = report;
  const more = (shown: number, total: number) =>
    total > shown ? <p className="field-hint">{t('survey.more', { count: total - shown })}</p> : null;
  const notJudged =
    report.notJudged.placedAfterSeen +
    report.notJudged.placedDuringSurvey +
    report.notJudged.leftAfterSeen +
    report.notJudged.outsideScope;
  return (
    <div className="survey-report" aria-live="polite">
      <Notice
        tone={totals.missing + totals.unknown + totals.misplaced > 0 ? 'warning' : 'success'}
        title={t('survey.recorded', { surveyId: report.surveyId, index: report.index })}
      >
        <p>
          {t('survey.counts', {
            rows: report.rowCount,
            sighted: report.sighted,
            matched: report.matched,
            missing: totals.missing,
            unknown: totals.unknown,
            misplaced: totals.misplaced,
          })}
        </p>
        <p>{t('survey.alerts', { count: report.alertsRaised })}</p>
        {report.frozen.length > 0 ? <p>{t('survey.frozen', { count: report.frozen.length })}</p> : null}
        {notJudged > 0 ? <p>{t('survey.notJudged', { ...report.notJudged })}</p> : null}
      </Notice>
      {totals.missing > 0 ? (
        <div className="table-wrap">
          <h3 id="survey-missing">{t('survey.missingCaption', { count: totals.missing })}</h3>
          <table className="table" aria-labelledby="survey-missing">
            <thead>
              <tr>
                <th scope="col">{t('survey.container')}</th>
                <th scope="col">{t('survey.logged')}</th>
              </tr>
            </thead>
            <tbody>
              {report.missing.slice(0, SHOWN).map((m) => (
                <tr key={m.visitRef}>
                  <td>
                    <a href={`/visits/${encodeURIComponent(m.visitRef)}`}>{m.containerNumber}</a>
                  </td>
                  <td>{m.loggedSlot}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {more(Math.min(SHOWN, report.missing.length), totals.missing)}
      {totals.misplaced > 0 ? (
        <div className="table-wrap">
          <h3 id="survey-misplaced">{t('survey.misplacedCaption', { count: totals.misplaced })}</h3>
          <table className="table" aria-labelledby="survey-misplaced">
            <thead>
              <tr>
                <th scope="col">{t('survey.container')}</th>
                <th scope="col">{t('survey.logged')}</th>
                <th scope="col">{t('survey.seen')}</th>
                <th scope="col">{t('survey.line')}</th>
              </tr>
            </thead>
            <tbody>
              {report.misplaced.slice(0, SHOWN).map((m) => (
                <tr key={m.visitRef}>
                  <td>
                    <a href={`/visits/${encodeURIComponent(m.visitRef)}`}>{m.containerNumber}</a>
                  </td>
                  <td>{m.loggedSlot}</td>
                  <td>{m.seenSlot}</td>
                  <td>{m.line}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {more(Math.min(SHOWN, report.misplaced.length), totals.misplaced)}
      {totals.unknown > 0 ? (
        <div className="table-wrap">
          <h3 id="survey-unknown">{t('survey.unknownCaption', { count: totals.unknown })}</h3>
          <table className="table" aria-labelledby="survey-unknown">
            <thead>
              <tr>
                <th scope="col">{t('survey.container')}</th>
                <th scope="col">{t('survey.seen')}</th>
                <th scope="col">{t('survey.line')}</th>
              </tr>
            </thead>
            <tbody>
              {report.unknown.slice(0, SHOWN).map((u) => (
                <tr key={u.line}>
                  <td>{u.containerNumber}</td>
                  <td>{u.seenSlot}</td>
                  <td>{u.line}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {more(Math.min(SHOWN, report.unknown.length), totals.unknown)}
    </div>
  );
}

export function SurveyCard({ terminal, onRecorded }: { terminal: string; onRecorded?: () => void }) {
  const { t } = useTranslation('yard');
  const [file, setFile] = useState<File>();
  const [blocks, setBlocks] = useState('');
  const { run, busy, done, problem, feedback, prompt } = useAction<SurveyReport>();
  // A bad row names its line: said in the console's language, with the server's reason beside it.
  const badLine =
    isApiError(problem, 'yard.survey_invalid') && typeof problem.problem.details === 'object'
      ? (problem.problem.details as { line?: unknown }).line
      : undefined;

  const upload = () => {
    if (!file) return;
    const query = blocks.trim() === '' ? '' : `?blocks=${encodeURIComponent(blocks.trim())}`;
    void run(
      'survey',
      t('survey.upload'),
      async () =>
        apiPostText<SurveyReport>(
          `/v1/terminals/${encodeURIComponent(terminal)}/surveys${query}`,
          await file.text(),
          'text/csv; charset=utf-8',
        ),
      { done: (report) => report, after: () => onRecorded?.() },
    );
  };

  return (
    <section className="card card-wide survey-card" aria-labelledby="survey-heading">
      <h2 id="survey-heading">{t('survey.heading', { terminal })}</h2>
      <p className="field-hint">
        {/* The header is what the file must hold, word for word: shown as code, not as a sentence's words. */}
        <Trans
          t={t}
          i18nKey="survey.hint"
          values={{ header: 'container,slot,seen_at' }}
          components={{ code: <code /> }}
        />
      </p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          upload();
        }}
      >
        <Field
          label={t('survey.file')}
          type="file"
          accept=".csv,text/csv"
          onChange={(event) => setFile(event.target.files?.[0])}
        />
        <Field
          label={t('survey.blocks')}
          hint={t('survey.blocksHint')}
          value={blocks}
          onChange={(event) => setBlocks(event.target.value)}
        />
        <Button type="submit" variant="primary" busy={busy} aria-disabled={!file || undefined}>
          {t('survey.upload')}
        </Button>
      </form>
      {typeof badLine === 'number' ? (
        <>
          <Notice tone="error" title={t('survey.badLine', { line: badLine })}>
            <p>{isApiError(problem) ? problem.detail : ''}</p>
          </Notice>
          {prompt}
        </>
      ) : (
        feedback
      )}
      {done ? <SurveyResult report={done} /> : null}
    </section>
  );
}
