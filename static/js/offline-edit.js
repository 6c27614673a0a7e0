// A correction's own part of the offline queue (/inspect/edit/ID, or the offline shell filled in
// with an inspection returned to this inspector): removing a stored section, and the choice
// between a draft of this correction and what the page shows. Only the pages of a correction and
// the offline shell link it (the form's second code file, app/views/inspect/form_assets.py), so a
// new inspection's page does not carry it; offline-queue.js calls it when the form has
// data-edit-id. It runs before the store and the queue are loaded: it reads them when called.
(function () {
  "use strict";
  var lang = document.documentElement.lang === "en" ? "en" : "zh";
  var ET = {
    zh: {unsaved: "您在 {t} 有未保存的修改。", keep: "继续我 {t} 未保存的修改", stored: "使用已保存的内容"},
    en: {unsaved: "You have unsaved changes from {t}.", keep: "Continue my unsaved changes from {t}",
      stored: "Start from what is stored"}
  }[lang];
  var form = document.getElementById("inspection-form");
  var choosing = false, queue = null;  // queue: what offline-queue.js lends (setUp)

  // ---- removing a stored section is an explicit, confirmed choice --------------------------
  function removeSection(box) {
    var step = box.closest(".step");
    Array.prototype.forEach.call(step.querySelectorAll("input, select, textarea"), function (el) {
      if (el !== box && el.type !== "file") el.disabled = box.checked;
    });
  }
  function onRemoveBox(e) {
    var box = e.target;
    if (box.name !== "remove_sections") return;
    if (box.checked && !window.confirm(box.getAttribute("data-confirm"))) box.checked = false;
    removeSection(box);
  }
  function restoreBoxes(values) {
    Array.prototype.forEach.call(form.querySelectorAll("input[name=remove_sections]"), function (box) {
      box.checked = (values.remove_sections || "").split(",").indexOf(box.value) >= 0;
      removeSection(box);
    });
  }

  // A draft of exactly this correction that differs from what the page shows: the inspector
  // chooses; until then nothing overwrites the draft.
  function same(a, b) {
    var keys = Object.keys(a).concat(Object.keys(b));
    return keys.every(function (k) { return (a[k] || "") === (b[k] || ""); });
  }
  function offerChoice(d) {
    var t = new Date(d.updated_at), hhmm = ("0" + t.getHours()).slice(-2) + ":" + ("0" + t.getMinutes()).slice(-2);
    var box = document.createElement("div");
    box.id = "draft-choice";
    box.className = "error-summary";
    box.setAttribute("role", "alert");
    box.innerHTML = '<p></p><button type="button" id="draft-keep"></button> <button type="button" class="secondary" id="draft-stored"></button>';
    box.children[0].textContent = ET.unsaved.replace("{t}", hhmm);
    box.children[1].textContent = ET.keep.replace("{t}", hhmm);
    box.children[2].textContent = ET.stored;
    form.parentNode.insertBefore(box, form);
    choosing = true;
    var unsaved = d.values, base = d.base_revision;
    box.children[1].addEventListener("click", function () {
      queue.restore(unsaved);
      if (base) form.base_revision.value = base;
      choose(box);
    });
    box.children[2].addEventListener("click", function () { choose(box); });
  }
  function choose(box) {
    choosing = false;
    box.remove();
    return queue.saveDraft();
  }
  // The newest version this phone knows of the inspection: the page, or its own queued (or
  // already sent) correction of it.
  function baselineFromQueue() {
    var editId = form.getAttribute("data-edit-id");
    var pageRevision = Number(form.getAttribute("data-base-revision")) || null;
    return window.CunjianStore.all("outbox").then(function (entries) {
      var mine = entries.filter(function (x) {
        return x.kind === "edit" && String(x.inspection_id) === editId && x.values &&
          (x.status !== "sent" || (x.stored_revision || 0) > pageRevision);
      })[0];
      if (!mine) return;
      queue.restore(mine.values);
      form.base_revision.value = mine.status === "sent" ? mine.stored_revision : mine.base_revision;
    });
  }
  // d: the correction's draft; lent: {formValues, restore, saveDraft, pageHasErrors}.
  function setUp(d, lent) {
    queue = lent;
    if (lent.pageHasErrors) return Promise.resolve();  // the server's page holds the latest values
    return baselineFromQueue().then(function () {
      var shown = lent.formValues();
      if (d.fresh || !Object.keys(d.values).length || same(d.values, shown)) {
        d.base_revision = Number(form.base_revision.value);
        return;
      }
      offerChoice(d);
    });
  }

  if (form) window.CunjianEdit = {setUp: setUp, restoreBoxes: restoreBoxes, onRemoveBox: onRemoveBox,
    choosing: function () { return choosing; }};
})();
