// The service worker's offline forms (issue 20), imported by static/sw.js, whose constants
// (PAGES, FORMS, SHELL, DATA, MISSING, ...) and helpers (cacheable, stamped) they use.
//  - fromCache: a form page that cannot be fetched, built from the kept shell and the village's
//    (or returned inspection's) entry of the offline data; other pages as last kept;
//  - missing: the page that says what to do when nothing was kept;
//  - warmOffline: on each online visit, the offline data again; the shell, the missing page and
//    the form's content-named files when the shell's version changed.
"use strict";
// What stands for a page offline: a form built from data, else the page as last kept.
function fromCache(path) {
  if (SITE_PAGE.test(path)) return siteFromCache(path);  // a site's form (sw-offline-sites.js)
  return caches.open(PAGES).then(function (c) {
    if (!FORM_PAGE.test(path) && !EDIT_PAGE.test(path)) return c.match(path);
    return Promise.all([c.match(SHELL), c.match(DATA)]).then(function (hits) {
      return (hits[1] ? hits[1].json() : Promise.resolve(null)).then(function (data) {
        var target = data && targetOf(path, data);
        if (hits[0] && target) return fromShell(hits[0], target);
        return EDIT_PAGE.test(path) ? c.match(path) : null;
      });
    });
  });
}

// The entry of the offline data the address names, or null.
function targetOf(path, data) {
  var code = (path.match(/^\/inspect\/(\d{12})$/) || [])[1];
  if (code) {
    var village = (data.villages || []).filter(function (v) { return v.code === code; })[0];
    return village ? {kind: "new", village: village} : null;
  }
  var id = Number((path.match(/^\/inspect\/edit\/(\d+)$/) || [])[1]);
  var returned = (data.returned || []).filter(function (r) { return r.id === id; })[0];
  return returned ? {kind: "edit", returned: returned} : null;
}

var TARGET_SLOT = '<script type="application/json" id="offline-target"></script>';
function fromShell(shell, target) {
  return shell.text().then(function (html) {
    // JSON in a data block: "<" escaped so no text can close the block.
    var json = JSON.stringify(target).replace(/</g, "\\u003c");
    var slot = TARGET_SLOT.replace("></", ">" + json + "</");
    var filled = html.replace(TARGET_SLOT, function () { return slot; });  // no "$" patterns
    return new Response(filled, {status: 200, headers: {"Content-Type": "text/html; charset=utf-8"}});
  });
}

// Offline with nothing kept for the address: the page that says what to do, in the person's
// language (kept at the last online visit); a bare answer only for what is not a page.
function missing(request) {
  if (request.mode !== "navigate") {
    return Promise.resolve(new Response("offline", {status: 503, headers: {"Content-Type": "text/plain"}}));
  }
  return caches.open(PAGES).then(function (c) { return c.match(MISSING); }).then(function (hit) {
    if (hit) return hit;
    return new Response('<!doctype html><html lang="zh-CN"><meta charset="utf-8"><meta name="viewport" ' +
      'content="width=device-width, initial-scale=1"><title>\u672a\u79bb\u7ebf\u4fdd\u5b58</title>' +
      '<h1 id="offline-missing">\u6b64\u9875\u672a\u5728\u672c\u673a\u79bb\u7ebf\u4fdd\u5b58</h1>' +
      '<p>\u8054\u7f51\u540e\u6253\u5f00\u4e00\u6b21\u6751\u5e84\u5217\u8868\uff0c\u5373\u53ef\u79bb\u7ebf\u4f7f\u7528\u3002</p>' +
      '<p><a href="/inspect/">\u9009\u62e9\u6751\u5e84</a></p>',
      {status: 503, headers: {"Content-Type": "text/html; charset=utf-8"}});
  });
}

// The offline data, then (when its version changed) the shell, the missing page and the form's
// three files (its code, the shell's own code, its data). A failure leaves what was kept before in place.
function warmOffline(urls) {
  return caches.open(PAGES).then(function (c) {
    var data = fetch(urls.data, {credentials: "same-origin", cache: "no-cache"}).then(function (response) {
      if (cacheable(response)) return c.put(DATA, stamped(response));
    }).then(function () { return warmSiteShells(c); }).catch(function () {});
    var shell = c.match(SHELL).then(function (hit) {
      if (hit && hit.headers.get(SHELL_URL) === urls.shell) return null;
      return Promise.all([urls.code, urls.shellCode, urls.formData].filter(Boolean).map(function (url) {
        return fetchInto(FORMS, url);
      })).then(function () {
        return Promise.all([urls.shell, urls.missing].map(function (url) {
          return fetch(url, {credentials: "same-origin"}).then(function (response) {
            if (!cacheable(response)) return null;
            var headers = new Headers(response.headers);
            headers.set(SHELL_URL, url);
            return response.text().then(function (body) {
              return c.put(url === urls.shell ? SHELL : MISSING, new Response(body, {headers: headers}));
            });
          });
        }));
      }).then(function () { return caches.open(FORMS); }).then(pruneForms).catch(function () {});
    });
    return Promise.all([data, shell]);
  });
}

function fetchInto(name, url) {
  return caches.open(name).then(function (c) {
    return c.match(url).then(function (hit) {
      if (hit) return null;
      return fetch(url).then(function (response) {
        if (!named(response)) throw new Error("not kept: " + url);
        return keepFormFile(c, url, response);
      });
    });
  });
}

// A form file is kept only as the version its URL names (the server answers an older digest with
// today's file, marked no-cache: not to be kept under the old name).
function named(response) {
  return cacheable(response) && /immutable/.test(response.headers.get("Cache-Control") || "");
}

function keepFormFile(cache, request, response) {
  return cache.put(request, response).then(function () { return pruneForms(cache); });
}

// The newest KEEP_FORMS files (the cache keeps the order they were put in).
function pruneForms(cache) {
  return cache.keys().then(function (keys) {
    return Promise.all(keys.slice(0, Math.max(0, keys.length - KEEP_FORMS)).map(function (k) {
      return cache.delete(k);
    }));
  });
}
