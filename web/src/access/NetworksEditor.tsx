/**
 * An organisation's client networks (issue 15): its offices' IP ranges and where they are, which the detection engine
 * places sign-ins by (a sign-in from elsewhere is new; two farther apart than a plane flies in between are impossible
 * travel). The administrator edits the rows and saves the whole list, after a passkey step-up; a 400 from the server
 * is shown beside the input it names.
 */
import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiGet, apiPut, isApiError } from '../api.js';
import { yourTime } from '../clock.js';
import { Button, Loading, Notice } from '../components.js';
import { messageOf } from '../errors.js';
import { currentLanguage } from '../i18n/index.js';
import { rawCodesIn } from '../i18n/raw-code.js';
import { useAction } from '../use-action.js';
import type { Organisation } from './admin-api.js';
import {
  checkRows,
  type LocalProblem,
  NETWORK_COLUMNS,
  type NetworkColumn,
  type NetworkRow,
  type OrganisationNetworks,
  problemPlace,
  problemSentence,
  rowKey,
  rowsOf,
} from './org-networks.js';

/** Focuses an input once, as it mounts. */
const focusOnMount = (element: HTMLInputElement | null) => element?.focus();

const emptyRow = (): NetworkRow => ({ key: rowKey(), cidr: '', place: '', lat: '', lon: '' });

export function NetworksEditor({ org, onClose }: { org: Organisation; onClose: () => void }) {
  const { t } = useTranslation('access');
  const id = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const [loaded, setLoaded] = useState<OrganisationNetworks>();
  const [loadError, setLoadError] = useState<string>();
  const [rows, setRows] = useState<NetworkRow[]>([]);
  const [local, setLocal] = useState<Record<string, LocalProblem>>({});
  const [added, setAdded] = useState<number>();
  const { run, busy, done, problem, feedback, prompt, clear } = useAction<string>();
  const path = `/v1/admin/orgs/${encodeURIComponent(org.orgId)}/networks`;

  useEffect(() => {
    let live = true;
    heading.current?.focus();
    apiGet<OrganisationNetworks>(path).then(
      (answer) => {
        if (!live) return;
        setLoaded(answer);
        setRows(rowsOf(answer.networks, currentLanguage() === 'nl'));
      },
      (error: unknown) => {
        if (live) setLoadError(messageOf(error));
      },
    );
    return () => {
      live = false;
    };
  }, [path]);

  // The cell the server's refusal names, in the order the rows were sent (they are not reordered meanwhile: adding
  // or removing a row forgets the refusal).
  const place = isApiError(problem) && problem.status === 400 ? problemPlace(problem.problem) : undefined;
  const serverError = (row: number, column: NetworkColumn): string | undefined => {
    if (!isApiError(problem) || place?.row !== row || place.column !== column) return undefined;
    const detail = problemSentence(problem.detail.trim());
    const value = rows[row]?.[column].trim() ?? '';
    // The server writes English: in Dutch, or when its sentence carries a code, the catalogue's sentence speaks.
    return currentLanguage() === 'en' && detail !== '' && rawCodesIn(detail).length === 0
      ? t('networks.serverProblem', { value, problem: detail })
      : t(`networks.invalid.${column}`);
  };
  const errorOf = (row: number, column: NetworkColumn): string | undefined => {
    const mine = local[`${row}:${column}`];
    return mine ? t(`networks.local.${mine}`) : serverError(row, column);
  };

  const edit = (key: number, column: NetworkColumn, value: string) =>
    setRows((current) => current.map((row) => (row.key === key ? { ...row, [column]: value } : row)));
  const addRow = () => {
    const row = emptyRow();
    setRows((current) => [...current, row]);
    setAdded(row.key);
    setLocal({});
    clear();
  };
  const removeRow = (key: number) => {
    setRows((current) => current.filter((row) => row.key !== key));
    setLocal({});
    clear();
  };

  const save = () => {
    const checked = checkRows(rows);
    if (!checked.ok) {
      clear();
      setLocal(checked.problems);
      return;
    }
    setLocal({});
    void run(
      'networks',
      t('networks.stepUp'),
      () => apiPut<OrganisationNetworks>(path, { networks: checked.networks }),
      {
        stepUp: true,
        done: (answer) => t('networks.saved', { count: answer.networks.length, name: org.name }),
        after: (answer) => {
          setLoaded(answer);
          setRows(rowsOf(answer.networks, currentLanguage() === 'nl'));
        },
      },
    );
  };

  const columnLabel = (column: NetworkColumn) => t(`networks.columns.${column}`);
  const headingId = `${id}-heading`;
  return (
    <section className="admin-form networks-editor" aria-labelledby={headingId}>
      <h3 id={headingId} ref={heading} tabIndex={-1}>
        {t('networks.heading', { name: org.name })}
      </h3>
      <p className="muted">{t('networks.lead')}</p>
      {loadError ? (
        <Notice tone="error" title={t('networks.loadFailed')}>
          <p>{loadError}</p>
        </Notice>
      ) : null}
      {!loaded && !loadError ? <Loading label={t('networks.loading')} /> : null}
      {loaded ? (
        <form
          noValidate
          aria-labelledby={headingId}
          onSubmit={(event) => {
            event.preventDefault();
            save();
          }}
        >
          <p className="field-hint">
            {loaded.setAt
              ? t('networks.declared', { by: loaded.setBy ?? '—', when: yourTime(loaded.setAt) })
              : t('networks.none')}
          </p>
          <p className="field-hint" id={`${id}-coordinates`}>
            {t('networks.coordinatesHint')}
          </p>
          {rows.length > 0 ? (
            <div className="table-wrap">
              <table className="table networks-table">
                <caption className="visually-hidden">{t('networks.heading', { name: org.name })}</caption>
                <thead>
                  <tr>
                    {NETWORK_COLUMNS.map((column) => (
                      <th scope="col" key={column}>
                        {columnLabel(column)}
                      </th>
                    ))}
                    <th scope="col">
                      <span className="visually-hidden">{t('networks.columns.actions')}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((row, index) => (
                    <tr key={row.key}>
                      {NETWORK_COLUMNS.map((column) => {
                        const error = errorOf(index, column);
                        const errorId = `${id}-${row.key}-${column}-error`;
                        const coordinate = column === 'lat' || column === 'lon';
                        return (
                          <td key={column} className={error ? 'field-invalid' : undefined}>
                            <input
                              className="networks-input"
                              aria-label={t(`networks.cellLabel`, {
                                column: columnLabel(column),
                                row: index + 1,
                              })}
                              value={row[column]}
                              onChange={(event) => edit(row.key, column, event.target.value)}
                              aria-invalid={error ? true : undefined}
                              aria-describedby={
                                [error ? errorId : '', coordinate ? `${id}-coordinates` : '']
                                  .filter(Boolean)
                                  .join(' ') || undefined
                              }
                              inputMode={coordinate ? 'decimal' : undefined}
                              autoComplete="off"
                              spellCheck={false}
                              maxLength={column === 'place' ? 100 : 60}
                              // A row just added puts the keyboard on its first input (it asked for it).
                              ref={column === 'cidr' && row.key === added ? focusOnMount : undefined}
                            />
                            {error ? (
                              <p id={errorId} className="field-error">
                                {error}
                              </p>
                            ) : null}
                          </td>
                        );
                      })}
                      <td className="actions">
                        <Button
                          variant="quiet"
                          aria-label={t('networks.removeLabel', {
                            row: index + 1,
                            cidr: row.cidr.trim() || t('networks.emptyRow'),
                          })}
                          onClick={() => removeRow(row.key)}
                        >
                          {t('networks.remove')}
                        </Button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : (
            <p className="muted">{t('networks.noRows')}</p>
          )}
          {place?.row !== undefined || Object.keys(local).length > 0 ? (
            <>
              <Notice tone="error" title={t('networks.notSaved')} />
              {prompt}
            </>
          ) : (
            feedback
          )}
          {done ? <Notice tone="success" title={done} /> : null}
          <div className="button-row">
            <Button onClick={addRow}>{t('networks.add')}</Button>
            <Button type="submit" variant="primary" busy={busy} busyLabel={t('networks.saving')}>
              {t('networks.save')}
            </Button>
            <Button variant="quiet" onClick={onClose}>
              {t('networks.close')}
            </Button>
          </div>
        </form>
      ) : null}
    </section>
  );
}
