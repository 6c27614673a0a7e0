// Calculated fields on the phone: the live estimate beside "manure produced", "collectable straw"
// and "film used" as the inspector types head counts, areas and yields — offline too, since the
// definitions and the coefficients in force come in the form's data file, kept by the worker.
//
// The rules are app/formdefs/calculations.py's, line for line (tests/fixtures/calculate_cases.json runs
// through both): a term is factor × fields × coefficients and counts only when all its fields
// are answered; an alternative applies when one of its terms counts; the first that applies
// gives the estimate; a coefficient it needs but lacks makes it unavailable. No eval.
//
// Leaving the field blank accepts the estimate (the server works it out again and stores it as
// estimated, with the coefficient editions used); typing a figure overrides it (stored as
// measured). The stored value is always the server's.
(function () {
  "use strict";

  function isAnswered(v) { return v !== null && v !== undefined; }

  function counted(alternative, answers) {
    return alternative.filter(function (term) {
      return term.fields.every(function (f) { return isAnswered(answers[f]); }) &&
        (term.unless || []).every(function (f) { return !isAnswered(answers[f]); });
    });
  }

  function evaluate(calculate, answers, coefficients) {
    for (var a = 0; a < calculate.length; a++) {
      var terms = counted(calculate[a].terms, answers);
      if (!terms.length) continue;
      var used = [];
      terms.forEach(function (t) {
        (t.coefficients || []).forEach(function (k) { if (used.indexOf(k) < 0) used.push(k); });
      });
      var missing = used.filter(function (k) {
        return coefficients[k] === undefined || coefficients[k] === null;
      });
      if (missing.length) return {value: null, coefficients: used, missing: missing};
      var total = 0.0;
      terms.forEach(function (t) {
        var product = t.factor === undefined ? 1.0 : t.factor;
        t.fields.forEach(function (f) { product *= Number(answers[f]); });
        (t.coefficients || []).forEach(function (k) { product *= Number(coefficients[k]); });
        total += product;
      });
      return {value: total, coefficients: used, missing: []};
    }
    return null;
  }

  window.CunjianCalc = {evaluate: evaluate};

  // ---- the form page -------------------------------------------------------------------------
  // The definitions come in the form's data file (app/views/inspect/form_assets.py).
  var spec = self.CunjianFormData && self.CunjianFormData.calculations;
  var form = document.getElementById("inspection-form");
  if (!spec || !spec.fields || !Object.keys(spec.fields).length || !form) return;
  var lang = document.documentElement.lang === "en" ? "en" : "zh";
  var T = {
    zh: {blank: "留空即采用估算：", typed: "已填实测值；估算为 ", none: "填写上面的数量后显示估算",
      accept: "采用估算", accepted: "将采用估算：", missing: "缺少系数，无法估算：", unverified: "含未核实系数"},
    en: {blank: "Leave blank to use the estimate: ", typed: "Measured figure entered; the estimate is ",
      none: "Enter the counts above to see an estimate", accept: "Use the estimate",
      accepted: "The estimate will be used: ", missing: "A coefficient is missing: ", unverified: "uses unverified coefficients"}
  }[lang];
  var values = {};
  Object.keys(spec.coefficients).forEach(function (k) { values[k] = spec.coefficients[k].value; });

  function inputValue(name) {
    var el = form.elements[name];
    if (!el || typeof el.value !== "string") return null;
    var text = el.value.trim();
    if (!text) return null;
    if (self.CunjianRules) text = self.CunjianRules.withoutThousands(self.CunjianRules.load(), text);
    var n = Number(text);
    return isFinite(n) ? n : null;
  }
  function answersFor(field) {
    var answers = {};
    field.refs.forEach(function (ref) {
      var name = ref.indexOf("profile.") === 0 ? ref.slice(8) : "sections." + field.section + "." + ref;
      answers[ref] = inputValue(name);
    });
    return answers;
  }
  function shown(v) {
    var r = Math.round(v * 10) / 10;
    return r.toLocaleString(lang === "en" ? "en" : "zh-CN", {maximumFractionDigits: 1});
  }

  function update(name) {
    var field = spec.fields[name], input = form.elements[name], box = document.getElementById("estimate-" + name);
    var result = evaluate(field.calculate, answersFor(field), values);
    var text = box.querySelector(".estimate-text"), button = box.querySelector("button");
    var flagged = result && result.coefficients.some(function (k) {
      return spec.coefficients[k] && spec.coefficients[k].unverified;
    });
    box.setAttribute("data-estimate", result && result.value !== null ? String(result.value) : "");
    button.hidden = !(result && result.value !== null && input.value.trim());
    if (!result) {
      text.textContent = T.none;
    } else if (result.value === null) {
      text.textContent = T.missing + result.missing.join(", ");
    } else {
      var figure = shown(result.value) + " " + field.unit;
      text.textContent = (input.value.trim() ? T.typed : T.blank) + figure + (flagged ? "（" + T.unverified + "）" : "");
      input.placeholder = shown(result.value);
    }
    box.setAttribute("data-basis", input.value.trim() ? "measured" : (result && result.value !== null ? "estimated" : ""));
    box.classList.toggle("unverified", !!flagged);
  }

  function updateAll() { Object.keys(spec.fields).forEach(update); }

  Object.keys(spec.fields).forEach(function (name) {
    var input = form.elements[name];
    if (!input) return;
    var box = document.createElement("p");
    box.className = "estimate";
    box.id = "estimate-" + name;
    box.setAttribute("aria-live", "polite");
    box.innerHTML = '<span class="estimate-text"></span> <button type="button" class="secondary"></button>';
    box.querySelector("button").textContent = T.accept;
    box.querySelector("button").addEventListener("click", function () {
      input.value = "";
      input.dispatchEvent(new Event("input", {bubbles: true}));  // the draft saves it too
      update(name);
      input.focus();
    });
    input.parentNode.insertBefore(box, input.nextSibling);
    input.setAttribute("aria-describedby", ((input.getAttribute("aria-describedby") || "") + " estimate-" + name).trim());
  });
  form.addEventListener("input", updateAll);
  form.addEventListener("change", updateAll);
  // A restored draft fills inputs without events: look again once the page has settled.
  window.addEventListener("load", function () { setTimeout(updateAll, 0); });
  updateAll();
})();
