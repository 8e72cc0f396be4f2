// JSON that gives back the very numbers it was given: the files a batch job's
// shards and its `choose` step pass each other carry backtest points and
// calibrated quantiles, and a forecast made from them must be the one a single
// run makes to the last bit. JSON writes a finite number in the shortest form
// that reads back to the same double, but not NaN, ±Infinity or −0, nor a
// Float64Array or a Map: those are tagged objects here. A Float64Array goes as
// base64 of its little-endian bytes (11 characters a number instead of up to
// 24, and no number formatting at all).

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = new Int16Array(128).fill(-1);
for (let i = 0; i < B64.length; i++) B64_INDEX[B64.charCodeAt(i)] = i;

export function float64ToBase64(values: Float64Array): string {
  const bytes = new Uint8Array(values.length * 8);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat64(i * 8, values[i] as number, true);
  const parts: string[] = [];
  let line = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i] as number;
    const b = i + 1 < bytes.length ? (bytes[i + 1] as number) : 0;
    const c = i + 2 < bytes.length ? (bytes[i + 2] as number) : 0;
    line +=
      B64[a >> 2]! +
      B64[((a & 3) << 4) | (b >> 4)]! +
      (i + 1 < bytes.length ? B64[((b & 15) << 2) | (c >> 6)]! : '=') +
      (i + 2 < bytes.length ? B64[c & 63]! : '=');
    if (line.length >= 4096) {
      parts.push(line);
      line = '';
    }
  }
  parts.push(line);
  return parts.join('');
}

export function base64ToFloat64(text: string): Float64Array {
  if (text.length % 4 !== 0) throw new Error('exact-json: base64 of a length not a multiple of 4');
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const n = (text.length / 4) * 3 - pad;
  if (n % 8 !== 0) throw new Error('exact-json: base64 that is not whole doubles');
  const bytes = new Uint8Array(n);
  let at = 0;
  for (let i = 0; i < text.length; i += 4) {
    const v = [0, 1, 2, 3].map((k) => {
      const ch = text.charCodeAt(i + k);
      if (ch === 61) return 0;
      const d = ch < 128 ? (B64_INDEX[ch] as number) : -1;
      if (d < 0) throw new Error('exact-json: a character that is not base64');
      return d;
    }) as [number, number, number, number];
    const triple = (v[0] << 18) | (v[1] << 12) | (v[2] << 6) | v[3];
    if (at < n) bytes[at++] = (triple >> 16) & 255;
    if (at < n) bytes[at++] = (triple >> 8) & 255;
    if (at < n) bytes[at++] = triple & 255;
  }
  const view = new DataView(bytes.buffer);
  const out = new Float64Array(n / 8);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat64(i * 8, true);
  return out;
}

function replacer(this: unknown, _key: string, value: unknown): unknown {
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return { $num: 'NaN' };
    if (value === Infinity) return { $num: 'Infinity' };
    if (value === -Infinity) return { $num: '-Infinity' };
    if (Object.is(value, -0)) return { $num: '-0' };
    return value;
  }
  if (value instanceof Float64Array) return { $f64: float64ToBase64(value) };
  if (value instanceof Map) return { $map: [...(value as Map<unknown, unknown>).entries()] };
  return value;
}

const SPECIAL: Record<string, number> = {
  NaN: NaN,
  Infinity: Infinity,
  '-Infinity': -Infinity,
  '-0': -0,
};

function reviver(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const o = value as Record<string, unknown>;
  if (typeof o.$num === 'string' && o.$num in SPECIAL) return SPECIAL[o.$num];
  if (typeof o.$f64 === 'string') return base64ToFloat64(o.$f64);
  if (Array.isArray(o.$map)) return new Map(o.$map as [unknown, unknown][]);
  return value;
}

/** JSON of `value` that parseExact reads back to equal numbers, Float64Arrays and Maps. */
export function stringifyExact(value: unknown): string {
  return JSON.stringify(value, replacer);
}

export function parseExact(text: string): unknown {
  return JSON.parse(text, reviver) as unknown;
}
