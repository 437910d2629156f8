// The try page's service worker: on install it saves every file the page uses in one cache, whose
// name carries the versions (chainrule, Pyodide, viz.js) and a hash of the files; then it answers
// the page's requests from that cache, so the page works offline after the first visit.
// web/build_try.py fills in CACHE and FILES; a new build (a new name) replaces the old cache.

const CACHE = "{{cache}}";
const FILES = {{files}};

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(FILES)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((names) => Promise.all(names.filter((name) => name.startsWith("chainrule-try-") && name !== CACHE)
      .map((name) => caches.delete(name))))
    .then(() => self.clients.claim()));
});

self.addEventListener("fetch", (event) => {
  if (event.request.method !== "GET") return;
  event.respondWith(caches.open(CACHE)
    .then((cache) => cache.match(event.request, { ignoreSearch: true }))
    .then((saved) => saved || fetch(event.request)));
});
