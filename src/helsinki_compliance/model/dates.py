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


#: The years a date may name. The margin on both sides keeps the date arithmetic of the engine
#: (a year before a baseline, the day after a period, two years of publication lag) inside what
#: Python's dates can hold: ``0001-01-01`` as a baseline and a period ending 9999-12-31 crashed it.
MIN_YEAR = 1000
MAX_YEAR = 9899


def _single(text: str) -> tuple[date, date, Precision]:
    m = _DAY.match(text) or _MONTH.match(text) or _QUARTER.match(text) or _HALF.match(text) or _YEAR.match(text)
    if m is None:
        raise DateError(f"{text!r} is not a date: use YYYY-MM-DD, YYYY-MM, YYYY-Qn, YYYY-Hn, YYYY, or FROM/TO")
    y = int(m[1])
    if not MIN_YEAR <= y <= MAX_YEAR:
        raise DateError(f"{text!r} is not a valid year (years {MIN_YEAR} to {MAX_YEAR} are accepted)")
    try:
        if m.re is _DAY:
            d = date(y, int(m[2]), int(m[3]))
            return d, d, Precision.DAY
        if m.re is _MONTH:
            mo = int(m[2])
            return date(y, mo, 1), _month_end(y, mo), Precision.MONTH
    except ValueError as exc:
        raise DateError(f"{text!r} is not a valid date ({exc})") from None
    if m.re is _QUARTER:
        q = int(m[2])
        return date(y, 3 * q - 2, 1), _month_end(y, 3 * q), Precision.QUARTER
    if m.re is _HALF:
        h = int(m[2])
        return date(y, 6 * h - 5, 1), _month_end(y, 6 * h), Precision.HALF
    return date(y, 1, 1), date(y, 12, 31), Precision.YEAR


def parse_date(text: str) -> DateSpec:
    """Parse a date string at its precision; raise :class:`DateError` when it is not one."""
    if not isinstance(text, str):
        raise DateError(f"{text!r} is not a date string (quote dates in YAML)")
    text = text.strip()
    if not text[:4].isdigit() or text[4:5] not in ("", "-", "/"):
        iso = iso_from_user(text)
        if iso is not None:
            raise DateError(f"{text!r} is not in the corpus's date form: did you mean {iso!r}?")
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


_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ]
    )
    for m in names
}
_DMY = re.compile(r"^\s*([0-9]{1,2})\s*[/.]\s*([0-9]{1,2})\s*[/.]\s*([0-9]{4})\s*$")
_MY = re.compile(r"^\s*([0-9]{1,2})\s*[/.]\s*([0-9]{4})\s*$")
_WORDS = re.compile(r"^\s*(?:([0-9]{1,2})\s+)?([A-Za-z]+)\.?,?\s+(?:([0-9]{1,2}),?\s+)?([0-9]{4})\s*$")


def iso_from_user(text: str) -> str | None:
    """A date as people write it, in the ISO form the corpus uses; None when it is not one of these.

    ``16/01/1989`` and ``16.1.1989`` (day first, as in Europe) -> ``1989-01-16``; ``01/1989`` ->
    ``1989-01``; ``January 1989`` -> ``1989-01``; ``16 January 1989`` and ``January 16, 1989`` ->
    ``1989-01-16``. The result is checked (``31/02/1989`` is None).

    Raises :class:`DateError` for a slashed day and month that could be read either way
    (``03/04/1988``: 3 April or 4 March) and for one written month first (``12/31/1988``): the
    reading is never guessed."""
    m = _DMY.match(text)
    if m:
        a, b, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        slashed = "/" in text
        if b > 12 and 1 <= a <= 12 and 1 <= b <= 31:
            raise DateError(
                f"{text.strip()!r}: the day comes first ({b:02d}/{a:02d}/{year}); "
                f"or write the corpus's form {year:04d}-{a:02d}-{b:02d}"
            )
        if slashed and a != b and 1 <= a <= 12 and 1 <= b <= 12:
            raise DateError(
                f"{text.strip()!r} is ambiguous: {year:04d}-{b:02d}-{a:02d} or {year:04d}-{a:02d}-{b:02d}? "
                "write the date as YYYY-MM-DD"
            )
        out = f"{year:04d}-{b:02d}-{a:02d}"
    elif (m := _MY.match(text)) is not None:
        out = f"{int(m.group(2)):04d}-{int(m.group(1)):02d}"
    elif (m := _WORDS.match(text)) is not None and m.group(2).lower() in _MONTHS and not (m.group(1) and m.group(3)):
        month = _MONTHS[m.group(2).lower()]
        day = m.group(1) or m.group(3)
        out = f"{m.group(4)}-{month:02d}" + (f"-{int(day):02d}" if day else "")
    else:
        return None
    try:
        parse_date(out)
    except DateError:
        return None
    return out
