// The JSON descriptor that sits beside the ONNX model (§3 of the data contract,
// ../shared/design/CONTRACT.md, outside the repository).
// Training writes it, the runtime reads it: the one place that says how a
// weekly table becomes model input and how output becomes money.

export interface ModelDescriptor {
  name: string;
  version: string;
  /** ONNX file name, relative to the descriptor. */
  onnx: string;
  opset: number;
  input: {
    /** ONNX input name; tensor [batch, window, features.length], float32. */
    name: string;
    /** Number of complete weeks the model reads (L). */
    window: number;
    /** Feature names in tensor order; defined by src/core/features.ts. */
    features: string[];
    /** Fewest complete weeks a series needs (shorter ones are left-padded up to `window`); default `window`. */
    minHistory?: number;
    /**
     * false: the model was trained with the calendar features always unknown
     * (dates or not), so it is given none. Default true.
     */
    readsCalendar?: boolean;
  };
  output: {
    /** ONNX output name; tensor [batch, horizon, quantiles.length], float32, in scaled units. */
    name: string;
    horizon: number;
    quantiles: number[];
  };
  scaling: {
    /** How the per-series scale is computed; implemented in src/core/features.ts. */
    rule: string;
    /** Features divided by the scale. */
    scaledFeatures: string[];
    /** Floor of the scale, so an all-zero history does not divide by zero. */
    minScale: number;
    /** Complete weeks before the origin that the long-run statistics (scale, cv, zero share) look at. */
    historyWeeks?: number;
    /** Sequence input only: recent complete weeks whose non-zero sales set the scale. */
    recentWeeks?: number;
  };
  training: Record<string, unknown>;
  backtest?: Record<string, unknown>;
}

/** A descriptor that does not have the shape above; the message names the first bad field. */
export class ModelDescriptorError extends Error {
  override readonly name = 'ModelDescriptorError';
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isList = (v: unknown, item: (x: unknown) => boolean): boolean =>
  Array.isArray(v) && v.length > 0 && v.every(item);

/** What each kind of field must be, in words and as a test. */
const KINDS = {
  object: ['an object', isObject],
  text: ['a non-empty string', (v) => typeof v === 'string' && v !== ''],
  count: ['a whole number ≥ 1', (v) => Number.isInteger(v) && (v as number) >= 1],
  boolean: ['true or false', (v) => typeof v === 'boolean'],
  positive: ['a finite number > 0', (v) => typeof v === 'number' && v > 0 && Number.isFinite(v)],
  strings: ['a non-empty list of strings', (v) => isList(v, (x) => typeof x === 'string')],
  probabilities: [
    'a non-empty list of numbers between 0 and 1',
    (v) => isList(v, (x) => typeof x === 'number' && x > 0 && x < 1),
  ],
} satisfies Record<string, [string, (v: unknown) => boolean]>;

/** Every field the runtime reads, parents before children; `true` marks an optional one. */
const FIELDS: [path: string, kind: keyof typeof KINDS, optional?: true][] = [
  ['name', 'text'],
  ['version', 'text'],
  ['onnx', 'text'],
  ['opset', 'count'],
  ['input', 'object'],
  ['input.name', 'text'],
  ['input.window', 'count'],
  ['input.features', 'strings'],
  ['input.minHistory', 'count', true],
  ['input.readsCalendar', 'boolean', true],
  ['output', 'object'],
  ['output.name', 'text'],
  ['output.horizon', 'count'],
  ['output.quantiles', 'probabilities'],
  ['scaling', 'object'],
  ['scaling.rule', 'text'],
  ['scaling.scaledFeatures', 'strings'],
  ['scaling.minScale', 'positive'],
  ['scaling.historyWeeks', 'count', true],
  ['scaling.recentWeeks', 'count', true],
  ['training', 'object'],
  ['backtest', 'object', true],
];

function shown(v: unknown): string {
  if (v === undefined) return 'missing';
  const text = JSON.stringify(v);
  return `got ${text.length > 40 ? text.slice(0, 37) + '...' : text}`;
}

/**
 * Parsed JSON (tcn.json) checked field by field against ModelDescriptor: the
 * one gate for the worker's model cache, the CLI and the tools. Throws a
 * ModelDescriptorError naming the first field that is missing or wrong.
 */
export function parseModelDescriptor(json: unknown): ModelDescriptor {
  const fail = (what: string, want: string, v: unknown): never => {
    throw new ModelDescriptorError(
      `the model descriptor is invalid: ${what} must be ${want} (${shown(v)})`,
    );
  };
  if (!isObject(json)) return fail('it', 'a JSON object', json);
  for (const [path, kind, optional] of FIELDS) {
    let v: unknown = json;
    for (const key of path.split('.')) v = isObject(v) ? v[key] : undefined;
    if (optional && v === undefined) continue;
    const [want, ok] = KINDS[kind];
    if (!ok(v)) fail(path, want, v);
  }
  return json as unknown as ModelDescriptor;
}
