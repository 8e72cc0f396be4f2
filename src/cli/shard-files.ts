// The files a batch job's steps pass each other, on disk: a shard's scores
// (`backtest --format scores`, one JSON document per line: the run, then each
// sku's history, then each backtest) and the choice (`choose`, one JSON
// document). Numbers go through core's exact JSON (src/core/shards/exact-json.ts),
// so what `choose` reads is, bit for bit, what the shard computed.
import { createReadStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { SeriesBacktest } from '../core/backtest/cross-validation';
import type { BacktestSeries } from '../core/backtest/series';
import type { ShardBlockBacktest } from '../core/forecast-library';
import type { ModelAlias } from '../core/models/types';
import {
  CHOICE_SCHEMA,
  SCORES_SCHEMA,
  ShardError,
  type ChoiceDoc,
  type ShardRun,
  type ShardScores,
} from '../core/shards/choose';
import { parseExact, stringifyExact } from '../core/shards/exact-json';
import type { ShardSpec } from '../core/shards/shard-key';

interface ScoresHeader {
  schema: typeof SCORES_SCHEMA;
  run: ShardRun;
  shard: ShardSpec;
  blocks: Omit<ShardBlockBacktest, 'bt' | 'early'>[];
}

interface SkuLine {
  sku: number;
  id: string;
  category: string;
  y: Float64Array;
}

interface BacktestLine {
  block: number;
  /** A backtest at the earlier origins (ShardBlockBacktest.early). */
  early?: true;
  sku: number;
  cutoffs: number[];
  actual: Float64Array;
  points: Partial<Record<ModelAlias, Float64Array>>;
  used: Partial<Record<ModelAlias, (ModelAlias | null)[]>>;
}

/** A shard's scores as lines of JSON (see the header), for writeChunks. */
export function* scoresLines(scores: ShardScores): Generator<string> {
  const header: ScoresHeader = {
    schema: SCORES_SCHEMA,
    run: scores.run,
    shard: scores.shard,
    blocks: scores.blocks.map(({ bt: _bt, early: _early, ...block }) => block),
  };
  yield stringifyExact(header) + '\n';
  const place = new Map<BacktestSeries, number>();
  for (const { index, series } of scores.skus) {
    place.set(series, index);
    const line: SkuLine = { sku: index, id: series.id, category: series.category, y: series.y };
    yield stringifyExact(line) + '\n';
  }
  for (const [b, block] of scores.blocks.entries()) {
    const lines = [
      ...block.bt.map((sb) => ({ sb, early: false })),
      ...block.early.map((sb) => ({ sb, early: true })),
    ];
    for (const { sb, early } of lines) {
      const line: BacktestLine = {
        block: b,
        ...(early ? { early } : {}),
        sku: place.get(sb.series) as number,
        cutoffs: sb.cutoffs,
        actual: sb.actual,
        points: sb.points,
        used: Object.fromEntries(
          Object.entries(sb.used).map(([a, u]) => [a, Array.from(u, (x) => x ?? null)]),
        ),
      };
      yield stringifyExact(line) + '\n';
    }
  }
}

/** Reads a scores file written by scoresLines; anything else is a ShardError naming the file. */
export async function readScoresFile(path: string): Promise<ShardScores> {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  let header: ScoresHeader | undefined;
  const skus: ShardScores['skus'] = [];
  const byIndex = new Map<number, BacktestSeries>();
  let blocks: ShardBlockBacktest[] = [];
  let n = 0;
  try {
    for await (const text of lines) {
      n++;
      if (text.length === 0) continue;
      const doc = parseExact(text) as Record<string, unknown>;
      if (!header) {
        if (doc.schema !== SCORES_SCHEMA) throw new Error(`not ${SCORES_SCHEMA} scores`);
        header = doc as unknown as ScoresHeader;
        blocks = header.blocks.map((b) => ({ ...b, bt: [], early: [] }));
      } else if ('block' in doc) {
        const line = doc as unknown as BacktestLine;
        const series = byIndex.get(line.sku);
        const block = blocks[line.block];
        if (!series || !block) throw new Error(`a backtest of an unknown sku or block`);
        const sb: SeriesBacktest = {
          series,
          cutoffs: line.cutoffs,
          actual: line.actual,
          forecasts: {},
          points: line.points,
          used: Object.fromEntries(
            Object.entries(line.used).map(([a, u]) => [a, u?.map((x) => x ?? undefined)]),
          ),
        };
        (line.early ? block.early : block.bt).push(sb);
      } else {
        const line = doc as unknown as SkuLine;
        const series: BacktestSeries = {
          id: line.id,
          category: line.category,
          y: line.y,
          weeks: [],
        };
        byIndex.set(line.sku, series);
        skus.push({ index: line.sku, series });
      }
    }
  } catch (e) {
    if (e instanceof Error && 'code' in e)
      throw new ShardError(`cannot read the scores ${path}: ${e.message}`);
    throw new ShardError(
      `${path} line ${n}: not a shard's scores (skucast backtest --format scores writes them): ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  if (!header) throw new ShardError(`${path} is empty: not a shard's scores`);
  return { run: header.run, shard: header.shard, skus, blocks };
}

export function choiceText(doc: ChoiceDoc): string {
  return stringifyExact(doc) + '\n';
}

/** The choice file `--choice` names, checked to be one. */
export function readChoiceFile(path: string): ChoiceDoc {
  let doc: unknown;
  try {
    doc = parseExact(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ShardError(
      `cannot read the choice ${path}: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  if ((doc as { schema?: unknown } | null)?.schema !== CHOICE_SCHEMA)
    throw new ShardError(`${path} is not a choice file (skucast choose writes them)`);
  return doc as ChoiceDoc;
}
