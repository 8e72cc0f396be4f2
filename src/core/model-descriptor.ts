// The JSON descriptor that sits beside the ONNX model (CONTRACT.md §3).
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
  };
  training: Record<string, unknown>;
  backtest?: Record<string, unknown>;
}
