"""The command-line tool's entry point: the group with every command registered.

Importing the command modules registers their commands on :data:`~helsinki_compliance.cli.app.main`.
"""

from __future__ import annotations

from helsinki_compliance.cli import checks, corpus, goals, observe, reader, reports, scoring  # noqa: F401  (registers)
from helsinki_compliance.cli.app import main, run

__all__ = ["main", "run"]
