// The phone checks what the server checks. The rules are data: the page embeds the document
// app/formdefs/rules.py reads off the server's own marshmallow schema (#form-rules), and this is
// its interpreter: types, whole numbers, bounds, choices, lengths, required answers (a section
// is filled all or not at all), the cross-field constraints and the county's today. Messages
// come from the document, so they are the server's, in the page's language. No rule is written
// here; tests/formdefs/test_form_rules.py runs the validation tests' hostile corpus through both.
// The server stays the authority: whatever it still refuses comes back as a 422 as before.
(function () {
  "use strict";
  var MISSING = {};
  // Python's str.strip() and float() whitespace.
  var SP = "[\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";
  var STRIP = new RegExp("^" + SP + "+|" + SP + "+$", "g");
  var FLOAT = /^[+-]?(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?$/;
  var SPECIAL = /^[+-]?(?:inf|infinity|nan)$/i;
  var HEX = /^[+-]?(?:0[xX]_?)?[0-9a-fA-F](?:_?[0-9a-fA-F])*$/;
  var UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?:^|[^\ud800-\udbff])[\udc00-\udfff]/;
  var ND;
  try { ND = new RegExp("\\p{Nd}", "gu"); } catch (e) { ND = null; }

  function strip(s) { return s.replace(STRIP, ""); }
  function isObject(v) { return v !== null && typeof v === "object" && !Array.isArray(v); }
  function join(path, key) { return path ? path + "." + key : key; }
  function add(errors, path, text) { (errors[path] = errors[path] || []).push(text); }
  function codePoints(s) { return Array.from ? Array.from(s).length : s.length; }
  // Python reads any script's decimal digits as digits (float("١٢") is 12.0).
  function asciiDigits(s) {
    if (!ND) return s;
    return s.replace(ND, function (ch) {
      var cp = ch.codePointAt(0), start = cp;
      while (String.fromCodePoint(start - 1).match(ND)) start--;
      return String((cp - start) % 10);
    });
  }
  // Python's float(text): NaN for what it refuses, ±Infinity for inf/nan words (then "special").
  function pyFloat(text) {
    var s = asciiDigits(strip(text));
    if (SPECIAL.test(s)) return Infinity;
    return FLOAT.test(s) ? Number(s.replace(/_/g, "")) : NaN;
  }
  // "2,978" → "2978": the server's rule and pattern (app/formdefs/types.py), from the document.
  function withoutThousands(rules, v) {
    var t = rules && rules.thousands;
    if (typeof v !== "string" || !t || !new RegExp(t.pattern).test(strip(v))) return v;
    return strip(v).replace(new RegExp(t.separators, "g"), "");
  }
  function pyUuid(text) {
    var hex = text.replace(/urn:/g, "").replace(/uuid:/g, "").replace(/^[{}]+|[{}]+$/g, "").replace(/-/g, "");
    return hex.length === 32 && HEX.test(asciiDigits(strip(hex)));
  }
  function validDate(text) {
    // Python's `$` also matches before a final newline; date.fromisoformat then refuses it.
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
    if (!m) return false;
    var y = +m[1], mo = +m[2], d = +m[3];
    var days = [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    return y >= 1 && mo >= 1 && mo <= 12 && d >= 1 && d <= days[mo - 1];
  }
  function pyPattern(pattern) { return new RegExp(pattern.replace(/\$$/, "(?=\\n?$)")); }

  // One field: MISSING with an error recorded, or the loaded value.
  function loadField(f, v, path, errors, ctx) {
    var m = f.messages, n;
    if (f.kind === "obj") return loadSchema(f.schema, v, path, errors, ctx, f.drop_blank);
    if (f.kind === "int" || f.kind === "num") {
      v = withoutThousands(ctx.rules, v);
      if (typeof v === "boolean" || (typeof v !== "number" && typeof v !== "string")) return fail(m.invalid);
      if (typeof v === "number") n = v;
      else if (f.kind === "int") {
        var t = strip(v);
        if (!/^[+-]?[0-9]+$/.test(t) || t.replace(/^[+-]?0*/, "").length > 4300) return fail(m.invalid);
        n = Number(t);
      } else n = pyFloat(v);
      if (!isFinite(n)) return fail(n !== n ? m.invalid : m.special);
      if (f.kind === "int" && Math.floor(n) !== n) return fail(m.invalid);
    } else if (f.kind === "bool") {
      var w = ctx.rules.booleans;
      if (v === true || v === 1 || w["true"].indexOf(v) >= 0) n = true;
      else if (v === false || v === 0 || w["false"].indexOf(v) >= 0) n = false;
      else return fail(m.invalid);
    } else if (typeof v !== "string") return fail(m.invalid);
    else if (f.kind === "uuid" && !pyUuid(v)) return fail(m.invalid);
    else if (f.kind === "date" && !validDate(v)) return fail(m.invalid);
    else n = v;
    var ok = true;
    f.checks.forEach(function (c) {
      var bad = c.range ? (c.range[0] !== null && n < c.range[0]) || (c.range[1] !== null && n > c.range[1]) :
        c.one_of ? c.one_of.indexOf(n) < 0 :
        c.max_length !== undefined ? codePoints(n) > c.max_length :
        c.pattern ? !pyPattern(c.pattern).test(n) :
        c.storable ? UNSTORABLE.test(n) : false;
      if (bad) { ok = false; add(errors, path, c.storable ? ctx.rules.messages.unstorable : c.message); }
    });
    return ok ? n : MISSING;
    function fail(text) { add(errors, path, text); return MISSING; }
  }

  // A schema: unknown keys refused, each field loaded; what loaded is kept even when a sibling
  // failed (marshmallow's valid_data), and an object that failed and kept nothing is MISSING.
  function loadSchema(schema, data, path, errors, ctx, dropBlank) {
    if (!isObject(data)) { add(errors, path || "_schema", ctx.rules.messages.object); return MISSING; }
    var out = {}, before = Object.keys(errors).length, fields = schema.fields;
    Object.keys(data).forEach(function (k) {
      if (!Object.prototype.hasOwnProperty.call(fields, k)) add(errors, join(path, k), ctx.rules.messages.unknown);
    });
    Object.keys(fields).forEach(function (name) {
      var f = fields[name], p = join(path, name);
      var v = Object.prototype.hasOwnProperty.call(data, name) ? data[name] : MISSING;
      if (dropBlank && (v === "" || v === null)) v = MISSING;
      if (v === MISSING) { if (f.required) add(errors, p, f.messages.required); return; }
      if (v === null) { if (f.nullable) out[name] = null; else add(errors, p, f.messages["null"]); return; }
      var loaded = loadField(f, v, p, errors, ctx);
      if (loaded !== MISSING) out[name] = loaded;
    });
    var failed = Object.keys(errors).length > before || hasErrorUnder(errors, path);
    return failed && !Object.keys(out).length ? MISSING : out;
  }
  function hasErrorUnder(errors, path) {
    return Object.keys(errors).some(function (k) { return !path || k === path || k.indexOf(path + ".") === 0; });
  }

  // The county's today: the later of the page's and the phone's (in the county's time zone),
  // so a page opened from the cache after midnight still knows the date has moved on.
  function countyToday(rules) {
    var phone = "";
    try {
      phone = new Intl.DateTimeFormat("en-CA", {timeZone: rules.tz, year: "numeric", month: "2-digit", day: "2-digit"}).format(new Date());
    } catch (e) { phone = ""; }
    return /^\d{4}-\d{2}-\d{2}$/.test(phone) && phone > rules.today ? phone : rules.today;
  }
  // A form's Σ ≤ limit rule, with the arithmetic of app/formdefs/constraints.py (the numbers
  // come in the document): terms added left to right; over only beyond a tolerance relative to
  // the limit; the limit shown at so many decimals, one step down if that figure is refused.
  function exceeds(rule, amount, limit) {
    return amount > limit + rule.relative_tolerance * Math.max(1, Math.abs(limit));
  }
  function shownLimit(rule, limit) {
    var step = 1 / Math.pow(10, rule.shown_decimals), shown = Math.round(limit / step) * step;
    if (exceeds(rule, shown, limit)) shown -= step;
    var text = (shown + 0).toFixed(rule.shown_decimals).replace(/0+$/, "").replace(/\.$/, "");
    return text === "-0" ? "0" : text;
  }

  function unstorablePaths(value, path, out) {
    if (typeof value === "string") { if (UNSTORABLE.test(value)) out[path || "_schema"] = 1; }
    else if (Array.isArray(value)) value.forEach(function (v, i) { unstorablePaths(v, join(path, i), out); });
    else if (isObject(value)) Object.keys(value).forEach(function (k) {
      if (UNSTORABLE.test(k)) out[path || "_schema"] = 1;
      else unstorablePaths(value[k], join(path, k), out);
    });
    return out;
  }

  // {path: [messages]} for an inspection body, as POST /api/v1/inspections answers it.
  function check(rules, body, options) {
    var errors = {}, ctx = {rules: rules};
    var bad = Object.keys(unstorablePaths(body, "", {})).sort();
    if (bad.length) {
      bad.forEach(function (p) { errors[p] = [rules.messages.unstorable]; });
      return errors;
    }
    var data = loadSchema(rules.schema, body, "", errors, ctx, false);
    if (data === MISSING) return errors;
    var today = (options && options.today) || countyToday(rules);
    if (typeof data.inspected_on === "string") {
      if (data.inspected_on > today) add(errors, "inspected_on", rules.future.replace("{today}", today));
      else if (data.inspected_on < rules.earliest) add(errors, "inspected_on", rules.too_old);
    }
    if (Object.prototype.hasOwnProperty.call(data, "sections") && !Object.keys(data.sections || {}).length) {
      add(errors, "sections", rules.messages.no_section);
      return errors;
    }
    var sections = data.sections || {};
    (rules.estimable || []).forEach(function (e) { unestimable(e, sections, data, body, errors); });
    rules.constraints.forEach(function (c) {
      var answers = sections[c.section];
      if (!answers) return;
      var limit = c.limit_in_profile ? data[c.limit] : answers[c.limit];
      var terms = c.terms.filter(function (t) { return answers[t] !== undefined && answers[t] !== null; });
      if (limit === undefined || limit === null || !terms.length) return;
      var total = terms.reduce(function (s, t) { return s + answers[t]; }, 0);
      if (exceeds(rules.sum_rule, total, limit)) {
        add(errors, "sections." + c.section + "." + c.path,
          c.message.replace("{limit}", c.limit_is_integer ? String(limit) : shownLimit(rules.sum_rule, limit)) +
          (c.sum_typed ? c.sum_typed.replace("{sum}", String(total)) : ""));
      }
    });
    // Each field's own constraint: the server's parsed tree, walked by xpath-eval.js.
    (rules.checks || []).forEach(function (c) {
      var answers = sections[c.section];
      if (!answers || answers[c.field] === undefined || answers[c.field] === null || !window.CunjianXPath) return;
      if (!window.CunjianXPath.holds(c.tree, answers[c.field], answers, data, {})) {
        add(errors, "sections." + c.section + "." + c.field, c.message);
      }
    });
    return errors;
  }

  // A required calculated field left blank is estimated by the server, if the counts it is
  // estimated from are there (an alternative with a term whose fields are all answered).
  function unestimable(e, sections, data, body, errors) {
    var answers = sections[e.section];
    if (!answers || (answers[e.field] !== undefined && answers[e.field] !== null)) return;
    var raw = isObject(body.sections) && isObject(body.sections[e.section]) ? body.sections[e.section] : {};
    if (raw[e.field] !== undefined && raw[e.field] !== "" && raw[e.field] !== null) return;  // sent: its own error
    var answered = function (ref) {
      var i = ref.lastIndexOf("."), v = i > 0 && ref.slice(0, i) === "profile" ? data[ref.slice(i + 1)] : answers[ref.slice(i + 1)];
      return v !== undefined && v !== null;
    };
    var applies = e.calculate.some(function (alternative) {
      return alternative.terms.some(function (term) {
        return term.fields.every(answered) && !(term.unless || []).some(answered);
      });
    });
    if (!applies) add(errors, "sections." + e.section + "." + e.field, e.message);
  }

  // The body the server builds from the plain form (app/views/inspect/formdata.py payload_from_form).
  function fromForm(rules, values) {
    var p = {sections: {}}, loc = {}, v;
    ["client_uuid", "village_code", "inspected_on", "notes"].concat(rules.profile).forEach(function (k) {
      v = strip(values[k] || "");
      if (v) p[k] = v;
    });
    ["lat", "lon", "accuracy_m"].forEach(function (k) { if (strip(values[k] || "")) loc[k] = values[k]; });
    if (Object.keys(loc).length) p.location = loc;
    Object.keys(rules.schema.fields.sections.schema.fields).forEach(function (section) {
      var answers = {}, any = false;
      Object.keys(rules.schema.fields.sections.schema.fields[section].schema.fields).forEach(function (k) {
        answers[k] = strip(values["sections." + section + "." + k] || "");
        any = any || !!answers[k];
      });
      if (any) p.sections[section] = answers;
    });
    return p;
  }

  // The rules come in the form's data file (self.CunjianFormData, app/views/inspect/form_assets.py),
  // the county's today on the form (data-today); a page may also embed them (#form-rules).
  function load() {
    var data = self.CunjianFormData, form = document.getElementById("inspection-form");
    if (data && data.rules) {
      var rules = JSON.parse(JSON.stringify(data.rules));
      rules.today = (form && form.getAttribute("data-today")) || rules.today || "";
      return rules;
    }
    var el = document.getElementById("form-rules");
    try { return el ? JSON.parse(el.textContent) : null; } catch (e) { return null; }
  }

  self.CunjianRules = {check: check, fromForm: fromForm, load: load, countyToday: countyToday,
    withoutThousands: withoutThousands};
})();
