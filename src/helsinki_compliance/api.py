"""The public Python API: load -> validate -> evaluate -> render, callable from a notebook.

>>> import helsinki_compliance as hc
>>> corpus = hc.load("path/to/data")                                   # doctest: +SKIP
>>> card = hc.scorecard(corpus, states=["SU"], period="year", first=1975, last=1991,
...                     as_of=hc.parse_as_of("1991-12-31"))             # doctest: +SKIP
>>> card.cell("SU", "hfa.b3.info.broadcast", "1988").status            # doctest: +SKIP
'partial'
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from helsinki_compliance.engine.evaluation import Evaluator, Scorecard
from helsinki_compliance.engine.explain import explain_cell
from helsinki_compliance.errors import UsageError, did_you_mean
from helsinki_compliance.load import pipeline
from helsinki_compliance.load.config import DataConfig, data_config
from helsinki_compliance.model.corpus import Corpus
from helsinki_compliance.model.dates import DateError, parse_day
from helsinki_compliance.model.periods import Period, parse_period, select_periods
from helsinki_compliance.model.records import FILE_KINDS

__all__ = [
    "Corpus",
    "DataConfig",
    "data_config",
    "load",
    "find_data_dir",
    "parse_as_of",
    "periods",
    "scorecard",
    "explain",
    "catalogue",
    "stats",
    "write_schemas",
    "schemas",
]


def find_data_dir(data: str | Path | None = None) -> Path:
    """The data directory: ``data`` if given; else ``./`` when it is a data directory (or has a
    ``helsinki-compliance.toml`` / ``[tool.helsinki-compliance]``); else the bundled data."""
    return data_config(data).root


def load(data: str | Path | None = None, *, today: date | None = None, cache: bool = False) -> Corpus:
    """Load and validate a data directory and the data it extends (see :mod:`.config`).

    Raises :class:`DataError` listing every problem with its file, line and field.
    ``cache``: reuse parsed files from ``DIR/.helsinki-cache`` (see :mod:`.cache`)."""
    cfg = data_config(data)
    return pipeline.load(cfg.root, today=today, base=cfg.base, base_dirs=cfg.base_dirs, cache=cache)


def parse_as_of(text: str) -> date:
    """``1987-11-01``, or a partial date meaning its last day (``1987`` = 1987-12-31)."""
    try:
        return parse_day(text)
    except DateError as exc:
        raise UsageError(f"--as-of: {exc}") from None


def _groups(corpus: Corpus) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for p in corpus.periods.values():
        if p.group:
            groups.setdefault(p.group, []).append(p.id)
    return groups


def periods(corpus: Corpus, spec: str, first: int, last: int) -> list[Period]:
    """The periods of a ``--period`` spec (year, half, quarter, month, a named period or group)."""
    return select_periods(spec, corpus.named_periods, first, last, _groups(corpus))


def resolve_states(corpus: Corpus, states: Sequence[str]) -> list[str]:
    if list(states) == ["all"]:
        return sorted({o.state for o in corpus.observations})
    out = []
    for s in states:
        code = s.upper()
        if code not in corpus.states:
            raise UsageError(f"unknown state {s!r}{did_you_mean(code, corpus.states)}")
        out.append(code)
    return out


def scorecard(
    corpus: Corpus,
    *,
    states: Sequence[str],
    period: str = "year",
    first: int = 1975,
    last: int = 1991,
    as_of: date,
    commitments: Sequence[str] | None = None,
) -> Scorecard:
    """Evaluate the corpus into a scorecard; ``commitments`` are id prefixes."""
    chosen = None
    if commitments:
        chosen = [c for c in corpus.commitments.values() if any(c.id.startswith(p) for p in commitments)]
        if not chosen:
            raise UsageError(f"no commitment id starts with {', '.join(commitments)}")
    return Evaluator(corpus).scorecard(
        resolve_states(corpus, states), periods(corpus, period, first, last), as_of, chosen
    )


def explain(corpus: Corpus, commitment: str, *, state: str, period: str, as_of: date) -> dict[str, Any]:
    """Why one cell has its status (a JSON-ready dict; see :mod:`.explain`)."""
    if commitment not in corpus.commitments:
        raise UsageError(f"unknown commitment {commitment!r}{did_you_mean(commitment, corpus.commitments)}")
    (code,) = resolve_states(corpus, [state])
    return explain_cell(corpus, commitment, code, parse_period(period, corpus.named_periods), as_of)


def catalogue(corpus: Corpus, *, state: str | None = None, as_of: date | None = None) -> list[dict[str, Any]]:
    """The commitment catalogue as rows; with ``state``, the date each binds that state."""
    code = resolve_states(corpus, [state])[0] if state else None
    rows = []
    for c in corpus.commitments.values():
        adopted = corpus.instruments[c.instrument].adopted.start
        in_force: date | None = c.in_force.start if c.in_force else adopted
        if code:
            f = corpus.in_force_from(c, code)
            in_force = f
            left = corpus.state_left(code)
            if f and left and f > left:
                in_force = None
        if as_of and in_force and in_force > as_of:
            continue
        rows.append(
            {
                "id": c.id,
                "instrument": c.instrument,
                "section": c.section,
                "title": c.title,
                "basket": c.basket,
                "chapter": c.chapter,
                "weight": c.weight,
                "in_force": in_force.isoformat() if in_force else None,
                "rules": [r.id for r in c.rules],
                "indicators": c.indicators.model_dump(mode="json"),
            }
        )
    return rows


def stats(corpus: Corpus) -> dict[str, Any]:
    """Counts of the corpus by source, state, decade, kind and commitment."""
    obs = corpus.observations
    cited: Counter[str] = Counter(c for o in obs for c in o.commitments)
    # evidence = cited or read by a rule in some period; "without evidence" uses both
    ev = Evaluator(corpus)
    read: set[str] = set(cited)
    first_day, last_day = date(1, 1, 1), date(9999, 12, 31)
    for state in sorted({o.state for o in obs}):
        for c in corpus.commitments.values():
            if c.id in read:
                continue
            start = corpus.in_force_from(c, state)
            if start and ev.findings(c, state, first_day, last_day, last_day, start):
                read.add(c.id)

    def counted(counter: Counter[str]) -> dict[str, int]:
        return dict(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))

    return {
        "observations": len(obs),
        "cases": len(corpus.cases),
        "commitments": len(corpus.commitments),
        "by_source": counted(Counter(o.source for o in obs)),
        "by_state": counted(Counter(o.state for o in obs)),
        "by_decade": dict(sorted(Counter(f"{o.date.start.year // 10 * 10}s" for o in obs).items())),
        "by_kind": counted(Counter(o.kind for o in obs)),
        "by_commitment": counted(cited),
        "claims": sum(1 for o in obs if o.claim),
        "cases_by_state": counted(Counter(c.state for c in corpus.cases.values())),
        "commitments_without_evidence": sorted(set(corpus.commitments) - read),
    }


def schemas() -> dict[str, dict[str, Any]]:
    """The JSON Schema of every file kind, keyed by file name."""
    from pydantic import TypeAdapter

    out = {}
    for key, (model, many) in FILE_KINDS.items():
        inner = TypeAdapter(list[model] if many else model).json_schema()  # type: ignore[valid-type]
        defs = inner.pop("$defs", {})
        schema: dict[str, Any] = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"https://helsinki-compliance.example/schemas/{key.replace('_', '-')}.schema.json",
            "title": f"helsinki-compliance {key} file",
            "type": "object",
            "properties": {key: inner},
            "required": [key],
            "additionalProperties": False,
        }
        if defs:
            schema["$defs"] = defs
        out[f"{key.replace('_', '-')}.schema.json"] = schema
    return out


def write_schemas(out: Path) -> list[Path]:
    """Write the file-format schemas (:func:`schemas`) and the output schemas to ``out``."""
    from helsinki_compliance.render.output_schemas import output_schemas
    from helsinki_compliance.storage import atomic_write

    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in sorted({**schemas(), **output_schemas()}.items()):
        path = out / name
        atomic_write(path, json.dumps(schema, indent=2, sort_keys=True) + "\n")
        written.append(path)
    return written
