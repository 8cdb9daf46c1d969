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

The files of a batch are replaced as one write set (:class:`~helsinki_compliance.storage.WriteSet`):
a process killed before its journal is written leaves the old files (and, at worst, stray
``.*.tmp`` files, which loading ignores); one killed after it leaves the journal, and the next
command that reads or writes the corpus finishes the batch first, so a batch is never half in. Concurrent writers queue on the lock and each re-reads
the corpus inside it, so none loses another's observation.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from helsinki_compliance import storage
from helsinki_compliance.engine import incremental
from helsinki_compliance.engine.evaluation import Evaluator
from helsinki_compliance.errors import DataError, Problem, UsageError, did_you_mean
from helsinki_compliance.load import files as loading
from helsinki_compliance.load import pipeline
from helsinki_compliance.load.config import data_root
from helsinki_compliance.load.semantics import build_corpus
from helsinki_compliance.model import defaults
from helsinki_compliance.model.conflicts import find as find_conflicts
from helsinki_compliance.model.corpus import Corpus, Origin, ParsedFile
from helsinki_compliance.model.periods import calendar_periods
from helsinki_compliance.model.records import Observation
from helsinki_compliance.model.states import suggest_state
from helsinki_compliance.observe import infer
from helsinki_compliance.observe.diff import Change, diff
from helsinki_compliance.observe.drafts import Draft, DuplicateIndex, fact_key, new_id, norm_quote, unsafe_text
from helsinki_compliance.observe.writer import append_text, corpus_lock


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
    """The file to write, absolute: ``target`` as given (a relative one is relative to the data
    directory), checked to be a file that loading reads (under one of the data folders)."""
    target = target if target.is_absolute() else root / target
    if target.suffix not in (".yaml", ".yml"):
        raise UsageError(f"--to {target}: observation files end in .yaml")
    obs_dir = (root / "observations").resolve()
    real = target.resolve()
    if not explicit and not real.is_relative_to(obs_dir):
        raise UsageError(f"{target} is outside {root / 'observations'}; name it with --to to write there")
    if not real.is_relative_to(root.resolve()):
        raise UsageError(f"--to {target}: observation files must be inside the data directory {root}")
    if not any(real.is_relative_to((root / d).resolve()) for d in loading.DATA_DIRS):
        raise UsageError(
            f"--to {target}: not under {', '.join(d + '/' for d in loading.DATA_DIRS)} of the data directory, "
            "so it would never be loaded; write under observations/"
        )
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
        unsafe = unsafe_text(d)
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
    first: int = defaults.FIRST_YEAR,
    last: int | None = None,
    cache: bool = False,
) -> AddResult:
    """Validate ``drafts``, append them, and report what changed; all or nothing.

    ``base``: a data directory loaded first (the bundled catalogue for a user's own corpus); its
    files are never written. ``first``/``last``: the years whose cells and verdicts are compared.
    ``cache``: load the corpus through the content-hash cache (see :mod:`.cache`).
    """

    root = data_root(root)
    today = today or date.today()
    with corpus_lock(root):
        storage.recover(root)  # a batch interrupted by a kill is finished before anything is read
        before = pipeline.load(root, today=today, base=base, base_dirs=base_dirs, cache=cache)
        own = {loading.display_path(p, root) for p in loading.discover(root)}
        new, problems = _validate_drafts(drafts, before, today)
        if problems:
            raise DataError(problems)
        new = _reject_duplicates(before, new, list(drafts), allow_duplicate)
        groups = _choose_targets(root, before, new, list(drafts), target, own)
        temps: dict[Path, Path] = {}
        try:
            spans = _write_temps(root, groups, temps)
            added, origins, warnings = _validate_candidates(root, before, groups, temps, spans, today)
            after = incremental.add_observations(before, added)
            after.origins = origins
            warnings.extend(_conflict_warnings(after, {o.id for o in added}))
            changes = diff(
                before,
                after,
                sorted({o.state for o in new}),
                first=min([first, *(o.date.start.year for o in new)]),
                last=last or max([defaults.LAST_YEAR, *(o.date.end.year for o in new)]),
                as_of=today,
                new=added,
            )
            if not dry_run:  # one write set: every file of the batch or none, also across a kill
                ws = storage.WriteSet(root)
                for real_path, tmp_path in temps.items():
                    ws.move(tmp_path, real_path)
                try:
                    ws.commit()
                finally:
                    if ws.journaled:  # interrupted after the journal: its temporary files finish the batch
                        temps = {}
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


def _changed_old_item(before: Corpus, display: str, pf: ParsedFile) -> int | None:
    """The line of the first observation already in the file that reads back differently from the
    candidate file (None: all as they were)."""
    old = {oid: o.line for (kind, oid), o in before.origins.items() if kind == "observations" and o.file == display}
    by_id = {o.id: o for o in before.observations if o.id in old}
    for item in pf.items:
        was = by_id.get(item.id)
        if was is not None and was.model_dump() != item.model_dump():
            return old[item.id]
    return None


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
    root: Path, groups: dict[Path, list[tuple[Observation, Draft]]], temps: dict[Path, Path]
) -> dict[Path, list[tuple[int, int]]]:
    """Each target's new text (old text, then the new items appended) to a temp file beside it."""
    spans: dict[Path, list[tuple[int, int]]] = {}
    for t, pairs in groups.items():
        old = t.read_text(encoding="utf-8") if t.exists() else None
        text, spans[t] = append_text(old, [o for o, _ in pairs], loading.display_path(t, root))
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
        elif not found and pf is not None and (changed := _changed_old_item(before, display, pf)) is not None:
            # appending must never change what is already there (a block scalar kept open, ``|+``)
            found.append(Problem(display, changed, "", "appending here would change this observation; refused"))
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
    needle = norm_quote(text) if text else None
    code = None
    if state:
        code = corpus.state_code(state)
        if code is None:
            raise UsageError(f"--state: unknown state {state!r}{suggest_state(corpus.states, state)}")
    out = []
    for o in corpus.observations:
        if code and o.state != code:
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
        if needle and needle not in norm_quote(" ".join([o.id, o.quote, o.note or "", o.locator])):
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
