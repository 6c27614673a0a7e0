// An offline form built from data (issue 20): the service worker answers a form page the phone
// cannot fetch with the form's shell (a form with no village) and puts into #offline-target the
// one entry of the phone's offline data that the address names: a village with its own name,
// township and register figures, or an inspection returned to this inspector with its stored
// answers, revision and the reviewer's comment (app/views/inspect/offline_views.py, static/sw.js).
// This runs before the form's other scripts, so they find a form as the server would have
// written it. Nothing is ever taken from another village's page.
(function () {
  "use strict";
  var holder = document.getElementById("offline-target");
  var form = document.getElementById("inspection-form");
  if (!holder || !form || !holder.textContent) return;
  var target;
  try { target = JSON.parse(holder.textContent); } catch (e) { return; }
  if (!target || !target.kind) return;

  function text(id, value) {
    var el = document.getElementById(id);
    if (el) el.textContent = value;
  }
  function set(name, value) {
    Array.prototype.forEach.call(form.querySelectorAll('[name="' + name.replace(/"/g, "") + '"]'), function (el) {
      if (el.type === "radio" || el.type === "checkbox") el.checked = el.value === value;
      else el.value = value;
    });
  }
  // The county's today, by the phone's clock in the county's time zone (the shell may be old).
  function countyToday() {
    var rules = self.CunjianFormData && self.CunjianFormData.rules, today = form.getAttribute("data-today") || "";
    try {
      var phone = new Intl.DateTimeFormat("en-CA", {timeZone: rules.tz, year: "numeric", month: "2-digit",
        day: "2-digit"}).format(new Date());
      if (/^\d{4}-\d{2}-\d{2}$/.test(phone) && phone > today) today = phone;
    } catch (e) { /* no time zone data: the shell's day */ }
    return today;
  }

  var removable = form.querySelectorAll(".remove-section");
  // The village's own location for the far-fix warning (static/js/inspect.js), or none.
  function locate(location) {
    var far = document.getElementById("far-fix");
    if (!far || !location) return;
    far.setAttribute("data-village-lat", String(location[0]));
    far.setAttribute("data-village-lon", String(location[1]));
  }
  var today = countyToday();
  form.setAttribute("data-today", today);
  var date = form.elements.inspected_on;
  if (date) date.max = today;
  if (target.kind === "new") {
    var v = target.village;
    text("form-title", v.name);
    text("form-place", v.township + " · " + v.code);
    document.title = v.name + " · " + document.title.split(" · ").pop();
    form.setAttribute("data-village-code", v.code);
    locate(v.location);
    set("inspected_on", today);
    Object.keys(v.register || {}).forEach(function (k) {
      var value = v.register[k];
      set(k, value === null || value === undefined ? "" : String(value));
    });
    Array.prototype.forEach.call(removable, function (box) { box.remove(); });
    return;
  }
  // A correction: the stored answers, the revision it edits, the sections it may remove.
  var r = target.returned;
  text("form-title", r.village_name);
  text("form-place", r.township + " · " + r.village_code);
  document.title = r.village_name + " · " + document.title.split(" · ").pop();
  form.setAttribute("data-village-code", r.village_code);
  locate(r.location);
  form.setAttribute("data-edit-id", String(r.id));
  form.setAttribute("data-base-revision", String(r.revision));
  form.base_revision.disabled = false;
  form.base_revision.value = String(r.revision);
  Object.keys(r.values).forEach(function (name) { set(name, r.values[name]); });
  set("client_uuid", r.client_uuid);
  Array.prototype.forEach.call(removable, function (box) {
    var step = box.closest(".step");
    if (r.stored_sections.indexOf(step && step.getAttribute("data-step")) < 0) box.remove();
  });
  if (r.comment) {
    var comment = document.getElementById("review-comment");
    comment.textContent = comment.getAttribute("data-label") + r.comment;
    comment.hidden = false;
  }
})();
