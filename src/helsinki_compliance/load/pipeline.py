"""Load a data directory: stages 1-3 (files, structure, models) then stage 4 (semantics)."""

from __future__ import annotations

import gc
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from helsinki_compliance import storage
from helsinki_compliance.errors import DataError, Problem
from helsinki_compliance.load.cache import FileCache
from helsinki_compliance.load.config import base_chain
from helsinki_compliance.load.files import DATA_DIRS, discover, read_files
from helsinki_compliance.load.semantics import build_corpus
from helsinki_compliance.load.snapshot import Snapshots, snapshot_key
from helsinki_compliance.model.corpus import Corpus


def load(
    root: str | Path = ".",
    *,
    today: date | None = None,
    extra_files: Sequence[str | Path] = (),
    base: str | Path | None = None,
    base_dirs: Sequence[str] = DATA_DIRS,
    cache: bool = False,
) -> Corpus:
    """Load and validate the data under ``root``; raise :class:`DataError` on any error.

    ``base`` is another data directory whose files are loaded first (a user's own corpus can
    reuse the bundled catalogue); ``base_dirs`` are the directories of it to load. ``today``
    bounds observation dates (default: no bound).
    ``cache``: read unchanged files from, and write parsed files to, the per-user cache
    (:mod:`.cache`; never anything under ``root``); when nothing changed since a load without
    errors, the validated corpus itself is read back (:mod:`.snapshot`).
    """
    root = Path(root)
    if storage.pending(root):  # a write interrupted by a kill (observe, source add): finished first
        try:
            storage.recover(root)
        except OSError as exc:
            raise DataError([Problem(str(root), 0, "", f"an interrupted write cannot be finished: {exc}")]) from None
    files: list[Path] = []
    if base is not None:  # and what the base extends in turn (load/config.py)
        for directory, dirs in base_chain(Path(base), base_dirs):
            files.extend(discover(directory, dirs=dirs))
    files.extend(discover(root, [Path(p) for p in extra_files]))
    snapshots, key = _snapshot_key(root, files, today) if cache else (None, "")
    # Loading builds millions of small objects and no cycles: the cyclic collector would only
    # re-scan them (about a sixth of a 100k-observation load). It is paused while loading and the
    # caller's setting is restored afterwards.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        hit = snapshots.get(root, key) if snapshots is not None else None
        if hit is not None:
            hit.index.content_key = key
            return hit
        parsed, problems = read_files(root, files, FileCache() if cache else None)
        if any(p.level == "error" for p in problems):  # stage 4 on a partial corpus would only echo them
            raise DataError(problems)
        corpus, more = build_corpus(root, parsed, today=today)
    finally:
        if was_enabled:
            gc.enable()
    problems.extend(more)
    errors = [p for p in problems if p.level == "error"]
    if errors:
        raise DataError(errors)
    assert corpus is not None
    corpus.warnings = sorted(p for p in problems if p.level == "warning")
    corpus.files = [p.path for p in parsed]
    if snapshots is not None:
        snapshots.put(root, key, corpus)
        corpus.index.content_key = key
    return corpus


def _snapshot_key(root: Path, files: Sequence[Path], today: date | None) -> tuple[Snapshots | None, str]:
    """The snapshot store and the key of this load (None when a file cannot be read: no snapshot)."""
    snapshots = Snapshots()
    if snapshots.key is None:
        return None, ""
    try:
        contents = [(p, storage.read_bounded(p)) for p in files]
    except OSError:
        return None, ""
    return snapshots, snapshot_key(root, contents, today)
