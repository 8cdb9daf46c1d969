"""Markdown through Jinja2 templates (``render/templates/markdown/``), as the HTML is rendered.

The Python modules prepare the data (what is shown, in which order, already formatted numbers);
the templates lay it out, one template per section of a report (as :mod:`.reports` has one
module per section), plus the scorecard (``scorecard --format markdown``) and the goal tables
(``goals --format markdown``).

Escaping is defined once, here: the ``md`` filter (:func:`md_escape`) escapes Markdown control
characters and table pipes in text from data; the ``md_stars`` filter escapes only the asterisk,
for the tool's own symbols and legend (``C*`` = an analyst assessment). Tables wider than a line
are split by :func:`md_table` (the cells are measured, so they come to the template as Markdown
text, escaped with the same :func:`md_escape`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import jinja2

#: The Markdown templates (the HTML templates are in the folder above).
TEMPLATES = Path(__file__).parent / "templates" / "markdown"

#: the width the Markdown tables and prose fit (also the terminal scorecard's default)
TEXT_WIDTH = 100

_MD_SPECIAL = "\\`*_{}[]()<>#+!|~"


def md_escape(text: Any) -> str:
    """Escape Markdown control characters and table pipes in text that comes from data (the ``md`` filter)."""
    out = []
    for ch in str(text):
        if ch in _MD_SPECIAL:
            out.append("\\" + ch)
        elif ch in "\r\n":
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def md_stars(text: Any) -> str:
    """Escape the asterisks of the tool's own symbols and legend (the ``md_stars`` filter)."""
    return str(text).replace("*", "\\*")


@functools.lru_cache(maxsize=4)
def _env(folder: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = md_escape
    env.filters["md_stars"] = md_stars
    return env


def render_template(template: str, **ctx: Any) -> str:
    """``template`` rendered with ``ctx``, exactly as the template lays it out."""
    return _env(str(TEMPLATES)).get_template(template).render(**ctx)


def render_markdown(template: str, **ctx: Any) -> str:
    """``template`` rendered with ``ctx``; the text ends with exactly one newline."""
    return render_template(template, **ctx).rstrip("\n") + "\n"


def _md_row(first: str, cells: Sequence[str]) -> str:
    return f"| {first} | " + " | ".join(cells) + " |" if cells else f"| {first} |"


def _md_fits(rows: Sequence[tuple[str, Sequence[str]]], idx: Sequence[int], width: int) -> bool:
    return all(len(_md_row(first, [cells[i] for i in idx])) <= width for first, cells in rows)


def md_column_chunks(ids: Sequence[str], rows: Sequence[tuple[str, Sequence[str]]], width: int) -> list[list[int]]:
    """The columns of a wide Markdown table split so every row fits ``width`` characters: by
    decade when the columns are years (then further where a decade does not fit), else greedily.
    A single column that does not fit stays alone (its rows are as short as they can be)."""
    if all(len(i) == 4 and i.isdigit() for i in ids):
        decades: dict[str, list[int]] = {}
        for n, i in enumerate(ids):
            decades.setdefault(i[:3], []).append(n)
        groups = list(decades.values())
    else:
        groups = [list(range(len(ids)))]
    out: list[list[int]] = []
    for group in groups:
        if _md_fits(rows, group, width):
            out.append(group)
            continue
        chunk: list[int] = []
        for n in group:
            if chunk and not _md_fits(rows, [*chunk, n], width):
                out.append(chunk)
                chunk = []
            chunk.append(n)
        if chunk:
            out.append(chunk)
    return out or [[]]


def md_table(
    first_header: str,
    ids: Sequence[str],
    rows: Sequence[tuple[str, Sequence[str]]],
    *,
    width: int = TEXT_WIDTH,
    short: Callable[[str], str] | None = None,
) -> list[dict[str, Any]]:
    """A table of ``rows`` (first cell, one cell per column of ``ids``; Markdown text) split into
    tables of consecutive columns whose every line fits ``width`` characters. Each part: its
    ``span`` (the ids it covers, named in a heading when there is more than one part), its
    ``header`` and its ``rows`` (lists of cells, the first cell first); the ``table`` macro of
    ``_macros.md.j2`` lays them out."""
    label = short or (lambda i: i)
    header = (first_header, [md_escape(label(i)) for i in ids])
    chunks = md_column_chunks(ids, [header, *rows], width)
    return [
        {
            "span": None
            if len(chunks) == 1
            else (ids[chunk[0]] if len(chunk) == 1 else f"{ids[chunk[0]]}–{ids[chunk[-1]]}"),
            "header": [header[0], *(header[1][i] for i in chunk)],
            "rows": [[first, *(cells[i] for i in chunk)] for first, cells in rows],
        }
        for chunk in chunks
    ]
