// What a request's form fields and query parameters mean: the CLI's own
// options under their names without `--` (`horizon`, `model`, `map`, `sheet`,
// `date-format`, `measure`), checked by the CLI's parsers so a bad value gets the CLI's
// message; and the prototype's `metadata` JSON. Also how any problem becomes
// the `{"error": {"code", "message"}}` answer.
import { errorText } from '../../core/error-text';
import { ExportError, parseProductIds } from '../../core/exports';
import { ForecastError } from '../../core/forecast';
import type { IngestOptions } from '../../core/ingest';
import { optionValue, OptionError, type ParsedArgs } from '../../node/args';
import { ModelRunnerError } from '../../runtime/model-runner';
import { UsageError } from '../command';
import { horizonOption } from '../forecast-command';
import { parseModelList } from '../model-choice';
import { ModelFileError } from '../model-host';
import { INGEST_OPTIONS, ingestOptions } from '../ingest-option';
import type { JobError, RunRequest } from './protocol';

/** Fields and query parameters of POST /forecast: `skucast forecast`'s options. */
export const FORECAST_FIELDS: readonly string[] = ['horizon', 'model', ...INGEST_OPTIONS];
/** Those that say how to read the file, so they must come before it in the form. */
export const INGEST_FIELDS: readonly string[] = INGEST_OPTIONS;

/** Option name → its values in order (the last one counts, as on the command line; `map` repeats). */
export type Options = Map<string, string[]>;

/** A problem with the request itself, answered as it says. */
export class RequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'RequestError';
  }
}

/** Any problem of a request as its answer, with the message the CLI prints for it. */
export function jobError(e: unknown): JobError {
  if (e instanceof RequestError) return { status: e.status, code: e.code, message: e.message };
  if (e instanceof UsageError || e instanceof OptionError)
    return { status: 400, code: 'bad-option', message: e.message };
  if (e instanceof ExportError) {
    // An id the file has no data for is a well-formed request about the wrong file.
    return {
      status: e.code === 'unknown-product-id' ? 422 : 400,
      code: e.code,
      message: e.message,
    };
  }
  if (e instanceof ForecastError) {
    const request = e.code === 'bad-horizon' || e.code === 'bad-model';
    return { status: request ? 400 : 422, code: e.code, message: e.message };
  }
  if (e instanceof ModelRunnerError || e instanceof ModelFileError) {
    return { status: 500, code: 'model-failed', message: e.message };
  }
  return { status: 500, code: 'internal', message: `internal error: ${errorText(e)}` };
}

function asArgs(options: Options): ParsedArgs {
  return { positionals: [], options, flags: new Set() };
}

export function addOption(options: Options, name: string, value: string): void {
  const list = options.get(name) ?? [];
  list.push(value);
  options.set(name, list);
}

/** Refuses a field or query parameter /forecast does not take. */
export function checkForecastField(name: string, where: 'form field' | 'query parameter'): void {
  if (FORECAST_FIELDS.includes(name)) return;
  throw new RequestError(
    400,
    'unknown-field',
    `unknown ${where} "${name}"; /forecast takes file and ${FORECAST_FIELDS.join(', ')}`,
  );
}

/** The reading options (`map`, `sheet`, `date-format`, `measure`, `layout`), as `skucast forecast` checks them. */
export function ingestOf(options: Options): IngestOptions {
  const ingest = ingestOptions(asArgs(options));
  if (typeof ingest === 'string') throw new UsageError(ingest);
  return ingest;
}

/** POST /forecast's run: `model` and `horizon` as the CLI reads them; CSV when the client accepts it. */
export function forecastRun(options: Options, accept: string | undefined): RunRequest {
  const args = asArgs(options);
  const horizon = horizonOption(args);
  const [model = 'auto', ...more] = parseModelList(optionValue(args, 'model') ?? 'auto', 'model');
  if (more.length > 0) throw new UsageError('--model takes one model (auto chooses among all)');
  const csv = accept !== undefined && /\btext\/csv\b/i.test(accept);
  return { kind: csv ? 'csv' : 'json', model, horizon };
}

const METADATA_EXAMPLE = 'a JSON object like {"product_id": [0, 2, 5]}';

/**
 * The prototype's `metadata` field, `{"product_id": [0, 2, 5]}`: its ids,
 * checked as `--products 0,2,5` is (the same messages).
 */
export function metadataProducts(text: string): number[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new RequestError(
      400,
      'bad-metadata',
      `metadata is not JSON (${errorText(e)}); expected ${METADATA_EXAMPLE}`,
    );
  }
  const ids =
    typeof doc === 'object' && doc !== null && !Array.isArray(doc)
      ? (doc as Record<string, unknown>)['product_id']
      : undefined;
  if (!Array.isArray(ids)) {
    throw new RequestError(
      400,
      'bad-metadata',
      `metadata has no "product_id" list; expected ${METADATA_EXAMPLE}`,
    );
  }
  const parts = ids.map((id) => {
    if ((typeof id !== 'number' && typeof id !== 'string') || String(id).includes(',')) {
      throw new RequestError(
        400,
        'bad-metadata',
        `metadata's product_id holds ${JSON.stringify(id)}; expected whole numbers 0-14`,
      );
    }
    return String(id);
  });
  return parseProductIds(parts.join(','));
}
