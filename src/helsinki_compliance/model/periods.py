"""Periods: calendar periods (year, half, quarter, month) and named periods from YAML.

A :class:`Period` is a closed interval of days with an id (``1977``, ``1977-H2``, ``1977-Q3``,
``1977-07``, ``belgrade``). Named periods may give an edge relative to another named period
(``start: {after: belgrade}``); cycles among such references are errors.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from helsinki_compliance.errors import UsageError, did_you_mean
from helsinki_compliance.model.dates import DateError, DateSpec, Precision, parse_date
from helsinki_compliance.model.records import NamedPeriod, PeriodRef

CALENDAR_KINDS = ("year", "half", "quarter", "month")


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date
    id: str
    label: str
    kind: str


class PeriodError(ValueError):
    def __init__(self, period_id: str, message: str) -> None:
        super().__init__(message)
        self.period_id = period_id
        self.message = message


def _from_spec(spec: DateSpec, kind: str | None = None) -> Period:
    k = (
        kind
        or {
            Precision.YEAR: "year",
            Precision.HALF: "half",
            Precision.QUARTER: "quarter",
            Precision.MONTH: "month",
            Precision.DAY: "day",
            Precision.RANGE: "range",
        }[spec.precision]
    )
    return Period(spec.start, spec.end, spec.text, spec.text, k)


def calendar_periods(kind: str, first_year: int, last_year: int) -> list[Period]:
    """Every ``kind`` period from ``first_year`` to ``last_year`` inclusive."""
    if kind not in CALENDAR_KINDS:
        raise UsageError(f"unknown period kind {kind!r}; expected one of {', '.join(CALENDAR_KINDS)}")
    if last_year < first_year:
        raise UsageError(f"the last year {last_year} is before the first {first_year}")
    out: list[Period] = []
    for y in range(first_year, last_year + 1):
        if kind == "year":
            texts = [f"{y}"]
        elif kind == "half":
            texts = [f"{y}-H1", f"{y}-H2"]
        elif kind == "quarter":
            texts = [f"{y}-Q{q}" for q in range(1, 5)]
        else:
            texts = [f"{y}-{m:02d}" for m in range(1, 13)]
        out.extend(_from_spec(parse_date(t), kind) for t in texts)
    return out


def resolve_named(named: dict[str, NamedPeriod]) -> dict[str, Period]:
    """Resolve every named period's edges; raise :class:`PeriodError` on unknown refs or cycles."""
    resolved: dict[str, Period] = {}
    visiting: list[str] = []

    def edge(p: NamedPeriod, value: DateSpec | PeriodRef, which: str) -> date:
        if isinstance(value, DateSpec):
            return value.start if which == "start" else value.end
        ref = value.after or value.before
        assert ref is not None
        other = resolve(ref, p.id)
        return other.end + timedelta(days=1) if value.after else other.start - timedelta(days=1)

    def resolve(pid: str, referrer: str) -> Period:
        if pid in resolved:
            return resolved[pid]
        if pid not in named:
            raise PeriodError(referrer, f"refers to unknown period {pid!r}{did_you_mean(pid, named)}")
        if pid in visiting:
            cycle = " -> ".join([*visiting[visiting.index(pid) :], pid])
            raise PeriodError(pid, f"named periods refer to each other in a cycle: {cycle}")
        visiting.append(pid)
        p = named[pid]
        start, end = edge(p, p.start, "start"), edge(p, p.end, "end")
        visiting.pop()
        if end < start:
            raise PeriodError(pid, f"ends ({end}) before it starts ({start})")
        resolved[pid] = Period(start, end, pid, p.title, "named")
        return resolved[pid]

    for pid in sorted(named):
        resolve(pid, pid)
    return resolved


def parse_period(text: str, named: dict[str, Period]) -> Period:
    """One period from its id: ``1977``, ``1977-H2``, ``1977-Q3``, ``1977-07``, a range, or a name."""
    if text in named:
        return named[text]
    try:
        return _from_spec(parse_date(text))
    except DateError:
        raise UsageError(f"unknown period {text!r}{did_you_mean(text, named)}") from None


def select_periods(
    spec: str, named: dict[str, Period], first_year: int, last_year: int, groups: dict[str, list[str]]
) -> list[Period]:
    """The periods a ``--period`` option asks for: a calendar kind, a group, a name, or an id."""
    if spec in CALENDAR_KINDS:
        return calendar_periods(spec, first_year, last_year)
    if spec in groups:
        return sorted(named[pid] for pid in groups[spec])
    return [parse_period(spec, named)]
