/**
 * The budget lines as horizontal bars: each line's appropriation split into spent, committed
 * and available, scaled to the largest line. The table next to it carries the same figures for
 * screen readers; the chart is one labelled image.
 */
import type { Line } from "../api/client";
import { useI18n } from "../i18n";
import { bytes32Text } from "./common";

const ROW = 34;
const LABEL = 150;
const WIDTH = 640;

export function BudgetChart({ lines, title }: { lines: Line[]; title: string }) {
  const { t } = useI18n();
  const max = lines.reduce((m, l) => (BigInt(l.appropriated) > m ? BigInt(l.appropriated) : m), 1n);
  const bar = WIDTH - LABEL - 8;
  const scale = (v: string) => Number((BigInt(v) * BigInt(bar * 1000)) / max) / 1000;
  const height = lines.length * ROW + 8;
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-labelledby="budget-chart-title">
        <title id="budget-chart-title">{title}</title>
        {lines.map((line, i) => {
          const y = i * ROW + 4;
          const spent = scale(line.spent);
          const committed = scale(line.committed);
          const available = scale(line.available);
          return (
            <g key={line.lineId}>
              <text x={LABEL - 6} y={y + 19} textAnchor="end" className="chart-label">
                {truncate(line.label || bytes32Text(line.lineId), 22)}
              </text>
              <rect x={LABEL} y={y} width={spent} height={ROW - 8} className="seg-spent" />
              <rect x={LABEL + spent} y={y} width={committed} height={ROW - 8} className="seg-committed" />
              <rect x={LABEL + spent + committed} y={y} width={available} height={ROW - 8} className="seg-available" />
            </g>
          );
        })}
      </svg>
      <figcaption>
        <ul className="legend">
          <li>
            <span className="swatch seg-spent" aria-hidden="true" /> {t("budget.spent")}
          </li>
          <li>
            <span className="swatch seg-committed" aria-hidden="true" /> {t("budget.committed")}
          </li>
          <li>
            <span className="swatch seg-available" aria-hidden="true" /> {t("budget.available")}
          </li>
        </ul>
      </figcaption>
    </figure>
  );
}

const truncate = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
