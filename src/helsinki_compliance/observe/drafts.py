"""Drafts: new observations as the user gave them (flags, prompts, CSV, JSON or YAML files), with
where each field came from, so that every problem names the flag, column or line; ids and duplicates."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from helsinki_compliance import storage
from helsinki_compliance.errors import DataError, Problem, UsageError, did_you_mean, format_path
from helsinki_compliance.load import yaml_reader
from helsinki_compliance.model.corpus import Corpus
from helsinki_compliance.model.dates import DateError, parse_date
from helsinki_compliance.model.records import Observation
from helsinki_compliance.observe.writer import FIELD_ORDER, LIST_FIELDS

#: observation field (dotted) -> the ``observe add`` flag that sets it
FLAGS = {
    "id": "--id",
    "date": "--date",
    "dated_by": "--dated-by",
    "state": "--state",
    "kind": "--kind",
    "tags": "--tag",
    "commitments": "--commitment",
    "cases": "--case",
    "metric": "--metric",
    "metric.name": "--metric",
    "metric.value": "--value",
    "metric.unit": "--unit",
    "metric.qualifier": "--qualifier",
    "standing": "--standing",
    "standing.condition": "--standing",
    "standing.subject": "--subject",
    "standing.in_effect": "--ended",
    "standing.since": "--since",
    "source": "--source",
    "locator": "--locator",
    "quote": "--quote",
    "confidence": "--confidence",
    "claim": "--claim",
    "note": "--note",
    "known_by": "--known-by",
    "fact": "--fact",
    "law": "--adopted",
    "law.adopted": "--adopted",
    "law.in_force": "--in-force",
}

#: CSV columns for ``observe import`` (list fields separated by ';')
CSV_COLUMNS = (
    *[f for f in FIELD_ORDER if f not in ("metric", "standing", "law")],
    "metric_name",
    "metric_value",
    "metric_unit",
    "metric_qualifier",
    "standing_condition",
    "standing_subject",
    "standing_in_effect",
    "standing_since",
    "law_adopted",
    "law_published",
    "law_in_force",
)


@dataclass(frozen=True)
class Draft:
    """A new observation as the user gave it, and where it came from (for error messages)."""

    data: dict[str, Any]
    file: str = "observe add"
    line: int = 0
    flags: bool = True  # True: name fields by their command-line flag; False: by their YAML path
    positions: dict[tuple[str | int, ...], int] = field(default_factory=dict)
    columns: bool = False  # a CSV row: name fields by their column

    def problem(self, path: Sequence[str | int], message: str, level: str = "error") -> Problem:
        dotted = ".".join(str(p) for p in path)
        if self.flags:
            where = FLAGS.get(dotted) or FLAGS.get(str(path[0]) if path else "", dotted)
            return Problem(self.file, 0, where, message, level)  # type: ignore[arg-type]
        if self.columns:  # a CSV row: name the column
            column = "_".join(str(x) for x in path if isinstance(x, str))
            return Problem(self.file, self.line, column, message, level)  # type: ignore[arg-type]
        line = self.line
        p = tuple(path)
        while p:
            if p in self.positions:
                line = self.positions[p]
                break
            p = p[:-1]
        return Problem(self.file, line, format_path(path), message, level)  # type: ignore[arg-type]


# ---------------------------------------------------------------- ids, duplicates, text


def norm_quote(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return " ".join(text.split()).casefold()


def fact_key(obs: Observation) -> tuple[str, ...]:
    # the condition and subject are part of the fact: two stations ended in one article are two facts
    standing = (obs.standing.condition, obs.standing.subject or "") if obs.standing else ("", "")
    return (obs.state, obs.date.text, obs.kind, obs.source, " ".join(obs.locator.split()).casefold(), *standing)


def new_id(data: dict[str, Any], taken: set[str]) -> str:
    """``<source>.<kind>-<date>-<hash>``: derived from the fact, so a different fact never gets it."""
    digest = hashlib.sha256(
        json.dumps(
            [data.get(k) for k in ("state", "date", "kind", "source", "locator", "quote")],
            sort_keys=True,
            default=str,
        ).encode("utf-8")
    ).hexdigest()
    date_part = re.sub(r"[^a-z0-9]+", "-", str(data.get("date", "")).lower()).strip("-")
    stem = f"{data.get('source', 'obs')}.{data.get('kind', 'observation')}-{date_part}".lower()
    stem = re.sub(r"[^a-z0-9._-]+", "-", stem)[:100]
    for n in range(6, 65, 2):
        candidate = f"{stem}-{digest[:n]}"
        if candidate not in taken:
            return candidate
    raise UsageError("cannot find a free id")  # pragma: no cover - a sha256 collision


class DuplicateIndex:
    """The corpus's observations by fact key and by (state, source, quote): :meth:`find` is a
    dictionary look-up, so checking a batch of n rows against m observations is O(n + m), not O(n*m)."""

    def __init__(self, corpus_obs: Sequence[Observation]) -> None:
        self.by_fact: dict[tuple[str, ...], list[Observation]] = {}
        self.by_quote: dict[tuple[str, str, str], list[Observation]] = {}
        for o in corpus_obs:
            self.by_fact.setdefault(fact_key(o), []).append(o)
            self.by_quote.setdefault((o.state, o.source, norm_quote(o.quote)), []).append(o)

    def find(self, obs: Observation) -> list[tuple[str, str]]:
        """Existing observations recording the same fact as ``obs``: (id, why), in corpus order."""
        key = fact_key(obs)
        out = [(o.id, _SAME_FACT) for o in self.by_fact.get(key, ()) if o.id != obs.id]
        facts = {oid for oid, _ in out}
        for o in self.by_quote.get((obs.state, obs.source, norm_quote(obs.quote)), ()):
            if o.id == obs.id or o.id in facts:
                continue
            if not (o.standing and obs.standing and fact_key(o)[-2:] != key[-2:]):
                out.append((o.id, _SAME_QUOTE))
        return out


_SAME_FACT = "same state, date, kind, source, locator, condition and subject"
_SAME_QUOTE = "same quote from the same source for the same state"


def duplicates(corpus_obs: Sequence[Observation], obs: Observation) -> list[tuple[str, str]]:
    """Existing observations recording the same fact: (id, why). (For many, use :class:`DuplicateIndex`.)"""
    return DuplicateIndex(corpus_obs).find(obs)


# ---------------------------------------------------------------- drafts


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in data.items():
        if v is None or v == () or v == [] or v == "":
            continue
        out[k] = list(v) if isinstance(v, tuple) else v
    return out


def check_field(corpus: Corpus, name: str, value: str) -> str | None:
    """One field of a new observation, checked on its own (for prompts): the problem, or None.

    The whole observation is still validated when it is added; this lets an interactive user
    correct a field at once instead of losing every answer to one bad date.
    """
    text = value.strip()
    if name in ("dated_by", "locator", "quote") and not text:
        return "required"
    if name == "quote" and len(text) > 600:
        return f"{len(text)} characters; a quote is short (at most 600)"
    if name in ("date", "since"):
        try:
            parse_date(text)
        except DateError as exc:
            return str(exc)
    words = [w.strip() for w in text.split(",") if w.strip()]
    registries: dict[str, tuple[Mapping[str, object], str]] = {
        "tags": (corpus.vocabulary.tags, "tag"),
        "commitments": (corpus.commitments, "commitment"),
        "cases": (corpus.cases, "case"),
    }
    if name in registries:
        registry, what = registries[name]
        for w in words:
            if w not in registry:
                return f"unknown {what} {w!r}{did_you_mean(w, registry)}"
    return None


def draft_from_options(opts: dict[str, Any]) -> Draft:
    """A draft from ``observe add`` flags (``None`` = not given)."""
    data = {
        k: opts.get(k)
        for k in (
            "id",
            "date",
            "dated_by",
            "state",
            "kind",
            "tags",
            "commitments",
            "cases",
            "source",
            "locator",
            "quote",
            "confidence",
            "note",
            "known_by",
            "fact",
        )
    }
    if opts.get("adopted") or opts.get("in_force"):
        data["law"] = _clean({"adopted": opts.get("adopted"), "in_force": opts.get("in_force")})
    if data.get("state"):
        data["state"] = str(data["state"]).upper()
    if opts.get("claim"):
        data["claim"] = True
    if opts.get("metric") or opts.get("value") is not None:
        data["metric"] = _clean(
            {
                "name": opts.get("metric"),
                "value": opts.get("value"),
                "unit": opts.get("unit"),
                "qualifier": opts.get("qualifier"),
            }
        )
    opts = {k: v for k, v in opts.items() if k != "all_subjects"}
    if opts.get("standing"):
        standing = _clean({"condition": opts["standing"], "subject": opts.get("subject"), "since": opts.get("since")})
        standing["in_effect"] = not opts.get("ended")  # False is a value, not an absence
        data["standing"] = standing
    return Draft(_clean(data))


def drafts_for_all_subjects(corpus: Corpus, opts: dict[str, Any]) -> list[Draft]:
    """``--standing C --ended --all-subjects``: one draft per subject of C in effect for the state on the date."""

    given = str(opts.get("state") or "")
    condition, state = opts.get("standing"), corpus.state_code(given) or given.upper()
    if not condition or not opts.get("ended") or opts.get("subject"):
        raise UsageError("--all-subjects needs --standing CONDITION and --ended, and no --subject")
    try:
        day = parse_date(str(opts.get("date"))).end
    except DateError as exc:
        raise UsageError(f"--date: {exc}") from None
    latest: dict[str, Observation] = {}
    for o in corpus.observations_of(state):
        st = o.standing
        if st is None or st.condition != condition or st.subject is None or o.claim or o.date.end > day:
            continue
        if st.subject not in latest or (o.date.end, o.id) > (latest[st.subject].date.end, latest[st.subject].id):
            latest[st.subject] = o
    subjects = sorted(s for s, o in latest.items() if o.standing and o.standing.in_effect)
    if not subjects:
        raise UsageError(f"--all-subjects: no subject of {condition} is in effect for {state} on {day}")
    return [draft_from_options({**opts, "subject": s}) for s in subjects]


def _bool(text: str) -> bool | str:
    t = text.strip().lower()
    if t in ("true", "yes", "y", "1"):
        return True
    if t in ("false", "no", "n", "0", ""):
        return False
    return text


def _number(text: str) -> float | str:
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return text


def _row_to_data(row: dict[str, str]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for k, v in row.items():
        v = (v or "").strip()
        if not v or k.startswith(("metric_", "standing_", "law_")):
            continue
        if k in LIST_FIELDS:
            data[k] = [x.strip() for x in re.split(r"[;,]", v) if x.strip()]
        elif k in ("claim", "context"):
            data[k] = _bool(v)
        else:
            data[k] = v
    if (row.get("metric_name") or "").strip():
        data["metric"] = _clean(
            {
                "name": row.get("metric_name", "").strip(),
                "value": _number(row.get("metric_value", "") or ""),
                "unit": (row.get("metric_unit") or "").strip(),
                "qualifier": (row.get("metric_qualifier") or "").strip(),
            }
        )
    if (row.get("standing_condition") or "").strip():
        data["standing"] = _clean(
            {
                "condition": row.get("standing_condition", "").strip(),
                "subject": (row.get("standing_subject") or "").strip(),
                "since": (row.get("standing_since") or "").strip(),
            }
        )
        data["standing"]["in_effect"] = _bool(row.get("standing_in_effect") or "true")
    law = {k: (row.get(f"law_{k}") or "").strip() for k in ("adopted", "published", "in_force")}
    if any(law.values()):
        data["law"] = _clean(law)
    return data


def drafts_from_file(path: Path, display: str | None = None) -> list[Draft]:
    """Drafts from a CSV, JSON or YAML file; raises :class:`DataError` with every row's problem."""
    name = display or str(path)
    try:  # the tool's one bounded, non-blocking reader: a FIFO or /dev/zero is refused, not read forever
        raw = storage.read_bounded(path, yaml_reader.MAX_BYTES)
    except storage.RefusedFile as exc:
        raise DataError([Problem(name, 0, "", exc.message)]) from None
    except OSError as exc:
        raise DataError([Problem(name, 0, "", f"cannot read file: {exc.strerror or exc}")]) from None
    if path.suffix.lower() == ".csv":
        return _drafts_from_csv(raw, name)
    try:
        doc = yaml_reader.load(raw)  # JSON is read by the same safe loader: it gives line numbers
    except yaml_reader.YamlError as exc:
        raise DataError([Problem(name, exc.line, "", exc.message)]) from None
    data, prefix = doc.data, cast(tuple[str, ...], ())
    if isinstance(data, dict) and set(data) == {"observations"}:
        data, prefix = data["observations"], ("observations",)
    elif isinstance(data, dict):
        data = [data]
        return [Draft(data[0], name, doc.line(()), False, _shift(doc.positions, (), ()))]
    if not isinstance(data, list) or not data:
        raise DataError(
            [
                Problem(
                    name,
                    1,
                    "",
                    "expected an observation, a list of observations, or a mapping with the key 'observations'",
                )
            ]
        )
    drafts = []
    for i, item in enumerate(data):
        if not isinstance(item, dict):
            raise DataError([Problem(name, doc.line((*prefix, i)), format_path([*prefix, i]), "expected a mapping")])
        drafts.append(Draft(item, name, doc.line((*prefix, i)), False, _shift(doc.positions, (*prefix, i), ())))
    return drafts


def _shift(positions: dict[Any, int], prefix: tuple[Any, ...], new: tuple[Any, ...]) -> dict[Any, int]:
    n = len(prefix)
    return {new + k[n:]: v for k, v in positions.items() if k[:n] == prefix}


def _drafts_from_csv(raw: bytes, name: str) -> list[Draft]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError([Problem(name, 0, "", f"not UTF-8 text (byte {exc.start})")]) from None
    # a cell may be as long as the file (the file is bounded); csv's own limit (128 KiB) would crash
    csv.field_size_limit(max(csv.field_size_limit(), yaml_reader.MAX_BYTES + 1))
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader, [])]
        bad = [h for h in header if h not in CSV_COLUMNS]
        if bad:
            raise DataError([Problem(name, 1, h, f"unknown column{did_you_mean(h, CSV_COLUMNS)}") for h in bad])
        twice = sorted({h for h in header if header.count(h) > 1})
        if twice:
            raise DataError([Problem(name, 1, h, "column given more than once") for h in twice])
        drafts = []
        problems = []
        line = 1
        for cells in reader:
            line_start = line + 1
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if len(cells) > len(header):
                problems.append(
                    Problem(name, line_start, "", f"{len(cells)} cells, but the header names {len(header)} columns")
                )
                continue
            row = dict(zip(header, cells))
            drafts.append(Draft(_row_to_data(row), name, line_start, False, columns=True))
    except csv.Error as exc:
        raise DataError([Problem(name, reader.line_num or 1, "", f"CSV: {exc}")]) from None
    if problems:
        raise DataError(problems)
    if not drafts:
        raise DataError([Problem(name, 1, "", "no rows")])
    return drafts


def unsafe_text(d: Draft) -> list[Problem]:
    """A problem for every key or text of a draft with a control or bidirectional character."""
    out: list[Problem] = []
    stack: list[tuple[list[str | int], Any]] = [([], d.data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            for k, v in value.items():
                why = yaml_reader.unsafe_text_message(str(k))
                if why:
                    out.append(d.problem(path, why))
                else:
                    stack.append(([*path, k], v))
        elif isinstance(value, list):
            stack.extend(([*path, i], v) for i, v in enumerate(value))
        elif isinstance(value, str):
            why = yaml_reader.unsafe_text_message(value)
            if why:
                out.append(d.problem(path, why))
    return out
