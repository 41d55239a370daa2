/**
 * The shipping line's release desk at work (MISSION §2, §3): it announces its boxes (pre-advice, COPARN), issues
 * the commercial release of a box to a first party chosen from the party directory, and any release desk or planner
 * names the next party from that directory instead of typing an organisation id.
 */
import { type FormEvent, type ReactNode, useCallback, useEffect, useId, useState } from 'react';
import { isApiError } from './api.js';
import { Button, Field, Loading, Notice, SelectField, type SelectOption } from './components.js';
import { isUnauthenticated, messageOf } from './errors.js';
import { orgKindName } from './labels.js';
import {
  type Announcement,
  announceVisit,
  type Party,
  partyDirectory,
  releaseActions,
  type VisitSummary,
  visitsInStatus,
} from './pickup.js';
import { useSession } from './session.js';
import { useAction } from './use-action.js';

export type Directory =
  | { status: 'off' }
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; parties: Party[] };

/** The party directory, loaded once when the session may read it; `reload` after an error. */
export function usePartyDirectory(enabled: boolean): { directory: Directory; reload: () => void } {
  const { signedOut } = useSession();
  const [directory, setDirectory] = useState<Directory>({ status: enabled ? 'loading' : 'off' });
  const load = useCallback(async () => {
    if (!enabled) return setDirectory({ status: 'off' });
    setDirectory({ status: 'loading' });
    try {
      setDirectory({ status: 'ready', parties: await partyDirectory() });
    } catch (error) {
      if (isUnauthenticated(error)) signedOut();
      else setDirectory({ status: 'error', message: messageOf(error) });
    }
  }, [enabled, signedOut]);
  useEffect(() => {
    void load();
  }, [load]);
  return { directory, reload: () => void load() };
}

/** "Delta Transport (org-hau)" when the directory knows the organisation, its id otherwise. */
export function partyLabel(directory: Directory, orgId: string): string {
  const party = directory.status === 'ready' ? directory.parties.find((p) => p.orgId === orgId) : undefined;
  return party ? `${party.name} (${orgId})` : orgId;
}

const RELEASE_PARTY_KINDS: readonly Party['kind'][] = ['forwarder', 'haulier'];

/**
 * The next party, picked by name from the directory (forwarders and hauliers; never the caller's own organisation).
 * Shows the directory's loading and error states in place of the list.
 */
export function PartyPicker({
  label,
  hint,
  directory,
  reload,
  value,
  onChange,
  exclude,
  error,
  autoFocus,
}: {
  label: string;
  hint?: ReactNode;
  directory: Directory;
  reload: () => void;
  value: string;
  onChange: (orgId: string) => void;
  exclude?: string;
  error?: string | undefined;
  autoFocus?: boolean;
}) {
  if (directory.status === 'off')
    return <p className="muted">You may not read the party directory, so you cannot name a party.</p>;
  if (directory.status === 'loading') return <Loading label="Loading the party directory…" />;
  if (directory.status === 'error')
    return (
      <Notice tone="error" title="The party directory could not be loaded">
        <p>{directory.message}</p>
        <Button onClick={reload}>Try again</Button>
      </Notice>
    );
  const parties = directory.parties.filter(
    (party) => RELEASE_PARTY_KINDS.includes(party.kind) && party.orgId !== exclude,
  );
  if (parties.length === 0)
    return <p className="muted">No forwarder or haulier is registered yet. Ask your port administrator.</p>;
  return (
    <SelectField
      label={label}
      hint={hint}
      error={error}
      value={value}
      onChange={onChange}
      prompt="Choose a forwarder or haulier"
      options={parties.map((party) => ({
        value: party.orgId,
        label: `${party.name} (${party.code}) — ${orgKindName(party.kind)}`,
      }))}
      {...(autoFocus ? { autoFocus } : {})}
    />
  );
}

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

/** The local datetime a `datetime-local` input shows, for an instant. */
function localInput(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

function ProblemNotice({ problem }: { problem: unknown }) {
  if (problem === undefined) return null;
  return (
    <Notice tone="error" title="That did not work">
      <p>{messageOf(problem)}</p>
    </Notice>
  );
}

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

type Boxes =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; visits: VisitSummary[] };

const statusWords: Record<string, string> = { announced: 'announced', in_yard: 'in the yard' };

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
      ...(chosen ? {} : { box: 'Choose the box to release.' }),
      ...(firstParty ? {} : { party: 'Choose the forwarder or haulier who receives the right first.' }),
      ...(Number.isNaN(from.getTime()) || Number.isNaN(until.getTime())
        ? { validity: 'Enter both dates of the validity.' }
        : until <= from
          ? { validity: 'The release must end after it starts.' }
          : {}),
    };
    setMissing(gaps);
    if (!chosen || gaps.party || gaps.validity) return;
    const party = partyLabel(directory, firstParty);
    await run(
      'issue',
      'issue the release',
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
          onIssued(
            `The release of ${chosen.containerNumber} is issued and offered to ${party}. The right moves when they accept.`,
          );
        },
      },
    );
  }

  let boxPicker: ReactNode;
  if (boxes.status === 'loading') boxPicker = <Loading label="Loading your line's boxes…" />;
  else if (boxes.status === 'error')
    boxPicker = (
      <Notice tone="error" title="Your line's boxes could not be loaded">
        <p>{boxes.message}</p>
        <Button onClick={() => void loadBoxes()}>Try again</Button>
      </Notice>
    );
  else if (candidates.length === 0)
    boxPicker = (
      <p className="muted">
        None of your line's announced or in-yard boxes is waiting for a release. Announce one above.
      </p>
    );
  else
    boxPicker = (
      <SelectField
        label="Box"
        hint="Type the container number to jump to it; the visit reference follows it."
        value={visitRef}
        onChange={setVisitRef}
        error={missing.box}
        prompt="Choose a box"
        options={candidates.map((visit) => ({
          value: visit.visitRef,
          label: `${visit.containerNumber} — ${statusWords[visit.status] ?? visit.status} — visit ${visit.visitRef}`,
        }))}
      />
    );

  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>Issue a release</h2>
      <form className="stack" aria-labelledby={headingId} onSubmit={(event) => void submit(event)} noValidate>
        <p className="muted">
          The commercial release of one of your boxes, offered to its first party. Nobody collects with a PIN:
          the right moves party to party, each accepting it.
        </p>
        <ProblemNotice problem={problem} />
        {boxPicker}
        <PartyPicker
          label="First party"
          hint="The forwarder or haulier who receives the right to collect first."
          directory={directory}
          reload={reloadDirectory}
          value={firstParty}
          onChange={setFirstParty}
          error={missing.party}
        />
        <Field
          label="Valid from"
          type="datetime-local"
          value={validFrom}
          onChange={(event) => setValidFrom(event.target.value)}
          required
        />
        <Field
          label="Valid until"
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
            busyLabel="Issuing…"
            aria-disabled={candidates.length === 0 || directory.status !== 'ready' || undefined}
          >
            Issue the release
          </Button>
        </div>
      </form>
    </section>
  );
}
