"""Metric rules: a figure aggregated over the period and judged against thresholds (or the state's earlier level)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from helsinki_compliance.engine.kinds.event import within_periods
from helsinki_compliance.engine.rules import (
    Finding,
    Kind,
    Window,
    register_kind,
)
from helsinki_compliance.engine.sql.compile import condition_sql, counts_sql, strings
from helsinki_compliance.model.conditions import compare
from helsinki_compliance.model.periods import Period
from helsinki_compliance.model.records import (
    MetricRule,
    Observation,
    metric_predicate,
)


def latest_key(o: Observation) -> tuple[date, date, str]:
    """The one order of "latest" for figures: the later end date, then the later start, then the id."""
    return (o.date.end, o.date.start, o.id)


Figures = list[tuple[Observation, float]]


def once_per_fact(values: Figures) -> Figures:
    """One reading per fact: readings that share a ``fact`` key (and metric) corroborate one figure, which
    counts once (1979: three readings of 51,320 are 51,320). The first reading in window order stands for it."""
    seen: set[tuple[str, str]] = set()
    out: Figures = []
    for o, v in values:
        if o.fact is not None and o.metric is not None:
            key = (o.fact, o.metric.name)
            if key in seen:
                continue
            seen.add(key)
        out.append((o, v))
    return out


def outside_others(values: Figures) -> Figures:
    """For a sum: a figure whose dates lie inside another figure's dates counts a part of it and is not added
    (January-April 1984 inside the year 1984)."""
    spans = {(o.date.start, o.date.end) for o, _ in values}
    return [
        (o, v)
        for o, v in values
        if not any(s <= o.date.start and o.date.end <= e and (s, e) != (o.date.start, o.date.end) for s, e in spans)
    ]


def aggregate(values: Figures, how: str) -> float:
    """Combine the figures of a period: sum, max, min, mean, count, or the latest (:func:`latest_key`).

    Each fact is counted once (:func:`once_per_fact`); a sum does not add a figure to one that contains it
    (:func:`outside_others`)."""
    values = once_per_fact(values)
    if how == "sum":
        values = outside_others(values)
    nums = [v for _, v in values]
    if how == "sum":
        return sum(nums)
    if how == "max":
        return max(nums)
    if how == "min":
        return min(nums)
    if how == "mean":
        return sum(nums) / len(nums)
    if how == "count":
        return float(len(nums))
    return max(values, key=lambda ov: latest_key(ov[0]))[1]


def format_number(x: float) -> str:
    if abs(x - round(x)) < 1e-3:
        return f"{round(x):,}"
    return f"{x:,.2f}"


def evaluate_metric(rule: MetricRule, w: Window) -> list[Finding]:
    read = metric_predicate(rule)
    if len(rule.series) == 1:
        figures = w.with_metric(rule.metric)
    else:
        figures = [o for o in w.observations if o.metric and o.metric.name in rule.series]
    return metric_findings(rule, w, [o for o in figures if read(o)])


def _one_year(o: Observation) -> int | None:
    """The calendar year an observation's date covers exactly, or None."""
    d = o.date
    if d.start.year == d.end.year and (d.start.month, d.start.day, d.end.month, d.end.day) == (1, 1, 12, 31):
        return d.start.year
    return None


@dataclass(frozen=True)
class Level:
    """The state's highest yearly figure of one series in the years before a period."""

    value: float
    year: int
    observations: tuple[Observation, ...]
    first: int
    last: int


def earlier_level(rule: MetricRule, w: Window, series: str) -> Level | None:
    """The highest calendar-year figure of ``series`` in the ``rule.earlier.years`` years before the period,
    each year's figures combined as the rule combines a period's (known by the as-of date, same filters)."""
    assert rule.earlier is not None
    first, last = w.start.year - rule.earlier.years, w.start.year - 1
    read = metric_predicate(rule)
    by_year: dict[int, Figures] = {}
    for o in w.evidence.within(date(first, 1, 1), date(last, 12, 31), w.as_of):
        year = _one_year(o)
        if year is not None and o.metric is not None and o.metric.name == series and read(o):
            by_year.setdefault(year, []).append((o, o.metric.effective))
    levels = [(aggregate(values, rule.aggregate), year) for year, values in by_year.items()]
    if not levels:
        return None
    value, year = max(levels, key=lambda vy: (vy[0], -vy[1]))
    if value <= 0:
        return None
    return Level(value, year, tuple(o for o, _ in by_year[year]), first, last)


def _shown(rule: MetricRule, values: Figures, value: float) -> str:
    """The aggregated figure as the explanation prints it, with its qualifier and the facts counted once."""
    shown = format_number(value)
    qualifiers = {o.metric.qualifier for o, _ in values if o.metric}
    if len(values) == 1 or rule.aggregate == "latest":
        latest = max(values, key=lambda ov: latest_key(ov[0]))[0]
        assert latest.metric is not None
        if latest.metric.qualifier != "exact":
            shown = f"{latest.metric.qualifier} {format_number(latest.metric.value)}"
    elif qualifiers - {"exact"}:
        shown += " (some figures approximate)"
    repeated = len(values) - len(once_per_fact(values))
    if repeated:
        shown += f" ({repeated} corroborating reading{'s' if repeated != 1 else ''} of one fact counted once)"
    return shown


#: How good a finding's status is, for choosing among the series of a rule with parts.
_BEST = {"compliant": 0, "partial": 1, "violation": 2}


def metric_findings(rule: MetricRule, w: Window, observations: list[Observation]) -> list[Finding]:
    """A metric rule's finding from the window's figures it reads (in window order); every engine builds it here.

    A total (figures of the rule's own metric that are not only lower bounds) decides alone. Otherwise
    every series with figures (the metric's lower bounds, then each of ``parts``) is judged, and the best
    judgement is kept: a part shows that at least that much happened, never that more did not
    (docs/scoring.md, "Figures that count"). The finding's detail names the others."""
    values = [(o, o.metric.effective) for o in observations if o.metric]
    judged: list[tuple[str, str, list[Observation], list[Observation]]] = []
    for series in rule.series:
        figures = [(o, v) for o, v in values if o.metric and o.metric.name == series]
        if not figures:
            continue
        lower = series != rule.metric or _only_lower_bounds(figures)
        found = _judge(rule, w, series, figures, lower)
        if found is not None:
            judged.append(found)
        if not lower:
            break
    if not judged:
        return []
    status, detail, evidence, counted = min(judged, key=lambda j: _BEST[j[0]])  # first of the best
    others = [f"{d} -> {st}" for st, d, _, _ in judged if d != detail]
    detail = f"{detail} -> {status}"
    if others:
        detail += "; the best of the series read (also: " + "; ".join(others) + ")"
    return [
        Finding(
            rule=rule.id,
            rule_kind="metric",
            status=status,
            severity=rule.severity,
            observations=tuple(o.id for o in evidence),
            detail=detail,
            confidence=w.mean_confidence(counted),
        )
    ]


def _only_lower_bounds(figures: Figures) -> bool:
    return all(o.metric is not None and o.metric.qualifier in ("at-least", "above") for o, _ in figures)


def _judge(
    rule: MetricRule, w: Window, series: str, figures: Figures, lower: bool
) -> tuple[str, str, list[Observation], list[Observation]] | None:
    """(status, detail without the status, evidence, counted figures) of one series, or None when undecided."""
    value = aggregate(figures, rule.aggregate)
    part = (
        f" (a part of {rule.metric}: a lower bound)" if series != rule.metric else " (a lower bound)" if lower else ""
    )
    head = f"{rule.aggregate} of {series}{part} = {_shown(rule, figures, value)}"
    level = earlier_level(rule, w, series) if rule.earlier is not None else None
    evidence = [o for o, _ in figures]
    if level is not None:
        assert rule.earlier is not None
        compared, thresholds = value / level.value, rule.earlier.thresholds
        head += (
            f"; {compared:.2f} of the state's highest yearly {series} in {level.first}-{level.last} "
            f"({format_number(level.value)} in {level.year})"
        )
        evidence += [o for o in level.observations if o not in evidence]
    else:
        compared, thresholds = value, rule.thresholds
        if rule.earlier is not None:
            head += f"; no yearly {series} figure in the {rule.earlier.years} years before: absolute thresholds"
    for t in thresholds:
        if compare(t.op, compared, t.value):
            if lower and level is None and t.op not in ("ge", "gt"):
                return None  # a lower bound shows only that the true figure is at least this: undecided
            shown = f"{t.value:.2f}" if level else format_number(t.value)
            return t.status, f"{head}; {t.op} {shown}", evidence, [o for o, _ in figures]
    return None


def metric_sql(rule: MetricRule) -> str:
    """The figures a metric rule reads (records.metric_predicate), as a predicate on one observation."""
    where = f" AND {condition_sql(rule.where)}" if rule.where is not None else ""
    return f"metric_name IN ({strings(rule.series)}) AND {counts_sql(rule.include_claims)}{where}"


def figure_periods(rule: Any, o: Observation, periods: Sequence[Period], first_day: date) -> list[Period]:
    """The periods that hold the figure and, for a rule banding against the state's earlier level, the
    periods whose earlier years include the figure's year (method 3, "Figures that count")."""
    hit = within_periods(rule, o, periods, first_day)
    if rule.earlier is not None:
        year = o.date.end.year
        hit += [p for p in periods if year < p.start.year <= year + rule.earlier.years and p not in hit]
    return hit


def _metric_sql(rule: MetricRule, commitment: str) -> tuple[str, bool]:
    return metric_sql(rule), False


def _figures(rule: MetricRule, w: Window, matched: list[Observation], carried: list[Observation]) -> list[Finding]:
    return metric_findings(rule, w, matched)


register_kind(Kind("metric", evaluate_metric, figure_periods, sql=_metric_sql, findings=_figures))
