/** The log's growth and its events per hour, drawn as SVG with a table of the same figures for screen readers. */
import { useTranslation } from 'react-i18next';
import { formatNumber, localDateTime } from '../clock.js';
import type { Stats } from './audit-api.js';

const CHART_W = 640;
const CHART_H = 200;
const PAD = { left: 56, right: 12, top: 12, bottom: 28 };

/** Log size at each checkpoint: a line over time, with a table of the same figures for screen readers. */
export function GrowthChart({ growth }: { growth: Stats['growth'] }) {
  const { t } = useTranslation('audit');
  if (growth.length === 0) return <p className="muted">{t('charts.noGrowth')}</p>;
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
  const summary = t('charts.growthSummary', {
    from: formatNumber(first?.treeSize),
    fromWhen: localDateTime(first?.at),
    to: formatNumber(last?.treeSize),
    toWhen: localDateTime(last?.at),
    count: growth.length,
  });
  return (
    <figure className="audit-chart">
      <svg viewBox={`0 0 ${CHART_W} ${CHART_H}`} role="img" aria-label={summary}>
        <line x1={PAD.left} x2={CHART_W - PAD.right} y1={y(0)} y2={y(0)} className="chart-axis" />
        <line x1={PAD.left} x2={PAD.left} y1={PAD.top} y2={y(0)} className="chart-axis" />
        <text x={PAD.left - 6} y={y(maxSize) + 4} textAnchor="end" className="chart-label">
          {formatNumber(maxSize)}
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
        <summary>{t('charts.showTable')}</summary>
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('charts.signedAt')}</th>
              <th scope="col">{t('charts.logSize')}</th>
            </tr>
          </thead>
          <tbody>
            {growth.map((g) => (
              <tr key={`${g.at}-${g.treeSize}`}>
                <td>{localDateTime(g.at)}</td>
                <td>{formatNumber(g.treeSize)}</td>
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
  const { t } = useTranslation('audit');
  if (hours.length === 0) return <p className="muted">{t('charts.noEvents')}</p>;
  const max = Math.max(1, ...hours.map((h) => h.events));
  const total = hours.reduce((sum, h) => sum + h.events, 0);
  const busiest = hours.reduce(
    (best, h) => (h.events > best.events ? h : best),
    hours[0] as Stats['eventsPerHour'][0],
  );
  const band = (CHART_W - PAD.left - PAD.right) / hours.length;
  const barH = (n: number) => (n / max) * (CHART_H - PAD.top - PAD.bottom);
  const summary = `${t('charts.hourlySummary', {
    total: formatNumber(total),
    hours: hours.length,
    busiest: localDateTime(busiest.hour),
    count: formatNumber(busiest.events),
  })}${truncated ? t('charts.truncated') : ''}`;
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
          {formatNumber(max)}
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
        <summary>{t('charts.showTable')}</summary>
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('charts.hourStarting')}</th>
              <th scope="col">{t('charts.events')}</th>
            </tr>
          </thead>
          <tbody>
            {hours.map((h) => (
              <tr key={h.hour}>
                <td>{localDateTime(h.hour)}</td>
                <td>{formatNumber(h.events)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
