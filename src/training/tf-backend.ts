// TensorFlow.js on its wasm backend in Node, single-threaded so runs are
// deterministic and fit the 2-core machine. The .wasm binaries ship inside the
// npm package; point the loader at them instead of any URL.

import * as tf from '@tensorflow/tfjs';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import path from 'node:path';

let ready: Promise<void> | null = null;

export function initTf(): Promise<void> {
  ready ??= (async () => {
    const require = createRequire(import.meta.url);
    const pkg = require.resolve('@tensorflow/tfjs-backend-wasm/package.json');
    setWasmPaths(path.join(path.dirname(pkg), 'dist') + path.sep);
    setThreadsCount(1);
    if (!(await tf.setBackend('wasm'))) throw new Error('tfjs wasm backend failed to start');
    await tf.ready();
  })();
  return ready;
}
