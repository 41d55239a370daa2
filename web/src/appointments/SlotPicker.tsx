/** The slots of one day, with what is left of each one's capacity; past and full slots cannot be chosen. */
import { localTime } from '../clock.js';
import type { Slot } from './appointment-api.js';

export function SlotPicker({
  slots,
  value,
  onChange,
}: {
  slots: Slot[];
  value: string;
  onChange: (slotId: string) => void;
}) {
  const now = Date.now();
  if (slots.length === 0) return <p className="muted">The terminal takes no pickups on this day.</p>;
  return (
    <fieldset className="slot-picker">
      <legend>Slot (times in your time zone; free places of each slot)</legend>
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
              <span className="slot-time">
                {localTime(slot.start)}–{localTime(slot.end)}
              </span>
              <span className="slot-free">
                {past ? 'Over' : full ? 'Full' : `${slot.remaining} of ${slot.capacity} free`}
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
