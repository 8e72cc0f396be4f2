// Shards as a batch engine runs them: `backtest --shard env/3 --format
// scores` in three processes (two with Kubernetes' JOB_COMPLETION_INDEX, one
// with AWS Batch's AWS_BATCH_JOB_ARRAY_INDEX), `choose`, then `forecast
// --shard K/3 --choice`: the shards' CSVs together are one process's
// forecast line for line, over 300 skus of four categories, smooth and slow
// movers, six weeks ahead (two horizon blocks). And the mistakes a job's
// author makes end with a message, not a wrong forecast.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/core/random';
import { runSkucast } from './cli-helpers';
import { repoRoot } from './forecast-helpers';

const dir = mkdtempSync(join(tmpdir(), 'skucast-shards-'));
const file = join(dir, 'sales.csv');
const path = (name: string): string => join(dir, name);

/**
 * 300 skus × 120 weeks in four categories; every fifth sku sells in about a
 * third of its weeks: long enough for auto's earlier calibration origins.
 */
function salesCsv(): string {
  const rand = mulberry32(27);
  const lines = ['SKU,Category,Week,Units'];
  const monday = Date.UTC(2023, 0, 2);
  for (let s = 0; s < 300; s++) {
    const level = 5 + 200 * rand();
    const slow = s % 5 === 0;
    const start = s % 7 === 0 ? Math.floor(rand() * 50) : 0;
    for (let w = start; w < 120; w++) {
      const week = new Date(monday + w * 7 * 86_400_000).toISOString().slice(0, 10);
      const units = slow
        ? rand() < 0.35
          ? 1 + Math.floor(rand() * 6)
          : 0
        : Math.round(level * (1 + 0.3 * Math.sin(w / 8 + s)) * (0.6 + 0.8 * rand()));
      lines.push(`P-${s},Cat ${s % 4},${week},${units}`);
    }
  }
  return lines.join('\n') + '\n';
}

/** The CSV's header, then its rows sorted: shards' outputs come in another order. */
function sortedCsv(parts: readonly string[]): string {
  const header = parts[0]!.split('\n')[0]!;
  const rows = parts.flatMap((p) =>
    p
      .split('\n')
      .slice(1)
      .filter((l) => l.length > 0),
  );
  return [header, ...rows.sort()].join('\n');
}

function envWith(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.JOB_COMPLETION_INDEX;
  delete env.AWS_BATCH_JOB_ARRAY_INDEX;
  return { ...env, ...extra };
}

beforeAll(() => {
  const r = spawnSync(process.execPath, ['scripts/build-cli.mjs'], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  expect(r.status, r.stderr).toBe(0);
  writeFileSync(file, salesCsv());
}, 120_000);

describe('skucast shards', () => {
  it('three shards by the engines’ index variables give one process’s forecast, line for line', () => {
    const one = runSkucast(['forecast', file, '--horizon', '6'], { maxBuffer: 1 << 26 });
    expect(one.code, one.err).toBe(0);

    const indexVar = ['JOB_COMPLETION_INDEX', 'JOB_COMPLETION_INDEX', 'AWS_BATCH_JOB_ARRAY_INDEX'];
    const scores = indexVar.map((name, k) => {
      const r = runSkucast(
        ['backtest', file, '--shard', 'env/3', '--format', 'scores', '--horizon', '6'],
        { env: envWith({ [name]: String(k) }), maxBuffer: 1 << 28 },
      );
      expect(r.code, r.err).toBe(0);
      expect(r.err).toMatch(new RegExp(`shard: ${k}/3: \\d+ of 300 skus`));
      // Every candidate at the earlier origins too: the band rests on them.
      expect(r.out).toContain('"early":true');
      writeFileSync(path(`scores-${k}.ndjson`), r.out);
      return path(`scores-${k}.ndjson`);
    });
    // In any order.
    const chose = runSkucast(['choose', scores[2]!, scores[0]!, scores[1]!], {
      maxBuffer: 1 << 26,
    });
    expect(chose.code, chose.err).toBe(0);
    // tcn_tuned fits its head on every sku: each shard fits it on the whole file.
    expect(chose.out).toContain('tcn_tuned');
    writeFileSync(path('choice.json'), chose.out);

    const shards = [0, 1, 2].map((k) => {
      const r = runSkucast(
        ['forecast', file, '--shard', `${k}/3`, '--choice', path('choice.json')],
        {
          maxBuffer: 1 << 26,
        },
      );
      expect(r.code, r.err).toBe(0);
      return r.out;
    });
    const skusOf = (csv: string): string[] =>
      csv
        .split('\n')
        .slice(1)
        .filter((l) => l.length > 0)
        .map((l) => l.split(',')[0]!);
    const sets = shards.map((csv) => new Set(skusOf(csv)));
    // Disjoint, and together every sku.
    expect(sets.reduce((n, s) => n + s.size, 0)).toBe(300);
    expect(new Set(sets.flatMap((s) => [...s])).size).toBe(300);
    expect(sortedCsv(shards)).toBe(sortedCsv([one.out]));
    // The choice is one process's: the same models chose for the same weeks.
    const line = (err: string): string | undefined => /^model: .*$/m.exec(err)?.[0];
    const first = runSkucast(['forecast', file, '--shard', '0/3', '--choice', path('choice.json')]);
    expect(line(first.err)).toBe(line(one.err));
  }, 300_000);

  it('weekly --shard K/N writes the shard’s skus only, the N shards all of them once', () => {
    const whole = runSkucast(['weekly', file], { maxBuffer: 1 << 26 });
    const parts = [0, 1].map((k) =>
      runSkucast(['weekly', file, '--shard', `${k}/2`], { maxBuffer: 1 << 26 }),
    );
    for (const p of parts) expect(p.code, p.err).toBe(0);
    expect(sortedCsv(parts.map((p) => p.out))).toBe(sortedCsv([whole.out]));
  }, 60_000);

  it('refuses --shard env/N with no index variable, or one out of range', () => {
    const none = runSkucast(['weekly', file, '--shard', 'env/4'], { env: envWith({}) });
    expect(none.code).toBe(2);
    expect(none.err).toContain('JOB_COMPLETION_INDEX');
    expect(none.err).toContain('AWS_BATCH_JOB_ARRAY_INDEX');
    expect(none.err).toContain('neither is set');
    const far = runSkucast(['weekly', file, '--shard', 'env/4'], {
      env: envWith({ AWS_BATCH_JOB_ARRAY_INDEX: '4' }),
    });
    expect(far.code).toBe(2);
    expect(far.err).toContain('AWS_BATCH_JOB_ARRAY_INDEX is "4", not a shard of 4 (0 to 3)');
    const word = runSkucast(['weekly', file, '--shard', 'env/4'], {
      env: envWith({ JOB_COMPLETION_INDEX: 'two' }),
    });
    expect(word.code).toBe(2);
    expect(word.err).toContain('JOB_COMPLETION_INDEX is "two"');
    for (const bad of ['4/4', '1/0', 'x', '1/2/3']) {
      const r = runSkucast(['weekly', file, '--shard', bad]);
      expect(r.code, bad).toBe(2);
      expect(r.err, bad).toContain('--shard');
    }
  });

  it('refuses a forecast shard without a choice, and a choice of missing or doubled shards', () => {
    const alone = runSkucast(['forecast', file, '--shard', '0/3']);
    expect(alone.code).toBe(2);
    expect(alone.err).toContain('--shard needs --choice');
    const missing = runSkucast(['choose', path('scores-0.ndjson'), path('scores-2.ndjson')]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('shard 1 of 3 missing');
    const twice = runSkucast([
      'choose',
      path('scores-0.ndjson'),
      path('scores-1.ndjson'),
      path('scores-1.ndjson'),
    ]);
    expect(twice.code).toBe(2);
    expect(twice.err).toContain('shard 1/3 is given twice');
    const notScores = runSkucast(['choose', file]);
    expect(notScores.code).toBe(2);
    expect(notScores.err).toContain('not a shard');
  });
});
