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
      offline: "当前无网络：记录保存在手机上。", empty: "没有待发送的记录。", resizing: "正在压缩照片…"},
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
      resizing: "Resizing the photo…"}
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
        if (entry.status === "needs_fix" || entry.status === "stale") li.appendChild(button(T.fix, function () { fix(entry); }, "secondary"));
        list.appendChild(li);
      });
      if (!entries.length) note(T.empty, "muted");
      panel.appendChild(list);
      panel.appendChild(button(T.sendNow, function () { state.onSend(); }, "secondary", "send-now"));
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
  // A correction goes back to its own form (/inspect/edit/ID), as a draft of that correction.
  function fix(entry) {
    tx([S.DRAFTS, "outbox"], "readwrite", function (t) {
      t.objectStore(S.DRAFTS).put(S.draftFromEntry(entry));
      t.objectStore("outbox").delete(entry.client_uuid);
    }).then(function () { location.href = entry.page || "/inspect/" + entry.village_code; });
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
