// Progressive enhancement of the inspection form: one section a screen, with back/next,
// and the phone's position on request. Without this script the form is one long page.
(function () {
  "use strict";
  var form = document.getElementById("inspection-form");
  if (!form) return;
  var steps = Array.prototype.slice.call(form.querySelectorAll(".step"));
  var lang = document.documentElement.lang === "en" ? "en" : "zh";
  var text = {
    zh: {back: "上一步", next: "下一步", of: "第 {i} 步，共 {n} 步", locating: "正在定位…", denied: "无法获取位置"},
    en: {back: "Back", next: "Next", of: "Step {i} of {n}", locating: "Locating…", denied: "Position unavailable"}
  }[lang];
  var current = 0;
  var firstError = form.querySelector(".has-error");
  if (firstError) current = steps.indexOf(firstError.closest(".step"));
  if (current < 0) current = 0;

  form.classList.add("js-steps");
  var nav = document.createElement("div");
  nav.className = "steps-nav";
  nav.innerHTML = '<button type="button" class="secondary" data-go="-1"></button>' +
    '<span class="progress" aria-live="polite"></span>' +
    '<button type="button" data-go="1"></button>';
  nav.children[0].textContent = text.back;
  nav.children[2].textContent = text.next;
  form.appendChild(nav);

  function show(i) {
    current = Math.max(0, Math.min(steps.length - 1, i));
    steps.forEach(function (s, k) { s.classList.toggle("current", k === current); });
    nav.children[0].hidden = current === 0;
    nav.children[2].hidden = current === steps.length - 1;
    nav.children[1].textContent = text.of.replace("{i}", current + 1).replace("{n}", steps.length);
    var heading = steps[current].querySelector("h2");
    if (heading) { heading.tabIndex = -1; heading.focus({preventScroll: true}); }
    window.scrollTo(0, 0);
  }
  nav.addEventListener("click", function (e) {
    var go = e.target.getAttribute("data-go");
    if (go) show(current + Number(go));
  });
  show(current);

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
        locate.textContent = label;
      }, function () { locate.textContent = text.denied; }, {enableHighAccuracy: true, timeout: 20000});
    });
  }
  // One tap stores one inspection: the button is disabled once the form is sent.
  form.addEventListener("submit", function () { document.getElementById("submit").disabled = true; });
})();
