// `npm run bench [-- name ...]`: runs the benchmark modules in order (or only
// the named ones). Each prints its own small table. One line per module.
// SKUCAST_BENCH_MODEL=DIR/tcn.json: inference times that model (another seed,
// an ensemble from `npm run ensemble`) instead of models/tcn.json.
const BENCHES: { name: string; run: () => Promise<void> }[] = [
  { name: 'ingest', run: () => import('./ingest').then((m) => m.benchIngest()) },
  { name: 'forecast', run: () => import('./forecast').then((m) => m.benchForecast()) },
  {
    name: 'inference',
    run: () => import('./inference').then((m) => m.benchInference(process.env.SKUCAST_BENCH_MODEL)),
  },
  { name: 'browser', run: () => import('./browser').then((m) => m.benchBrowser()) },
  { name: 'table', run: () => import('./table').then((m) => m.benchTable()) },
  { name: 'size', run: () => import('./first-load').then((m) => m.benchFirstLoad()) },
  { name: 'auto', run: () => import('./auto').then((m) => m.benchAuto()) },
  { name: 'ets', run: () => import('./ets').then((m) => m.benchEts()) },
  { name: 'memory', run: () => import('./memory').then((m) => m.benchMemory()) },
  { name: 'shards', run: () => import('./shards').then((m) => m.benchShards()) },
  { name: 'parquet', run: () => import('./parquet').then((m) => m.benchParquet()) },
  { name: 'serve', run: () => import('./serve').then((m) => m.benchServe()) },
  { name: 'transfer', run: () => import('./pwa').then((m) => m.benchTransfer()) },
  { name: 'promo', run: () => import('./promo').then((m) => m.benchPromo()) },
  { name: 'isolation', run: () => import('./pwa').then((m) => m.benchIsolation()) },
];

const wanted = process.argv.slice(2);
for (const b of BENCHES) {
  if (wanted.length > 0 && !wanted.includes(b.name)) continue;
  await b.run();
  console.log('');
}

export {};
