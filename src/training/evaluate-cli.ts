// `npm run eval -- [--split holdout|validation] [--datasets seed,store_item,m4_weekly]
//   [--models a,b] [--strategy S] [--windows N] [--step S] [--metric wape|scaled_mae]
//   [--top-k K] [--conformal scale=naive_mae,shiftMedian=auto,crossfit=late,edges=widen,...]
//   [--calibration-windows N] [--refit-final] [--earlier WEEKS]
//   [--no-tcn] [--model-dir DIR] [--against-dir DIR] [--out FILE]`
// The model library and auto on the three datasets (eval-library.ts): the
// holdout run writes models/eval-report.json (keeping the tcn8 retraining
// block below) and the table in models/MODEL_CARD.md; a validation run, or
// any run with options that change the recipe, only prints (or writes --out).
// --earlier WEEKS (validation only): every origin that many weeks further
// back, one more fold before the holdout (the network was trained on the
// weeks before the validation windows, so there its forecasts are in-sample;
// every classical fit and calibration is not).
// --against-dir: the TCN of --model-dir against the one in DIR (another seed,
// an ensemble), each run alone on the same windows, as paired bootstrap
// intervals over series; only prints.
// Without ../shared it says so and exits 0.
//
// `npm run eval -- --tcn [--out FILE] [--seeds 1,2,3] [--split holdout|validation|rolling]
//   [--set k=v,...] [--shrink-grid]`: the retraining backtest of the seed's
// 8-week TCN (tcn8) on the seed data (evaluate.ts), JSON to --out or stdout;
// its holdout run is the `tcn8_retraining` block of eval-report.json (its
// `protocol`, `models` and `summary`), which tcn8.json embeds.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { format, resolveConfig } from 'prettier';
import { AUTO_DEFAULTS, CALIBRATION_EARLIER, type AutoOptions } from '../core/backtest/auto';
import { DEFAULT_CONFORMAL, type ConformalOptions } from '../core/backtest/conformal';
import type { SelectionMetric, Strategy } from '../core/backtest/selection';
import type { ModelDescriptor } from '../core/model-descriptor';
import type { Model } from '../core/models/types';
import { tcnModel } from '../core/models/tcn';
import { tcnTunedModel, type TunedModelOptions } from '../core/models/tcn-tuned';
import { optionValue, parseArgs, rejectUnknown } from '../node/args';
import { createModelRunner } from '../runtime/model-runner';
import { libraryEval, type DatasetResult } from './eval-library';
import { pairedClaim } from './eval-claims';
import {
  BOOTSTRAP_INTRO,
  breakdownMarkdown,
  claimLine,
  claimsMarkdown,
  datasetReport,
  markdownTable,
  primaryMetric,
  summarise,
} from './eval-report';
import { evaluateSeed, isEvalSplit, TCN8_REPORT_KEY } from './evaluate';

const REPORT = 'models/eval-report.json';
const CARD = 'models/MODEL_CARD.md';
const CARD_START = '<!-- eval-library:start (npm run eval writes this section) -->';
const CARD_END = '<!-- eval-library:end -->';

/**
 * Times the scored (holdout) windows were looked at while building the
 * library and auto; every choice of the recipe was made on --split validation.
 * 1: naive alone on M4's test set, to check the scoring against the
 * competition's Naive2 (sMAPE 9.161, MASE 2.777: equal); 2: the holdout run
 * of the recipe chosen on validation; 3: ets alone on M4's test set, to find
 * the series where it is far from statsforecast's AutoETS (a model check, no
 * recipe change); 4 and 5: the same holdout run again, with the
 * point-forecast measures and then the fallback shares added to the report
 * (same recipe, same numbers); 6: the holdout run with the sequence TCN
 * (issue 14) joining the library and auto, after its recipe was chosen on
 * validation windows (models/MODEL_CARD.md); 7: the holdout run with the
 * TCN retrained blind to the calendar, chosen before it on validation windows
 * and a leave-store-item-out check (models/MODEL_CARD.md); 8: the same run
 * again, only to write this count into the report (the 7th was made before
 * the count was raised; same numbers); 9: the holdout run with the TCN whose
 * head also reads the series' weeks one season ago (sequence-recipe.ts
 * season), chosen before it on validation windows with two seeds and a
 * leave-store-item-out check; 10: the holdout run with the TCN whose head
 * also reads the weeks two years ago (seasonsBack 2), chosen before it on
 * validation windows with two seeds; 11: the holdout run with the TCN that
 * also reads the series' seasonal index over its whole history where the
 * history passes the seasonality test (sequence-recipe.ts seasonIndex 2),
 * chosen before it on validation windows with two seeds against the same
 * index without the test; 12: the same holdout run after issue 21's refactor
 * of the core, only to show every figure unchanged (they were, but for the
 * fit timings; no choice was made); 13: the holdout run with issue 22's
 * bands (by demand class, the mixture band for slow movers, totals from
 * their own backtest errors, horizon blocks), every choice of which was made
 * on validation windows (models/MODEL_CARD.md), and the two intermittent
 * datasets joining the evaluation; it showed M4's p50 1.4% worse (MASE
 * 2.345 against 2.311), from each demand class's own median shift; 14: the
 * same run after that change (a class sets its band's width, the p50's shift
 * stays the run's pooled one, so the band work cannot move a conformal
 * class's p50), a change made after seeing look 13 (models/MODEL_CARD.md
 * says so); 15: ets alone on M4's test set (issue 28), five variants at once:
 * as shipped, without the seasonal adjustment, a replica of statsforecast's
 * own search (its Nelder–Mead over smoothing parameters and initial states,
 * beta capped at its starting alpha) with and without the adjustment, and beta
 * capped at 0.2 — a model check of where the gap to the reference's 2.42
 * comes from, which showed the adjustment costing MASE on the test set while
 * it gained on validation, and so prompted the search (on validation windows
 * only) that found the strength gate; 16: the holdout run with AutoETS's
 * seasonal adjustment gated by the strength of seasonality (>= 0.3), chosen
 * on M4's validation windows (models/MODEL_CARD.md); 17: the same recipe
 * and models, run to add the breakdown by history length and demand class
 * and the bootstrap intervals of the claims, and with the ended series left
 * out of the scoring (store × item's 3 · 9); it made no choice, but showed
 * the ended rule counting 52 periods, not weeks, on the daily slow movers
 * (21 of seed_days' 90 series dropped as ended after 52 silent days); 18:
 * the same run with the rule counting 52 weeks of days there (none ended),
 * a fix of the evaluation, not of a model or recipe. Against look 16 no
 * model's figure moved but on the datasets that lost 3 · 9: store × item's
 * auto and TCN p50 WAPE 0.0525 → 0.0526 (coverage 0.79 either way, AutoETS
 * 0.0617 unchanged), the thinned store × item's auto 0.6991 → 0.6995; 19:
 * the same run, to add each band edge's hit rates (weeks below and at or
 * below p10 and p90: issue 22's check of a band on whole-number sales), no
 * choice made; 20: tcn_tuned among auto's candidates (its head's budget
 * 2,000 windows), chosen on validation windows and the 5,000-sku timing
 * before this look (models/MODEL_CARD.md, "Tuned head"); 21: the same run,
 * its claims set right (the best classical model had become tcn_tuned, the
 * network itself; tcn_tuned against tcn added), no choice made; 22: the
 * band and the totals' bands also calibrated on the chosen forecast's errors
 * at origins every 4 weeks over the year before the 12 (auto.ts
 * CALIBRATION_EARLIER), chosen on validation windows against 2-week steps
 * and two years (models/MODEL_CARD.md); 23: a slow mover's chance of a sale
 * leaning on its class's (mixture-band.ts SHARE_PRIOR_WEEKS, each class
 * choosing 0, 8 or 26 weeks on its later backtest windows), chosen on the
 * slow-mover datasets' validation windows (models/MODEL_CARD.md); 24: the
 * same run after the class's share stopped reading series without a
 * validation window up to their origin, no choice made; 25: the TCN's
 * season index served only where the season is strong (sequence-recipe.ts
 * servedSeasonIndex, the strength gate ETS applies), chosen on M4's
 * validation windows with the weights unchanged (models/MODEL_CARD.md);
 * 26: the same, scored as a forecast ships it: M4's 13 weeks as two horizon
 * blocks (1–4 and 5–13, each its own auto run, joined), after the join was
 * found reading weeks 5–13 four weeks off (a product fix, found through the
 * CLI; no choice made); 27: a new candidate, category_profile (a SKU's
 * level times its category's season, models/category-profile.ts), chosen on
 * store × item's validation windows and six earlier quarters
 * (models/MODEL_CARD.md). Raise it whenever you look again.
 */
const HOLDOUT_LOOKS = 27;

/** Options that change what is evaluated: a holdout run with any of them is not the shipped report. */
const RECIPE_OPTIONS = [
  'datasets',
  'models',
  'strategy',
  'windows',
  'step',
  'metric',
  'top-k',
  'conformal',
  'calibration-windows',
  'calibration-earlier',
  'tuned-set',
  'earlier',
];

const args = parseArgs(process.argv.slice(2), [
  'out',
  'seeds',
  'split',
  'set',
  ...RECIPE_OPTIONS,
  'model-dir',
  'against-dir',
]);
rejectUnknown(args, ['shrink-grid', 'tcn', 'no-tcn', 'refit-final', 'no-tuned']);
const log = (m: string): void => console.error(m);
const out = optionValue(args, 'out');

if (args.flags.has('tcn')) {
  const split = optionValue(args, 'split') ?? 'holdout';
  if (!isEvalSplit(split)) throw new Error('--split must be holdout, validation or rolling');
  const { report, table } = await evaluateSeed({
    seeds: (optionValue(args, 'seeds') ?? '1,2,3').split(',').map(Number),
    split,
    overrides: optionValue(args, 'set'),
    shrinkGrid: args.flags.has('shrink-grid'),
    log,
  });
  const json = JSON.stringify(report, null, 2) + '\n';
  if (out) writeFileSync(out, json);
  else process.stdout.write(json);
  log(table);
} else {
  await libraryCommand();
}

async function libraryCommand(): Promise<void> {
  const split = optionValue(args, 'split') ?? 'holdout';
  if (split !== 'holdout' && split !== 'validation')
    throw new Error('--split must be holdout or validation (or --tcn for the TCN retraining)');
  const conformal: ConformalOptions = { ...DEFAULT_CONFORMAL };
  for (const pair of optionValue(args, 'conformal')?.split(',') ?? []) {
    const [k, v] = pair.split('=') as [keyof ConformalOptions, string];
    (conformal as unknown as Record<string, unknown>)[k] =
      k === 'scale' || k === 'drift' || k === 'crossfit' || k === 'edges'
        ? v
        : k === 'shiftMedian'
          ? v === 'auto'
            ? 'auto'
            : v === '1'
          : Number(v);
  }
  const autoOptions: Partial<AutoOptions> = { conformal };
  const num = (k: string): number | undefined => {
    const v = optionValue(args, k);
    return v === undefined ? undefined : Number(v);
  };
  const strategy = optionValue(args, 'strategy');
  if (strategy) autoOptions.strategy = strategy as Strategy;
  const metric = optionValue(args, 'metric');
  if (metric) autoOptions.metric = metric as SelectionMetric;
  if (num('windows') !== undefined) autoOptions.nWindows = num('windows') as number;
  if (num('step') !== undefined) autoOptions.stepSize = num('step') as number;
  if (num('top-k') !== undefined) autoOptions.topK = num('top-k') as number;
  if (num('calibration-windows') !== undefined)
    autoOptions.calibrationWindows = num('calibration-windows') as number;
  // --calibration-earlier weeks=52,step=4,minHistory=52 (cross-validation.ts EarlierOrigins) or off
  const earlier = optionValue(args, 'calibration-earlier');
  if (earlier === 'off') autoOptions.calibrationEarlier = null;
  else if (earlier !== undefined) {
    const kv = new Map(earlier.split(',').map((p) => p.split('=') as [string, string]));
    autoOptions.calibrationEarlier = {
      weeks: Number(kv.get('weeks') ?? 52),
      step: Number(kv.get('step') ?? 4),
      minHistory: Number(kv.get('minHistory') ?? 52),
    };
  }
  if (args.flags.has('refit-final')) autoOptions.refitFinal = true;
  const shipped =
    split === 'holdout' &&
    !RECIPE_OPTIONS.some((k) => optionValue(args, k) !== undefined) &&
    !args.flags.has('refit-final') &&
    !args.flags.has('no-tcn') &&
    !args.flags.has('no-tuned');

  // --model-dir: another training's tcn.onnx + tcn.json (npm run train -- --out DIR).
  const dir = optionValue(args, 'model-dir') ?? 'models';
  const tcn = args.flags.has('no-tcn') ? undefined : await tcnFrom(dir);
  const fold = Number(optionValue(args, 'earlier') ?? 0);
  if (!(Number.isInteger(fold) && fold >= 0)) throw new Error('--earlier takes whole weeks');
  const against = optionValue(args, 'against-dir');
  if (against !== undefined) {
    // A holdout comparison would be an uncounted look at the scored weeks.
    if (split !== 'validation')
      throw new Error('--against-dir compares on --split validation only');
    await compareTcns(split, fold, dir, tcn, against);
    return;
  }
  // tcn_tuned is among the candidates with the TCN (with --models, only if
  // named); --no-tuned leaves it out, auto as before issue 28; --tuned-set
  // k=v,…: its head's options (tuned-head.ts TunedHeadOptions).
  const tcnTuned = tcn && !args.flags.has('no-tuned') ? await tunedFrom(dir) : undefined;
  const results = await libraryEval({
    split,
    earlier: fold,
    datasets: optionValue(args, 'datasets')?.split(','),
    models: optionValue(args, 'models')?.split(','),
    autoOptions,
    tcn,
    tcnTuned,
    log,
  });
  if (results.length === 0) {
    log(
      fold > 0
        ? 'no dataset has a window that far back: nothing to evaluate'
        : 'no evaluation data (../shared/data is absent): nothing to evaluate',
    );
    return;
  }
  const tables: string[] = [];
  for (const r of results) {
    const s = summarise(r);
    const text =
      `### ${r.name} (${split}): ${r.series} series, ${r.windows} windows, h = ${r.h}\n\n` +
      `Best single model (hindsight, ${s.metric === 'mase' ? 'MASE' : 'p50 WAPE'}): ${s.best_single}; ` +
      `auto ranks ${s.auto_rank} among the single models, ${(100 * s.auto_vs_best).toFixed(1)}% from the best.\n\n` +
      markdownTable(r) +
      '\n\n' +
      breakdownMarkdown(r) +
      (r.ended.length > 0
        ? `\n\nLeft out, ended before the first scored origin: ${r.ended.join(', ')}.`
        : '') +
      (claimsMarkdown(r) ? `\n\n${claimsMarkdown(r)}` : '');
    tables.push(text);
    log(`\n${text}\n(${(r.seconds ?? 0).toFixed(1)} s)`);
  }
  const recipe = {
    ...AUTO_DEFAULTS,
    conformal: DEFAULT_CONFORMAL,
    calibrationEarlier: CALIBRATION_EARLIER,
    ...autoOptions,
  };
  const report: Record<string, unknown> = {
    datasets: Object.fromEntries(
      results.map((r) => [r.name, datasetReport(r, protocolOf(r, split))]),
    ),
    auto: {
      recipe,
      chosen_on:
        'validation windows that end before the scored ones (npm run eval -- --split validation); ' +
        'the strategy that won across the three datasets is shipped',
      holdout_looks: HOLDOUT_LOOKS,
    },
  };
  const json = (doc: unknown): string => JSON.stringify(doc, null, 2) + '\n';
  if (out) {
    writeFileSync(out, json(report));
  } else if (shipped) {
    // The tcn8 retraining block (tcn8.json embeds it) stays as `npm run eval -- --tcn` made it.
    const old = existsSync(REPORT)
      ? (JSON.parse(readFileSync(REPORT, 'utf8')) as Record<string, unknown>)
      : {};
    const kept = TCN8_REPORT_KEY in old ? { [TCN8_REPORT_KEY]: old[TCN8_REPORT_KEY] } : {};
    writeFileSync(REPORT, json({ ...report, ...kept }));
    await writeCard(tables.join('\n\n'));
    log(`wrote ${REPORT} and the library section of ${CARD}`);
  }
}

type TcnFactory = Parameters<typeof libraryEval>[0]['tcn'];

async function tcnFrom(dir: string): Promise<TcnFactory> {
  if (!existsSync(`${dir}/tcn.onnx`)) return undefined;
  const desc = JSON.parse(readFileSync(`${dir}/tcn.json`, 'utf8')) as ModelDescriptor;
  const runner = await createModelRunner(readFileSync(`${dir}/tcn.onnx`), desc, {
    preferred: 'wasm',
    numThreads: 1,
  });
  return (presence) => tcnModel(desc, (x, b) => runner.run(x, b), presence);
}

async function tunedFrom(dir: string): Promise<() => Model> {
  const desc = JSON.parse(readFileSync(`${dir}/tcn.json`, 'utf8')) as ModelDescriptor;
  const runner = await createModelRunner(readFileSync(`${dir}/tcn.onnx`), desc, {
    preferred: 'wasm',
    numThreads: 1,
  });
  const options: TunedModelOptions = {};
  for (const pair of optionValue(args, 'tuned-set')?.split(',') ?? []) {
    const [k, v = ''] = pair.split('=');
    if (k === 'loss') options.loss = v === 'l1' ? 'l1' : 'l2';
    else if (k === 'anchored') options.anchored = v !== '0';
    else if (k === 'frequentOnly') options.frequentOnly = v !== '0';
    else if (k === 'select') options.select = v === 'money' ? 'money' : 'scaled';
    else if (k === 'lambdas') options.lambdas = v.split('/').map(Number);
    else if (
      k === 'stride' ||
      k === 'maxOrigins' ||
      k === 'budget' ||
      k === 'maxTarget' ||
      k === 'rounds'
    )
      options[k] = Number(v);
    else throw new Error(`--tuned-set: unknown option ${k}`);
  }
  const lambdas = new Map<number, number>();
  options.onFit = (fit) => lambdas.set(fit.lambda, (lambdas.get(fit.lambda) ?? 0) + 1);
  process.on('exit', () =>
    log(
      `tcn_tuned: strength chosen per fit ${JSON.stringify([...lambdas].map(([l, n]) => `${l}: ${n}`))}`,
    ),
  );
  return () => tcnTunedModel(desc, (x, b) => runner.runHidden(x, b), runner.hiddenWidth, options);
}

/** The TCN of `dir` against the one of `otherDir`, alone on the same windows of each dataset. */
async function compareTcns(
  split: 'holdout' | 'validation',
  earlier: number,
  dir: string,
  tcn: TcnFactory,
  otherDir: string,
): Promise<void> {
  const other = await tcnFrom(otherDir);
  if (!tcn || !other) throw new Error(`--against-dir needs tcn.onnx in ${dir} and ${otherDir}`);
  const datasets = optionValue(args, 'datasets')?.split(',');
  const run = (t: TcnFactory): Promise<DatasetResult[]> =>
    libraryEval({ split, earlier, datasets, models: ['tcn'], tcn: t, log });
  const [mine, theirs] = [await run(tcn), await run(other)];
  const lines = mine.flatMap((r) => {
    const a = r.perSeries.tcn;
    const b = theirs.find((t) => t.name === r.name)?.perSeries.tcn;
    if (!a || !b) return [];
    const metric = primaryMetric(r.name);
    const c = pairedClaim(dir, a, otherDir, b, metric);
    return [`- ${r.name} (${split}): ${claimLine(c, metric === 'mase' ? 'MASE' : 'p50 WAPE')}`];
  });
  console.log(`${BOOTSTRAP_INTRO}\n${lines.join('\n')}`);
}

const ENDED_RULE =
  'a series that sold before but not once in the 52 weeks (364 days of a daily dataset) before its first scored origin has ended (a discontinued item): it is left out of the scoring, its zeros say nothing about demand; judged on the history before that origin only';

function protocolOf(r: DatasetResult, split: string): Record<string, unknown> {
  const common = {
    split,
    series: r.series,
    windows: r.windows,
    data: r.source,
    ended_series_dropped: r.ended,
    ended_rule: ENDED_RULE,
  };
  if (r.name === 'm4_weekly')
    return {
      horizon: r.h,
      ...common,
      scoring:
        'M4: sMAPE in percent and MASE with the in-sample naive (frequency 1) scale, per series then averaged',
    };
  return {
    horizon: r.h,
    ...common,
    holdout_weeks: 12,
    origins: 9,
    scoring:
      'pooled over skus, origins and weeks: WAPE of p50, pinball / Σ|y|; MASE per sku (seasonal-naive scale m = 52 with two years of history, else naive), averaged',
  };
}

async function writeCard(tables: string): Promise<void> {
  const card = readFileSync(CARD, 'utf8');
  const section =
    `${CARD_START}\n## Model library and auto (issue 9): \`npm run eval\`\n\n` +
    'Every model and `auto` at every scored origin see only the history before it; every ' +
    "model's p10–p90 band is calibrated by conformal residuals of backtests on that history " +
    '(models/eval-report.json has the recipe and how often the holdout was looked at).\n\n' +
    `${tables}\n${CARD_END}`;
  const start = card.indexOf(CARD_START);
  const end = card.indexOf(CARD_END);
  let next: string;
  if (start >= 0 && end > start) {
    next = card.slice(0, start) + section + card.slice(end + CARD_END.length);
  } else {
    const at = card.indexOf('## Limitations');
    next =
      at >= 0
        ? `${card.slice(0, at)}${section}\n\n${card.slice(at)}`
        : `${card.trimEnd()}\n\n${section}\n`;
  }
  // Formatted as `npm run lint` wants it (tables aligned).
  const options = (await resolveConfig(CARD)) ?? {};
  writeFileSync(CARD, await format(next, { ...options, filepath: CARD }));
}
