/** The Status card: where the box is in its visit, its holds and freeze, and the freeze controls. */
import type { Session } from '../api.js';
import { localDateTime } from '../clock.js';
import { FreezeControls, type FreezeControlsState, FrozenNotice } from './VisitFreeze.js';
import { statusNames, type Visit } from './visit-data.js';

export function VisitSummary({
  session,
  visit,
  freeze,
  signedOut,
  onFrozenChanged,
}: {
  session: Session;
  visit: Visit;
  freeze: FreezeControlsState;
  signedOut: () => void;
  onFrozenChanged: () => void;
}) {
  const active = visit.status === 'announced' || visit.status === 'in_yard';
  // Only a full view (with the yard position fields) tells of freezes; a status view always says `null`.
  const seesFreezes = visit.slotText !== undefined;
  return (
    <section className="card" aria-labelledby="status-heading">
      <h2 id="status-heading">Status</h2>
      <dl className="facts">
        <div>
          <dt>Status</dt>
          <dd>{statusNames[visit.status] ?? visit.status}</dd>
        </div>
        <div>
          <dt>Line · type</dt>
          <dd>
            {visit.line} · {visit.sizeType} · {visit.fullEmpty}
          </dd>
        </div>
        {visit.slotText ? (
          <div>
            <dt>Yard slot</dt>
            <dd className="mono">{visit.slotText}</dd>
          </div>
        ) : null}
        <div>
          <dt>Arrived</dt>
          <dd>{localDateTime(visit.arrivedAt)}</dd>
        </div>
        <div>
          <dt>Holds</dt>
          <dd>
            {visit.holds.length === 0
              ? 'None'
              : visit.holds.map((hold) => (
                  <span key={hold.holdId} className="chip chip-hold">
                    {hold.kind}
                    {hold.reason ? `: ${hold.reason}` : ''}
                  </span>
                ))}
          </dd>
        </div>
        {seesFreezes ? (
          <div>
            <dt>Frozen</dt>
            <dd data-testid="frozen-state">
              {visit.frozen ? (
                <span className="chip" style={{ background: '#e6dcf7', color: '#2e1065', fontWeight: 600 }}>
                  <span aria-hidden="true">❄ </span>Frozen by {visit.frozen.by}
                </span>
              ) : (
                'Not frozen'
              )}
            </dd>
          </div>
        ) : null}
        <div>
          <dt>Visit reference</dt>
          <dd className="mono">{visit.visitRef}</dd>
        </div>
      </dl>
      {visit.frozen ? <FrozenNotice frozen={visit.frozen} /> : null}
      <FreezeControls
        session={session}
        visit={{ ...visit, active, seesFreezes, frozen: Boolean(visit.frozen) }}
        controls={freeze}
        signedOut={signedOut}
        onChanged={onFrozenChanged}
      />
    </section>
  );
}
