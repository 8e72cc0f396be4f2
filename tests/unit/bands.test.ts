// The properties a planner orders from (issue 22): a slow mover's band is not
// a point, a total's band widens when its skus move together, weeks 1–4 do
// not change with the horizon asked for, and every p50 sits inside its band,
// for skus, categories and the grand total. Through the whole pipeline
// (ingestion → forecastWithLibrary), on generated weekly files.
import { describe, expect, it } from 'vitest';
import {
  calibrateTotals,
  totalForecast,
  type TotalMember,
} from '../../src/core/backtest/total-bands';
import { auto } from '../../src/core/backtest/auto';
import { mixtureForecast, saleProbability } from '../../src/core/backtest/mixture-band';
import { seriesFromArrays } from '../../src/core/backtest/series';
import { historicAverage, naive, windowAverage } from '../../src/core/models/simple';
import type { ForecastResult } from '../../src/core/forecast';
import { forecastWithLibrary } from '../../src/core/forecast-library';
import { ingestText } from '../../src/core/ingest';
import { Rng } from '../../src/core/random';
import { demandClass } from '../../src/core/stats/demand-class';

const WEEKS = 104;

function monday(t: number): string {
  return new Date(Date.UTC(2023, 0, 2 + 7 * t)).toISOString().slice(0, 10);
}

/** A weekly file: `skus` series of `WEEKS` weeks from `value(sku, week, rng)`. */
function weeklyFile(
  skus: number,
  value: (sku: number, week: number, rng: Rng) => number,
  seed = 1,
): string {
  const rng = new Rng(seed);
  const lines = ['date,sku,category,amount'];
  for (let t = 0; t < WEEKS; t++) {
    for (let s = 0; s < skus; s++) {
      lines.push(`${monday(t)},sku-${s},cat-${s % 2},${value(s, t, rng).toFixed(2)}`);
    }
  }
  return lines.join('\n');
}

async function forecast(csv: string, horizon = 4): Promise<ForecastResult> {
  const table = ingestText(csv, {
    mapping: { date: 'date', sku: 'sku', category: 'category', amount: 'amount' },
  });
  return forecastWithLibrary(table, { horizon });
}

function everyLevel(r: ForecastResult) {
  return [...r.skus.map((s) => s.weeks), ...r.categories.map((c) => c.weeks), r.total!.weeks];
}

describe('bands a planner can order from', () => {
  it('gives a slow mover that sold in more than 10% of its recent weeks a band, not a point', async () => {
    // Forty skus selling one to three units in about 20% of weeks.
    const sold: number[][] = Array.from({ length: 40 }, () => []);
    const r = await forecast(
      weeklyFile(40, (s, _, rng) => {
        const v = rng.next() < 0.2 ? 1 + Math.floor(rng.next() * 3) : 0;
        sold[s]!.push(v);
        return v;
      }),
    );
    let weeks = 0;
    let points = 0;
    r.skus.forEach((s) => {
      const recent =
        sold[Number(s.sku.slice('sku-'.length))]!.slice(-26).filter((v) => v > 0).length / 26;
      if (recent <= 0.1) return;
      for (const w of s.weeks) {
        weeks++;
        if (w.p90 - w.p10 <= 0) points++;
        expect(w.p90).toBeGreaterThan(0);
      }
    });
    expect(weeks).toBeGreaterThan(100);
    expect(points / weeks).toBeLessThanOrEqual(0.01);
  });

  it("scales a sku that sold the same every week by its peers' noise, not by its level", async () => {
    // Sku 0 sold 40 every week; the others about 100 ± a noise of `spread`.
    const bandOfConstant = async (spread: number): Promise<number> => {
      const r = await forecast(
        weeklyFile(20, (s, _, rng) =>
          s === 0 ? 40 : Math.max(0, 100 + spread * (rng.next() - 0.5)),
        ),
      );
      const w = r.skus.find((x) => x.sku === 'sku-0')!.weeks[0]!;
      expect(w.p50).toBeGreaterThan(w.p10);
      expect(w.p90).toBeGreaterThan(w.p50);
      return w.p90 - w.p10;
    };
    const calm = await bandOfConstant(10);
    const noisy = await bandOfConstant(60);
    // Its level (40) as its scale gave a band of about 0–80, whatever its peers did.
    expect(calm).toBeLessThan(10);
    expect(noisy).toBeGreaterThan(3 * calm);
  });

  it('gives a file of a few weeks, too short for any backtest, bands from its own weeks', async () => {
    // Two skus, three weeks: A sold 22, 20, 21; B sold 100, 140, 120.
    const weeks = [
      [22, 100],
      [20, 140],
      [21, 120],
    ];
    const lines = ['date,sku,category,amount'];
    weeks.forEach(([a, b], t) => lines.push(`${monday(t)},A,c,${a}`, `${monday(t)},B,c,${b}`));
    const r = await forecast(lines.join('\n'));
    const first = (sku: string) => r.skus.find((x) => x.sku === sku)!.weeks[0]!;
    const a = first('A');
    const b = first('B');
    // A band, not a point; the noisier sku's is the wider; every week sold inside it.
    expect(a.p90 - a.p10).toBeGreaterThan(0);
    expect(b.p90 - b.p10).toBeGreaterThan(5 * (a.p90 - a.p10));
    expect(b.p10).toBeLessThanOrEqual(100);
    expect(b.p90).toBeGreaterThanOrEqual(140);
    // The total is the sum of its skus' points, with a band of its own weeks' spread.
    const total = r.total!.weeks[0]!;
    expect(total.p50).toBeCloseTo(a.p50 + b.p50, 6);
    expect(total.p10).toBeLessThan(total.p50);
    expect(total.p90).toBeGreaterThan(total.p50);
    expect(r.metadata.categoryMethod).toContain('not measured on a backtest');
  });

  it('reads a sku that sold in no recent weeks as able to sell, not as a point at its old mean', () => {
    const y = new Float64Array(80);
    for (let t = 0; t < 20; t++) y[t] = t % 3 === 0 ? 5 : 0;
    const f = mixtureForecast(y, y.length, 4);
    expect(saleProbability(y, y.length)).toBeLessThan(0.1);
    expect(f.p10[0]).toBe(0);
    expect(f.p50[0]).toBe(0);
    expect(demandClass(y)).toBe('intermittent');
  });

  it("leans a slow mover's chance of a sale on its class, never below the planner's rule", () => {
    // Sold in 3 of its last 26 weeks (and 6 of 104): its own π is about 0.12.
    const y = new Float64Array(104);
    for (const t of [20, 40, 60, 80, 90, 100]) y[t] = 2;
    const own = saleProbability(y, y.length);
    const rare = saleProbability(y, y.length, { share: 0.02, weeks: 26 });
    const often = saleProbability(y, y.length, { share: 0.5, weeks: 26 });
    expect(often).toBeCloseTo((own + 0.5) / 2, 10);
    expect(often).toBeGreaterThan(own);
    // Pulled toward a class that rarely sells, yet it sold in more than 10% of
    // its recent weeks: its p90 stays above zero.
    expect(rare).toBeLessThan(own);
    expect(rare).toBeGreaterThan(0.1);
    expect(mixtureForecast(y, y.length, 4, undefined, { share: 0.02, weeks: 26 }).p90[0]).toBe(2);
    expect(saleProbability(y, y.length, { share: 0.5, weeks: 0 })).toBe(own);
  });

  it('leans on the class where every sku sells alike, as the later backtest windows show', async () => {
    // 150 skus with the same 15% chance of a sale a week: a sku's own 26 weeks
    // (4 sales, give or take 2) say less than the class's.
    const rng = new Rng(21);
    const series = seriesFromArrays(
      Array.from({ length: 150 }, (_, i) => ({
        id: `s${i}`,
        y: Array.from({ length: 104 }, () =>
          rng.next() < 0.15 ? 1 + Math.floor(rng.next() * 3) : 0,
        ),
      })),
    );
    const r = await auto(series, [naive, historicAverage, windowAverage], { h: 4 });
    const classes = r.evidence.conformal.classes.filter((c) => c.method === 'mixture');
    expect(classes.length).toBeGreaterThan(0);
    for (const c of classes) expect(c.sharePriorWeeks).toBeGreaterThan(0);
  });

  it('asks no safety stock of a sku that sold nothing for a year, and still does half a year in', () => {
    // 3 a week for 80 weeks, then silent: 50 weeks in, the two years before
    // still say it sells; 60 weeks in (a year without a sale) it has ended.
    const after = (silent: number): Float64Array => {
      const y = new Float64Array(80 + silent);
      y.fill(3, 0, 80);
      return mixtureForecast(y, y.length, 4).p90;
    };
    expect(after(50)[0]).toBe(3);
    expect(Array.from(after(60))).toEqual([0, 0, 0, 0]);
  });

  it('forecasts 0 for a sku that sold nothing for a year, whichever model it got, and flags it ended', async () => {
    // Twenty smooth skus (they choose the models), one silent for its last 60
    // weeks, one silent for its last 40 (not ended: it sold within the year).
    const r = await forecast(
      weeklyFile(22, (s, t, rng) => {
        if (s === 20) return t < WEEKS - 60 ? 20 + 5 * rng.normal() : 0;
        if (s === 21) return t < WEEKS - 40 ? 20 + 5 * rng.normal() : 0;
        return 50 + 8 * rng.normal();
      }),
    );
    const ended = r.skus.find((s) => s.sku === 'sku-20')!;
    expect(ended.flags).toContain('ended');
    expect(ended.note).toMatch(/^No sale in the last 52 weeks/);
    for (const w of ended.weeks) expect([w.p10, w.p50, w.p90]).toEqual([0, 0, 0]);
    const quiet = r.skus.find((s) => s.sku === 'sku-21')!;
    expect(quiet.flags ?? []).not.toContain('ended');
    expect(Math.max(...quiet.weeks.map((w) => w.p90))).toBeGreaterThan(0);
  });

  it("widens a total's band when its skus move together", () => {
    // The same sku noise, with and without a shock every sku shares each week.
    const members = (shared: number): TotalMember[] => {
      const rng = new Rng(7);
      const common = Array.from({ length: WEEKS }, () => rng.normal());
      return Array.from({ length: 30 }, () => {
        const y = Float64Array.from(
          { length: WEEKS },
          (_, t) => 100 + 10 * ((1 - shared) * rng.normal() + shared * common[t]!),
        );
        const cutoffs = Array.from({ length: 12 }, (_, w) => WEEKS - 4 - 11 + w);
        const actual = new Float64Array(12 * 4);
        const point = new Float64Array(12 * 4).fill(100);
        cutoffs.forEach((c, w) => {
          for (let k = 0; k < 4; k++) actual[w * 4 + k] = y[c + k]!;
        });
        return { groups: [0], y, cutoffs, windows: 12, actual, point };
      });
    };
    const width = (shared: number): number => {
      const m = members(shared);
      const history = new Float64Array(WEEKS);
      for (const x of m) for (let t = 0; t < WEEKS; t++) history[t]! += x.y[t]!;
      const f = totalForecast(calibrateTotals(m, 1, 4), history, new Float64Array(4).fill(3000));
      return f.p90[0]! - f.p10[0]!;
    };
    expect(width(0.9)).toBeGreaterThan(2 * width(0));
  });

  it('keeps weeks 1-4 the same whether 4 or 52 weeks are asked for', async () => {
    const csv = weeklyFile(
      12,
      (s, t, rng) =>
        Math.max(0, 50 + 20 * Math.sin((2 * Math.PI * (t + s)) / 52) + 8 * rng.normal()),
      3,
    );
    const short = await forecast(csv, 4);
    const long = await forecast(csv, 52);
    const firstFour = (r: ForecastResult) =>
      everyLevel(r).map((weeks) => weeks.slice(0, 4).map((w) => [w.p10, w.p50, w.p90]));
    expect(firstFour(long)).toEqual(firstFour(short));
    expect(long.metadata.selection!.blocks!.map((b) => [b.from, b.to])).toEqual([
      [1, 4],
      [5, 13],
      [14, 26],
      [27, 52],
    ]);
  });

  it('gives week k of every block the forecast k weeks ahead, for skus and totals', async () => {
    // Straight lines: drift forecasts week k at the last week plus k steps,
    // and the backtest's errors are 0, so calibration moves nothing. A block
    // joined at the wrong offset shows week 5 one step ahead.
    const csv = weeklyFile(4, (s, t) => 100 * (s + 1) + (s + 1) * t);
    const table = ingestText(csv, {
      mapping: { date: 'date', sku: 'sku', category: 'category', amount: 'amount' },
    });
    const r = await forecastWithLibrary(table, { model: 'drift', horizon: 52 });
    expect(r.metadata.selection!.blocks!.map((b) => b.to)).toEqual([4, 13, 26, 52]);
    const last = (s: number) => 100 * (s + 1) + (s + 1) * (WEEKS - 1);
    for (const sku of r.skus) {
      const s = Number(sku.sku.slice('sku-'.length));
      sku.weeks.forEach((w, h) => expect(w.p50).toBeCloseTo(last(s) + (s + 1) * (h + 1), 6));
    }
    r.total!.weeks.forEach((w, h) =>
      expect(w.p50).toBeCloseTo(
        [0, 1, 2, 3].reduce((a, s) => a + last(s) + (s + 1) * (h + 1), 0),
        6,
      ),
    );
  });

  it('puts every p50 inside its band at every level, with no clamping to an edge', async () => {
    const r = await forecast(
      weeklyFile(20, (s, _, rng) =>
        s % 3 === 0 ? (rng.next() < 0.3 ? 4 : 0) : Math.max(0, 30 + 6 * rng.normal()),
      ),
      13,
    );
    for (const weeks of everyLevel(r)) {
      for (const w of weeks) {
        expect(w.p10).toBeLessThanOrEqual(w.p50);
        expect(w.p50).toBeLessThanOrEqual(w.p90);
      }
    }
    for (const c of [...r.categories, r.total!]) {
      for (const w of c.weeks) {
        expect(w.p10).toBeLessThan(w.p50);
        expect(w.p50).toBeLessThan(w.p90);
      }
    }
  });
});
