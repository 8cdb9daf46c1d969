"""A reproducible synthetic corpus for benchmarks: OSCE-scale observations, valid against the real catalogue.

:func:`synthesize` writes a data directory that ``helsinki-compliance --data DIR validate`` accepts:

- the real catalogue (``commitments/``, ``goals/``) and registries (``observations/sources.yaml``,
  ``observations/cases*.yaml``) are copied as they are;
- ``observations/sources-synth.yaml`` and ``observations/cases-synth.yaml`` add monitoring-group
  sources and named persons per state (subjects of imprisonment and exile conditions);
- ``observations/synth/<STATE>/<YEAR or DECADE>.yaml`` hold the synthetic observations.

Each synthetic observation is *bootstrapped* from a real one that some rule reads: its kind, tags,
cited commitments and the shape of its standing condition or metric are those of a real observation,
so kinds, tags, conditions and metrics come in the real corpus's proportions. State, date, subject,
figures and wording are drawn afresh:

- states are weighted unevenly (a few states carry most of the evidence, as in the real corpus);
- a date's precision (day, month, quarter, half, year, range) follows the real mix, and its whole
  interval lies inside the state's membership and the requested years; a commitment is cited only
  when it was in force at the observation's start;
- standing conditions begin (``in_effect: true``, sometimes with ``since``) and end
  (``in_effect: false``); imprisonment and exile name a person of the state;
- metrics are drawn from every metric of the vocabulary (emigration, prisoners, ...), with a unit
  that matches and a qualifier mix like the real one.

The output is a pure function of the base data and the arguments: the same seed gives byte-identical
files. YAML is written as text directly (no ``yaml.dump``) so a million records take seconds.
"""

from __future__ import annotations

import json
import math
import os
import random
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from helsinki_compliance.load import yaml_reader
from helsinki_compliance.load.files import DATA_DIRS
from helsinki_compliance.load.semantics import what_rules_read
from helsinki_compliance.model.corpus import Corpus
from helsinki_compliance.model.records import Observation

#: Date precisions and their shares in the real corpus (Nov 2026: range 116, year 49, month 44,
#: day 23, half 2 of 234); quarter is given a small share so that every form occurs.
PRECISIONS: tuple[tuple[str, float], ...] = (
    ("range", 0.46),
    ("year", 0.20),
    ("month", 0.19),
    ("day", 0.12),
    ("half", 0.02),
    ("quarter", 0.01),
)
#: Target size of one observations file; decade files above it are split per year.
FILE_TARGET_BYTES = 2_000_000
#: Conditions whose subject is a named person (a case id of the state).
PERSON_CONDITIONS = frozenset({"imprisonment", "internal-exile"})
#: Share of standing observations that report the condition's end.
ENDED_SHARE = 0.3

_WORDS = (
    "the authorities detained members of the group after a meeting in the capital and confiscated papers "
    "reports of the committee say that the applications were refused again without reasons given "
    "officials announced a new decree on exit visas while relatives waited for permission to leave "
    "broadcasts were jammed in the evening hours although the press reported that jamming had stopped "
    "the court sentenced the defendant to years of labour camp for anti-state agitation and propaganda "
    "a petition signed by writers and scientists was sent to the presidium asking for the release "
    "monitors were warned by the police and their telephones were cut off during the conference week"
).split()
_LOCATORS = ("p. {a}", "para. {a}", "item {a}", "report {b}, item {a}", "bulletin {b}, p. {a}", "n. {a}")
_SOURCE_KINDS = (
    ("ngo-report", "medium"),
    ("ngo-report", "high"),
    ("press", "medium"),
    ("press", "low"),
    ("government-document", "high"),
    ("scholarship", "high"),
)
_METRIC_RANGES = {
    "persons": (10.0, 60_000.0),
    "persons/year": (100.0, 80_000.0),
    "cases": (1.0, 2_000.0),
    "share": (0.0, 1.0),
}
_QUALIFIERS = (("exact", 0.5), ("approx", 0.2), ("above", 0.1), ("below", 0.1), ("at-least", 0.05), ("at-most", 0.05))


@dataclass(frozen=True)
class SynthSummary:
    """What :func:`synthesize` wrote."""

    out: Path
    observations: int
    states: list[str]
    files: int
    bytes: int


@dataclass(frozen=True)
class _Template:
    kind: str
    tags: tuple[str, ...]
    commitments: tuple[str, ...]
    cases: int
    condition: str | None
    subject_mode: str  # none | person | fixed:<subject> | pick (condition with a subject list)
    since: bool
    metric: bool
    confidence: str
    claim: bool


def _q(text: str) -> str:
    """A double-quoted YAML scalar (JSON escapes are valid YAML escapes)."""
    return json.dumps(text, ensure_ascii=False)


def _templates(corpus: Corpus) -> list[_Template]:
    read = what_rules_read(list(corpus.commitments.values()))
    out: list[_Template] = []
    for o in corpus.observations:
        if not read.covers(o):
            continue
        out.append(_template(o, corpus))
    if not out:
        raise ValueError("the base corpus has no observation that a rule reads; nothing to bootstrap from")
    return out


def _template(o: Observation, corpus: Corpus) -> _Template:
    cond = o.standing.condition if o.standing else None
    mode = "none"
    if o.standing and cond is not None:
        allowed = corpus.vocabulary.conditions[cond].subjects
        if cond in PERSON_CONDITIONS:
            mode = "person"
        elif allowed:
            mode = "pick"
        elif o.standing.subject:
            mode = f"fixed:{o.standing.subject}"
    return _Template(
        kind=o.kind,
        tags=o.tags,
        commitments=o.commitments,
        cases=len(o.cases),
        condition=cond,
        subject_mode=mode,
        since=bool(o.standing and o.standing.since),
        metric=o.metric is not None,
        confidence=o.confidence,
        claim=o.claim,
    )


def _split_counts(total: int, weights: Sequence[float]) -> list[int]:
    """Largest-remainder split of ``total`` by ``weights`` (deterministic)."""
    w = sum(weights)
    raw = [total * x / w for x in weights]
    counts = [int(r) for r in raw]
    rest = total - sum(counts)
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - counts[i]), i))
    for i in order[:rest]:
        counts[i] += 1
    return counts


def _month_end(y: int, m: int) -> date:
    return (date(y + (m == 12), m % 12 + 1, 1)) - timedelta(days=1)


class _Dates:
    """Date strings at a precision whose whole interval lies in ``[lo, hi]``."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.names = [p for p, _ in PRECISIONS]
        self.weights = [w for _, w in PRECISIONS]

    def draw(self, lo: date, hi: date) -> tuple[str, date, date]:
        rng = self.rng
        span = (hi - lo).days
        day = lo + timedelta(days=rng.randint(0, span))
        precision = rng.choices(self.names, self.weights)[0]
        y, m = day.year, day.month
        if precision == "year":
            s, e, text = date(y, 1, 1), date(y, 12, 31), f"{y}"
        elif precision == "half":
            h = 1 if m <= 6 else 2
            s, e, text = date(y, 6 * h - 5, 1), _month_end(y, 6 * h), f"{y}-H{h}"
        elif precision == "quarter":
            q = (m - 1) // 3 + 1
            s, e, text = date(y, 3 * q - 2, 1), _month_end(y, 3 * q), f"{y}-Q{q}"
        elif precision == "month":
            s, e, text = date(y, m, 1), _month_end(y, m), f"{y}-{m:02d}"
        elif precision == "range":
            length = int(math.exp(rng.uniform(math.log(2), math.log(720))))
            end = min(day + timedelta(days=length), hi)
            if rng.random() < 0.3 and day.day == 1 and end == _month_end(end.year, end.month):
                text = f"{day.year}-{day.month:02d}/{end.year}-{end.month:02d}"
            else:
                text = f"{day.isoformat()}/{end.isoformat()}"
            s, e = day, end
        else:
            s = e = day
            text = day.isoformat()
        if s < lo or e > hi:  # the coarse interval leaves the window: fall back to the day
            return day.isoformat(), day, day
        return text, s, e

    def month_before(self, lo: date, start: date) -> str:
        """A month-precision ``since`` at or before ``start`` and not before ``lo``'s month."""
        back = self.rng.randint(0, 36)
        y, m = start.year, start.month - back
        while m < 1:
            y, m = y - 1, m + 12
        d = date(y, m, 1)
        if d < date(lo.year, lo.month, 1):
            d = date(lo.year, lo.month, 1)
        return f"{d.year}-{d.month:02d}"


def _words(rng: random.Random, lo: int, hi: int) -> str:
    n = rng.randint(lo, hi)
    start = rng.randrange(len(_WORDS))
    return " ".join(_WORDS[(start + i) % len(_WORDS)] for i in range(n))


#: A marker file in every directory synth writes; ``--force`` replaces only a directory that has it.
MARKER = ".helsinki-synth"


# long: argument checks, then the staging directory that makes the write all or nothing
def synthesize(
    base: Corpus,
    out: Path,
    *,
    observations: int,
    states: int = 57,
    years: tuple[int, int] = (1975, 2025),
    seed: int = 0,
    force: bool = False,
    roots: Sequence[tuple[Path, Sequence[str]]] = (),
) -> SynthSummary:
    """Write a synthetic data directory at ``out`` from the catalogue of ``base`` (see module doc).

    All or nothing: the corpus is written to a staging directory beside ``out`` and moved into
    place only when complete; on any failure nothing is left behind. ``force`` replaces an
    existing directory only if synth wrote it (it carries :data:`MARKER`). ``roots``: the data
    directories ``base`` was loaded from, with their folders (default: ``base.root``, all of them).
    """
    if observations < 1:
        raise ValueError("the number of observations must be at least 1")
    first, last = years
    if last < first:
        raise ValueError(f"years {first}-{last}: the last is before the first")
    window_lo, window_hi = date(first, 1, 1), date(last, 12, 31)
    members = []
    for code, st in sorted(base.states.items()):
        lo = max(st.joined.start, window_lo)
        hi = min(st.left.end if st.left else window_hi, window_hi)
        if lo <= hi:
            members.append((code, lo, hi))
    if not 1 <= states <= len(members):
        raise ValueError(
            f"the number of states must be between 1 and {len(members)} (states participating in {first}-{last})"
        )
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        if not force:
            raise FileExistsError(f"{out} is not empty (force replaces a synthetic corpus written there)")
        if not (out / MARKER).is_file():
            raise FileExistsError(
                f"{out} was not written by synth (no {MARKER}): force replaces only synthetic corpora"
            )
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.synth-", dir=out.parent))
    try:
        summary = _write_corpus(base, staging, members, observations, states, seed, roots)
        (staging / MARKER).write_text(f"written by helsinki-compliance synth, seed {seed}\n", encoding="utf-8")
        _swap_in(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return SynthSummary(out, summary.observations, summary.states, summary.files, summary.bytes)


def _swap_in(staging: Path, out: Path) -> None:
    """Move the finished corpus into place: the whole directory, or each top-level entry over the old one."""
    if not out.exists():
        os.replace(staging, out)
        return
    for entry in sorted(staging.iterdir()):
        target = out / entry.name
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        elif target.exists() or target.is_symlink():
            target.unlink()
        os.replace(entry, target)


class _Generator:
    """The shared state of one run: the random stream, templates, metrics, sources, dates."""

    def __init__(self, base: Corpus, rng: random.Random, sources: list[tuple[str, str, str]]) -> None:
        self.rng = rng
        self.templates = _templates(base)
        self.conditions = base.vocabulary.conditions
        self.endings = sorted(base.vocabulary.endings)  # a person's condition ends for a reason (method 3)
        read_metrics = what_rules_read(list(base.commitments.values())).metrics
        self.metrics = sorted((k, v) for k, v in base.vocabulary.metrics.items() if k in read_metrics)
        self.in_force = {
            c.id: (c.in_force or base.instruments[c.instrument].adopted).start for c in base.commitments.values()
        }
        self.sources = sources
        self.real_sources = sorted(base.sources)
        self.dates = _Dates(rng)
        self.qual_names = [q for q, _ in _QUALIFIERS]
        self.qual_weights = [w for _, w in _QUALIFIERS]

    # long: one observation's YAML, field by field, in the order the real corpus writes them
    def record(self, code: str, lo: date, hi: date, persons: list[str]) -> tuple[date, date, str, str]:
        g = self
        t = g.rng.choices(g.templates, None)[0]
        text, s, e = g.dates.draw(lo, hi)
        lines = [
            f"    date: {_q(text)}",
            f"    dated_by: {_q('reported for ' + text + ', ' + _words(g.rng, 3, 8))}",
            f"    state: {code}",
            f"    kind: {t.kind}",
        ]
        if t.tags:
            lines.append(f"    tags: [{', '.join(t.tags)}]")
        cited = [c for c in t.commitments if g.in_force[c] <= s]
        if cited:
            lines.append(f"    commitments: [{', '.join(cited)}]")
        if t.cases:
            lines.append(f"    cases: [{', '.join(sorted(set(g.rng.choices(persons, k=t.cases))))}]")
        if t.metric:
            name, definition = g.metrics[g.rng.randrange(len(g.metrics))]
            a, b = _METRIC_RANGES.get(definition.unit, (1.0, 10_000.0))
            value = round(g.rng.uniform(a, b), 2) if definition.unit == "share" else g.rng.randint(int(a), int(b))
            lines += [
                "    metric:",
                f"      name: {name}",
                f"      value: {value}",
                f"      unit: {_q(definition.unit)}",
                f"      qualifier: {g.rng.choices(g.qual_names, g.qual_weights)[0]}",
            ]
        if t.condition is not None:
            in_effect = g.rng.random() >= ENDED_SHARE
            lines += ["    standing:", f"      condition: {t.condition}"]
            if t.subject_mode == "person":
                lines.append(f"      subject: {persons[g.rng.randrange(len(persons))]}")
            elif t.subject_mode == "pick":
                allowed = g.conditions[t.condition].subjects or ()
                lines.append(f"      subject: {allowed[g.rng.randrange(len(allowed))]}")
            elif t.subject_mode.startswith("fixed:"):
                lines.append(f"      subject: {_q(t.subject_mode[6:])}")
            lines.append(f"      in_effect: {'true' if in_effect else 'false'}")
            if not in_effect and t.subject_mode == "person" and g.endings:
                # chosen without the random stream, so that the rest of the corpus is unchanged
                lines.append(f"      ended_by: {g.endings[len(lines) % len(g.endings)]}")
            if in_effect and t.since:
                lines.append(f"      since: {_q(g.dates.month_before(lo, s))}")
        if g.rng.random() < 0.8:
            src = g.sources[g.rng.randrange(len(g.sources))][0]
        else:
            src = g.real_sources[g.rng.randrange(len(g.real_sources))]
        loc = _LOCATORS[g.rng.randrange(len(_LOCATORS))].format(a=g.rng.randint(1, 400), b=g.rng.randint(1, 60))
        lines += [
            f"    source: {src}",
            f"    locator: {_q(loc)}",
            f"    quote: {_q(_words(g.rng, 8, 22))}",
            f"    confidence: {t.confidence}",
        ]
        if t.claim:
            lines.append("    claim: true")
        if g.rng.random() < 0.5:
            lines.append(f"    note: {_q(_words(g.rng, 10, 30))}")
        return (s, e, text, "\n".join(lines))


def _write_corpus(
    base: Corpus,
    out: Path,
    members: list[tuple[str, date, date]],
    observations: int,
    states: int,
    seed: int,
    roots: Sequence[tuple[Path, Sequence[str]]] = (),
) -> SynthSummary:
    rng = random.Random(seed)
    chosen = sorted(rng.sample(members, states))
    # uneven weights: a few states carry most of the evidence; scaled by years of membership
    ranks = list(range(1, len(chosen) + 1))
    rng.shuffle(ranks)
    weights = [((hi - lo).days + 1) / 365.25 / r**0.9 for (_, lo, hi), r in zip(chosen, ranks, strict=True)]
    counts = _split_counts(observations, weights)
    _copy_catalogue(roots or [(base.root, DATA_DIRS)], out)
    n_cases = max(10, min(500, observations // 2000))
    sources = _synth_sources(rng, len(chosen))
    case_ids = {code: [f"syn-{code.lower()}-{i:04d}" for i in range(n_cases)] for code, _, _ in chosen}
    _write_registries(out, chosen, case_ids, sources, rng)
    gen = _Generator(base, rng, sources)
    files = 0
    size = 0
    for (code, lo, hi), count in zip(chosen, counts, strict=True):
        records = [gen.record(code, lo, hi, case_ids[code]) for _ in range(count)]
        records.sort(key=lambda r: (r[0], r[1], r[2], r[3]))
        for name, group in _group_files(records):
            data = _file_text(code, name, group).encode("utf-8")
            if len(data) > yaml_reader.MAX_BYTES:  # pragma: no cover - the split keeps files near the target
                raise ValueError(f"{code}/{name}.yaml would be {len(data):,} bytes")
            path = out / "observations" / "synth" / code / f"{name}.yaml"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            files += 1
            size += len(data)
    return SynthSummary(out, observations, [c for c, _, _ in chosen], files, size)


def _file_text(code: str, name: str, group: list[tuple[int, tuple[date, date, str, str]]]) -> str:
    body = [
        "# yaml-language-server: $schema=../../../schemas/observations.schema.json\n",
        f"# Synthetic observations of {code} ({name}); generated, not evidence.\n",
        "observations:\n",
    ]
    for seq, rec in group:
        body.append(f"  - id: syn.{code.lower()}.{seq:07d}\n{rec[3]}\n")
    return "".join(body)


def _group_files(
    records: list[tuple[date, date, str, str]],
) -> list[tuple[str, list[tuple[int, tuple[date, date, str, str]]]]]:
    """Split one state's sorted records into files of at most about :data:`FILE_TARGET_BYTES`.

    A decade goes in one file (``1980s``) when it fits; else each year (``1985``); a year that
    still does not fit is cut into numbered parts (``1985-01``, ``1985-02``, ...). Sizes are the
    records' own, so uneven states and decades never make a file too large.
    """
    by_decade: dict[int, list[tuple[int, tuple[date, date, str, str]]]] = {}
    for seq, rec in enumerate(records):
        by_decade.setdefault(rec[0].year // 10 * 10, []).append((seq, rec))
    out: list[tuple[str, list[tuple[int, tuple[date, date, str, str]]]]] = []
    for decade, items in sorted(by_decade.items()):
        if _size(items) <= FILE_TARGET_BYTES:
            out.append((f"{decade}s", items))
            continue
        by_year: dict[int, list[tuple[int, tuple[date, date, str, str]]]] = {}
        for item in items:
            by_year.setdefault(item[1][0].year, []).append(item)
        for year, year_items in sorted(by_year.items()):
            if _size(year_items) <= FILE_TARGET_BYTES:
                out.append((f"{year}", year_items))
                continue
            part: list[tuple[int, tuple[date, date, str, str]]] = []
            used = 0
            n = 0
            for item in year_items:
                cost = len(item[1][3]) + 40
                if part and used + cost > FILE_TARGET_BYTES:
                    n += 1
                    out.append((f"{year}-{n:02d}", part))
                    part, used = [], 0
                part.append(item)
                used += cost
            n += 1
            out.append((f"{year}-{n:02d}", part))
    return out


def _size(items: list[tuple[int, tuple[date, date, str, str]]]) -> int:
    return sum(len(rec[3]) + 40 for _, rec in items)


def _copy_catalogue(roots: Sequence[tuple[Path, Sequence[str]]], out: Path) -> None:
    """The catalogue of every directory the corpus was loaded from (a user's corpus and what it
    extends), each contributing the folders it was loaded with: a corpus that loads on its own."""
    (out / "observations").mkdir(parents=True, exist_ok=True)
    for n, (root, dirs) in enumerate(roots):
        prefix = f"{n}-" if len(roots) > 1 else ""
        for d in ("commitments", "goals"):
            if d in dirs and (root / d).is_dir():
                for p in sorted((root / d).rglob("*.yaml")):
                    if any(part.startswith(".") for part in p.relative_to(root / d).parts):
                        continue
                    dest = out / d / (prefix + "-".join(p.relative_to(root / d).parts))
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(p, dest)
        obs_dir = root / "observations"
        # the registries of sources and cases, wherever they live (observations/record/sources-*.yaml too)
        for p in sorted(obs_dir.rglob("*.yaml")) if "observations" in dirs and obs_dir.is_dir() else []:
            if p.name.startswith(("sources", "cases")):
                shutil.copyfile(p, out / "observations" / (prefix + "-".join(p.relative_to(obs_dir).parts)))


def _synth_sources(rng: random.Random, n_states: int) -> list[tuple[str, str, str]]:
    n = max(6, min(40, n_states // 2))
    out = []
    for i in range(n):
        kind, reliability = _SOURCE_KINDS[rng.randrange(len(_SOURCE_KINDS))]
        out.append((f"synth-src-{i:02d}", kind, reliability))
    return out


def _write_registries(
    out: Path,
    chosen: list[tuple[str, date, date]],
    case_ids: dict[str, list[str]],
    sources: list[tuple[str, str, str]],
    rng: random.Random,
) -> None:
    lines = ["# Synthetic sources (monitoring groups, press); generated by `helsinki-compliance synth`.", "sources:"]
    for sid, kind, reliability in sources:
        lines += [
            f"  - id: {sid}",
            f"    title: {_q('Synthetic ' + kind + ' ' + sid[-2:])}",
            f"    author: {_q('Synthetic monitoring group ' + sid[-2:])}",
            '    date: "2025"',
            f"    kind: {kind}",
            f"    reliability: {reliability}",
        ]
    (out / "observations" / "sources-synth.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    roles = ("monitor", "political-prisoner", "refusenik", "writer", "human-rights-defender", "scientist")
    lines = [
        "# Synthetic persons, subjects of imprisonment and exile; generated by `helsinki-compliance synth`.",
        "cases:",
    ]
    for code, _, _ in chosen:
        for cid in case_ids[code]:
            picked = sorted(set(rng.choices(roles, k=2)))
            lines += [
                f"  - id: {cid}",
                f"    name: {_q('Person ' + cid[4:].upper())}",
                f"    state: {code}",
                f"    roles: [{', '.join(picked)}]",
            ]
    (out / "observations" / "cases-synth.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
