// Backtest of the shipped recipe on the seed data: `evaluateSeed(options)`;
// the command line is evaluate-cli.ts (`npm run eval`). holdout: the last 12
// complete weeks are held out, the model is retrained on the weeks before
// them, and forecasts from every origin inside the holdout (horizon 4) are
// scored beside baselines on the very same windows. validation: the same
// protocol moved 12 weeks earlier, never touching the holdout. rolling: three
// such blocks before the holdout, pooled — the split the hyper-parameters are
// chosen on.

import { meanLast, naiveLast, sesForecast } from '../core/baselines';
import type { FeaturePresence } from '../core/features';
import {
  ALL_PRESENT,
  buildInputWindow,
  completeWeekIndices,
  hasFullWindow,
  unscaleOutput,
} from '../core/features';
import { coverage, rmse, wape } from '../core/metrics';
import { meanOf, sumOf } from '../core/stats/mean';
import { medianOf } from '../core/stats/quantile';
import type { SkuSeries } from '../core/types';
import { loadSeedData } from './data';
import type { Recipe } from './recipe';
import { inputSpec, RECIPE, runRecipe, withOverrides } from './recipe';
import { predict, toTensors, type TcnConfig, type TcnWeights } from './tcn';
import { initTf } from './tf-backend';

/**
 * Where models/eval-report.json keeps the holdout run of this backtest (tcn8's
 * retraining backtest, beside the model library's `datasets` and `auto`), and
 * tcn8.json's `backtest` embeds it.
 */
export const TCN8_REPORT_KEY = 'tcn8_retraining';

const HOLDOUT_WEEKS = 12;
const HORIZON = 4;

export interface EvalWindow {
  series: number;
  /** Row index of the forecast origin (exclusive end of history). */
  end: number;
  history: number[];
  actual: number[];
}

/** Origins at complete weeks [first, first + count), targets the next HORIZON complete weeks. */
export function evalWindows(
  series: SkuSeries[],
  first: number,
  count: number,
  window: number,
): EvalWindow[] {
  const out: EvalWindow[] = [];
  series.forEach((s, si) => {
    const cidx = completeWeekIndices(s.rows);
    for (let c = first; c < first + count; c++) {
      const end = cidx[c];
      if (end === undefined || !hasFullWindow(s.rows, end, window))
        throw new Error(`origin ${c} unusable for ${s.sku}`);
      const history = cidx
        .filter((i) => i < end)
        .map((i) => (s.rows[i] as SkuSeries['rows'][number]).total_amount);
      const actual: number[] = [];
      for (let h = 0; h < HORIZON; h++) {
        const i = cidx[c + h];
        if (i === undefined) throw new Error(`target week ${c + h} missing for ${s.sku}`);
        actual.push((s.rows[i] as SkuSeries['rows'][number]).total_amount);
      }
      out.push({ series: si, end, history, actual });
    }
  });
  return out;
}

interface Scores {
  wape: number;
  rmse: number;
  /** Σ forecast / Σ actual: above 1 over-forecasts. */
  bias: number;
  coverage_p10_p90?: number;
}

function scorePoint(windows: EvalWindow[], forecast: (w: EvalWindow) => number[]): Scores {
  const y: number[] = [];
  const p: number[] = [];
  for (const w of windows) {
    y.push(...w.actual);
    p.push(...forecast(w));
  }
  return { wape: wape(y, p), rmse: rmse(y, p), bias: sumOf(p) / sumOf(y) };
}

function tcnForecasts(
  cfg: TcnConfig,
  weights: TcnWeights,
  series: SkuSeries[],
  windows: EvalWindow[],
  presence: FeaturePresence,
  recipe: Recipe,
): number[][][] {
  const spec = inputSpec(recipe);
  const L = cfg.window;
  const F = cfg.features;
  const x = new Float32Array(windows.length * L * F);
  const scales: number[] = [];
  windows.forEach((w, i) => {
    const built = buildInputWindow((series[w.series] as SkuSeries).rows, w.end, spec, presence);
    x.set(built.x, i * L * F);
    scales.push(built.scale);
  });
  const tensors = toTensors(weights);
  const y = predict(cfg, tensors, x, windows.length);
  Object.values(tensors).forEach((t) => t.dispose());
  const Q = cfg.quantiles.length;
  return windows.map((_, i) => {
    const money = unscaleOutput(
      y.subarray(i * cfg.horizon * Q, (i + 1) * cfg.horizon * Q),
      scales[i] as number,
      cfg.horizon,
      Q,
    );
    return Array.from({ length: HORIZON }, (_, h) =>
      Array.from({ length: Q }, (_, q) => money[h * Q + q] as number),
    );
  });
}

function scoreTcn(windows: EvalWindow[], fc: number[][][]): Required<Scores> {
  const y: number[] = [];
  const lo: number[] = [];
  const mid: number[] = [];
  const hi: number[] = [];
  windows.forEach((w, i) => {
    w.actual.forEach((v, h) => {
      const q = (fc[i] as number[][])[h] as number[];
      y.push(v);
      lo.push(q[0] as number);
      mid.push(q[1] as number);
      hi.push(q[2] as number);
    });
  });
  return {
    wape: wape(y, mid),
    rmse: rmse(y, mid),
    bias: sumOf(mid) / sumOf(y),
    coverage_p10_p90: coverage(y, lo, hi),
  };
}

const SHRINK_GRID = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];

const round = (v: number): number => Math.round(v * 10000) / 10000;

/** Blocks of HOLDOUT_WEEKS weeks: each retrains without its weeks and forecasts from inside it. */
interface Fold {
  /** 0-based complete week where the block starts: training sees only weeks before it. */
  start: number;
  windows: EvalWindow[];
}

/**
 * holdout: the last block. validation: the block before it. rolling: three
 * blocks starting 36, 30 and 24 weeks before the end (all before the holdout),
 * pooled, so a choice is not decided by one block's level going up or down.
 */
function foldStarts(split: EvalSplit, nComplete: number): number[] {
  if (split === 'holdout') return [nComplete - HOLDOUT_WEEKS];
  if (split === 'validation') return [nComplete - 2 * HOLDOUT_WEEKS];
  if (split === 'rolling') return [36, 30, 24].map((k) => nComplete - k);
  throw new Error('--split must be holdout, validation or rolling');
}

export type EvalSplit = 'holdout' | 'validation' | 'rolling';

export function isEvalSplit(s: string): s is EvalSplit {
  return s === 'holdout' || s === 'validation' || s === 'rolling';
}

export interface EvalOptions {
  /** Training seeds, one retrained model per seed and fold. */
  seeds: number[];
  split: EvalSplit;
  /** `steps=3000,realShare=0.5`: numeric fields of RECIPE to override. */
  overrides?: string | undefined;
  /** Also score p50 pulled toward the long-run level by each strength of SHRINK_GRID. */
  shrinkGrid?: boolean | undefined;
  /** Progress lines (default: none). */
  log?: ((message: string) => void) | undefined;
}

export interface EvalResult {
  /** The JSON report (protocol, per-model scores, summary). */
  report: Record<string, unknown>;
  /** A markdown table of the scores, for a person. */
  table: string;
}

/** Retrains the recipe per seed and fold on the seed data and scores it beside baselines. */
export async function evaluateSeed(options: EvalOptions): Promise<EvalResult> {
  const { seeds, split } = options;
  const recipe = withOverrides(RECIPE, options.overrides);
  const data = await loadSeedData();
  if (!data) throw new Error('seed data not found: evaluation needs ../shared');
  const nComplete = Math.min(...data.series.map((s) => completeWeekIndices(s.rows).length));
  const origins = HOLDOUT_WEEKS - HORIZON + 1;
  const folds: Fold[] = foldStarts(split, nComplete).map((start) => ({
    start,
    windows: evalWindows(data.series, start, origins, recipe.window),
  }));
  const windows = folds.flatMap((f) => f.windows);
  const starts = folds.map((f) => f.start);
  const log = options.log ?? ((): void => {});
  for (const f of folds)
    log(
      `${split}: origins at complete weeks ${f.start}..${f.start + origins - 1} (0-based), ${f.windows.length} windows`,
    );

  await initTf();
  // Rounded scores, one per seed: with all features, and without the demographics.
  const perSeed = (): Record<keyof Required<Scores>, number[]> => ({
    wape: [],
    rmse: [],
    coverage_p10_p90: [],
    bias: [],
  });
  const tcn = perSeed();
  const bare = perSeed();
  const seconds: number[] = [];
  const noDemo = { age: false, gender: false, quantity: false };
  // --shrink-grid: the pooled scores of the same trained weights with p50 pulled
  // toward the long-run level by each strength (how levelShrink is chosen).
  const grid = options.shrinkGrid ? SHRINK_GRID : [];
  const shrinkScores: Record<string, Required<Scores>[]> = {};
  for (const seed of seeds) {
    const full: number[][][] = [];
    const without: number[][][] = [];
    const shrunk: number[][][][] = grid.map(() => []);
    for (const f of folds) {
      const cutoff = (s: SkuSeries): number => completeWeekIndices(s.rows)[f.start] as number;
      const run = runRecipe(seed, data.series, cutoff, () => {}, recipe);
      seconds.push(Math.round(run.seconds));
      full.push(...tcnForecasts(run.cfg, run.weights, data.series, f.windows, ALL_PRESENT, recipe));
      without.push(...tcnForecasts(run.cfg, run.weights, data.series, f.windows, noDemo, recipe));
      grid.forEach((k, i) => {
        const cfg = { ...run.cfg, levelShrink: k };
        shrunk[i]!.push(
          ...tcnForecasts(cfg, run.weights, data.series, f.windows, ALL_PRESENT, recipe),
        );
      });
    }
    grid.forEach((k, i) => {
      const sc = scoreTcn(windows, shrunk[i]!);
      (shrinkScores[String(k)] ??= []).push(sc);
      log(
        `seed ${seed} level shrink ${k}: wape ${sc.wape.toFixed(4)} coverage ${sc.coverage_p10_p90.toFixed(3)} bias ${sc.bias.toFixed(3)}`,
      );
    });
    const s = scoreTcn(windows, full);
    const b = scoreTcn(windows, without);
    for (const k of ['wape', 'rmse', 'coverage_p10_p90', 'bias'] as const) {
      tcn[k].push(round(s[k]));
      bare[k].push(round(b[k]));
    }
    log(
      `seed ${seed}: wape ${s.wape.toFixed(5)} rmse ${s.rmse.toFixed(1)} coverage ${s.coverage_p10_p90.toFixed(3)} bias ${s.bias.toFixed(3)} ` +
        `(no age/gender/quantity: wape ${b.wape.toFixed(4)} coverage ${b.coverage_p10_p90.toFixed(3)})`,
    );
  }
  const flat = (f: (h: number[]) => number) => (w: EvalWindow) =>
    Array(HORIZON).fill(f(w.history)) as number[];
  const baselines = {
    naive_last: scorePoint(windows, flat(naiveLast)),
    mean_8: scorePoint(
      windows,
      flat((h) => meanLast(h, 8)),
    ),
    mean_all: scorePoint(windows, flat(meanOf)),
    median_all: scorePoint(windows, flat(medianOf)),
    ses: scorePoint(
      windows,
      flat((h) => sesForecast(h).level),
    ),
  };
  const report = {
    protocol: {
      split,
      holdout_weeks: HOLDOUT_WEEKS,
      horizon: HORIZON,
      origins,
      windows: windows.length,
      origin_complete_weeks_1based:
        folds.length === 1
          ? [starts[0]! + 1, starts[0]! + origins]
          : starts.map((s) => [s + 1, s + origins]),
      training_weeks: folds.length === 1 ? starts[0] : starts,
      data: data.source,
      seeds,
      recipe:
        options.overrides !== undefined
          ? `RECIPE with ${options.overrides}`
          : 'src/training/recipe.ts RECIPE',
    },
    models: {
      tcn,
      tcn_without_age_gender_quantity: bare,
      ...(grid.length > 0
        ? {
            tcn_level_shrink_grid: Object.fromEntries(
              Object.entries(shrinkScores).map(([k, v]) => [
                k,
                {
                  wape: v.map((x) => round(x.wape)),
                  coverage_p10_p90: v.map((x) => round(x.coverage_p10_p90)),
                  bias: v.map((x) => round(x.bias)),
                },
              ]),
            ),
          }
        : {}),
      ...Object.fromEntries(
        Object.entries(baselines).map(([k, v]) => [
          k,
          { wape: round(v.wape), rmse: round(v.rmse), bias: round(v.bias) },
        ]),
      ),
    },
    summary: {
      tcn_wape_mean: round(meanOf(tcn.wape)),
      tcn_wape_range: [Math.min(...tcn.wape), Math.max(...tcn.wape)],
      tcn_coverage_mean: round(meanOf(tcn.coverage_p10_p90)),
      train_seconds_per_seed: seconds,
    },
  };
  const table = [
    '| model | WAPE | RMSE | p10–p90 coverage |\n|---|---|---|---|',
    `| TCN (seeds ${seeds.join(', ')}) | ${tcn.wape.join(' / ')} | ${tcn.rmse.map((v) => v.toFixed(1)).join(' / ')} | ${tcn.coverage_p10_p90.join(' / ')} |`,
    `| TCN without age/gender/quantity | ${bare.wape.join(' / ')} | ${bare.rmse.map((v) => v.toFixed(1)).join(' / ')} | ${bare.coverage_p10_p90.join(' / ')} |`,
    ...Object.entries(baselines).map(
      ([k, v]) =>
        `| ${k} | ${v.wape.toFixed(4)} | ${v.rmse.toFixed(1)} | | bias ${v.bias.toFixed(3)}`,
    ),
  ].join('\n');
  return { report, table };
}
