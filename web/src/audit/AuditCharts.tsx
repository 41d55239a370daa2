/** The log's growth and its events per hour, drawn as SVG with a table of the same figures for screen readers. */
import { localDateTime } from '../clock.js';
import type { Stats } from './audit-api.js';

const CHART_W = 640;
const CHART_H = 200;
const PAD = { left: 56, right: 12, top: 12, bottom: 28 };

/** Log size at each checkpoint: a line over time, with a table of the same figures for screen readers. */
export function GrowthChart({ growth }: { growth: Stats['growth'] }) {
  if (growth.length === 0) return <p className="muted">No checkpoint yet, so no growth to draw.</p>;
  const times = growth.map((g) => Date.parse(g.at));
  const t0 = Math.min(...times);
  const t1 = Math.max(...times);
  const maxSize = Math.max(1, ...growth.map((g) => g.treeSize));
  const x = (t: number) =>
    PAD.left + (t1 === t0 ? 0.5 : (t - t0) / (t1 - t0)) * (CHART_W - PAD.left - PAD.right);
  const y = (size: number) => CHART_H - PAD.bottom - (size / maxSize) * (CHART_H - PAD.top - PAD.bottom);
  const points = growth.map((g, i) => `${x(times[i] as number).toFixed(1)},${y(g.treeSize).toFixed(1)}`);
  const first = growth[0];
  const last = growth.at(-1);
  const summary = `Log size grew from ${first?.treeSize.toLocaleString()} entries on ${localDateTime(first?.at)} to ${last?.treeSize.toLocaleString()} on ${localDateTime(last?.at)}, over ${growth.length} checkpoints.`;
  return (
    <figure className="audit-chart">
      <svg viewBox={`0 0 ${CHART_W} ${CHART_H}`} role="img" aria-label={summary}>
        <line x1={PAD.left} x2={CHART_W - PAD.right} y1={y(0)} y2={y(0)} className="chart-axis" />
        <line x1={PAD.left} x2={PAD.left} y1={PAD.top} y2={y(0)} className="chart-axis" />
        <text x={PAD.left - 6} y={y(maxSize) + 4} textAnchor="end" className="chart-label">
          {maxSize.toLocaleString()}
        </text>
        <text x={PAD.left - 6} y={y(0)} textAnchor="end" className="chart-label">
          0
        </text>
        <text x={PAD.left} y={CHART_H - 8} className="chart-label">
          {localDateTime(first?.at)}
        </text>
        <text x={CHART_W - PAD.right} y={CHART_H - 8} textAnchor="end" className="chart-label">
          {localDateTime(last?.at)}
        </text>
        <polyline points={points.join(' ')} className="chart-line" />
      </svg>
      <figcaption>{summary}</figcaption>
      <details>
        <summary>Show the figures as a table</summary>
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Signed at</th>
              <th scope="col">Log size</th>
            </tr>
          </thead>
          <tbody>
            {growth.map((g) => (
              <tr key={`${g.at}-${g.treeSize}`}>
                <td>{localDateTime(g.at)}</td>
                <td>{g.treeSize.toLocaleString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}

/** Events per hour: one bar per hour, with a table of the same figures. */
export function HourlyChart({ hours, truncated }: { hours: Stats['eventsPerHour']; truncated: boolean }) {
  if (hours.length === 0) return <p className="muted">No events yet.</p>;
  const max = Math.max(1, ...hours.map((h) => h.events));
  const total = hours.reduce((sum, h) => sum + h.events, 0);
  const busiest = hours.reduce(
    (best, h) => (h.events > best.events ? h : best),
    hours[0] as Stats['eventsPerHour'][0],
  );
  const band = (CHART_W - PAD.left - PAD.right) / hours.length;
  const barH = (n: number) => (n / max) * (CHART_H - PAD.top - PAD.bottom);
  const summary = `${total.toLocaleString()} events over ${hours.length} hours; the busiest hour, ${localDateTime(busiest.hour)}, had ${busiest.events.toLocaleString()}.${truncated ? ' Counting stopped at the scan limit.' : ''}`;
  return (
    <figure className="audit-chart">
      <svg viewBox={`0 0 ${CHART_W} ${CHART_H}`} role="img" aria-label={summary}>
        <line
          x1={PAD.left}
          x2={CHART_W - PAD.right}
          y1={CHART_H - PAD.bottom}
          y2={CHART_H - PAD.bottom}
          className="chart-axis"
        />
        <text x={PAD.left - 6} y={PAD.top + 4} textAnchor="end" className="chart-label">
          {max.toLocaleString()}
        </text>
        <text x={PAD.left - 6} y={CHART_H - PAD.bottom} textAnchor="end" className="chart-label">
          0
        </text>
        {hours.map((h, i) => (
          <rect
            key={h.hour}
            x={PAD.left + i * band + band * 0.1}
            width={band * 0.8}
            y={CHART_H - PAD.bottom - barH(h.events)}
            height={barH(h.events)}
            className="chart-bar"
          >
            <title>{`${localDateTime(h.hour)}: ${h.events}`}</title>
          </rect>
        ))}
        <text x={PAD.left} y={CHART_H - 8} className="chart-label">
          {localDateTime(hours[0]?.hour)}
        </text>
        <text x={CHART_W - PAD.right} y={CHART_H - 8} textAnchor="end" className="chart-label">
          {localDateTime(hours.at(-1)?.hour)}
        </text>
      </svg>
      <figcaption>{summary}</figcaption>
      <details>
        <summary>Show the figures as a table</summary>
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Hour starting</th>
              <th scope="col">Events</th>
            </tr>
          </thead>
          <tbody>
            {hours.map((h) => (
              <tr key={h.hour}>
                <td>{localDateTime(h.hour)}</td>
                <td>{h.events.toLocaleString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
