from __future__ import annotations

from datetime import date

import pytest

from helsinki_compliance.model.dates import DateError, Precision, parse_date


@pytest.mark.parametrize(
    "text,start,end,precision",
    [
        ("1977-02-03", date(1977, 2, 3), date(1977, 2, 3), Precision.DAY),
        ("1977-02", date(1977, 2, 1), date(1977, 2, 28), Precision.MONTH),
        ("1976-02", date(1976, 2, 1), date(1976, 2, 29), Precision.MONTH),
        ("1977-Q2", date(1977, 4, 1), date(1977, 6, 30), Precision.QUARTER),
        ("1977-H2", date(1977, 7, 1), date(1977, 12, 31), Precision.HALF),
        ("1977", date(1977, 1, 1), date(1977, 12, 31), Precision.YEAR),
        ("1976-05/1977-02", date(1976, 5, 1), date(1977, 2, 28), Precision.RANGE),
    ],
)
def test_each_precision_is_an_interval(text: str, start: date, end: date, precision: Precision) -> None:
    d = parse_date(text)
    assert (d.start, d.end, d.precision) == (start, end, precision)


@pytest.mark.parametrize("text", ["1977-02-30", "1977-13", "77", "1977-Q5", "Feb 1977", "1978/1977"])
def test_impossible_dates_are_errors(text: str) -> None:
    with pytest.raises(DateError):
        parse_date(text)


def test_a_year_falls_in_its_year_but_not_in_a_quarter() -> None:
    d = parse_date("1977")
    assert d.within(date(1977, 1, 1), date(1977, 12, 31))
    assert not d.within(date(1977, 1, 1), date(1977, 3, 31))
