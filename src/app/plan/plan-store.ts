// Plans kept on this device, by the planner's choice: the switch "Keep plans
// on this device" (off by default; its on/off is all localStorage holds)
// and, while it is on, the plans themselves in IndexedDB. Off means nothing:
// the database is never opened (so not even an empty one exists), and
// turning the switch off deletes it. A plan holds sku names, so it lives only
// where the planner put it; Cache Storage never sees one.

import type { Plan } from '../../core/plan/plan';
import type { KeyValueStore } from '../mapping-memory';

const KEEP_KEY = 'skucast.keep-plans.v1';
const DB_NAME = 'skucast-plans';
const STORE = 'plans';

/** A plan as the device keeps it: the plan document as it is, and the page's own id and save time beside it. */
export interface KeptPlan {
  id: string;
  saved_at: string;
  plan: Plan;
}

export function keepPlansOn(store: KeyValueStore | null): boolean {
  try {
    return store?.getItem(KEEP_KEY) === '1';
  } catch {
    return false;
  }
}

export function rememberKeepPlans(store: KeyValueStore | null, on: boolean): void {
  try {
    if (on) store?.setItem(KEEP_KEY, '1');
    else store?.removeItem(KEEP_KEY);
  } catch {
    // Refused (private mode): the switch starts off next time, which keeps nothing.
  }
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('the device refused to store the plan'));
  });
}

function openDb(): Promise<IDBDatabase> {
  const req = indexedDB.open(DB_NAME, 1);
  req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'id' });
  return request(req);
}

async function withStore<T>(
  mode: IDBTransactionMode,
  act: (store: IDBObjectStore) => IDBRequest<T>,
): Promise<T> {
  const db = await openDb();
  try {
    const tx = db.transaction(STORE, mode);
    // Written only once the transaction completes, not when its request succeeds.
    const done = new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error ?? new Error('the device refused to store the plan'));
      tx.onabort = () => reject(tx.error ?? new Error('the device refused to store the plan'));
    });
    const result = await request(act(tx.objectStore(STORE)));
    await done;
    return result;
  } finally {
    db.close();
  }
}

/** Every kept plan, the last saved first. */
export async function keptPlans(): Promise<KeptPlan[]> {
  const all = await withStore('readonly', (s) => s.getAll() as IDBRequest<KeptPlan[]>);
  return all.sort((a, b) => (a.saved_at < b.saved_at ? 1 : a.saved_at > b.saved_at ? -1 : 0));
}

export async function keepPlan(kept: KeptPlan): Promise<void> {
  await withStore('readwrite', (s) => s.put(kept));
}

export async function forgetPlan(id: string): Promise<void> {
  await withStore('readwrite', (s) => s.delete(id));
}

/** The database gone, plans and all (the switch turned off). */
export function forgetAllPlans(): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.deleteDatabase(DB_NAME);
    req.onsuccess = () => resolve();
    req.onerror = () => reject(req.error ?? new Error('the plans could not be deleted'));
    // Another tab holds it open: it goes once that tab lets go.
    req.onblocked = () => resolve();
  });
}
