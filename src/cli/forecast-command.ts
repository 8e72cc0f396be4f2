// `skucast forecast FILE [--horizon N] [--format csv|json|seed-json]
// [--products 0,2,5] [--map role=Column ...] [--model models/tcn.json]`:
// forecasts on stdout, issues and notes on stderr. Node side of the same
// pipeline the app runs: ingest -> forecastTable -> exports, with the model in
// onnxruntime-web's WASM backend.
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ExportError,
  forecastToCsv,
  forecastToJson,
  forecastToSeedJson,
  parseProductIds,
} from '../core/exports';
import {
  ForecastError,
  MAX_HORIZON,
  forecastTable,
  resolveHorizon,
  type ForecastResult,
} from '../core/forecast';
import { ROLES } from '../core/ingest/columns';
import { errorText } from '../core/error-text';
import { parseModelDescriptor, type ModelDescriptor } from '../core/model-descriptor';
import { ModelRunnerError } from '../runtime/model-runner';
import { oneFileProblem, parseArgs, wantsHelp } from '../node/args';
import type { CliIo, Command } from './command';
import { isModelHostThread, ModelFileError, serveModelHost, startModelHost } from './model-host';
import { ingestFile } from '../node/read-file';
import { parseMappings, reportLines } from './weekly-command';

const FORMATS = ['csv', 'json', 'seed-json'] as const;
type Format = (typeof FORMATS)[number];

const USAGE = `usage: skucast forecast FILE [--horizon N] [--format csv|json|seed-json] [--products 0,2,5] [--map role=Column ...]

Forecasts weekly sales per sku (p10/p50/p90) for the weeks after the last
complete week of FILE. Results go to stdout, issues and notes to stderr.

  --horizon N         weeks to forecast, 1-${MAX_HORIZON} (default 4)
  --format F          csv (default: one row per sku and week), json (rows plus
                      run metadata and category totals), seed-json (the seed
                      API's response: {"2": {"week_0": "61.45", ...}})
  --products IDS      seed product ids 0-14, comma separated (seed-json only),
                      as the seed's metadata.product_id; default: all in FILE
  --map role=Column   use Column for role (${ROLES.join(', ')}); repeatable
  --model PATH        model descriptor (default: models/tcn.json of the package)`;

/** A usage or input problem: message for stderr, exit code 2 (with the usage text when it helps). */
class UsageError extends Error {
  constructor(
    message: string,
    readonly showUsage = true,
  ) {
    super(message);
  }
}

/** models/tcn.json of the package: beside bin/ when bundled, two levels up from src/cli/ in development. */
export function defaultDescriptorPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const candidate of [
    resolve(here, '../models/tcn.json'),
    resolve(here, '../../models/tcn.json'),
  ]) {
    if (existsSync(candidate)) return candidate;
  }
  return resolve(here, '../models/tcn.json');
}

async function readDescriptor(descriptorPath: string): Promise<ModelDescriptor> {
  try {
    return parseModelDescriptor(JSON.parse(await readFile(descriptorPath, 'utf8')));
  } catch (e) {
    throw new UsageError(
      `cannot read the model descriptor ${descriptorPath}: ${errorText(e)}`,
      false,
    );
  }
}

function parseHorizon(values: string[] | undefined): number | undefined {
  if (values === undefined) return undefined;
  const text = values.at(-1) ?? '';
  if (!/^\d+$/.test(text.trim())) {
    throw new UsageError(
      `--horizon must be a whole number of weeks from 1 to ${MAX_HORIZON}, got "${text}"`,
    );
  }
  return Number(text);
}

function parseFormat(values: string[] | undefined): Format {
  const text = values?.at(-1) ?? 'csv';
  if (!(FORMATS as readonly string[]).includes(text)) {
    throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got "${text}"`);
  }
  return text as Format;
}

function render(
  result: ForecastResult,
  format: Format,
  products: number[] | undefined,
  meta: Parameters<typeof forecastToJson>[1],
): string {
  if (format === 'csv') return forecastToCsv(result);
  if (format === 'json') return forecastToJson(result, meta);
  return forecastToSeedJson(result, products);
}

async function run(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, ['horizon', 'format', 'products', 'map', 'model']);
  if (wantsHelp(args)) {
    io.out(USAGE + '\n');
    return 0;
  }
  const problem = oneFileProblem(args);
  if (problem !== null) throw new UsageError(problem);
  const horizon = parseHorizon(args.options.get('horizon'));
  const format = parseFormat(args.options.get('format'));
  const productsText = args.options.get('products');
  if (productsText !== undefined && format !== 'seed-json') {
    throw new UsageError('--products selects seed product ids and needs --format seed-json');
  }
  const products = productsText === undefined ? undefined : parseProductIds(productsText.join(','));
  const mapping = parseMappings(args.options.get('map') ?? []);
  if (typeof mapping === 'string') throw new UsageError(mapping);
  const descriptorPath = resolve(args.options.get('model')?.at(-1) ?? defaultDescriptorPath());

  const desc = await readDescriptor(descriptorPath);
  // Checked before the (long) read of the file: a typo should fail fast.
  resolveHorizon(horizon, desc);

  // The WASM runtime loads (in a worker thread) while the file is read and parsed.
  const t0 = performance.now();
  const model = startModelHost(
    resolve(dirname(descriptorPath), desc.onnx),
    desc,
    fileURLToPath(import.meta.url),
  );
  try {
    const table = await ingestFile(args.positionals[0] as string, { mapping });
    const ingestMs = performance.now() - t0;
    const notes = reportLines(table);
    if (table.series.length === 0) {
      io.err(notes.join('\n') + '\n');
      return 2;
    }
    const { provider, loadMs } = await model.ready;
    const result = await forecastTable(table, desc, (x, batch) => model.run(x, batch), {
      ...(horizon === undefined ? {} : { horizon }),
    });
    result.metadata.provider = provider;
    for (const s of result.skus) {
      if (s.model === 'baseline')
        notes.push(`note: ${s.sku}: baseline forecast, ${s.note ?? s.reason}`);
    }
    const output = render(result, format, products, {
      provider,
      report: table.report,
      timings: { ingestMs, modelLoadMs: loadMs },
    });
    io.out(output);
    io.err(notes.join('\n') + '\n');
    return 0;
  } finally {
    await model.dispose();
  }
}

export const forecastCommand: Command = {
  name: 'forecast',
  summary: 'forecast weekly sales per sku (p10/p50/p90) from a sales CSV',
  usage: USAGE,
  async run(argv: string[], io: CliIo): Promise<number> {
    if (isModelHostThread()) {
      await serveModelHost();
      return 0;
    }
    try {
      return await run(argv, io);
    } catch (e) {
      if (e instanceof UsageError) {
        io.err(`skucast forecast: ${e.message}\n${e.showUsage ? USAGE + '\n' : ''}`);
        return 2;
      }
      if (
        e instanceof ForecastError ||
        e instanceof ExportError ||
        e instanceof ModelRunnerError ||
        e instanceof ModelFileError
      ) {
        io.err(`skucast forecast: ${e.message}\n`);
        return 2;
      }
      throw e;
    }
  },
};
