// Recording a problem on the phone, offline too: the form becomes an entry of kind "problem" in
// the one outbox (offline-store.js), its photo resized on the phone and kept beside it (stage
// "found"), and offline-send.js sends it as it sends inspections: one tab at a time, a fresh CSRF
// token, Background Sync when the page is closed. The queue on screen is offline-panel.js's.
// Sending twice is harmless: the server stores one problem per client_uuid and one photo per
// client_photo_id. Problems kept by the earlier, separate store ("cunjian-problems") are moved
// into the outbox once.
(function () {
  "use strict";
  var form = document.getElementById("problem-form");
  var panel = document.getElementById("problem-queue");
  if (!form || !panel || !window.fetch || !window.CunjianStore || !window.CunjianSend ||
      !window.CunjianPanel) return;
  var S = window.CunjianStore, needLogin = false;
  var FIELDS = ["client_uuid", "village_code", "category", "description", "responsible",
    "deadline", "inspection_id"];

  function fields() {
    var body = {};
    FIELDS.forEach(function (name) {
      var input = form.elements[name];
      if (input && input.value !== "") body[name] = input.value;
    });
    if (body.inspection_id) body.inspection_id = Number(body.inspection_id);
    return body;
  }
  function villageName(code) {
    var option = form.elements.village_code.querySelector("option[value='" + code + "']");
    return option ? option.textContent : code;
  }
  function entryFor(body, savedAt) {
    return {client_uuid: body.client_uuid, kind: "problem", payload: body,
      village_code: body.village_code, village_name: villageName(body.village_code),
      summary: body.description.slice(0, 40), status: "waiting", errors: null, saved_at: savedAt,
      lang: document.documentElement.lang, page: location.pathname};
  }
  function photoFor(clientUuid, photoId, blob) {
    return {client_photo_id: photoId, client_uuid: clientUuid, stage: "found", blob: blob,
      size: blob.size, state: "waiting"};
  }
  function keep(entry, photo) {
    return S.tx(["outbox", "photos"], "readwrite", function (t) {
      t.objectStore("outbox").put(entry);
      if (photo) t.objectStore("photos").put(photo);
    });
  }

  function save(event) {
    if (!form.reportValidity()) return;
    event.preventDefault();
    var body = fields(), file = form.elements.photo.files[0];
    var photo = file ? S.resize(file).then(function (blob) {
      return photoFor(body.client_uuid, S.uuid4(), blob);
    }) : Promise.resolve(null);
    photo.then(function (p) { return keep(entryFor(body, Date.now()), p); }).then(function () {
      form.reset();
      form.elements.client_uuid.value = S.uuid4();
      var note = document.getElementById("problem-saved") || document.createElement("p");
      note.id = "problem-saved"; note.setAttribute("role", "status");
      note.textContent = window.CunjianPanel.text.saved;
      form.parentNode.insertBefore(note, panel);
      return render();
    }).then(sendAll);
  }
  function sendAll() {
    return window.CunjianSend.sendFromPage().then(function (result) {
      needLogin = result.needLogin;
      return render();
    });
  }
  function render() {
    return window.CunjianPanel.render(panel, {needLogin: needLogin, justSaved: false,
      username: "", onSend: sendAll});
  }

  // The earlier store's unsent problems, moved into the outbox; the old database is then deleted.
  function adoptOldStore() {
    if (!indexedDB.databases) return Promise.resolve();
    return indexedDB.databases().then(function (dbs) {
      if (!dbs.some(function (d) { return d.name === "cunjian-problems"; })) return null;
      return new Promise(function (resolve) {
        var req = indexedDB.open("cunjian-problems");
        req.onerror = function () { resolve([]); };
        req.onsuccess = function () {
          var old = req.result, all = old.transaction("outbox").objectStore("outbox").getAll();
          all.onsuccess = function () { old.close(); resolve(all.result); };
          all.onerror = function () { old.close(); resolve([]); };
        };
      }).then(function (entries) {
        return Promise.all(entries.filter(function (e) { return e.state !== "sent"; }).map(function (e) {
          var photo = e.photo && photoFor(e.client_uuid, e.photo.client_photo_id, e.photo.blob);
          return keep(entryFor(e.body, e.saved_at), photo);
        }));
      }).then(function () { indexedDB.deleteDatabase("cunjian-problems"); });
    }).catch(function () { /* kept where it was: tried again on the next visit */ });
  }

  form.addEventListener("submit", save);
  // A page served from the worker's cache carries the uuid it was made with: each view gets its own.
  form.elements.client_uuid.value = S.uuid4();
  if (navigator.serviceWorker) navigator.serviceWorker.register("/sw.js").catch(function () {});
  var chosen = new URLSearchParams(location.search).get("village");
  if (chosen && form.elements.village_code.querySelector("option[value='" + chosen + "']")) {
    form.elements.village_code.value = chosen;  // a cached page opened for another village
  }
  window.addEventListener("online", sendAll);
  S.open().then(adoptOldStore).then(render).then(function () {
    form.setAttribute("data-queue", "ready");
    return sendAll();
  }).catch(function (err) {
    // IndexedDB refused (private mode, storage full): the plain form post still works.
    form.removeEventListener("submit", save);
    form.setAttribute("data-queue", "unavailable:" + (err && err.name));
  });
})();
