// TCN weights <-> ONNX. The ONNX initializers are the source of truth for the
// shipped model: readOnnxModel rebuilds the tfjs weights from them, so the
// parity test checks the file the app loads, not a copy kept elsewhere.

import onnxProto from 'onnx-proto';
import { HIDDEN_OUTPUT } from '../core/models/tuned-head';
import type { TcnConfig, TcnWeights } from './tcn';
import { blockCin, headGroups, paramShapes, planSteps, seasonTaps } from './tcn';

const { onnx } = onnxProto;

export const ONNX_OPSET = 13;
export const INPUT_NAME = 'input';
export const OUTPUT_NAME = 'quantiles';
export { HIDDEN_OUTPUT } from '../core/models/tuned-head';
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

export interface ExportOptions {
  /**
   * Also output the head's input from the network's body (HIDDEN_OUTPUT:
   * [batch, channels], the last block at the last step), for a head refitted
   * on the user's file (tcn_tuned). Off for tcn8, whose shipped file predates it.
   */
  hidden?: boolean;
}

export function exportOnnx(
  cfg: TcnConfig,
  weights: TcnWeights,
  docString = '',
  opts: ExportOptions = {},
): Uint8Array {
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
  /** [n, batch, channels] of zeros, the batch taken from the input at run time. */
  const zeros = (n: number, name: string): string => {
    if (!nodes.some((x) => x.name === 'batch_dim')) {
      initializer.push(int64Tensor('batch_dim.starts', [0]), int64Tensor('batch_dim.ends', [1]));
      node('Shape', [INPUT_NAME], ['input_shape']);
      node('Slice', ['input_shape', 'batch_dim.starts', 'batch_dim.ends'], ['batch_dim']);
      initializer.push(int64Tensor('channels_dim', [C]));
    }
    initializer.push(int64Tensor(`${name}.rows`, [n]));
    const shape = node(
      'Concat',
      [`${name}.rows`, 'batch_dim', 'channels_dim'],
      [`${name}.shape`],
      [int('axis', 0)],
    );
    return node('ConstantOfShape', [shape], [name]);
  };
  /** Rows of x (holding time steps `have`) at time steps `want`. */
  const gatherSteps = (x: string, have: number[], want: number[], name: string): string => {
    if (want.length === have.length && want.every((t, j) => t === have[j])) return x;
    const idx = want.map((t) => {
      const j = have.indexOf(t);
      if (j < 0) throw new Error(`step ${t} not computed upstream`);
      return j;
    });
    initializer.push(int64Tensor(`${name}.idx`, idx));
    return node('Gather', [x, `${name}.idx`], [name], [int('axis', 0)]);
  };
  /**
   * The causal dilated conv evaluated only at time steps `want`, with only the
   * taps that reach into the series for some wanted step: each tap's rows are
   * multiplied by that tap's weight slice and the products summed with the
   * bias; a tap's rows before the series start are zeros prepended to its
   * product. (Concatenating the taps on the channel axis first, as tcn.forward
   * does, costs onnxruntime one small copy per step and tap; padding the
   * activations with a zero row copied them whole.) The slices are computed
   * in-graph from the full Conv initializer (constant inputs only, so
   * onnxruntime folds them at load).
   */
  const convAt = (
    prefix: string,
    x: string,
    have: number[],
    want: number[],
    kernel: number,
    d: number,
  ): string => {
    // [Cout, Cin, K] -> [K, Cin, Cout]
    const w = node(
      'Transpose',
      [`${prefix}.weight`],
      [`${prefix}.w_kio`],
      [ints('perm', [2, 1, 0])],
    );
    const products: string[] = [];
    for (let k = 0; k < kernel; k++) {
      const shift = (kernel - 1 - k) * d;
      const src = want.map((t) => t - shift);
      // Steps before the series start read zeros: their rows of this tap's
      // product are zero, prepended (the wanted steps are ascending).
      const zeroRows = src.filter((t) => t < 0).length;
      if (zeroRows === src.length) continue;
      const rows = gatherSteps(x, have, src.slice(zeroRows), `${prefix}.tap${k}`);
      initializer.push(int64Tensor(`${prefix}.w_tap${k}.index`, [k]));
      initializer.push(int64Tensor(`${prefix}.w_tap${k}.shape`, [-1, cfg.channels]));
      const wk = node(
        'Reshape',
        [
          node(
            'Gather',
            [w, `${prefix}.w_tap${k}.index`],
            [`${prefix}.w_tap${k}.picked`],
            [int('axis', 0)],
          ),
          `${prefix}.w_tap${k}.shape`,
        ],
        [`${prefix}.w_tap${k}`],
      );
      const product = node('MatMul', [rows, wk], [`${prefix}.tap${k}.matmul`]);
      products.push(
        zeroRows === 0
          ? product
          : node(
              'Concat',
              [zeros(zeroRows, `${prefix}.tap${k}.zeros`), product],
              [`${prefix}.tap${k}.padded`],
              [int('axis', 0)],
            ),
      );
    }
    return node('Sum', [...products, `${prefix}.bias`], [`${prefix}.out`]);
  };
  // Activations are time-major [steps, batch, channels], as in tcn.forward, so
  // picking steps is a Gather of contiguous rows; each holds only the steps
  // listed in the plan.
  const all = Array.from({ length: L }, (_, t) => t);
  /**
   * The first block reads the raw input at every step, with few channels: one
   * ONNX Conv over the whole window (channels-first) took about half the time
   * of one small product per tap there (profiled); its output is turned
   * time-major and the planned steps picked.
   */
  const convOverInput = (prefix: string, want: number[], kernel: number, d: number): string => {
    const ncw = node('Transpose', [INPUT_NAME], ['input_ncw'], [ints('perm', [0, 2, 1])]);
    const y = node(
      'Conv',
      [ncw, `${prefix}.weight`, `${prefix}.bias`],
      [`${prefix}.ncw`],
      [
        ints('dilations', [d]),
        ints('kernel_shape', [kernel]),
        ints('pads', [(kernel - 1) * d, 0]),
        ints('strides', [1]),
      ],
    );
    const tm = node('Transpose', [y], [`${prefix}.all_steps`], [ints('perm', [2, 0, 1])]);
    return gatherSteps(tm, all, want, `${prefix}.out`);
  };
  let h = INPUT_NAME;
  let have = all;
  cfg.dilations.forEach((d, i) => {
    const step = plan[i];
    if (!step) throw new Error(`no step plan for block ${i}`);
    const first = i === 0;
    const a = node(
      'Relu',
      [
        first
          ? convOverInput(`block${i}.conv1`, step.conv1, cfg.kernel, d)
          : convAt(`block${i}.conv1`, h, have, step.conv1, cfg.kernel, d),
      ],
      [`block${i}.relu1`],
    );
    const c = node(
      'Relu',
      [convAt(`block${i}.conv2`, a, step.conv1, step.output, cfg.kernel, d)],
      [`block${i}.relu2`],
    );
    // The skip path reads the raw input time-major.
    if (first) h = node('Transpose', [INPUT_NAME], ['input_tbf'], [ints('perm', [1, 0, 2])]);
    const res =
      blockCin(cfg, i) !== C
        ? convAt(`block${i}.residual`, h, have, step.output, 1, 1)
        : gatherSteps(h, have, step.output, `block${i}.skip`);
    h = node('Relu', [node('Add', [c, res], [`block${i}.sum`])], [`block${i}.out`]);
    have = step.output;
  });
  if (have.length !== 1 || have[0] !== L - 1) throw new Error('the head needs the last step only');
  initializer.push(int64Tensor('last.shape', [-1, C]));
  const last = node('Reshape', [h, 'last.shape'], [opts.hidden ? HIDDEN_OUTPUT : 'last']);
  let z = node('Gemm', [last, 'head.weight', 'head.bias'], ['head.out']);
  // cfg.season: the head's direct read of the input, as in tcn.forward.
  const taps = seasonTaps(cfg);
  if (taps.length > 0) {
    const read = taps.map(({ start, length, channel, channels }, j) => {
      const name = `season.tap${j}`;
      initializer.push(
        int64Tensor(`${name}.starts`, [start, channel]),
        int64Tensor(`${name}.ends`, [start + length, channel + channels]),
        int64Tensor(`${name}.axes`, [1, 2]),
        int64Tensor(`${name}.shape`, [-1, length * channels]),
      );
      const slice = node(
        'Slice',
        [INPUT_NAME, `${name}.starts`, `${name}.ends`, `${name}.axes`],
        [`${name}.slice`],
      );
      return node('Reshape', [slice, `${name}.shape`], [name]);
    });
    const seen =
      read.length === 1
        ? (read[0] as string)
        : node('Concat', read, ['season.read'], [int('axis', 1)]);
    const add = node('MatMul', [seen, 'head.season.weight'], ['season.out']);
    z = node('Add', [z, add], ['head.sum']);
  }
  const Q = cfg.quantiles.length;
  initializer.push(int64Tensor('head.shape', [-1, Q, H]));
  const z3 = node('Reshape', [z, 'head.shape'], ['head.groups']);
  const part = (j: number, name: string): string => {
    initializer.push(int64Tensor(`${name}.starts`, [j]), int64Tensor(`${name}.ends`, [j + 1]));
    initializer.push(int64Tensor(`${name}.axes`, [1]));
    return node('Slice', [z3, `${name}.starts`, `${name}.ends`, `${name}.axes`], [name]);
  };
  // The same running softplus sums as tcn.forward (headGroups).
  const { below, above } = headGroups(cfg);
  const mid = part(0, 'median');
  const lower: string[] = [];
  let run = mid;
  for (let g = 1; g <= below; g++) {
    const spread = node('Softplus', [part(g, `low${g}_raw`)], [`low${g}_spread`]);
    lower.push((run = node('Sub', [run, spread], [`low${g}`])));
  }
  const upper: string[] = [];
  run = mid;
  for (let g = 1; g <= above; g++) {
    const spread = node('Softplus', [part(below + g, `high${g}_raw`)], [`high${g}_spread`]);
    upper.push((run = node('Add', [run, spread], [`high${g}`])));
  }
  const lo = lower[below - 1] ?? mid;
  const hi = upper[above - 1] ?? mid;
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
  const cat =
    Q === 1
      ? median
      : node('Concat', [...lower.reverse(), median, ...upper], ['quantiles_qh'], [int('axis', 1)]);
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
      output: [
        valueInfo(OUTPUT_NAME, ['batch', H, cfg.quantiles.length]),
        ...(opts.hidden ? [valueInfo(HIDDEN_OUTPUT, ['batch', C])] : []),
      ],
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
