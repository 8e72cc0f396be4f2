// `--save-profile` / `--profile` (issue 24 part B): today's decisions saved
// as documented JSON, tomorrow's file read the same way by weekly, forecast
// and backtest, a column gone missing an exit 2 naming it, command-line
// options over the profile with a line on stderr.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from './forecast-helpers';
import { docSchema, runSkucast, type CliRun } from './cli-helpers';

let dir: string;

const skucast = (args: string[]): CliRun => runSkucast(args);

/** 30 weeks of two articles, dates DD/MM/YYYY on the `days` given: all ≤ 12 leaves the order undecided. */
function salesText(header: string, extra: (w: number) => string, days: number[]): string {
  const lines = [header];
  for (let w = 0; w < 30; w++) {
    const d = new Date(Date.UTC(2023, 0, 2 + 7 * w));
    const day = days[w % days.length] as number;
    const text = `${String(day).padStart(2, '0')}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${d.getUTCFullYear()}`;
    for (const sku of ['A', 'B'])
      lines.push(`${text},${sku},${3 + ((w * 5 + sku.length) % 7)}${extra(w)}`);
  }
  return lines.join('\n') + '\n';
}

let today: string;
let tomorrow: string;
let renamed: string;
let profile: string;

beforeAll(() => {
  execFileSync(process.execPath, ['scripts/build-cli.mjs'], { cwd: repoRoot });
  dir = mkdtempSync(join(tmpdir(), 'skucast-cli-profile-'));
  today = join(dir, 'today.csv');
  tomorrow = join(dir, 'tomorrow.csv');
  renamed = join(dir, 'renamed.csv');
  profile = join(dir, 'profile.json');
  // Today a 25th settles day-first; tomorrow every day is ≤ 12 and a promotion column appeared.
  writeFileSync(
    today,
    salesText('Datum,Artikel,Menge', () => '', [25, 3, 9]),
  );
  writeFileSync(
    tomorrow,
    salesText('Datum,Artikel,Menge,Promo', (w) => `,${w % 2}`, [3, 9]),
  );
  writeFileSync(
    renamed,
    salesText('Datum,Artikelnummer,Menge', () => '', [3, 9]),
  );
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('--save-profile', () => {
  it('writes what was decided as JSON that matches docs/profile.schema.json', () => {
    const r = skucast(['weekly', today, '--save-profile', profile]);
    expect(r.code, r.err).toBe(0);
    const saved: unknown = JSON.parse(readFileSync(profile, 'utf8'));
    const schema = docSchema('profile.schema.json');
    expect(schema.valid(saved), schema.errors()).toBe(true);
    expect(saved).toEqual({
      profile_version: 1,
      mapping: { date: 'Datum', sku: 'Artikel', quantity: 'Menge' },
      layout: 'long',
      measure: 'units',
      date_format: 'DMY',
      header: ['Datum', 'Artikel', 'Menge'],
    });
    // The schema refuses what the reader refuses.
    expect(schema.valid({ ...(saved as object), extra: 1 })).toBe(false);
    expect(schema.valid({ ...(saved as object), layout: 'sideways' })).toBe(false);
  });
});

describe('--profile', () => {
  const weeksOf = (out: string): string[] =>
    out
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(',')[2] ?? '');

  it("reads tomorrow's file as today's: the date order kept, a new column left unread", () => {
    skucast(['weekly', today, '--save-profile', profile]);
    const guessed = skucast(['weekly', tomorrow]);
    const pinned = skucast(['weekly', tomorrow, '--profile', profile]);
    expect(pinned.code, pinned.err).toBe(0);
    // Undecidable alone, tomorrow's dates would be month-first (03/01 = 1 March).
    expect(guessed.err).toMatch(/dates month-first/);
    expect(pinned.err).toMatch(/dates day-first/);
    expect(weeksOf(pinned.out)[0]).toBe('2023-01-02');
    expect(guessed.out.split('\n')[0]).toContain('promo_days');
    expect(pinned.out.split('\n')[0]).not.toContain('promo_days');
    expect(pinned.err).toMatch(
      /^profile: read as .*profile\.json says: date=Datum, sku=Artikel, quantity=Menge; long; units; dates DMY$/m,
    );
  });

  it('stops with exit 2 naming the column the header lost, for every command', () => {
    skucast(['weekly', today, '--save-profile', profile]);
    for (const cmd of [
      ['weekly'],
      ['forecast', '--model', 'naive'],
      ['backtest', '--models', 'naive', '--windows', '1'],
    ]) {
      const r = skucast([...cmd, renamed, '--profile', profile]);
      expect(r.code, cmd[0]).toBe(2);
      expect(r.out).toBe('');
      expect(r.err).toContain(
        'column "Artikel" (sku) of the profile is not in this file\'s header',
      );
      expect(r.err).toContain('"Artikelnummer"');
      // A --map of the role answers it, and says it overrode the profile.
      const mapped = skucast([...cmd, renamed, '--profile', profile, '--map', 'sku=Artikelnummer']);
      expect(mapped.code, mapped.err).toBe(0);
      expect(mapped.err).toContain(
        "profile: --map sku=Artikelnummer overrides the profile's sku=Artikel",
      );
    }
  });

  it('options on the command line win over the profile, and stderr says so', () => {
    skucast(['weekly', today, '--save-profile', profile]);
    const r = skucast(['weekly', tomorrow, '--profile', profile, '--date-format', 'MDY']);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain("profile: --date-format MDY overrides the profile's DMY");
    // 03/01/2023 read month-first: 1 March, in the week of 27 February.
    expect(weeksOf(r.out)[0]).toBe('2023-02-27');
  });

  it('forecast and backtest read with the profile as weekly does', () => {
    skucast(['weekly', today, '--save-profile', profile]);
    const f = skucast([
      'forecast',
      tomorrow,
      '--profile',
      profile,
      '--model',
      'ses',
      '--format',
      'json',
    ]);
    expect(f.code, f.err).toBe(0);
    const doc = JSON.parse(f.out) as { data: { date_order: string; measure: string } };
    expect(doc.data.date_order).toBe('day-first');
    const b = skucast([
      'backtest',
      tomorrow,
      '--profile',
      profile,
      '--models',
      'naive',
      '--windows',
      '2',
    ]);
    expect(b.code, b.err).toBe(0);
    expect(b.err).toMatch(/dates day-first/);
  });

  it('a profile that cannot be read or is not one: exit 2 with what is wrong', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"profile_version": 1, "mapping": {"colour": "X"}}');
    const r = skucast(['weekly', today, '--profile', bad]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('unknown role "colour"');
    const missing = skucast(['weekly', today, '--profile', join(dir, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('cannot read it (ENOENT)');
    const unwritable = skucast(['weekly', today, '--save-profile', join(dir, 'no', 'dir.json')]);
    expect(unwritable.code).toBe(2);
    expect(unwritable.err).toContain('--save-profile');
  });
});
