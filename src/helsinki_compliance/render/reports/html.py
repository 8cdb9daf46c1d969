"""HTML through the Jinja2 templates in ``render/templates`` (autoescaped)."""

from __future__ import annotations

from typing import Any

import jinja2

from helsinki_compliance.render.reports.fmt import TEMPLATES

MARKER_NAMES = {
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
