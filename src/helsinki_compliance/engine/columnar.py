"""The corpus as columns: one Arrow row per observation, for the SQL engines and ``export --format parquet``.

The **hot table** (:func:`observation_table`) holds what rules read, nothing else:

* dates as integer day numbers (``date.toordinal()``): ``s``/``e`` the first and last day of the
  observation's date, ``known`` the day it counts from (its ``known_by``, else its end),
  ``law_eff`` the day a legal measure takes effect (null when it is not a law), ``since``;
* repeated strings (state, kind, source, metric, condition, ...) dictionary-encoded;
* ``tags``/``commitments``/``cases`` as lists of strings;
* ``scored``: false for background (``context``). Readings of one fact that disagree are resolved
  as of the evaluation date (model/conflicts.py, ``StateEvidence.scored``): the SQL engines select
  every candidate and the reference's own filter drops the readings set aside at that date, so that
  every engine scores exactly what the reference scores;
* ``r``: the observation's position in the corpus, which fixes every order the reference uses.

Long text (quote, note, locator, dated_by, the date as written) is in a separate **text table**
(:func:`text_table`), read only by ``explain`` and reports. pyarrow is an optional dependency (the
``scale`` extra); it is imported only here, when a table is built.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from helsinki_compliance.engine.predicates import is_law_event, is_ranged_event
from helsinki_compliance.engine.staleness import known_date, law_effective
from helsinki_compliance.errors import UsageError
from helsinki_compliance.model.corpus import Corpus
from helsinki_compliance.storage import MANIFEST, WriteSet, manifest_text, ours, read_manifest, recover, sha256

#: columns stored dictionary-encoded (few distinct values, repeated on every row)
DICTIONARY_COLUMNS = (
    "state",
    "kind",
    "source",
    "conf",
    "metric_name",
    "metric_unit",
    "metric_qualifier",
    "standing_condition",
    "standing_subject",
    "standing_ended_by",
    "attribution_type",
    "hearsay",
)


def require_pyarrow() -> Any:
    """pyarrow, or a UsageError that says how to install it."""
    try:
        import pyarrow as pa
    except ImportError:  # pragma: no cover - depends on the environment
        raise UsageError("the columnar corpus needs pyarrow: pip install 'helsinki-compliance[scale]'") from None
    return pa


# long: one column list per field, filled in one pass over the corpus; splitting it would hide the schema
def observation_columns(corpus: Corpus) -> dict[str, list[Any]]:
    """The hot table as plain Python lists (column name -> values), in corpus order."""
    cols: dict[str, list[Any]] = {
        name: []
        for name in (
            "r",
            "id",
            "state",
            "kind",
            "tags",
            "commitments",
            "cases",
            "source",
            "conf",
            "claim",
            "attribution_type",
            "hearsay",
            "s",
            "e",
            "known",
            "law_eff",
            "law_event",
            "ranged_event",
            "metric_name",
            "metric_value",
            "metric_unit",
            "metric_qualifier",
            "standing_condition",
            "standing_subject",
            "standing_in_effect",
            "standing_ended_by",
            "standing_all_subjects",
            "since",
            "fact",
            "scored",
        )
    }
    for r, o in enumerate(corpus.observations):
        law = law_effective(o)
        m, st = o.metric, o.standing
        cols["r"].append(r)
        cols["id"].append(o.id)
        cols["state"].append(o.state)
        cols["kind"].append(o.kind)
        cols["tags"].append(list(o.tags))
        cols["commitments"].append(list(o.commitments))
        cols["cases"].append(list(o.cases))
        cols["source"].append(o.source)
        cols["conf"].append(o.confidence)
        cols["claim"].append(o.claim)
        cols["attribution_type"].append(o.attribution.type if o.attribution else None)
        cols["hearsay"].append(o.hearsay)
        cols["s"].append(o.date.start.toordinal())
        cols["e"].append(o.date.end.toordinal())
        cols["known"].append(known_date(o).toordinal())
        cols["law_eff"].append(law.toordinal() if law is not None else None)
        cols["law_event"].append(is_law_event(o))
        cols["ranged_event"].append(is_ranged_event(o))
        cols["metric_name"].append(m.name if m else None)
        cols["metric_value"].append(m.value if m else None)
        cols["metric_unit"].append(m.unit if m else None)
        cols["metric_qualifier"].append(m.qualifier if m else None)
        cols["standing_condition"].append(st.condition if st else None)
        cols["standing_subject"].append(st.subject if st else None)
        cols["standing_in_effect"].append(st.in_effect if st else None)
        cols["standing_ended_by"].append(st.ended_by if st else None)
        cols["standing_all_subjects"].append(st.all_subjects if st else None)
        cols["since"].append(st.since.start.toordinal() if st and st.since else None)
        cols["fact"].append(o.fact)
        cols["scored"].append(not o.context)
    return cols


def observation_table(corpus: Corpus) -> Any:
    """The hot table (a ``pyarrow.Table``), repeated strings dictionary-encoded."""
    pa = require_pyarrow()
    cols = observation_columns(corpus)
    types = {
        "r": pa.int32(),
        "s": pa.int32(),
        "e": pa.int32(),
        "known": pa.int32(),
        "law_eff": pa.int32(),
        "since": pa.int32(),
        "metric_value": pa.float64(),
        "tags": pa.list_(pa.string()),
        "commitments": pa.list_(pa.string()),
        "cases": pa.list_(pa.string()),
        "claim": pa.bool_(),
        "law_event": pa.bool_(),
        "ranged_event": pa.bool_(),
        "standing_in_effect": pa.bool_(),
        "standing_all_subjects": pa.bool_(),
        "scored": pa.bool_(),
    }
    arrays = {}
    for name, values in cols.items():
        arr = pa.array(values, type=types.get(name, pa.string()))
        arrays[name] = arr.dictionary_encode() if name in DICTIONARY_COLUMNS else arr
    return pa.table(arrays)


def text_table(corpus: Corpus) -> Any:
    """The long text of every observation (read by explain and reports only), keyed by ``id``."""
    pa = require_pyarrow()
    obs = corpus.observations
    return pa.table(
        {
            "id": pa.array([o.id for o in obs], type=pa.string()),
            "date": pa.array([o.date.text for o in obs], type=pa.string()),
            "dated_by": pa.array([o.dated_by for o in obs], type=pa.string()),
            "locator": pa.array([o.locator for o in obs], type=pa.string()),
            "quote": pa.array([o.quote for o in obs], type=pa.string()),
            "note": pa.array([o.note for o in obs], type=pa.string()),
        }
    )


def plain(table: Any) -> Any:
    """``table`` with dictionary columns decoded (for engines and writers that want plain strings)."""
    pa = require_pyarrow()
    cols = []
    for col in table.columns:
        cols.append(col.cast(col.type.value_type) if pa.types.is_dictionary(col.type) else col)
    return pa.table(cols, names=table.column_names)


def write_parquet(corpus: Corpus, out: Path) -> list[Path]:
    """Write the corpus as Parquet under ``out``: ``observations/state=XX/part-0.parquet`` (the hot table,
    partitioned by state) and ``texts.parquet``; returns the files written, in order.

    The dataset is replaced as one write set (:class:`~helsinki_compliance.storage.WriteSet`): every
    file is written complete first, then all are moved into place together with the manifest
    (``.helsinki-written.json``), and the partition of a state no longer in the corpus is removed in
    the same set; a kill in between is finished by the next export. Only files this tool wrote (listed
    in the manifest, unchanged since) are replaced or removed: any other file at one of the names, or
    a partition it did not write, is refused and nothing is written."""
    pa = require_pyarrow()
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    out = Path(out)
    if out.exists() and not out.is_dir():
        raise UsageError(f"{str(out)!r} exists and is not a directory")
    out.mkdir(parents=True, exist_ok=True)
    recover(out)
    table = observation_table(corpus)
    files: dict[str, bytes] = {}
    state_col = plain(table.select(["state"])).column("state")
    for state in sorted(set(state_col.to_pylist())):
        part = table.filter(pc.equal(state_col, pa.scalar(state)))
        files[f"observations/state={state}/part-0.parquet"] = _parquet_bytes(pq, part.drop_columns(["state"]))
    files["texts.parquet"] = _parquet_bytes(pq, text_table(corpus))
    manifest = read_manifest(out)
    stale = [
        p.relative_to(out).as_posix()
        for p in sorted((out / "observations").glob("state=*/*"))
        if p.relative_to(out).as_posix() not in files and not p.name.startswith(".")  # hidden: temporary files
    ]
    foreign = [n for n in files if not ours(out / n, n, manifest, sha256(files[n]))]
    foreign += [n for n in stale if n not in manifest or not ours(out / n, n, manifest)]
    if foreign:
        raise UsageError(
            f"refusing to replace or remove {', '.join(str(out / n) for n in foreign)}: not written by "
            f"helsinki-compliance (not in {MANIFEST}, or changed since); move it away, or choose another --out"
        )
    written = [out / n for n in files]
    kept = {n: sha for n, sha in manifest.items() if n not in stale}
    with WriteSet(out) as ws:
        for name, raw in files.items():
            ws.write(out / name, raw)
        for name in stale:
            ws.remove(out / name)
        ws.write(out / MANIFEST, manifest_text({**kept, **{n: sha256(raw) for n, raw in files.items()}}))
        ws.commit()
    return written


def _parquet_bytes(pq: Any, table: Any) -> bytes:
    pa = require_pyarrow()
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd")
    return bytes(sink.getvalue().to_pybytes())
