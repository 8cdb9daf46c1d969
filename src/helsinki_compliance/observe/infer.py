"""What a new observation's fields mean in the user's terms, and what can be inferred.

:func:`normalise` is applied to every draft before it is validated (``observe add`` and
``observe import``): vocabulary words are matched case-insensitively (``Medium``, ``Arrest``),
dates written as people write them (``16/01/1989``, ``16.1.1989``, ``January 1989``) become
the corpus's ISO form, a section such as ``Principle VII`` given as a commitment is refused with
the commitment ids it covers, and a state outside its membership dates is refused with the
dates. A minimal observation (state, date, kind, source, locator, quote) gets ``dated_by`` and
``confidence`` inferred. Each inference is returned in words, for the user to see.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date
from typing import Any

from helsinki_compliance.errors import UsageError
from helsinki_compliance.model.corpus import Corpus
from helsinki_compliance.model.dates import DateError, iso_from_user, parse_date
from helsinki_compliance.model.states import membership_error

__all__ = ["normalise", "section_commitments", "FieldError"]


class FieldError(UsageError):
    """A field given in terms the corpus does not use, with what to give instead."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


_CONFIDENCE = ("high", "medium", "low")


def _fold(value: Any, registry: Collection[str]) -> Any:
    """``value`` as spelt in ``registry`` when it differs only by case (else unchanged)."""
    if not isinstance(value, str) or value in registry:
        return value
    hits = [k for k in registry if k.casefold() == value.strip().casefold()]
    return hits[0] if len(hits) == 1 else value


def section_commitments(corpus: Corpus, text: str) -> list[str]:
    """The commitment ids of a section given in words (``Principle VII``, ``basket III``), else []."""
    want = " ".join(text.split()).casefold()
    by_section = sorted(
        c.id
        for c in corpus.commitments.values()
        if (sec := " ".join(c.section.split()).casefold()) == want or sec.startswith((want + ",", want + " "))
    )
    if by_section:
        return by_section
    return sorted(
        c.id
        for c in corpus.commitments.values()
        if want.startswith("basket ") and c.basket.casefold() == want.removeprefix("basket ").strip()
    )


def _date(data: dict[str, Any], key: str, notes: list[str]) -> None:
    value = data.get(key)
    if isinstance(value, str):
        iso = iso_from_user(value)
        if iso is not None and iso != value:
            data[key] = iso
            notes.append(f"{key} {iso} (from {value!r})")


def _membership(corpus: Corpus, data: dict[str, Any], today: date | None) -> None:
    code, when = data.get("state"), data.get("date")
    st = corpus.states.get(code) if isinstance(code, str) else None
    if st is None or not isinstance(when, str):
        return
    try:
        d = parse_date(when)
    except DateError:
        return
    if today is not None and d.start > today:
        return  # a date in the future is refused as such by the validation
    problem = membership_error(corpus.states, st.code, d.start, d.end, when)
    if problem:
        raise FieldError("state", problem)


def normalise(
    corpus: Corpus, data: Mapping[str, Any], *, infer: bool = True, today: date | None = None
) -> tuple[dict[str, Any], list[str]]:
    """The draft's fields in the corpus's terms, and the inferences made, in words.

    Raises :class:`FieldError` for a section given as a commitment and a state outside its dates."""
    out = dict(data)
    notes: list[str] = []
    voc = corpus.vocabulary
    if isinstance(out.get("state"), str):
        out["state"] = corpus.state_code(out["state"]) or out["state"].strip().upper()
    singles: tuple[tuple[str, Collection[str]], ...] = (
        ("kind", voc.kinds),
        ("source", corpus.sources),
        ("confidence", _CONFIDENCE),
    )
    for key, registry in singles:
        out[key] = _fold(out.get(key), registry) if key in out else None
        if out[key] is None:
            del out[key]
    lists: tuple[tuple[str, Collection[str]], ...] = (
        ("tags", voc.tags),
        ("commitments", corpus.commitments),
        ("cases", corpus.cases),
    )
    for key, registry in lists:
        if isinstance(out.get(key), (list, tuple)):
            out[key] = [_fold(v, registry) for v in out[key]]
    subs: tuple[tuple[str, str, Collection[str]], ...] = (
        ("metric", "name", voc.metrics),
        ("standing", "condition", voc.conditions),
    )
    for key, sub, registry in subs:
        if isinstance(out.get(key), dict) and sub in out[key]:
            out[key] = {**out[key], sub: _fold(out[key][sub], registry)}
    for c in out.get("commitments") or []:
        if isinstance(c, str) and c not in corpus.commitments:
            ids = section_commitments(corpus, c)
            if ids:
                raise FieldError(
                    "commitments",
                    f"{c!r} is a section, not a commitment id; it covers {', '.join(ids)}: give the ones the fact bears on",
                )
    _date(out, "date", notes)
    if isinstance(out.get("standing"), dict) and "since" in out["standing"]:
        standing = dict(out["standing"])
        _date(standing, "since", notes)
        out["standing"] = standing
    _membership(corpus, out, today)
    if infer:
        if not out.get("dated_by") and isinstance(out.get("date"), str):
            out["dated_by"] = f"{out['date']}, as entered (the source's own dating words not recorded)"
            notes.append(f"dated_by {out['dated_by']!r}")
        src = corpus.sources.get(out.get("source", "")) if isinstance(out.get("source"), str) else None
        if not out.get("confidence") and src is not None:
            out["confidence"] = src.reliability
            notes.append(f"confidence {src.reliability} (the reliability of source {src.id}, which caps it)")
    return out, notes
