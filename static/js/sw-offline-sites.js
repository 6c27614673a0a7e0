// The service worker's offline site forms (issue 23), imported by static/sw.js after
// sw-offline-forms.js, whose helpers (fromShell, cacheable) and constants (PAGES, DATA,
// SHELL_URL) it uses. As for villages, a site's form is built from data, never kept as a page:
//  - siteFromCache: /site/<code>/inspect offline is the shell of the site's kind with the site's
//    own entry of the offline data (its code, name, village, township, due date) put into
//    #offline-target for site-queue.js; a site not in the data (outside the person's scope,
//    closed) has none, and the worker shows the offline-missing page;
//  - warmSiteShells: after each fetch of the offline data, the shell of every kind whose URL
//    (its version: the kind's form version, scripts, language, person) changed.
"use strict";
var SITE_PAGE = /^\/site\/([^/]+)\/inspect$/;
var SITE_SHELL = "/site/__shell__/";  // + the kind; its URL in SHELL_URL

function siteFromCache(path) {
  var code = decodeURIComponent((path.match(SITE_PAGE) || [])[1] || "");
  return caches.open(PAGES).then(function (c) {
    return c.match(DATA).then(function (hit) {
      return hit ? hit.json() : null;
    }).then(function (data) {
      var site = data && (data.sites || []).filter(function (s) { return s.code === code; })[0];
      if (!site) return null;
      return c.match(SITE_SHELL + site.kind).then(function (shell) {
        return shell ? fromShell(shell, {kind: "site", site: site}) : null;
      });
    });
  });
}

function warmSiteShells(cache) {
  return cache.match(DATA).then(function (hit) {
    return hit ? hit.json() : null;
  }).then(function (data) {
    var shells = (data && data.site_shells) || {};
    return Promise.all(Object.keys(shells).map(function (kind) {
      var key = SITE_SHELL + kind, url = shells[kind];
      return cache.match(key).then(function (hit) {
        if (hit && hit.headers.get(SHELL_URL) === url) return null;
        return fetch(url, {credentials: "same-origin"}).then(function (response) {
          if (!cacheable(response)) return null;
          var headers = new Headers(response.headers);
          headers.set(SHELL_URL, url);
          return response.text().then(function (body) {
            return cache.put(key, new Response(body, {headers: headers}));
          });
        });
      });
    }));
  }).catch(function () { /* offline or refused: what was kept stays */ });
}
