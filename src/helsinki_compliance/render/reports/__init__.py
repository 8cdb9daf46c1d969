"""Compliance reports: one file set per state (HTML, Markdown, JSON, CSV) and an overview.

:func:`write_report` writes, after :func:`helsinki_compliance.api.report` has evaluated the corpus,
for each state,
``{state}-{period}-{first}-{last}.{html,md,json,csv}`` (for a named period or group such as
``review-meetings``: ``{state}-{period}.{ext}``), the JSON and the CSV each with the evidence
table beside it (``{stem}-evidence.json``, ``{stem}-evidence.csv``), plus, when more than one state is reported,
``overview-{period}-{first}-{last}.{html,md}``.

* **HTML** is one self-contained file (inline CSS and SVG, no script, no external resource):
  scores per basket over time (a matplotlib chart as inline SVG, with the numbers in a table
  beside it), a heatmap of commitments x periods (a class per status *and* a symbol in every
  cell), what got better and worse between consecutive periods, review-meeting dossiers when
  the periods are a named group, goals (when given), a drill-down per commitment listing
  every finding with its evidence, the evidence itself, the sources and the scoring method.
  Everything from data goes through Jinja2 autoescaping.
* **Markdown** has the same scorecard (:func:`.tables.scorecard_markdown`), the changes, the
  dossiers, goals and the findings with their evidence, through the Jinja2 templates in
  ``render/templates/markdown`` (one per section; data escaped by their ``md`` filter,
  :func:`.markdown_templates.md_escape`).
* **JSON**: ``{"report": meta, "scorecard": ..., "observations": {...}, "goals": ...,
  "changes": [...], "dossiers": [...]}`` with sorted keys (:func:`.tables.to_json`).
* **CSV**: :func:`.tables.scorecard_csv` (counts per cell; formula cells neutralised), with its
  evidence table beside it (``...-evidence.csv``), as the JSON has ``...-evidence.json``.

Output is deterministic: no timestamps, sorted iteration, fixed float formatting, charts with
a fixed hash salt and no date. Files are written as one set (:class:`.outputs.OutputSet`: all
rendered first, then moved into place) only under the report's own file names, and replace only
files the manifest says this tool wrote.

One module per section: :mod:`.names` (file names), :mod:`.fmt` (shared formatting),
:mod:`.scores` (basket scores, heatmap, changes), :mod:`.drilldown`, :mod:`.dossiers`,
:mod:`.goals`, :mod:`.evidence`, :mod:`.state` (a state's context), :mod:`.overview`,
:mod:`.html` (Jinja2 templates), :mod:`.markdown` (the Markdown templates' data), :mod:`.json_out`,
:mod:`.write`.
"""

from __future__ import annotations

from helsinki_compliance.render.reports.fmt import shade
from helsinki_compliance.render.reports.names import FORMATS, LIGHT_FORMATS, OVERVIEW_FORMATS, report_names, write_file
from helsinki_compliance.render.reports.overview import overview_context
from helsinki_compliance.render.reports.state import state_context
from helsinki_compliance.render.reports.write import render_overview, render_state, write_report

__all__ = [
    "FORMATS",
    "LIGHT_FORMATS",
    "OVERVIEW_FORMATS",
    "overview_context",
    "render_overview",
    "render_state",
    "report_names",
    "shade",
    "state_context",
    "write_file",
    "write_report",
]
