/**
 * The line issues the commercial release of one of its boxes to a first party chosen from the party directory
 * (MISSION §2, §3): nobody collects with a PIN, the right moves party to party.
 */
import { type FormEvent, type ReactNode, useCallback, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ComboBox } from '../combo-box.js';
import { Button, Field, Loading, Notice } from '../components.js';
import { isUnauthenticated, messageOf } from '../errors.js';
import { useSession } from '../session.js';
import { useAction } from '../use-action.js';
import { ProblemNotice } from './ProblemNotice.js';
import { type Directory, PartyPicker, partyLabel } from './party-directory.js';
import { releaseActions, type VisitSummary, visitsInStatus } from './release-api.js';

/** The local datetime a `datetime-local` input shows, for an instant. */
function localInput(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

type Boxes =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; visits: VisitSummary[] };

/**
 * The line issues the commercial release of one of its announced or in-yard boxes that has none yet, and offers it
 * to the first party. `released` are the visits already released (the page's "issued" list); `refresh` changes
 * when a box was announced or released, to list the boxes again.
 */
export function IssueReleaseForm({
  directory,
  reloadDirectory,
  released,
  refresh,
  onIssued,
}: {
  directory: Directory;
  reloadDirectory: () => void;
  released: ReadonlySet<string>;
  refresh: number;
  onIssued: (message: string) => void;
}) {
  const { t } = useTranslation('releases');
  const statusWords: Record<string, string> = {
    announced: t('issue.statusAnnounced'),
    in_yard: t('issue.statusInYard'),
  };
  const headingId = useId();
  const { signedOut } = useSession();
  const { run, busy, problem, clear, prompt } = useAction();
  const [boxes, setBoxes] = useState<Boxes>({ status: 'loading' });
  const [visitRef, setVisitRef] = useState('');
  const [firstParty, setFirstParty] = useState('');
  const [validFrom, setValidFrom] = useState(() => localInput(new Date()));
  const [validUntil, setValidUntil] = useState(() => localInput(new Date(Date.now() + 7 * 86_400_000)));
  const [missing, setMissing] = useState<{ box?: string; party?: string; validity?: string }>({});

  const loadBoxes = useCallback(async () => {
    setBoxes({ status: 'loading' });
    try {
      const [inYard, announced] = await Promise.all([visitsInStatus('in_yard'), visitsInStatus('announced')]);
      setBoxes({ status: 'ready', visits: [...inYard, ...announced] });
    } catch (error) {
      if (isUnauthenticated(error)) signedOut();
      else setBoxes({ status: 'error', message: messageOf(error) });
    }
  }, [signedOut]);

  useEffect(() => {
    void refresh;
    void loadBoxes();
  }, [loadBoxes, refresh]);

  const candidates =
    boxes.status === 'ready' ? boxes.visits.filter((visit) => !released.has(visit.visitRef)) : [];
  const chosen = candidates.find((visit) => visit.visitRef === visitRef);

  async function submit(event: FormEvent) {
    event.preventDefault();
    clear();
    const from = new Date(validFrom);
    const until = new Date(validUntil);
    const gaps = {
      ...(chosen ? {} : { box: t('issue.chooseBox') }),
      ...(firstParty ? {} : { party: t('issue.chooseParty') }),
      ...(Number.isNaN(from.getTime()) || Number.isNaN(until.getTime())
        ? { validity: t('issue.bothDates') }
        : until <= from
          ? { validity: t('issue.endAfterStart') }
          : {}),
    };
    setMissing(gaps);
    if (!chosen || gaps.party || gaps.validity) return;
    const party = partyLabel(directory, firstParty);
    await run(
      'issue',
      t('issue.stepUp'),
      () =>
        releaseActions.issue(chosen.visitRef, {
          firstParty,
          validFrom: from.toISOString(),
          validUntil: until.toISOString(),
        }),
      {
        after: () => {
          setVisitRef('');
          setFirstParty('');
          onIssued(t('issue.issued', { number: chosen.containerNumber, party }));
        },
      },
    );
  }

  let boxPicker: ReactNode;
  if (boxes.status === 'loading') boxPicker = <Loading label={t('issue.loadingBoxes')} />;
  else if (boxes.status === 'error')
    boxPicker = (
      <Notice tone="error" title={t('issue.boxesFailed')}>
        <p>{boxes.message}</p>
        <Button onClick={() => void loadBoxes()}>{t('issue.tryAgain')}</Button>
      </Notice>
    );
  else if (candidates.length === 0) boxPicker = <p className="muted">{t('issue.noBoxes')}</p>;
  else
    boxPicker = (
      <ComboBox
        label={t('issue.box')}
        hint={t('issue.boxHint')}
        value={visitRef}
        onChange={setVisitRef}
        error={missing.box}
        placeholder={t('issue.chooseABox')}
        options={candidates.map((visit) => ({
          value: visit.visitRef,
          label: t('issue.boxOption', {
            number: visit.containerNumber,
            status: statusWords[visit.status] ?? visit.status,
          }),
          keywords: visit.visitRef,
        }))}
      />
    );

  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('issue.heading')}</h2>
      <form className="stack" aria-labelledby={headingId} onSubmit={(event) => void submit(event)} noValidate>
        <p className="muted">{t('issue.intro')}</p>
        <ProblemNotice problem={problem} />
        {boxPicker}
        <PartyPicker
          label={t('issue.firstParty')}
          hint={t('issue.firstPartyHint')}
          directory={directory}
          reload={reloadDirectory}
          value={firstParty}
          onChange={setFirstParty}
          error={missing.party}
        />
        <Field
          label={t('issue.validFrom')}
          type="datetime-local"
          value={validFrom}
          onChange={(event) => setValidFrom(event.target.value)}
          required
        />
        <Field
          label={t('issue.validUntil')}
          type="datetime-local"
          value={validUntil}
          onChange={(event) => setValidUntil(event.target.value)}
          error={missing.validity}
          required
        />
        {prompt}
        <div className="button-row">
          <Button
            type="submit"
            variant="primary"
            busy={busy}
            busyLabel={t('issue.issuing')}
            aria-disabled={candidates.length === 0 || directory.status !== 'ready' || undefined}
          >
            {t('issue.submit')}
          </Button>
        </div>
      </form>
    </section>
  );
}
