// Recording a problem on the phone, offline too: the form is kept in IndexedDB (its own database
// "cunjian-problems", beside the inspections' "cunjian"), with its photo resized on the phone
// (CunjianStore.resize), then sent to /api/v1/problems and /api/v1/problems/<uuid>/photos with a
// fresh CSRF token whenever the network is there: at once, when the browser says it is back
// online, on every visit of the page, and on "send now". Sending twice is harmless: the server
// stores one problem per client_uuid and one photo per client_photo_id.
(function () {
  "use strict";
  var form = document.getElementById("problem-form");
  var panel = document.getElementById("problem-queue");
  if (!form || !panel || !self.indexedDB || !self.fetch || !self.CunjianStore) return;
  var store = self.CunjianStore, db = null, sending = false;
  var zh = document.documentElement.lang.indexOf("zh") === 0;
  var WORDS = zh ? {waiting: "待发送", sent: "已发送", failed: "发送失败", login: "请重新登录后发送",
      saved: "已保存在本机，联网后自动发送", send: "立即发送", title: "本机保存的问题"}
    : {waiting: "waiting", sent: "sent", failed: "refused", login: "sign in again to send",
      saved: "Kept on this phone; sent when there is a network", send: "Send now",
      title: "Problems kept on this phone"};

  function open() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open("cunjian-problems", 1);
      req.onupgradeneeded = function () { req.result.createObjectStore("outbox", {keyPath: "client_uuid"}); };
      req.onsuccess = function () { db = req.result; resolve(); };
      req.onerror = function () { reject(req.error); };
    });
  }
  function put(entry) {
    return new Promise(function (resolve, reject) {
      var t = db.transaction(["outbox"], "readwrite");
      t.objectStore("outbox").put(entry);
      t.oncomplete = function () { resolve(); };
      t.onerror = t.onabort = function () { reject(t.error); };
    });
  }
  function all() {
    return new Promise(function (resolve, reject) {
      var req = db.transaction("outbox").objectStore("outbox").getAll();
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  function render() {
    return all().then(function (entries) {
      panel.hidden = entries.length === 0;
      panel.textContent = "";
      var h = document.createElement("h2"); h.textContent = WORDS.title; panel.appendChild(h);
      var list = document.createElement("ul");
      entries.sort(function (a, b) { return a.saved_at - b.saved_at; }).forEach(function (e) {
        var li = document.createElement("li");
        li.setAttribute("data-uuid", e.client_uuid);
        li.setAttribute("data-status", e.state);
        var text = e.body.description.slice(0, 40) + " · " + (WORDS[e.state] || e.state);
        if (e.state === "sent" && e.problem_id) {
          var a = document.createElement("a");
          a.href = "/problems/" + e.problem_id; a.textContent = text; li.appendChild(a);
        } else { li.textContent = text; }
        list.appendChild(li);
      });
      panel.appendChild(list);
      var button = document.createElement("button");
      button.type = "button"; button.id = "send-problems"; button.textContent = WORDS.send;
      button.addEventListener("click", sendAll);
      panel.appendChild(button);
    });
  }

  function token() {
    return fetch("/api/v1/session", {credentials: "same-origin", cache: "no-store"}).then(function (r) {
      if (r.status === 401) throw new Error("login");
      if (!r.ok) throw new Error("offline");
      return r.json().then(function (s) { return s.csrf_token; });
    });
  }
  function sendOne(entry, csrf) {
    var headers = {"Content-Type": "application/json", "X-CSRFToken": csrf};
    return fetch(form.getAttribute("data-api"), {method: "POST", credentials: "same-origin",
      headers: headers, body: JSON.stringify(entry.body)}).then(function (r) {
      if (r.status === 401) throw new Error("login");
      if (r.status === 409 || r.status === 422 || r.status === 403) { entry.state = "failed"; return put(entry); }
      if (!r.ok) throw new Error("offline");
      return r.json().then(function (doc) {
        entry.problem_id = doc.id;
        if (!entry.photo) { entry.state = "sent"; return put(entry); }
        var data = new FormData();
        data.append("client_photo_id", entry.photo.client_photo_id);
        data.append("stage", "found");
        data.append("photo", entry.photo.blob, "problem.jpg");
        return fetch("/api/v1/problems/" + entry.client_uuid + "/photos", {method: "POST",
          credentials: "same-origin", headers: {"X-CSRFToken": csrf}, body: data}).then(function (p) {
          if (!p.ok && p.status !== 409) throw new Error("offline");
          entry.state = "sent";
          return put(entry);
        });
      });
    });
  }
  function sendAll() {
    if (sending || !navigator.onLine) return Promise.resolve();
    sending = true;
    return all().then(function (entries) {
      var waiting = entries.filter(function (e) { return e.state === "waiting" || e.state === "login"; });
      if (!waiting.length) return null;
      return token().then(function (csrf) {
        return waiting.reduce(function (chain, e) {
          return chain.then(function () { return sendOne(e, csrf); });
        }, Promise.resolve());
      });
    }).catch(function (error) {
      if (String(error && error.message) !== "login") return null;
      return all().then(function (entries) {
        return Promise.all(entries.filter(function (e) { return e.state === "waiting"; })
          .map(function (e) { e.state = "login"; return put(e); }));
      });
    }).then(function () { sending = false; return render(); }, function () { sending = false; });
  }

  function fields() {
    var body = {};
    ["client_uuid", "village_code", "category", "description", "responsible", "deadline",
      "inspection_id"].forEach(function (name) {
      var input = form.elements[name];
      if (input && input.value !== "") body[name] = input.value;
    });
    if (body.inspection_id) body.inspection_id = Number(body.inspection_id);
    return body;
  }

  form.addEventListener("submit", function (event) {
    if (!form.reportValidity()) return;
    event.preventDefault();
    var body = fields(), file = form.elements.photo.files[0];
    var photo = file ? store.resize(file).then(function (blob) {
      return {client_photo_id: store.uuid4(), blob: blob};
    }) : Promise.resolve(null);
    photo.then(function (p) {
      return put({client_uuid: body.client_uuid, body: body, photo: p, state: "waiting",
        saved_at: Date.now()});
    }).then(function () {
      form.reset();
      form.elements.client_uuid.value = store.uuid4();
      var note = document.getElementById("problem-saved") || document.createElement("p");
      note.id = "problem-saved"; note.setAttribute("role", "status"); note.textContent = WORDS.saved;
      form.parentNode.insertBefore(note, panel);
      return render();
    }).then(sendAll);
  });

  // A page served from the worker's cache carries the uuid it was made with: each view gets its own.
  form.elements.client_uuid.value = store.uuid4();
  if (navigator.serviceWorker) navigator.serviceWorker.register("/sw.js").catch(function () {});
  var chosen = new URLSearchParams(location.search).get("village");
  if (chosen && form.elements.village_code.querySelector("option[value='" + chosen + "']")) {
    form.elements.village_code.value = chosen;  // a cached page opened for another village
  }
  window.addEventListener("online", sendAll);
  open().then(render).then(sendAll).then(function () { form.setAttribute("data-queue", "ready"); });
})();
