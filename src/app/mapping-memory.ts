// The column roles a user confirmed, remembered per header layout (the same
// export next week gets the same mapping without asking), in localStorage,
// and forgotten on request. Storage may be missing or refuse (private modes):
// then nothing is remembered and nothing fails.

import type { ColumnMapping, Role } from '../core/types';

const PREFIX = 'skucast.mapping.v1:';

export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** The page's localStorage, or null where there is none or it may not be used. */
export function browserStore(): KeyValueStore | null {
  try {
    return (globalThis as { localStorage?: KeyValueStore }).localStorage ?? null;
  } catch {
    return null;
  }
}

/** Same headers in the same order, ignoring case and surrounding spaces. */
export function headerSignature(headers: readonly string[]): string {
  return headers.map((h) => h.trim().toLowerCase()).join('\u241f');
}

export function recallMapping(
  store: KeyValueStore | null,
  headers: readonly string[],
): ColumnMapping | null {
  if (!store) return null;
  try {
    const raw = store.getItem(PREFIX + headerSignature(headers));
    if (raw === null) return null;
    const parsed = JSON.parse(raw) as unknown;
    if (typeof parsed !== 'object' || parsed === null) return null;
    const mapping: ColumnMapping = {};
    for (const [role, header] of Object.entries(parsed as Record<string, unknown>)) {
      // Only headers this file has: a stale entry never maps a column that is not there.
      if (typeof header === 'string' && headers.includes(header)) mapping[role as Role] = header;
    }
    return Object.keys(mapping).length > 0 ? mapping : null;
  } catch {
    return null;
  }
}

export function rememberMapping(
  store: KeyValueStore | null,
  headers: readonly string[],
  mapping: ColumnMapping,
): void {
  try {
    store?.setItem(PREFIX + headerSignature(headers), JSON.stringify(mapping));
  } catch {
    // Full or refused: the mapping is simply not remembered.
  }
}

export function forgetMapping(store: KeyValueStore | null, headers: readonly string[]): void {
  try {
    store?.removeItem(PREFIX + headerSignature(headers));
  } catch {
    // nothing to do
  }
}
