// TCN weights <-> ONNX. The ONNX initializers are the source of truth for the
// shipped model: readOnnxModel rebuilds the tfjs weights from them, so the
// parity test checks the file the app loads, not a copy kept elsewhere.

import onnxProto from 'onnx-proto';
import type { TcnConfig, TcnWeights } from './tcn';
import { blockCin, paramShapes } from './tcn';

const { onnx } = onnxProto;

export const ONNX_OPSET = 13;
export const INPUT_NAME = 'input';
export const OUTPUT_NAME = 'quantiles';
const CONFIG_KEY = 'skucast.tcn_config';

const FLOAT = 1;
const INT64 = 7;

function floatTensor(
  name: string,
  dims: number[],
  data: Float32Array,
): onnxProto.onnx.ITensorProto {
  const bytes = new Uint8Array(data.byteLength);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i] as number, true);
  return { name, dims, dataType: FLOAT, rawData: bytes };
}

function int64Tensor(name: string, values: number[]): onnxProto.onnx.ITensorProto {
  const bytes = new Uint8Array(values.length * 8);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
  return { name, dims: [values.length], dataType: INT64, rawData: bytes };
}

function readFloats(t: onnxProto.onnx.ITensorProto): Float32Array {
  if (t.rawData && t.rawData.length > 0) {
    const raw = t.rawData;
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const out = new Float32Array(raw.byteLength / 4);
    for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
    return out;
  }
  return Float32Array.from(t.floatData ?? []);
}

type Attr = onnxProto.onnx.IAttributeProto;
const ints = (name: string, v: number[]): Attr => ({
  name,
  ints: v,
  type: onnx.AttributeProto.AttributeType.INTS,
});
const int = (name: string, v: number): Attr => ({
  name,
  i: v,
  type: onnx.AttributeProto.AttributeType.INT,
});

/**
 * A conv weight moved between the training layout [K*Cin, Cout] and ONNX's
 * Conv weight [Cout, Cin, K]: `to` is the layout of the result.
 */
function convLayout(
  data: Float32Array,
  K: number,
  cin: number,
  cout: number,
  to: 'onnx' | 'training',
): Float32Array {
  const out = new Float32Array(data.length);
  for (let k = 0; k < K; k++)
    for (let ci = 0; ci < cin; ci++)
      for (let co = 0; co < cout; co++) {
        const trained = (k * cin + ci) * cout + co;
        const onnx = (co * cin + ci) * K + k;
        if (to === 'onnx') out[onnx] = data[trained] as number;
        else out[trained] = data[onnx] as number;
      }
  return out;
}

/** Onnx layout of each weight: conv weights [Cout, Cin, K] (residual K = 1), the rest as trained. */
function onnxShape(cfg: TcnConfig, name: string, shape: number[]): number[] {
  const m = /^block(\d+)\.(conv1|conv2|residual)\.weight$/.exec(name);
  if (!m) return shape;
  const i = Number(m[1]);
  const cin =
    m[2] === 'conv1' ? blockCin(cfg, i) : m[2] === 'conv2' ? cfg.channels : blockCin(cfg, i);
  return [cfg.channels, cin, m[2] === 'residual' ? 1 : cfg.kernel];
}

/** Time steps each block must compute: its conv1 at `conv1`, its output at `output`. */
export interface BlockSteps {
  conv1: number[];
  output: number[];
}

/** Input steps t − (K−1−k)·d that a causal dilated conv at `steps` reads outside the zero padding. */
function stepsRead(steps: number[], kernel: number, d: number): number[] {
  const read = new Set<number>();
  for (const t of steps) for (let k = 0; k < kernel; k++) if (t - k * d >= 0) read.add(t - k * d);
  return [...read].sort((a, b) => a - b);
}

/**
 * Work back from the head, which reads the last time step only: a block's
 * output at steps S needs conv2 at S, conv1 at the steps conv2 reads, and its
 * input at S (residual) plus the steps conv1 reads. Everything else the full
 * network computes is never used.
 */
export function planSteps(cfg: TcnConfig): BlockSteps[] {
  const plan: BlockSteps[] = [];
  let output = [cfg.window - 1];
  for (let i = cfg.dilations.length - 1; i >= 0; i--) {
    const d = cfg.dilations[i] as number;
    const conv1 = stepsRead(output, cfg.kernel, d);
    plan[i] = { conv1, output };
    output = [...new Set([...output, ...stepsRead(conv1, cfg.kernel, d)])].sort((a, b) => a - b);
  }
  return plan;
}

export function exportOnnx(cfg: TcnConfig, weights: TcnWeights, docString = ''): Uint8Array {
  const initializer: onnxProto.onnx.ITensorProto[] = [];
  for (const [name, shape] of paramShapes(cfg)) {
    const w = weights[name];
    if (!w) throw new Error(`missing weight ${name}`);
    const oshape = onnxShape(cfg, name, shape);
    const data =
      oshape === shape
        ? w.data
        : convLayout(w.data, oshape[2] as number, oshape[1] as number, cfg.channels, 'onnx');
    initializer.push(floatTensor(name, oshape, data));
  }
  const L = cfg.window;
  const H = cfg.horizon;
  const C = cfg.channels;
  const nodes: onnxProto.onnx.INodeProto[] = [];
  const node = (
    opType: string,
    input: string[],
    output: string[],
    attribute: Attr[] = [],
  ): string => {
    const name = output[0] as string;
    nodes.push({ opType, input, output, attribute, name });
    return name;
  };
  const plan = planSteps(cfg);
  const zeros = new Map<string, string>();
  /** x with one zero time step in front (row 0): the target of taps that fall in the padding. */
  const withZeroRow = (x: string): string => {
    let p = zeros.get(x);
    if (!p) {
      if (zeros.size === 0) initializer.push(int64Tensor('zero_row.pads', [0, 1, 0, 0, 0, 0]));
      p = node('Pad', [x, 'zero_row.pads'], [`${x}.zero_row`]);
      zeros.set(x, p);
    }
    return p;
  };
  /** Rows of x (holding time steps `have`) at time steps `want` (−1 = a zero row). */
  const gatherSteps = (x: string, have: number[], want: number[], name: string): string => {
    if (want.length === have.length && want.every((t, j) => t === have[j])) return x;
    const valid = want.every((t) => t >= 0);
    const idx = want.map((t) => {
      if (t < 0) return 0;
      const j = have.indexOf(t);
      if (j < 0) throw new Error(`step ${t} not computed upstream`);
      return valid ? j : j + 1;
    });
    initializer.push(int64Tensor(`${name}.idx`, idx));
    return node('Gather', [valid ? x : withZeroRow(x), `${name}.idx`], [name], [int('axis', 1)]);
  };
  /**
   * The causal dilated conv evaluated only at time steps `want`, with only the
   * taps that reach into the series for some wanted step: the tap rows are
   * concatenated on the channel axis and multiplied by the matching rows of the
   * stacked weight. The stacked weight is computed in-graph from the full Conv
   * initializer (constant inputs only, so onnxruntime folds it at load).
   */
  const convAt = (
    prefix: string,
    x: string,
    have: number[],
    want: number[],
    kernel: number,
    d: number,
  ): string => {
    const taps: number[] = [];
    const rows: string[] = [];
    for (let k = 0; k < kernel; k++) {
      const shift = (kernel - 1 - k) * d;
      const src = want.map((t) => (t - shift >= 0 ? t - shift : -1));
      if (src.every((t) => t < 0)) continue;
      taps.push(k);
      rows.push(gatherSteps(x, have, src, `${prefix}.tap${k}`));
    }
    const input =
      rows.length === 1
        ? (rows[0] as string)
        : node('Concat', rows, [`${prefix}.taps`], [int('axis', 2)]);
    // [Cout, Cin, K] -> [K, Cin, Cout] -> used taps -> [taps*Cin, Cout]
    let w = node('Transpose', [`${prefix}.weight`], [`${prefix}.w_kio`], [ints('perm', [2, 1, 0])]);
    if (taps.length < kernel) {
      initializer.push(int64Tensor(`${prefix}.w_taps`, taps));
      w = node('Gather', [w, `${prefix}.w_taps`], [`${prefix}.w_used`], [int('axis', 0)]);
    }
    initializer.push(int64Tensor(`${prefix}.w_shape`, [-1, cfg.channels]));
    w = node('Reshape', [w, `${prefix}.w_shape`], [`${prefix}.w_stacked`]);
    const y = node('MatMul', [input, w], [`${prefix}.matmul`]);
    return node('Add', [y, `${prefix}.bias`], [`${prefix}.out`]);
  };
  // Activations stay [batch, steps, channels]; each holds only the steps listed in the plan.
  let h = INPUT_NAME;
  let have = Array.from({ length: L }, (_, t) => t);
  cfg.dilations.forEach((d, i) => {
    const step = plan[i];
    if (!step) throw new Error(`no step plan for block ${i}`);
    const a = node(
      'Relu',
      [convAt(`block${i}.conv1`, h, have, step.conv1, cfg.kernel, d)],
      [`block${i}.relu1`],
    );
    const c = node(
      'Relu',
      [convAt(`block${i}.conv2`, a, step.conv1, step.output, cfg.kernel, d)],
      [`block${i}.relu2`],
    );
    const res =
      blockCin(cfg, i) !== C
        ? convAt(`block${i}.residual`, h, have, step.output, 1, 1)
        : gatherSteps(h, have, step.output, `block${i}.skip`);
    h = node('Relu', [node('Add', [c, res], [`block${i}.sum`])], [`block${i}.out`]);
    have = step.output;
  });
  if (have.length !== 1 || have[0] !== L - 1) throw new Error('the head needs the last step only');
  const last = node('Flatten', [h], ['last'], [int('axis', 1)]);
  const z = node('Gemm', [last, 'head.weight', 'head.bias'], ['head.out']);
  initializer.push(int64Tensor('head.shape', [-1, 3, H]));
  const z3 = node('Reshape', [z, 'head.shape'], ['head.groups']);
  const part = (j: number, name: string): string => {
    initializer.push(int64Tensor(`${name}.starts`, [j]), int64Tensor(`${name}.ends`, [j + 1]));
    initializer.push(int64Tensor(`${name}.axes`, [1]));
    return node('Slice', [z3, `${name}.starts`, `${name}.ends`, `${name}.axes`], [name]);
  };
  const mid = part(0, 'p50');
  const lo = node('Sub', [mid, node('Softplus', [part(1, 'low_raw')], ['low_spread'])], ['p10']);
  const hi = node('Add', [mid, node('Softplus', [part(2, 'high_raw')], ['high_spread'])], ['p90']);
  // cfg.levelShrink: p50 pulled toward the long-run level (1), kept in [p10, p90].
  const k = cfg.levelShrink ?? 0;
  let median = mid;
  if (k > 0) {
    initializer.push(floatTensor('level.keep', [], new Float32Array([1 - k])));
    initializer.push(floatTensor('level.pull', [], new Float32Array([k])));
    const kept = node('Mul', [mid, 'level.keep'], ['p50_kept']);
    const pulled = node('Add', [kept, 'level.pull'], ['p50_pulled']);
    median = node('Min', [node('Max', [pulled, lo], ['p50_floor']), hi], ['p50_shrunk']);
  }
  const cat = node('Concat', [lo, median, hi], ['quantiles_qh'], [int('axis', 1)]);
  node('Transpose', [cat], [OUTPUT_NAME], [ints('perm', [0, 2, 1])]);

  const dim = (v: number | string): onnxProto.onnx.TensorShapeProto.IDimension =>
    typeof v === 'string' ? { dimParam: v } : { dimValue: v };
  const valueInfo = (name: string, dims: (number | string)[]): onnxProto.onnx.IValueInfoProto => ({
    name,
    type: { tensorType: { elemType: FLOAT, shape: { dim: dims.map(dim) } } },
  });
  const model = onnx.ModelProto.create({
    irVersion: 7,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: 'skucast',
    producerVersion: '1',
    docString,
    graph: {
      name: 'skucast_tcn',
      node: nodes,
      initializer,
      input: [valueInfo(INPUT_NAME, ['batch', L, cfg.features])],
      output: [valueInfo(OUTPUT_NAME, ['batch', H, cfg.quantiles.length])],
    },
    metadataProps: [{ key: CONFIG_KEY, value: JSON.stringify(cfg) }],
  });
  return onnx.ModelProto.encode(model).finish();
}

/** Rebuild config and training-layout weights from the ONNX file. */
export function readOnnxModel(bytes: Uint8Array): { cfg: TcnConfig; weights: TcnWeights } {
  const model = onnx.ModelProto.decode(bytes);
  const meta = model.metadataProps.find((p) => p.key === CONFIG_KEY);
  if (!meta?.value) throw new Error('not a skucast TCN: no config metadata');
  const cfg = JSON.parse(meta.value) as TcnConfig;
  const byName = new Map(model.graph?.initializer?.map((t) => [t.name ?? '', t]) ?? []);
  const weights: TcnWeights = {};
  for (const [name, shape] of paramShapes(cfg)) {
    const t = byName.get(name);
    if (!t) throw new Error(`ONNX file lacks initializer ${name}`);
    const data = readFloats(t);
    const oshape = onnxShape(cfg, name, shape);
    weights[name] = {
      shape,
      data:
        oshape === shape
          ? data
          : convLayout(data, oshape[2] as number, oshape[1] as number, cfg.channels, 'training'),
    };
  }
  return { cfg, weights };
}
