/**
 * PortLedger's service worker (issue 14): enough for the driver's console to install as an app and for its shell
 * to start without a network. Registered from My jobs (web/src/drivers/install-app.ts), scope `/`.
 *
 * What it keeps, and only that: the console's shell (index.html, as the last page load received it), the built
 * scripts and styles it names (`/assets/…`, content-hashed, so never stale), the manifest and the icons. It never
 * keeps an API answer (`/v1/…` and the log's own paths), so no job, pass, credential or person is ever stored by it:
 * those come from the server each time, or not at all. Pages are fetched from the network first; the kept shell is
 * only the answer when the network fails.
 */
const CACHE = 'portledger-shell-v1';
const SHELL = '/';
const STATIC = ['/manifest.webmanifest', '/favicon.svg', '/icons/icon-192.png', '/icons/icon-512.png'];
/** The server's API and log paths (src/http/console.routes.ts `isApiPath`): never answered from a cache. */
const API_PREFIXES = ['/v1/', '/openapi.json', '/healthz', '/readyz', '/checkpoint', '/tile/'];

const isApi = (pathname) => pathname === '/v1' || API_PREFIXES.some((prefix) => pathname.startsWith(prefix));

/** The `/assets/…` files a shell names. */
const assetsOf = (html) =>
  new Set([...html.matchAll(/["'](\/assets\/[^"'?#]+)["']/g)].map((match) => match[1]));

/** Keeps `response` as the shell, with the assets it names, and forgets the assets of earlier builds. */
async function keepShell(response) {
  const cache = await caches.open(CACHE);
  const html = await response.clone().text();
  await cache.put(SHELL, response);
  const wanted = assetsOf(html);
  for (const request of await cache.keys()) {
    const { pathname } = new URL(request.url);
    if (pathname.startsWith('/assets/') && !wanted.has(pathname)) await cache.delete(request);
  }
  await Promise.all(
    [...wanted].map(async (path) => {
      if (await cache.match(path)) return;
      const asset = await fetch(path);
      if (asset.ok) await cache.put(path, asset);
    }),
  );
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const shell = await fetch(SHELL, { headers: { accept: 'text/html' }, cache: 'no-store' });
      if (shell.ok) await keepShell(shell);
      const cache = await caches.open(CACHE);
      await Promise.all(
        STATIC.map(async (path) => {
          const response = await fetch(path).catch(() => undefined);
          if (response?.ok) await cache.put(path, response);
        }),
      );
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) if (name !== CACHE) await caches.delete(name);
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin || isApi(url.pathname)) return;

  if (request.mode === 'navigate') {
    // The network first: a page is whatever the server serves now; the kept shell only when it cannot be reached.
    event.respondWith(
      (async () => {
        try {
          const response = await fetch(request);
          const html = (response.headers.get('content-type') ?? '').startsWith('text/html');
          if (response.ok && html && !response.redirected) event.waitUntil(keepShell(response.clone()));
          return response;
        } catch (error) {
          const shell = await caches.match(SHELL);
          if (shell) return shell;
          throw error;
        }
      })(),
    );
    return;
  }

  const hashed = url.pathname.startsWith('/assets/');
  if (!hashed && !STATIC.includes(url.pathname)) return;
  event.respondWith(
    (async () => {
      // A hashed asset never changes: the kept copy is as good as the server's.
      if (hashed) {
        const kept = await caches.match(request);
        if (kept) return kept;
      }
      try {
        const response = await fetch(request);
        if (response.ok) {
          const copy = response.clone();
          event.waitUntil(caches.open(CACHE).then((cache) => cache.put(request, copy)));
        }
        return response;
      } catch (error) {
        const kept = await caches.match(request);
        if (kept) return kept;
        throw error;
      }
    })(),
  );
});
