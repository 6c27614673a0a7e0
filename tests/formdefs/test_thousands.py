"""Numbers typed with thousands separators are read without them (issue 20, finding 13): the
one rule of app/formdefs/types.py, which the phone applies from the rules document (the phone's
side is compared with the server's in tests/formdefs/test_form_rules.py)."""

import pytest
from marshmallow import ValidationError

from app.formdefs.types import DecimalNumber, WholeNumber, without_thousands


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("2,978", "2978"),
        (" 1,200 ", "1200"),
        ("2，978", "2978"),  # the full-width comma of a Chinese keyboard
        ("1,234,567.25", "1234567.25"),
        ("-1,000", "-1000"),
        ("12,34", "12,34"),  # not groups of three: left alone (and refused as a number)
        ("1,2345", "1,2345"),
        ("1,200", "1200"),
        ("1200", "1200"),
        (1200, 1200),
    ],
)
def test_the_rule(typed, read):
    assert without_thousands(typed) == read


def test_whole_and_decimal_numbers_read_the_separated_forms():
    assert WholeNumber().deserialize("2,978") == 2978
    assert WholeNumber().deserialize("2，978") == 2978
    assert DecimalNumber().deserialize("1,200.5") == 1200.5
    for refused in ("12,34", "1,200.5"):
        with pytest.raises(ValidationError):
            WholeNumber().deserialize(refused)
    with pytest.raises(ValidationError):
        DecimalNumber().deserialize("1,2")
