"""Render a state's report or the overview in one format, and write a report's files as one set."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from pathlib import Path
from typing import Any

from helsinki_compliance.engine.evaluation import Scorecard
from helsinki_compliance.errors import UsageError
from helsinki_compliance.model.corpus import Corpus
from helsinki_compliance.render.outputs import OutputSet
from helsinki_compliance.render.reports.html import render_html
from helsinki_compliance.render.reports.json_out import state_json
from helsinki_compliance.render.reports.markdown import render_overview_markdown, render_state_markdown
from helsinki_compliance.render.reports.names import (
    EVIDENCE_BESIDE,
    FORMATS,
    OVERVIEW_FORMATS,
    Progress,
    checked_formats,
    evidence_name,
    file_stem,
    report_names,
    state_formats,
    write_file,
)
from helsinki_compliance.render.reports.overview import overview_context
from helsinki_compliance.render.reports.scores import sub_card
from helsinki_compliance.render.reports.state import state_context
from helsinki_compliance.render.scorecard_out import evidence_csv, evidence_json, evidence_rows
from helsinki_compliance.render.tables import (
    scorecard_csv,
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
        return scorecard_csv(card)
    raise UsageError(f"unknown report format {fmt!r}")


def render_overview(ctx: dict[str, Any], fmt: str) -> str:
    if fmt == "html":
        return render_html("overview.html.j2", ctx)
    if fmt == "md":
        return render_overview_markdown(ctx)
    raise UsageError(f"the overview has no {fmt!r} format")


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
    fmts = checked_formats(formats)
    codes = list(card.states)
    if not codes:
        raise UsageError("no state to report on")
    names = report_names(corpus, states=codes, period=period, first=first, last=last, formats=fmts, full=full)
    allowed = set(names)
    with OutputSet(Path(out_dir), "report") as out:
        written: list[Path] = []
        links: dict[str, dict[str, str]] = {}
        for code in codes:
            stem = file_stem(code, period, first, last)
            files = {fmt: f"{stem}.{fmt}" for fmt in state_formats(code, fmts, full)}
            links[code] = files
            sub = sub_card(card, code)
            ctx = state_context(
                corpus, sub, code, period=period, first=first, last=last, goals=goals, files=files, diff=diff
            )
            for fmt in files:
                step(files[fmt])
                written.append(write_file(out, files[fmt], render_state(corpus, sub, code, fmt, ctx), allowed))
                if fmt in EVIDENCE_BESIDE:
                    name = evidence_name(stem, fmt)
                    step(name)
                    evidence = evidence_json if fmt == "json" else evidence_csv
                    written.append(write_file(out, name, evidence(evidence_rows(sub, corpus)), allowed))
        if len(codes) > 1:
            stem = file_stem("overview", period, first, last)
            ov = [fmt for fmt in fmts if fmt in OVERVIEW_FORMATS]
            if ov:
                ctx = overview_context(corpus, card, period=period, first=first, last=last, goals=goals, links=links)
                for fmt in ov:
                    step(f"{stem}.{fmt}")
                    written.append(write_file(out, f"{stem}.{fmt}", render_overview(ctx, fmt), allowed))
        out.commit()
    return written
