// `node scripts/run-ts.mjs src/training/bands-eval.ts [--split validation|holdout]
//   [--datasets a,b] [--no-tcn]`: how the shipped bands do, beside a trivial
// baseline (empirical quantiles of each sku's last 52 weeks): the scaled
// pinball loss (M5's uncertainty form), p10–p90 coverage overall and for
// intermittent skus (ADI > 1.32), the share of point bands among selling
// skus, and the coverage of category and grand totals.

import { readFileSync } from 'node:fs';
import { auto } from '../core/backtest/auto';
import { truncate, type BacktestSeries } from '../core/backtest/series';
import { categoryTotals, type ForecastWeek } from '../core/category-totals';
import type { ModelDescriptor } from '../core/model-descriptor';
import { LOCAL_MODELS } from '../core/models/registry';
import { tcnModel } from '../core/models/tcn';
import type { Forecast, Model } from '../core/models/types';
import { quantileSorted } from '../core/stats/quantile';
import { optionValue, parseArgs } from '../node/args';
import { createModelRunner } from '../runtime/model-runner';
import { loadDatasets, type Dataset } from './eval-library';
import { seedDaysDataset, seedLinesDataset } from './intermittent-data';

const args = parseArgs(process.argv.slice(2), ['split', 'datasets']);
const split = (optionValue(args, 'split') ?? 'validation') as 'validation' | 'holdout';
const only = optionValue(args, 'datasets')?.split(',');

const Q = [0.1, 0.5, 0.9] as const;
const pin = (y: number, q: number, tau: number): number =>
  y >= q ? tau * (y - q) : (1 - tau) * (q - y);

/** In-sample mean absolute week-to-week change (M5's scale). */
function m5Scale(y: Float64Array, n: number): number {
  let s = 0;
  for (let t = 1; t < n; t++) s += Math.abs((y[t] as number) - (y[t - 1] as number));
  return n > 1 ? s / (n - 1) : 0;
}

/** Average inter-demand interval over the history since the first sale. */
function adi(y: Float64Array, n: number): number {
  let nz = 0;
  for (let t = 0; t < n; t++) if ((y[t] as number) > 0) nz++;
  return nz > 0 ? n / nz : Infinity;
}

function sellingShare(y: Float64Array, n: number, weeks = 26): number {
  let nz = 0;
  const from = Math.max(0, n - weeks);
  for (let t = from; t < n; t++) if ((y[t] as number) > 0) nz++;
  return n - from > 0 ? nz / (n - from) : 0;
}

/**
 * Bernoulli × size: a sale happens with probability π (share of weeks with
 * a sale over the last `piWeeks`), of a size drawn from the sku's non-zero
 * weeks over its whole history.
 */
function share(y: Float64Array, n: number, weeks: number): number {
  const from = Math.max(0, n - weeks);
  let nz = 0;
  for (let t = from; t < n; t++) if ((y[t] as number) > 0) nz++;
  return n - from > 0 ? nz / (n - from) : 0;
}

function tsbPi(y: Float64Array, n: number, a: number): number {
  let p = share(y, Math.min(n, 13), 13);
  for (let t = 0; t < n; t++) p += a * (+((y[t] as number) > 0) - p);
  return p;
}

function mixture(y: Float64Array, n: number, h: number, piWeeks: number): Forecast {
  const pi =
    piWeeks > 0
      ? share(y, n, piWeeks)
      : piWeeks === -1
        ? Math.max(share(y, n, 26), (share(y, n, 26) + share(y, n, 104)) / 2)
        : piWeeks === -2
          ? tsbPi(y, n, 0.1)
          : Math.max(share(y, n, 26), tsbPi(y, n, 0.05));
  const sizes: number[] = [];
  for (let t = 0; t < n; t++) if ((y[t] as number) > 0) sizes.push(y[t] as number);
  const sorted = Float64Array.from(sizes).sort();
  const q = (tau: number): number =>
    pi <= 0 || sorted.length === 0 || tau <= 1 - pi
      ? 0
      : quantileSorted(sorted, Math.min(1, (tau - (1 - pi)) / pi));
  const f = (v: number) => new Float64Array(h).fill(v);
  let mean = 0;
  for (const v of sizes) mean += v;
  mean = sizes.length ? (mean / sizes.length) * pi : 0;
  return { point: f(mean), p10: f(q(0.1)), p50: f(q(0.5)), p90: f(q(0.9)) };
}

function empirical(y: Float64Array, n: number, h: number): Forecast {
  const last = Float64Array.from(y.subarray(Math.max(0, n - 52), n)).sort();
  const q = Q.map((t) => (last.length ? quantileSorted(last, t) : 0));
  const f = (v: number) => new Float64Array(h).fill(v);
  return { point: f(q[1]!), p10: f(q[0]!), p50: f(q[1]!), p90: f(q[2]!) };
}

class Tally {
  spl = 0;
  splN = 0;
  inside = 0;
  n = 0;
  insideInt = 0;
  nInt = 0;
  sellingWeeks = 0;
  pointBands = 0;
  zeroP90 = 0;
  absE = 0;
  absY = 0;
  add(y: Float64Array, c: number, f: Forecast, h: number): void {
    const scale = m5Scale(y, c);
    const intermittent = adi(y, c) > 1.32;
    const selling = sellingShare(y, c) >= 0.1;
    let loss = 0;
    let m = 0;
    for (let k = 0; k < h && c + k < y.length; k++) {
      const v = y[c + k] as number;
      const lo = f.p10[k] as number;
      const hi = f.p90[k] as number;
      loss += pin(v, lo, 0.1) + pin(v, f.p50[k] as number, 0.5) + pin(v, hi, 0.9);
      this.absE += Math.abs(v - (f.p50[k] as number));
      this.absY += Math.abs(v);
      m++;
      const ok = v >= lo && v <= hi;
      this.inside += +ok;
      this.n++;
      if (intermittent) {
        this.insideInt += +ok;
        this.nInt++;
      }
      if (selling) {
        this.sellingWeeks++;
        if (hi - lo <= 1e-9) this.pointBands++;
        if (hi <= 1e-9) this.zeroP90++;
      }
    }
    if (scale > 0 && m > 0) {
      this.spl += loss / (3 * m * scale);
      this.splN++;
    }
  }
  report(): Record<string, number> {
    const r = (v: number): number => Math.round(v * 10000) / 10000;
    return {
      scaled_pinball: r(this.spl / this.splN),
      wape: r(this.absE / this.absY),
      coverage: r(this.inside / this.n),
      coverage_intermittent: r(this.insideInt / this.nInt),
      intermittent_weeks: this.nInt,
      point_band_share_selling: r(this.pointBands / Math.max(1, this.sellingWeeks)),
      zero_p90_share_selling: r(this.zeroP90 / Math.max(1, this.sellingWeeks)),
    };
  }
}

/** Store-item's category is its store (the store totals a chain plans). */
const catOf = (ds: Dataset, s: BacktestSeries): string =>
  ds.name === 'store_item' ? (s.id.split(' · ')[0] as string) : s.category;

async function evaluate(ds: Dataset, models: readonly Model[]): Promise<void> {
  const h = ds.h;
  const origins = ds.series.map((s) => ds.origins(s));
  const groups = Math.max(0, ...origins.map((o) => o.length));
  const shipped = new Tally();
  const base = new Tally();
  const alt: Record<string, Tally> = {};
  const tally = (k: string): Tally => (alt[k] ??= new Tally());
  let classes: unknown;
  const horizonSum = { n: 0, inside: 0 };
  const totals = { inside: 0, n: 0, edge: 0, name: new Map<string, [number, number]>() };
  for (let g = 0; g < groups; g++) {
    const members: number[] = [];
    origins.forEach((o, i) => {
      if (o.length - groups + g >= 0) members.push(i);
    });
    const cut = members.map((i) => {
      const o = origins[i] as number[];
      return o[o.length - groups + g] as number;
    });
    const hist = members.map((i, m) => truncate(ds.series[i] as BacktestSeries, cut[m]!));
    const res = await auto(hist, models, {
      h,
      ...(process.env.REFIT === '0' ? { refitFinal: false } : {}),
    });
    if (g === groups - 1) classes = res.evidence.conformal.classes;
    const sum = new Map<string, Float64Array>();
    members.forEach((i, m) => {
      const s = ds.series[i] as BacktestSeries;
      const c = cut[m]!;
      const f = res.forecasts[m]!.forecast;
      shipped.add(s.y, c, f, h);
      base.add(s.y, c, empirical(s.y, c, h), h);
      const cls = adi(s.y, c) > 1.32 ? 'int' : 'smooth';
      tally(`shipped_${cls}`).add(s.y, c, f, h);
      tally(`empirical_${cls}`).add(s.y, c, empirical(s.y, c, h), h);
      for (const pw of [26, 52, -1, -2, -3]) {
        const mx = mixture(s.y, c, h, pw);
        tally(`mix${pw}_${cls}`).add(s.y, c, mx, h);
        tally(`hyb${pw}`).add(s.y, c, cls === 'int' ? mx : f, h);
        const keep = { ...mx, p50: f.p50 };
        for (let k = 0; k < h; k++) {
          keep.p10[k] = Math.min(mx.p10[k]!, f.p50[k]!);
          keep.p90[k] = Math.max(mx.p90[k]!, f.p50[k]!);
        }
        tally(`hybp50_${pw}`).add(s.y, c, cls === 'int' ? keep : f, h);
      }
      for (const key of [`cat:${catOf(ds, s)}`, 'total']) {
        const a = sum.get(key) ?? new Float64Array(h).fill(0);
        for (let k = 0; k < h; k++) a[k]! += s.y[c + k] ?? NaN;
        sum.set(key, a);
      }
    });
    const weeks = (f: Forecast): ForecastWeek[] =>
      Array.from({ length: h }, (_, k) => ({
        week_start: String(k),
        horizon_week: k + 1,
        p10: f.p10[k]!,
        p50: f.p50[k]!,
        p90: f.p90[k]!,
      }));
    const skus = members.map((i, m) => ({
      category: catOf(ds, ds.series[i] as BacktestSeries),
      weeks: weeks(res.forecasts[m]!.forecast),
    }));
    const cats = categoryTotals(skus).categories;
    const tot = categoryTotals(skus.map((s) => ({ ...s, category: 'total' }))).categories;
    const levels = [
      ...(cats.length > 1 ? cats.map((c) => [`cat:${c.category}`, c] as const) : []),
      ...tot.map((c) => ['total', c] as const),
    ];
    const engine = res.totals as NonNullable<typeof res.totals>;
    const engineLevels = engine.forecasts.map((f, j) => {
      const key =
        j < engine.categories.length && engine.forecasts.length > 1
          ? `cat:${engine.categories[j]}`
          : 'total';
      return [key, { weeks: weeks(f), over: engine.overWeeks[j]![h - 1]! }] as const;
    });
    const useEngine = !args.flags.has('independent');
    for (const [key, c] of useEngine ? engineLevels : levels) {
      const actual = sum.get(key)!;
      let a = 0,
        lo = 0,
        hi = 0;
      c.weeks.forEach((w, k) => {
        a += actual[k]!;
        lo += w.p10;
        hi += w.p90;
      });
      if ('over' in c) {
        lo = c.over.p10;
        hi = c.over.p90;
      }
      if (Number.isFinite(a)) {
        horizonSum.n++;
        horizonSum.inside += +(a >= lo && a <= hi);
      }
      c.weeks.forEach((w, k) => {
        const y = actual[k]!;
        if (!Number.isFinite(y)) return;
        const ok = y >= w.p10 && y <= w.p90;
        totals.inside += +ok;
        totals.n++;
        if (w.p50 <= w.p10 + 1e-9 || w.p50 >= w.p90 - 1e-9) totals.edge++;
        const t = totals.name.get(key) ?? [0, 0];
        t[0] += +ok;
        t[1]++;
        totals.name.set(key, t);
      });
    }
  }
  const byLevel = Object.fromEntries(
    [...totals.name].map(([k, [a, n]]) => [k, Math.round((1000 * a) / n) / 1000]),
  );
  console.log(
    JSON.stringify({
      dataset: ds.name,
      split,
      classes,
      shipped: shipped.report(),
      empirical52: base.report(),
      alt: Object.fromEntries(Object.entries(alt).map(([k, t]) => [k, t.report()])),
      totals: {
        coverage: Math.round((10000 * totals.inside) / totals.n) / 10000,
        p50_on_edge: totals.edge,
        by_level: byLevel,
        horizon_sum_coverage: Math.round((1000 * horizonSum.inside) / horizonSum.n) / 1000,
      },
    }),
  );
}

const datasets = [
  ...(await loadDatasets(split)),
  ...seedLinesDataset(split),
  ...seedDaysDataset(split),
];
const models: Model[] = [...LOCAL_MODELS];
if (!args.flags.has('no-tcn')) {
  const desc = JSON.parse(readFileSync('models/tcn.json', 'utf8')) as ModelDescriptor;
  const runner = await createModelRunner(readFileSync('models/tcn.onnx'), desc, {
    preferred: 'wasm',
    numThreads: 1,
  });
  models.push(
    tcnModel(desc, (x, b) => runner.run(x, b), { age: false, gender: false, quantity: false }),
  );
}
for (const ds of datasets) {
  if (only && !only.includes(ds.name)) continue;
  if (ds.name === 'store_item') for (const s of ds.series) s.category = catOf(ds, s);
  await evaluate(ds, models);
}
