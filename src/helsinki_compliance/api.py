"""The public Python API: load -> validate -> evaluate -> render, callable from a notebook.

>>> import helsinki_compliance as hc
>>> corpus = hc.load("path/to/data")                                   # doctest: +SKIP
>>> card = hc.scorecard(corpus, states=["SU"], period="year", first=1975, last=1991,
...                     as_of=hc.parse_as_of("1991-12-31"))             # doctest: +SKIP
>>> card.cell("SU", "hfa.b3.info.broadcast", "1988").status            # doctest: +SKIP
'partial'
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from helsinki_compliance.engine.columnar import write_parquet
from helsinki_compliance.engine.detentions import open_detentions
from helsinki_compliance.engine.diff import diff
from helsinki_compliance.engine.evaluation import Evaluator
from helsinki_compliance.engine.explain import explain_cell
from helsinki_compliance.engine.selection import periods, resolve_states, scorecard
from helsinki_compliance.engine.staleness import corpus_clock
from helsinki_compliance.errors import Problem, UsageError, did_you_mean
from helsinki_compliance.load import pipeline
from helsinki_compliance.load.config import DATA_DIRS, DataConfig, base_chain, data_config, writable
from helsinki_compliance.model.corpus import Corpus
from helsinki_compliance.model.dates import DateError, parse_day
from helsinki_compliance.model.defaults import FIRST_YEAR, LAST_YEAR
from helsinki_compliance.model.periods import parse_period
from helsinki_compliance.render import reports as _reports
from helsinki_compliance.render.file_schemas import schemas, write_schemas
from helsinki_compliance.render.reports import report_names

__all__ = [
    "Corpus",
    "DataConfig",
    "data_config",
    "writable",
    "load",
    "find_data_dir",
    "parse_as_of",
    "default_as_of",
    "periods",
    "scorecard",
    "explain",
    "catalogue",
    "stats",
    "write_schemas",
    "schemas",
    "resolve_states",
    "diff",
    "export_parquet",
    "report",
    "report_names",
]


def find_data_dir(data: str | Path | None = None) -> Path:
    """The data directory: ``data`` if given; else ``./`` when it is a data directory (or has a
    ``helsinki-compliance.toml`` / ``[tool.helsinki-compliance]``); else the bundled data."""
    return data_config(data).root


def load(data: str | Path | None = None, *, today: date | None = None, cache: bool = False) -> Corpus:
    """Load and validate a data directory and the data it extends (see :mod:`.config`).

    Raises :class:`DataError` listing every problem with its file, line and field.
    ``cache``: reuse parsed files from the per-user cache (see :mod:`.cache`)."""
    cfg = data_config(data)
    return pipeline.load(cfg.root, today=today, base=cfg.base, base_dirs=cfg.base_dirs, cache=cache)


def data_roots(data: str | Path | None = None) -> list[tuple[Path, tuple[str, ...]]]:
    """Every directory a corpus is loaded from, with the folders each contributes, farthest first
    (what it extends, in turn, then the data directory itself)."""
    cfg = data_config(data)
    chain = base_chain(cfg.base, cfg.base_dirs) if cfg.base is not None else []
    return [*chain, (cfg.root, DATA_DIRS)]


def default_as_of(corpus: Corpus) -> date:
    """The default as-of date of every command and report: the corpus's clock (engine/staleness.py)."""
    return corpus_clock(corpus.observations)


def open_detention_warnings(corpus: Corpus, own_only: bool = False) -> list[Problem]:
    """`validate`'s warnings about named persons' detentions left open on evidence older than the horizon
    (engine/detentions.py), each at the line of the latest report (``own_only``: not those of a base corpus)."""
    out = []
    for d in open_detentions(corpus):
        origin = corpus.origin("observations", d.last.id)
        file, line = (origin.file, origin.line) if origin else ("observations", 0)
        if not (own_only and Path(file).is_absolute()):
            out.append(Problem(file, line, "standing", d.message(), "warning"))
    return out


def parse_as_of(text: str, what: str = "as-of date") -> date:
    """``1987-11-01``, or a partial date meaning its last day (``1987`` = 1987-12-31)."""
    try:
        return parse_day(text)
    except DateError as exc:
        raise UsageError(f"{what}: {exc}") from None


def explain(corpus: Corpus, commitment: str, *, state: str, period: str, as_of: date) -> dict[str, Any]:
    """Why one cell has its status (a JSON-ready dict; see :mod:`.explain`)."""
    if commitment not in corpus.commitments:
        raise UsageError(f"unknown commitment {commitment!r}{did_you_mean(commitment, corpus.commitments)}")
    chosen = parse_period(period, corpus.named_periods)
    (code,) = resolve_states(corpus, [state], [chosen], period)
    return explain_cell(corpus, commitment, code, chosen, as_of)


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
        "by_state_year": by_state_year(corpus),
    }


def by_state_year(corpus: Corpus) -> dict[str, dict[str, dict[str, int]]]:
    """Coverage per state and year: observations dated within the year, their sources, the kinds of those
    sources (press, government document, ...) and the commitments they cite (observations whose dates span
    several years are counted under "range")."""
    cells: dict[str, dict[str, tuple[int, set[str], set[str]]]] = {}
    for o in corpus.observations:
        year = str(o.date.start.year) if o.date.start.year == o.date.end.year else "range"
        n, srcs, comms = cells.setdefault(o.state, {}).get(year, (0, set(), set()))
        cells[o.state][year] = (n + 1, srcs | {o.source}, comms | set(o.commitments))
    return {
        state: {
            year: {
                "observations": n,
                "sources": len(srcs),
                "source_kinds": len({corpus.sources[s].kind for s in srcs if s in corpus.sources}),
                "commitments": len(comms),
            }
            for year, (n, srcs, comms) in sorted(years.items())
        }
        for state, years in sorted(cells.items())
    }


def export_parquet(corpus: Corpus, out: str | Path) -> list[Path]:
    """Write the validated corpus as Parquet under ``out`` (observations partitioned by state, texts apart;
    see :mod:`.engine.columnar`) and return the files written. Needs pyarrow (the ``scale`` extra).
    An empty ``out`` is refused (it would write into the current directory without saying so)."""
    if not str(out).strip():
        raise UsageError("export: empty output directory; name one ('.' for the current directory)")
    return write_parquet(corpus, Path(out))


def report(
    corpus: Corpus,
    *,
    states: Sequence[str],
    as_of: date,
    out_dir: str | Path,
    period: str = "year",
    first: int = FIRST_YEAR,
    last: int = LAST_YEAR,
    formats: Iterable[str] = _reports.FORMATS,
    goals: dict[str, Any] | None = None,
    progress: Callable[[str], None] | None = None,
    full: Collection[str] | None = None,
    diff: dict[str, Any] | None = None,
) -> list[Path]:
    """Evaluate ``states`` and write their reports to ``out_dir``; return the paths in writing order.

    ``goals``: :func:`.engine.goals.report_goals` data shown in the reports; ``full``: the states
    written in every format (the rest in Markdown and CSV; None: all); ``diff``: an
    :func:`.engine.diff.diff` result shown in each state's report. ``progress`` is called with
    ``"evaluate"`` once, then with each file name before it is rendered: ``1 + len(report_names(...))``
    calls in all."""
    step = progress or (lambda _s: None)
    codes = list(dict.fromkeys(resolve_states(corpus, states)))
    if not codes:
        raise UsageError("no state to report on")
    _reports.report_names(corpus, states=codes, period=period, first=first, last=last, formats=formats, full=full)
    step("evaluate")
    card = scorecard(corpus, states=codes, period=period, first=first, last=last, as_of=as_of, membership=False)
    return _reports.write_report(
        corpus, card, period=period, first=first, last=last, out_dir=out_dir, formats=formats,
        goals=goals, progress=step, full=full, diff=diff,
    )  # fmt: skip
