// Offline-first inspections on the page: drafts saved as the inspector types, the queue
// ("waiting to send") on screen, photos taken per section, a rescue file, the service worker.
// Plain JS, no framework; the store is offline-store.js, sending is offline-send.js. Without
// IndexedDB the form posts as usual.
//
// Saving always writes the entry to the queue first. Online, the form is then posted as usual
// (status "posting"), so the server's own page shows any error beside its field; the saved page
// (data-saved-uuid) marks the entry stored and sends its photos. Offline, or when that post
// fails (the service worker sends the phone back to the form), the entry waits and is sent
// through the JSON API when the network returns.
//
// The draft's client_uuid is fixed when the draft is made, inside one IndexedDB transaction, so
// two tabs on the same village share it.
//
// A correction (/inspect/edit/ID, data-edit-id on the form) is an edit of that inspection, never
// a new one: its draft is "edit/ID", its queue entry carries the inspection's own client_uuid,
// its id and the revision the page showed (base_revision), and is sent as a PUT (offline-send.js).
// The page shows what is stored (or this phone's newer, queued correction of it); when a draft
// of exactly this correction differs, the inspector chooses between the two.
//
// The position of a new inspection is taken at submission: never kept in a draft, and retaken
// when the fix on the page is older than FIX_MAX_AGE_MS. A correction keeps the stored position
// unless the inspector changes it.
(function () {
  "use strict";
  var form = document.getElementById("inspection-form");
  var panel = document.getElementById("queue-status");
  if ((!form && !panel) || !window.CunjianStore || !window.CunjianSend || !window.CunjianPanel || !window.fetch) return;
  var savedUuid = panel && panel.getAttribute("data-saved-uuid");
  var pageHasErrors = !!(form && document.querySelector("#error-summary, #conflict, #stale"));
  var lang = document.documentElement.lang === "en" ? "en" : "zh";
  var T = window.CunjianPanel.text;
  var pathCode = (location.pathname.match(/^\/inspect\/(\d{12})$/) || [])[1];
  var villageCode = pathCode || (form && form.getAttribute("data-village-code"));
  var username = (form || panel).getAttribute("data-username") || "";
  var draft = null, needLogin = false;
  var S = window.CunjianStore, tx = S.tx, all = S.all, uuid4 = S.uuid4, resize = S.resize;
  var DRAFTS = S.DRAFTS;
  var editId = form && form.getAttribute("data-edit-id");
  var pageRevision = form && Number(form.getAttribute("data-base-revision")) || null;
  // A correction's own code (offline-edit.js: the stale draft's choice, removing a section) comes
  // in a second file that only the correction and the offline shell link: a new inspection has none.
  var E = editId && window.CunjianEdit;
  var LOCATION = ["lat", "lon", "accuracy_m"], FIX_MAX_AGE_MS = 10 * 60 * 1000;
  var PT = {zh: {photo: "照片", remove: "删除这张照片"}, en: {photo: "Photo", remove: "Remove this photo"}}[lang];
  var OPENED_AT = Date.now();  // this page's opening: a new draft's opened_at
  var justSaved = sessionStorage.getItem("cunjian-saved") === "1";
  sessionStorage.removeItem("cunjian-saved");

  // ---- the draft: one per target (a new inspection of this village by this person, or this
  // correction), its uuid fixed at creation, shared by tabs -------------------------------
  function targetKey() {
    return editId ? S.draftKey({edit: editId}) : S.draftKey({village: villageCode, user: username});
  }
  function loadOrCreateDraft() {
    var found, key = targetKey();
    return tx([DRAFTS], "readwrite", function (t) {
      var s = t.objectStore(DRAFTS), req = s.get(key);
      req.onsuccess = function () {
        found = req.result;
        if (found || editId) {
          found = found || {key: key, client_uuid: form.client_uuid.value, values: {},
            base_revision: pageRevision, updated_at: Date.now(), fresh: true};
          return s.put(found);
        }
        var legacy = s.get(S.draftKey({village: villageCode, user: ""}));  // made before v2
        legacy.onsuccess = function () {
          found = legacy.result || {client_uuid: uuid4(), values: {}, updated_at: Date.now()};
          if (legacy.result) s.delete(legacy.result.key);
          found.key = key;
          found.village_code = villageCode;
          s.put(found);
        };
      };
    }).then(function () {
      if (!found.opened_at) found.opened_at = OPENED_AT;  // kept with the draft from its next save
      return found;
    });
  }
  function formValues() {
    var values = {};
    new FormData(form).forEach(function (v, k) {
      if (k === "csrf_token" || k === "base_revision" || typeof v !== "string") return;
      values[k] = k === "remove_sections" && values[k] ? values[k] + "," + v : v;
    });
    return values;
  }
  function restore(values) {
    if (E) E.restoreBoxes(values);
    movedOver(values);
    Object.keys(values).forEach(function (name) {
      if (name === "remove_sections" || name === "form_versions" ||
        (!editId && LOCATION.indexOf(name) >= 0)) return;
      var inputs = form.querySelectorAll('[name="' + name.replace(/"/g, "") + '"]');
      Array.prototype.forEach.call(inputs, function (el) {
        if (el.type === "radio" || el.type === "checkbox") el.checked = el.value === values[name];
        else if (el.name !== "client_uuid") el.value = values[name];
      });
    });
  }
  // ---- a draft begun under a form version the county has since replaced (issue 22): it opens
  // in the new version (the page's), every answer kept, and says which questions are new. A
  // saved entry is different: it is sent with the versions it was answered under.
  var MT = {zh: {moved: "表单已更新（{v}）：这份草稿已按新版本打开，已填的答案都保留。", asks: "新增的问题：",
    none: "没有新增问题，请检查后保存。"}, en: {moved: "The form was updated ({v}): this draft now opens in the new " +
    "version, with every answer kept. ", asks: "New questions: ", none: "No new questions; check and save."}}[lang];
  function movedOver(values) {
    var mine = form.elements.form_versions, was, now, changed;
    if (!mine || !values.form_versions || values.form_versions === mine.value) return;
    try { was = JSON.parse(values.form_versions); now = JSON.parse(mine.value); } catch (e) { return; }
    changed = Object.keys(now).filter(function (k) { return was[k] && was[k] !== now[k]; });
    if (!changed.length) return;
    var fresh = Array.prototype.filter.call(form.querySelectorAll("input[name], select[name]"), function (el) {
      var id = el.name.split(".").length === 3 ? el.name.split(".")[1] : "profile";
      return el.type !== "hidden" && el.type !== "radio" && el.type !== "checkbox" &&
        !(el.name in values) && changed.indexOf(id) >= 0;
    }).map(function (el) {
      var label = form.querySelector('label[for="' + el.id + '"]');
      var copy = label && label.cloneNode(true);
      Array.prototype.forEach.call(copy ? copy.querySelectorAll(".req") : [], function (r) { r.remove(); });
      return (copy ? copy.textContent : el.name).trim();  // without the required star
    });
    var note = document.getElementById("draft-moved") || form.insertBefore(document.createElement("p"), form.firstChild);
    note.id = "draft-moved";
    note.className = "flag";
    note.setAttribute("role", "status");
    note.textContent = MT.moved.replace("{v}", changed.map(function (k) {
      var title = document.getElementById("title-" + k);  // the section's heading
      return (title ? title.textContent.trim() : k) + " " + was[k] + " → " + now[k];
    }).join(", ")) + (fresh.length ? MT.asks + fresh.join("、") : MT.none);
  }
  var saveTimer = null;
  function saveDraftSoon() {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(saveDraft, 300);
  }
  function saveDraft() {
    if (!draft || (E && E.choosing())) return Promise.resolve();  // nothing is overwritten before the choice
    draft.values = formValues();
    if (!editId) LOCATION.forEach(function (k) { delete draft.values[k]; });  // taken at submission
    if (editId) draft.base_revision = Number(form.base_revision.value);
    delete draft.fresh;
    draft.updated_at = Date.now();
    // A draft under this key with another uuid was put there since (an entry reopened with 修改,
    // another tab): not ours to overwrite. A late save here could replace a reopened entry's
    // draft, so the form came back without its answers and photo (attached again: twice).
    return tx([DRAFTS], "readwrite", function (t) {
      var s = t.objectStore(DRAFTS), req = s.get(draft.key);
      req.onsuccess = function () {
        if (!req.result || req.result.client_uuid === draft.client_uuid) s.put(draft);
      };
    });
  }

  // ---- the payload: the same shape the server builds from the plain form ------------------
  function payloadFrom(values) {
    var p = {client_uuid: draft.client_uuid, village_code: villageCode, sections: {}}, loc = {};
    Object.keys(values).forEach(function (name) {
      var v = values[name].trim();
      if (!v || name === "client_uuid" || name === "remove_sections") return;
      var parts = name.split(".");
      if (parts[0] === "sections" && parts.length === 3) {
        (p.sections[parts[1]] = p.sections[parts[1]] || {})[parts[2]] = v;
      } else if (name === "lat" || name === "lon" || name === "accuracy_m") loc[name] = v;
      else p[name] = v;
    });
    if (Object.keys(loc).length) p.location = loc;
    return p;
  }

  // ---- when the form was opened and saved (issue 24): recorded with the phone's own offset;
  // the server judges them, the phone does not. Opened = when this draft was first made here.
  function isoWithOffset(ms) {
    var d = new Date(ms), off = -d.getTimezoneOffset(), a = Math.abs(off);
    function p(n) { return (n < 10 ? "0" : "") + n; }
    return d.getFullYear() + "-" + p(d.getMonth() + 1) + "-" + p(d.getDate()) + "T" + p(d.getHours()) +
      ":" + p(d.getMinutes()) + ":" + p(d.getSeconds()) + (off >= 0 ? "+" : "-") +
      p(Math.floor(a / 60)) + ":" + p(a % 60);
  }
  function stampTimes(entry) {
    entry.payload.opened_at = isoWithOffset(draft.opened_at || OPENED_AT);
    entry.payload.saved_at = isoWithOffset(entry.saved_at);
    ["opened_at", "saved_at"].forEach(function (name) {  // online, the plain post carries them
      var input = form.elements[name] || form.appendChild(document.createElement("input"));
      input.type = "hidden";
      input.name = name;
      input.value = entry.payload[name];
    });
  }

  // ---- photos: resized on the phone, kept as blobs until the server has them --------------
  function addPhotoInputs() {
    Array.prototype.forEach.call(form.querySelectorAll(".step[data-step]"), function (step) {
      var section = step.getAttribute("data-step") === "finish" ? "general" : step.getAttribute("data-step");
      var box = document.createElement("div");
      box.className = "field photos";
      var id = "photo-" + section;
      box.innerHTML = '<label></label><input type="file" accept="image/*" capture="environment" multiple>' +
        '<ul class="photo-list" aria-live="polite"></ul>';
      box.children[0].textContent = T.addPhoto;
      box.children[0].htmlFor = id;
      box.children[1].id = id;
      box.children[1].setAttribute("data-section", section);
      box.children[1].addEventListener("change", function (e) { takePhotos(e.target, section); });
      var nav = step.querySelector("button[type=submit]");
      step.insertBefore(box, nav || null);
    });
  }
  function takePhotos(input, section) {
    var files = Array.prototype.slice.call(input.files || []);
    var status = input.parentNode.querySelector(".photo-list");
    status.setAttribute("data-busy", "1");
    return files.reduce(function (chain, file) {
      return chain.then(function () { return resize(file); }).then(function (blob) {
        var photo = {client_photo_id: uuid4(), client_uuid: draft.client_uuid, section: section,
          blob: blob, size: blob.size, state: "draft", added_at: Date.now()};
        return tx(["photos"], "readwrite", function (t) { t.objectStore("photos").put(photo); });
      });
    }, Promise.resolve()).then(function () {
      input.value = "";
      status.removeAttribute("data-busy");
      return showDraftPhotos();
    });
  }
  function showDraftPhotos() {
    return all("photos", "by_uuid", draft.client_uuid).then(function (photos) {
      Array.prototype.forEach.call(form.querySelectorAll(".photos input[type=file]"), function (input) {
        var list = input.parentNode.querySelector(".photo-list");
        list.textContent = "";
        photos.filter(function (p) { return p.section === input.getAttribute("data-section"); })
          .forEach(function (p, k) {
            // a thumbnail of the photo itself (its blob, no request) and a way to take it back
            var li = document.createElement("li"), img = document.createElement("img");
            var remove = document.createElement("button");
            li.className = "photo-item";
            img.src = URL.createObjectURL(p.blob);
            img.width = 64;
            img.height = 48;
            img.alt = PT.photo + " " + (k + 1);
            img.onload = function () { URL.revokeObjectURL(img.src); };
            remove.type = "button";
            remove.className = "secondary photo-remove";
            remove.textContent = PT.remove;
            remove.addEventListener("click", function () {
              tx(["photos"], "readwrite", function (t) { t.objectStore("photos").delete(p.client_photo_id); })
                .then(showDraftPhotos);
            });
            li.appendChild(img);
            li.appendChild(document.createTextNode(" " + Math.round(p.size / 1024) + " KB "));
            li.appendChild(remove);
            list.appendChild(li);
          });
      });
    });
  }

  // ---- saving: to the queue first, then sending ------------------------------------------
  function saveToQueue(e) {
    e.preventDefault();
    clearTimeout(saveTimer);
    var entry, online = navigator.onLine, values;
    document.getElementById("submit").disabled = true;
    return freshFix().then(function () {
      values = formValues();
      return all("photos", "by_uuid", draft.client_uuid);
    }).then(function (photos) {
      entry = {client_uuid: draft.client_uuid, village_code: villageCode,
        village_name: (document.querySelector("h1") || {}).textContent || villageCode,
        payload: payloadFrom(values), values: values, status: online ? "posting" : "waiting", errors: null,
        photo_ids: photos.map(function (p) { return p.client_photo_id; }),
        saved_at: Date.now(), username: username, lang: document.documentElement.lang,
        kind: editId ? "edit" : "new", draft_key: draft.key, page: location.pathname};
      if (!editId) stampTimes(entry);
      if (editId) {
        entry.inspection_id = Number(editId);
        entry.base_revision = Number(form.base_revision.value);
        entry.remove_sections = (values.remove_sections || "").split(",").filter(Boolean);
      }
      return tx([DRAFTS, "outbox", "photos"], "readwrite", function (t) {
        t.objectStore("outbox").put(entry);
        if (!online) t.objectStore(DRAFTS).delete(draft.key);  // online: kept until stored
        photos.forEach(function (p) { p.state = "waiting"; t.objectStore("photos").put(p); });
      });
    }).then(function () {
      if (navigator.storage && navigator.storage.persist) navigator.storage.persist();
      // The plain post (the method from the prototype: the form has a button named "submit").
      if (online) return HTMLFormElement.prototype.submit.call(form);
      sessionStorage.setItem("cunjian-saved", "1");
      // The village list (from the service worker when offline), the confirmation on top.
      return askForSync().then(function () { location.assign("/inspect/"); });
    }).catch(function () { document.getElementById("submit").disabled = false; });
  }

  // ---- the position of a new inspection: taken at submission, never an old one ------------
  function fixAge() {
    var at = Number(form.getAttribute("data-fix-at") || 0);
    return at ? Date.now() - at : null;
  }
  function setFix(p) {
    form.lat.value = p.coords.latitude.toFixed(6);
    form.lon.value = p.coords.longitude.toFixed(6);
    form.accuracy_m.value = Math.round(p.coords.accuracy);
    form.setAttribute("data-fix-at", String(Date.now()));
  }
  // Resolves when the form holds a fix at most FIX_MAX_AGE_MS old, or none. A position typed by
  // hand (no fix time) is the inspector's and is kept; a correction keeps what it shows.
  function freshFix() {
    var age = fixAge();
    if (editId || (form.lat.value && age === null) || (age !== null && age <= FIX_MAX_AGE_MS)) return Promise.resolve();
    if (age !== null) LOCATION.forEach(function (k) { form[k].value = ""; });  // too old: refused
    if (!navigator.geolocation || !navigator.permissions) return Promise.resolve();
    return navigator.permissions.query({name: "geolocation"}).then(function (s) {
      if (s.state !== "granted") return null;
      return new Promise(function (done) {
        navigator.geolocation.getCurrentPosition(function (p) { setFix(p); done(); }, function () { done(); },
          {enableHighAccuracy: true, timeout: 10000, maximumAge: 0});
      });
    }).catch(function () {});
  }

  // ---- sending (offline-send.js), then the queue on screen ---------------------------------
  function sendAll() {
    return window.CunjianSend.sendFromPage().then(function (result) {
      needLogin = result.needLogin;
      return render();
    });
  }
  // Background Sync (sw.js) sends the queue when the network is back, even if this page is
  // closed by then; where it is missing, the page sends while open (below).
  var askForSync = window.CunjianSend.askForSync;
  function render() {
    return window.CunjianPanel.render(panel, {needLogin: needLogin, justSaved: justSaved,
      username: username, onSend: sendAll});
  }
  function locateIfAllowed() {
    if (editId || !navigator.permissions || !navigator.geolocation || form.lat.value) return;
    navigator.permissions.query({name: "geolocation"}).then(function (s) {
      if (s.state !== "granted") return;
      navigator.geolocation.getCurrentPosition(setFix, function () {},
        {enableHighAccuracy: true, timeout: 20000, maximumAge: 60000});
    });
  }

  // No service worker (in-app browsers such as WeChat's often have none, or refuse to register
  // one): the queue still works while this page is open; say how to get full offline use.
  function noWorker() {
    var warn = document.getElementById("offline-notice");
    if (warn) { warn.textContent = T.noSw; warn.hidden = false; }
  }
  function registerWorker() {
    if (!("serviceWorker" in navigator)) return noWorker();
    navigator.serviceWorker.register("/sw.js").then(function () { return navigator.serviceWorker.ready; })
      .then(function (reg) {
        // The worker keeps what is needed offline: the form's shell and the offline data (every
        // village in scope, every returned inspection) on each online visit, the pages twice a day.
        var meta = document.querySelector("meta[name=cunjian-offline]"), offline = null;
        if (meta) offline = {shell: meta.getAttribute("data-shell"), data: meta.getAttribute("data-data"),
          missing: meta.getAttribute("data-missing"), code: meta.getAttribute("data-code"),
          shellCode: meta.getAttribute("data-shell-code"),
          formData: meta.getAttribute("data-form-data")};
        if (reg.active && navigator.onLine) reg.active.postMessage({type: "warm", offline: offline,
          paths: [location.pathname, "/inspect/", "/api/v1/villages"]});
      }).catch(noWorker);
  }

  // Entries that were being posted as a plain form: the saved page says it was stored; the
  // form page with errors takes it back to be fixed; anywhere else the post did not arrive,
  // and the entry waits for the queue.
  function reconcile() {
    return all("outbox").then(function (entries) {
      var posting = entries.filter(function (e) { return e.status === "posting"; });
      if (!posting.length) return null;
      return tx(["outbox", DRAFTS], "readwrite", function (t) {
        posting.forEach(function (e) {
          if (pageHasErrors && form.client_uuid.value === e.client_uuid) {
            t.objectStore("outbox").delete(e.client_uuid);
            return;
          }
          if (e.client_uuid === savedUuid) e.inspection_stored = true;
          e.status = "waiting";
          t.objectStore("outbox").put(e);
          t.objectStore(DRAFTS).delete(S.draftFromEntry(e).key);
        });
      });
    });
  }
  function setUpForm(d) {
    draft = d;
    if (pageHasErrors && form.client_uuid.value) draft.client_uuid = form.client_uuid.value;
    else if (!editId) restore(d.values);  // the server's page with errors holds the latest values
    form.client_uuid.value = draft.client_uuid;
    addPhotoInputs();
    if (E) form.addEventListener("change", E.onRemoveBox);
    form.addEventListener("input", saveDraftSoon);
    form.addEventListener("change", saveDraftSoon);
    form.addEventListener("submit", saveToQueue);
    locateIfAllowed();
    var edit = E ? E.setUp(d, {formValues: formValues, restore: restore, saveDraft: saveDraft,
      pageHasErrors: pageHasErrors}) : Promise.resolve();
    return edit.then(showDraftPhotos);
  }

  S.open().then(function () {
    return reconcile();
  }).then(function () {
    if (form) return loadOrCreateDraft().then(setUpForm);
  }).then(function () {
    (form || panel).setAttribute("data-queue", "ready");
    registerWorker();
    window.addEventListener("online", sendAll);
    setInterval(function () { if (navigator.onLine) sendAll(); }, 30000);
    return render().then(sendAll);
  }).catch(function (err) {
    // IndexedDB refused (private mode, storage full): the plain form post still works.
    (form || panel).setAttribute("data-queue", "unavailable:" + (err && err.name));
  });
})();
