// The two web-platform globals src/core uses, which every runtime skucast runs
// in (page, worker, Node) provides. Core's config has no DOM, WebWorker or Node
// types, so anything else (`process`, `document`, `Buffer`, `self`) is an error.
// Only tsconfig.core.json includes this file; the other configs get the full
// declarations from their own libs.

declare const performance: { now(): number };

interface TextDecodeOptions {
  stream?: boolean;
}

interface TextDecoderOptions {
  fatal?: boolean;
  ignoreBOM?: boolean;
}

interface TextDecoder {
  readonly encoding: string;
  readonly fatal: boolean;
  readonly ignoreBOM: boolean;
  decode(input?: ArrayBufferView | ArrayBuffer, options?: TextDecodeOptions): string;
}

declare const TextDecoder: {
  prototype: TextDecoder;
  new (label?: string, options?: TextDecoderOptions): TextDecoder;
};
