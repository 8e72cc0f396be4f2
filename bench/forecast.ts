// The forecast as a user runs it: `node bin/skucast.mjs forecast .cache/big.csv`
// (1,000,000 generated transactions, ~56 MB, the file bench/ingest.ts uses) as a
// whole process, CSV to /dev/null. Wall time is the median of 5 runs; the
// JSON export's own stage timings (ingest, model load, inference) show where
// the time goes, and `skucast weekly` runs interleaved with it show what the
// forecast adds to ingestion under the same machine load.
// Target on the 2-core machine: <= 1.5 s wall.
import { loadavg } from 'node:os';
import {
  BIG_CSV as BIG,
  BIG_ROWS as ROWS,
  buildCli,
  ensureBigCsv,
  median,
  medianCpuText as cpuText,
  runSkucast,
  type ProcessRun as Run,
} from './measure';

const RUNS = 5;
const TARGET_WALL_S = 1.5;

/** One `skucast <command> BIG args` process, output to /dev/null unless kept. */
function skucast(command: string, args: string[], keepStdout = false): Run {
  return runSkucast([command, BIG, ...args], keepStdout);
}

export async function benchForecast(): Promise<void> {
  await ensureBigCsv();
  buildCli();
  console.log(
    `forecast: skucast forecast on ${BIG} (${ROWS.toLocaleString('en')} rows), CSV to /dev/null, ` +
      `median of ${RUNS}, load average ${loadavg()[0]!.toFixed(1)} before the runs`,
  );
  // Forecast and ingestion-only runs interleaved, so both see the same machine load.
  const forecastRuns: Run[] = [];
  const weeklyRuns: Run[] = [];
  for (let i = 0; i < RUNS; i++) {
    forecastRuns.push(skucast('forecast', []));
    weeklyRuns.push(skucast('weekly', []));
  }
  const wall = median(forecastRuns.map((r) => r.wallS));
  const weeklyWall = median(weeklyRuns.map((r) => r.wallS));

  // One more run with the JSON export, for the stage timings it carries.
  const json = skucast('forecast', ['--format', 'json'], true);
  const doc = JSON.parse(json.stdout) as {
    run: { timings_ms: Record<string, number> };
    skus: { model: number; baseline: number };
  };
  const t = doc.run.timings_ms;
  const stage = (k: string): string => (t[k] === undefined ? 'n/a' : (t[k] as number).toFixed(0));
  console.log(
    `  forecast, whole process, wall (s)   ${wall.toFixed(2).padStart(6)}  target <= ${TARGET_WALL_S}`,
  );
  console.log(
    `  forecast, user+sys CPU (s)          ${cpuText(forecastRuns).padStart(6)}  (both threads: ingest + model)`,
  );
  console.log(
    `  weekly (ingestion only), wall (s)   ${weeklyWall.toFixed(2).padStart(6)}  CPU ${cpuText(weeklyRuns)} s, same load`,
  );
  console.log(
    `  wall of each forecast run (s)       ${forecastRuns.map((r) => r.wallS.toFixed(2)).join(', ')}`,
  );
  console.log(
    `  stages of the JSON run (ms)    ingest ${stage('ingest')}, model load ${stage('model_load')} ` +
      `(overlaps ingest), windows ${stage('prepare')}, inference ${stage('inference')}, ` +
      `quantiles+totals ${stage('finish')}; ${doc.skus.model} skus by model, ${doc.skus.baseline} baseline`,
  );
  console.log(
    `  ${wall <= TARGET_WALL_S ? 'within target' : 'OVER TARGET'} (load average now ${loadavg()[0]!.toFixed(1)})`,
  );
}
