"""The problem categories, kept as data beside the forms (forms/ledger/problem_categories.json):
each a code, its zh and en labels and the default number of days to fix it. Read once per
process; forms/ledger/ is a folder of its own so the form loader does not take it for a form."""

import json
from functools import cache
from pathlib import Path
from typing import NamedTuple

FILE = Path(__file__).resolve().parents[2] / "forms" / "ledger" / "problem_categories.json"


class Category(NamedTuple):
    code: str
    zh: str
    en: str
    deadline_days: int

    def label(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


@cache
def _document() -> dict:
    return json.loads(FILE.read_text(encoding="utf-8"))


def longest_deadline_days() -> int:
    """How far ahead a deadline may be set (9999-12-31 would never be overdue)."""
    return int(_document().get("longest_deadline_days", 365))


@cache
def categories() -> dict[str, Category]:
    document = _document()
    out = {}
    for item in document["categories"]:
        category = Category(item["code"], item["zh"], item["en"], int(item["deadline_days"]))
        if category.code in out or category.deadline_days < 1:
            raise ValueError(f"problem category {category.code!r}: duplicate or no days")
        out[category.code] = category
    return out


def label(code: str, lang: str) -> str:
    category = categories().get(code)
    return category.label(lang) if category else code
