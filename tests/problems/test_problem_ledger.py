"""The ledger's state machine and overdue rule, pure: open → fix_reported → closed, or back to
open on a failed re-check; overdue from the county day after the deadline, never once closed."""

from datetime import date

import pytest

from app.problems import ledger
from app.problems.categories import categories, label


def test_the_steps_and_what_they_refuse():
    assert ledger.step("report_fix", "open") == ("fix_reported", "fix_reported")
    assert ledger.step("recheck_fail", "fix_reported") == ("open", "recheck_failed")
    assert ledger.step("recheck_pass", "fix_reported") == ("closed", "recheck_passed")
    for action, status in [
        ("report_fix", "fix_reported"),
        ("report_fix", "closed"),
        ("recheck_pass", "open"),  # nothing to re-check before the township reports a fix
        ("recheck_fail", "closed"),
        ("recheck_pass", "closed"),
    ]:
        with pytest.raises(ledger.StepRefused):
            ledger.step(action, status)


def test_overdue_from_the_day_after_the_deadline_and_never_when_closed():
    deadline = date(2026, 12, 10)
    assert not ledger.is_overdue("open", deadline, date(2026, 12, 10))
    assert ledger.is_overdue("open", deadline, date(2026, 12, 11))
    assert ledger.is_overdue("fix_reported", deadline, date(2026, 12, 11))
    assert not ledger.is_overdue("closed", deadline, date(2027, 1, 1))


def test_deadlines():
    assert ledger.default_deadline(date(2026, 11, 28), 7) == date(2026, 12, 5)
    assert ledger.check_deadline(date(2026, 11, 28), date(2026, 11, 28), 365) == date(2026, 11, 28)
    with pytest.raises(ledger.BadDeadline):
        ledger.check_deadline(date(2026, 11, 27), date(2026, 11, 28), 365)
    # a year ahead at most: 2027-11-28 is 365 days after 2026-11-28; 9999-12-31 never overdue
    assert ledger.check_deadline(date(2027, 11, 28), date(2026, 11, 28), 365) == date(2027, 11, 28)
    for too_far in (date(2027, 11, 29), date(9999, 12, 31)):
        with pytest.raises(ledger.BadDeadline):
            ledger.check_deadline(too_far, date(2026, 11, 28), 365)


def test_the_categories_are_the_plans_six_with_labels_and_days():
    found = categories()
    # the village categories, then the three for sites (issue 23)
    assert [c.code for c in found.values()][6:] == [
        "coal_substandard",
        "station_stopped",
        "farm_facilities_missing",
    ]
    assert [c.zh for c in found.values()][:6] == [
        "污水设施未正常运行",
        "生活污水乱排",
        "粪污直排或随意堆放",
        "秸秆露天焚烧",
        "废旧农膜未回收",
        "散煤复烧",
    ]
    assert found["straw_burning"].deadline_days == 7
    assert label("straw_burning", "en") == "Straw burnt in the open"
    assert label("straw_burning", "zh") == "秸秆露天焚烧"
