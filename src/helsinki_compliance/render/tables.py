"""Scorecards as text: a terminal table, Markdown, tidy CSV and JSON (all deterministic)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any

from helsinki_compliance.engine.evaluation import Scorecard
from helsinki_compliance.model.corpus import Corpus

SYMBOLS = {"compliant": "C", "partial": "P", "violation": "V", "not-assessed": ".", "not-in-force": "-"}
COLOURS = {"compliant": "green", "partial": "yellow", "violation": "red"}
LEGEND = "C compliant  P partial  V violation  . not assessed (no evidence)  - not in force  * analyst assessment"


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


def scorecard_csv(card: Scorecard, corpus: Corpus) -> str:
    sources = {o.id: o.source for o in corpus.observations}
    header = [
        "state",
        "period",
        "period_start",
        "period_end",
        "commitment",
        "instrument",
        "basket",
        "chapter",
        "status",
        "score",
        "confidence",
        "computed_status",
        "assessment",
        "observations",
        "sources",
    ]
    rows: list[list[Any]] = [header]
    periods = {p.id: p for p in card.periods}
    comms = {c.id: c for c in card.commitments}
    for state in card.states:
        for p in card.periods:
            for c in card.commitments:
                cell = card.cells[(state, c.id, p.id)]
                obs = cell.observations
                rows.append(
                    [
                        state,
                        p.id,
                        periods[p.id].start.isoformat(),
                        periods[p.id].end.isoformat(),
                        c.id,
                        comms[c.id].instrument,
                        c.basket,
                        c.chapter,
                        cell.status,
                        "" if cell.score is None else f"{cell.score:.4f}",
                        "" if cell.confidence is None else f"{cell.confidence:.4f}",
                        cell.computed_status,
                        cell.assessment.id if cell.assessment else "",
                        ";".join(obs),
                        ";".join(sorted({sources[o] for o in obs if o in sources})),
                    ]
                )
    return write_csv(rows)


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


def _short(pid: str) -> str:
    return pid[2:] if len(pid) == 4 and pid.isdigit() else pid


def scorecard_table(card: Scorecard, style: Any = None) -> str:
    """A terminal table: commitments down (grouped), periods across, a symbol per cell."""
    style = style or (lambda text, status: text)
    out: list[str] = []
    labels = [f"basket {b} score" for b in {c.basket for c in card.commitments}]
    width = max([len(c.id) for c in card.commitments] + [len(x) for x in labels] + [24])
    cols = [_short(p.id) for p in card.periods]
    colw = max([len(c) for c in cols] + [2])
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
            for p in card.periods:
                gs = card.groups[(state, g, p.id)]
                vals.append(style(("--" if gs.score is None else f"{round(gs.score * 100):d}").rjust(colw), gs.status))
            label = "overall score (0-100)" if g == "overall" else f"basket {g} score"
            out.append(f"  {label.ljust(width)} " + " ".join(vals))
        counts: dict[str, int] = {}
        for (s, _, _), cell in card.cells.items():
            if s == state:
                counts[cell.status] = counts.get(cell.status, 0) + 1
        total = ", ".join(f"{k} {counts[k]}" for k in SYMBOLS if k in counts)
        out.append(f"  totals: {total}")
        out.append("")
    out.append(LEGEND)
    return "\n".join(out) + "\n"


def md_escape(text: str) -> str:
    """Escape Markdown control characters and table pipes in text that comes from data."""
    out = []
    for ch in str(text):
        if ch in "\\`*_{}[]()<>#+!|~":
            out.append("\\" + ch)
        elif ch in "\r\n":
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def scorecard_markdown(card: Scorecard) -> str:
    out: list[str] = []
    for state in card.states:
        out.append(f"### {state} — as of {card.as_of.isoformat()}\n")
        out.append("| commitment | " + " | ".join(_short(p.id) for p in card.periods) + " |")
        out.append("|---|" + "---|" * len(card.periods))
        for group, members in _grouped(card):
            out.append(f"| **{md_escape(group)}** |" + " |" * len(card.periods))
            for c in members:
                out.append(
                    f"| `{c.id}` | "
                    + " | ".join(_symbol(card, state, c.id, p.id).replace("*", "\\*") for p in card.periods)
                    + " |"
                )
        for g in sorted({c.basket for c in card.commitments}) + ["overall"]:
            vals = []
            for p in card.periods:
                gs = card.groups[(state, g, p.id)]
                vals.append("–" if gs.score is None else f"{round(gs.score * 100):d}")
            out.append(f"| {'overall' if g == 'overall' else 'basket ' + g} score | " + " | ".join(vals) + " |")
        out.append("")
    out.append(LEGEND.replace("*", "\\*") + "\n")
    return "\n".join(out)
