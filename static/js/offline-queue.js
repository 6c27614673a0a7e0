// Offline-first inspections: drafts saved as the inspector types, a local queue in IndexedDB
// ("waiting to send"), photos resized on the phone, sending oldest first when the network is
// there, and a rescue file. Plain JS, no framework. Without IndexedDB the form posts as usual.
//
// Saving always writes the entry to the queue first. Online, the form is then posted as usual
// (status "posting"), so the server's own page shows any error beside its field; the saved page
// (data-saved-uuid) marks the entry stored and sends its photos. Offline, or when that post
// fails (the service worker sends the phone back to the form), the entry waits and is sent
// through the JSON API when the network returns.
//
// Stores: drafts (one per village, keyPath village_code: the draft's client_uuid is fixed when
// the draft is made, inside one IndexedDB transaction, so two tabs on the same village share it);
// outbox (keyPath client_uuid: what was saved, its state); photos (keyPath client_photo_id).
// An entry is "sent" only when the server answered 200/201 for the inspection and every photo.
(function () {
  "use strict";
  var form = document.getElementById("inspection-form");
  var panel = document.getElementById("queue-status");
  if ((!form && !panel) || !window.indexedDB || !window.fetch || !window.Promise) return;
  var savedUuid = panel && panel.getAttribute("data-saved-uuid");
  var pageHasErrors = !!(form && document.querySelector("#error-summary, #conflict"));
  var lang = document.documentElement.lang === "en" ? "en" : "zh";
  var T = {
    zh: {queue: "待发送记录", waiting: "等待发送", sending: "正在发送", sent: "已发送",
      needs_fix: "需要修改", conflict: "编号冲突，请联系管理员", refused: "被拒绝",
      photo_refused: "有照片被拒绝", sendNow: "立即发送", rescue: "把未发送的记录保存到文件",
      fix: "修改", photos: "照片", photoWaiting: "等待发送", photoSent: "已发送",
      photoRefused: "被拒绝", addPhoto: "添加照片", saved: "已保存在手机上，联网后自动发送。",
      signIn: "登录已过期：请重新登录后发送（未发送的记录仍保存在手机上）。", signInLink: "重新登录",
      noSw: "此浏览器（如微信内置浏览器）不能离线打开表单：请点右上角，选择“在浏览器中打开”，以便在没有信号时使用。未发送的记录在本页打开时仍会保存并发送。",
      offline: "当前无网络：记录保存在手机上。", empty: "没有待发送的记录。", resizing: "正在压缩照片…"},
    en: {queue: "Waiting to send", waiting: "Waiting to send", sending: "Sending", sent: "Sent",
      needs_fix: "Needs fixing", conflict: "ID conflict: contact an administrator",
      refused: "Refused", photo_refused: "A photo was refused", sendNow: "Send now",
      rescue: "Save my unsent inspections to a file", fix: "Fix", photos: "Photos",
      photoWaiting: "waiting", photoSent: "sent", photoRefused: "refused", addPhoto: "Add photos",
      saved: "Saved on this phone; it is sent when the network is back.",
      signIn: "Your sign-in has expired: sign in again to send (unsent inspections stay on this phone).",
      signInLink: "Sign in again",
      noSw: "This browser (e.g. WeChat's) cannot open the form offline: use the menu to open it in the phone's own browser to work with no signal. Unsent inspections are still kept and sent while this page is open.",
      offline: "No network: inspections are kept on this phone.", empty: "Nothing waiting to send.",
      resizing: "Resizing the photo…"}
  }[lang];
  var MAX_SIDE = 1600, TARGET_BYTES = 300 * 1024;
  var pathCode = (location.pathname.match(/^\/inspect\/(\d{12})$/) || [])[1];
  var villageCode = pathCode || (form && form.getAttribute("data-village-code"));
  var username = (form || panel).getAttribute("data-username") || "";
  var draft = null, db = null, sending = false, needLogin = false;
  var justSaved = sessionStorage.getItem("cunjian-saved") === "1";
  sessionStorage.removeItem("cunjian-saved");

  // ---- IndexedDB, promised --------------------------------------------------------------
  function openDb() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open("cunjian", 1);
      req.onupgradeneeded = function () {
        var d = req.result;
        d.createObjectStore("drafts", {keyPath: "village_code"});
        d.createObjectStore("outbox", {keyPath: "client_uuid"});
        d.createObjectStore("photos", {keyPath: "client_photo_id"}).createIndex("by_uuid", "client_uuid");
      };
      req.onsuccess = function () { resolve(req.result); };
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

  // ---- the draft: one per village, its uuid fixed at creation, shared by tabs --------------
  function loadOrCreateDraft() {
    var found;
    return tx(["drafts"], "readwrite", function (t) {
      var s = t.objectStore("drafts"), req = s.get(villageCode);
      req.onsuccess = function () {
        found = req.result;
        if (!found) {
          found = {village_code: villageCode, client_uuid: uuid4(), values: {}, updated_at: Date.now()};
          s.put(found);
        }
      };
    }).then(function () { return found; });
  }
  function formValues() {
    var values = {};
    new FormData(form).forEach(function (v, k) { if (k !== "csrf_token" && typeof v === "string") values[k] = v; });
    return values;
  }
  function restore(values) {
    Object.keys(values).forEach(function (name) {
      var inputs = form.querySelectorAll('[name="' + name.replace(/"/g, "") + '"]');
      Array.prototype.forEach.call(inputs, function (el) {
        if (el.type === "radio" || el.type === "checkbox") el.checked = el.value === values[name];
        else if (el.name !== "client_uuid") el.value = values[name];
      });
    });
  }
  var saveTimer = null;
  function saveDraftSoon() {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(saveDraft, 300);
  }
  function saveDraft() {
    if (!draft) return Promise.resolve();
    draft.values = formValues();
    draft.updated_at = Date.now();
    return tx(["drafts"], "readwrite", function (t) { t.objectStore("drafts").put(draft); });
  }

  // ---- the payload: the same shape the server builds from the plain form ------------------
  function payloadFrom(values) {
    var p = {client_uuid: draft.client_uuid, village_code: villageCode, sections: {}}, loc = {};
    Object.keys(values).forEach(function (name) {
      var v = values[name].trim();
      if (!v || name === "client_uuid") return;
      var parts = name.split(".");
      if (parts[0] === "sections" && parts.length === 3) {
        (p.sections[parts[1]] = p.sections[parts[1]] || {})[parts[2]] = v;
      } else if (name === "lat" || name === "lon" || name === "accuracy_m") loc[name] = v;
      else p[name] = v;
    });
    if (Object.keys(loc).length) p.location = loc;
    return p;
  }

  // ---- photos: resized on the phone, kept as blobs until the server has them --------------
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
          .forEach(function (p) {
            var li = document.createElement("li");
            li.className = "photo-item";
            li.textContent = Math.round(p.size / 1024) + " KB";
            list.appendChild(li);
          });
      });
    });
  }

  // ---- saving: to the queue first, then sending ------------------------------------------
  function saveToQueue(e) {
    e.preventDefault();
    clearTimeout(saveTimer);
    var values = formValues(), entry, online = navigator.onLine;
    return all("photos", "by_uuid", draft.client_uuid).then(function (photos) {
      entry = {client_uuid: draft.client_uuid, village_code: villageCode,
        village_name: (document.querySelector("h1") || {}).textContent || villageCode,
        payload: payloadFrom(values), values: values, status: online ? "posting" : "waiting", errors: null,
        photo_ids: photos.map(function (p) { return p.client_photo_id; }),
        saved_at: Date.now(), username: username};
      return tx(["drafts", "outbox", "photos"], "readwrite", function (t) {
        t.objectStore("outbox").put(entry);
        if (!online) t.objectStore("drafts").delete(villageCode);  // online: kept until stored
        photos.forEach(function (p) { p.state = "waiting"; t.objectStore("photos").put(p); });
      });
    }).then(function () {
      if (navigator.storage && navigator.storage.persist) navigator.storage.persist();
      // The plain post (the method from the prototype: the form has a button named "submit").
      if (online) return HTMLFormElement.prototype.submit.call(form);
      sessionStorage.setItem("cunjian-saved", "1");
      location.reload();  // a fresh form (from the service worker when offline) and a new draft
    }).catch(function () { document.getElementById("submit").disabled = false; });
  }

  // ---- sending, oldest first, one tab at a time --------------------------------------------
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
  function put(store, value) {
    return tx([store], "readwrite", function (t) { t.objectStore(store).put(value); });
  }
  function sendAll() {
    if (sending) return Promise.resolve();
    sending = true;
    return withLock(function () {
      return all("outbox").then(function (entries) {
        var todo = entries.filter(function (x) { return x.status === "waiting" || x.status === "sending"; })
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
      sending = false;
      return render();
    });
  }
  // Resolves false to stop the run (network down, signed out), true to go on.
  function sendOne(entry, token) {
    var headers = {"Content-Type": "application/json", "X-CSRFToken": token, "Accept-Language": lang};
    var step = entry.inspection_stored ? Promise.resolve(true) :
      fetch("/api/v1/inspections", {method: "POST", credentials: "same-origin", headers: headers,
        body: JSON.stringify(entry.payload)}).then(function (r) {
        if (r.status === 200 || r.status === 201) {
          entry.inspection_stored = true;  // remembered: a photo failing next does not resend it
          return put("outbox", entry).then(function () { return true; });
        }
        if (r.status === 401 || r.status === 400) { needLogin = r.status === 401; return false; }
        if (r.status >= 500) return false;
        return r.json().catch(function () { return {}; }).then(function (body) {
          entry.status = r.status === 422 ? "needs_fix" : r.status === 409 ? "conflict" : "refused";
          entry.errors = body.errors || (body.error ? {"": [body.error.message]} : null);
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
  function sendPhoto(entry, photo, token) {
    var body = new FormData();
    body.append("client_photo_id", photo.client_photo_id);
    body.append("section", photo.section);
    body.append("photo", photo.blob, "photo.jpg");
    return fetch("/api/v1/inspections/" + entry.client_uuid + "/photos", {method: "POST",
      credentials: "same-origin", headers: {"X-CSRFToken": token, "Accept-Language": lang}, body: body})
      .then(function (r) {
        if (r.status === 200 || r.status === 201) photo.state = "sent";
        else if (r.status === 413 || r.status === 415 || r.status === 422 || r.status === 409) photo.state = "refused";
        else { needLogin = r.status === 401; return false; }
        return put("photos", photo).then(function () { return true; });
      });
  }

  // ---- the queue on screen -----------------------------------------------------------------
  function render() {
    if (!panel) return Promise.resolve();
    return Promise.all([all("outbox"), all("photos")]).then(function (r) {
      var entries = r[0].sort(function (a, b) { return a.saved_at - b.saved_at; }), photos = r[1];
      panel.hidden = false;
      panel.textContent = "";
      var h = document.createElement("h2");
      h.textContent = T.queue;
      panel.appendChild(h);
      if (justSaved) note(T.saved, "ok", "queue-saved");
      if (!navigator.onLine) note(T.offline, "muted");
      if (needLogin) {
        var p = note(T.signIn + " ", "error", "queue-login"), a = document.createElement("a");
        a.href = "/login?next=" + encodeURIComponent(location.pathname);
        a.textContent = T.signInLink;
        p.appendChild(a);
      }
      var list = document.createElement("ul");
      list.className = "queue";
      entries.forEach(function (entry) {
        var li = document.createElement("li"), mine = photos.filter(function (p) { return p.client_uuid === entry.client_uuid; });
        li.setAttribute("data-uuid", entry.client_uuid);
        li.setAttribute("data-status", entry.status);
        li.textContent = entry.village_name + " · " + (entry.payload.inspected_on || "") + " · " + T[entry.status];
        if (mine.length) {
          var ps = document.createElement("span");
          ps.className = "photo-states";
          ps.textContent = " · " + T.photos + ": " + mine.map(function (p) {
            return p.state === "sent" ? T.photoSent : p.state === "refused" ? T.photoRefused : T.photoWaiting;
          }).join(", ");
          li.appendChild(ps);
        }
        if (entry.errors) {
          var errs = document.createElement("ul");
          errs.className = "field-error";
          Object.keys(entry.errors).forEach(function (k) {
            var e = document.createElement("li");
            e.textContent = (k ? k + ": " : "") + entry.errors[k].join(" ");
            errs.appendChild(e);
          });
          li.appendChild(errs);
        }
        if (entry.status === "needs_fix") li.appendChild(button(T.fix, function () { fix(entry); }, "secondary"));
        list.appendChild(li);
      });
      if (!entries.length) note(T.empty, "muted");
      panel.appendChild(list);
      panel.appendChild(button(T.sendNow, sendAll, "secondary", "send-now"));
      panel.appendChild(button(T.rescue, rescue, "secondary", "rescue"));
    });
  }
  function note(text, cls, id) {
    var p = document.createElement("p");
    p.className = cls;
    if (id) p.id = id;
    p.textContent = text;
    panel.appendChild(p);
    return p;
  }
  function button(text, action, cls, id) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = cls;
    if (id) b.id = id;
    b.textContent = text;
    b.addEventListener("click", action);
    return b;
  }
  // Back into the form with the same client_uuid, so the fixed version is the one stored.
  function fix(entry) {
    var d = {village_code: entry.village_code, client_uuid: entry.client_uuid, values: entry.values, updated_at: Date.now()};
    tx(["drafts", "outbox"], "readwrite", function (t) {
      t.objectStore("drafts").put(d);
      t.objectStore("outbox").delete(entry.client_uuid);
    }).then(function () { location.href = "/inspect/" + entry.village_code; });
  }
  function dataUrl(blob) {
    return new Promise(function (ok) { var r = new FileReader(); r.onload = function () { ok(r.result); }; r.readAsDataURL(blob); });
  }
  function rescue() {
    return Promise.all([all("outbox"), all("photos")]).then(function (r) {
      var unsent = r[0].filter(function (x) { return x.status !== "sent"; });
      return Promise.all(unsent.map(function (entry) {
        var mine = r[1].filter(function (p) { return p.client_uuid === entry.client_uuid; });
        return Promise.all(mine.map(function (p) {
          return dataUrl(p.blob).then(function (data) {
            return {client_photo_id: p.client_photo_id, section: p.section, state: p.state, data: data};
          });
        })).then(function (ps) {
          return {client_uuid: entry.client_uuid, payload: entry.payload, status: entry.status,
            saved_at: new Date(entry.saved_at).toISOString(), photos: ps};
        });
      }));
    }).then(function (entries) {
      var file = {format: "cunjian-rescue", version: 1, username: username,
        exported_at: new Date().toISOString(), entries: entries};
      var a = document.createElement("a");
      a.href = URL.createObjectURL(new Blob([JSON.stringify(file)], {type: "application/json"}));
      a.download = "cunjian-unsent-" + new Date().toISOString().slice(0, 16).replace(/[:T]/g, "-") + ".json";
      document.body.appendChild(a);
      a.click();
      a.remove();
    });
  }

  // ---- a form page served from the shell: point it at the village in the address ----------
  function adoptVillage() {
    if (!pathCode || pathCode === form.getAttribute("data-village-code")) return Promise.resolve();
    form.setAttribute("data-village-code", pathCode);
    return fetch("/api/v1/villages", {credentials: "same-origin"}).then(function (r) { return r.json(); })
      .then(function (body) {
        var v = (body.villages || []).filter(function (x) { return x.code === pathCode; })[0];
        if (v) document.querySelector("h1").textContent = v.name;
        var sub = document.querySelector("h1 + .muted");
        if (sub) sub.textContent = pathCode;
      }).catch(function () {});
  }

  function locateIfAllowed() {
    if (!navigator.permissions || !navigator.geolocation || form.lat.value) return;
    navigator.permissions.query({name: "geolocation"}).then(function (s) {
      if (s.state !== "granted") return;
      navigator.geolocation.getCurrentPosition(function (p) {
        form.lat.value = p.coords.latitude.toFixed(6);
        form.lon.value = p.coords.longitude.toFixed(6);
        form.accuracy_m.value = Math.round(p.coords.accuracy);
        saveDraftSoon();
      }, function () {}, {enableHighAccuracy: true, timeout: 20000, maximumAge: 60000});
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
        // First visit (this page was not served by the worker), or the village list is more than
        // 12 hours old: ask the worker to keep what is needed offline.
        var controlled = !!navigator.serviceWorker.controller;
        var last = Number(localStorage.getItem("cunjian-warmed") || 0);
        if (controlled && !last) return localStorage.setItem("cunjian-warmed", String(Date.now()));
        if (reg.active && (!controlled || Date.now() - last > 12 * 3600e3)) {
          reg.active.postMessage({type: "warm", paths: [location.pathname, "/inspect/", "/api/v1/villages"]});
          localStorage.setItem("cunjian-warmed", String(Date.now()));
        }
      }).catch(noWorker);
  }

  // Entries that were being posted as a plain form: the saved page says it was stored; the
  // form page with errors takes it back to be fixed; anywhere else the post did not arrive,
  // and the entry waits for the queue.
  function reconcile() {
    return all("outbox").then(function (entries) {
      var posting = entries.filter(function (e) { return e.status === "posting"; });
      if (!posting.length) return null;
      return tx(["outbox", "drafts"], "readwrite", function (t) {
        posting.forEach(function (e) {
          if (pageHasErrors && form.client_uuid.value === e.client_uuid) {
            t.objectStore("outbox").delete(e.client_uuid);
            return;
          }
          if (e.client_uuid === savedUuid) e.inspection_stored = true;
          e.status = "waiting";
          t.objectStore("outbox").put(e);
          t.objectStore("drafts").delete(e.village_code);
        });
      });
    });
  }
  function setUpForm(d) {
    draft = d;
    if (pageHasErrors && form.client_uuid.value) draft.client_uuid = form.client_uuid.value;
    else restore(d.values);  // the server's page with errors holds the latest values
    form.client_uuid.value = draft.client_uuid;
    addPhotoInputs();
    form.addEventListener("input", saveDraftSoon);
    form.addEventListener("change", saveDraftSoon);
    form.addEventListener("submit", saveToQueue);
    locateIfAllowed();
    return showDraftPhotos();
  }

  openDb().then(function (opened) {
    db = opened;
    return reconcile();
  }).then(function () {
    if (form) return adoptVillage().then(loadOrCreateDraft).then(setUpForm);
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
