// skucast as a Progressive Web App (vite.config.ts adds these plugins): the
// service worker, the web app manifest and its icons. See README "Deploy".
//
// - Service worker (vite-plugin-pwa, Workbox generateSW): precaches the app
//   shell, both workers, the model (tcn.onnx + tcn.json), the sample and the
//   plain onnxruntime WASM build (14 MB), so after one visit the app works with
//   no network. The WebGPU (JSEP) build's 28 MB binary is not precached: it is
//   cached on first use (CacheFirst), so a browser without WebGPU never
//   downloads it. Cache Storage holds build assets only, never a user's file
//   or results (the worker reads files from Blobs; nothing is fetched or put).
// - Updates: registerType 'prompt'. A new build's worker waits until the page
//   offers "New version — reload" and the user accepts (src/app/pwa.ts), so a
//   page never runs with files of two versions; stale precache entries and the
//   caches of older Workbox versions are deleted when it activates.
// - Registration from src/app/pwa.ts (injectRegister: null): the CSP allows no
//   inline script, so nothing is injected into index.html but the manifest link.
// - Relative everything (base './', start_url and scope './'): the worker's
//   scope is the directory it is served from, on any host and any sub-path.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Plugin, PluginOption } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { encodePng, parseIconSvg, renderIcon } from './icons.ts';

/** Title bar colours, as index.html's theme-color metas (the header's surface colour). */
export const THEME = { light: '#ffffff', dark: '#171d26' } as const;

/** The PNG icons drawn from public/favicon.svg, relative to dist/. */
export const ICONS = [
  { file: 'icons/icon-192.png', px: 192, maskable: false },
  { file: 'icons/icon-512.png', px: 512, maskable: false },
  { file: 'icons/icon-maskable-192.png', px: 192, maskable: true },
  { file: 'icons/icon-maskable-512.png', px: 512, maskable: true },
] as const;

/**
 * `__SKUCAST_VERSION__` in the page: SKUCAST_VERSION at build time, else
 * package.json's version. Shown as <html data-version>.
 */
function appVersion(root: string): Plugin {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    version: string;
  };
  const version = process.env['SKUCAST_VERSION'] ?? pkg.version;
  return {
    name: 'skucast-version',
    config: () => ({ define: { __SKUCAST_VERSION__: JSON.stringify(version) } }),
  };
}

/** Rasterises public/favicon.svg into the manifest's PNG icons at build time. */
function pwaIcons(root: string): Plugin {
  return {
    name: 'skucast-pwa-icons',
    apply: 'build',
    generateBundle() {
      const src = parseIconSvg(readFileSync(path.join(root, 'public/favicon.svg'), 'utf8'));
      for (const icon of ICONS) {
        const rgba = renderIcon(src, { px: icon.px, maskable: icon.maskable });
        this.emitFile({
          type: 'asset',
          fileName: icon.file,
          source: encodePng(rgba, icon.px, icon.px),
        });
      }
    },
  };
}

/**
 * Theme colours for light and dark pages (unless index.html has its own), and
 * the icon for iOS's home screen.
 */
function pwaHead(): Plugin {
  return {
    name: 'skucast-pwa-head',
    apply: 'build',
    transformIndexHtml: (html) => [
      ...(/name="theme-color"/.test(html)
        ? []
        : (['light', 'dark'] as const).map((scheme) => ({
            tag: 'meta',
            attrs: {
              name: 'theme-color',
              media: `(prefers-color-scheme: ${scheme})`,
              content: THEME[scheme],
            },
            injectTo: 'head' as const,
          }))),
      {
        tag: 'link',
        attrs: { rel: 'apple-touch-icon', href: './icons/icon-192.png' },
        injectTo: 'head',
      },
    ],
  };
}

export function pwaPlugins(root: string): PluginOption[] {
  return [
    appVersion(root),
    pwaIcons(root),
    pwaHead(),
    VitePWA({
      strategies: 'generateSW',
      registerType: 'prompt',
      // No inline registration script (CSP): src/app/pwa.ts imports virtual:pwa-register.
      injectRegister: null,
      manifestFilename: 'manifest.webmanifest',
      // The manifest's icons are emitted by pwaIcons, found by the glob below.
      includeManifestIcons: false,
      manifest: {
        name: 'skucast: weekly sales forecasts',
        short_name: 'skucast',
        description:
          'Weekly sales forecasts per SKU, computed in your browser. Your data stays on your machine.',
        lang: 'en',
        // Relative to the manifest: the directory the app is served from, on any host.
        start_url: './',
        scope: './',
        display: 'standalone',
        background_color: THEME.light,
        theme_color: THEME.light,
        icons: ICONS.map((icon) => ({
          src: icon.file,
          sizes: `${icon.px}x${icon.px}`,
          type: 'image/png',
          purpose: icon.maskable ? 'maskable' : 'any',
        })),
      },
      workbox: {
        // Everything the app ships, including the model and the plain ORT build...
        globPatterns: ['**/*.{html,js,css,svg,png,wasm,onnx,json,csv}'],
        // ...but not the WebGPU build: runtime-cached below, only where it is used.
        globIgnores: ['**/ort-wasm-simd-threaded.jsep-*.wasm'],
        // Workbox skips files over 2 MiB by default; the plain ORT binary is 14 MB.
        maximumFileSizeToCacheInBytes: 20 * 1024 * 1024,
        cleanupOutdatedCaches: true,
        // A navigation to any path in scope gets the app (offline too).
        navigateFallback: 'index.html',
        runtimeCaching: [
          {
            // The JSEP (WebGPU) binary. Serialised into sw.js: no outside references.
            urlPattern: ({ url, sameOrigin }) =>
              sameOrigin && /ort-wasm-simd-threaded\.jsep-[\w-]+\.wasm$/.test(url.pathname),
            handler: 'CacheFirst',
            options: {
              cacheName: 'skucast-ort-webgpu',
              // One build's binary: a new ORT version's (new hash) replaces the old one.
              expiration: { maxEntries: 1 },
              cacheableResponse: { statuses: [200] },
            },
          },
        ],
      },
    }),
  ];
}
