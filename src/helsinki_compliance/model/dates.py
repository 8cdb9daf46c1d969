"""Dates with their precision: a day, a month, a quarter, a half-year, a year, or a range.

A :class:`DateSpec` stands for an interval ``[start, end]`` (both inclusive): the span in which
the source puts the fact. ``"1977"`` is 1977-01-01..1977-12-31, ``"1977-Q2"`` is April to June.
Digits are ASCII ``0-9`` only (``"١٩٧٧"`` is not a date); surrounding spaces are ignored.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from enum import Enum

_DAY = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")
_MONTH = re.compile(r"^([0-9]{4})-([0-9]{2})$")
_QUARTER = re.compile(r"^([0-9]{4})-Q([1-4])$")
_HALF = re.compile(r"^([0-9]{4})-H([12])$")
_YEAR = re.compile(r"^([0-9]{4})$")


class Precision(str, Enum):  # noqa: UP042 - str() of a member must stay as it is
    DAY = "day"
    MONTH = "month"
    QUARTER = "quarter"
    HALF = "half"
    YEAR = "year"
    RANGE = "range"


class DateError(ValueError):
    """A date string that is not one of the accepted forms, or not a real date."""


@dataclass(frozen=True, order=True)
class DateSpec:
    start: date
    end: date
    precision: Precision
    text: str

    def __str__(self) -> str:
        return self.text

    def within(self, start: date, end: date) -> bool:
        """True when the whole interval lies in ``[start, end]``."""
        return start <= self.start and self.end <= end


def _month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _single(text: str) -> tuple[date, date, Precision]:
    try:
        if m := _DAY.match(text):
            d = date(int(m[1]), int(m[2]), int(m[3]))
            return d, d, Precision.DAY
        if m := _MONTH.match(text):
            y, mo = int(m[1]), int(m[2])
            return date(y, mo, 1), _month_end(y, mo), Precision.MONTH
    except ValueError as exc:
        raise DateError(f"{text!r} is not a valid date ({exc})") from None
    if m := _QUARTER.match(text):
        y, q = int(m[1]), int(m[2])
        return date(y, 3 * q - 2, 1), _month_end(y, 3 * q), Precision.QUARTER
    if m := _HALF.match(text):
        y, h = int(m[1]), int(m[2])
        return date(y, 6 * h - 5, 1), _month_end(y, 6 * h), Precision.HALF
    if m := _YEAR.match(text):
        y = int(m[1])
        if y < 1:
            raise DateError(f"{text!r} is not a valid year")
        return date(y, 1, 1), date(y, 12, 31), Precision.YEAR
    raise DateError(f"{text!r} is not a date: use YYYY-MM-DD, YYYY-MM, YYYY-Qn, YYYY-Hn, YYYY, or FROM/TO")


def parse_date(text: str) -> DateSpec:
    """Parse a date string at its precision; raise :class:`DateError` when it is not one."""
    if not isinstance(text, str):
        raise DateError(f"{text!r} is not a date string (quote dates in YAML)")
    text = text.strip()
    if "/" in text:
        left, _, right = text.partition("/")
        s, _, _ = _single(left.strip())
        _, e, _ = _single(right.strip())
        if e < s:
            raise DateError(f"{text!r}: the range ends before it starts")
        return DateSpec(s, e, Precision.RANGE, text)
    s, e, p = _single(text)
    return DateSpec(s, e, p, text)


def parse_day(text: str) -> date:
    """A single day, as given to ``--as-of`` (partial dates take their last day)."""
    return parse_date(text).end
