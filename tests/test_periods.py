from __future__ import annotations

from datetime import date

import pytest

from helsinki_compliance.errors import UsageError
from helsinki_compliance.model.periods import PeriodError, calendar_periods, parse_period, resolve_named
from helsinki_compliance.model.records import NamedPeriod


def test_calendar_periods_cover_the_years() -> None:
    qs = calendar_periods("quarter", 1977, 1978)
    assert [q.id for q in qs][:2] == ["1977-Q1", "1977-Q2"] and len(qs) == 8
    assert qs[-1].end == date(1978, 12, 31)
    assert len(calendar_periods("month", 1977, 1977)) == 12
    assert [h.id for h in calendar_periods("half", 1980, 1980)] == ["1980-H1", "1980-H2"]


def test_named_periods_resolve_relative_edges() -> None:
    named = {
        "belgrade": NamedPeriod(id="belgrade", title="B", start="1977-10-04", end="1978-03-09"),
        "madrid": NamedPeriod(id="madrid", title="M", start="1980-11-11", end="1983-09-09"),
        "between": NamedPeriod(id="between", title="x", start={"after": "belgrade"}, end={"before": "madrid"}),
    }
    r = resolve_named(named)
    assert (r["between"].start, r["between"].end) == (date(1978, 3, 10), date(1980, 11, 10))
    assert parse_period("between", r).id == "between"


def test_cycles_in_named_periods_are_errors() -> None:
    named = {
        "a": NamedPeriod(id="a", title="a", start={"after": "b"}, end="1990"),
        "b": NamedPeriod(id="b", title="b", start={"after": "a"}, end="1991"),
    }
    with pytest.raises(PeriodError, match="cycle"):
        resolve_named(named)


def test_unknown_period_suggests_a_name() -> None:
    with pytest.raises(UsageError, match="did you mean 'belgrade'"):
        parse_period("belgrad", {"belgrade": calendar_periods("year", 1977, 1977)[0]})
