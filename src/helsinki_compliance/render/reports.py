"""Compliance reports: one file set per state (HTML, Markdown, JSON, CSV) and an overview.

:func:`write_report` writes (after :func:`helsinki_compliance.api.report` has evaluated the corpus), for each state,
``{state}-{period}-{first}-{last}.{html,md,json,csv}`` (for a named period or group such as
``review-meetings``: ``{state}-{period}.{ext}``), plus, when more than one state is reported,
``overview-{period}-{first}-{last}.{html,md}``.

* **HTML** is one self-contained file (inline CSS and SVG, no script, no external resource):
  scores per basket over time (a matplotlib chart as inline SVG, with the numbers in a table
  beside it), a heatmap of commitments x periods (a class per status *and* a symbol in every
  cell), what got better and worse between consecutive periods, review-meeting dossiers when
  the periods are a named group, goals (when given), a drill-down per commitment listing
  every finding with its evidence, the evidence itself, the sources and the scoring method.
  Everything from data goes through Jinja2 autoescaping.
* **Markdown** has the same scorecard (:func:`.tables.scorecard_markdown`), the changes, the
  dossiers, goals and the findings with their evidence (data escaped with
  :func:`.tables.md_escape`).
* **JSON**: ``{"report": meta, "scorecard": ..., "observations": {...}, "goals": ...,
  "changes": [...], "dossiers": [...]}`` with sorted keys (:func:`.tables.to_json`).
* **CSV**: :func:`.tables.scorecard_csv` (formula cells neutralised).

Output is deterministic: no timestamps, sorted iteration, fixed float formatting, charts with
a fixed hash salt and no date. Files are written as one set (:class:`.outputs.OutputSet`: all
rendered first, then moved into place) only under the report's own file names, and replace only
files the manifest says this tool wrote.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import jinja2

from helsinki_compliance.engine import selection
from helsinki_compliance.engine.evaluation import COMPLIANT_AT, PARTIAL_AT, Scorecard
from helsinki_compliance.engine.goals import verdict_text
from helsinki_compliance.engine.rules import Finding
from helsinki_compliance.errors import UsageError
from helsinki_compliance.model.corpus import Corpus
from helsinki_compliance.model.known import conflicts_at, is_known
from helsinki_compliance.model.periods import CALENDAR_KINDS, Period
from helsinki_compliance.model.records import CONFIDENCE_VALUES, SEVERITY_WEIGHTS, STATUS_SCORES, Observation
from helsinki_compliance.model.states import membership_error, short_name
from helsinki_compliance.render import charts, summary
from helsinki_compliance.render.outputs import OutputSet
from helsinki_compliance.render.scorecard_out import evidence_json, evidence_rows, scorecard_record
from helsinki_compliance.render.tables import (
    BASKET_ORDER,
    GROUP_SYMBOLS,
    SYMBOLS,
    TEXT_WIDTH,
    md_escape,
    md_split_table,
    scorecard_csv,
    scorecard_markdown,
    short_period,
    to_json,
    wrap_text,
)
from helsinki_compliance.version import __version__

__all__ = ["FORMATS", "OVERVIEW_FORMATS", "report_names", "write_report", "render_state", "render_overview"]

FORMATS = ("html", "md", "json", "csv")
OVERVIEW_FORMATS = ("html", "md")
#: The as-of date of a report when none is given: the end of the period the bundled corpus covers.
TEMPLATES = Path(__file__).parent / "templates"
CASE_CONDITIONS = ("imprisonment", "internal-exile")
_SAFE_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*\.(html|md|json|csv)$")

STATUS_LABELS = {
    "compliant": "compliant",
    "partial": "partial",
    "violation": "violation",
    "not-assessed": "not assessed (no evidence)",
    "not-in-force": "not in force",
    "not-yet": "not yet (the period begins after the as-of date)",
    "insufficient-evidence": "insufficient evidence (too few commitments or observations for a score)",
}
_RANK = {"violation": 0, "partial": 1, "compliant": 2}
#: goal verdicts in words (never symbols that differ only by case)
VERDICT_SYMBOLS = {
    "met": "met",
    "significant-progress": "significant",
    "slight-progress": "slight",
    "no-change": "no change",
    "regression": "regression",
    "no-evidence-since": "no evidence since",
    "not-assessed": "–",
}
BASKET_TITLES = {"I": "Basket I", "III": "Basket III", "human-dimension": "Human dimension"}

Progress = Callable[[str], None]


# ---------------------------------------------------------------- names


def _is_group(corpus: Corpus, period: str) -> bool:
    return any(p.group == period for p in corpus.periods.values())


def _stem(prefix: str, period: str, first: int, last: int) -> str:
    parts = [prefix, period] + ([str(first), str(last)] if period in CALENDAR_KINDS else [])
    for part in parts:
        if not _SAFE_PART.match(part):
            raise UsageError(
                f"cannot name a report file after {part!r}: use a period kind ({', '.join(CALENDAR_KINDS)}), "
                "a named period or a group of named periods"
            )
    return "-".join(parts)


def _formats(formats: Iterable[str]) -> list[str]:
    wanted = [f.lower().lstrip(".") for f in formats]
    bad = sorted(set(wanted) - set(FORMATS))
    if bad:
        raise UsageError(f"unknown report format {', '.join(map(repr, bad))}; expected some of: {', '.join(FORMATS)}")
    if not wanted:
        raise UsageError(f"no report format given; expected some of: {', '.join(FORMATS)}")
    return [f for f in FORMATS if f in wanted]


#: The formats every state gets when only some states get the full set (what a reviewer diffs).
LIGHT_FORMATS = ("md", "csv")


def state_formats(code: str, fmts: Sequence[str], full: Collection[str] | None) -> list[str]:
    """The formats written for ``code``: all of ``fmts``, or only the light ones when ``full`` names other states."""
    if full is None or code in full:
        return list(fmts)
    return [f for f in fmts if f in LIGHT_FORMATS]


def report_names(
    corpus: Corpus,
    *,
    states: Sequence[str],
    period: str,
    first: int,
    last: int,
    formats: Iterable[str] = FORMATS,
    full: Collection[str] | None = None,
) -> list[str]:
    """The file names :func:`write_report` writes for these arguments, in writing order."""
    codes = list(dict.fromkeys(selection.resolve_states(corpus, states)))
    fmts = _formats(formats)
    names = [
        name
        for code in codes
        for fmt in state_formats(code, fmts, full)
        for name in _state_files(_stem(code, period, first, last), fmt)
    ]
    if len(codes) > 1:
        names += [f"{_stem('overview', period, first, last)}.{fmt}" for fmt in fmts if fmt in OVERVIEW_FORMATS]
    return names


def _state_files(stem: str, fmt: str) -> list[str]:
    """The files of one state's report in one format: the JSON has its evidence table beside it."""
    return [f"{stem}.{fmt}", f"{stem}-evidence.json"] if fmt == "json" else [f"{stem}.{fmt}"]


def _write(files: OutputSet, name: str, text: str, allowed: set[str]) -> Path:
    """Render one report file into the set; refuse any name that is not one of this report's own files."""
    if name not in allowed or not _SAFE_NAME.match(name) or Path(name).name != name:
        raise UsageError(f"refusing to write {name!r}: not a file name of this report")
    return files.add(name, text)


# ---------------------------------------------------------------- formatting helpers


def _score100(score: float | None) -> str:
    return "–" if score is None else f"{round(score * 100):d}"


def _f2(x: float | None) -> str:
    return "" if x is None else f"{x:.2f}"


def _pct(x: Any) -> str:
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return "–"
    return f"{round(float(x) * 100):d}%"


def shade(status: str, score: float | None) -> str:
    """A shade class within a status, so that 0.33 and 0.00 differ: ``sh-0`` (pale) to ``sh-2`` (deep).

    Violation and partial deepen as the score falls; compliant deepens as it rises."""
    if score is None or status not in _RANK:
        return ""
    if status == "violation":
        lo, hi, worse_deeper = 0.0, PARTIAL_AT, True
    elif status == "partial":
        lo, hi, worse_deeper = PARTIAL_AT, COMPLIANT_AT, True
    else:
        lo, hi, worse_deeper = COMPLIANT_AT, 1.0, False
    x = 0.5 if hi <= lo else min(max((score - lo) / (hi - lo), 0.0), 1.0)
    depth = 1.0 - x if worse_deeper else x
    return f"sh-{min(int(depth * 3), 2)}"


def _period_dict(p: Period, as_of: date | None = None) -> dict[str, Any]:
    return {
        "partial": as_of is not None and p.start <= as_of < p.end,  # method 3: contains the as-of date
        "id": p.id,
        "label": p.label,
        "kind": p.kind,
        "start": p.start.isoformat(),
        "end": p.end.isoformat(),
        "named": p.kind == "named",
    }


def _status(status: str, assessed: bool = False) -> dict[str, Any]:
    return {
        "status": status,
        "symbol": {**SYMBOLS, **GROUP_SYMBOLS}.get(status, "?") + ("*" if assessed else ""),
        "label": STATUS_LABELS.get(status, status) + (" (analyst assessment)" if assessed else ""),
    }


def _grouped(card: Scorecard) -> list[tuple[str, list[Any]]]:
    groups: dict[str, list[Any]] = {}
    for c in sorted(card.commitments, key=lambda c: (BASKET_ORDER.get(c.basket, 9), c.basket, c.chapter, c.id)):
        groups.setdefault(f"{BASKET_TITLES.get(c.basket, 'Basket ' + c.basket)} — {c.chapter}", []).append(c)
    return list(groups.items())


def _baskets(card: Scorecard) -> list[str]:
    return sorted({c.basket for c in card.commitments}, key=lambda b: (BASKET_ORDER.get(b, 9), b))


def _sub_card(card: Scorecard, state: str) -> Scorecard:
    return Scorecard(
        card.as_of,
        [state],
        card.periods,
        card.commitments,
        {k: v for k, v in card.cells.items() if k[0] == state},
        {k: v for k, v in card.groups.items() if k[0] == state},
    )


def _legend() -> list[dict[str, Any]]:
    return [{**_status(s), "label": STATUS_LABELS[s]} for s in SYMBOLS] + [
        {"status": "assessed", "symbol": "*", "label": "analyst assessment applied"}
    ]


def _method() -> dict[str, Any]:
    return {
        "compliant_at": f"{COMPLIANT_AT:.2f}",
        "partial_at": f"{PARTIAL_AT:.2f}",
        "scores": [{"status": k, "score": f"{v:g}"} for k, v in STATUS_SCORES.items()],
        "weights": [{"severity": k, "weight": f"{v:g}"} for k, v in SEVERITY_WEIGHTS.items()],
        "confidence": [{"level": k, "value": f"{v:g}"} for k, v in CONFIDENCE_VALUES.items()],
    }


# ---------------------------------------------------------------- pieces of a state report


def _group_rows(card: Scorecard, state: str) -> list[dict[str, Any]]:
    rows = []
    for g in [*_baskets(card), "overall"]:
        cells = []
        for p in card.periods:
            gs = card.groups[(state, g, p.id)]
            cells.append(
                {
                    **_status(gs.status),
                    "period": p.id,
                    "score": _score100(gs.score),
                    "shade": shade(gs.status, gs.score),
                    "assessed": gs.assessed,
                    "in_force": gs.in_force,
                    "observations": gs.coverage.observations,
                    "sources": len(gs.coverage.sources),
                    "coverage": gs.label + (f"; band {_band100(gs)}" if _band100(gs) else ""),
                    "stale": bool(gs.coverage.stale),
                    "band": _band100(gs),
                    "band_values": None if gs.band is None or gs.score is None else [x * 100 for x in gs.band],
                }
            )
        rows.append(
            {"group": g, "label": "Overall" if g == "overall" else BASKET_TITLES.get(g, f"Basket {g}"), "cells": cells}
        )
    return rows


def _band100(gs: Any) -> str:
    """A group score's sensitivity band on the 0-100 scale (``27-33``), or empty (method 3)."""
    if gs.band is None or gs.score is None:
        return ""
    return f"{round(gs.band[0] * 100)}-{round(gs.band[1] * 100)}"


def _basket_chart(card: Scorecard, state: str, key: str) -> str:
    series: dict[str, list[float | None]] = {}
    bands: dict[str, list[tuple[float, float] | None]] = {}
    for row in _group_rows(card, state):
        series[row["label"]] = [None if c["score"] == "–" else float(c["score"]) for c in row["cells"]]
        bands[row["label"]] = [
            (c["band_values"][0], c["band_values"][1]) if c["band_values"] else None for c in row["cells"]
        ]
    svg = charts.line_chart(
        key,
        [p.id for p in card.periods],
        series,
        title=f"{state}: score per basket (0-100), sensitivity bands shaded",
        bands=bands,
    )
    said = "; ".join(
        f"{name}: " + ", ".join(f"{p.id} {round(v)}" for p, v in zip(card.periods, vs, strict=False) if v is not None)
        if any(v is not None for v in vs)
        else f"{name}: never scored"
        for name, vs in series.items()
    )
    return charts.labelled(svg, f"Line chart of the score (0-100) per basket and overall for {state}. {said}.")


def _heatmap(card: Scorecard, state: str) -> list[dict[str, Any]]:
    out = []
    for group, members in _grouped(card):
        rows = []
        for c in members:
            cells = []
            for p in card.periods:
                cell = card.cells[(state, c.id, p.id)]
                cells.append(
                    {
                        **_status(cell.status, cell.assessment is not None),
                        "period": p.id,
                        "score": _f2(cell.score),
                        "shade": shade(cell.status, cell.score),
                        "stale": cell.stale,
                        "linked": bool(cell.findings or cell.assessment),
                    }
                )
            rows.append({"id": c.id, "title": c.title, "cells": cells})
        out.append({"group": group, "rows": rows})
    return out


def _counts(card: Scorecard, state: str) -> list[dict[str, Any]]:
    counts: dict[str, int] = {}
    for (s, _, _), cell in card.cells.items():
        if s == state:
            counts[cell.status] = counts.get(cell.status, 0) + 1
    return [{**_status(k), "count": counts[k]} for k in SYMBOLS if k in counts]


def _changes(card: Scorecard, state: str) -> list[dict[str, Any]]:
    """Cells whose status or score changed between consecutive periods: better, worse, other.

    Better and worse follow the score (method 2): a cell scored in both periods is better when its
    score rose and worse when it fell, whether or not its status changed; a cell that gains or
    loses a score (not assessed, not in force) is an other change."""
    out = []
    titles = {c.id: c.title for c in card.commitments}
    order = [c.id for _, members in _grouped(card) for c in members]
    for prev, nxt in zip(card.periods, card.periods[1:], strict=False):
        better: list[dict[str, Any]] = []
        worse: list[dict[str, Any]] = []
        other: list[dict[str, Any]] = []
        for cid in order:
            a, b = card.cells[(state, cid, prev.id)], card.cells[(state, cid, nxt.id)]
            if a.status == b.status and (a.score is None or b.score is None or abs(a.score - b.score) < 1e-9):
                continue
            item = {
                "commitment": cid,
                "title": titles[cid],
                "before": {**_status(a.status, a.assessment is not None), "score": _f2(a.score)},
                "after": {**_status(b.status, b.assessment is not None), "score": _f2(b.score)},
            }
            if a.score is not None and b.score is not None and abs(a.score - b.score) >= 1e-9:
                (better if b.score > a.score else worse).append(item)
            elif a.status in _RANK and b.status in _RANK and a.status != b.status:
                (better if _RANK[b.status] > _RANK[a.status] else worse).append(item)
            else:
                other.append(item)
        if better or worse or other:
            n = len(better) + len(worse) + len(other)
            out.append({"from": prev.id, "to": nxt.id, "better": better, "worse": worse, "other": other, "n": n})
    return out


def _finding_dict(f: Finding) -> dict[str, Any]:
    return {
        "rule": f.rule,
        "rule_kind": f.rule_kind,
        "status": f.status,
        "symbol": SYMBOLS[f.status],
        "severity": f.severity,
        "subject": f.subject,
        "carried": f.carried,
        "detail": f.detail,
        "confidence": _f2(f.confidence),
        "observations": list(f.observations),
    }


def _obs_brief(o: Observation | None, oid: str) -> dict[str, Any]:
    if o is None:
        return {
            "id": oid,
            "known": False,
            "date": "",
            "source": "",
            "locator": "",
            "quote": "",
            "kind": "",
            "claim": False,
        }
    return {
        "id": o.id,
        "known": True,
        "date": o.date.text,
        "source": o.source,
        "locator": o.locator,
        "quote": o.quote,
        "kind": o.kind,
        "claim": o.claim,
    }


def _period_block(cell: Any, p: Period, obs: dict[str, Observation]) -> dict[str, Any]:
    findings = []
    for f in cell.findings:
        d = _finding_dict(f)
        d["evidence"] = [_obs_brief(obs.get(oid), oid) for oid in f.observations]
        d["age"] = f.age
        findings.append(d)
    return {
        "period": _period_dict(p),
        "anchors": [p.id],
        "range": p.id,
        **_status(cell.status, cell.assessment is not None),
        "score": _f2(cell.score),
        "confidence": _f2(cell.confidence),
        "computed": _status(cell.computed_status),
        "computed_score": _f2(cell.computed_score),
        "assessment": cell.assessment.to_dict() if cell.assessment else None,
        "findings": findings,
    }


def _same_block(a: dict[str, Any], b: dict[str, Any]) -> bool:
    keys = ("status", "symbol", "score", "confidence", "assessment", "computed_score")
    strip = [({k: v for k, v in f.items() if k != "detail"}) for f in a["findings"]]
    other = [({k: v for k, v in f.items() if k != "detail"}) for f in b["findings"]]
    return all(a[k] == b[k] for k in keys) and strip == other and not a["period"]["named"]


def _merge_blocks(blocks: list[tuple[int, dict[str, Any]]]) -> list[dict[str, Any]]:
    """Consecutive periods with the same status, score and findings become one block (no repeated tables)."""
    out: list[tuple[int, dict[str, Any]]] = []
    for i, b in blocks:
        if out and out[-1][0] == i - 1 and _same_block(out[-1][1], b):
            last = out[-1][1]
            last["anchors"].append(b["period"]["id"])
            last["range"] = f"{last['anchors'][0]}–{b['period']['id']}"
            out[-1] = (i, last)
        else:
            out.append((i, b))
    return [b for _, b in out]


def _drilldown(corpus: Corpus, card: Scorecard, state: str, obs: dict[str, Observation]) -> list[dict[str, Any]]:
    out = []
    for _, members in _grouped(card):
        for c in members:
            in_force = corpus.in_force_from(c, state)
            blocks: list[tuple[int, dict[str, Any]]] = []
            quiet: dict[str, list[str]] = {}
            statuses = []
            for i, p in enumerate(card.periods):
                cell = card.cells[(state, c.id, p.id)]
                statuses.append({**_status(cell.status, cell.assessment is not None), "period": p.id})
                if not cell.findings and cell.assessment is None:
                    quiet.setdefault(cell.status, []).append(p.id)
                    continue
                blocks.append((i, _period_block(cell, p, obs)))
            out.append(
                {
                    "id": c.id,
                    "title": c.title,
                    "section": c.section,
                    "instrument": c.instrument,
                    "basket": c.basket,
                    "chapter": c.chapter,
                    "summary": c.summary,
                    "weight": f"{c.weight:g}",
                    "in_force": in_force.isoformat() if in_force else None,
                    "rules": [
                        {"id": r.id, "kind": r.kind, "severity": r.severity, "description": r.description or ""}
                        for r in c.rules
                    ],
                    "statuses": statuses,
                    "periods": _merge_blocks(blocks),
                    "quiet": [{**_status(s), "periods": quiet[s]} for s in SYMBOLS if s in quiet],
                }
            )
    return out


def _case_timeline(corpus: Corpus, state: str, as_of: date) -> dict[tuple[str, str], list[Observation]]:
    """(case id, condition) -> the standing observations of that case, in date order."""
    state_obs = corpus.observations_of(state)
    case_ids = {cid for o in state_obs for cid in o.cases}
    case_ids |= {
        o.standing.subject
        for o in state_obs
        if o.standing and o.standing.subject in corpus.cases and o.standing.condition in CASE_CONDITIONS
    }
    timelines: dict[tuple[str, str], list[Observation]] = {}
    for o in state_obs:
        st = o.standing
        if st is None or st.condition not in CASE_CONDITIONS or not o.counts() or not is_known(o, as_of):
            continue
        subjects = [st.subject] if st.subject is not None else list(o.cases)
        for cid in subjects:
            if cid in case_ids:
                timelines.setdefault((cid, st.condition), []).append(o)
    for events in timelines.values():
        events.sort(key=lambda o: (o.date.end, o.date.start, o.id))
    return timelines


def _open_cases(
    corpus: Corpus, timelines: dict[tuple[str, str], list[Observation]], period: Period
) -> list[dict[str, Any]]:
    """Cases whose imprisonment / internal exile was in effect at some time during ``period``
    (the engine's standing logic: the latest observation before it, those inside it, and
    observations whose ``since`` reaches back into it)."""
    out = []
    for (cid, condition), events in sorted(timelines.items()):
        before = [e for e in events if e.date.end < period.start]
        inside = [e for e in events if period.start <= e.date.start and e.date.end <= period.end]
        covering = [
            e
            for e in events
            if e.standing
            and e.standing.in_effect
            and e.standing.since
            and e.standing.since.start <= period.end
            and e.date.end >= period.start
        ]
        start_state = bool(before and before[-1].standing and before[-1].standing.in_effect)
        held = start_state or any(e.standing and e.standing.in_effect for e in inside) or bool(covering)
        if not held:
            continue
        ended = (
            bool(inside)
            and not (inside[-1].standing and inside[-1].standing.in_effect)
            and not any(e.date.end >= period.end for e in covering)
        )
        evidence = list(dict.fromkeys(o.id for o in [*before[-1:], *inside, *covering]))
        since = next(
            (e.standing.since.text if e.standing and e.standing.since else e.date.text)
            for e in events
            if e.standing and e.standing.in_effect
        )
        case = corpus.cases.get(cid)
        out.append(
            {
                "id": cid,
                "name": case.name if case else cid,
                "condition": condition,
                "since": since,
                "ended": ended,
                "detail": f"{condition} " + ("ended during the period" if ended else "in effect"),
                "evidence": evidence,
            }
        )
    return sorted(out, key=lambda d: (d["name"], d["id"], d["condition"]))


def _dossiers(corpus: Corpus, card: Scorecard, state: str, obs: dict[str, Observation]) -> list[dict[str, Any]]:
    timelines = _case_timeline(corpus, state, card.as_of)
    titles = {c.id: c.title for c in card.commitments}
    order = [c.id for _, members in _grouped(card) for c in members]
    out = []
    for p in card.periods:
        violations = []
        for cid in order:
            for f in card.cells[(state, cid, p.id)].findings:
                if f.rule_kind == "standing" and f.status == "violation":
                    violations.append(
                        {
                            "commitment": cid,
                            "title": titles[cid],
                            **_finding_dict(f),
                            "evidence": [_obs_brief(obs.get(o), o) for o in f.observations],
                        }
                    )
        cases = _open_cases(corpus, timelines, p)
        for case in cases:
            case["evidence"] = [_obs_brief(obs.get(o), o) for o in case["evidence"]]
        out.append({"period": _period_dict(p), "violations": violations, "cases": cases})
    return out


# ---------------------------------------------------------------- goals


def _goals_for(goals: dict[str, Any] | None, state: str | None) -> dict[str, Any] | None:
    """The goal sets that concern ``state`` (those without a state concern every state)."""
    if goals is None:
        return None
    if state is None:
        return goals
    sets = [gs for gs in goals.get("goal_sets", []) if gs.get("state") in (None, state)]
    return {**goals, "goal_sets": sets}


def _timeline_ctx(rows: Any, goal_ids: list[str], key: str, title: str) -> dict[str, Any] | None:
    """A goal timeline as a table: one row per goal, one column per period, verdicts in words."""
    if not isinstance(rows, list) or not rows:
        return None
    labels = [str(r.get("period", "")) for r in rows]
    ids = list(goal_ids)
    for r in rows:
        for gid in sorted((r.get("verdicts") or {}).keys()):
            if gid not in ids:
                ids.append(gid)
    verdicts = {gid: [(r.get("verdicts") or {}).get(gid) for r in rows] for gid in ids}
    return {
        "key": key,
        "title": title,
        "periods": labels,
        "rows": [{"goal": gid, "cells": [_verdict(v) for v in verdicts[gid]]} for gid in ids],
    }


def _goal_chart(rows: Any, goal_ids: list[str], key: str, gid: str) -> str | None:
    """The goals over time: one small panel per goal with its progress (0-100 %) at the end of
    each period, the latest verdict written in words in the panel (the table beside it has them all)."""
    if not isinstance(rows, list) or not rows or not goal_ids:
        return None
    periods = [str(r.get("period", "")) for r in rows]
    series: dict[str, list[float | None]] = {}
    notes: dict[str, list[str]] = {}
    said = []
    for g in goal_ids:
        values = [(r.get("progress") or {}).get(g) for r in rows]
        series[g] = [None if not isinstance(v, (int, float)) else float(v) * 100 for v in values]
        last = next(
            (str((r.get("verdicts") or {}).get(g)) for r in reversed(rows) if (r.get("verdicts") or {}).get(g)), ""
        )
        words = last.replace("-", " ") if last and last != "not-assessed" else "not assessed"
        notes[g] = [f"now: {words}"]
        points = ", ".join(f"{p} {round(v)}%" for p, v in zip(periods, series[g], strict=True) if v is not None)
        said.append(f"{g}: {points or 'never assessed'}, latest verdict {words}")
    svg = charts.small_multiples(
        key,
        periods,
        series,
        title=f"{gid}: progress toward each goal (0-100 %) at the end of each period",
        ncols=3,
        notes=notes,
        yticks=["0", "50", "100%"],
    )
    return charts.labelled(
        svg, f"Small multiples: progress toward each goal of {gid} (0-100 %) per period. " + "; ".join(said) + "."
    )


def _hindsight_rows(rows: Any) -> list[dict[str, Any]] | None:
    """The timeline's hindsight reading (engine/goals.py) as rows of the same shape."""
    if not isinstance(rows, list):
        return None
    return [
        {"period": r.get("period"), "verdicts": (r.get("hindsight") or {}).get("verdicts") or {}}
        for r in rows
        if r.get("hindsight")
    ]


def _verdict(v: Any) -> dict[str, str]:
    v = "not-assessed" if v is None else str(v)
    return {"verdict": v, "symbol": VERDICT_SYMBOLS.get(v, "?"), "label": v.replace("-", " ")}


def _goals_ctx(goals: dict[str, Any] | None, obs: dict[str, Observation], key: str) -> dict[str, Any] | None:
    if goals is None:
        return None
    sets = []
    for i, gs in enumerate(goals.get("goal_sets", []) or []):
        rows: list[dict[str, Any]] = []
        for g in gs.get("goals", []) or []:
            base, cur = g.get("baseline") or {}, g.get("current") or {}
            rows.append(
                {
                    "id": str(g.get("id", "")),
                    "tier": str(g.get("tier", "")),
                    "title": str(g.get("title", "")),
                    "target": str(g.get("target", "")),
                    "baseline": {
                        "progress": _pct(base.get("progress")),
                        "status": str(base.get("status", "")),
                        "detail": str(base.get("detail", "")),
                    },
                    "current": {
                        "progress": _pct(cur.get("progress")),
                        "status": str(cur.get("status", "")),
                        "detail": str(cur.get("detail", "")),
                    },
                    **_verdict(g.get("verdict")),
                    "verdict_text": verdict_text(g) if g.get("verdict") else "not-assessed",
                    "evidence": [{"id": str(o), "linked": str(o) in obs} for o in g.get("evidence", []) or []],
                }
            )
        tiers = [{"tier": str(t), **_verdict(v)} for t, v in (gs.get("tiers") or {}).items()]
        gid = str(gs.get("id", gs.get("goal_set", f"goals-{i + 1}")))
        sets.append(
            {
                "id": gid,
                "title": str(gs.get("title", gid)),
                "state": gs.get("state"),
                "as_of": gs.get("as_of"),
                "baseline": gs.get("baseline"),
                "tiers": tiers,
                "goals": rows,
                "timeline": _timeline_ctx(
                    gs.get("timeline"),
                    [r["id"] for r in rows],
                    f"{key}-goals-{i + 1}",
                    f"{gid}: verdict per period, as known at each period's end",
                ),
                "hindsight": _timeline_ctx(
                    _hindsight_rows(gs.get("timeline")),
                    [r["id"] for r in rows],
                    f"{key}-goals-{i + 1}-hindsight",
                    f"{gid}: verdict per period, as known on {gs.get('as_of')} (hindsight)",
                ),
                "chart": _goal_chart(gs.get("timeline"), [r["id"] for r in rows], f"{key}-goals-{i + 1}", gid),
            }
        )
    timeline = _timeline_ctx(goals.get("timeline"), [], f"{key}-goals", "goal verdicts per period")
    return {
        "sets": sets,
        "timeline": timeline,
        "legend": [{"verdict": v, "symbol": s, "label": v.replace("-", " ")} for v, s in VERDICT_SYMBOLS.items()],
    }


def _goal_evidence(goals: dict[str, Any] | None) -> set[str]:
    if goals is None:
        return set()
    return {
        str(o)
        for gs in goals.get("goal_sets", []) or []
        for g in gs.get("goals", []) or []
        for o in g.get("evidence", []) or []
    }


# ---------------------------------------------------------------- evidence and sources


def _evidence(corpus: Corpus, ids: Iterable[str], obs: dict[str, Observation]) -> list[dict[str, Any]]:
    out = []
    for oid in sorted(set(ids)):
        o = obs.get(oid)
        if o is None:
            continue
        src = corpus.sources.get(o.source)
        out.append(
            {
                "id": o.id,
                "date": o.date.text,
                "dated_by": o.dated_by,
                "kind": o.kind,
                "source": o.source,
                "source_known": src is not None,
                "source_title": src.title if src else "",
                "locator": o.locator,
                "quote": o.quote,
                "confidence": o.confidence,
                "claim": o.claim,
                "note": o.note or "",
                "cases": [corpus.cases[c].name if c in corpus.cases else c for c in o.cases],
                "commitments": list(o.commitments),
                "tags": list(o.tags),
            }
        )
    return out


def _by_year(evidence: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The evidence grouped by the year its date starts in (one collapsed list per year)."""
    years: dict[str, list[dict[str, Any]]] = {}
    for e in sorted(evidence, key=lambda e: (e["date"], e["id"])):
        years.setdefault(e["date"][:4], []).append(e)
    return [{"year": y, "obs": items} for y, items in sorted(years.items())]


def _sources(corpus: Corpus, evidence: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for sid in sorted({e["source"] for e in evidence}):
        s = corpus.sources.get(sid)
        if s is None:
            continue
        out.append(
            {
                "id": s.id,
                "title": s.title,
                "author": s.author,
                "date": s.date.text,
                "kind": s.kind,
                "reliability": s.reliability,
                "url": s.url or "",
                "note": s.note or "",
            }
        )
    return out


def _cell_obs(card: Scorecard, state: str) -> set[str]:
    return {o for (s, _, _), cell in card.cells.items() if s == state for o in cell.observations}


# ---------------------------------------------------------------- contexts


def state_context(
    corpus: Corpus,
    card: Scorecard,
    state: str,
    *,
    period: str,
    first: int,
    last: int,
    goals: dict[str, Any] | None = None,
    files: dict[str, str] | None = None,
    diff: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Everything a state report shows, as plain JSON-ready data (strings already formatted)."""
    obs = {o.id: o for o in corpus.observations}
    calendar = period in CALENDAR_KINDS
    group = _is_group(corpus, period)
    dossiers = _dossiers(corpus, card, state, obs) if group else []
    state_goals = _goals_for(goals, state)
    ids = _cell_obs(card, state) | _goal_evidence(state_goals)
    for d in dossiers:
        ids |= {e["id"] for v in d["violations"] for e in v["evidence"]}
        ids |= {e["id"] for c in d["cases"] for e in c["evidence"]}
    state_diff = _state_diff(diff, state)
    if state_diff:
        ids |= {o for c in state_diff["cells"] for o in c["added"]}
    evidence = _evidence(corpus, ids, obs)
    st = corpus.states.get(state)
    name = st.name if st else state
    span = f"{first}–{last}" if calendar else ("a named group" if group else "a named period")
    conflicts = _conflicts(corpus, state, card.as_of)
    baskets = [(b, BASKET_TITLES.get(b, f"Basket {b}")) for b in _baskets(card)]
    return {
        "meta": {
            "title": f"Compliance report: {name} ({state})",
            "state": state,
            "state_name": name,
            "period": period,
            "first": first if calendar else None,
            "last": last if calendar else None,
            "span": span,
            "as_of": card.as_of.isoformat(),
            "generator": f"helsinki-compliance {__version__}",
            "group": group,
            "files": files or {},
            "periods": [p.id for p in card.periods],
        },
        "periods": [_period_dict(p, card.as_of) for p in card.periods],
        "chart": _basket_chart(card, state, f"{state}-baskets"),
        "group_rows": _group_rows(card, state),
        "heatmap": _heatmap(card, state),
        "counts": _counts(card, state),
        "legend": _legend(),
        "changes": _changes(card, state),
        "dossiers": dossiers,
        "goals": _goals_ctx(state_goals, {e["id"]: obs[e["id"]] for e in evidence}, state),
        "goals_data": state_goals,
        "commitments": _drilldown(corpus, card, state, obs),
        "evidence": evidence,
        "sources": _sources(corpus, evidence),
        "method": _method(),
        "conflicts": conflicts,
        "summary": summary.state_summary(corpus, card, state, baskets=baskets, conflicts=len(conflicts)),
        "evidence_years": _by_year(evidence),
        "diff": state_diff,
    }


def _state_diff(d: dict[str, Any] | None, state: str) -> dict[str, Any] | None:
    """The part of a :func:`.engine.diff.diff` result about ``state`` (cells and goals)."""
    if d is None:
        return None
    return {
        "before": d["before"],
        "after": d["after"],
        "cells": [c for c in d["cells"] if c["state"] == state],
        "goals": [g for g in d["goals"] if g["state"] == state],
    }


def _conflicts(corpus: Corpus, state: str, as_of: date) -> list[dict[str, Any]]:
    """Method 2: reports of one fact that disagree, each with the one kept (conflicts.py), among the
    readings known at the report's as-of date (resolved as the scores were: model/known.py)."""

    return [c.to_dict() for c in conflicts_at(corpus.observations_of(state), corpus.sources, as_of)]


def _without_score(corpus: Corpus, card: Scorecard, unscored: list[str]) -> list[dict[str, str]]:
    """The states of an overview with no overall score, each with why: not a participating state in
    these periods, or too little evidence."""
    first_day = min((p.start for p in card.periods), default=None)
    last_day = max((p.end for p in card.periods), default=None)
    without: list[dict[str, str]] = []
    for code in [c for c in card.states if c in unscored]:
        outside = (
            first_day is not None
            and last_day is not None
            and membership_error(corpus.states, code, first_day, last_day) is not None
        )
        without.append(
            {
                "state": code,
                "name": corpus.states[code].name if code in corpus.states else code,
                "reason": "not a participating state in these periods" if outside else "too little evidence",
            }
        )
    return without


def _band_order(card: Scorecard, rows: list[dict[str, Any]]) -> None:
    """Each row's ``order``: its group among the states the bands separate (``2=`` a tie), or blank."""
    scored = [r["state"] for r in rows if r["rank_score"] >= 0]
    last = card.periods[-1].id if card.periods else ""
    order: dict[str, str] = {}
    for i, group in enumerate(summary.band_groups(card, last, scored) if scored else [], 1):
        for s in group:
            order[s] = f"{i}=" if len(group) > 1 else str(i)
    for r in rows:
        r["order"] = order.get(r["state"], "")


def _overview_bands(rows: list[dict[str, Any]]) -> dict[str, list[tuple[float, float] | None]]:
    """Each state's overall band per period (0-100), keyed as the overview chart's series."""
    return {
        f"{r['state']} ({r['short']})": [
            (c["band_values"][0], c["band_values"][1]) if c["band_values"] else None for c in r["overall"]["cells"]
        ]
        for r in rows
    }


def _overview_rows(corpus: Corpus, card: Scorecard, links: dict[str, dict[str, str]]) -> list[dict[str, Any]]:
    """One row per state of the overview, listed by the last period's overall score (unscored last, by code)."""
    rows: list[dict[str, Any]] = []
    for state in card.states:
        st = corpus.states.get(state)
        groups = _group_rows(card, state)
        end = card.groups.get((state, "overall", card.periods[-1].id)) if card.periods else None
        rows.append(
            {
                "state": state,
                "name": st.name if st else state,
                "short": short_name(st) if st else state,
                "overall": groups[-1],
                "groups": groups,
                "counts": _counts(card, state),
                "links": links.get(state, {}),
                "rank_score": end.score if end is not None and end.score is not None else -1.0,
            }
        )
    rows.sort(key=lambda r: (-r["rank_score"], r["state"]))
    return rows


def overview_context(
    corpus: Corpus,
    card: Scorecard,
    *,
    period: str,
    first: int,
    last: int,
    goals: dict[str, Any] | None = None,
    links: dict[str, dict[str, str]] | None = None,
) -> dict[str, Any]:
    calendar = period in CALENDAR_KINDS
    rows = _overview_rows(corpus, card, links or {})
    _band_order(card, rows)
    for i, r in enumerate(rows):
        colour, marker = charts.style_of(i)
        r["colour"], r["marker"] = colour, _MARKER_NAMES.get(marker, marker)
    # a panel per state with a score, titled by its code and short name (whole, never cut)
    series = {
        f"{r['state']} ({r['short']})": [
            None if c["score"] == "–" else float(c["score"]) for c in r["overall"]["cells"]
        ]
        for r in rows
        if r["rank_score"] >= 0 or any(c["score"] != "–" for c in r["overall"]["cells"])
    }
    unscored = [r["state"] for r in rows if f"{r['state']} ({r['short']})" not in series]
    scored = [code for code in card.states if code not in unscored]
    without = _without_score(corpus, card, unscored)
    bands = _overview_bands(rows)
    return {
        "meta": {
            # the title names the states with a score; the others are named below it, with the reason
            "title": "Compliance overview: " + ", ".join(scored or card.states),
            "without_score": without if scored else [],
            "period": period,
            "first": first if calendar else None,
            "last": last if calendar else None,
            "span": f"{first}–{last}"
            if calendar
            else ("a named group" if _is_group(corpus, period) else "a named period"),
            "as_of": card.as_of.isoformat(),
            "generator": f"helsinki-compliance {__version__}",
            "states": list(card.states),
            "periods": [p.id for p in card.periods],
        },
        "periods": [_period_dict(p, card.as_of) for p in card.periods],
        "chart": charts.labelled(
            charts.small_multiples(
                "overview",
                [p.id for p in card.periods],
                series,
                title="Overall score per state (0-100) with its sensitivity band; ordered by the last period",
                bands=bands,
            ),
            "Small multiples: one panel per state with the overall score (0-100) per period and its sensitivity "
            "band shaded, in the order of the last period's score (not a ranking: states whose bands overlap are "
            "ties, see the summary): " + ", ".join(series) + ". The table below gives every number.",
        ),
        "states": rows,
        "legend": _legend(),
        "goals": _goals_ctx(goals, {}, "overview"),
        "method": _method(),
        "summary": summary.overview_summary(corpus, card),
        "unscored": unscored,
        "without_score": without_score_text(without if scored else []),
    }


_MARKER_NAMES = {
    "o": "circle",
    "s": "square",
    "^": "triangle up",
    "D": "diamond",
    "v": "triangle down",
    "P": "plus (filled)",
    "X": "cross (filled)",
    "*": "star",
    "<": "triangle left",
    ">": "triangle right",
    "h": "hexagon",
    "p": "pentagon",
    "d": "thin diamond",
    "8": "octagon",
    "H": "hexagon (flat)",
    "1": "tri down",
    "2": "tri up",
    "3": "tri left",
    "4": "tri right",
    "+": "plus",
}


# ---------------------------------------------------------------- renderers


def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_html(template: str, ctx: dict[str, Any]) -> str:
    return _env().get_template(template).render(**ctx)


def _md_evidence(e: dict[str, Any], indent: str = "  ") -> str:
    if not e.get("known", True):
        return f"{indent}- {md_escape(e['id'])} (not in the corpus)"
    claim = " (a government claim)" if e.get("claim") else ""
    return (
        f"{indent}- {md_escape(e['id'])} — {md_escape(e['date'])}, {md_escape(e['source'])}, "
        f"{md_escape(e['locator'])}{claim}: “{md_escape(e['quote'])}”"
    )


def _md_goals(g: dict[str, Any] | None, out: list[str]) -> None:
    if g is None:
        return
    out += ["## Goals", ""]
    for gs in g["sets"]:
        out += [f"### {md_escape(gs['title'])} ({md_escape(gs['id'])})", ""]
        if gs["tiers"]:
            out.append("Tiers: " + "; ".join(f"{md_escape(t['tier'])}: {md_escape(t['verdict'])}" for t in gs["tiers"]))
            out.append("")
        out += [
            "| goal | tier | title | target | baseline | current | verdict | evidence |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for r in gs["goals"]:
            out.append(
                "| "
                + " | ".join(
                    [
                        md_escape(r["id"]),
                        md_escape(r["tier"]),
                        md_escape(r["title"]),
                        md_escape(r["target"]),
                        md_escape(f"{r['baseline']['progress']} {r['baseline']['detail']}".strip()),
                        md_escape(f"{r['current']['progress']} {r['current']['detail']}".strip()),
                        md_escape(r["verdict_text"]),
                        md_escape(", ".join(e["id"] for e in r["evidence"])),
                    ]
                )
                + " |"
            )
        out.append("")
        if gs["timeline"]:
            _md_timeline(gs["timeline"], out)
        if gs.get("hindsight"):
            _md_timeline(gs["hindsight"], out)
    if g["timeline"]:
        _md_timeline(g["timeline"], out)


def _md_timeline(t: dict[str, Any], out: list[str]) -> None:
    """The verdicts per period, in words, split by period so every line fits 100 characters."""
    out += [f"{md_escape(t['title'])}:", ""]
    rows = [(md_escape(r["goal"]), [md_escape(c["label"]) for c in r["cells"]]) for r in t["rows"]]
    out += md_split_table("goal", t["periods"], rows, heading="####")


def _md_method(m: dict[str, Any], out: list[str]) -> None:
    out += [
        "## Scoring method",
        "",
        "- A cell's score is the severity-weighted mean of its findings' scores ("
        + ", ".join(f"{s['status']} {s['score']}" for s in m["scores"])
        + "; weights "
        + ", ".join(f"{w['severity']} {w['weight']}" for w in m["weights"])
        + ").",
        f"- Status from score: >= {m['compliant_at']} compliant; >= {m['partial_at']} partial; below, violation.",
        "- No findings: not assessed (absence of evidence is never compliance); before the commitment binds "
        "the state: not in force.",
        "- Confidence: weighted mean over findings of min(observation confidence, source reliability), with "
        + ", ".join(f"{c['level']} {c['value']}" for c in m["confidence"])
        + ".",
        "- Analyst assessments set the status or adjust the score (marked \\*).",
        "- Baskets and overall: the commitment-weighted mean of the assessed cells' scores, same bands.",
        "",
    ]


# long: the Markdown report, section by section in reading order
def render_state_markdown(ctx: dict[str, Any], card: Scorecard) -> str:
    m = ctx["meta"]
    out = [
        f"# {md_escape(m['title'])}",
        "",
        f"Periods: {md_escape(m['period'])} ({md_escape(m['span'])}); as of {m['as_of']}; generated by {md_escape(m['generator'])}.",
        "",
        "## Scorecard",
        "",
        scorecard_markdown(card),
        "## What got better, what got worse",
        "",
    ]
    if not ctx["changes"]:
        out += ["No status changed between consecutive periods.", ""]
    for ch in ctx["changes"]:
        out += [f"### {md_escape(ch['from'])} → {md_escape(ch['to'])}", ""]
        for key, title in (("better", "Better"), ("worse", "Worse"), ("other", "Other changes")):
            for it in ch[key]:
                out.append(
                    f"- {title}: {md_escape(it['commitment'])} ({md_escape(it['title'])}): "
                    f"{it['before']['status']} → {it['after']['status']}"
                )
        out.append("")
    if ctx["dossiers"]:
        out += ["## Dossiers", ""]
        for d in ctx["dossiers"]:
            p = d["period"]
            out += [f"### {md_escape(p['label'])} ({p['start']} – {p['end']})", "", "Standing violations in force:", ""]
            if not d["violations"]:
                out.append("- none found")
            for v in d["violations"]:
                carried = " (carried forward)" if v["carried"] else ""
                out.append(
                    f"- {md_escape(v['commitment'])} / {md_escape(v['rule'])}: {md_escape(v['detail'])}{carried}"
                )
                out += [_md_evidence(e, "  ") for e in v["evidence"]]
            out += ["", "Open cases:", ""]
            if not d["cases"]:
                out.append("- none found")
            for c in d["cases"]:
                out.append(
                    f"- {md_escape(c['name'])} ({md_escape(c['id'])}): {md_escape(c['detail'])} since {md_escape(c['since'])}"
                )
                out += [_md_evidence(e, "  ") for e in c["evidence"]]
            out.append("")
    _md_goals(ctx["goals"], out)
    if ctx.get("conflicts"):
        out += ["## Sources that disagree", ""]
        for c in ctx["conflicts"]:
            out.append(
                f"- {md_escape(c['fact'])}: kept {md_escape(c['kept'])} ({md_escape(c['reason'])}); "
                f"set aside {md_escape(', '.join(c['set_aside']))}. Readings: {md_escape('; '.join(c['readings']))}"
            )
        out.append("")
    out += ["## Findings by commitment", ""]
    for c in ctx["commitments"]:
        out += [
            f"### {md_escape(c['id'])} — {md_escape(c['title'])}",
            "",
            f"{md_escape(c['section'])} ({md_escape(c['instrument'])}); binds from {c['in_force'] or 'never'}; weight {c['weight']}.",
            "",
        ]
        for p in c["periods"]:
            star = " (analyst assessment)" if p["assessment"] else ""
            score = f" score {p['score']}" if p["score"] else ""
            out.append(f"- **{md_escape(p['range'])}**: {p['status']}{score}{star}")
            if p["assessment"]:
                a = p["assessment"]
                out.append(
                    f"  - assessment {md_escape(a['id'])} by {md_escape(a['author'])} ({md_escape(a['date'])}): "
                    f"{md_escape(a['justification'])}"
                )
            for f in p["findings"]:
                carried = ", carried forward" if f["carried"] else ""
                subject = f" [{md_escape(f['subject'])}]" if f["subject"] else ""
                out.append(
                    f"  - rule {md_escape(f['rule'])}{subject} ({f['rule_kind']}, {f['severity']}{carried}): "
                    f"{f['status']} — {md_escape(f['detail'])}"
                )
                out += [_md_evidence(e, "    ") for e in f["evidence"]]
        for q in c["quiet"]:
            out.append(f"- {q['label']}: " + ", ".join(md_escape(p) for p in q["periods"]))
        out.append("")
    out += ["## Sources", ""]
    for s in ctx["sources"]:
        out.append(
            f"- {md_escape(s['id'])}: {md_escape(s['author'])}, {md_escape(s['title'])} ({md_escape(s['date'])}); "
            f"{s['kind']}, reliability {s['reliability']}"
        )
    out.append("")
    _md_method(ctx["method"], out)
    return "\n".join(out).rstrip("\n") + "\n"


def without_score_text(without: list[dict[str, Any]]) -> str:
    """``No overall score: AT (Austria), ES (Spain) (too little evidence); BY (Belarus) (not a ...)``."""
    parts = []
    for reason in ("too little evidence", "not a participating state in these periods"):
        named = [f"{w['state']} ({w['name']})" for w in without if w["reason"] == reason]
        if named:
            parts.append(f"{', '.join(named)}: {reason}")
    return "Also covered, with no overall score in any period: " + "; ".join(parts) + "." if parts else ""


def _md_without_score(m: dict[str, Any]) -> list[str]:
    text = without_score_text(m.get("without_score") or [])
    return [*wrap_text(md_escape(text), TEXT_WIDTH), ""] if text else []


def render_overview_markdown(ctx: dict[str, Any]) -> str:
    m = ctx["meta"]
    periods = [p["id"] for p in ctx["periods"]]
    partial = {p["id"] for p in ctx["periods"] if p.get("partial")}

    def label(pid: str) -> str:  # method 3: ^ marks the period that contains the as-of date
        return short_period(pid) + ("^" if pid in partial else "")

    out = [
        f"# {md_escape(m['title'])}",
        "",
        f"Periods: {md_escape(m['period'])} ({md_escape(m['span'])}); as of {m['as_of']}; generated by {md_escape(m['generator'])}.",
        "",
        *_md_without_score(m),
        *[md_escape(x) + "\n" for x in ctx.get("summary") or []],
        "## Overall score per state (0-100)",
        "",
    ]
    rows = [
        (
            f"{md_escape(s['short'])} ({s['state']})",
            [f"{c['score']} {c['symbol']}" if c["score"] != "–" else c["symbol"] for c in s["overall"]["cells"]],
        )
        for s in ctx["states"]
    ]
    out += md_split_table("state", periods, rows, heading="###", short=label)
    key = (
        "Each cell: the overall score (0-100) and its status symbol; the coverage of each score is in the "
        "state's basket tables below. States are listed by the last period's score; this is not a ranking: "
        "where sensitivity bands overlap the states are ties (see the summary above and docs/scoring.md, "
        "Method 3)."
        + (
            f" Columns: {short_period(periods[0])} = {periods[0]}."
            if periods and short_period(periods[0]) != periods[0]
            else ""
        )
    )
    out += [
        *wrap_text(key, TEXT_WIDTH),
        "",
        "## Baskets",
        "",
    ]
    for s in ctx["states"]:
        out += [f"### {md_escape(s['name'])} ({s['state']})", ""]
        rows = []
        for g in s["groups"]:
            nif = [c["status"] == "not-in-force" for c in g["cells"]]
            rows.append(
                (
                    f"**{md_escape(g['label'])}**",
                    ["ie" if c["status"] == "insufficient-evidence" else c["score"] for c in g["cells"]],
                )
            )
            if any(c["band"] for c in g["cells"]):
                rows.append(("band", [c["band"] for c in g["cells"]]))
            rows.append(
                (
                    "assessed/in force",
                    ["-" if n else f"{c['assessed']}/{c['in_force']}" for c, n in zip(g["cells"], nif, strict=True)],
                )
            )
            rows.append(
                (
                    "obs./sources",
                    ["-" if n else f"{c['observations']}/{c['sources']}" for c, n in zip(g["cells"], nif, strict=True)],
                )
            )
        out += md_split_table("group", periods, rows, heading="####", short=label)
        if s["links"].get("md"):
            out += [f"Full report: [{md_escape(s['links']['md'])}]({s['links']['md']})", ""]
    _md_goals(ctx["goals"], out)
    out += ["Legend: " + "; ".join(f"{md_escape(x['symbol'])} {x['label']}" for x in ctx["legend"]), ""]
    _md_method(ctx["method"], out)
    return "\n".join(out).rstrip("\n") + "\n"


def state_json(corpus: Corpus, card: Scorecard, ctx: dict[str, Any]) -> str:
    obs = {o.id: o for o in corpus.observations}
    observations = {
        e["id"]: {
            "date": e["date"],
            "source": e["source"],
            "locator": e["locator"],
            "quote": e["quote"],
            "kind": obs[e["id"]].kind,
        }
        for e in ctx["evidence"]
    }
    dossiers = [
        {
            "period": d["period"]["id"],
            "standing_violations": [
                {
                    "commitment": v["commitment"],
                    "rule": v["rule"],
                    "subject": v["subject"],
                    "detail": v["detail"],
                    "carried": v["carried"],
                    "observations": v["observations"],
                }
                for v in d["violations"]
            ],
            "open_cases": [
                {
                    "case": c["id"],
                    "name": c["name"],
                    "condition": c["condition"],
                    "since": c["since"],
                    "ended": c["ended"],
                    "observations": [e["id"] for e in c["evidence"]],
                }
                for c in d["cases"]
            ],
        }
        for d in ctx["dossiers"]
    ]
    changes = [
        {
            "from": ch["from"],
            "to": ch["to"],
            **{
                k: [
                    {"commitment": i["commitment"], "before": i["before"]["status"], "after": i["after"]["status"]}
                    for i in ch[k]
                ]
                for k in ("better", "worse", "other")
            },
        }
        for ch in ctx["changes"]
    ]
    return to_json(
        {
            "report": ctx["meta"],
            "scorecard": scorecard_record(card),
            "observations": observations,
            "goals": ctx["goals_data"],
            "changes": changes,
            "dossiers": dossiers,
            "conflicts": ctx.get("conflicts", []),
        }
    )


def render_state(corpus: Corpus, card: Scorecard, state: str, fmt: str, ctx: dict[str, Any]) -> str:
    """One format of one state's report (``card`` holds that state only)."""
    if fmt == "html":
        return render_html("report.html.j2", ctx)
    if fmt == "md":
        return render_state_markdown(ctx, card)
    if fmt == "json":
        return state_json(corpus, card, ctx)
    if fmt == "csv":
        return scorecard_csv(card, corpus)
    raise UsageError(f"unknown report format {fmt!r}")


def render_overview(ctx: dict[str, Any], fmt: str) -> str:
    if fmt == "html":
        return render_html("overview.html.j2", ctx)
    if fmt == "md":
        return render_overview_markdown(ctx)
    raise UsageError(f"the overview has no {fmt!r} format")


# ---------------------------------------------------------------- entry point


def write_report(
    corpus: Corpus,
    card: Scorecard,
    *,
    period: str,
    first: int,
    last: int,
    out_dir: str | Path,
    formats: Iterable[str] = FORMATS,
    goals: dict[str, Any] | None = None,
    progress: Progress | None = None,
    full: Collection[str] | None = None,
    diff: dict[str, Any] | None = None,
) -> list[Path]:
    """Write the report files of an evaluated scorecard (:func:`helsinki_compliance.api.report`
    evaluates, then calls this); return their paths in writing order. One file per state and
    format (the states of ``card``), and an overview when there are several states.

    ``diff``: a :func:`.engine.diff.diff` result shown in each state's report (what changed between two as-of dates).

    ``full``: the states whose report is written in every format; the others get only
    :data:`LIGHT_FORMATS` (None: every state in every format).

    ``progress`` (optional) is called with each file name just before that file is rendered.
    """
    step = progress or (lambda _s: None)
    fmts = _formats(formats)
    codes = list(card.states)
    if not codes:
        raise UsageError("no state to report on")
    names = report_names(corpus, states=codes, period=period, first=first, last=last, formats=fmts, full=full)
    allowed = set(names)
    with OutputSet(Path(out_dir), "report") as out:
        written: list[Path] = []
        links: dict[str, dict[str, str]] = {}
        for code in codes:
            stem = _stem(code, period, first, last)
            files = {fmt: f"{stem}.{fmt}" for fmt in state_formats(code, fmts, full)}
            links[code] = files
            sub = _sub_card(card, code)
            ctx = state_context(
                corpus, sub, code, period=period, first=first, last=last, goals=goals, files=files, diff=diff
            )
            for fmt in files:
                step(files[fmt])
                written.append(_write(out, files[fmt], render_state(corpus, sub, code, fmt, ctx), allowed))
                if fmt == "json":
                    name = f"{stem}-evidence.json"
                    step(name)
                    written.append(_write(out, name, evidence_json(evidence_rows(sub, corpus)), allowed))
        if len(codes) > 1:
            stem = _stem("overview", period, first, last)
            ov = [fmt for fmt in fmts if fmt in OVERVIEW_FORMATS]
            if ov:
                ctx = overview_context(corpus, card, period=period, first=first, last=last, goals=goals, links=links)
                for fmt in ov:
                    step(f"{stem}.{fmt}")
                    written.append(_write(out, f"{stem}.{fmt}", render_overview(ctx, fmt), allowed))
        out.commit()
    return written
