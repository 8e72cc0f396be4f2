/// <reference types="vite-plugin-pwa/client" />

/** The build's version (package.json, or SKUCAST_VERSION at build time): scripts/pwa/plugin.ts. */
declare const __SKUCAST_VERSION__: string;
