/** `data-testid` values of the update prompt (src/app/components/UpdatePrompt.svelte), for tests/browser. */
export const TEST_IDS_PWA = {
  updatePrompt: 'pwa-update',
  updateReload: 'pwa-update-reload',
} as const;
