"""The rule a target and its path follow, one source for every way a target is set: the
targets page (/admin/targets), indicators.json's seeded targets and a county workbook's
indicator row (issue 22). Values are fractions 0..1; the path (app/rollups/target_path.py)
needs a baseline's value AND date, and then a deadline after that date.

Pure: values in, the first problem's code out (PROBLEMS words it in both languages).
"""

from datetime import date

PROBLEMS = {
    "value": {"zh": "目标须在 0 到 100 % 之间", "en": "a target is from 0 to 100 %"},
    "baseline_value": {"zh": "基线须在 0 到 100 % 之间", "en": "a baseline is from 0 to 100 %"},
    "baseline_both": {
        "zh": "基线需要数值和日期（年份）两项",
        "en": "a baseline needs both its value and its date",
    },
    "baseline_deadline": {"zh": "有基线就要有期限", "en": "a baseline needs a deadline"},
    "deadline_order": {
        "zh": "期限须晚于基线日期",
        "en": "the deadline must come after the baseline date",
    },
}


def path_problem(
    value: float | None,
    baseline_value: float | None,
    baseline_date: date | None,
    deadline: date | None,
) -> str | None:
    """The first thing wrong with a target (`value`) and its path, or None."""
    if value is not None and not 0 <= value <= 1:
        return "value"
    if baseline_value is not None and not 0 <= baseline_value <= 1:
        return "baseline_value"
    if (baseline_value is None) != (baseline_date is None):
        return "baseline_both"
    if baseline_date is not None and deadline is None:
        return "baseline_deadline"
    if baseline_date is not None and deadline <= baseline_date:
        return "deadline_order"
    return None
