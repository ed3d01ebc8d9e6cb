/**
 * The device-side progress queue. Every event goes to IndexedDB first, then to
 * POST /api/progress/events when there is a connection (on page load, on `online`, after each
 * enqueue, with exponential backoff after failures). Each event carries a client-generated id, so
 * the server stores it once however often it is sent. An event is removed from the device only after
 * the server has acknowledged it; events the server rejects as invalid (e.g. a course that no longer
 * exists) are moved to a `rejected` store rather than dropped.
 */
import { signedInUser } from './session-hint.ts';
import type { ApiError, Body } from '../lib/api/types.ts';

export interface QueuedEvent {
  id: string;
  /** Who queued it (the signed-in user's id on this device): only sent under that person's session. */
  owner?: string;
  course: string;
  module: string;
  kind: 'viewed' | 'completed' | 'practice';
  score?: number;
  at: string;
}

export type SyncState = 'synced' | 'pending' | 'offline' | 'signed-out';

const DB_NAME = 'oberih';
const MAX_BATCH = 500;

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains('events')) db.createObjectStore('events', { keyPath: 'id' });
      if (!db.objectStoreNames.contains('rejected')) db.createObjectStore('rejected', { keyPath: 'id' });
      if (!db.objectStoreNames.contains('kv')) db.createObjectStore('kv');
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function tx<T>(
  store: string,
  mode: IDBTransactionMode,
  fn: (s: IDBObjectStore) => IDBRequest<T> | void,
): Promise<T | undefined> {
  return open().then(
    (db) =>
      new Promise((resolve, reject) => {
        const t = db.transaction(store, mode);
        const req = fn(t.objectStore(store));
        t.oncomplete = () => {
          db.close();
          resolve(req ? req.result : undefined);
        };
        t.onerror = () => {
          db.close();
          reject(t.error);
        };
        t.onabort = () => {
          db.close();
          reject(t.error ?? new Error('transaction aborted'));
        };
      }),
  );
}

export const newId = () =>
  (crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`).replace(
    /[^A-Za-z0-9_-]/g,
    '',
  );

async function all(): Promise<QueuedEvent[]> {
  return ((await tx<QueuedEvent[]>('events', 'readonly', (s) => s.getAll())) ?? []).sort((a, b) =>
    a.at < b.at ? -1 : 1,
  );
}

/** The signed-in person's queued events. */
export async function pending(): Promise<QueuedEvent[]> {
  const me = signedInUser();
  return (await all()).filter((e) => !e.owner || e.owner === me);
}

const listeners = new Set<(s: SyncState) => void>();
export const onState = (fn: (s: SyncState) => void) => {
  listeners.add(fn);
  return () => listeners.delete(fn);
};
const emit = (s: SyncState) => listeners.forEach((fn) => fn(s));

/**
 * The request body the API takes (`sent_at` lets the server correct a device clock that is off),
 * typed by the API's generated types. Sent with plain `fetch` and `sendBeacon` (no client library:
 * module pages have a JavaScript budget).
 */
const body = (batch: QueuedEvent[]) =>
  JSON.stringify({
    sent_at: new Date().toISOString(),
    events: batch.map(({ id, course, module, kind, score, at }) => ({
      id,
      course,
      module,
      kind,
      at,
      ...(kind === 'practice' ? { score } : {}),
    })),
  } satisfies Body<'/api/progress/events', 'post'>);

/**
 * Events queued by this page that the server has not acknowledged yet. A learner who presses "Mark
 * complete" and leaves at once can close the page before the IndexedDB write commits or before the
 * sync request returns, and on a phone a page sent to the background may never run again (no
 * `pagehide` when the system ends it). So when the page is hidden or left, those not sent that way yet
 * go out as a beacon (the server ignores the ones it already has). Offline, the device queue is all
 * there is.
 */
const unacknowledged = new Map<string, QueuedEvent>();
/** Ids this page has sent as a beacon: each goes that way once (the device queue remains the sure path). */
const beaconed = new Set<string>();
/**
 * Another tab's sync may send this page's events (the tabs share the device queue): each tab says what
 * the server has settled, so that no tab keeps sending it.
 */
const settledChannel = typeof BroadcastChannel !== 'undefined' ? new BroadcastChannel('oberih-progress-settled') : null;
settledChannel?.addEventListener('message', (m: MessageEvent<unknown>) => {
  if (Array.isArray(m.data)) for (const id of m.data) if (typeof id === 'string') unacknowledged.delete(id);
});
/** The server has these (stored, or refused for good): this page and the others stop sending them. */
function settled(ids: string[]) {
  for (const id of ids) unacknowledged.delete(id);
  if (ids.length) settledChannel?.postMessage(ids);
}
/**
 * Only the signed-in person's events, and only under their own session: on a shared computer the next
 * person may sign in while an earlier person's tab is still open.
 */
function flushAsBeacon() {
  const me = signedInUser();
  if (!me || !navigator.onLine) return;
  const mine = [...unacknowledged.values()].filter((e) => e.owner === me && !beaconed.has(e.id)).slice(-100);
  if (!mine.length) return;
  if (navigator.sendBeacon('/api/progress/events', new Blob([body(mine)], { type: 'application/json' })))
    for (const e of mine) beaconed.add(e.id);
}
// (Guarded: pages import this module's types and helpers at build time too.)
if (typeof window !== 'undefined') {
  addEventListener('pagehide', flushAsBeacon);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') flushAsBeacon();
  });
}

/** Store an event on the device (it survives reloads, power cuts and closed tabs), then try to send. */
export async function enqueue(
  e: Omit<QueuedEvent, 'id' | 'at'> & Partial<Pick<QueuedEvent, 'id' | 'at'>>,
): Promise<void> {
  const event: QueuedEvent = {
    id: e.id ?? newId(),
    at: e.at ?? new Date().toISOString(),
    owner: signedInUser() ?? undefined,
    ...e,
  } as QueuedEvent;
  unacknowledged.set(event.id, event);
  // A mark or a practice result goes out at once, beside the device queue: on a phone with slow storage
  // the IndexedDB write can take longer than the learner stays, and a keepalive request outlives the
  // page. (If this answer arrives before the write commits, the event is sent once more later; the
  // server keeps it once.)
  const atOnce =
    event.kind !== 'viewed' && event.owner && navigator.onLine
      ? send([event], true).catch((): SendResult => 'retry')
      : null;
  try {
    await tx('events', 'readwrite', (s) => s.put(event));
  } catch (err) {
    // Quota exceeded or storage blocked: send straight away instead of keeping it.
    emit('pending');
    await (atOnce ?? send([event]).catch(() => undefined));
    return;
  }
  emit('pending');
  void sync();
}

let backoff = 0;
let timer: ReturnType<typeof setTimeout> | undefined;

type SendResult = 'ok' | 'retry' | 'signed-out';

/** `keepalive`: the request goes on if the page is closed (for one event; the browser caps such bodies at 64 KB). */
async function send(batch: QueuedEvent[], keepalive = false): Promise<SendResult> {
  let res: Response;
  try {
    const controller = new AbortController();
    const t = setTimeout(() => controller.abort(), 15000);
    res = await fetch('/api/progress/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      credentials: 'same-origin',
      body: body(batch),
      signal: controller.signal,
      keepalive,
    });
    clearTimeout(t);
  } catch {
    return 'retry';
  }
  if (res.ok) {
    settled(batch.map((e) => e.id));
    await tx('events', 'readwrite', (s) => {
      for (const e of batch) s.delete(e.id);
    });
    return 'ok';
  }
  if (res.status === 401) return 'signed-out';
  if (res.status === 400) {
    // Park the events the server names as invalid; send the rest again.
    const body = (await res.json().catch(() => null)) as ApiError | null;
    const bad = new Set(
      Object.keys(body?.error?.fields ?? {})
        .map((k) => Number(/^events\.(\d+)\./.exec(k)?.[1]))
        .filter((n) => Number.isInteger(n)),
    );
    if (!bad.size) bad.add(0);
    const rejected = batch.filter((_, i) => bad.has(i));
    settled(rejected.map((e) => e.id));
    await tx('rejected', 'readwrite', (s) => {
      for (const e of rejected) s.put(e);
    });
    await tx('events', 'readwrite', (s) => {
      for (const e of rejected) s.delete(e.id);
    });
    return 'retry';
  }
  return 'retry';
}

async function syncNow(): Promise<void> {
  for (let round = 0; round < 20; round++) {
    const events = await pending();
    if (!events.length) {
      backoff = 0;
      emit('synced');
      return;
    }
    if (!navigator.onLine) {
      emit('offline');
      return;
    }
    const r = await send(events.slice(0, MAX_BATCH));
    if (r === 'signed-out') {
      emit('signed-out');
      return;
    }
    if (r === 'retry') {
      if ((await pending()).length === 0) continue;
      backoff = Math.min(60000, backoff ? backoff * 2 : 1000);
      emit(navigator.onLine ? 'pending' : 'offline');
      clearTimeout(timer);
      timer = setTimeout(() => void sync(), backoff);
      return;
    }
  }
}

/** Send what is queued. Tabs take turns (Web Locks), and the server ignores duplicates anyway. */
export function sync(): Promise<void> {
  if ('locks' in navigator) return navigator.locks.request('oberih-sync', () => syncNow()).then(() => undefined);
  return syncNow();
}

/** Forget this person's synced data on the device (logout). Their unsynced events stay, marked as theirs. */
export async function clearDevice(): Promise<number> {
  const me = signedInUser();
  await tx('rejected', 'readwrite', (s) => s.clear());
  // Events queued before owners were recorded belong to whoever was signed in: mark them.
  const unowned = (await all()).filter((e) => !e.owner);
  if (me && unowned.length)
    await tx('events', 'readwrite', (s) => {
      for (const e of unowned) s.put({ ...e, owner: me });
    });
  return (await pending()).length;
}

export function startAutoSync() {
  addEventListener('online', () => {
    backoff = 0;
    void sync();
  });
  addEventListener('offline', () => emit('offline'));
  void sync();
}
