/**
 * The container page's "Actions" card: the daily jobs of the roles that act on a box (holds, yard moves, loading,
 * position corrections, voids). Each control appears only when the session's policy allows its form; the server
 * still checks every request, and a two-person change only waits in the Approvals inbox until someone approves.
 */
import { useEffect, useRef, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import type { Session } from '../api.js';
import { yourTime } from '../clock.js';
import { Button, Notice } from '../components.js';
import { allows } from '../forms/form-schema.js';
import { Link } from '../router.js';
import { HoldForm, LIFT_HOLD, LiftForm, PLACE_HOLD } from './HoldForms.js';
import { LOAD_ONTO_VESSEL, LoadForm } from './LoadForm.js';
import { CORRECT_POSITION, CorrectionForm, MoveForm, RECORD_MOVE } from './PositionForms.js';
import { REQUEST_VOID, VoidForm } from './VoidForm.js';
import {
  type ActionEvent,
  type ActionVisit,
  type HoldKind,
  holdKindsOf,
  kindLabel,
} from './visit-actions-shared.js';

type Open =
  | { form: 'hold' }
  | { form: 'lift'; holdId: string; kind: string }
  | { form: 'move' }
  | { form: 'load' }
  | { form: 'correct' }
  | { form: 'void' };

/**
 * The Actions card, or nothing when the session may do none of them (a read-only investigator sees no card).
 * `onChanged` reloads the page so the timeline shows the new event.
 */
export function VisitActions({
  session,
  visit,
  events,
  onChanged,
  signedOut,
}: {
  session: Session;
  visit: ActionVisit;
  /** The visit's events when the caller may read them. */
  events: ActionEvent[] | undefined;
  onChanged: () => void;
  signedOut: () => void;
}) {
  const { t } = useTranslation('visits');
  const [open, setOpen] = useState<Open>();
  const [done, setDone] = useState<{ message: string; approval: boolean }>();
  const doneRef = useRef<HTMLParagraphElement>(null);
  // The form that had focus is gone once the action is done: keyboard users land on what happened.
  useEffect(() => {
    if (done) doneRef.current?.focus();
  }, [done]);
  const ref = encodeURIComponent(visit.visitRef);
  const active = visit.status === 'announced' || visit.status === 'in_yard';
  const inYard = visit.status === 'in_yard' && Boolean(visit.slot);
  const placeKinds = active ? holdKindsOf(session, PLACE_HOLD.policy) : [];
  const liftKinds = holdKindsOf(session, LIFT_HOLD.policy);
  const liftable = visit.holds.filter((hold) => liftKinds.includes(hold.kind as HoldKind));
  // A password + TOTP session places holds but never lifts one (issue 10, row B): say how to, rather than hide it.
  const liftNeedsPasskey =
    session.method === 'password_totp' &&
    liftable.length === 0 &&
    visit.holds.some((hold) => (session.holdKinds ?? []).includes(hold.kind));
  const mayMove = inYard && allows(session, RECORD_MOVE.policy);
  const mayLoad = visit.status === 'in_yard' && allows(session, LOAD_ONTO_VESSEL.policy);
  const mayCorrect = inYard && allows(session, CORRECT_POSITION.policy);
  const voided = new Set(visit.voidedVersions ?? []);
  const voidable = (events ?? []).filter((event) => !voided.has(event.version));
  const mayVoid = voidable.length > 0 && allows(session, REQUEST_VOID.policy);
  if (placeKinds.length === 0 && liftable.length === 0 && !mayMove && !mayLoad && !mayCorrect && !mayVoid)
    return null;

  const start = (next: Open) => {
    setDone(undefined);
    setOpen(next);
  };
  const finished = (approval: boolean) => (message: string) => {
    setOpen(undefined);
    setDone({ message, approval });
    onChanged();
  };
  const common = { visit, visitPath: ref, signedOut, onCancel: () => setOpen(undefined) };
  const from = visit.slot ?? undefined;

  return (
    <section className="card card-wide" aria-labelledby="actions-heading">
      <h2 id="actions-heading">{t('actions.heading')}</h2>
      {done ? (
        <div className="action-done">
          <Notice tone="success">
            <p role="status" ref={doneRef} tabIndex={-1}>
              {done.message}
            </p>
            {done.approval ? (
              <p>
                <Trans t={t} i18nKey="actions.toFollow" components={{ inbox: <Link to="/approvals" /> }} />
              </p>
            ) : null}
          </Notice>
        </div>
      ) : null}
      {liftable.length > 0 ? (
        <ul className="action-holds" aria-label={t('actions.liftable')}>
          {liftable.map((hold) => (
            <li key={hold.holdId}>
              <span className="chip chip-hold">
                {kindLabel(hold.kind)}
                {hold.reason ? `: ${hold.reason}` : ''}
              </span>{' '}
              <span className="muted">{t('actions.placed', { when: yourTime(hold.placedAt) })}</span>{' '}
              <Button
                size="normal"
                aria-label={t('actions.liftLabel', {
                  hold: kindLabel(hold.kind).toLowerCase(),
                  id: hold.holdId,
                })}
                onClick={() => start({ form: 'lift', holdId: hold.holdId, kind: hold.kind })}
              >
                {t('actions.lift')}
              </Button>
            </li>
          ))}
        </ul>
      ) : null}
      {liftNeedsPasskey ? <p className="muted">{t('actions.liftNeedsPasskey')}</p> : null}
      {open?.form === 'hold' ? (
        <HoldForm {...common} kinds={placeKinds} onDone={finished(false)} />
      ) : open?.form === 'lift' ? (
        <LiftForm
          {...common}
          holdId={open.holdId}
          kind={open.kind}
          onDone={finished(false)}
          onRequested={finished(true)}
        />
      ) : open?.form === 'move' && from ? (
        <MoveForm {...common} from={from} onDone={finished(false)} />
      ) : open?.form === 'load' ? (
        <LoadForm {...common} onDone={finished(false)} />
      ) : open?.form === 'correct' && from ? (
        <CorrectionForm {...common} from={from} onDone={finished(true)} />
      ) : open?.form === 'void' ? (
        <VoidForm {...common} events={voidable} onDone={finished(true)} />
      ) : (
        <div className="button-row">
          {placeKinds.length > 0 ? (
            <Button onClick={() => start({ form: 'hold' })}>{t('actions.placeHold')}</Button>
          ) : null}
          {mayMove ? (
            <Button onClick={() => start({ form: 'move' })}>{t('actions.recordMove')}</Button>
          ) : null}
          {mayLoad ? <Button onClick={() => start({ form: 'load' })}>{t('actions.load')}</Button> : null}
          {mayCorrect ? (
            <Button onClick={() => start({ form: 'correct' })}>{t('actions.correct')}</Button>
          ) : null}
          {mayVoid ? <Button onClick={() => start({ form: 'void' })}>{t('actions.void')}</Button> : null}
        </div>
      )}
    </section>
  );
}
