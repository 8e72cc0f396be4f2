// `npm run bench -- serve`: `skucast serve` answering the prototype's request
// (the seed sample, {"product_id": [0, 2, 5]}) at 1, 4 and 16 concurrent
// clients. Each client posts one request at a time on a new connection, as the
// prototype's Python example does; a run counts requests per second over its
// wall time and the p50 / p99 of the requests' latencies. Peak memory is the
// server process's peak RSS (VmHWM: its HTTP thread and every forecast thread,
// which are threads of that one process). For scale, the same answer from a
// `skucast forecast` process per request.
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { quantileSorted } from '../src/core/stats/quantile';
import { postForm, startServer, type FilePart } from '../tests/unit/serve-helpers';
import { buildCli, median, runSkucast } from './measure';

const SEED_CSV = resolve('../shared/data/retail_sales_2023.csv');
const METADATA: [string, string] = ['metadata', JSON.stringify({ product_id: [0, 2, 5] })];
/** Requests per run, by concurrency: enough for a p99 of the larger runs, short at 1 client. */
const RUNS: [clients: number, requests: number][] = [
  [1, 40],
  [4, 80],
  [16, 160],
];
const WARM_UP = 8;

function peakRssMB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
  return kb === undefined ? NaN : Number(kb) / 1024;
}

export async function benchServe(): Promise<void> {
  buildCli();
  const file: FilePart = {
    name: 'file',
    filename: 'data.csv',
    type: 'text/csv',
    data: readFileSync(SEED_CSV),
  };
  console.log(
    `serve: skucast serve, POST /predict of ${SEED_CSV} with {"product_id": [0, 2, 5]}, ` +
      `load average ${loadavg()[0]!.toFixed(1)} before the runs`,
  );
  const t0 = performance.now();
  const server = await startServer(resolve('.'), []);
  const startS = (performance.now() - t0) / 1000;
  const pid = server.proc.pid as number;
  try {
    const workers = /\((\d+) forecast thread/.exec(server.log())?.[1] ?? '?';
    console.log(
      `  start-up (threads load the model and warm up): ${startS.toFixed(1)} s, ${workers} forecast threads, ` +
        `peak RSS so far ${peakRssMB(pid).toFixed(0)} MB`,
    );
    let expected: string | undefined;
    const one = async (): Promise<number> => {
      const t = performance.now();
      const r = await postForm(server.port, '/predict', [METADATA], [file]);
      const ms = performance.now() - t;
      if (r.status !== 200) throw new Error(`HTTP ${r.status}: ${r.body}`);
      expected ??= r.body;
      if (r.body !== expected) throw new Error('answers differ between requests');
      return ms;
    };
    for (let i = 0; i < WARM_UP; i++) await one();

    console.log('  clients  requests  req/s   p50 ms   p99 ms');
    for (const [clients, requests] of RUNS) {
      const latencies: number[] = [];
      let sent = 0;
      const client = async (): Promise<void> => {
        while (sent < requests) {
          sent++;
          latencies.push(await one());
        }
      };
      const w0 = performance.now();
      await Promise.all(Array.from({ length: clients }, client));
      const wallS = (performance.now() - w0) / 1000;
      latencies.sort((a, b) => a - b);
      console.log(
        `  ${String(clients).padStart(7)}  ${String(requests).padStart(8)}  ${(requests / wallS).toFixed(2).padStart(5)}  ` +
          `${quantileSorted(latencies, 0.5).toFixed(0).padStart(7)}  ${quantileSorted(latencies, 0.99).toFixed(0).padStart(7)}`,
      );
    }
    console.log(
      `  peak RSS of the server process (all its threads): ${peakRssMB(pid).toFixed(0)} MB`,
    );
  } finally {
    await server.stop();
  }
  const cliRuns = [0, 1, 2].map(() =>
    runSkucast(['forecast', SEED_CSV, '--format', 'seed-json', '--products', '0,2,5']),
  );
  console.log(
    `  for scale: one skucast forecast process per answer, wall ${median(cliRuns.map((r) => r.wallS)).toFixed(2)} s ` +
      `(median of 3), peak RSS ${median(cliRuns.map((r) => r.rssMB)).toFixed(0)} MB`,
  );
}
