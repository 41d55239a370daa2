/** Pre-advice (COPARN): the line announces one of its boxes before it reaches the port, under its own line code. */
import { type FormEvent, useId, useState } from 'react';
import { isApiError } from '../api.js';
import { Button, Field, Notice, SelectField, type SelectOption } from '../components.js';
import { messageOf } from '../errors.js';
import { useAction } from '../use-action.js';
import { ProblemNotice } from './ProblemNotice.js';
import { type Announcement, announceVisit, type VisitSummary } from './release-api.js';

/** Common ISO 6346 size-types; the server checks the code either way. */
const SIZE_TYPES: SelectOption[] = [
  { value: '22G1', label: "22G1 — 20' general purpose" },
  { value: '42G1', label: "42G1 — 40' general purpose" },
  { value: '45G1', label: "45G1 — 40' high cube" },
  { value: '22R1', label: "22R1 — 20' reefer" },
  { value: '45R1', label: "45R1 — 40' high cube reefer" },
  { value: '22U1', label: "22U1 — 20' open top" },
  { value: '42U1', label: "42U1 — 40' open top" },
  { value: '22T1', label: "22T1 — 20' tank" },
  { value: '22P1', label: "22P1 — 20' flat rack" },
];

/** Pre-advice: the line announces one of its boxes before it reaches the port, under its own line code. */
export function AnnounceForm({ onAnnounced }: { onAnnounced: (visit: VisitSummary) => void }) {
  const headingId = useId();
  const { run, busy, done, problem, clear, prompt } = useAction();
  const [containerNumber, setContainerNumber] = useState('');
  const [sizeType, setSizeType] = useState('45G1');
  const [fullEmpty, setFullEmpty] = useState<Announcement['fullEmpty']>('full');
  const [mode, setMode] = useState<'vessel' | 'truck'>('vessel');
  const [vesselCall, setVesselCall] = useState('');
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
      ...(number ? {} : { container: 'Enter the container number, e.g. MSCU1234565.' }),
      ...(mode === 'vessel' && !call ? { vessel: 'Enter the vessel call the box arrives with.' } : {}),
    };
    setMissing(gaps);
    if (gaps.container || gaps.vessel) return;
    await run(
      'announce',
      'announce the container',
      () =>
        announceVisit({
          containerNumber: number,
          sizeType,
          fullEmpty,
          arrival: mode === 'vessel' ? { mode, vesselCall: call } : { mode },
        }),
      {
        done: (visit) =>
          `${visit.containerNumber} is announced as visit ${visit.visitRef}. Issue its release below; the terminal records its arrival.`,
        after: (visit) => {
          setContainerNumber('');
          onAnnounced(visit);
        },
      },
    );
  }

  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>Announce a container</h2>
      <form className="stack" aria-labelledby={headingId} onSubmit={(event) => void submit(event)} noValidate>
        <p className="muted">
          Pre-advice of one of your line's boxes: the terminal expects it, and you can release it to a
          forwarder or haulier.
        </p>
        {done ? <Notice tone="success">{done}</Notice> : null}
        <ProblemNotice problem={formProblem} />
        <Field
          label="Container number"
          hint="ISO 6346: owner code, category letter, six digits and the check digit."
          value={containerNumber}
          onChange={(event) => setContainerNumber(event.target.value)}
          error={containerError}
          autoComplete="off"
          spellCheck={false}
          maxLength={20}
          required
        />
        <SelectField
          label="Size-type"
          value={sizeType}
          onChange={setSizeType}
          options={SIZE_TYPES}
          error={sizeTypeError}
        />
        <SelectField
          label="Full or empty"
          value={fullEmpty}
          onChange={(value) => setFullEmpty(value === 'empty' ? 'empty' : 'full')}
          options={[
            { value: 'full', label: 'Full' },
            { value: 'empty', label: 'Empty' },
          ]}
        />
        <SelectField
          label="Arrives by"
          value={mode}
          onChange={(value) => setMode(value === 'truck' ? 'truck' : 'vessel')}
          options={[
            { value: 'vessel', label: 'Vessel (discharged at the terminal)' },
            { value: 'truck', label: 'Truck (gated in)' },
          ]}
        />
        {mode === 'vessel' ? (
          <Field
            label="Vessel call"
            hint="The call reference of the vessel bringing the box, as the terminal knows it."
            value={vesselCall}
            onChange={(event) => setVesselCall(event.target.value)}
            error={vesselError}
            autoComplete="off"
            maxLength={35}
            required
          />
        ) : null}
        {prompt}
        <div className="button-row">
          <Button type="submit" variant="primary" busy={busy} busyLabel="Announcing…">
            Announce the container
          </Button>
        </div>
      </form>
    </section>
  );
}
