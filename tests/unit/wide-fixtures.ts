// Wide sales tables for the tests, each with its long twin: the same sales,
// one row per item and date. Values are seeded, so every run sees the same files.
import { mulberry32 } from '../../src/core/random';
import type { CellSpec } from './xlsx-build';

const DAY = 86_400_000;
const iso = (t: number): string => new Date(t).toISOString().slice(0, 10);
const dmy = (t: number): string => {
  const [y, m, d] = iso(t).split('-');
  return `${d}.${m}.${y}`;
};

/** One row per item, one column per week (Fridays from 2010-02-05): `items` × `weeks`. */
export function periodsAcross(items: number, weeks: number, seed = 5) {
  const rand = mulberry32(seed);
  const start = Date.UTC(2010, 1, 5);
  const days = Array.from({ length: weeks }, (_, w) => start + w * 7 * DAY);
  const values = Array.from({ length: items }, (_, i) =>
    days.map((_, w) => Math.round(50 + 20 * Math.sin(w / 8 + i) + 10 * rand())),
  );
  const name = (i: number): string => `S${i + 1}`;
  const csv = [
    ['Store', ...days.map(dmy)].join(','),
    ...values.map((r, i) => [name(i), ...r].join(',')),
  ].join('\n');
  const sheet: CellSpec[][] = [
    ['Store', ...days.map((t) => ({ date: iso(t) }))],
    ...values.map((r, i) => [name(i), ...r]),
  ];
  const long = ['Date,Store,Sales'];
  values.forEach((r, i) =>
    r.forEach((v, w) => long.push(`${iso(days[w] as number)},${name(i)},${v}`)),
  );
  return { csv: `${csv}\n`, sheet, long: `${long.join('\n')}\n`, days: days.map(iso) };
}

/** One row per day, a QTY_ and a PROMO_ column per item (`DATE, QTY_B1_1, …, PROMO_B1_1, …`). */
export function datesDown(items: number, days: number, seed = 9) {
  const rand = mulberry32(seed);
  const start = Date.UTC(2010, 1, 5);
  const ids = Array.from({ length: items }, (_, i) => `B1_${i + 1}`);
  const rows = [
    ['DATE', ...ids.map((id) => `QTY_${id}`), ...ids.map((id) => `PROMO_${id}`)].join(','),
  ];
  const long = ['Date,SKU,Quantity'];
  for (let t = 0; t < days; t++) {
    const date = iso(start + t * DAY);
    const qty = ids.map((_, i) => Math.round(5 + 3 * Math.sin(t / 30 + i) + 4 * rand()));
    const promo = ids.map(() => (rand() < 0.1 ? 1 : 0));
    rows.push([date, ...qty, ...promo].join(','));
    qty.forEach((q, i) => long.push(`${date},${ids[i]},${q}`));
  }
  return { csv: `${rows.join('\n')}\n`, long: `${long.join('\n')}\n` };
}
