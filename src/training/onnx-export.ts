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

/** ONNX Conv weight [Cout, Cin, K] from the training layout [K*Cin, Cout]. */
function convToOnnx(data: Float32Array, K: number, cin: number, cout: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let k = 0; k < K; k++)
    for (let ci = 0; ci < cin; ci++)
      for (let co = 0; co < cout; co++)
        out[(co * cin + ci) * K + k] = data[(k * cin + ci) * cout + co] as number;
  return out;
}

function convFromOnnx(data: Float32Array, K: number, cin: number, cout: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let k = 0; k < K; k++)
    for (let ci = 0; ci < cin; ci++)
      for (let co = 0; co < cout; co++)
        out[(k * cin + ci) * cout + co] = data[(co * cin + ci) * K + k] as number;
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

export function exportOnnx(cfg: TcnConfig, weights: TcnWeights, docString = ''): Uint8Array {
  const initializer: onnxProto.onnx.ITensorProto[] = [];
  for (const [name, shape] of paramShapes(cfg)) {
    const w = weights[name];
    if (!w) throw new Error(`missing weight ${name}`);
    const oshape = onnxShape(cfg, name, shape);
    const data =
      oshape === shape
        ? w.data
        : convToOnnx(w.data, oshape[2] as number, oshape[1] as number, cfg.channels);
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
    nodes.push({ opType, input, output, attribute, name: output[0] });
    return output[0] as string;
  };
  let h = node('Transpose', [INPUT_NAME], ['x_ncl'], [ints('perm', [0, 2, 1])]);
  cfg.dilations.forEach((d, i) => {
    const pad = (cfg.kernel - 1) * d;
    const conv = (which: string, x: string): string =>
      node(
        'Conv',
        [x, `block${i}.${which}.weight`, `block${i}.${which}.bias`],
        [`block${i}.${which}.out`],
        [
          ints('dilations', [d]),
          ints('kernel_shape', [cfg.kernel]),
          ints('pads', [pad, 0]),
          ints('strides', [1]),
          int('group', 1),
        ],
      );
    const a = node('Relu', [conv('conv1', h)], [`block${i}.relu1`]);
    const c = node('Relu', [conv('conv2', a)], [`block${i}.relu2`]);
    let res = h;
    if (blockCin(cfg, i) !== C) {
      res = node(
        'Conv',
        [h, `block${i}.residual.weight`, `block${i}.residual.bias`],
        [`block${i}.residual.out`],
        [ints('kernel_shape', [1]), ints('strides', [1])],
      );
    }
    h = node('Relu', [node('Add', [c, res], [`block${i}.sum`])], [`block${i}.out`]);
  });
  initializer.push(
    int64Tensor('last.starts', [L - 1]),
    int64Tensor('last.ends', [L]),
    int64Tensor('last.axes', [2]),
  );
  const last = node(
    'Flatten',
    [node('Slice', [h, 'last.starts', 'last.ends', 'last.axes'], ['last.slice'])],
    ['last'],
    [int('axis', 1)],
  );
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
  const cat = node('Concat', [lo, mid, hi], ['quantiles_qh'], [int('axis', 1)]);
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
          : convFromOnnx(data, oshape[2] as number, oshape[1] as number, cfg.channels),
    };
  }
  return { cfg, weights };
}
