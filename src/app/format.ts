// How numbers and weeks read on the page: one place, so every view agrees.
// Money is the file's own unit (no currency is assumed); weeks start on Monday.

import { addDays } from '../core/calendar';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const whole = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

/** 12,345 — money and counts, rounded to whole units; '—' for anything not finite. */
export function formatNumber(v: number | undefined | null): string {
  if (v === undefined || v === null || !Number.isFinite(v)) return '—';
  const s = whole.format(Math.round(v));
  return s === '-0' ? '0' : s;
}

/** 12.3K — for axis ticks. */
export function formatCompact(v: number): string {
  return Number.isFinite(v) ? compact.format(v) : '';
}

/** 8% — a share 0..1; '—' when not finite. */
export function formatPercent(v: number | undefined | null): string {
  if (v === undefined || v === null || !Number.isFinite(v)) return '—';
  return `${Math.round(v * 100)}%`;
}

/** YYYY-MM-DD -> [year, month 1-12, day], or null. */
function parts(iso: string): [number, number, number] | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
}

/** "29 Oct 2024" */
export function formatDay(iso: string): string {
  const p = parts(iso);
  return p ? `${p[2]} ${MONTHS[p[1] - 1]} ${p[0]}` : iso;
}

/** "w/c 29 Oct 2024": the week commencing on that Monday. */
export function formatWeek(iso: string): string {
  return `w/c ${formatDay(iso)}`;
}

/** "29 Oct" — short labels for chart axes. */
export function formatWeekShort(iso: string): string {
  const p = parts(iso);
  return p ? `${p[2]} ${MONTHS[p[1] - 1]}` : iso;
}

/** "19–25 Dec 2022" (or "26 Dec 2022 – 1 Jan 2023"): the Monday-to-Sunday week. */
export function formatWeekRange(monday: string): string {
  const a = parts(monday);
  if (!a) return monday;
  const sunday = addDays(monday, 6);
  const b = parts(sunday);
  if (!b) return monday;
  if (a[0] === b[0] && a[1] === b[1]) return `${a[2]}–${b[2]} ${MONTHS[b[1] - 1]} ${b[0]}`;
  if (a[0] === b[0]) return `${a[2]} ${MONTHS[a[1] - 1]} – ${b[2]} ${MONTHS[b[1] - 1]} ${b[0]}`;
  return `${formatDay(monday)} – ${formatDay(sunday)}`;
}

/** "1.2 MB" */
export function formatBytes(n: number): string {
  if (n < 1e3) return `${n} B`;
  if (n < 1e6) return `${(n / 1e3).toFixed(0)} KB`;
  return `${(n / 1e6).toFixed(1)} MB`;
}

/** "12 ms", "1.4 s" */
export function formatMs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

/** "1 sku" / "2 skus" */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${formatNumber(n)} ${n === 1 ? word : many}`;
}

/** Each model in a planner's words (the alias stays in the exports and the details). */
const MODEL_WORDS: Record<string, string> = {
  naive: "last week's sales",
  seasonal_naive: 'the same week last year',
  historic_average: 'the average of all weeks',
  window_average: 'the average of recent weeks',
  ses: 'smoothed recent sales',
  holt: 'smoothed sales with a trend',
  ets: 'smoothed sales with trend and season (ETS)',
  theta: 'Theta',
  otm: 'optimised Theta',
  drift: 'the trend from first to last week',
  croston: 'Croston (for slow movers)',
  tsb: 'TSB (for slow movers)',
  adida: 'ADIDA (for slow movers)',
  imapa: 'IMAPA (for slow movers)',
  // No comma either: the sku's own level, its category's season.
  category_profile: "recent sales with the category's season",
  tcn: 'the neural network',
  // No comma: it is listed beside other members ("mean of A, B and C").
  tcn_tuned: 'the neural network tuned to this file',
  baseline: 'too little history: the average of all weeks',
};

function oneModel(alias: string): string {
  return MODEL_WORDS[alias] ?? alias;
}

/**
 * What made a forecast, in words: "the neural network", "mean of Theta and
 * optimised Theta" for an ensemble named `mean(theta+otm)` (core's forecastName).
 */
export function modelInWords(name: string): string {
  const m = /^(mean|median)\((.+)\)$/.exec(name);
  if (!m) return oneModel(name);
  const parts = (m[2] as string).split('+').map(oneModel);
  const list =
    parts.length === 1
      ? (parts[0] as string)
      : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1] as string}`;
  return `${m[1] as string} of ${list}`;
}
