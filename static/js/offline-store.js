// Cunjian's local store: IndexedDB promised, ids, and photos resized on the phone. Used by
// offline-send.js and offline-queue.js (loaded in that order) on the page, and imported by the
// service worker (sw.js) for Background Sync: so `self`, not `window`, except in resize (only
// the page resizes photos); no framework.
//
// Database "cunjian": drafts (keyPath village_code; one per village, its client_uuid fixed when
// made, so two tabs share it), outbox (keyPath client_uuid: what was saved, and its state),
// photos (keyPath client_photo_id, indexed by client_uuid; the resized blob and its state).
(function () {
  "use strict";
  if (!self.indexedDB || !self.Promise) return;
  var MAX_SIDE = 1600, TARGET_BYTES = 300 * 1024;
  var db = null;

  function openDb() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open("cunjian", 1);
      req.onupgradeneeded = function () {
        var d = req.result;
        d.createObjectStore("drafts", {keyPath: "village_code"});
        d.createObjectStore("outbox", {keyPath: "client_uuid"});
        d.createObjectStore("photos", {keyPath: "client_photo_id"}).createIndex("by_uuid", "client_uuid");
      };
      req.onsuccess = function () { db = req.result; resolve(db); };
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
    dataUrl: dataUrl};
})();
