// The queue on screen ("waiting to send"), each photo's state, the fix button for a refused
// entry, and the rescue file (the unsent entries with their photos, as JSON). The page's texts
// live here too. Uses offline-store.js; offline-queue.js calls CunjianPanel.render.
(function () {
  "use strict";
  var S = window.CunjianStore;
  if (!S) return;
  var tx = S.tx, all = S.all, dataUrl = S.dataUrl;
  var lang = document.documentElement.lang === "en" ? "en" : "zh";
  var T = {
    zh: {queue: "待发送记录", waiting: "等待发送", sending: "正在发送", sent: "已发送",
      needs_fix: "需要修改", conflict: "编号冲突，请联系管理员", refused: "被拒绝",
      stale: "此检查已被他人更改：请打开对比后再保存",
      photo_refused: "有照片被拒绝", sendNow: "立即发送", rescue: "把未发送的记录保存到文件",
      fix: "修改", photos: "照片", photoWaiting: "等待发送", photoSent: "已发送",
      photoRefused: "被拒绝", addPhoto: "添加照片", saved: "已保存在手机上，联网后自动发送。",
      signIn: "登录已过期：请重新登录后发送（未发送的记录仍保存在手机上）。", signInLink: "重新登录",
      noSw: "此浏览器（如微信内置浏览器）不能离线打开表单：请点右上角，选择“在浏览器中打开”，以便在没有信号时使用。未发送的记录在本页打开时仍会保存并发送。",
      offline: "当前无网络：记录保存在手机上。", empty: "没有待发送的记录。", resizing: "正在压缩照片…",
      sentToday: "今天已发送", colon: "："},
    en: {queue: "Waiting to send", waiting: "Waiting to send", sending: "Sending", sent: "Sent",
      needs_fix: "Needs fixing", conflict: "ID conflict: contact an administrator",
      stale: "Changed by someone else meanwhile: open it, compare, save again",
      refused: "Refused", photo_refused: "A photo was refused", sendNow: "Send now",
      rescue: "Save my unsent inspections to a file", fix: "Fix", photos: "Photos",
      photoWaiting: "waiting", photoSent: "sent", photoRefused: "refused", addPhoto: "Add photos",
      saved: "Saved on this phone; it is sent when the network is back.",
      signIn: "Your sign-in has expired: sign in again to send (unsent inspections stay on this phone).",
      signInLink: "Sign in again",
      noSw: "This browser (e.g. WeChat's) cannot open the form offline: use the menu to open it in the phone's own browser to work with no signal. Unsent inspections are still kept and sent while this page is open.",
      offline: "No network: inspections are kept on this phone.", empty: "Nothing waiting to send.",
      resizing: "Resizing the photo…", sentToday: "Sent today", colon: ": "}
  }[lang];
  var panel = null, state = {};

  // ---- the queue on screen -----------------------------------------------------------------
  // state: {needLogin, justSaved, username, onSend}
  function render(into, newState) {
    panel = into;
    state = newState;
    if (!panel) return Promise.resolve();
    return Promise.all([all("outbox"), all("photos")]).then(function (r) {
      var entries = r[0].sort(function (a, b) { return a.saved_at - b.saved_at; }), photos = r[1];
      panel.hidden = false;
      panel.textContent = "";
      var h = document.createElement("h2");
      h.textContent = T.queue;
      panel.appendChild(h);
      if (state.justSaved) note(T.saved, "ok", "queue-saved");
      if (!navigator.onLine) note(T.offline, "muted");
      if (state.needLogin) {
        var p = note(T.signIn + " ", "error", "queue-login"), a = document.createElement("a");
        a.href = "/login?next=" + encodeURIComponent(location.pathname);
        a.textContent = T.signInLink;
        p.appendChild(a);
      }
      // Waiting (and refused) entries; sent ones leave the list, today's are kept below it.
      var today = new Date().toDateString();
      var unsent = entries.filter(function (e) { return e.status !== "sent"; });
      var sentToday = entries.filter(function (e) {
        return e.status === "sent" && new Date(e.sent_at || e.saved_at).toDateString() === today;
      });
      markVillages(unsent);
      var list = entryList(unsent, photos, "queue");
      if (!unsent.length) note(T.empty, "muted");
      panel.appendChild(list);
      if (sentToday.length) {
        var h3 = document.createElement("h3");
        h3.textContent = T.sentToday + " (" + sentToday.length + ")";
        panel.appendChild(h3);
        panel.appendChild(entryList(sentToday, photos, "queue sent-today"));
      }
      panel.appendChild(button(T.sendNow, function () { state.onSend(); }, "secondary", "send-now"));
      panel.appendChild(button(T.rescue, rescue, "secondary", "rescue"));
    });
  }
  // The village list's state this quarter: an inspection on this phone that the server does not
  // have yet makes its village 待发送, whatever the server's page said (kept to show again once sent).
  function markVillages(unsent) {
    var villages = document.querySelector("ul.villages[data-waiting-label]");
    if (!villages) return;
    var waiting = {};
    unsent.forEach(function (e) {
      // A site's inspection (issue 23) is not the village's: it leaves the village's state alone.
      if (!e.inspection_stored && e.kind !== "problem" && e.kind !== "site") waiting[e.village_code] = true;
    });
    Array.prototype.forEach.call(document.querySelectorAll("li[data-village] .state"), function (badge) {
      var code = badge.closest("li[data-village]").getAttribute("data-village");
      if (!badge.hasAttribute("data-server-state")) {
        badge.setAttribute("data-server-state", badge.getAttribute("data-state"));
        badge.setAttribute("data-server-text", badge.textContent);
      }
      var mine = waiting[code];
      badge.textContent = mine ? villages.getAttribute("data-waiting-label") : badge.getAttribute("data-server-text");
      badge.setAttribute("data-state", mine ? "waiting" : badge.getAttribute("data-server-state"));
      badge.className = "state state-" + badge.getAttribute("data-state");
    });
  }
  function entryList(entries, photos, cls) {
    var list = document.createElement("ul");
    list.className = cls;
    entries.forEach(function (entry) {
      var li = document.createElement("li"), mine = photos.filter(function (p) { return p.client_uuid === entry.client_uuid; });
      li.setAttribute("data-uuid", entry.client_uuid);
      li.setAttribute("data-status", entry.status);
      li.setAttribute("data-kind", entry.kind || "new");
      // An inspection by its date, a problem by what was found.
      li.textContent = [entry.village_name, entry.summary || entry.payload.inspected_on || "",
        T[entry.status]].join(" · ");
      if (mine.length) {
        var ps = document.createElement("span");
        ps.className = "photo-states";
        ps.textContent = " · " + T.photos + ": " + mine.map(function (p) {
          return p.state === "sent" ? T.photoSent : p.state === "refused" ? T.photoRefused : T.photoWaiting;
        }).join(", ");
        li.appendChild(ps);
      }
      if (entry.errors && entry.status !== "sent") li.appendChild(errorList(entry.errors));
      var fixable = entry.kind !== "problem" && entry.kind !== "site";  // recorded anew, not reopened
      if (fixable && (entry.status === "needs_fix" || entry.status === "stale")) li.appendChild(button(T.fix, function () { fix(entry); }, "secondary"));
      if (entry.kind === "site" && entry.status === "needs_fix") li.appendChild(button(T.fix, function () { fixSite(entry); }, "secondary"));
      list.appendChild(li);
    });
    return list;
  }
  // The server's messages under the field's label with its unit ("农膜回收量（吨）"), never a key.
  function errorList(errors) {
    var pairs = fieldLabels(), errs = document.createElement("ul"), labels = {};
    var order = pairs.map(function (p) { labels[p[0]] = p[1]; return p[0]; });
    function key(k) { return k.replace(/^(lat|lon|accuracy_m)$/, "location.$1"); }
    function rank(k) { var i = order.indexOf(key(k)); return i < 0 ? order.length : i; }
    errs.className = "field-error";
    Object.keys(errors).sort(function (a, b) { return rank(a) - rank(b); }).forEach(function (k) {  // form order
      var e = document.createElement("li"), label = labels[key(k)];
      if (label) {
        var b = document.createElement("strong");
        b.textContent = label + T.colon;
        e.appendChild(b);
      }
      e.appendChild(document.createTextNode(errors[k].join(" ")));
      errs.appendChild(e);
    });
    return errs;
  }
  // Labels come with the form's rules (#form-rules); kept for the pages without the form.
  function fieldLabels() {
    var key = "cunjian-labels-" + lang, rules = window.CunjianRules && window.CunjianRules.load();
    try {
      if (rules && rules.labels) localStorage.setItem(key, JSON.stringify(rules.labels));
      return (rules && rules.labels) || JSON.parse(localStorage.getItem(key) || "[]");
    } catch (e) { return (rules && rules.labels) || []; }
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
  // Back into the form with the same client_uuid, so the fixed version is the one stored. The
  // entry stays in the queue as "needs fixing" (or "stale") until it is saved again (never a plain
  // draft); a correction goes back to its own form (/inspect/edit/ID) as a draft of that
  // correction. form-check.js shows the messages beside their fields, at the first one's step.
  function fix(entry) {
    try {
      sessionStorage.setItem("cunjian-fix", JSON.stringify({client_uuid: entry.client_uuid, errors: entry.errors}));
    } catch (e) { /* the form still opens with the values; the server's 422 says it again */ }
    tx([S.DRAFTS], "readwrite", function (t) {
      t.objectStore(S.DRAFTS).put(S.draftFromEntry(entry));
    }).then(function () { location.href = entry.page || "/inspect/" + entry.village_code; });
  }
  // A site inspection (issue 23) back into its own form (site-queue.js fills it in with the
  // same client_uuid and shows the messages); it stays "needs fixing" until saved again.
  function fixSite(entry) {
    try { sessionStorage.setItem("cunjian-site-fix", JSON.stringify(entry)); } catch (e) { /* opens blank */ }
    location.href = entry.page;
  }
  function rescue() {
    return Promise.all([all("outbox"), all("photos")]).then(function (r) {
      // Village and site inspections (kind "site": app/sites/rescue.py stores them as the POST
      // would); the rescue import (app/inspections/rescue.py) takes no problems.
      var unsent = r[0].filter(function (x) { return x.status !== "sent" && x.kind !== "problem"; });
      return Promise.all(unsent.map(function (entry) {
        var mine = r[1].filter(function (p) { return p.client_uuid === entry.client_uuid; });
        return Promise.all(mine.map(function (p) {
          return dataUrl(p.blob).then(function (data) {
            return {client_photo_id: p.client_photo_id, section: p.section, state: p.state, data: data};
          });
        })).then(function (ps) {
          return {client_uuid: entry.client_uuid, payload: entry.payload, status: entry.status,
            saved_at: new Date(entry.saved_at).toISOString(), photos: ps,
            kind: entry.kind || "new", inspection_id: entry.inspection_id,
            base_revision: entry.base_revision, remove_sections: entry.remove_sections};
        });
      }));
    }).then(function (entries) {
      var file = {format: "cunjian-rescue", version: 1, username: state.username,
        exported_at: new Date().toISOString(), entries: entries};
      var a = document.createElement("a");
      a.href = URL.createObjectURL(new Blob([JSON.stringify(file)], {type: "application/json"}));
      a.download = "cunjian-unsent-" + new Date().toISOString().slice(0, 16).replace(/[:T]/g, "-") + ".json";
      document.body.appendChild(a);
      a.click();
      a.remove();
    });
  }


  window.CunjianPanel = {render: render, text: T};
})();
