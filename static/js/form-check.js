// The inspection form checks itself as the inspector types, with no network: form-rules.js
// evaluates the server's rules (the form's data file, CunjianFormData) and this shows each error
// beside its field, as the server's page would (same markup, aria-invalid, a summary on save).
// A field shows its errors once it has been left (or its step, or on save); a field the server
// marked keeps that mark until it is changed. Saving with an error stays on the form, at the step
// of the first error. Also: a reopened queue entry that needs fixing shows the server's messages
// (sessionStorage "cunjian-fix", written by offline-panel.js), and the focused field is kept
// above the sticky step bar. Without this script the server checks the post as before.
(function () {
  "use strict";
  var form = document.getElementById("inspection-form");
  var R = window.CunjianRules, rules = R && R.load();
  if (!form || !rules || !form.classList || !window.FormData) return;
  var sep = rules.lang === "zh" ? "；" : "; ";
  var touched = {}, pinned = {}, everything = false;
  var each = function (list, fn) { Array.prototype.forEach.call(list, fn); };

  each(form.querySelectorAll("p.field-error[id$='-error']"), function (p) {
    pinned[p.id.slice(0, -6)] = [p.textContent];
  });

  function byId(id) { return document.getElementById(id); }
  function inputName(path) { return path.replace(/^location\./, ""); }
  function errorsNow() {
    var values = {};
    new FormData(form).forEach(function (v, k) { if (typeof v === "string") values[k] = v; });
    values.village_code = form.getAttribute("data-village-code") || "";
    var found = R.check(rules, R.fromForm(rules, values)), out = {};
    Object.keys(found).forEach(function (path) { out[inputName(path)] = found[path]; });
    return out;
  }
  function clear() {
    each(form.querySelectorAll("p.field-error"), function (p) { p.remove(); });
    each(form.querySelectorAll(".has-error"), function (el) { el.classList.remove("has-error"); });
    each(form.querySelectorAll("[aria-invalid]"), function (el) {
      el.removeAttribute("aria-invalid");
      var ids = (el.getAttribute("aria-describedby") || "").split(" ").filter(function (id) { return id && !/-error$/.test(id); });
      if (ids.length) el.setAttribute("aria-describedby", ids.join(" ")); else el.removeAttribute("aria-describedby");
    });
  }
  function mark(name, messages) {
    var box = byId("field-" + name);
    if (!box || !messages || !messages.length) return false;
    var p = document.createElement("p");
    p.className = "field-error";
    p.id = name + "-error";
    p.textContent = messages.join(sep);
    var before = box.querySelector(".choices, input:not([type=hidden]), select, textarea");
    (before ? before.parentNode : box).insertBefore(p, before);
    box.classList.add("has-error");
    each(box.querySelectorAll("input:not([type=hidden]), select, textarea, fieldset"), function (el) {
      el.setAttribute("aria-invalid", "true");
      var ids = (el.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
      if (el.tagName !== "INPUT" || el.type !== "radio") el.setAttribute("aria-describedby", ids.concat(p.id).join(" "));
    });
    return true;
  }
  // Shows what should be shown now; answers {name: messages} of what has a place in the form.
  function render() {
    var found = errorsNow(), shown = {};
    clear();
    Object.keys(found).concat(Object.keys(pinned)).forEach(function (name) {
      if (shown[name]) return;
      var messages = pinned[name] && !touched[name] ? pinned[name] : (touched[name] || everything) ? found[name] : null;
      if (mark(name, messages)) shown[name] = messages;
    });
    return shown;
  }
  function firstError() { return form.querySelector(".has-error"); }
  function goTo(box) {
    var steps = window.CunjianSteps;
    if (steps && box) steps.show(Math.max(0, steps.stepOf(box)), false);
    var input = box && box.querySelector("input:not([type=hidden]), select, textarea");
    if (input) input.focus();
  }
  function summary(shown) {
    var old = byId("error-summary");
    if (old) old.remove();
    var names = [];  // in the form's order
    each(form.querySelectorAll(".has-error[id^='field-']"), function (box) { names.push(box.id.slice(6)); });
    if (!names.length) return;
    var div = document.createElement("div"), list = document.createElement("ul"), p = document.createElement("p");
    div.className = "error-summary";
    div.id = "error-summary";
    div.setAttribute("role", "alert");
    p.className = "error";
    p.textContent = form.getAttribute("data-error-summary") || "";
    names.forEach(function (name) {
      shown[name].forEach(function (m) {
        var li = document.createElement("li"), a = document.createElement("a");
        a.href = "#field-" + name;
        a.textContent = m;
        li.appendChild(a);
        list.appendChild(li);
      });
    });
    div.appendChild(p);
    div.appendChild(list);
    div.addEventListener("click", function (e) {
      var href = e.target.getAttribute && e.target.getAttribute("href");
      if (!href) return;
      e.preventDefault();
      goTo(byId(href.slice(1)));
    });
    form.parentNode.insertBefore(div, form);
  }
  function touch(name) {
    if (!name || name === "csrf_token") return;
    touched[name] = true;
    delete pinned[name];
  }

  form.addEventListener("focusout", function (e) { touch(e.target.name); render(); });
  form.addEventListener("change", function (e) { touch(e.target.name); render(); });
  form.addEventListener("input", function (e) { if (touched[e.target.name] || pinned[e.target.name]) render(); });
  // Leaving a step (back or next) shows what is missing or wrong in it: a half-filled section.
  form.addEventListener("click", function (e) {
    if (!e.target.getAttribute || !e.target.getAttribute("data-go")) return;
    var step = form.querySelector(".step.current");
    if (step) each(step.querySelectorAll("[name]"), function (el) { touch(el.name); });
    render();
  }, true);
  // Saving with an error stays here: capture, so the queue and the plain post never see it.
  form.addEventListener("submit", function (e) {
    everything = true;
    pinned = {};  // the phone's own verdict now; the server answers again if it still disagrees
    var shown = render();
    if (!Object.keys(shown).length) return;
    e.preventDefault();
    e.stopImmediatePropagation();
    summary(shown);
    goTo(firstError());
  }, true);

  // A queue entry the server refused (422), reopened to be fixed: its messages beside its fields.
  function showFix() {
    var fix = null;
    try { fix = JSON.parse(sessionStorage.getItem("cunjian-fix") || "null"); } catch (e) { fix = null; }
    if (!fix || !form.client_uuid || fix.client_uuid !== form.client_uuid.value) return;
    sessionStorage.removeItem("cunjian-fix");
    pinned = {};
    Object.keys(fix.errors || {}).forEach(function (path) { pinned[inputName(path)] = fix.errors[path]; });
    summary(render());
    goTo(firstError());
  }
  if (form.getAttribute("data-queue")) showFix();
  else if (window.MutationObserver) {
    new MutationObserver(function (changes, observer) {
      if (!form.getAttribute("data-queue")) return;
      observer.disconnect();
      showFix();
    }).observe(form, {attributes: true, attributeFilter: ["data-queue"]});
  }

  // The sticky step bar must not cover the field being typed in (nor the phone's keyboard).
  function keepAboveBar() {
    var el = document.activeElement, bar = form.querySelector(".steps-nav");
    if (!bar || !el || !form.contains(el) || bar.contains(el)) return;
    var view = window.visualViewport, bottom = view ? view.offsetTop + view.height : window.innerHeight;
    var limit = Math.min(bar.getBoundingClientRect().top, bottom), r = el.getBoundingClientRect();
    if (r.bottom > limit - 8) window.scrollBy(0, r.bottom - limit + 8);
  }
  form.addEventListener("focusin", function () { setTimeout(keepAboveBar, 0); });
  if (window.visualViewport) window.visualViewport.addEventListener("resize", keepAboveBar);

  window.CunjianFormCheck = {render: render};
})();
