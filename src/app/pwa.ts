// The page's side of the service worker (scripts/pwa/plugin.ts builds it):
// registered from this module, not an inline script (the CSP forbids those).
// A new version's worker waits; the page offers "New version — reload", and
// accepting it activates the worker and reloads every open tab into the new
// version, so no page runs with files of two versions.

import { mount } from 'svelte';
import { registerSW } from 'virtual:pwa-register';
import UpdatePrompt from './components/UpdatePrompt.svelte';

export const APP_VERSION = __SKUCAST_VERSION__;
const UPDATE_CHECK_MS = 60 * 60 * 1000;

export function startPwa(): void {
  // Tests (and curious users) can see which version the page runs.
  document.documentElement.dataset['version'] = APP_VERSION;
  if (!('serviceWorker' in navigator)) return;
  let shown = false;
  const update = registerSW({
    // An installed app may stay open for days: look for a new version hourly
    // too, not only when a page loads (offline, the check fails quietly).
    onRegisteredSW(_url, registration) {
      if (!registration) return;
      setInterval(() => void registration.update().catch(() => undefined), UPDATE_CHECK_MS);
    },
    onNeedRefresh() {
      if (shown) return;
      shown = true;
      const target = document.createElement('div');
      document.body.append(target);
      mount(UpdatePrompt, { target, props: { onReload: () => void update() } });
    },
  });
}
