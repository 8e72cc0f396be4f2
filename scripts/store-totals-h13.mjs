// Store × item's store totals and grand total at h = 13, through the CLI, over
// 9 rolling origins (the last 21 weeks of ../shared/data/store_item_daily.csv):
// issue 22's "total at h = 13" check on shared data. A measurement, not a
// test (it reads the holdout weeks; nothing is chosen on it).
//   node scripts/store-totals-h13.mjs bin/skucast.mjs [extra forecast options]
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
const bin = process.argv[2];
const extra = process.argv.slice(3);
const FILE = '../shared/data/store_item_daily.csv';
const rows = fs.readFileSync(FILE, 'utf8').trim().split('\n').slice(1);
const wk = new Map(); // weekStart -> Map(store -> sum)
const monday = (d) => {
  const t = Date.parse(d + 'T00:00:00Z');
  const dow = (new Date(t).getUTCDay() + 6) % 7;
  return new Date(t - dow * 86400000).toISOString().slice(0, 10);
};
for (const r of rows) {
  const [d, s, , v] = r.split(',');
  const w = monday(d);
  if (!wk.has(w)) wk.set(w, new Map());
  const m = wk.get(w);
  m.set(s, (m.get(s) ?? 0) + Number(v));
  m.set('*', (m.get('*') ?? 0) + Number(v));
}
const end = Date.UTC(2017, 11, 31); // last Sunday
let inS = 0,
  nS = 0,
  inT = 0,
  nT = 0;
const byH = new Array(13).fill(0);
const nH = new Array(13).fill(0);
for (let i = 0; i < 9; i++) {
  const asOf = new Date(end - 7 * 86400000 * (13 + i)).toISOString().slice(0, 10);
  const d = JSON.parse(
    execFileSync(
      process.execPath,
      [
        bin,
        'forecast',
        FILE,
        '--map',
        'sku=store+item',
        '--map',
        'category=store',
        '--horizon',
        '13',
        '--format',
        'json',
        '--as-of',
        asOf,
        ...extra,
      ],
      { encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'ignore'] },
    ),
  );
  const ct = d.category_totals;
  const groups = [...ct.categories.map((c) => [c.category, c.weeks]), ['*', ct.total.weeks]];
  for (const [g, weeks] of groups)
    for (const w of weeks) {
      const y = wk.get(w.week_start)?.get(g);
      if (y === undefined) continue;
      const ok = y >= w.p10 && y <= w.p90;
      if (g === '*') {
        nT++;
        if (ok) inT++;
      } else {
        nS++;
        if (ok) inS++;
        byH[w.horizon_week - 1] += ok;
        nH[w.horizon_week - 1]++;
      }
    }
}
console.log(
  bin,
  'store totals',
  (inS / nS).toFixed(3),
  nS,
  'grand total',
  (inT / nT).toFixed(3),
  nT,
  'by week',
  byH.map((v, k) => (v / nH[k]).toFixed(2)).join(' '),
);
