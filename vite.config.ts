import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import type { Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { pwaPlugins } from './scripts/pwa/plugin.ts';

const root = path.dirname(fileURLToPath(import.meta.url));
// The model the app ships: models/ by default; SKUCAST_MODEL_DIR builds the
// app around another tcn.onnx + tcn.json (a candidate model, a test model).
const modelDir = path.resolve(root, process.env.SKUCAST_MODEL_DIR ?? 'models');

/**
 * The built page may load and fetch only from its own origin: a browser-level
 * guarantee that no data leaves the machine (CONTRACT: no network at runtime).
 * WASM needs 'wasm-unsafe-eval'. Build only: the dev server injects inline scripts.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data: blob:",
  "style-src 'self' 'unsafe-inline'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
].join('; ');

function contentSecurityPolicy(): Plugin {
  return {
    name: 'skucast-csp',
    apply: 'build',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY },
        injectTo: 'head-prepend',
      },
    ],
  };
}

export default defineConfig({
  // Relative asset URLs so dist/ works from any static host and sub-path.
  base: './',
  plugins: [svelte(), contentSecurityPolicy(), ...pwaPlugins(root)],
  resolve: {
    alias: [{ find: /^@model\//, replacement: `${modelDir}/` }],
  },
  worker: { format: 'es' },
  // The dev server must not pre-bundle onnxruntime-web: its WASM is located
  // relative to the module, which pre-bundling moves.
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  // `npm start` serves cross-origin isolated, so onnxruntime runs on every core
  // (README "Deploy"); a host without these headers gets one thread, no error.
  preview: {
    headers: {
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
    },
  },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 2048,
    // Model and ORT binaries stay files (fetched, cached, streamed-compiled), never base64 in JS.
    assetsInlineLimit: (file) => (/\.(onnx|wasm|json|csv)$/.test(file) ? false : undefined),
  },
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // Two cores: the browser and training tests are heavy, so run files one
    // process at a time rather than fight over CPU.
    fileParallelism: false,
  },
});
