// Progressive enhancement of the inspection form: one section a screen, with back/next, links
// from the error summary that open the right section, and the phone's position on request.
// Without this script the form is one long page and works the same; the server validates.
(function () {
  "use strict";
  var form = document.getElementById("inspection-form");
  if (!form || !form.classList) return;
  var steps = Array.prototype.slice.call(form.querySelectorAll(".step"));
  var lang = document.documentElement.lang === "en" ? "en" : "zh";
  var text = {
    zh: {back: "上一步", next: "下一步", of: "第 {i} 步，共 {n} 步", locating: "正在定位…", denied: "无法获取位置"},
    en: {back: "Back", next: "Next", of: "Step {i} of {n}", locating: "Locating…", denied: "Position unavailable"}
  }[lang];
  var current = 0;

  form.classList.add("js-steps");
  var nav = document.createElement("div");
  nav.className = "steps-nav";
  nav.innerHTML = '<button type="button" class="secondary" data-go="-1"></button>' +
    '<span class="progress" aria-live="polite"></span>' +
    '<button type="button" data-go="1"></button>';
  var back = nav.children[0], progress = nav.children[1], next = nav.children[2];
  back.textContent = text.back;
  next.textContent = text.next;
  form.appendChild(nav);

  function stepOf(element) {
    var step = element && element.closest(".step");
    return step ? steps.indexOf(step) : -1;
  }

  function show(i, focusHeading) {
    current = Math.max(0, Math.min(steps.length - 1, i));
    steps.forEach(function (s, k) { s.classList.toggle("current", k === current); });
    back.style.visibility = current === 0 ? "hidden" : "visible";
    next.hidden = current === steps.length - 1;
    progress.textContent = text.of.replace("{i}", current + 1).replace("{n}", steps.length);
    if (focusHeading) {
      var heading = steps[current].querySelector("h2");
      heading.tabIndex = -1;
      heading.focus();
      window.scrollTo(0, 0);
    }
  }

  nav.addEventListener("click", function (e) {
    var go = e.target.getAttribute("data-go");
    if (go) show(current + Number(go), true);
  });

  // The error summary links to #field-NAME: open that field's section and put the cursor in it.
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.addEventListener("click", function (e) {
      var href = e.target.getAttribute && e.target.getAttribute("href");
      var target = href && document.getElementById(href.slice(1));
      if (!target) return;
      e.preventDefault();
      var k = stepOf(target);
      if (k < 0) return;
      show(k, false);
      var input = target.querySelector("input:not([type=hidden]),select,textarea") || target;
      input.focus();
      target.scrollIntoView({block: "center"});
    });
  }

  // Enter on a phone keyboard ("Go") moves on instead of sending half a form.
  form.addEventListener("keydown", function (e) {
    var tag = e.target.tagName;
    if (e.key === "Enter" && (tag === "INPUT" || tag === "SELECT") && current < steps.length - 1) {
      e.preventDefault();
      show(current + 1, true);
    }
  });

  window.CunjianSteps = {show: show, stepOf: stepOf};  // for form-check.js: open an error's step

  var firstError = form.querySelector(".field-error");
  show(firstError ? Math.max(0, stepOf(firstError)) : 0, false);
  if (summary) summary.focus();

  var locate = document.getElementById("locate");
  if (locate && navigator.geolocation) {
    locate.hidden = false;
    locate.addEventListener("click", function () {
      var label = locate.textContent;
      locate.textContent = text.locating;
      navigator.geolocation.getCurrentPosition(function (p) {
        form.lat.value = p.coords.latitude.toFixed(6);
        form.lon.value = p.coords.longitude.toFixed(6);
        form.accuracy_m.value = Math.round(p.coords.accuracy);
        form.setAttribute("data-fix-at", String(Date.now()));  // its age: offline-queue.js
        locate.textContent = label;
        warnIfFar();
      }, function () { locate.textContent = text.denied; }, {enableHighAccuracy: true, timeout: 20000});
    });
  }

  // A fix far from the village is said before saving (never refused): the threshold, the words
  // and the village's location come from the server (app/inspections/gps_checks.py), and the
  // distance is the same haversine on the same mean Earth radius (app/geography/geo.py).
  var farFix = document.getElementById("far-fix");
  function haversineM(lat1, lon1, lat2, lon2) {
    var rad = Math.PI / 180, p1 = lat1 * rad, p2 = lat2 * rad;
    var a = Math.pow(Math.sin((p2 - p1) / 2), 2) +
      Math.cos(p1) * Math.cos(p2) * Math.pow(Math.sin((lon2 - lon1) * rad / 2), 2);
    return 2 * 6371008.8 * Math.asin(Math.sqrt(Math.min(1, a)));
  }
  function warnIfFar() {
    if (!farFix || !farFix.hasAttribute("data-village-lat")) return;
    var lat = parseFloat(form.lat.value), lon = parseFloat(form.lon.value);
    var far = false, metres = 0;
    if (isFinite(lat) && isFinite(lon)) {
      metres = haversineM(lat, lon, parseFloat(farFix.getAttribute("data-village-lat")),
        parseFloat(farFix.getAttribute("data-village-lon")));
      far = metres > Number(farFix.getAttribute("data-limit-m"));
    }
    farFix.textContent = far ? farFix.getAttribute("data-text").replace("{km}", (metres / 1000).toFixed(1)) : "";
    farFix.hidden = !far;
  }
  if (farFix) {
    ["change", "input"].forEach(function (type) {
      form.lat.addEventListener(type, warnIfFar);
      form.lon.addEventListener(type, warnIfFar);
    });
    // offline-queue.js takes the fix itself (stamping data-fix-at) without an input event
    new MutationObserver(warnIfFar).observe(form, {attributes: true, attributeFilter: ["data-fix-at"]});
    warnIfFar();
  }

  // One tap stores one inspection: the button is disabled once the form is sent (the hidden
  // client_uuid makes a second copy harmless anyway), and enabled again if the page comes back.
  var submit = document.getElementById("submit");
  form.addEventListener("submit", function () { submit.disabled = true; });
  window.addEventListener("pageshow", function () { submit.disabled = false; });
})();
