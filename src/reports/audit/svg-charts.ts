/**
 * The audit report's charts as inline SVG strings: no script, no external file, nothing to load,
 * so the report is one self-contained file that opens anywhere (and passes a strict CSP).
 * Hover text comes from SVG <title> elements, which browsers show without script.
 *
 * Each function takes plain numbers and already-chosen strings, escapes every string it writes,
 * and returns one <svg> element sized by its viewBox (the page's CSS lets it shrink to fit).
 */
import type { AnswersOverTime, AuditEstimate, ConfusionCounts } from './audit-report-data';
import {
  count,
  escapeHtml,
  fixed,
  linearScale,
  logScale,
  logTicks,
  mixColor,
  niceCeiling,
  niceTicks,
  percent,
  px,
  truncate,
  utc,
} from './html';

/** Colours shared with the page's CSS. */
export const COLORS = {
  active: '#2563eb',
  flagged: '#d97706',
  blocked: '#dc2626',
  gold: '#1e3a8a',
  grid: '#e5e7eb',
  axis: '#6b7280',
  text: '#111827',
  muted: '#6b7280',
  good: '#16a34a',
  neutral: '#94a3b8',
} as const;

const FONT = 'font-size="11" fill="#6b7280"';
/** A white outline behind text drawn over data, so it stays legible. */
const HALO = 'stroke="#ffffff" stroke-width="3" stroke-linejoin="round" paint-order="stroke"';

/** One worker on the accuracy-vs-volume chart. */
export interface ScatterPoint {
  readonly name: string;
  readonly answers: number;
  readonly goldCorrect: number;
  readonly goldTotal: number;
  readonly accuracy: number;
  readonly lower: number;
  readonly upper: number;
  readonly status: 'ACTIVE' | 'FLAGGED' | 'BLOCKED';
}

/**
 * Gold accuracy (y, with its confidence interval as a whisker) against answers given (x, log
 * scale when volumes span more than 20×). Flagged and blocked workers are coloured and named.
 */
export function accuracyScatter(
  points: readonly ScatterPoint[],
  options: { threshold?: number; level?: number; width?: number; height?: number } = {},
): string {
  const width = options.width ?? 1140;
  const height = options.height ?? 400;
  const m = { left: 52, right: 24, top: 16, bottom: 46 };
  if (points.length === 0) return emptyChart(width, 120, 'No worker has answered a gold task yet.');

  const volumes = points.map(p => Math.max(1, p.answers));
  const minV = Math.min(...volumes);
  const maxV = Math.max(...volumes);
  const useLog = maxV / minV >= 20;
  const x = useLog
    ? logScale(minV / 1.3, maxV * 1.3, m.left, width - m.right)
    : linearScale(0, niceCeiling(maxV, 6), m.left, width - m.right);
  const y = linearScale(0, 1, height - m.bottom, m.top);
  const xTicks = useLog ? logTicks(minV / 1.3, maxV * 1.3) : niceTicks(0, niceCeiling(maxV, 6), 6);

  const parts: string[] = [];
  for (const t of [0, 0.2, 0.4, 0.6, 0.8, 1]) {
    parts.push(
      line(m.left, y(t), width - m.right, y(t), COLORS.grid),
      text(m.left - 8, y(t) + 4, `${t * 100}%`, 'end'),
    );
  }
  for (const t of xTicks) {
    parts.push(
      line(x(t), m.top, x(t), height - m.bottom, COLORS.grid),
      text(x(t), height - m.bottom + 16, count(t), 'middle'),
    );
  }
  parts.push(
    text(
      (m.left + width - m.right) / 2,
      height - 8,
      `answers given${useLog ? ' (log scale)' : ''}`,
      'middle',
    ),
    `<text transform="translate(14 ${px((m.top + height - m.bottom) / 2)}) rotate(-90)" text-anchor="middle" ${FONT}>gold accuracy (${Math.round((options.level ?? 0.95) * 100)}% Wilson CI)</text>`,
  );

  if (options.threshold !== undefined && Number.isFinite(options.threshold)) {
    const ty = y(options.threshold);
    parts.push(
      `<line x1="${px(m.left)}" y1="${px(ty)}" x2="${px(width - m.right)}" y2="${px(ty)}" stroke="${COLORS.blocked}" stroke-width="1.2" stroke-dasharray="6 4"/>`,
      `<text x="${px(m.left + 6)}" y="${px(ty - 5)}" font-size="11" fill="${COLORS.blocked}" ${HALO}>rule threshold ${escapeHtml(percent(options.threshold, 0))}</text>`,
    );
  }

  const order = { ACTIVE: 0, FLAGGED: 1, BLOCKED: 2 } as const;
  const sorted = [...points].sort((a, b) => order[a.status] - order[b.status]);
  const labels: { x: number; y: number; name: string; color: string; anchor: string }[] = [];
  for (const p of sorted) {
    const color = statusColor(p.status);
    const cx = x(Math.max(1, p.answers));
    const tooltip = `${p.name}: ${count(p.answers)} answers; gold ${p.goldCorrect}/${p.goldTotal} = ${percent(p.accuracy)} (CI ${percent(p.lower)}–${percent(p.upper)})${p.status === 'ACTIVE' ? '' : `; ${p.status.toLowerCase()}`}`;
    parts.push(
      `<g><title>${escapeHtml(tooltip)}</title>` +
        `<line x1="${px(cx)}" y1="${px(y(p.lower))}" x2="${px(cx)}" y2="${px(y(p.upper))}" stroke="${color}" stroke-opacity="0.4" stroke-width="1.5"/>` +
        `<line x1="${px(cx - 3)}" y1="${px(y(p.lower))}" x2="${px(cx + 3)}" y2="${px(y(p.lower))}" stroke="${color}" stroke-opacity="0.4"/>` +
        `<line x1="${px(cx - 3)}" y1="${px(y(p.upper))}" x2="${px(cx + 3)}" y2="${px(y(p.upper))}" stroke="${color}" stroke-opacity="0.4"/>` +
        `<circle cx="${px(cx)}" cy="${px(y(p.accuracy))}" r="${p.status === 'ACTIVE' ? 3.5 : 4.5}" fill="${color}" fill-opacity="${p.status === 'ACTIVE' ? 0.75 : 0.95}" stroke="#fff" stroke-width="0.8"/>` +
        '</g>',
    );
    if (p.status !== 'ACTIVE') {
      // Near the right edge the name goes on the left of the dot, so it is not cut off.
      const leftSide = cx > width - m.right - 110;
      labels.push({
        x: leftSide ? cx - 7 : cx + 7,
        y: y(p.accuracy) + 4,
        name: truncate(p.name, 18),
        color,
        anchor: leftSide ? 'end' : 'start',
      });
    }
  }
  // Names of flagged and blocked workers, nudged down so that nearby labels do not overlap.
  labels.sort((a, b) => a.y - b.y || a.x - b.x);
  for (let i = 0; i < labels.length; i++) {
    for (let j = 0; j < i; j++) {
      const sameSide = labels[i].anchor === labels[j].anchor;
      if (sameSide && Math.abs(labels[i].x - labels[j].x) < 90 && labels[i].y - labels[j].y < 12) {
        labels[i].y = labels[j].y + 12;
      }
    }
  }
  for (const label of labels) {
    parts.push(
      `<text x="${px(label.x)}" y="${px(label.y)}" text-anchor="${label.anchor}" font-size="10.5" fill="${label.color}" ${HALO}>${escapeHtml(label.name)}</text>`,
    );
  }
  parts.push(line(m.left, height - m.bottom, width - m.right, height - m.bottom, COLORS.axis));
  return svg(width, height, 'Worker gold accuracy against answers given', parts);
}

/**
 * A confusion matrix as a heat map: rows are reference labels, columns the answers, each row
 * normalised to shares. Diagonal cells (right answers) are blue, the others orange; colour
 * intensity is √share, so a 10% confusion is still visible next to a 90% diagonal.
 */
export function confusionHeatmap(
  counts: ConfusionCounts,
  labels: readonly string[],
  options: {
    cell?: number;
    showLabels?: boolean;
    title?: string;
    /** Column headers (e.g. label keys) when the names are too long for a cell. */
    shortLabels?: readonly string[];
  } = {},
): string {
  const K = labels.length;
  if (K === 0) return emptyChart(200, 60, 'No labels.');
  const showLabels = options.showLabels ?? true;
  const cell = options.cell ?? Math.max(14, Math.min(46, Math.floor(360 / K)));
  const left = showLabels ? 96 : 6;
  const top = showLabels ? 38 : 6;
  const right = showLabels ? 54 : 6;
  const width = left + K * cell + right;
  const height = top + K * cell + 6;
  const parts: string[] = [];
  const maxChars = Math.max(2, Math.floor(cell / 6.5));
  const tooLong = labels.some(l => [...l].length > maxChars);
  const columnLabels = tooLong && options.shortLabels ? options.shortLabels : labels;

  if (showLabels) {
    parts.push(
      `<text x="${px(left + (K * cell) / 2)}" y="11" text-anchor="middle" ${FONT}>answered →</text>`,
    );
    labels.forEach((label, k) => {
      parts.push(
        `<text x="${px(left + k * cell + cell / 2)}" y="${px(top - 7)}" text-anchor="middle" font-size="10.5" fill="${COLORS.text}"><title>${escapeHtml(label)}</title>${escapeHtml(truncate(columnLabels[k] ?? label, maxChars))}</text>`,
        `<text x="${px(left - 6)}" y="${px(top + k * cell + cell / 2 + 4)}" text-anchor="end" font-size="10.5" fill="${COLORS.text}"><title>${escapeHtml(label)}</title>${escapeHtml(truncate(label, 13))}</text>`,
      );
    });
    parts.push(`<text x="${px(left + K * cell + 6)}" y="${px(top - 7)}" ${FONT}>n</text>`);
  }

  for (let r = 0; r < K; r++) {
    const row = counts[r] ?? [];
    let total = 0;
    for (let c = 0; c < K; c++) total += row[c] ?? 0;
    for (let c = 0; c < K; c++) {
      const n = row[c] ?? 0;
      const share = total > 0 ? n / total : NaN;
      const intensity = Number.isFinite(share) ? Math.sqrt(share) : 0;
      const fill = !Number.isFinite(share)
        ? '#f3f4f6'
        : r === c
          ? mixColor('#eff6ff', '#1d4ed8', intensity)
          : mixColor('#fff7ed', '#c2410c', intensity);
      const cx = left + c * cell;
      const cy = top + r * cell;
      const tooltip = `reference ${labels[r]} → answered ${labels[c]}: ${count(n)} of ${count(total)} (${percent(share)})`;
      let label = '';
      if (cell >= 26 && Number.isFinite(share)) {
        const textColor = intensity > 0.62 ? '#ffffff' : COLORS.text;
        label = `<text x="${px(cx + cell / 2)}" y="${px(cy + cell / 2 + 4)}" text-anchor="middle" font-size="${cell >= 40 ? 11.5 : 10}" fill="${textColor}">${Math.round(share * 100)}</text>`;
      }
      parts.push(
        `<g><title>${escapeHtml(tooltip)}</title><rect x="${px(cx)}" y="${px(cy)}" width="${px(cell - 1)}" height="${px(cell - 1)}" fill="${fill}"/>${label}</g>`,
      );
    }
    if (showLabels) {
      parts.push(
        `<text x="${px(left + K * cell + 6)}" y="${px(top + r * cell + cell / 2 + 4)}" ${FONT}>${escapeHtml(count(total))}</text>`,
      );
    }
  }
  return svg(width, height, options.title ?? 'Confusion matrix', parts);
}

/** Bin edges of the confidence histogram: narrower toward 1, where aggregators put most tasks. */
export const CONFIDENCE_EDGES = [0, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 0.999, 1] as const;

/**
 * Histogram of task confidence (the consensus label's posterior). Bins narrow toward 1
 * (`CONFIDENCE_EDGES`, plus the target as an edge) and are drawn with equal widths, so the
 * difference between 0.95 and 0.999, which is where EM aggregators put most tasks, stays
 * visible. Bins at or above the target are green.
 */
export function confidenceHistogram(
  values: readonly number[] | Float64Array,
  options: { target?: number | null; width?: number; height?: number } = {},
): string {
  const width = options.width ?? 540;
  const height = options.height ?? 320;
  const m = { left: 48, right: 12, top: 22, bottom: 46 };
  const target = options.target ?? null;
  const edges: number[] = [...CONFIDENCE_EDGES];
  if (target !== null && target > 0 && target < 1 && !edges.includes(target)) {
    edges.push(target);
    edges.sort((a, b) => a - b);
  }
  const bins = edges.length - 1;
  const counts = new Array<number>(bins).fill(0);
  let n = 0;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    let b = 0;
    while (b < bins - 1 && v >= edges[b + 1]) b++;
    counts[b]++;
    n++;
  }
  if (n === 0) return emptyChart(width, 120, 'No task has a consensus yet.');
  const yMax = niceCeiling(Math.max(...counts));
  const slot = (width - m.left - m.right) / bins;
  const y = linearScale(0, yMax, height - m.bottom, m.top);

  const parts: string[] = [];
  for (const t of niceTicks(0, yMax, 4, true)) {
    parts.push(
      line(m.left, y(t), width - m.right, y(t), COLORS.grid),
      text(m.left - 6, y(t) + 4, count(t), 'end'),
    );
  }
  counts.forEach((c, b) => {
    const x0 = m.left + b * slot;
    const reached = target !== null && edges[b] >= target - 1e-12;
    const color = target === null ? COLORS.active : reached ? COLORS.good : COLORS.neutral;
    const range = `${edgeLabel(edges[b])}–${edgeLabel(edges[b + 1])}`;
    const tooltip = `confidence ${range}: ${count(c)} tasks (${percent(c / n)})`;
    parts.push(
      `<g><title>${escapeHtml(tooltip)}</title><rect x="${px(x0 + 3)}" y="${px(y(c))}" width="${px(slot - 6)}" height="${px(y(0) - y(c))}" fill="${color}" rx="2"/>` +
        (c > 0
          ? `<text x="${px(x0 + slot / 2)}" y="${px(y(c) - 4)}" text-anchor="middle" font-size="10.5" fill="${COLORS.text}">${escapeHtml(count(c))}</text>`
          : '') +
        '</g>',
      text(x0 + slot / 2, height - m.bottom + 14, edgeLabel(edges[b]), 'middle'),
    );
  });
  parts.push(
    line(m.left, y(0), width - m.right, y(0), COLORS.axis),
    text(m.left + bins * slot, height - m.bottom + 14, '1', 'middle'),
    text(
      (m.left + width - m.right) / 2,
      height - 8,
      'posterior of the consensus label (bin lower edges)',
      'middle',
    ),
  );
  return svg(width, height, 'Task confidence histogram', parts);
}

/** 0.999 → ".999", 0 → "0": short, so that narrow bins keep readable labels. */
function edgeLabel(edge: number): string {
  return edge === 0 || edge === 1 ? String(edge) : String(edge).replace(/^0/, '');
}

/** A marker on the time axis (e.g. a rule's BLOCK). */
export interface TimeMarker {
  readonly at: number;
  readonly kind: 'BLOCK' | 'FLAG' | 'OTHER';
  readonly label: string;
}

/**
 * Answers per time bucket as bars (the gold part darker), the cumulative share of all answers as
 * a line on the right axis, and rule actions as markers under the axis.
 */
export function answersOverTimeChart(
  series: AnswersOverTime,
  markers: readonly TimeMarker[] = [],
  options: { width?: number; height?: number } = {},
): string {
  const width = options.width ?? 1140;
  const height = options.height ?? 280;
  const m = { left: 52, right: 48, top: 16, bottom: 58 };
  const buckets = series.buckets;
  if (buckets.length === 0) return emptyChart(width, 120, 'No answers yet.');
  const bucketMs = series.bucketSeconds * 1000;
  const t0 = buckets[0].start;
  const t1 = buckets[buckets.length - 1].start + bucketMs;
  const x = linearScale(t0, t1, m.left, width - m.right);
  const yMax = niceCeiling(Math.max(1, ...buckets.map(b => b.answers)));
  const y = linearScale(0, yMax, height - m.bottom, m.top);
  const yShare = linearScale(0, 1, height - m.bottom, m.top);
  const total = buckets.reduce((sum, b) => sum + b.answers, 0);
  const dateOnly = series.bucketSeconds >= 86400 || t1 - t0 > 4 * 86400_000;

  const parts: string[] = [];
  for (const t of niceTicks(0, yMax, 4, true)) {
    parts.push(
      line(m.left, y(t), width - m.right, y(t), COLORS.grid),
      text(m.left - 6, y(t) + 4, count(t), 'end'),
    );
  }
  for (const s of [0, 0.5, 1]) {
    parts.push(text(width - m.right + 6, yShare(s) + 4, `${s * 100}%`, 'start'));
  }
  const barWidth = Math.max(
    1,
    x(t0 + bucketMs) - x(t0) - (bucketMs > 0 && x(t0 + bucketMs) - x(t0) > 4 ? 1.5 : 0),
  );
  let cumulative = 0;
  const linePoints: string[] = [`${px(x(t0))},${px(yShare(0))}`];
  for (const b of buckets) {
    const bx = x(b.start);
    const gold = Math.min(b.answers, b.goldAnswers ?? 0);
    const tooltip = `${utc(b.start)} UTC: ${count(b.answers)} answers${b.goldAnswers !== undefined ? `, ${count(gold)} on gold` : ''}`;
    parts.push(
      `<g><title>${escapeHtml(tooltip)}</title>` +
        `<rect x="${px(bx)}" y="${px(y(b.answers))}" width="${px(barWidth)}" height="${px(y(0) - y(b.answers))}" fill="${COLORS.active}" fill-opacity="0.55"/>` +
        (gold > 0
          ? `<rect x="${px(bx)}" y="${px(y(gold))}" width="${px(barWidth)}" height="${px(y(0) - y(gold))}" fill="${COLORS.gold}" fill-opacity="0.85"/>`
          : '') +
        '</g>',
    );
    cumulative += b.answers;
    linePoints.push(
      `${px(x(b.start + bucketMs))},${px(yShare(total > 0 ? cumulative / total : 0))}`,
    );
  }
  parts.push(
    `<polyline points="${linePoints.join(' ')}" fill="none" stroke="${COLORS.text}" stroke-width="1.6" stroke-opacity="0.8"/>`,
    line(m.left, y(0), width - m.right, y(0), COLORS.axis),
  );

  for (const t of timeTicks(t0, t1)) {
    parts.push(
      line(x(t), y(0), x(t), y(0) + 4, COLORS.axis),
      text(x(t), y(0) + 16, utc(t, dateOnly), 'middle'),
    );
  }

  const markerY = y(0) + 30;
  for (const marker of markers) {
    if (marker.at < t0 || marker.at > t1) continue;
    const mx = x(marker.at);
    const color =
      marker.kind === 'BLOCK'
        ? COLORS.blocked
        : marker.kind === 'FLAG'
          ? COLORS.flagged
          : COLORS.muted;
    parts.push(
      `<g><title>${escapeHtml(`${utc(marker.at)} UTC: ${marker.label}`)}</title><path d="M${px(mx)},${px(markerY - 7)} l5,9 h-10 z" fill="${color}" fill-opacity="0.85"/></g>`,
    );
  }
  const legendY = height - 8;
  parts.push(
    legendSwatch(m.left, legendY, COLORS.active, 'answers', 0.55),
    legendSwatch(m.left + 90, legendY, COLORS.gold, 'on gold tasks', 0.85),
    `<line x1="${px(m.left + 210)}" y1="${px(legendY - 4)}" x2="${px(m.left + 230)}" y2="${px(legendY - 4)}" stroke="${COLORS.text}" stroke-width="1.6"/>`,
    text(m.left + 236, legendY, 'cumulative share (right axis)', 'start'),
    `<path d="M${px(m.left + 420)},${px(legendY - 9)} l5,9 h-10 z" fill="${COLORS.blocked}"/>`,
    text(m.left + 430, legendY, 'block', 'start'),
    `<path d="M${px(m.left + 480)},${px(legendY - 9)} l5,9 h-10 z" fill="${COLORS.flagged}"/>`,
    text(m.left + 490, legendY, 'flag', 'start'),
  );
  return svg(width, height, 'Answers over time', parts);
}

/** Steps of the time axis: whole hours or whole days (UTC), at most about 8 ticks. */
const TIME_STEPS_MS = [1, 2, 3, 6, 12, 24, 48, 7 * 24, 14 * 24, 28 * 24].map(h => h * 3600_000);

/** Tick times between t0 and t1 aligned to UTC hours or midnights. */
export function timeTicks(t0: number, t1: number): number[] {
  const step =
    TIME_STEPS_MS.find(s => (t1 - t0) / s <= 8) ?? TIME_STEPS_MS[TIME_STEPS_MS.length - 1];
  const ticks: number[] = [];
  for (let t = Math.ceil(t0 / step) * step; t <= t1; t += step) ticks.push(t);
  return ticks;
}

/** One agreement statistic for `agreementChart`. */
export interface AgreementRow {
  readonly name: string;
  readonly estimate: AuditEstimate;
}

/**
 * Agreement statistics as a forest plot: each point with its bootstrap interval, over the bands
 * of Landis and Koch (1977) for reading κ-like values (slight, fair, moderate, substantial,
 * almost perfect); the bands are a convention, not a test.
 */
export function agreementChart(
  rows: readonly AgreementRow[],
  options: { width?: number } = {},
): string {
  const width = options.width ?? 560;
  const rowHeight = 32;
  const m = { left: 172, right: 16, top: 28, bottom: 30 };
  const height = m.top + rows.length * rowHeight + m.bottom;
  const lows = rows.map(r => r.estimate.lower).filter(Number.isFinite);
  const values = rows.map(r => r.estimate.value).filter(Number.isFinite);
  const minValue = Math.min(0, ...lows, ...values);
  const d0 = Math.floor(minValue * 5) / 5;
  const x = linearScale(d0, 1, m.left, width - m.right);
  const parts: string[] = [];

  const bands: [number, number, string][] = [
    [d0, 0, 'poor'],
    [0, 0.2, 'slight'],
    [0.2, 0.4, 'fair'],
    [0.4, 0.6, 'moderate'],
    [0.6, 0.8, 'substantial'],
    [0.8, 1, 'almost perfect'],
  ];
  bands.forEach(([a, b, name], i) => {
    if (b <= a) return;
    parts.push(
      `<rect x="${px(x(a))}" y="${px(m.top - 16)}" width="${px(x(b) - x(a))}" height="${px(rows.length * rowHeight + 16)}" fill="${i % 2 === 0 ? '#f8fafc' : '#f1f5f9'}"/>`,
      `<text x="${px((x(a) + x(b)) / 2)}" y="${px(m.top - 5)}" text-anchor="middle" font-size="9.5" fill="#94a3b8">${escapeHtml(name)}</text>`,
    );
  });
  for (const t of niceTicks(d0, 1, 6)) {
    parts.push(
      line(
        x(t),
        m.top + rows.length * rowHeight,
        x(t),
        m.top + rows.length * rowHeight + 4,
        COLORS.axis,
      ),
      text(x(t), m.top + rows.length * rowHeight + 16, fixed(t, 1), 'middle'),
    );
  }
  parts.push(
    line(
      m.left,
      m.top + rows.length * rowHeight,
      width - m.right,
      m.top + rows.length * rowHeight,
      COLORS.axis,
    ),
  );
  if (d0 < 0)
    parts.push(line(x(0), m.top - 16, x(0), m.top + rows.length * rowHeight, COLORS.axis));

  rows.forEach((row, i) => {
    const cy = m.top + i * rowHeight + rowHeight / 2;
    const { value, lower, upper, level } = row.estimate;
    const interval = Number.isFinite(lower) && Number.isFinite(upper);
    const tooltip = `${row.name}: ${fixed(value, 3)}${interval ? ` (${Math.round(level * 100)}% CI ${fixed(lower, 3)} to ${fixed(upper, 3)})` : ''}`;
    parts.push(
      `<text x="${px(m.left - 10)}" y="${px(cy + 4)}" text-anchor="end" font-size="12" fill="${COLORS.text}">${escapeHtml(row.name)}</text>`,
      `<g><title>${escapeHtml(tooltip)}</title>` +
        (interval
          ? `<line x1="${px(x(lower))}" y1="${px(cy)}" x2="${px(x(upper))}" y2="${px(cy)}" stroke="${COLORS.active}" stroke-width="2.5" stroke-linecap="round"/>`
          : '') +
        (Number.isFinite(value)
          ? `<circle cx="${px(x(value))}" cy="${px(cy)}" r="5" fill="${COLORS.active}" stroke="#fff" stroke-width="1.2"/>`
          : '') +
        '</g>',
    );
  });
  return svg(width, height, 'Agreement statistics', parts);
}

function svg(width: number, height: number, title: string, parts: readonly string[]): string {
  return `<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${px(width)} ${px(height)}" width="${px(width)}" height="${px(height)}" role="img" aria-label="${escapeHtml(title)}">${parts.join('')}</svg>`;
}

function emptyChart(width: number, height: number, message: string): string {
  return svg(width, height, message, [
    `<rect x="0.5" y="0.5" width="${px(width - 1)}" height="${px(height - 1)}" fill="#f9fafb" stroke="${COLORS.grid}" rx="6"/>`,
    `<text x="${px(width / 2)}" y="${px(height / 2 + 4)}" text-anchor="middle" font-size="13" fill="${COLORS.muted}">${escapeHtml(message)}</text>`,
  ]);
}

function line(x1: number, y1: number, x2: number, y2: number, color: string): string {
  return `<line x1="${px(x1)}" y1="${px(y1)}" x2="${px(x2)}" y2="${px(y2)}" stroke="${color}" stroke-width="1"/>`;
}

function text(x: number, y: number, content: string, anchor: 'start' | 'middle' | 'end'): string {
  return `<text x="${px(x)}" y="${px(y)}" text-anchor="${anchor}" ${FONT}>${escapeHtml(content)}</text>`;
}

function legendSwatch(x: number, y: number, color: string, label: string, opacity: number): string {
  return (
    `<rect x="${px(x)}" y="${px(y - 9)}" width="12" height="10" fill="${color}" fill-opacity="${opacity}"/>` +
    text(x + 17, y, label, 'start')
  );
}

function statusColor(status: ScatterPoint['status']): string {
  return status === 'BLOCKED'
    ? COLORS.blocked
    : status === 'FLAGGED'
      ? COLORS.flagged
      : COLORS.active;
}
