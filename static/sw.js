// Cunjian service worker: the inspection form, its assets and the village list open with no
// network after one online visit. Served from /sw.js (scope "/"); the server writes the hash of
// the static files into VERSION and their URLs into PRECACHE, so a deploy that changes an asset
// installs a new worker.
//  - static assets: precached on install, then cache first (the version changes when they do);
//  - form pages (new inspections and corrections, /inspect/edit/ID), the village list page and
//    GET /api/v1/villages: network first (fresh CSRF
//    token and village list when online), the cached copy when offline or after 4 s; a form
//    page for a village never opened online is served from the last form page (the "shell"),
//    which offline-queue.js points at the right village;
//  - everything else (API writes, login, dashboards) goes to the network untouched.
// The page cache is pruned whenever a page is kept: pages older than PAGE_MAX_AGE_MS go, then
// all but the newest KEEP_PAGES (the shell and the warm-up mark stay: the shell stands in for
// any form page pruned). Caches of other versions (assets, or pages kept by an older worker)
// are deleted on activate.
// Background Sync: the page registers "cunjian-send" whenever entries wait; the browser fires it
// here when the network is back, even with the page closed, and the worker sends the queue with
// the page's own code (offline-store.js, offline-send.js). A run that leaves entries waiting
// fails, so the browser tries again later; sending twice is harmless (one client_uuid, one row).
"use strict";
var VERSION = "__VERSION__";
var ASSETS = "cunjian-assets-" + VERSION;
var PAGES = "cunjian-pages-2";  // 2: each page stamped with when it was kept (CACHED_AT)
var CACHED_AT = "X-Cunjian-Cached-At";
var KEEP_PAGES = 60;
var PAGE_MAX_AGE_MS = 30 * 24 * 3600 * 1000;
var SHELL = "/inspect/__form__";
// The assets' URLs as the pages use them (with their content hash), written in by the server.
var PRECACHE = __PRECACHE__;
var FORM_PAGE = /^\/inspect\/\d{12}$/;
var EDIT_PAGE = /^\/inspect\/edit\/\d+$/;  // a correction: cached as visited, never the shell
var PROBLEM_PAGE = "/problems/new";  // recording a problem: problem-form.js keeps it offline
var NETWORK_TIMEOUT_MS = 4000;
var SYNC_TAG = "cunjian-send";
importScripts.apply(self, __SEND_SCRIPTS__);

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(ASSETS).then(function (c) { return c.addAll(PRECACHE); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) {
      return k.indexOf("cunjian-") === 0 && k !== ASSETS && k !== PAGES;
    }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

function cacheable(response) {
  return response && response.ok && !response.redirected && response.type === "basic";
}

function remember(request, response) {
  var path = new URL(request.url).pathname;
  var copy = stamped(response.clone());
  return caches.open(PAGES).then(function (c) {
    var puts = [c.put(path, copy)];
    if (FORM_PAGE.test(path)) puts.push(c.put(SHELL, stamped(response.clone())));
    return Promise.all(puts).then(function () { return prune(c); });
  });
}

function stamped(response) {
  var headers = new Headers(response.headers);
  headers.set(CACHED_AT, String(Date.now()));
  return new Response(response.body, {status: response.status, statusText: response.statusText,
    headers: headers});
}

// Pages older than PAGE_MAX_AGE_MS, then all but the newest KEEP_PAGES, leave the cache.
function prune(cache) {
  return cache.keys().then(function (requests) {
    var pages = requests.filter(function (r) {
      var path = new URL(r.url).pathname;
      return path !== SHELL && path !== WARMED;
    });
    return Promise.all(pages.map(function (r) {
      return cache.match(r).then(function (hit) {
        return {request: r, at: Number(hit && hit.headers.get(CACHED_AT)) || 0};
      });
    }));
  }).then(function (pages) {
    var now = Date.now();
    pages.sort(function (a, b) { return b.at - a.at; });  // newest first
    return Promise.all(pages.filter(function (p, i) {
      return i >= KEEP_PAGES || now - p.at > PAGE_MAX_AGE_MS;
    }).map(function (p) { return cache.delete(p.request); }));
  });
}

function fromCache(path) {
  return caches.open(PAGES).then(function (c) {
    return c.match(path).then(function (hit) {
      if (hit || !FORM_PAGE.test(path)) return hit;
      return c.match(SHELL);
    });
  });
}

function networkFirst(event, path) {
  var request = event.request;
  var network = fetch(request).then(function (response) {
    if (cacheable(response)) event.waitUntil(remember(request, response.clone()));
    return response;
  });
  var timeout = new Promise(function (resolve) {
    setTimeout(function () { fromCache(path).then(function (hit) { if (hit) resolve(hit); }); },
      NETWORK_TIMEOUT_MS);
  });
  var offline = network.catch(function () {
    return fromCache(path).then(function (hit) {
      return hit || new Response("offline", {status: 503, headers: {"Content-Type": "text/plain"}});
    });
  });
  return Promise.race([offline, timeout]);
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  var path = url.pathname;
  if (request.method === "POST" && request.mode === "navigate" && (FORM_PAGE.test(path) || EDIT_PAGE.test(path))) {
    // The plain post of a form failed (weak signal): back to the form, whose queue holds the
    // entry and sends it when it can.
    event.respondWith(fetch(request).catch(function () { return Response.redirect(path, 303); }));
    return;
  }
  if (request.method !== "GET") return;
  if (path.indexOf("/static/") === 0 || path === "/manifest.webmanifest") {
    // This exact version if cached; else the network; offline, any cached version of the file.
    event.respondWith(caches.match(request).then(function (hit) {
      return hit || fetch(request).then(function (response) {
        if (cacheable(response)) {
          var copy = response.clone();
          event.waitUntil(caches.open(ASSETS).then(function (c) { return c.put(request, copy); }));
        }
        return response;
      }).catch(function () { return caches.match(request, {ignoreSearch: true}); });
    }));
  } else if (path === "/inspect/" || FORM_PAGE.test(path) || EDIT_PAGE.test(path) || path === "/api/v1/villages" ||
      path === PROBLEM_PAGE) {
    event.respondWith(networkFirst(event, path));
  }
});

// Each page asks for what it needs offline to be cached (the first visit happens before this
// worker controls a page). Done at most once in 12 hours, so a repeat visit costs nothing.
var WARMED = "/__warmed__";
var WARM_EVERY_MS = 12 * 3600 * 1000;
self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type !== "warm" || !Array.isArray(data.paths)) return;
  // A form page is warmed while no form shell is kept, even within the 12 hours: the village
  // list (which registers the worker too) may have been the first visit.
  var form = data.paths.some(function (p) { return FORM_PAGE.test(p); });
  event.waitUntil(caches.open(PAGES).then(function (c) {
    return Promise.all([c.match(WARMED), c.match(SHELL)]).then(function (hits) {
      return (hits[0] ? hits[0].text() : Promise.resolve("0")).then(function (at) {
        if (Date.now() - Number(at) < WARM_EVERY_MS && (hits[1] || !form)) return null;
        return c.put(WARMED, new Response(String(Date.now()))).then(function () {
          return Promise.all(data.paths.map(warm));
        });
      });
    });
  }));
});

function warm(path) {
  if (!(path === "/inspect/" || FORM_PAGE.test(path) || EDIT_PAGE.test(path) || path === "/api/v1/villages")) return null;
  var request = new Request(path, {credentials: "same-origin"});
  return fetch(request).then(function (response) {
    if (cacheable(response)) return remember(request, response);
  }).catch(function () { /* offline: nothing to warm */ });
}

self.addEventListener("sync", function (event) {
  if (event.tag !== SYNC_TAG || !self.CunjianSend) return;
  event.waitUntil(self.CunjianStore.open().then(function () {
    return self.CunjianSend.sendAll();
  }).then(function (result) {
    if (result.waiting !== 0 && !result.needLogin) throw new Error("entries still waiting");
  }));
});
