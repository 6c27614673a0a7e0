// A site inspection through the phone's one outbox (issue 23): saved first on the phone as a
// "site" entry (offline-send.js sends it once to POST /api/v1/site-inspections; one client_uuid,
// one row, whatever the retries or tabs), then sent at once when online. Offline it waits, and
// the village list's queue (offline-panel.js) shows and sends it when the network is back.
// Offline this page is the kind's shell (app/views/sites/routes_offline.py): the service worker
// put the site's entry of the offline data in #offline-target and it is written in here first.
// Without JavaScript the plain form posts as before.
(function () {
  "use strict";
  var form = document.getElementById("site-inspection-form");
  var S = window.CunjianStore, Send = window.CunjianSend;
  if (!form || !S || !Send) return;
  var lang = document.documentElement.lang === "en" ? "en" : "zh";
  var T = {
    zh: {saved: "已保存在手机上，联网后自动发送。", sending: "正在发送…", fix: "请修改后再保存：",
      conflict: "编号冲突，请联系管理员"},
    en: {saved: "Saved on this phone; it is sent when the network is back.", sending: "Sending…",
      fix: "Please fix and save again:", conflict: "ID conflict: contact an administrator"}
  }[lang];
  var status = document.getElementById("site-queue-status");
  var errorList = document.getElementById("site-errors");

  function say(text) { status.textContent = text; status.hidden = !text; }
  function localToday() {
    var d = new Date(), pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
  }

  // Offline: the site's own entry of the offline data (never another site's page).
  var holder = document.getElementById("offline-target");
  if (holder && holder.textContent) {
    var target = null;
    try { target = JSON.parse(holder.textContent); } catch (e) { target = null; }
    var site = target && target.site;
    if (site) {
      form.setAttribute("data-site-code", site.code);
      form.setAttribute("data-site-name", site.name);
      form.setAttribute("data-village-code", site.village_code);
      document.getElementById("site-place").textContent = [site.code, site.name, site.village].join(" · ");
      document.title = site.name + " · " + document.title;
      var date = form.elements.inspected_on, today = localToday();
      if (today > (date.max || "")) date.max = today;  // the shell may be days old
      date.value = date.max;
    }
  }
  if (!form.client_uuid.value) form.client_uuid.value = S.uuid4();
  refill();

  function answers() {
    var out = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || ["csrf_token", "client_uuid", "inspected_on"].indexOf(el.name) >= 0) return;
      var text = (el.value || "").trim();
      if (text === "") return;
      if (el.getAttribute("data-type") === "boolean") out[el.name] = text === "yes";
      else out[el.name] = text;  // typed and checked by the server's schema, as the plain form's
    });
    return out;
  }
  function showErrors(errors) {
    errorList.textContent = "";
    Object.keys(errors || {}).forEach(function (key) {
      var li = document.createElement("li"), field = key.replace(/^answers\./, "");
      var label = document.querySelector('label[for="f-' + field + '"]');
      li.textContent = (label ? label.textContent.replace(/\s*\*$/, "") + ": " : "") + errors[key].join(" ");
      errorList.appendChild(li);
    });
    errorList.hidden = !errorList.children.length;
  }
  function entryNow(uuid) {
    return S.all("outbox").then(function (all) {
      return all.filter(function (e) { return e.client_uuid === uuid; })[0];
    });
  }
  function forget(uuid) {
    return S.tx(["outbox"], "readwrite", function (t) { t.objectStore("outbox").delete(uuid); });
  }

  // Back from the queue's "修改" (offline-panel.js): the refused entry's answers, its client_uuid
  // (the fixed version is the one stored) and the server's messages.
  function refill() {
    var entry = null;
    try { entry = JSON.parse(sessionStorage.getItem("cunjian-site-fix") || "null"); } catch (e) { entry = null; }
    if (!entry || entry.page !== location.pathname) return;
    sessionStorage.removeItem("cunjian-site-fix");
    form.client_uuid.value = entry.client_uuid;
    form.elements.inspected_on.value = entry.payload.inspected_on;
    var given = entry.payload.answers || {};
    Object.keys(given).forEach(function (name) {
      var el = form.elements[name], value = given[name];
      if (!el) return;
      el.value = value === true ? "yes" : value === false ? "no" : String(value);
    });
    say(T.fix);
    showErrors(entry.errors);
  }

  var busy = false;
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (busy) return;
    busy = true;
    var code = form.getAttribute("data-site-code"), uuid = form.client_uuid.value;
    var entry = {client_uuid: uuid, kind: "site", status: "waiting", saved_at: Date.now(), lang: lang,
      village_code: form.getAttribute("data-village-code"),
      village_name: code + " " + form.getAttribute("data-site-name"), page: location.pathname,
      payload: {client_uuid: uuid, site_code: code, inspected_on: form.elements.inspected_on.value,
        answers: answers()}};
    opened.then(function () { return S.put("outbox", entry); }).then(function () {
      showErrors(null);
      if (!navigator.onLine) return null;
      say(T.sending);
      return Send.sendFromPage().then(function () { return entryNow(uuid); });
    }).then(function (now) {
      if (now && now.status === "sent") { location.href = "/site/" + encodeURIComponent(code); return; }
      if (now && now.status === "needs_fix") {
        // Not stored: fixed here and saved again under the same uuid.
        say(T.fix);
        showErrors(now.errors);
        busy = false;
        return forget(uuid);
      }
      if (now && now.status !== "waiting" && now.status !== "sending") {
        say(T.conflict);
        busy = false;
        return null;
      }
      say(T.saved);  // waits on the phone: the village list shows and sends it
      location.href = "/inspect/";
    }).catch(function () {
      busy = false;  // IndexedDB refused: the plain form still posts
      form.submit();
    });
  });
  var opened = S.open();
  opened.then(function () { form.setAttribute("data-queue", "ready"); }, function (err) {
    form.setAttribute("data-queue", "unavailable:" + (err && err.name));
  });
})();
