"""The Latvian way of writing percentages, dates and school years."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from gateway.documents import wording
from tests.documents import samples


@pytest.mark.parametrize(
    ("value", "expected"),
    [(90.0, "90,00%"), (100.0, "100,00%"), (0.0, "0,00%"), (80.1, "80,10%"), (66.666, "66,67%")],
)
def test_percent_has_a_decimal_comma(value: float, expected: str) -> None:
    assert wording.format_percent(value) == expected


def test_date_is_day_month_year() -> None:
    assert wording.format_date(date(2024, 7, 1)) == "01.07.2024"


def test_school_year_has_ordinal_points() -> None:
    assert wording.format_school_year("2023/2024") == "2023./2024."


def test_language_body_by_kind() -> None:
    decision = samples.language_decision()
    assert "C1 līmeni" in wording.language_body(decision)
    assert "līmeni" not in wording.language_body(replace(decision, level=None))
    assert "apliecina" in wording.language_body(samples.language_statement())
    own = replace(samples.language_statement(), text="Cits teksts.")
    assert wording.language_body(own) == "Cits teksts."
