// Build-time variables the page reads (Vite replaces them statically).
interface ImportMetaEnv {
  /** '1' in the browser tests' build only: keeps the last result on globalThis.__skucastResult. */
  readonly VITE_SKUCAST_TEST_HOOK?: string;
}
