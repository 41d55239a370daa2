/** Pre-advice (COPARN): the line announces one of its boxes before it reaches the port, under its own line code. */
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../api.js';
import { Button, Field, Notice, SelectField, type SelectOption } from '../components.js';
import { messageOf } from '../errors.js';
import { useAction } from '../use-action.js';
import { ProblemNotice } from './ProblemNotice.js';
import { type Announcement, announceVisit, type VisitSummary } from './release-api.js';

/** Common ISO 6346 size-types and the words for each; the server checks the code either way. */
const SIZE_TYPES = [
  ['22G1', 'gp20'],
  ['42G1', 'gp40'],
  ['45G1', 'hc40'],
  ['22R1', 'reefer20'],
  ['45R1', 'reefer40'],
  ['22U1', 'openTop20'],
  ['42U1', 'openTop40'],
  ['22T1', 'tank20'],
  ['22P1', 'flatRack20'],
] as const;

/** Pre-advice: the line announces one of its boxes before it reaches the port, under its own line code. */
export function AnnounceForm({ onAnnounced }: { onAnnounced: (visit: VisitSummary) => void }) {
  const { t } = useTranslation('releases');
  const sizeTypes: SelectOption[] = SIZE_TYPES.map(([code, words]) => ({
    value: code,
    label: `${code} — ${t(`announce.sizes.${words}`)}`,
  }));
  const headingId = useId();
  const { run, busy, done, problem, clear, prompt } = useAction();
  const [containerNumber, setContainerNumber] = useState('');
  const [sizeType, setSizeType] = useState('45G1');
  const [fullEmpty, setFullEmpty] = useState<Announcement['fullEmpty']>('full');
  const [mode, setMode] = useState<'vessel' | 'truck'>('vessel');
  const [vesselCall, setVesselCall] = useState('');
  const [billOfLading, setBillOfLading] = useState('');
  const [booking, setBooking] = useState('');
  const [missing, setMissing] = useState<{ container?: string; vessel?: string }>({});

  // The server's refusal of the number (ISO 6346 shape or check digit) or the size-type goes under its field.
  const code = isApiError(problem) ? problem.code : '';
  const containerError =
    missing.container ??
    (code === 'container.malformed' || code === 'container.check_digit' ? messageOf(problem) : undefined);
  const sizeTypeError = code.startsWith('container.size_type') ? messageOf(problem) : undefined;
  const vesselError =
    missing.vessel ?? (code === 'visit.vessel_call_mismatch' ? messageOf(problem) : undefined);
  const formProblem = containerError || sizeTypeError || vesselError ? undefined : problem;

  async function submit(event: FormEvent) {
    event.preventDefault();
    clear();
    const number = containerNumber.trim().toUpperCase();
    const call = vesselCall.trim();
    const gaps = {
      ...(number ? {} : { container: t('announce.numberMissing') }),
      ...(mode === 'vessel' && !call ? { vessel: t('announce.vesselMissing') } : {}),
    };
    setMissing(gaps);
    if (gaps.container || gaps.vessel) return;
    await run(
      'announce',
      t('announce.stepUp'),
      () =>
        announceVisit({
          containerNumber: number,
          sizeType,
          fullEmpty,
          arrival: mode === 'vessel' ? { mode, vesselCall: call } : { mode },
          ...(billOfLading.trim() ? { transportDocumentReference: billOfLading.trim() } : {}),
          ...(booking.trim() ? { carrierBookingReference: booking.trim() } : {}),
        }),
      {
        done: (visit) => t('announce.announced', { number: visit.containerNumber, visit: visit.visitRef }),
        after: (visit) => {
          setContainerNumber('');
          setBillOfLading('');
          setBooking('');
          onAnnounced(visit);
        },
      },
    );
  }

  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('announce.heading')}</h2>
      <form className="stack" aria-labelledby={headingId} onSubmit={(event) => void submit(event)} noValidate>
        <p className="muted">{t('announce.intro')}</p>
        {done ? <Notice tone="success">{done}</Notice> : null}
        <ProblemNotice problem={formProblem} />
        <Field
          label={t('announce.number')}
          hint={t('announce.numberHint')}
          value={containerNumber}
          onChange={(event) => setContainerNumber(event.target.value)}
          error={containerError}
          autoComplete="off"
          spellCheck={false}
          maxLength={20}
          required
        />
        <SelectField
          label={t('announce.sizeType')}
          value={sizeType}
          onChange={setSizeType}
          options={sizeTypes}
          error={sizeTypeError}
        />
        <SelectField
          label={t('announce.fullEmpty')}
          value={fullEmpty}
          onChange={(value) => setFullEmpty(value === 'empty' ? 'empty' : 'full')}
          options={[
            { value: 'full', label: t('announce.full') },
            { value: 'empty', label: t('announce.empty') },
          ]}
        />
        <SelectField
          label={t('announce.arrivesBy')}
          value={mode}
          onChange={(value) => setMode(value === 'truck' ? 'truck' : 'vessel')}
          options={[
            { value: 'vessel', label: t('announce.byVessel') },
            { value: 'truck', label: t('announce.byTruck') },
          ]}
        />
        {mode === 'vessel' ? (
          <Field
            label={t('announce.vesselCall')}
            hint={t('announce.vesselCallHint')}
            value={vesselCall}
            onChange={(event) => setVesselCall(event.target.value)}
            error={vesselError}
            autoComplete="off"
            maxLength={35}
            required
          />
        ) : null}
        <Field
          label={t('announce.billOfLading')}
          hint={t('announce.optional')}
          value={billOfLading}
          onChange={(event) => setBillOfLading(event.target.value)}
          autoComplete="off"
          spellCheck={false}
          maxLength={20}
        />
        <Field
          label={t('announce.booking')}
          hint={t('announce.optional')}
          value={booking}
          onChange={(event) => setBooking(event.target.value)}
          autoComplete="off"
          spellCheck={false}
          maxLength={35}
        />
        {prompt}
        <div className="button-row">
          <Button type="submit" variant="primary" busy={busy} busyLabel={t('announce.announcing')}>
            {t('announce.submit')}
          </Button>
        </div>
      </form>
    </section>
  );
}
