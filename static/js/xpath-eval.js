// The constraint language's evaluator on the phone. The server parses every expression once
// (app/formdefs/xpath.py) and ships the tree in the rules document; this walks that tree with
// the server's rules, so no rule is written twice: doubles left to right, "no value" (null)
// for an unanswered operand, a missing coefficient or a division by zero, and three-valued
// and/or. A constraint fails only when worked out to false. tests/fixtures/xpath_cases.json is
// run through both (tests/formdefs/test_xpath.py and tests/browser/test_xpath_browser.py).
(function () {
  "use strict";
  function num(v) {
    if (v === null || v === undefined || typeof v === "string") return null;
    if (typeof v === "boolean") return v ? 1 : 0;
    return typeof v === "number" ? v : null;
  }
  function compare(op, a, b) {
    switch (op) {
      case "<=": return a <= b;
      case ">=": return a >= b;
      case "<": return a < b;
      case ">": return a > b;
      case "=": return a === b;
      default: return a !== b;
    }
  }
  function evaluate(t, here, answers, profile, coefficients) {
    var op = t[0], i, args;
    if (op === "num") return t[1];
    if (op === "self") return num(here);
    if (op === "field") return num(answers[t[1]]);
    if (op === "profile") return num(profile[t[1]]);
    if (op === "coef") return Object.prototype.hasOwnProperty.call(coefficients, t[1]) ? num(coefficients[t[1]]) : null;
    args = [];
    for (i = 1; i < t.length; i++) args.push(evaluate(t[i], here, answers, profile, coefficients));
    if (op === "coalesce") {
      for (i = 0; i < args.length; i++) if (args[i] !== null) return args[i];
      return null;
    }
    if (op === "neg") return args[0] === null ? null : -args[0];
    if (op === "and") return args.indexOf(false) >= 0 ? false : (args.indexOf(null) >= 0 ? null : true);
    if (op === "or") return args.indexOf(true) >= 0 ? true : (args.indexOf(null) >= 0 ? null : false);
    var a = args[0], b = args[1];
    if (a === null || b === null) return null;
    if (op === "<=" || op === ">=" || op === "<" || op === ">" || op === "=" || op === "!=") return compare(op, a, b);
    if (op === "div") return b === 0 ? null : a / b;
    if (op === "+") return a + b;
    if (op === "-") return a - b;
    return a * b;
  }
  function holds(t, here, answers, profile, coefficients) {
    var v = evaluate(t, here, answers || {}, profile || {}, coefficients || {});
    if (typeof v === "number") return v !== 0 && v === v;
    return v !== false;
  }
  window.CunjianXPath = { evaluate: evaluate, holds: holds };
})();
