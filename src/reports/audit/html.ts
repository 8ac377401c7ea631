/**
 * Building blocks of the audit report's HTML and SVG: escaping, number and time formats, scales.
 * Every piece of text that enters the markup goes through `escapeHtml` (element content and
 * attribute values alike), so user content (worker names, label names, rule names, reasons)
 * can never open a tag or an attribute.
 */

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML/SVG element content and quoted attribute values. */
export function escapeHtml(text: unknown): string {
  return String(text).replace(/[&<>"']/g, c => ESCAPES[c]);
}

/** `text` cut to `max` characters with an ellipsis (before escaping: counts characters). */
export function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** A number with a fixed number of decimals, or an en dash when it is not finite. */
export function fixed(value: number | null | undefined, decimals = 2): string {
  return value === null || value === undefined || !Number.isFinite(value)
    ? '–'
    : value.toFixed(decimals);
}

/** A proportion as a percentage, e.g. 0.8123 → "81.2%"; an en dash when not finite. */
export function percent(value: number | null | undefined, decimals = 1): string {
  return value === null || value === undefined || !Number.isFinite(value)
    ? '–'
    : `${(value * 100).toFixed(decimals)}%`;
}

/** An integer with thin-space thousands separators (locale-independent). */
export function count(value: number): string {
  if (!Number.isFinite(value)) return '–';
  return Math.round(value)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, '\u2009');
}

/** UTC time as "2026-03-01 14:05" (date only when `dateOnly`). */
export function utc(ms: number, dateOnly = false): string {
  if (!Number.isFinite(ms)) return '–';
  const iso = new Date(ms).toISOString();
  return dateOnly ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

/** A duration in seconds as "7 d", "3 h", "15 min" or "40 s". */
export function humanDuration(seconds: number): string {
  if (seconds % 86400 === 0) return `${seconds / 86400} d`;
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

/** Formats a coordinate for SVG: 1 decimal, no trailing ".0". */
export function px(value: number): string {
  const rounded = Math.round(value * 10) / 10;
  return Object.is(rounded, -0) ? '0' : String(rounded);
}

/** Maps [d0, d1] linearly onto [r0, r1]. */
export function linearScale(d0: number, d1: number, r0: number, r1: number): (x: number) => number {
  const span = d1 - d0 || 1;
  return x => r0 + ((x - d0) / span) * (r1 - r0);
}

/** Maps [d0, d1] (both > 0) onto [r0, r1] on a log scale. */
export function logScale(d0: number, d1: number, r0: number, r1: number): (x: number) => number {
  const l0 = Math.log10(d0);
  const span = Math.log10(d1) - l0 || 1;
  return x => r0 + ((Math.log10(Math.max(x, d0)) - l0) / span) * (r1 - r0);
}

/**
 * About `target` round tick values covering [min, max] (steps of 1, 2 or 5 × 10ⁿ); with
 * `integer`, steps are whole numbers (for counts).
 */
export function niceTicks(min: number, max: number, target = 5, integer = false): number[] {
  if (!(max > min)) return [min];
  const raw = Math.max((max - min) / target, integer ? 1 : 0);
  const exponent = Math.floor(Math.log10(raw));
  const multiple = [1, 2, 5, 10].find(m => m * 10 ** exponent >= raw) ?? 10;
  // Ticks are k · multiple · 10^exponent; for negative exponents divide by 10^-exponent, which
  // is exact for the decimal values we print (0.6, not 0.6000000000000001).
  const tick = (k: number) =>
    exponent < 0 ? (k * multiple) / 10 ** -exponent : k * multiple * 10 ** exponent;
  const step = tick(1);
  const ticks: number[] = [];
  // `+ 0` turns -0 into 0.
  for (let k = Math.ceil(min / step - 1e-9) + 0; tick(k) <= max + step * 1e-9; k++)
    ticks.push(tick(k));
  return ticks;
}

/** The smallest round count (whole 1, 2 or 5 × 10ⁿ steps, about `target` of them) ≥ `max`. */
export function niceCeiling(max: number, target = 4): number {
  if (!(max > 0)) return 1;
  const raw = Math.max(max / target, 1);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map(m => m * magnitude).find(s => s >= raw) ?? raw;
  return Math.ceil(max / step - 1e-9) * step;
}

/** Powers of ten (and 2×, 5× when few) covering [min, max], both > 0, for a log axis. */
export function logTicks(min: number, max: number): number[] {
  const ticks: number[] = [];
  const decades = Math.log10(max) - Math.log10(min);
  const multipliers = decades <= 2 ? [1, 2, 5] : [1];
  for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) {
    for (const m of multipliers) {
      const t = m * 10 ** e;
      if (t >= min && t <= max) ticks.push(t);
    }
  }
  return ticks;
}

/** Linear interpolation between two #rrggbb colours, t in [0, 1]. */
export function mixColor(from: string, to: string, t: number): string {
  const a = parseHex(from);
  const b = parseHex(to);
  const clamped = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0));
  const channel = (i: number) =>
    Math.round(a[i] + (b[i] - a[i]) * clamped)
      .toString(16)
      .padStart(2, '0');
  return `#${channel(0)}${channel(1)}${channel(2)}`;
}

function parseHex(color: string): [number, number, number] {
  const hex = color.replace('#', '');
  return [0, 2, 4].map(i => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
}
