// The page of a new inspection carries only what is its village's own (issue 21): the form's body
// (its sections, the same for every village of a form version and language) comes in the form's
// data file, kept a year, as self.CunjianFormBody. That file is named by the page's
// <script data-body='{"values": …, "location": …}'> inside the form; run there, during the
// page's parsing, this puts the body in place of the script and the village's own figures into
// it, so the form shows filled in at once, before the form's other scripts look at it. Elsewhere
// (a correction, a form sent back with errors, the offline shell) the page has its body and the
// data file is only data: nothing happens.
(function (script) {
  "use strict";
  if (!script || !script.hasAttribute("data-body") || !self.CunjianFormBody) return;
  script.insertAdjacentHTML("beforebegin", self.CunjianFormBody);
  var form = script.closest("form"), own = JSON.parse(script.getAttribute("data-body") || "{}");
  // The county's today is the page's (the body has none: it would rename the file every day).
  form.elements.inspected_on.max = form.getAttribute("data-today") || "";
  Object.keys(own.values || {}).forEach(function (name) {
    var el = form.elements[name];
    // The value attribute too, as the server writes it: what the field holds before any typing.
    if (el && "defaultValue" in el) el.defaultValue = own.values[name];
    if (el) el.value = own.values[name];
  });
  var far = document.getElementById("far-fix");
  if (far && own.location) {  // the village's own location, for the far-fix warning (inspect.js)
    far.setAttribute("data-village-lat", String(own.location[0]));
    far.setAttribute("data-village-lon", String(own.location[1]));
  }
})(document.currentScript);
