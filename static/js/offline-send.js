// Sending the queue: oldest first, one tab at a time (Web Locks), a fresh CSRF token first.
// An entry is "sent" only after 200/201 for the inspection and for every photo; 422 → needs_fix
// and 409 → conflict (kept, shown, not retried); network errors, 5xx and a lost session stop
// the run and leave the entries waiting. A correction (kind "edit") is a PUT of that inspection
// with the revision it was based on, never a POST: a 409 stale_revision keeps the entry as
// "stale" with both versions (entry.conflict), and a retry after a lost answer is answered 200. Uses offline-store.js. Runs on the page and in the
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
    var lang = pageLang || entry.lang || "zh", request = requestFor(entry);
    var headers = {"Content-Type": "application/json", "X-CSRFToken": token, "Accept-Language": lang};
    var step = entry.inspection_stored ? Promise.resolve(true) :
      fetch(request.url, {method: request.method, credentials: "same-origin", headers: headers,
        body: JSON.stringify(request.body)}).then(function (r) {
        if (r.status === 200 || r.status === 201) {
          entry.inspection_stored = true;  // remembered: a photo failing next does not resend it
          return r.json().catch(function () { return {}; }).then(function (body) {
            if (body.revision) entry.stored_revision = body.revision;
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
  // A new inspection is POSTed; a correction is a PUT of its inspection, with its base.
  function requestFor(entry) {
    if (entry.kind !== "edit") return {method: "POST", url: "/api/v1/inspections", body: entry.payload};
    var body = Object.assign({}, entry.payload, {base_revision: entry.base_revision,
      remove_sections: entry.remove_sections || []});
    return {method: "PUT", url: "/api/v1/inspections/" + entry.inspection_id, body: body};
  }
  function sendPhoto(entry, photo, token) {
    var body = new FormData();
    body.append("client_photo_id", photo.client_photo_id);
    body.append("section", photo.section);
    body.append("photo", photo.blob, "photo.jpg");
    return fetch("/api/v1/inspections/" + entry.client_uuid + "/photos", {method: "POST",
      credentials: "same-origin", headers: {"X-CSRFToken": token,
        "Accept-Language": pageLang || entry.lang || "zh"}, body: body})
      .then(function (r) {
        if (r.status === 200 || r.status === 201) photo.state = "sent";
        else if (r.status === 413 || r.status === 415 || r.status === 422 || r.status === 409) photo.state = "refused";
        else { needLogin = r.status === 401; return false; }
        return put("photos", photo).then(function () { return true; });
      });
  }


  self.CunjianSend = {sendAll: sendAll};
})();
