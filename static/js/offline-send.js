// Sending the one outbox (offline-store.js): every kind of entry, oldest first, one tab at a
// time (Web Locks), a fresh CSRF token first. KINDS says, per kind of entry, where it goes, with
// which method, where its photos go and what to keep from the server's answer: "new" (a new
// inspection, POST), "edit" (a correction, a PUT of that inspection with the revision it was
// based on, never a POST), "problem" (a problem found on the spot, POST, photos of stage
// "found") and "site" (a site inspection, issue 23, POST). An entry is "sent" only after 200/201 for it and for every photo; 422 → needs_fix
// and 409 → conflict (kept, shown, not retried); a 409 stale_revision keeps a correction as
// "stale" with both versions (entry.conflict); network errors, 5xx and a lost session stop the
// run and leave the entries waiting. A retry after a lost answer is answered 200 (the server
// keeps one row per client_uuid and one photo per client_photo_id). Runs on the page and in the
// service worker (Background Sync, sw.js), so `self`, never `window` or `document` there.
(function () {
  "use strict";
  var S = self.CunjianStore;
  if (!S) return;
  var tx = S.tx, all = S.all, put = S.put;
  // The page's language; in the worker, the language the entry was saved in.
  var pageLang = self.document ? (document.documentElement.lang === "en" ? "en" : "zh") : null;
  var sending = null, needLogin = false;

  function withLock(work) {
    if (navigator.locks && navigator.locks.request) {
      return navigator.locks.request("cunjian-send", {ifAvailable: true}, function (lock) {
        return lock ? work() : null;
      });
    }
    return work();
  }
  function probe() {
    return fetch("/api/v1/session", {credentials: "same-origin", cache: "no-store",
      headers: {"Accept": "application/json"}}).then(function (r) {
      if (r.status === 401) { needLogin = true; return null; }
      if (!r.ok) throw new Error("probe " + r.status);
      needLogin = false;
      return r.json().then(function (s) { return s.csrf_token; });
    });
  }
  function waiting(entries) {
    return entries.filter(function (x) { return x.status === "waiting" || x.status === "sending"; });
  }
  // Resolves {needLogin, waiting}: needLogin when the server wants the inspector to sign in
  // again; waiting, how many entries are still to send (the worker's sync retries then).
  function sendAll() {
    if (sending) return sending;
    sending = withLock(function () {
      return all("outbox").then(function (entries) {
        var todo = waiting(entries)
          .sort(function (a, b) { return a.saved_at - b.saved_at; });
        if (!todo.length) return null;
        return probe().then(function (token) {
          if (!token) return null;
          return todo.reduce(function (chain, entry) {
            return chain.then(function (go) { return go === false ? false : sendOne(entry, token); });
          }, Promise.resolve(true));
        });
      });
    }).catch(function () { /* network gone: the entries wait */ }).then(function () {
      return all("outbox");
    }).then(function (entries) {
      sending = null;
      return {needLogin: needLogin, waiting: waiting(entries).length};
    }, function () {
      sending = null;
      return {needLogin: needLogin, waiting: -1};
    });
    return sending;
  }
  // Resolves false to stop the run (network down, signed out), true to go on.
  function sendOne(entry, token) {
    var lang = pageLang || entry.lang || "zh", kind = kindOf(entry), request = kind.request(entry);
    var headers = {"Content-Type": "application/json", "X-CSRFToken": token, "Accept-Language": lang};
    var step = entry.inspection_stored ? Promise.resolve(true) :
      fetch(request.url, {method: request.method, credentials: "same-origin", headers: headers,
        body: JSON.stringify(request.body)}).then(function (r) {
        if (r.status === 200 || r.status === 201) {
          entry.inspection_stored = true;  // remembered: a photo failing next does not resend it
          return r.json().catch(function () { return {}; }).then(function (body) {
            kind.keep(entry, body);
            return put("outbox", entry).then(function () { return true; });
          });
        }
        if (r.status === 401 || r.status === 400) { needLogin = r.status === 401; return false; }
        if (r.status >= 500) return false;
        return r.json().catch(function () { return {}; }).then(function (body) {
          var stale = body.error && body.error.code === "stale_revision";
          entry.status = r.status === 422 ? "needs_fix" : stale ? "stale" : r.status === 409 ? "conflict" : "refused";
          entry.errors = body.errors || (body.error ? {"": [body.error.message]} : null);
          if (stale) entry.conflict = {stored: body.stored, yours: body.yours};  // both kept
          return put("outbox", entry).then(function () { return true; });
        });
      });
    return step.then(function (go) {
      if (!go || !entry.inspection_stored) return go;
      return all("photos", "by_uuid", entry.client_uuid).then(function (photos) {
        var pending = photos.filter(function (p) { return p.state === "waiting"; });
        return pending.reduce(function (chain, p) {
          return chain.then(function (ok) { return ok === false ? false : sendPhoto(entry, p, token); });
        }, Promise.resolve(true)).then(function (ok) {
          if (ok === false) return put("outbox", entry).then(function () { return false; });
          return all("photos", "by_uuid", entry.client_uuid).then(function (now) {
            var refused = now.some(function (p) { return p.state === "refused"; });
            entry.status = refused ? "photo_refused" : "sent";
            if (!refused) entry.sent_at = Date.now();
            return put("outbox", entry).then(function () { return true; });
          });
        });
      });
    });
  }
  // Per kind: the request for the entry, what to keep from the answer, and its photos' URL and
  // the form field that says where a photo belongs.
  var KINDS = {
    "new": {request: function (e) { return {method: "POST", url: "/api/v1/inspections", body: e.payload}; },
      keep: keepRevision, photoUrl: inspectionPhotos, photoField: "section"},
    "edit": {request: function (e) {
      var body = Object.assign({}, e.payload, {base_revision: e.base_revision,
        remove_sections: e.remove_sections || []});
      return {method: "PUT", url: "/api/v1/inspections/" + e.inspection_id, body: body};
    }, keep: keepRevision, photoUrl: inspectionPhotos, photoField: "section"},
    "problem": {request: function (e) { return {method: "POST", url: "/api/v1/problems", body: e.payload}; },
      keep: function (e, body) { if (body.id) e.problem_id = body.id; },
      photoUrl: function (e) { return "/api/v1/problems/" + e.client_uuid + "/photos"; },
      photoField: "stage"},
    // A site inspection (issue 23, site-queue.js): POST, stored once per client_uuid; no photos.
    "site": {request: function (e) { return {method: "POST", url: "/api/v1/site-inspections", body: e.payload}; },
      keep: function (e, body) { if (body.id) e.visit_id = body.id; },
      photoUrl: function () { return null; }, photoField: "section"}
  };
  function keepRevision(entry, body) { if (body.revision) entry.stored_revision = body.revision; }
  function inspectionPhotos(entry) { return "/api/v1/inspections/" + entry.client_uuid + "/photos"; }
  function kindOf(entry) { return KINDS[entry.kind] || KINDS["new"]; }  // old entries have no kind

  function sendPhoto(entry, photo, token) {
    var body = new FormData(), kind = kindOf(entry);
    body.append("client_photo_id", photo.client_photo_id);
    body.append(kind.photoField, photo[kind.photoField]);
    body.append("photo", photo.blob, "photo.jpg");
    return fetch(kind.photoUrl(entry), {method: "POST",
      credentials: "same-origin", headers: {"X-CSRFToken": token,
        "Accept-Language": pageLang || entry.lang || "zh"}, body: body})
      .then(function (r) {
        if (r.status === 200 || r.status === 201) photo.state = "sent";
        else if (r.status === 413 || r.status === 415 || r.status === 422 || r.status === 409) photo.state = "refused";
        else { needLogin = r.status === 401; return false; }
        return put("photos", photo).then(function () { return true; });
      });
  }

  // Background Sync (sw.js): the browser sends the outbox when the network is back, even with
  // the page closed. Where it is missing, the page sends while it is open.
  function askForSync() {
    if (!self.document || !("serviceWorker" in navigator)) return Promise.resolve();
    return navigator.serviceWorker.getRegistration().then(function (reg) {
      if (reg && reg.sync && reg.active) return reg.sync.register("cunjian-send");
    }).catch(function () { /* no permission or no worker yet: the page sends */ });
  }
  // From a page: send, then leave the rest to Background Sync. Resolves as sendAll does.
  function sendFromPage() {
    return sendAll().then(function (result) {
      return (result.waiting ? askForSync() : Promise.resolve()).then(function () { return result; });
    });
  }

  self.CunjianSend = {sendAll: sendAll, sendFromPage: sendFromPage, askForSync: askForSync,
    kinds: Object.keys(KINDS)};
})();
