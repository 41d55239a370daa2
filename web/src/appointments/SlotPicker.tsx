/**
 * The slots of one terminal day, with what is left of each one's capacity; past and full slots cannot be chosen.
 * Times are the terminal's (the clock rule, clock.ts), so a planner in another zone books what the gate will read.
 */
import { useTranslation } from 'react-i18next';
import { useTerminalClock } from '../clock.js';
import { Loading } from '../components.js';
import type { Slot } from './appointment-api.js';

export function SlotPicker({
  slots,
  terminal,
  value,
  onChange,
}: {
  slots: Slot[];
  terminal: string;
  value: string;
  onChange: (slotId: string) => void;
}) {
  const { t } = useTranslation('appointments');
  const clock = useTerminalClock(terminal);
  const now = Date.now();
  if (slots.length === 0) return <p className="muted">{t('picker.none')}</p>;
  if (clock.pending) return <Loading label={t('picker.waiting')} />;
  return (
    <fieldset className="slot-picker">
      <legend>{t('picker.legend', { zone: clock.label })}</legend>
      <div className="slot-grid">
        {slots.map((slot) => {
          const past = Date.parse(slot.end) <= now;
          const full = slot.remaining <= 0;
          const level = full ? 'full' : slot.remaining / slot.capacity <= 0.3 ? 'low' : 'ok';
          return (
            <label
              key={slot.slotId}
              className={`slot slot-${past ? 'past' : level}${value === slot.slotId ? ' slot-selected' : ''}`}
            >
              <input
                type="radio"
                name="slot"
                value={slot.slotId}
                checked={value === slot.slotId}
                disabled={past || full}
                onChange={() => onChange(slot.slotId)}
              />
              <span className="slot-time">{clock.timeRange(slot.start, slot.end)}</span>
              <span className="slot-free">
                {past
                  ? t('picker.over')
                  : full
                    ? t('picker.full')
                    : t('picker.free', { remaining: slot.remaining, capacity: slot.capacity })}
              </span>
              <span className="slot-bar" aria-hidden="true">
                <span style={{ width: `${Math.round((slot.booked / Math.max(1, slot.capacity)) * 100)}%` }} />
              </span>
            </label>
          );
        })}
      </div>
    </fieldset>
  );
}
