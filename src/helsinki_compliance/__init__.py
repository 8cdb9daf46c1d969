"""helsinki-compliance: did a state keep its Helsinki commitments, when, and on what evidence?

The pure core is ``load -> validate -> evaluate -> render``::

    import helsinki_compliance as hc
    corpus = hc.load()                      # the data directory (validated)
    card = hc.scorecard(corpus, states=["SU"], period="year", first=1975, last=1991,
                        as_of=hc.parse_as_of("1991-12-31"))
    card.cell("SU", "hfa.b3.info.broadcast", "1988").status
"""

from __future__ import annotations

__version__ = "0.2.0"

from .api import catalogue, explain, find_data_dir, load, parse_as_of, scorecard, stats, write_schemas
from .errors import DataError, HelsinkiError, Problem, UsageError
from .evaluation import Cell, Scorecard, evaluate
from .loading import Corpus
from .models import Commitment, Observation
from .rules import Finding

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
