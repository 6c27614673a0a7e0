// Cunjian service worker: the inspection form, its assets and the village list open with no
// network. Served from /sw.js (scope "/"); the server writes the hash of the static files into
// VERSION and their URLs into PRECACHE, so a deploy that changes an asset installs a new worker.
//  - static assets: precached on install, then cache first (the version changes when they do);
//  - the form's code and data files (/inspect/code/…, /inspect/form-data/…, named by their
//    content): cache first, kept in FORMS across worker versions (the newest KEEP_FORMS);
//  - the village list page, GET /api/v1/villages, corrections (/inspect/edit/ID), the
//    problem form and 待办 (/todo): network first (fresh CSRF token and list when online), the
//    cached copy when offline or after 4 s;
//  - a form page (a new inspection /inspect/<village>, or a correction) that cannot be fetched
//    is built from data (issue 20): the form's shell with the village's own entry of the offline
//    data (its name, township and register figures), or the returned inspection's (its answers,
//    revision and comment), put into #offline-target for offline-shell.js. Form pages of new
//    inspections are never kept as pages, so no village ever opens with another's figures. A
//    page the phone was never given shows the offline-missing page (Chinese or English); that
//    part is static/js/sw-offline-forms.js, imported below;
//  - a site's form (/site/<code>/inspect, issue 23) likewise, from its kind's shell and the
//    site's entry of the offline data (static/js/sw-offline-sites.js);
//  - everything else (API writes, login, dashboards) goes to the network untouched, except that
//    a page that cannot be fetched is answered with the offline-missing page.
// Every online visit of a page with the queue posts "warm": the offline data is fetched again
// (revalidated by its ETag), so a register change reaches the phone then; the shell, the form's
// files and the missing page only when the shell's version (in its URL) changed.
// The page cache is pruned whenever a page is kept: pages older than PAGE_MAX_AGE_MS go, then
// all but the newest KEEP_PAGES (the shell, data, missing page and warm-up mark stay). Caches of
// other versions (assets, or pages kept by an older worker) are deleted on activate.
// Background Sync: the page registers "cunjian-send" whenever entries wait; the browser fires it
// here when the network is back, even with the page closed, and the worker sends the queue with
// the page's own code (offline-store.js, offline-send.js). A run that leaves entries waiting
// fails, so the browser tries again later; sending twice is harmless (one client_uuid, one row).
"use strict";
var VERSION = "__VERSION__";
var ASSETS = "cunjian-assets-" + VERSION;
var PAGES = "cunjian-pages-3";  // 3: form pages built from data, never kept as pages
var FORMS = "cunjian-forms-1";  // the form's code and data files, by their content-named URLs
var KEEP_FORMS = 9;  // three versions of the form's three files
var CACHED_AT = "X-Cunjian-Cached-At";
var KEEP_PAGES = 60;
var PAGE_MAX_AGE_MS = 30 * 24 * 3600 * 1000;
var SHELL = "/inspect/__shell__";  // the newest shell, its URL in SHELL_URL
var SHELL_URL = "X-Cunjian-Shell";
var DATA = "/inspect/__offline_data__";
var MISSING = "/inspect/__missing__";
var FORM_FILE = /^\/inspect\/(code|form-data)\//;
// The assets' URLs as the pages use them (with their content hash), written in by the server.
var PRECACHE = __PRECACHE__;
var FORM_PAGE = /^\/inspect\/\d{12}$/;
var EDIT_PAGE = /^\/inspect\/edit\/\d+$/;  // a correction: from data if returned, else as visited
var PROBLEM_PAGE = "/problems/new";  // recording a problem: problem-form.js keeps it offline
var TODO_PAGE = "/todo";  // 待办 as last visited: the sites due this month open from it (issue 23)
var NETWORK_TIMEOUT_MS = 4000;
var SYNC_TAG = "cunjian-send";
// The queue's own sending code, and the offline forms (static/js/sw-offline-forms.js).
importScripts.apply(self, __SEND_SCRIPTS__);

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(ASSETS).then(function (c) { return c.addAll(PRECACHE); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) {
      return k.indexOf("cunjian-") === 0 && k !== ASSETS && k !== PAGES && k !== FORMS;
    }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

function cacheable(response) {
  return response && response.ok && !response.redirected && response.type === "basic";
}

function remember(request, response) {
  var path = new URL(request.url).pathname;
  // built from data offline, never kept (a site's form too: sw-offline-sites.js)
  if (FORM_PAGE.test(path) || SITE_PAGE.test(path)) return Promise.resolve();
  return caches.open(PAGES).then(function (c) {
    return c.put(path, stamped(response)).then(function () { return prune(c); });
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
      return [SHELL, WARMED, DATA, MISSING].indexOf(path) < 0 && path.indexOf(SITE_SHELL) !== 0;
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
    return fromCache(path).then(function (hit) { return hit || missing(request); });
  });
  return Promise.race([offline, timeout]);
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  var path = url.pathname;
  if (request.method === "POST" && request.mode === "navigate" &&
      (FORM_PAGE.test(path) || EDIT_PAGE.test(path) || SITE_PAGE.test(path))) {
    // The plain post of a form failed (weak signal): back to the form, whose queue holds the
    // entry and sends it when it can.
    event.respondWith(fetch(request).catch(function () { return Response.redirect(path, 303); }));
    return;
  }
  if (request.method !== "GET") return;
  if (FORM_FILE.test(path)) {
    event.respondWith(caches.open(FORMS).then(function (c) {
      return c.match(request).then(function (hit) {
        return hit || fetch(request).then(function (response) {
          if (named(response)) event.waitUntil(keepFormFile(c, request, response.clone()));
          return response;
        });
      });
    }));
    return;
  }
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
      path === PROBLEM_PAGE || SITE_PAGE.test(path) || path === TODO_PAGE) {
    event.respondWith(networkFirst(event, path));
  } else if (request.mode === "navigate") {
    // Any other page: the network; offline, the page that says what to do, not the browser's.
    event.respondWith(fetch(request).catch(function () { return missing(request); }));
  }
});

// Each page with the queue asks, on every online visit, for what it needs offline (the first
// visit happens before this worker controls a page): the offline data every time (small, and
// answered 304 when unchanged), the shell and the form's files when the shell's version changed,
// the pages at most once in 12 hours.
var WARMED = "/__warmed__";
var WARM_EVERY_MS = 12 * 3600 * 1000;
self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type !== "warm") return;
  var work = [];
  if (data.offline && data.offline.data) work.push(warmOffline(data.offline));
  if (Array.isArray(data.paths)) work.push(warmPages(data.paths));
  event.waitUntil(Promise.all(work));
});

function warmPages(paths) {
  return caches.open(PAGES).then(function (c) {
    return c.match(WARMED).then(function (hit) {
      return (hit ? hit.text() : Promise.resolve("0")).then(function (at) {
        if (Date.now() - Number(at) < WARM_EVERY_MS) return null;
        return c.put(WARMED, new Response(String(Date.now()))).then(function () {
          return Promise.all(paths.map(warm));
        });
      });
    });
  });
}

function warm(path) {
  if (!(path === "/inspect/" || EDIT_PAGE.test(path) || path === "/api/v1/villages")) return null;
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
