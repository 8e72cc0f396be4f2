// `npm run bench -- ets`: AutoETS alone, its accuracy where its recipe was
// chosen and its speed. On M4 weekly's validation windows (the 4 × 13 weeks
// before the test set, so never a scored week: `npm run eval` owns the test
// set and its count of looks), MASE and sMAPE as M4 defines them, for the
// shipped model and without any seasonal adjustment (what R's forecast::ets
// and statsforecast's AutoETS fit for m > 24), and the fit time per series;
// then the fit time per series on the 5,000 × 156-week series of
// `npm run bench -- auto`. Times are CPU time of the one thread (wall time on
// a shared machine measures the neighbours); the load average is printed.
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { mase, maseScale, smape } from '../src/core/metrics';
import { ets, selectEts } from '../src/core/models/ets';
import { etsForecast } from '../src/core/models/exp-smoothing';
import { DEFAULT_SETTINGS } from '../src/core/models/types';
import { readM4 } from '../src/training/eval-library';
import { benchSeries } from './auto';

const M4_TRAIN = '../shared/data/m4_weekly/Weekly-train.csv';
const H = 13;
const ORIGINS = 4;

interface Score {
  mase: number;
  smape: number;
  millis: number;
  count: number;
}

/** The process's CPU time (user + system), ms: on a shared machine wall time mostly measures the neighbours. */
function cpuMillis(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** M4's scores of `forecast` over every series and validation origin, and its time. */
function scoreM4(series: readonly number[][], forecast: (y: Float64Array) => Float64Array): Score {
  const s: Score = { mase: 0, smape: 0, millis: 0, count: 0 };
  for (const full of series) {
    for (let k = 1; k <= ORIGINS; k++) {
      const end = full.length - k * H;
      const y = Float64Array.from(full.slice(0, end));
      const actual = full.slice(end, end + H);
      const t0 = cpuMillis();
      // The library's forecasts are never negative (run-model.ts): nor are these.
      const point = forecast(y).map((v) => Math.max(0, v));
      s.millis += cpuMillis() - t0;
      s.mase += mase(actual, point, maseScale(y, 1));
      s.smape += smape(actual, point);
      s.count++;
    }
  }
  return s;
}

function line(label: string, s: Score): string {
  return (
    `  ${label.padEnd(46)} MASE ${(s.mase / s.count).toFixed(3)}  sMAPE ${(s.smape / s.count).toFixed(2)}` +
    `  ${(s.millis / s.count).toFixed(1).padStart(5)} ms CPU/series`
  );
}

export function benchEts(): void {
  if (existsSync(M4_TRAIN)) {
    const series = readM4(readFileSync(M4_TRAIN, 'utf8')).map((r) => r.y);
    console.log(
      `ets: M4 weekly, ${series.length} series x ${ORIGINS} validation origins, h ${H}, one core ` +
        `(load average ${loadavg()[0]!.toFixed(1)})`,
    );
    const shipped = scoreM4(series, (y) => {
      const p = ets.fit(y, DEFAULT_SETTINGS);
      return ets.predict(p, y, H, DEFAULT_SETTINGS).point;
    });
    console.log(line('ets (shipped)', shipped));
    const plain = scoreM4(series, (y) => {
      const best = selectEts(y);
      return best ? etsForecast(best.params, y, H) : new Float64Array(H).fill(y[y.length - 1]!);
    });
    console.log(line('no seasonal adjustment (the reference, m > 24)', plain));
  } else {
    console.log('ets: skipped M4: ../shared not found');
  }
  const bench = benchSeries();
  const t0 = cpuMillis();
  for (const s of bench) ets.fit(s.y, DEFAULT_SETTINGS);
  const us = ((cpuMillis() - t0) * 1000) / bench.length;
  console.log(
    `  fit on ${bench.length.toLocaleString('en')} x ${bench[0]!.y.length} weeks (bench auto's series)   ` +
      `${us.toFixed(0)} µs CPU/series (load average ${loadavg()[0]!.toFixed(1)})`,
  );
}
