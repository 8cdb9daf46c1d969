"""Adding observations safely: validate, refuse duplicates, append, and say what changed.

:func:`add` is the whole transaction, under a file lock on the data directory:

1. load the corpus as it is (a broken corpus is reported, not written to);
2. validate each new observation against the model, the registries and the corpus
   (unknown source, kind, case or commitment: a did-you-mean; future dates; duplicates);
3. give each a stable id derived from its content (never reused for another fact);
4. append it to the right file under ``observations/`` as text, so that comments and formatting
   already in the file are kept, into a temporary file beside it (fsynced);
5. load the whole corpus again with the temporary file in place: only a corpus that validates
   replaces the old file (atomic rename), so a write never leaves an invalid corpus;
6. compare the scorecard and the goal verdicts before and after: the cells and verdicts that moved.

A process killed at any point leaves either the old file or the new one (and, at worst, a stray
``.*.tmp`` file, which loading ignores). Concurrent writers queue on the lock and each re-reads
the corpus inside it, so none loses another's observation.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import stat
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, cast

from filelock import FileLock
from pydantic import ValidationError

from helsinki_compliance import storage
from helsinki_compliance.engine import goals as goals_mod
from helsinki_compliance.engine import incremental
from helsinki_compliance.engine.evaluation import Evaluator
from helsinki_compliance.errors import DataError, Problem, UsageError, did_you_mean, format_path
from helsinki_compliance.load import files as loading
from helsinki_compliance.load import pipeline, yaml_reader
from helsinki_compliance.load.semantics import build_corpus
from helsinki_compliance.model.conflicts import find as find_conflicts
from helsinki_compliance.model.corpus import Corpus, Origin, ParsedFile
from helsinki_compliance.model.dates import DateError, parse_date
from helsinki_compliance.model.periods import calendar_periods
from helsinki_compliance.model.records import Observation
from helsinki_compliance.observe import infer

#: the order fields are written in (the order of the bundled files)
FIELD_ORDER = (
    "id",
    "date",
    "dated_by",
    "known_by",
    "state",
    "kind",
    "tags",
    "commitments",
    "cases",
    "metric",
    "standing",
    "law",
    "fact",
    "source",
    "locator",
    "quote",
    "confidence",
    "claim",
    "context",
    "note",
)
LIST_FIELDS = ("tags", "commitments", "cases")

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

LOCK_NAME = ".helsinki-compliance.lock"
HEADER = "# yaml-language-server: $schema=../schemas/observations.schema.json\nobservations:\n"


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


@dataclass(frozen=True)
class Change:
    """One scorecard cell or goal verdict that moved."""

    what: str  # "cell" or "goal"
    state: str
    item: str  # commitment id, or goal-set/goal id
    periods: tuple[str, ...]
    before: str
    after: str

    def __str__(self) -> str:
        span = self.periods[0] if len(self.periods) == 1 else f"{self.periods[0]}-{self.periods[-1]}"
        if self.what == "goal":
            return f"goal {self.item} ({self.state}, {span}): {self.before} -> {self.after}"
        return f"{self.state} {span} {self.item}: {self.before} -> {self.after}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "what": self.what,
            "state": self.state,
            "item": self.item,
            "periods": list(self.periods),
            "before": self.before,
            "after": self.after,
        }


@dataclass
class AddResult:
    ids: list[str]
    files: list[str]
    changes: list[Change]
    warnings: list[Problem]
    written: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "ids": self.ids,
            "files": self.files,
            "written": self.written,
            "changes": [c.to_dict() for c in self.changes],
            "warnings": [str(w) for w in self.warnings],
        }


# ---------------------------------------------------------------- locking


@contextmanager
def corpus_lock(root: Path) -> Iterator[None]:
    """An exclusive lock on the data directory, released if the process dies.

    ``filelock`` uses ``flock`` on POSIX and ``msvcrt.locking`` on Windows, so historians on any
    platform queue instead of overwriting each other's additions.
    """
    obs_dir = root / "observations"
    if obs_dir.is_symlink():
        raise UsageError(f"{obs_dir} is a symbolic link; refused (the corpus is written only inside its own folder)")
    obs_dir.mkdir(parents=True, exist_ok=True)
    lock = obs_dir / LOCK_NAME
    try:  # the lock file must be a regular file here: a symbolic link would create or lock a file elsewhere
        fd = os.open(
            lock, os.O_RDWR | os.O_CREAT | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0), storage.new_file_mode()
        )
    except OSError:
        fd = -1
    try:
        if fd < 0 or not stat.S_ISREG(os.fstat(fd).st_mode):
            raise UsageError(f"{lock}: not a regular file (a symbolic link, pipe or device); refused")
    finally:
        if fd >= 0:
            os.close(fd)
    with FileLock(lock, mode=storage.new_file_mode()):
        yield


# ---------------------------------------------------------------- ids, duplicates, text


def _norm_quote(text: str) -> str:
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
            self.by_quote.setdefault((o.state, o.source, _norm_quote(o.quote)), []).append(o)

    def find(self, obs: Observation) -> list[tuple[str, str]]:
        """Existing observations recording the same fact as ``obs``: (id, why), in corpus order."""
        key = fact_key(obs)
        out = [(o.id, _SAME_FACT) for o in self.by_fact.get(key, ()) if o.id != obs.id]
        facts = {oid for oid, _ in out}
        for o in self.by_quote.get((obs.state, obs.source, _norm_quote(obs.quote)), ()):
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


_PLAIN = re.compile(r"^(?:[a-z][a-z0-9._-]*|[A-Z]{2})$")
_YAML11_WORDS = {"yes", "no", "on", "off", "y", "n", "true", "false", "null"}


def _scalar(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(int(v)) if isinstance(v, float) and v.is_integer() else repr(v)
    text = str(v)
    if _PLAIN.match(text) and text.lower() not in _YAML11_WORDS:
        return text  # ids, kinds, state codes: plain, as in the bundled files
    # a JSON string is a YAML double-quoted scalar, except that YAML folds U+0085, U+2028 and U+2029
    # as line breaks: they are written as YAML escapes, so that every string reads back as given
    quoted = json.dumps(text, ensure_ascii=False)
    return quoted.replace("\x85", "\\N").replace("\u2028", "\\L").replace("\u2029", "\\P")


def observation_yaml(obs: Observation, indent: int = 2) -> str:
    """The YAML text of one list item, in the bundled files' style."""
    data = obs.model_dump(mode="json", exclude_defaults=True)
    unknown = set(data) - set(FIELD_ORDER)
    if unknown:  # a field of the model this writer does not know: never drop it silently
        raise ValueError(f"observation_yaml cannot write field(s) {sorted(unknown)}")
    pad = " " * indent
    lines: list[str] = []
    for key in FIELD_ORDER:
        if key not in data:
            continue
        v = data[key]
        lead = f"{pad}- " if not lines else f"{pad}  "
        if key in LIST_FIELDS:
            lines.append(f"{lead}{key}: [{', '.join(v)}]")
        elif isinstance(v, dict):
            lines.append(f"{lead}{key}:")
            lines.extend(f"{pad}    {k}: {_scalar(x)}" for k, x in v.items())
        else:
            lines.append(f"{lead}{key}: {_scalar(v)}")
    return "\n".join(lines) + "\n"


def append_text(old: str | None, items: Sequence[Observation]) -> tuple[str, list[tuple[int, int]]]:
    """``old`` with ``items`` appended to its ``observations:`` list; and each item's line span."""
    text = HEADER if not old or not old.strip() else old
    if not text.endswith("\n"):
        text += "\n"
    m = re.search(r"^observations:[ \t]*\[\][ \t]*$", text, re.M)
    if m:  # an empty flow list: make it a block list
        text = text[: m.start()] + "observations:" + text[m.end() :]
    found = re.search(r"^([ \t]*)- ", text[text.find("observations:") :], re.M) if "observations:" in text else None
    indent = len(found.group(1)) if found else 2
    spans = []
    line = text.count("\n") + 1
    parts = [text]
    bare = text.endswith("observations:\n")
    for obs in items:  # counted as it grows (counting the whole text per item was quadratic)
        chunk = "" if bare else "\n"  # a blank line between items
        bare = False
        item = observation_yaml(obs, indent)
        start = line + chunk.count("\n")
        parts.append(chunk + item)
        n = item.count("\n")
        spans.append((start, start + n - 1))
        line = start + n
    return "".join(parts), spans


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

    condition, state = opts.get("standing"), str(opts.get("state") or "").upper()
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


def _unsafe_text(d: Draft) -> list[Problem]:
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


# ---------------------------------------------------------------- the transaction


def _files_by_source(corpus: Corpus, own: set[str]) -> dict[str, dict[str, dict[str, int]]]:
    """source -> file of the user's own corpus -> state -> how many observations (one pass)."""
    out: dict[str, dict[str, dict[str, int]]] = {}
    for o in corpus.observations:
        origin = corpus.origin("observations", o.id)
        if origin and origin.file in own:
            states = out.setdefault(o.source, {}).setdefault(origin.file, {})
            states[o.state] = states.get(o.state, 0) + 1
    return out


def _target_for(files: dict[str, dict[str, dict[str, int]]], root: Path, obs: Observation, own: set[str]) -> Path:
    """The file of the user's own corpus holding most observations of the same source and state;
    else of the same source; else ``observations/observations.yaml`` (what ``init`` makes); else
    ``observations/<source>.yaml``. ``files``: :func:`_files_by_source`."""
    counts = {f: (states.get(obs.state, 0), sum(states.values())) for f, states in files.get(obs.source, {}).items()}
    if counts:
        best = sorted(counts.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0]))[0][0]
        return root / best
    default = root / "observations" / "observations.yaml"  # what `init` creates
    if loading.display_path(default, root) in own:
        return default
    return root / "observations" / f"{obs.source}.yaml"


def _check_target(root: Path, target: Path, explicit: bool) -> Path:
    target = target if target.is_absolute() else root / target
    if target.suffix not in (".yaml", ".yml"):
        raise UsageError(f"--to {target}: observation files end in .yaml")
    obs_dir = (root / "observations").resolve()
    real = target.resolve()
    if not explicit and not real.is_relative_to(obs_dir):
        raise UsageError(f"{target} is outside {root / 'observations'}; name it with --to to write there")
    if not real.is_relative_to(root.resolve()):
        raise UsageError(f"--to {target}: observation files must be inside the data directory {root}")
    return target


def _unknown_refs(d: Draft, data: dict[str, Any], corpus: Corpus) -> list[Problem]:
    """Registry references in a draft that failed its model (stage 4 checks the rest once it passes)."""
    voc = corpus.vocabulary
    checks: list[tuple[list[str | int], Any, Any, str]] = [
        (["state"], data.get("state"), corpus.states, "state"),
        (["source"], data.get("source"), corpus.sources, "source"),
        (["kind"], data.get("kind"), voc.kinds, "observation kind"),
    ]
    lists: tuple[tuple[str, Any, str], ...] = (
        ("tags", voc.tags, "tag"),
        ("commitments", corpus.commitments, "commitment"),
        ("cases", corpus.cases, "case"),
    )
    for key, registry, what in lists:
        items = data.get(key)
        if isinstance(items, list):
            checks.extend(([key, i], v, registry, what) for i, v in enumerate(items))
    subs: tuple[tuple[str, str, Any, str], ...] = (
        ("metric", "name", voc.metrics, "metric"),
        ("standing", "condition", voc.conditions, "condition"),
    )
    for key, sub, registry, what in subs:
        if isinstance(data.get(key), dict):
            checks.append(([key, sub], data[key].get(sub), registry, what))
    return [
        d.problem(path, f"unknown {what} {value!r}{did_you_mean(str(value), registry)}{_how_to_add(what)}")
        for path, value, registry, what in checks
        if isinstance(value, str) and value not in registry
    ]


def _how_to_add(what: str) -> str:
    if what == "source":
        return "; to register a new source, use the command helsinki-compliance source add"
    if what in ("observation kind", "tag", "condition", "metric"):
        return "; the valid words: helsinki-compliance vocabulary"
    if what == "state":
        return "; the states and their dates: helsinki-compliance states"
    return ""


def _validate_drafts(
    drafts: Sequence[Draft], corpus: Corpus, today: date | None = None
) -> tuple[list[Observation], list[Problem]]:
    problems: list[Problem] = []
    out: list[Observation] = []
    taken = {o.id for o in corpus.observations}
    for d in drafts:
        unsafe = _unsafe_text(d)
        if unsafe:
            problems.extend(unsafe)
            continue
        try:
            data, _ = infer.normalise(corpus, d.data, infer=False, today=today)
        except infer.FieldError as exc:
            problems.append(d.problem([exc.field], str(exc)))
            continue
        if "id" not in data:
            data["id"] = new_id(data, taken)
        try:
            obs = Observation.model_validate(data)
        except ValidationError as exc:
            for err in exc.errors():
                loc = [p for p in err["loc"] if isinstance(p, (str, int))]
                problems.append(d.problem(loc, loading.pydantic_message(err)))
            problems.extend(_unknown_refs(d, data, corpus))  # so that every mistake shows at once
            continue
        refs = _unknown_refs(d, data, corpus)
        if refs:
            problems.extend(refs)
            continue
        if obs.id in taken:
            problems.append(d.problem(["id"], f"id {obs.id!r} is already used"))
            continue
        taken.add(obs.id)
        out.append(obs)
    return out, problems


def _first_difference(got: Any, want: Any, path: tuple[str | int, ...] = ()) -> list[str | int] | None:
    """The path of the first field where ``got`` and ``want`` (plain data) differ, or None."""
    if isinstance(got, dict) and isinstance(want, dict):
        for k in sorted(set(got) | set(want)):
            if k not in got or k not in want:
                return [*path, k]
            found = _first_difference(got[k], want[k], (*path, k))
            if found is not None:
                return found
        return None
    if isinstance(got, list) and isinstance(want, list) and len(got) == len(want):
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            found = _first_difference(g, w, (*path, i))
            if found is not None:
                return found
        return None
    return None if got == want and type(got) is type(want) else [*path]


def _rewrite(
    problems: Sequence[Problem], display: str, spans: list[tuple[int, int]], drafts: list[Draft]
) -> list[Problem]:
    """Problems found in the candidate file, named by where the user gave the observation."""
    out = []
    for p in problems:
        hit = None
        if p.file == display:
            for (a, b), d in zip(spans, drafts):
                if a <= p.line <= b:
                    hit = d
                    break
        if hit is None:
            out.append(p)
            continue
        path = re.sub(r"^observations\[\d+\]\.?", "", p.path)
        parts: list[str | int] = [int(x) if x.isdigit() else x for x in re.split(r"\.|\[|\]", path) if x]
        out.append(hit.problem(parts, p.message, p.level))
    return out


def add(
    root: Path,
    drafts: Sequence[Draft],
    *,
    target: Path | None = None,
    dry_run: bool = False,
    allow_duplicate: str | None = None,
    today: date | None = None,
    base: Path | None = None,
    base_dirs: Sequence[str] = loading.DATA_DIRS,
    first: int = 1975,
    last: int | None = None,
    cache: bool = False,
) -> AddResult:
    """Validate ``drafts``, append them, and report what changed; all or nothing.

    ``base``: a data directory loaded first (the bundled catalogue for a user's own corpus); its
    files are never written. ``first``/``last``: the years whose cells and verdicts are compared.
    ``cache``: load the corpus through the content-hash cache (see :mod:`.cache`).
    """

    root = Path(root)
    today = today or date.today()
    with corpus_lock(root):
        before = pipeline.load(root, today=today, base=base, base_dirs=base_dirs, cache=cache)
        own = {loading.display_path(p, root) for p in loading.discover(root)}
        new, problems = _validate_drafts(drafts, before, today)
        if problems:
            raise DataError(problems)
        new = _reject_duplicates(before, new, list(drafts), allow_duplicate)
        groups = _choose_targets(root, before, new, list(drafts), target, own)
        temps: dict[Path, Path] = {}
        try:
            spans = _write_temps(groups, temps)
            added, origins, warnings = _validate_candidates(root, before, groups, temps, spans, today)
            after = incremental.add_observations(before, added)
            after.origins = origins
            warnings.extend(_conflict_warnings(after, {o.id for o in added}))
            changes = diff(
                before,
                after,
                sorted({o.state for o in new}),
                first=min([first, *(o.date.start.year for o in new)]),
                last=last or max([1991, *(o.date.end.year for o in new)]),
                as_of=today,
                new=added,
            )
            if not dry_run:
                for real_path, tmp_path in temps.items():
                    storage.replace(tmp_path, real_path)
                temps = {}
            return AddResult(
                list(dict.fromkeys(o.id for o in new)),
                sorted({loading.display_path(t, root) for t in groups}),
                changes,
                warnings,
                not dry_run,
            )
        finally:
            for leftover in temps.values():
                storage.discard(leftover)


def _conflict_warnings(after: Corpus, new_ids: set[str]) -> list[Problem]:
    """A warning for each conflict a new observation takes part in: which reading is kept and why."""
    out = []
    states = {o.state for o in after.observations if o.id in new_ids}
    relevant = [o for o in after.observations if o.state in states and o.fact is not None]
    for c in find_conflicts(relevant, after.sources):
        involved = new_ids & ({c.kept, *c.set_aside})
        for oid in sorted(involved):
            origin = after.origins.get(("observations", oid))
            fate = "is kept" if oid == c.kept else f"is set aside; {c.kept} is kept"
            message = f"reports fact {c.fact!r} differently from other sources: this reading {fate} ({c.reason})"
            out.append(
                Problem(origin.file if origin else "--", origin.line if origin else 0, "fact", message, "warning")
            )
    return out


def _reject_duplicates(
    before: Corpus, new: list[Observation], drafts: list[Draft], allow_duplicate: str | None
) -> list[Observation]:
    """Refuse a draft that repeats a known fact or an earlier draft of the batch, unless allowed (noted)."""
    problems: list[Problem] = []
    first_of: dict[tuple[str, ...], Observation] = {}
    index = DuplicateIndex(before.observations)
    for obs, d in zip(new, drafts, strict=True):
        dups = index.find(obs)
        key = fact_key(obs)
        if key in first_of:
            dups.append((first_of[key].id, "same fact twice in this batch"))
        else:
            first_of[key] = obs
        if dups and not allow_duplicate:
            problems.extend(
                d.problem(
                    ["quote"] if "quote" in why else ["locator"],
                    f"duplicate of {oid} ({why}); pass --allow-duplicate REASON to add it anyway",
                )
                for oid, why in dups
            )
    if problems:
        raise DataError(problems)
    if not allow_duplicate:
        return new
    note = f"Duplicate allowed: {allow_duplicate}"
    return [
        o.model_copy(update={"note": ((o.note + " ") if o.note else "") + note}) if index.find(o) else o for o in new
    ]


def _choose_targets(
    root: Path, before: Corpus, new: list[Observation], drafts: list[Draft], target: Path | None, own: set[str]
) -> dict[Path, list[tuple[Observation, Draft]]]:
    """The file each new observation goes to: ``target``, or the default file for its source and state."""
    groups: dict[Path, list[tuple[Observation, Draft]]] = {}
    files = _files_by_source(before, own) if not target else {}
    checked: dict[Path, Path] = {}
    for obs, d in zip(new, drafts, strict=True):
        want = target or _target_for(files, root, obs, own)
        if want not in checked:
            checked[want] = _check_target(root, want, bool(target))
        t = checked[want]
        groups.setdefault(t, []).append((obs, d))
    return groups


def _write_temps(
    groups: dict[Path, list[tuple[Observation, Draft]]], temps: dict[Path, Path]
) -> dict[Path, list[tuple[int, int]]]:
    """Each target's new text (old text, then the new items appended) to a temp file beside it."""
    spans: dict[Path, list[tuple[int, int]]] = {}
    for t, pairs in groups.items():
        old = t.read_text(encoding="utf-8") if t.exists() else None
        text, spans[t] = append_text(old, [o for o, _ in pairs])
        t.parent.mkdir(parents=True, exist_ok=True)
        temps[t] = storage.write_temp(t, text)
    return spans


def _validate_candidates(
    root: Path,
    before: Corpus,
    groups: dict[Path, list[tuple[Observation, Draft]]],
    temps: dict[Path, Path],
    spans: dict[Path, list[tuple[int, int]]],
    today: date,
) -> tuple[list[Observation], dict[tuple[str, str], Origin], list[Problem]]:
    """Validate each candidate file as it will be: stages 1-3 on the whole file (old and new items),
    stage 4 on the new items against the loaded registries and ids (the rest of the corpus is
    unchanged, under the lock, and validated a moment ago). Raises :class:`DataError`."""
    registries = incremental.registry_files(before)
    errors: list[Problem] = []
    warnings: list[Problem] = []
    added: list[Observation] = []
    origins = dict(before.origins)
    for t, pairs in groups.items():
        display = loading.display_path(t, root)
        cand, found = loading.read_files(root, [temps[t]])
        found = [Problem(display, p.line, p.path, p.message, p.level) for p in found]
        old_count = sum(1 for (kind, _), o in before.origins.items() if kind == "observations" and o.file == display)
        pf = cand[0] if cand else None
        if not found and (
            pf is None
            or pf.key != "observations"
            or len(pf.items) != old_count + len(pairs)
            or [o.id for o in pf.items[old_count:]] != [o.id for o, _ in pairs]
        ):
            message = (
                "appending here did not give the expected observations "
                "(is it an observations file with a block-style list?); use --to another file"
            )
            found.append(Problem(display, 1, "", message))
        elif not found and pf is not None:  # every field of every item reads back as it was given
            for got, (want, d) in zip(pf.items[old_count:], pairs, strict=True):
                field_ = _first_difference(got.model_dump(mode="json"), want.model_dump(mode="json"))
                if field_ is not None:
                    found.append(d.problem(field_, "would not read back as given when written; refused"))
        if pf is not None and not found:
            items = list(pf.items[old_count:])
            item_origins = [Origin(display, o.line, o.path) for o in pf.origins[old_count:]]
            mine = ParsedFile(display, "observations", items, item_origins, temps[t])
            _, sem = build_corpus(root, [*registries, mine], today=today)
            found.extend(p for p in sem if p.file == display)
            added.extend(items)
            origins.update({("observations", o.id): og for o, og in zip(items, item_origins, strict=True)})
        drafts_here = [d for _, d in pairs]
        rewritten = _rewrite(found, display, spans[t], drafts_here)
        errors.extend(p for p in rewritten if p.level == "error")
        warnings.extend(w for w in rewritten if w.level == "warning" and w.file != display)
    if errors:
        raise DataError(errors)
    return added, origins, warnings


# ---------------------------------------------------------------- what changed


def _spans(years: list[tuple[str, str, str]]) -> list[tuple[tuple[str, ...], str, str]]:
    """Group consecutive periods with the same before -> after."""
    out: list[tuple[list[str], str, str]] = []
    for period, b, a in years:
        if out and out[-1][1] == b and out[-1][2] == a and int(out[-1][0][-1]) + 1 == int(period):
            out[-1][0].append(period)
        else:
            out.append(([period], b, a))
    return [(tuple(p), b, a) for p, b, a in out]


def _reading(cell: Any) -> str:
    """A cell as ``changes:`` prints it: its status and (method 2) its score, so score moves show too."""
    return cell.status if cell.score is None else f"{cell.status} {cell.score:.2f}"


def diff(
    before: Corpus,
    after: Corpus,
    states: Sequence[str],
    *,
    first: int,
    last: int,
    as_of: date,
    new: Sequence[Observation] | None = None,
) -> list[Change]:
    """Scorecard cells (yearly) and goal verdicts (as of each year's end) that differ.

    With ``new`` (the observations ``after`` adds), only the cells they can affect are evaluated
    (:func:`.incremental.affected_cells`); without, every cell of ``states``.
    """
    periods = calendar_periods("year", first, last)
    by_id = {p.id: p for p in periods}
    ev_b, ev_a = Evaluator(before), Evaluator(after)
    comms = list(after.commitments.values())
    if new is not None:
        keys = incremental.affected_cells(new, periods, as_of, comms, states)
    else:
        keys = {(s, c.id, p.id) for s in states for c in comms for p in periods}
    changes: list[Change] = []
    for state in states:
        for c in comms:
            moved = []
            for p in periods:
                if (state, c.id, p.id) not in keys:
                    continue
                b = (
                    _reading(ev_b.cell(before.commitments[c.id], state, by_id[p.id], as_of))
                    if c.id in before.commitments
                    else "-"
                )
                a = _reading(ev_a.cell(c, state, p, as_of))
                if a != b:
                    moved.append((p.id, b, a))
            changes.extend(Change("cell", state, c.id, ps, b, a) for ps, b, a in _spans(moved))

        for gs in after.goal_sets.values():
            if gs.state != state:
                continue
            tb = goals_mod.timeline(before, periods, gs.id, state=state, as_of=as_of)["timeline"]
            ta = goals_mod.timeline(after, periods, gs.id, state=state, as_of=as_of)["timeline"]
            for goal in gs.goals:
                moved = [
                    (rb["period"], rb["verdicts"][goal.id], ra["verdicts"][goal.id])
                    for rb, ra in zip(tb, ta)
                    if rb["verdicts"].get(goal.id) != ra["verdicts"][goal.id]
                ]
                changes.extend(Change("goal", state, f"{gs.id}/{goal.id}", ps, b, a) for ps, b, a in _spans(moved))
    return changes


# ---------------------------------------------------------------- list / show


def select(
    corpus: Corpus,
    *,
    state: str | None = None,
    start: date | None = None,
    end: date | None = None,
    kind: str | None = None,
    source: str | None = None,
    commitment: str | None = None,
    case: str | None = None,
    text: str | None = None,
) -> list[Observation]:
    """Observations matching every filter given (dates: the observation's interval overlaps)."""
    needle = _norm_quote(text) if text else None
    out = []
    for o in corpus.observations:
        if state and o.state != state.upper():
            continue
        if start and o.date.end < start:
            continue
        if end and o.date.start > end:
            continue
        if kind and o.kind != kind:
            continue
        if source and o.source != source:
            continue
        if commitment and not any(c.startswith(commitment) for c in o.commitments):
            continue
        if case and case not in o.cases:
            continue
        if needle and needle not in _norm_quote(" ".join([o.id, o.quote, o.note or "", o.locator])):
            continue
        out.append(o)
    return out


def cited_in(corpus: Corpus, obs: Observation, first: int, last: int, as_of: date) -> list[str]:
    """The scorecard cells whose findings cite ``obs`` (yearly periods)."""
    ev = Evaluator(corpus)
    out = []
    for p in calendar_periods("year", first, last):
        for c in corpus.commitments.values():
            cell = ev.cell(c, obs.state, p, as_of)
            if obs.id in cell.observations:
                rules = sorted({f.rule for f in cell.findings if obs.id in f.observations})
                out.append(f"{obs.state} {p.id} {c.id}: {cell.status} (rule {', '.join(rules)})")
    return out
