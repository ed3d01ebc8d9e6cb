/// <reference lib="webworker" />
/**
 * Oberih's service worker (hand-written rather than Workbox: courses are cached per course and
 * locale on demand, with versioned caches switched atomically, which Workbox's single precache
 * manifest does not model). Built by scripts/build.ts with the build's VERSION baked in, so every
 * new build is a new worker: it downloads the new shell (and every course the learner had saved)
 * into new caches while the old worker keeps serving the old ones, and removes them on activation.
 * Pages are served cache-first from the current version, so a page never mixes two builds.
 */
const sw = self as unknown as ServiceWorkerGlobalScope;
declare const VERSION: string;

const SHELL = `oberih-shell-${VERSION}`;
const COURSE_PREFIX = 'oberih-course-';
/** The learner's own downloaded certificates; cleared on logout. */
const PERSONAL = 'oberih-personal';
const courseCache = (key: string) => `${COURSE_PREFIX}${key.replace('/', '__')}-${VERSION}`;

interface Manifest {
  version: string;
  shell: string[];
  courses: Record<string, { urls: string[]; bytes: number }>;
}
let manifest: Promise<Manifest> | undefined;
const getManifest = () =>
  (manifest ??= fetch(`/offline-manifest.json?v=${VERSION}`, { cache: 'no-store' }).then((r) => {
    if (!r.ok) throw new Error('no offline manifest');
    return r.json() as Promise<Manifest>;
  }));

async function fill(cacheName: string, urls: string[]) {
  const cache = await caches.open(cacheName);
  // addAll is atomic: either every file is stored or the promise rejects.
  await cache.addAll(urls.map((u) => new Request(u, { cache: 'no-store' })));
}

/** Course keys ("slug/locale") saved under any version. */
async function savedCourseKeys(): Promise<string[]> {
  const names = await caches.keys();
  return [
    ...new Set(
      names
        .filter((n) => n.startsWith(COURSE_PREFIX))
        .map((n) =>
          n
            .slice(COURSE_PREFIX.length)
            .replace(/-[0-9a-f]{16}$/, '')
            .replace('__', '/'),
        ),
    ),
  ];
}

async function saveCourse(key: string) {
  const m = await getManifest();
  const course = m.courses[key];
  if (!course) throw new Error(`unknown course ${key}`);
  if (await caches.has(courseCache(key))) return;
  await fill(courseCache(key), course.urls);
}

sw.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const m = await getManifest();
      await fill(SHELL, m.shell);
      // Bring the learner's saved courses to this version too, before this worker can take over.
      for (const key of await savedCourseKeys()) if (m.courses[key]) await fill(courseCache(key), m.courses[key]!.urls);
    })(),
  );
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith('oberih-') && name !== PERSONAL && !name.endsWith(`-${VERSION}`)) await caches.delete(name);
      }
      await sw.clients.claim();
    })(),
  );
});

sw.addEventListener('message', (event) => {
  const data = event.data as { type: string; key?: string };
  const reply = (msg: unknown) => (event.source as Client | null)?.postMessage(msg);
  if (data.type === 'skip-waiting') void sw.skipWaiting();
  if (data.type === 'save-course' && data.key) {
    event.waitUntil(
      saveCourse(data.key).then(
        () => reply({ type: 'course-saved', key: data.key }),
        (e: Error) => reply({ type: 'course-save-failed', key: data.key, error: e.message }),
      ),
    );
  }
  if (data.type === 'status') {
    event.waitUntil(
      (async () => {
        const m = await getManifest().catch(() => null);
        const saved = await Promise.all(
          Object.keys(m?.courses ?? {}).map(async (k) => [k, await caches.has(courseCache(k))] as const),
        );
        reply({
          type: 'status',
          version: VERSION,
          courses: Object.fromEntries(
            Object.entries(m?.courses ?? {}).map(([k, c]) => [
              k,
              { bytes: c.bytes, saved: saved.find(([x]) => x === k)?.[1] ?? false },
            ]),
          ),
        });
      })(),
    );
  }
});

/** The network's answer (kept in `cacheName` when good), or the kept copy when there is no network. */
async function networkFirst(request: Request, cacheName: string): Promise<Response> {
  try {
    const res = await fetch(request);
    if (res.ok) await (await caches.open(cacheName)).put(request, res.clone());
    return res;
  } catch {
    return (await (await caches.open(cacheName)).match(request)) ?? Response.error();
  }
}

async function fromCaches(request: Request): Promise<Response | undefined> {
  const names = (await caches.keys()).filter(
    (n) => n === SHELL || (n.startsWith(COURSE_PREFIX) && n.endsWith(`-${VERSION}`)),
  );
  for (const n of names) {
    const hit = await (await caches.open(n)).match(request, { ignoreSearch: request.mode === 'navigate' });
    if (hit) return hit;
  }
  return undefined;
}

sw.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== sw.location.origin) return;

  // A learner's certificate PDF: keep the last good copy for offline use (cleared on logout).
  if (/^\/api\/certificates\/[^/]+\.pdf$/.test(url.pathname)) return event.respondWith(networkFirst(request, PERSONAL));
  // The certificate signing key: fresh when online, the cached one at a checkpoint without network.
  if (url.pathname === '/.well-known/oberih-certificates.json') return event.respondWith(networkFirst(request, SHELL));
  if (
    url.pathname.startsWith('/api/') ||
    url.pathname === '/sw.js' ||
    url.pathname.startsWith('/offline-manifest.json')
  )
    return;

  event.respondWith(
    (async () => {
      const cached = await fromCaches(request);
      // Opening a course page saves the whole course (current locale) for offline study.
      const course = /^\/(uk|en)\/courses\/([a-z0-9-]+)\/[a-z0-9-]+\//.exec(url.pathname);
      if (request.mode === 'navigate' && course)
        event.waitUntil(saveCourse(`${course[2]}/${course[1]}`).catch(() => undefined));
      if (cached) return cached;
      try {
        return await fetch(request);
      } catch {
        if (request.mode === 'navigate') {
          const locale = url.pathname.startsWith('/en/') ? 'en' : 'uk';
          const fallback = await fromCaches(new Request(`/${locale}/404/`));
          if (fallback) return fallback;
        }
        return Response.error();
      }
    })(),
  );
});
