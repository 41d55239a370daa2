/**
 * Sending an EDI file from the console (issue 17): `POST /v1/edi/interchanges` applies it for the person's
 * organisation, whole or not at all, and answers per message: applied with the log entries it wrote, or refused with
 * the reason and the segment, the others not applied. A refused file is kept nowhere else, so its answer is shown
 * here in full, with the CONTRL acknowledgement the sender's system would receive.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiPostText, isApiError } from '../api.js';
import { Button, Field, Notice } from '../components.js';
import { useAction } from '../use-action.js';

interface Refusal {
  code: string;
  reason: string;
  segment?: number;
  offset?: number;
  tag?: string;
}

interface MessageAnswer {
  ref: string;
  type: string;
  outcome: 'applied' | 'refused' | 'not_applied';
  summary: string;
  eventIndexes: number[];
  refusal?: Refusal;
}

/** What the server answered: the import's own answer, or the refusal's problem details carrying the same parts. */
interface Answer {
  outcome: 'applied' | 'duplicate' | 'refused';
  controlRef?: string;
  sender?: string;
  reason?: string;
  segment?: number;
  offset?: number;
  messages: MessageAnswer[];
  contrl?: string;
}

function AnswerView({ answer }: { answer: Answer }) {
  const { t } = useTranslation('integrations');
  const typeName = (type: string) =>
    t(`interchanges.types.${type}` as 'interchanges.types.BAPLIE', { defaultValue: type });
  const title =
    answer.outcome === 'applied'
      ? t('import.applied', { count: answer.messages.length })
      : answer.outcome === 'duplicate'
        ? t('import.duplicate')
        : t('import.refused');
  return (
    <div aria-live="polite" data-testid="import-answer">
      <Notice tone={answer.outcome === 'refused' ? 'error' : 'success'} title={title}>
        {answer.outcome === 'refused' ? (
          <p>
            {answer.segment !== undefined ? `${t('import.at', { segment: answer.segment })} ` : null}
            <samp>{answer.reason}</samp>
          </p>
        ) : null}
      </Notice>
      {answer.messages.length > 0 ? (
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">{t('interchanges.messageHeading')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('interchanges.typeColumn')}</th>
                <th scope="col">{t('interchanges.messageRefColumn')}</th>
                <th scope="col">{t('interchanges.outcomeColumn')}</th>
                <th scope="col">{t('interchanges.summaryColumn')}</th>
              </tr>
            </thead>
            <tbody>
              {answer.messages.map((message) => (
                <tr key={message.ref} data-testid="import-message">
                  <td>
                    {typeName(message.type)} <code>{message.type}</code>
                  </td>
                  <td>
                    <code>{message.ref}</code>
                  </td>
                  <td>{t(`import.outcomes.${message.outcome}`)}</td>
                  <td>
                    {message.refusal ? (
                      <>
                        {message.refusal.segment !== undefined
                          ? `${t('import.at', { segment: message.refusal.segment })} `
                          : null}
                        <samp>{message.refusal.reason}</samp>
                      </>
                    ) : (
                      <samp>{message.summary}</samp>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {answer.contrl ? (
        <details>
          <summary>{t('import.contrl')}</summary>
          <pre className="hash">{answer.contrl}</pre>
        </details>
      ) : null}
    </div>
  );
}

/** The refusal's problem details as an answer; undefined when the failure was not the importer's (a 401, say). */
function refusedAnswer(problem: unknown): Answer | undefined {
  if (!isApiError(problem)) return undefined;
  const details = problem.problem.details as
    | { messages?: MessageAnswer[]; contrl?: string; segment?: number; offset?: number; controlRef?: string }
    | undefined;
  if (!details || !Array.isArray(details.messages)) return undefined;
  return {
    outcome: 'refused',
    reason: problem.detail,
    messages: details.messages,
    ...(details.segment !== undefined ? { segment: details.segment } : {}),
    ...(details.contrl !== undefined ? { contrl: details.contrl } : {}),
  };
}

export function ImportInterchange({ onImported }: { onImported: () => void }) {
  const { t } = useTranslation('integrations');
  const [file, setFile] = useState<File>();
  const { run, busy, done, problem, feedback, prompt } = useAction<Answer>({ reload: onImported });
  const refused = refusedAnswer(problem);

  const send = () => {
    if (!file) return;
    void run(
      'import',
      t('import.stepUp'),
      async () => {
        // Bytes as sent, one character per byte (ISO 8859-1): the reader's offsets are byte offsets.
        const bytes = new Uint8Array(await file.arrayBuffer());
        let text = '';
        for (const byte of bytes) text += String.fromCharCode(byte);
        return apiPostText<Answer>('/v1/edi/interchanges', text, 'application/edifact');
      },
      { done: (answer) => answer },
    );
  };

  return (
    <form
      className="admin-form"
      aria-labelledby="import-heading"
      onSubmit={(event) => {
        event.preventDefault();
        send();
      }}
    >
      <h3 id="import-heading">{t('import.heading')}</h3>
      <Field
        label={t('import.file')}
        hint={t('import.hint')}
        type="file"
        accept=".edi,.edifact,.txt,application/edifact,text/plain"
        onChange={(event) => setFile(event.target.files?.[0])}
      />
      <Button
        type="submit"
        variant="primary"
        busy={busy}
        busyLabel={t('import.sending')}
        aria-disabled={!file || undefined}
      >
        {t('import.send')}
      </Button>
      {refused ? (
        <>
          <AnswerView answer={refused} />
          {prompt}
        </>
      ) : (
        feedback
      )}
      {done ? <AnswerView answer={done} /> : null}
    </form>
  );
}
