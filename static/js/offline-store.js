// Cunjian's local store: IndexedDB promised, ids, and photos resized on the phone. Used by
// offline-send.js and offline-queue.js (loaded in that order) on the page, and imported by the
// service worker (sw.js) for Background Sync: so `self`, not `window`, except in resize (only
// the page resizes photos); no framework.
//
// Database "cunjian": drafts_by_target (keyPath key: a draft belongs to what it edits, either
// "new/VILLAGE/USER", a new inspection of a village by this person, or "edit/ID", a correction of
// inspection ID; its client_uuid fixed when made, so two tabs share it), outbox (keyPath
// client_uuid: every kind of entry, with what was saved and its state, inspection_stored once the
// server has the entry itself; an edit entry carries the inspection's own uuid, its id and the
// revision it was based on; a problem entry (kind "problem", problem-form.js) the problem's
// fields, its photo kept with stage "found"; offline-send.js's KINDS sends each), photos (keyPath
// client_photo_id, indexed by client_uuid; the resized blob and its state). Version 1's drafts (keyed by village alone)
// are carried over as "new/VILLAGE/", adopted by the first person to open that village.
(function () {
  "use strict";
  if (!self.indexedDB || !self.Promise) return;
  var MAX_SIDE = 1600, TARGET_BYTES = 300 * 1024;
  var db = null;

  function openDb() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open("cunjian", 2);
      req.onupgradeneeded = function (e) {
        var d = req.result;
        if (e.oldVersion < 1) {
          d.createObjectStore("drafts", {keyPath: "village_code"});
          d.createObjectStore("outbox", {keyPath: "client_uuid"});
          d.createObjectStore("photos", {keyPath: "client_photo_id"}).createIndex("by_uuid", "client_uuid");
        }
        if (e.oldVersion < 2) {
          var drafts = d.createObjectStore(DRAFTS, {keyPath: "key"});
          req.transaction.objectStore("drafts").openCursor().onsuccess = function (ev) {
            var cursor = ev.target.result;
            if (!cursor) return;
            drafts.put(Object.assign({}, cursor.value, {key: draftKey({village: cursor.value.village_code, user: ""})}));
            cursor.continue();
          };
        }
      };
      req.onsuccess = function () {
        db = req.result;
        db.onversionchange = function () { db.close(); };  // a newer page upgrades the store
        resolve(db);
      };
      req.onerror = function () { reject(req.error); };
    });
  }
  function tx(stores, mode, work) {
    return new Promise(function (resolve, reject) {
      var t = db.transaction(stores, mode), out;
      t.oncomplete = function () { resolve(out); };
      t.onerror = t.onabort = function () { reject(t.error); };
      out = work(t);
    });
  }
  function all(store, index, key) {
    return new Promise(function (resolve, reject) {
      var s = db.transaction(store).objectStore(store);
      var req = index ? s.index(index).getAll(key) : s.getAll();
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }
  function uuid4() {
    if (crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  // What a draft belongs to: {edit: ID} a correction of inspection ID; {village, user} a new
  // inspection of that village by that person.
  var DRAFTS = "drafts_by_target";
  function draftKey(target) {
    return target.edit ? "edit/" + target.edit : "new/" + target.village + "/" + (target.user || "");
  }
  // The draft a queued entry goes back to when it is reopened to be fixed.
  function draftFromEntry(entry) {
    return {key: entry.draft_key || draftKey({village: entry.village_code, user: entry.username}),
      village_code: entry.village_code, client_uuid: entry.client_uuid, values: entry.values,
      base_revision: entry.base_revision, updated_at: Date.now()};
  }

  function put(store, value) {
    return tx([store], "readwrite", function (t) { t.objectStore(store).put(value); });
  }
  function dataUrl(blob) {
    return new Promise(function (ok) { var r = new FileReader(); r.onload = function () { ok(r.result); }; r.readAsDataURL(blob); });
  }
  // At most 1600 px on the long side, JPEG, quality lowered until it is about 300 KB.
  function resize(file) {
    var source = window.createImageBitmap ? createImageBitmap(file) : new Promise(function (ok, no) {
      var img = new Image();
      img.onload = function () { ok(img); };
      img.onerror = no;
      img.src = URL.createObjectURL(file);
    });
    return source.then(function (img) {
      var scale = Math.min(1, MAX_SIDE / Math.max(img.width, img.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(img.width * scale);
      canvas.height = Math.round(img.height * scale);
      canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
      function encode(quality) {
        return new Promise(function (ok) { canvas.toBlob(ok, "image/jpeg", quality); }).then(function (blob) {
          return blob.size > TARGET_BYTES && quality > 0.45 ? encode(quality - 0.12) : blob;
        });
      }
      return encode(0.82);
    });
  }

  self.CunjianStore = {open: openDb, tx: tx, all: all, put: put, uuid4: uuid4, resize: resize,
    dataUrl: dataUrl, DRAFTS: DRAFTS, draftKey: draftKey, draftFromEntry: draftFromEntry};
})();
