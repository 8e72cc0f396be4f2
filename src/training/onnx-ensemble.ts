// Several trained TCNs (seeds of one recipe) as one ONNX graph whose output is
// the average of their output quantiles, so the app and the CLI run an
// ensemble through the same single-model runner, descriptor and file layout.
// Each member's graph is copied whole with its names prefixed; the shared
// input feeds every copy. An average of ordered quantiles stays ordered.

import onnxProto from 'onnx-proto';
import { INPUT_NAME, OUTPUT_NAME } from './onnx-export';

const { onnx } = onnxProto;

/** Metadata key holding the members' count and docStrings (who they are: seeds). */
export const ENSEMBLE_KEY = 'skucast.ensemble_members';

const FLOAT = 1;

/** The one signature every member must share: input, output, opset. */
function signature(m: onnxProto.onnx.IModelProto): string {
  const g = m.graph;
  return JSON.stringify({
    opset: m.opsetImport,
    input: g?.input?.map((v) => onnxProto.onnx.ValueInfoProto.toObject(v as never)),
    output: g?.output?.map((v) => onnxProto.onnx.ValueInfoProto.toObject(v as never)),
  });
}

export function averageOnnx(members: readonly Uint8Array[], docString = ''): Uint8Array {
  if (members.length === 0) throw new Error('an ensemble needs at least one member');
  const models = members.map((b) => onnx.ModelProto.decode(b));
  const first = models[0] as onnxProto.onnx.ModelProto;
  const want = signature(first);
  models.forEach((m, k) => {
    if (signature(m) !== want)
      throw new Error(
        `member ${k + 1} has another input, output or opset than member 1: an ensemble averages models of one contract`,
      );
  });
  const nodes: onnxProto.onnx.INodeProto[] = [];
  const initializer: onnxProto.onnx.ITensorProto[] = [];
  const outputs: string[] = [];
  models.forEach((m, k) => {
    // The prefix keeps each member's weights and activations apart; the input is shared.
    const rename = (n: string): string => (n === INPUT_NAME || n === '' ? n : `m${k}/${n}`);
    for (const t of m.graph?.initializer ?? [])
      initializer.push({ ...t, name: rename(t.name ?? '') });
    for (const n of m.graph?.node ?? []) {
      if (n.attribute?.some((a) => a.g || (a.graphs && a.graphs.length > 0)))
        throw new Error(`member ${k + 1} has a subgraph (${n.opType}): not a skucast TCN`);
      nodes.push({
        ...n,
        name: rename(n.name ?? ''),
        input: (n.input ?? []).map(rename),
        output: (n.output ?? []).map(rename),
      });
    }
    outputs.push(rename(OUTPUT_NAME));
  });
  const sum = outputs.length === 1 ? (outputs[0] as string) : 'members.sum';
  if (outputs.length > 1) nodes.push({ opType: 'Sum', input: outputs, output: [sum], name: sum });
  const share = new Uint8Array(4);
  new DataView(share.buffer).setFloat32(0, 1 / models.length, true);
  initializer.push({ name: 'members.share', dims: [], dataType: FLOAT, rawData: share });
  nodes.push({
    opType: 'Mul',
    input: [sum, 'members.share'],
    output: [OUTPUT_NAME],
    name: OUTPUT_NAME,
  });
  const model = onnx.ModelProto.create({
    irVersion: first.irVersion,
    opsetImport: first.opsetImport,
    producerName: 'skucast',
    producerVersion: '1',
    docString,
    graph: {
      name: 'skucast_tcn_ensemble',
      node: nodes,
      initializer,
      input: first.graph?.input ?? [],
      // The averaged quantiles only: a member's other outputs (its hidden features) stay its own.
      output: (first.graph?.output ?? []).filter((o) => o.name === OUTPUT_NAME),
    },
    metadataProps: [
      {
        key: ENSEMBLE_KEY,
        value: JSON.stringify(models.map((m) => m.docString ?? '')),
      },
    ],
  });
  return onnx.ModelProto.encode(model).finish();
}
