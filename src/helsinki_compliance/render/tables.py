"""Scorecards as text: a terminal table, Markdown, tidy CSV and JSON (all deterministic)."""

from __future__ import annotations

import csv
import io
import json
import textwrap
from collections.abc import Iterable, Sequence
from typing import Any

from helsinki_compliance.engine.coverage import INSUFFICIENT, MIN_COMMITMENTS, MIN_OBSERVATIONS
from helsinki_compliance.engine.evaluation import Scorecard
from helsinki_compliance.render.markdown_templates import TEXT_WIDTH, md_escape, md_stars, md_table, render_markdown

SYMBOLS = {
    "compliant": "C",
    "partial": "P",
    "violation": "V",
    "not-assessed": ".",
    "not-in-force": "-",
    "not-yet": "~",
}
#: the symbol of a basket or overall score resting on too little evidence (coverage.py)
GROUP_SYMBOLS = {"insufficient-evidence": "ie"}
COLOURS = {"compliant": "green", "partial": "yellow", "violation": "red"}
LEGEND_ENTRIES = (
    "C compliant",
    "P partial",
    "V violation",
    ". not assessed (no evidence)",
    "- not in force",
    "* analyst assessment",
    "~ not yet (the period begins after the as-of date)",
    "^ partial period (the as-of date falls inside it)",
)
GROUP_LEGEND = (
    f"group scores: ie = insufficient evidence (fewer than {MIN_COMMITMENTS} commitments assessed or fewer than "
    f"{MIN_OBSERVATIONS} observations); -- = nothing assessed; "
    "under each score its coverage: commitments assessed, commitments in force, observations, sources; "
    "band = the score's range under the documented alternative method choices (docs/scoring.md, Method 3)"
)
COVERAGE_ROWS = ("assessed", "in force", "observations", "sources")


def wrap_entries(entries: Iterable[str], width: int, sep: str = "  ") -> list[str]:
    """Legend entries joined into lines of at most ``width`` characters, never breaking an entry
    (an entry longer than the width is wrapped at its words)."""
    lines: list[str] = []
    line = ""
    for entry in entries:
        if line and len(line) + len(sep) + len(entry) <= width:
            line += sep + entry
            continue
        if line:
            lines.append(line)
        parts = textwrap.wrap(entry, width, break_long_words=False, break_on_hyphens=False) or [""]
        lines.extend(parts[:-1])
        line = parts[-1]
    if line:
        lines.append(line)
    return lines


def wrap_text(text: str, width: int, indent: str = "") -> list[str]:
    """``text`` wrapped at words to ``width`` columns; continuation lines indented by ``indent`` plus two spaces."""
    return textwrap.wrap(
        text,
        max(width, 20),
        initial_indent=indent,
        subsequent_indent=indent + "  ",
        break_long_words=False,
        break_on_hyphens=False,
    )


def group_score_text(gs: Any) -> str:
    """A group score as printed: 0-100, ``ie`` (insufficient evidence) or ``--`` (none)."""
    if gs.status == INSUFFICIENT:
        return "ie"
    if gs.status == "not-yet":
        return "~"
    return "--" if gs.score is None else f"{round(gs.score * 100):d}"


def group_coverage_texts(gs: Any) -> tuple[str, str]:
    """``assessed/in force`` and ``observations/sources`` of a group score."""
    if gs.status in ("not-in-force", "not-yet"):
        return "-", "-"
    return f"{gs.assessed}/{gs.in_force}", f"{gs.coverage.observations}/{len(gs.coverage.sources)}"


def to_json(data: Any) -> str:
    """Stable JSON: sorted keys, two-space indent, UTF-8, trailing newline."""
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def safe_csv_cell(value: Any) -> str:
    """Neutralise spreadsheet formulas: a cell starting with = + - @ (or tab/CR) gets a quote."""
    s = "" if value is None else str(value)
    if s and s[0] in "=+-@\t\r":
        return "'" + s
    return s


def write_csv(rows: Iterable[Iterable[Any]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    for row in rows:
        w.writerow([safe_csv_cell(v) for v in row])
    return buf.getvalue()


#: The columns of ``scorecard --format csv``: one row per cell, then per basket and overall score.
#: Counts only (``n_observations``, ``n_sources``), so the CSV grows with its cells, not with the
#: evidence; the observation ids behind each finding are the evidence table
#: (:func:`.scorecard_out.evidence_rows`: ``scorecard --evidence FILE``, ``report``'s ``-evidence.csv``).
SCORECARD_CSV_COLUMNS = [
    "state", "period", "period_start", "period_end", "commitment", "instrument", "basket", "chapter",
    "status", "score", "confidence", "computed_status", "assessment", "row",
    "assessed", "in_force", "n_observations", "n_sources", "evidence_from", "evidence_to", "stale",
    "as_of", "partial_period", "band_low", "band_high",
]  # fmt: skip


def band_text(gs: Any) -> str:
    """A group score's sensitivity band as printed (0-100), or empty."""
    if gs.band is None or gs.score is None:
        return ""
    lo, hi = (round(x * 100) for x in gs.band)
    return f"{lo}-{hi}"


def scorecard_csv(card: Scorecard) -> str:
    """The tidy CSV of a scorecard: cells first, then basket and overall scores with their coverage
    (counts; the evidence ids are in :func:`.scorecard_out.evidence_rows`)."""
    rows: list[list[Any]] = [SCORECARD_CSV_COLUMNS]
    for state in card.states:
        for p in card.periods:
            rows.extend(_cell_row(card, state, c, p) for c in card.commitments)
    # basket and overall scores, each with its coverage (score empty when the evidence is insufficient)
    for state in card.states:
        for p in card.periods:
            for g in sorted({c.basket for c in card.commitments}) + ["overall"]:
                rows.append(_group_row(card, state, g, p))
    return write_csv(rows)


def _cell_row(card: Scorecard, state: str, c: Any, p: Any) -> list[Any]:
    cell = card.cells[(state, c.id, p.id)]
    cv = cell.coverage
    return [
        state, p.id, p.start.isoformat(), p.end.isoformat(), c.id, c.instrument, c.basket, c.chapter,
        cell.status,
        "" if cell.score is None else f"{cell.score:.4f}",
        "" if cell.confidence is None else f"{cell.confidence:.4f}",
        cell.computed_status,
        cell.assessment.id if cell.assessment else "",
        "cell", "", "",
        cv.observations, len(cv.sources),
        cv.first.isoformat() if cv.first else "",
        cv.last.isoformat() if cv.last else "",
        "yes" if cell.stale else "",
        card.as_of.isoformat(), "yes" if cell.partial_period else "", "", "",
    ]  # fmt: skip


def _group_row(card: Scorecard, state: str, g: str, p: Any) -> list[Any]:
    gs = card.groups[(state, g, p.id)]
    cv = gs.coverage
    return [
        state, p.id, p.start.isoformat(), p.end.isoformat(), "", "", "" if g == "overall" else g, "",
        gs.status,
        "" if gs.score is None else f"{gs.score:.4f}",
        "", "", "",
        "overall" if g == "overall" else "basket",
        gs.assessed, gs.in_force, cv.observations, len(cv.sources),
        cv.first.isoformat() if cv.first else "",
        cv.last.isoformat() if cv.last else "",
        "yes" if cv.stale else "",
        card.as_of.isoformat(), "yes" if gs.partial_period else "",
        "" if gs.band is None or gs.score is None else f"{gs.band[0]:.4f}",
        "" if gs.band is None or gs.score is None else f"{gs.band[1]:.4f}",
    ]  # fmt: skip


BASKET_ORDER = {"I": 0, "III": 1, "human-dimension": 2}


def _grouped(card: Scorecard) -> list[tuple[str, list[Any]]]:
    groups: dict[str, list[Any]] = {}
    for c in sorted(card.commitments, key=lambda c: (BASKET_ORDER.get(c.basket, 9), c.chapter, c.id)):
        groups.setdefault(
            f"Basket {c.basket} — {c.chapter}" if c.basket != "human-dimension" else f"Human dimension — {c.chapter}",
            [],
        ).append(c)
    return list(groups.items())


def _symbol(card: Scorecard, state: str, cid: str, pid: str) -> str:
    cell = card.cells[(state, cid, pid)]
    return SYMBOLS[cell.status] + ("*" if cell.assessment else "")


def short_period(pid: str) -> str:
    """A column heading: a year by its last two digits (``1975`` -> ``75``), other periods as they are."""
    return pid[2:] if len(pid) == 4 and pid.isdigit() else pid


def _col(card: Scorecard, p: Any) -> str:
    """A period's column label; ``^`` marks a period that contains the as-of date (partial)."""
    return short_period(p.id) + ("^" if p.start <= card.as_of < p.end else "")


def scorecard_table(card: Scorecard, style: Any = None, columns: int = TEXT_WIDTH) -> str:
    """A terminal table: commitments down (grouped), periods across, a symbol per cell; the
    legend and totals wrap at words to ``columns`` (the CLI passes the terminal's width)."""
    style = style or (lambda text, status: text)
    out: list[str] = []
    labels = [f"basket {b} score" for b in {c.basket for c in card.commitments}]
    width = max([len(c.id) for c in card.commitments] + [len(x) for x in labels] + [24])
    cols = [_col(card, p) for p in card.periods]
    colw = max(
        [len(c) for c in cols]
        + [2]
        + [len(str(gs.coverage.observations)) for gs in card.groups.values()]
        + [len(band_text(gs)) for gs in card.groups.values()]
    )
    for state in card.states:
        out.append(f"{state} — scorecard as of {card.as_of.isoformat()}")
        out.append(" " * (width + 3) + " ".join(c.rjust(colw) for c in cols))
        for group, members in _grouped(card):
            out.append(group)
            for c in members:
                cells = []
                for p in card.periods:
                    cell = card.cells[(state, c.id, p.id)]
                    cells.append(style(_symbol(card, state, c.id, p.id).rjust(colw), cell.status))
                out.append(f"  {c.id.ljust(width)} " + " ".join(cells))
        out.append("")
        for g in sorted({c.basket for c in card.commitments}) + ["overall"]:
            vals = []
            cover: list[list[str]] = [[], [], [], []]
            for p in card.periods:
                gs = card.groups[(state, g, p.id)]
                text = group_score_text(gs)
                vals.append(style(text.rjust(colw), gs.status if gs.status != INSUFFICIENT else "not-assessed"))
                nif = gs.status in ("not-in-force", "not-yet")
                numbers = (gs.assessed, gs.in_force, gs.coverage.observations, len(gs.coverage.sources))
                for row, n in zip(cover, numbers, strict=True):
                    row.append(("-" if nif else str(n)).rjust(colw))
            label = "overall score (0-100)" if g == "overall" else f"basket {g} score"
            out.append(f"  {label.ljust(width)} " + " ".join(vals))
            bands = [band_text(card.groups[(state, g, p.id)]) for p in card.periods]
            if any(bands):
                out.append(f"  {'  band'.ljust(width)} " + " ".join(b.rjust(colw) for b in bands))
            for name, row in zip(COVERAGE_ROWS, cover, strict=True):
                out.append(f"  {('  ' + name).ljust(width)} " + " ".join(row))
        counts: dict[str, int] = {}
        for (s, _, _), cell in card.cells.items():
            if s == state:
                counts[cell.status] = counts.get(cell.status, 0) + 1
        total = ", ".join(f"{k} {counts[k]}" for k in SYMBOLS if k in counts)
        out.extend(wrap_text(f"totals: {total}", columns, "  "))
        out.append("")
    out.extend(wrap_entries(LEGEND_ENTRIES, columns))
    out.extend(wrap_text(GROUP_LEGEND, columns))
    return "\n".join(out) + "\n"


def scorecard_markdown_context(card: Scorecard, width: int = TEXT_WIDTH) -> dict[str, Any]:
    """The data of the Markdown scorecard (``markdown/scorecard.md.j2``): per state, its table
    (commitments down, periods across, split so every line fits ``width``), scores and their
    coverage in rows of their own; and the key to the abbreviations, wrapped at ``width``."""
    ids = [p.id for p in card.periods]
    labels = {p.id: _col(card, p) for p in card.periods}
    n = len(ids)
    states = []
    for state in card.states:
        rows: list[tuple[str, Sequence[str]]] = []
        for group, members in _grouped(card):
            rows.append((f"**{md_escape(group)}**", [""] * n))
            for c in members:
                rows.append((f"`{c.id}`", [md_stars(_symbol(card, state, c.id, p.id)) for p in card.periods]))
        for g in sorted({c.basket for c in card.commitments}) + ["overall"]:
            scores, assessed, observed, bands = [], [], [], []
            for p in card.periods:
                gs = card.groups[(state, g, p.id)]
                scores.append(group_score_text(gs).replace("--", "–"))
                bands.append(band_text(gs))
                a, o = group_coverage_texts(gs)
                assessed.append(a)
                observed.append(o)
            rows.append((f"**{'overall' if g == 'overall' else 'basket ' + g} score**", scores))
            if any(bands):
                rows.append(("band", bands))
            rows.append(("assessed/in force", assessed))
            rows.append(("obs./sources", observed))
        table = md_table("commitment", ids, rows, width=width, short=labels.__getitem__)
        states.append({"state": state, "as_of": card.as_of.isoformat(), "table": table})
    years = [i for i in ids if len(i) == 4 and i.isdigit()]
    key = [f"Columns: {short_period(years[0])} = {years[0]} (a year by its last two digits)."] if years else []
    key.append("Cells: " + "; ".join(md_stars(e) for e in LEGEND_ENTRIES) + ".")
    key.append(
        f"Score rows: 0-100; ie = insufficient evidence (fewer than {MIN_COMMITMENTS} commitments assessed or "
        f"fewer than {MIN_OBSERVATIONS} observations); – = nothing assessed. Under each score its coverage: "
        "commitments assessed / in force, observations (obs.) / sources; band = the score's range under the "
        "documented alternative method choices (docs/scoring.md, Method 3)."
    )
    return {"states": states, "key": [wrap_text(k, width) for k in key]}


def scorecard_markdown(card: Scorecard, width: int = TEXT_WIDTH) -> str:
    """The scorecard as Markdown whose every line fits ``width`` characters: per state, one table
    per decade of years (or per run of periods that fits), scores and their coverage in rows of
    their own, and a key to the abbreviations (template ``markdown/scorecard.md.j2``)."""
    return render_markdown("scorecard.md.j2", scorecard=scorecard_markdown_context(card, width))


def render_by_year(table: dict[str, dict[str, dict[str, int]]]) -> str:
    """``stats --by-year``: one line per state and year (observations, sources, kinds of source, commitments cited)."""
    lines = [f"{'state':<6}{'year':<8}{'observations':>13}{'sources':>9}{'kinds':>7}{'commitments':>13}"]
    for state, years in table.items():
        for year, c in years.items():
            counts = f"{c['observations']:>13}{c['sources']:>9}{c['source_kinds']:>7}{c['commitments']:>13}"
            lines.append(f"{state:<6}{year:<8}{counts}")
    return "\n".join(lines) + "\n"
