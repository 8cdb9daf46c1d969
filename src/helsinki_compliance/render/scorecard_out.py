"""A scorecard as data that grows with its cells: counts and scores per cell, evidence in a table of its own.

``scorecard --format json`` (and the ``scorecard`` of a report's JSON) carries, for every cell,
its status, score, confidence and counts (findings, observations, sources), as ``scorecard
--format csv`` does (:func:`.tables.scorecard_csv`); the observation ids behind each finding are a
separate table (:func:`evidence_rows`), written only on request (``scorecard --evidence FILE``,
and in ``report`` the ``-evidence.json`` and ``-evidence.csv`` files beside each state's JSON and
CSV) as JSON, CSV or Parquet (Parquet through pyarrow, when installed).

JSON is written one cell (or evidence row) per line (:func:`json_rows_text`): valid JSON, sorted
keys, deterministic, and diffable line by line, without the indentation that made the old
scorecard grow with its evidence.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from helsinki_compliance.engine.evaluation import Cell, Scorecard
from helsinki_compliance.engine.rules import Finding
from helsinki_compliance.errors import UsageError
from helsinki_compliance.model.corpus import Corpus
from helsinki_compliance.render.tables import write_csv

#: The columns of the evidence table: one row per observation behind a finding of a cell.
EVIDENCE_COLUMNS = (
    "state", "commitment", "period", "rule", "rule_kind", "subject", "status", "severity",
    "scored", "carried", "observation", "source",
)  # fmt: skip
EVIDENCE_FORMATS = ("json", "csv", "parquet")


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


def cell_record(cell: Cell) -> dict[str, Any]:
    """One cell as counts and scores (its evidence ids are in :func:`evidence_rows`)."""
    cv = cell.coverage
    return {
        "state": cell.state,
        "commitment": cell.commitment,
        "period": cell.period,
        "status": cell.status,
        "score": _r(cell.score),
        "confidence": _r(cell.confidence),
        "computed_status": cell.computed_status,
        "computed_score": _r(cell.computed_score),
        "assessment": cell.assessment.id if cell.assessment else None,
        "findings": len(cell.findings),
        "too_old": len(cell.too_old),
        "observations": cv.observations,
        "sources": len(cv.sources),
        "evidence_from": cv.first.isoformat() if cv.first else None,
        "evidence_to": cv.last.isoformat() if cv.last else None,
        "stale_findings": cv.stale,
        "stale": cell.stale,
        "partial_period": cell.partial_period,
    }


def scorecard_record(card: Scorecard) -> dict[str, Any]:
    """The scorecard as data: :meth:`Scorecard.to_dict` with each cell as :func:`cell_record`."""
    d = card.to_dict_head()
    d["cells"] = [cell_record(card.cells[k]) for k in sorted(card.cells)]
    d["groups"] = [card.groups[k].to_dict() for k in sorted(card.groups)]
    return d


def _finding_rows(cell: Cell, f: Finding, sources: dict[str, str]) -> list[list[Any]]:
    head = [cell.state, cell.commitment, cell.period, f.rule, f.rule_kind, f.subject, f.status, f.severity]
    return [[*head, f.scored, f.carried, o, sources.get(o)] for o in f.observations]


def evidence_rows(card: Scorecard, corpus: Corpus) -> list[list[Any]]:
    """Every observation behind every finding of every cell (findings beyond the horizon too,
    with ``scored`` false), in cell order, as rows of :data:`EVIDENCE_COLUMNS`."""
    sources = {o.id: o.source for o in corpus.observations}
    rows: list[list[Any]] = []
    for k in sorted(card.cells):
        cell = card.cells[k]
        for f in (*cell.findings, *cell.too_old):
            rows.extend(_finding_rows(cell, f, sources))
    return rows


def _line(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def json_rows_text(doc: dict[str, Any], tables: tuple[str, ...] = ("cells", "groups", "evidence")) -> str:
    """``doc`` as JSON with each element of its ``tables`` on one line (the rest compact, keys sorted)."""
    parts = []
    for key in sorted(doc):
        value = doc[key]
        if key in tables and isinstance(value, list):
            body = ",\n".join(_line(v) for v in value)
            parts.append(f"{_line(key)}:[\n{body}\n]" if value else f"{_line(key)}:[]")
        else:
            parts.append(f"{_line(key)}:{_line(value)}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def evidence_json(rows: list[list[Any]]) -> str:
    """The evidence table as JSON: ``{"columns": [...], "evidence": [[...], ...]}``, one row per line."""
    return json_rows_text({"columns": list(EVIDENCE_COLUMNS), "evidence": rows})


def evidence_csv(rows: list[list[Any]]) -> str:
    return write_csv([EVIDENCE_COLUMNS, *([("" if v is None else v) for v in r] for r in rows)])


def evidence_parquet(rows: list[list[Any]]) -> bytes:
    """The evidence table as Parquet bytes (needs pyarrow)."""
    try:
        import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]
        import pyarrow.parquet as pq  # type: ignore[import-untyped,unused-ignore]
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise UsageError("Parquet evidence needs pyarrow: pip install pyarrow, or write .json or .csv") from exc
    columns = {name: [r[i] for r in rows] for i, name in enumerate(EVIDENCE_COLUMNS)}
    sink = pa.BufferOutputStream()
    pq.write_table(pa.table(columns), sink, compression="zstd")
    return bytes(sink.getvalue().to_pybytes())


def evidence_format(path: str | Path) -> str:
    """The evidence format a file name asks for, by its suffix (.json, .csv, .parquet)."""
    fmt = Path(path).suffix.lower().lstrip(".")
    if fmt not in EVIDENCE_FORMATS:
        raise UsageError(f"cannot tell the evidence format of {str(path)!r}: name it .json, .csv or .parquet")
    return fmt


def evidence_bytes(rows: list[list[Any]], fmt: str) -> bytes:
    """The evidence table in ``fmt`` (one of :data:`EVIDENCE_FORMATS`)."""
    if fmt == "parquet":
        return evidence_parquet(rows)
    text = evidence_json(rows) if fmt == "json" else evidence_csv(rows)
    return text.encode("utf-8")
