// `npm run bench -- promo`: how the suggested promotion uplift (skucast event
// --accept) compares with what promoted weeks sold. For each file, three
// origins 8 weeks apart before its end: the file as of that week is made a
// plan (auto, the classical models in-process: no TCN), every sku's promoted
// weeks among the next 8 (the full file's promotion column says which) are
// marked and the suggestion accepted, and the p50 of those weeks is scored
// against what they sold (WAPE) without and with it. The suggested uplift is
// also set beside the realised one (the same estimator on the full file: each
// held-out promoted week over the median of its non-promoted neighbours) and,
// for generated files, the uplift they were made with.
//
// The shared data has no promotion column (checked below), so the files are
// made: a generated one with known uplifts, and the shared store × item daily
// sales with promotions put in at known uplifts.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { addDays } from '../src/core/calendar';
import { forecastOrigin } from '../src/core/forecast';
import { forecastWithLibrary } from '../src/core/forecast-library';
import { ingestText } from '../src/core/ingest';
import { measuredTable } from '../src/core/ingest/weekly-table';
import { markEvent } from '../src/core/plan/events';
import { planFromForecast, planInputs, type Plan } from '../src/core/plan/plan';
import { promotedRatios, seriesWeeks, suggestForSku } from '../src/core/plan/promo-uplift';
import { Rng } from '../src/core/random';
import type { WeeklyTable } from '../src/core/types';

const SHARED = resolve('../shared/data');
const HORIZON = 8;
const ORIGINS = 3;

interface PromoFile {
  name: string;
  text: string;
  /** The uplift each sku was made with (generated files). */
  truth: Map<string, number>;
}

/** 40 skus in 4 categories over 156 weeks, one row a week; half promoted about 1 week in 8, half 1 in 30. */
function generated(): PromoFile {
  const rng = new Rng(7);
  const truth = new Map<string, number>();
  const lines = ['Date,SKU,Category,Quantity,Promo'];
  const catUplift = [0.2, 0.4, 0.7, 1.0];
  const skus = Array.from({ length: 40 }, (_, i) => {
    const c = i % 4;
    const sku = `g${i}`;
    truth.set(sku, (catUplift[c] as number) * rng.uniform(0.6, 1.4));
    return {
      sku,
      category: `cat${c}`,
      level: Math.exp(rng.uniform(Math.log(5), Math.log(300))),
      phase: rng.uniform(0, 52),
      often: i % 2 === 0 ? 1 / 8 : 1 / 30,
    };
  });
  for (let w = 0; w < 156; w++) {
    const day = addDays('2022-01-03', 7 * w);
    for (const s of skus) {
      const promo = rng.next() < s.often ? 1 : 0;
      const season = 1 + 0.3 * Math.sin((2 * Math.PI * (w + s.phase)) / 52);
      const mean =
        s.level * season * (1 + 0.002 * w) * (promo ? 1 + (truth.get(s.sku) as number) : 1);
      const q = Math.max(0, Math.round(mean + Math.sqrt(mean) * 1.5 * rng.normal()));
      lines.push(`${day},${s.sku},${s.category},${q},${promo}`);
    }
  }
  return { name: 'generated: 40 skus x 156 weeks', text: lines.join('\n') + '\n', truth };
}

/** The shared store x item daily sales (83 series), each item's category its own, with ~1 week in 10 promoted at a known uplift. */
function sharedWithPromotions(): PromoFile | null {
  const path = resolve(SHARED, 'store_item_daily.csv');
  if (!existsSync(path)) return null;
  const rng = new Rng(11);
  const truth = new Map<string, number>();
  const itemUplift = new Map<string, number>();
  const promoWeek = new Map<string, boolean>();
  const lines = ['Date,SKU,Category,Quantity,Promo'];
  const rows = readFileSync(path, 'utf8').trim().split('\n').slice(1);
  for (const row of rows) {
    const [date, store, item, sales] = row.split(',') as [string, string, string, string];
    const sku = `${store}-${item}`;
    if (!itemUplift.has(item)) itemUplift.set(item, rng.uniform(0.1, 0.8));
    if (!truth.has(sku)) truth.set(sku, (itemUplift.get(item) as number) * rng.uniform(0.7, 1.3));
    // Weeks as the weekly table counts them (Monday to Sunday), one draw per sku week.
    const t = Date.parse(date + 'T00:00:00Z');
    const monday = new Date(t - ((new Date(t).getUTCDay() + 6) % 7) * 86400000).toISOString();
    const key = `${sku} ${monday}`;
    if (!promoWeek.has(key)) promoWeek.set(key, rng.next() < 0.1);
    const promo = promoWeek.get(key) === true;
    const q = promo ? Math.round(Number(sales) * (1 + (truth.get(sku) as number))) : Number(sales);
    lines.push(`${date},${sku},item ${item},${q},${promo ? 1 : 0}`);
  }
  return {
    name: 'shared store x item daily, promotions put in',
    text: lines.join('\n') + '\n',
    truth,
  };
}

/** Which shared files have a promotion column: none today, and the bench says so. */
function sharedWithPromoColumn(): string {
  if (!existsSync(SHARED)) return 'skipped: ../shared not found';
  const files = ['retail_sales_2023.csv', 'store_item_daily.csv'];
  const withPromo = files.filter(
    (f) => ingestText(readFileSync(resolve(SHARED, f), 'utf8')).report.hasPromo === true,
  );
  return withPromo.length > 0
    ? `shared files with a promotion column: ${withPromo.join(', ')}`
    : `none of the shared files has a promotion column (${files.join(', ')}; m4_weekly has values only), so promotions are put in at known uplifts`;
}

interface Scores {
  weeks: number;
  actual: number;
  errStat: number;
  errAccepted: number;
  errNoLevel: number;
  errOwnOnly: number;
  suggested: number[];
  realised: number[];
  truth: number[];
  /** |suggested − realised| and |suggested − made with| per week, where known. */
  offRealised: number[];
  offTruth: number[];
}

async function planAsOf(text: string, asOf: string): Promise<Plan> {
  const table = measuredTable(ingestText(text, { asOf }));
  const inputs = planInputs(table);
  const result = await forecastWithLibrary(table, { model: 'auto', horizon: HORIZON });
  return planFromForecast(result, inputs, { file: 'bench', size: 0, createdAt: '' });
}

/** Each sku's promoted weeks in `weeks` and their sales / baseline on the full table. */
function promotedIn(
  full: WeeklyTable,
  weeks: string[],
): Map<string, Map<string, { sold: number; ratio: number }>> {
  const out = new Map<string, Map<string, { sold: number; ratio: number }>>();
  const last = full.weeks.length - 1;
  for (const s of full.series) {
    const sw = seriesWeeks(s);
    if (sw === null) continue;
    const ratios = promotedRatios(sw, last);
    const mine = new Map<string, { sold: number; ratio: number }>();
    for (const w of weeks) {
      const i = full.weeks.indexOf(w);
      if (i < 0 || !((sw.promo[i] as number) > 0)) continue;
      mine.set(w, { sold: sw.values[i] as number, ratio: ratios[i] as number });
    }
    if (mine.size > 0) out.set(s.sku, mine);
  }
  return out;
}

async function scoreFile(file: PromoFile): Promise<Scores> {
  const full = measuredTable(ingestText(file.text));
  const { origin } = forecastOrigin(full, 1);
  const sc: Scores = {
    weeks: 0,
    actual: 0,
    errStat: 0,
    errAccepted: 0,
    errNoLevel: 0,
    errOwnOnly: 0,
    suggested: [],
    realised: [],
    truth: [],
    offRealised: [],
    offTruth: [],
  };
  for (let k = ORIGINS; k >= 1; k--) {
    const asOf = full.weeks[origin - k * HORIZON] as string;
    const plan = await planAsOf(file.text, asOf);
    const weeks = plan.skus[0]?.weeks.map((w) => w.week_start) ?? [];
    for (const [sku, promoted] of promotedIn(full, weeks)) {
      const ps = plan.skus.find((s) => s.sku === sku);
      const suggestion = ps && suggestForSku(plan.promotions, sku, ps.category);
      if (!ps || suggestion === undefined || typeof suggestion === 'string') continue;
      const accepted = markEvent(plan, {
        scope: 'sku',
        id: sku,
        weeks: [...promoted.keys()],
        kind: 'promotion',
        accept: true,
        when: '',
      }).plan;
      for (const [w, { sold, ratio }] of promoted) {
        const stat = ps.weeks.find((x) => x.week_start === w)?.p50 ?? 0;
        const final =
          accepted.overrides.find((o) => o.sku === sku && o.week_start === w)?.p50 ?? stat;
        sc.weeks++;
        sc.actual += Math.abs(sold);
        sc.errStat += Math.abs(sold - stat);
        sc.errAccepted += Math.abs(sold - final);
        sc.errNoLevel += Math.abs(sold - stat * (1 + suggestion.uplift));
        const own = plan.promotions?.skus.find((x) => x.sku === sku);
        const ownFactor = own && own.promoted_weeks > 0 ? (1 + own.uplift) / own.level : 1;
        sc.errOwnOnly += Math.abs(sold - stat * ownFactor);
        sc.suggested.push(suggestion.uplift);
        if (ratio === ratio) {
          sc.realised.push(ratio - 1);
          sc.offRealised.push(Math.abs(suggestion.uplift - (ratio - 1)));
        }
        const t = file.truth.get(sku);
        if (t !== undefined) {
          sc.truth.push(t);
          sc.offTruth.push(Math.abs(suggestion.uplift - t));
        }
      }
    }
  }
  return sc;
}

const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;
const mean = (xs: number[]): number => xs.reduce((t, x) => t + x, 0) / Math.max(1, xs.length);

export async function benchPromo(): Promise<void> {
  console.log(
    `promo: suggested uplift on held-out promoted weeks (${ORIGINS} origins ${HORIZON} weeks apart, h ${HORIZON}, auto without the TCN)`,
  );
  console.log(`  ${sharedWithPromoColumn()}`);
  const files = [generated(), sharedWithPromotions()].filter((f): f is PromoFile => f !== null);
  for (const file of files) {
    const sc = await scoreFile(file);
    console.log(`  ${file.name}: ${sc.weeks} promoted sku weeks held out`);
    console.log(
      `    WAPE of p50 on them: statistical ${pct(sc.errStat / sc.actual)}, suggestion accepted ${pct(sc.errAccepted / sc.actual)} (without the level correction ${pct(sc.errNoLevel / sc.actual)}; the sku's own uplift, no shrinkage to its category: ${pct(sc.errOwnOnly / sc.actual)})`,
    );
    console.log(
      `    uplift, mean over those weeks: suggested ${pct(mean(sc.suggested))}, realised ${pct(mean(sc.realised))}` +
        (sc.truth.length > 0 ? `, made with ${pct(mean(sc.truth))}` : ''),
    );
    console.log(
      `    suggested off by, mean per week: ${(100 * mean(sc.offRealised)).toFixed(1)} points from the realised uplift` +
        (sc.offTruth.length > 0
          ? `, ${(100 * mean(sc.offTruth)).toFixed(1)} from the one it was made with`
          : ''),
    );
  }
}
