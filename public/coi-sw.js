/*
 * Cross-origin isolation for static hosts that cannot send headers (GitHub Pages and the like).
 *
 * The app needs COOP same-origin and COEP require-corp so that its runtime worker may share memory between threads
 * (tfjs's threaded wasm, the threaded simd scans; README, "Threads"). `npm start`, `vite preview` and hosts that read
 * public/_headers send them already, and then this worker is never registered (index.html registers it only when the
 * page is not isolated). Elsewhere it sits between the page and the host and adds the two headers to every response
 * of this origin; index.html reloads the page once, so that it loads under them. Cross-origin requests are left alone
 * (the app makes none). Written for this project, after the idea of coi-serviceworker.
 */
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('fetch', (event) => {
  const request = event.request;
  // A request that may only come from the cache cannot be made by fetch() from here unless it is same-origin.
  if (request.cache === 'only-if-cached' && request.mode !== 'same-origin') return;
  if (new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(
    fetch(request).then((response) => {
      if (response.status === 0 || response.type === 'opaque') return response;
      const headers = new Headers(response.headers);
      headers.set('Cross-Origin-Opener-Policy', 'same-origin');
      headers.set('Cross-Origin-Embedder-Policy', 'require-corp');
      return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
    }),
  );
});
