import { mount } from 'svelte';
import App from './App.svelte';
import { loadSample } from './sample';
import { browserStore } from './mapping-memory';
import { configure } from './state.svelte';
import { ForecastBridge } from './worker-bridge';
import { startPwa } from './pwa';
import type { RunResult } from '../worker/protocol';
import './styles.css';

configure({
  bridge: new ForecastBridge(),
  loadSample,
  store: browserStore(),
  // Test builds only (tests/browser sets VITE_SKUCAST_TEST_HOOK when it builds the app):
  // the result as the worker returned it, so the browser's numbers can be compared with
  // Node's. Production builds have no window hook.
  ...(import.meta.env.VITE_SKUCAST_TEST_HOOK === '1'
    ? {
        onResult: (r: RunResult | null) => {
          (globalThis as { __skucastResult?: RunResult | null }).__skucastResult = r;
        },
      }
    : {}),
});

const target = document.getElementById('app');
if (!target) throw new Error('skucast: #app element missing from index.html');
export default mount(App, { target });
startPwa();
