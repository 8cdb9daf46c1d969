"""helsinki-compliance: did a state keep its Helsinki commitments, when, and on what evidence?

The pure core is ``load -> validate -> evaluate -> render``::

    import helsinki_compliance as hc
    corpus = hc.load()                      # the data directory (validated)
    card = hc.scorecard(corpus, states=["SU"], period="year", first=1975, last=1991,
                        as_of=hc.parse_as_of("1991-12-31"))
    card.cell("SU", "hfa.b3.info.broadcast", "1988").status
"""

from __future__ import annotations

from helsinki_compliance.api import (
    catalogue,
    explain,
    find_data_dir,
    load,
    parse_as_of,
    scorecard,
    stats,
    write_schemas,
)
from helsinki_compliance.engine.evaluation import Cell, Scorecard, evaluate
from helsinki_compliance.engine.rules import Finding
from helsinki_compliance.errors import DataError, HelsinkiError, Problem, UsageError
from helsinki_compliance.model.corpus import Corpus
from helsinki_compliance.model.records import Commitment, Observation
from helsinki_compliance.version import __version__

__all__ = [
    "Cell",
    "Commitment",
    "Corpus",
    "DataError",
    "Finding",
    "HelsinkiError",
    "Observation",
    "Problem",
    "Scorecard",
    "UsageError",
    "__version__",
    "catalogue",
    "evaluate",
    "explain",
    "find_data_dir",
    "load",
    "parse_as_of",
    "scorecard",
    "stats",
    "write_schemas",
]
