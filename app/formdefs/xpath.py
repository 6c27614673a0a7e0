"""The constraint language: a small, documented subset of XPath, parsed (never eval-ed).

What a county may write in a workbook's `constraint` and `calculation` columns:

    expression := or
    or         := and ("or" and)*
    and        := comparison ("and" comparison)*
    comparison := sum (("<=" | ">=" | "<" | ">" | "=" | "!=") sum)?
    sum        := product (("+" | "-") product)*
    product    := unary (("*" | "div") unary)*
    unary      := "-" unary | primary
    primary    := NUMBER | "." | "${" NAME "}" | "coef('" KEY "')" | "profile('" NAME "')"
                | "coalesce(" expression ("," expression)* ")" | "(" expression ")"

`.` is the answer being checked, `${name}` another answer of the same form, `profile('name')`
an answer of the village profile, `coef('key')` a published coefficient
(app/formdefs/coefficients.py) and `coalesce(a, b, …)` the first of its arguments that has a
value. Anything else (other functions, strings, paths, `mod`, `|`) is refused with the column
it starts at.

The parse is a JSON-able tree of lists, `[op, *operands]`: `["num", 2.5]`, `["self"]`,
`["field", "used_t"]`, `["profile", "households"]`, `["coef", "film.kg_per_mu"]`,
`["coalesce", a, b]`, `["neg", a]`, `["+", a, b]`, `["<=", a, b]`, `["and", a, b]`. The server
evaluates it here, and the phone evaluates the very same tree, shipped in the rules document,
with static/js/xpath-eval.js; tests/fixtures/xpath_cases.json holds the verdicts both must give.

Evaluation: numbers are IEEE doubles, worked left to right as written. An unanswered operand, a
missing coefficient or a division by zero gives "no value" (None / null), which spreads through
arithmetic and comparisons; `and` is false when either side is false, `or` true when either
side is true, otherwise no value. A constraint fails only when it is false: one that cannot be
worked out for want of an answer is not checked (the missing answer has its own "required").

Pure: no Flask, no database.
"""

import re
from dataclasses import dataclass

COMPARISONS = ("<=", ">=", "!=", "<", ">", "=")
_TOKEN = re.compile(
    r"\s*(?:"
    r"(?P<num>[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"
    r"|(?P<ref>\$\{(?P<name>[^}]*)\})"
    r"|(?P<op><=|>=|!=|[<>=+\-*(),.])"
    r"|(?P<word>[A-Za-z_][A-Za-z0-9_-]*)"
    r"|(?P<string>'[^']*')"
    r")"
)
FUNCTIONS = ("coef", "profile", "coalesce")
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_COEF = re.compile(r"^[a-z0-9_.]{1,64}$")


@dataclass
class XPathError(ValueError):
    """Where (0-based character) and what, in both languages."""

    at: int
    zh: str
    en: str

    def __str__(self):
        return f"{self.en} (at {self.at + 1})"


def _tokens(text: str) -> list[tuple[str, object, int]]:
    out, pos = [], 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            bad = text[pos:].lstrip()[:1]
            where = len(text) - len(text[pos:].lstrip())
            raise XPathError(where, f"不认识的符号“{bad}”", f"unexpected character {bad!r}")
        start = m.start(m.lastgroup)
        kind = m.lastgroup
        if kind == "num":
            out.append(("num", float(m.group("num")), start))
        elif kind in ("ref", "name"):
            name = m.group("name")
            if not _NAME.match(name):
                raise XPathError(start, f"字段名 ${{{name}}} 不合规", f"bad field name ${{{name}}}")
            out.append(("field", name, start))
        elif kind == "string":
            out.append(("string", m.group("string")[1:-1], start))
        else:
            out.append((kind, m.group(kind), start))
        pos = m.end()
    out.append(("end", None, len(text)))
    return out


class _Parser:
    def __init__(self, text: str):
        self.tokens = _tokens(text)
        self.i = 0

    def peek(self, *values) -> bool:
        kind, value, _ = self.tokens[self.i]
        return value in values and kind in ("op", "word")

    def take(self):
        token = self.tokens[self.i]
        self.i += 1
        return token

    def expect(self, value: str):
        kind, got, at = self.take()
        if got != value or kind not in ("op", "word"):
            raise XPathError(at, f"此处应为“{value}”", f"expected {value!r}")

    def binary(self, ops, operand):
        left = operand()
        while self.peek(*ops):
            op = self.take()[1]
            left = [op, left, operand()]
        return left

    def parse_or(self):
        return self.binary(("or",), self.parse_and)

    def parse_and(self):
        return self.binary(("and",), self.parse_comparison)

    def parse_comparison(self):
        left = self.parse_sum()
        if self.peek(*COMPARISONS):
            op = self.take()[1]
            left = [op, left, self.parse_sum()]
            if self.peek(*COMPARISONS):
                at = self.tokens[self.i][2]
                raise XPathError(at, "比较不能连写，请用 and", "chained comparison: use and")
        return left

    def parse_sum(self):
        return self.binary(("+", "-"), self.parse_product)

    def parse_product(self):
        return self.binary(("*", "div"), self.parse_unary)

    def parse_unary(self):
        if self.peek("-"):
            self.take()
            return ["neg", self.parse_unary()]
        return self.parse_primary()

    def parse_primary(self):
        kind, value, at = self.take()
        if kind == "num":
            return ["num", value]
        if kind == "field":
            return ["field", value]
        if kind == "op" and value == ".":
            return ["self"]
        if kind == "op" and value == "(":
            inner = self.parse_or()
            self.expect(")")
            return inner
        if kind == "word" and value in FUNCTIONS:
            return self.function(value, at)
        if kind == "end":
            raise XPathError(at, "表达式不完整", "the expression ends too soon")
        shown = value if kind != "string" else f"'{value}'"
        raise XPathError(at, f"不支持“{shown}”", f"{shown!r} is not supported")

    def function(self, name: str, at: int):
        self.expect("(")
        if name == "coalesce":
            args = [self.parse_or()]
            while self.peek(","):
                self.take()
                args.append(self.parse_or())
            self.expect(")")
            return ["coalesce", *args]
        kind, key, key_at = self.take()
        pattern = _COEF if name == "coef" else _NAME
        if kind != "string" or not pattern.match(key):
            zh, en = f"{name}() 需要一个带引号的名称", f"{name}() takes a quoted name"
            raise XPathError(key_at, zh, en)
        self.expect(")")
        return [name, key]


def parse(text: str) -> list:
    """The tree of `text`, or XPathError saying where it stops making sense."""
    if not isinstance(text, str) or not text.strip():
        raise XPathError(0, "表达式为空", "empty expression")
    parser = _Parser(text)
    tree = parser.parse_or()
    kind, _, at = parser.tokens[parser.i]
    if kind != "end":
        raise XPathError(at, "表达式在此处多出内容", "unexpected text after the expression")
    return tree


_PRECEDENCE = {"or": 1, "and": 2, **dict.fromkeys(COMPARISONS, 3)}
_PRECEDENCE.update({"+": 4, "-": 4, "*": 5, "div": 5})


def unparse(tree: list) -> str:
    """The tree written back, in the one spelling export uses (`. <= ${used_t}`)."""
    op = tree[0]
    if op == "num":
        value = tree[1]
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if op == "self":
        return "."
    if op == "field":
        return "${" + tree[1] + "}"
    if op in ("coef", "profile"):
        return f"{op}('{tree[1]}')"
    if op == "coalesce":
        return "coalesce(" + ", ".join(unparse(a) for a in tree[1:]) + ")"
    if op == "neg":
        inner = unparse(tree[1])
        return f"-{inner}" if tree[1][0] not in _PRECEDENCE else f"-({inner})"
    left, right = unparse(tree[1]), unparse(tree[2])
    if _PRECEDENCE.get(tree[1][0], 9) < _PRECEDENCE[op]:
        left = f"({left})"
    if _PRECEDENCE.get(tree[2][0], 9) <= _PRECEDENCE[op]:
        right = f"({right})"
    return f"{left} {op} {right}"


def references(tree: list) -> list[tuple[str, str]]:
    """Every (kind, name) the tree reads: field, profile, coef or ("self", "")."""
    op = tree[0]
    if op in ("field", "profile", "coef"):
        return [(op, tree[1])]
    if op == "self":
        return [("self", "")]
    if op == "num":
        return []
    return [ref for operand in tree[1:] for ref in references(operand)]


def divisors(tree: list) -> list[list]:
    """The right-hand side of every `div` in the tree."""
    if tree[0] in ("num", "self", "field", "profile", "coef"):
        return []
    found = [tree[2]] if tree[0] == "div" else []
    return found + [d for operand in tree[1:] for d in divisors(operand)]


def conjuncts(tree: list) -> list[list]:
    """`a and b and c` as [a, b, c]."""
    if tree[0] == "and":
        return conjuncts(tree[1]) + conjuncts(tree[2])
    return [tree]


def evaluate(tree: list, here, answers: dict, profile: dict, coefficients: dict):
    """The value of `tree`: a float, True/False, or None (no value). `here` is `.`."""
    op = tree[0]
    if op == "num":
        return tree[1]
    if op == "self":
        return _number(here)
    if op == "field":
        return _number(answers.get(tree[1]))
    if op == "profile":
        return _number(profile.get(tree[1]))
    if op == "coef":
        return _number(coefficients.get(tree[1]))
    args = [evaluate(t, here, answers, profile, coefficients) for t in tree[1:]]
    if op == "coalesce":
        return next((a for a in args if a is not None), None)
    if op == "neg":
        return None if args[0] is None else -args[0]
    if op == "and":
        return False if False in args else (None if None in args else True)
    if op == "or":
        return True if True in args else (None if None in args else False)
    a, b = args
    if a is None or b is None:
        return None
    if op in COMPARISONS:
        return _compare(op, a, b)
    if op == "div":
        return None if b == 0 else a / b
    return a + b if op == "+" else a - b if op == "-" else a * b


def _compare(op, a, b) -> bool:
    return {
        "<=": a <= b,
        ">=": a >= b,
        "<": a < b,
        ">": a > b,
        "=": a == b,
        "!=": a != b,
    }[op]


def _number(value):
    """An answer as the evaluator sees it: a double (booleans 1/0), or None."""
    if value is None or isinstance(value, str):
        return None
    return float(value)


def holds(tree: list, here, answers: dict, profile: dict, coefficients: dict) -> bool:
    """A constraint's verdict: it fails only when it is worked out to false."""
    value = evaluate(tree, here, answers, profile, coefficients)
    if isinstance(value, float):  # a bare number: XPath's boolean() of it
        return value != 0 and value == value
    return value is not False
