"""States as people write them: codes, names and aliases (``USSR``, ``East Germany``, ``ČSSR``) in any case.

The names live in ``commitments/states.yaml`` (``name`` and ``aliases`` of each state); this module only
matches. A name is compared after folding case, accents, dots and hyphens (``U.S.S.R.`` = ``ussr``,
``ČSSR`` = ``cssr``). Suggestions for an unknown word rank by name: a word of three letters or more
is compared with names and aliases only, so ``USSR`` suggests SU, never US, and ``GDR`` DD, never GR.
:func:`membership_error` says when a state was not a participating state in the span asked about,
and which state was (its predecessor or successor).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Mapping
from datetime import date

from helsinki_compliance.model.records import State

__all__ = ["fold", "state_names", "find_state", "suggest_state", "membership_error", "label", "short_name"]


def fold(text: str) -> str:
    """A name folded for matching: no accents, case, dots, apostrophes; hyphens and runs of spaces as one space."""
    plain = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    plain = re.sub(r"[.'’]", "", plain.casefold())
    return " ".join(re.sub(r"[-_/,]", " ", plain).split())


def _names(st: State) -> list[str]:
    """The names a state answers to: its name, the name before a parenthesis, its aliases."""
    out = [st.name, *st.aliases]
    if "(" in st.name:
        out.append(st.name.split("(", 1)[0])
    return out


def state_names(states: Mapping[str, State]) -> dict[str, str]:
    """Every folded name and alias -> the state's code (codes themselves are matched separately)."""
    out: dict[str, str] = {}
    for code, st in states.items():
        for name in _names(st):
            out.setdefault(fold(name), code)
    return out


def find_state(states: Mapping[str, State], text: str, names: Mapping[str, str] | None = None) -> str | None:
    """The code of the state ``text`` names (a code, name or alias in any case), else None."""
    code = text.strip().upper()
    if code in states:
        return code
    return (names if names is not None else state_names(states)).get(fold(text))


#: the longest name :func:`short_name` gives as it is
SHORT_NAME = 20


def short_name(st: State) -> str:
    """The state's name as a title or a table row can carry it: its name (before any parenthesis)
    when at most :data:`SHORT_NAME` characters, else its first alias written as a name (``Soviet
    Union`` for the Union of Soviet Socialist Republics), else the name whole."""
    name = st.name.split("(", 1)[0].strip() or st.name
    if len(name) <= SHORT_NAME:
        return name
    for alias in st.aliases:
        if any(ch.islower() for ch in alias) and len(alias) <= SHORT_NAME:
            return alias
    return name


def label(states: Mapping[str, State], code: str) -> str:
    """``CS (Czechoslovakia)``."""
    st = states.get(code)
    return f"{code} ({st.name})" if st else code


#: words of state names too common to suggest a state by
_COMMON = frozenset(
    "and democratic federal federative former of people's peoples republic republics socialist state states the union".split()
)


def suggest_state(states: Mapping[str, State], text: str) -> str:
    """`` (did you mean SU (Union of Soviet Socialist Republics)?)`` for an unknown state, else ``""``.

    A word of three letters or more is compared with names and aliases (whole, and word by word)
    only, never with the two-letter codes, so a name is never taken for a code that shares its
    first letters: ``USSR`` suggests SU, never US."""
    key = fold(text)
    if len(key) <= 2:
        hits = difflib.get_close_matches(text.strip().upper(), sorted(states), n=1, cutoff=0.6)
        return f" (did you mean {label(states, hits[0])}?)" if hits else ""
    # ranked by likeness, then whole names before words of names, then shorter names
    best: tuple[float, int, int, str] = (0.0, 0, 0, "")
    for name, code in sorted(state_names(states).items()):
        words = [w for w in name.split() if len(w) >= 4 and w not in _COMMON] if " " in name else []
        for candidate in (name, *words):
            rank = (difflib.SequenceMatcher(None, key, candidate).ratio(), candidate == name, -len(name), code)
            best = max(best, rank)
    return f" (did you mean {label(states, best[3])}?)" if best[0] >= 0.6 else ""


def _span_text(start: date, end: date) -> str:
    if start.year == end.year:
        whole = start == date(start.year, 1, 1) and end == date(end.year, 12, 31)
        return str(start.year) if whole else (start.isoformat() if start == end else f"{start} to {end}")
    if start == date(start.year, 1, 1) and end == date(end.year, 12, 31):
        return f"{start.year}-{end.year}"
    return f"{start} to {end}"


def membership_error(
    states: Mapping[str, State], code: str, start: date, end: date, asked: str | None = None
) -> str | None:
    """Why ``code`` cannot be asked about for ``start``..``end`` (no day of it a participating
    state), naming its dates and the state probably meant; None when the span meets its membership.

    ``asked`` is the span as the user wrote it (default: the years or dates)."""
    st = states.get(code)
    if st is None:
        return None
    left = st.left.end if st.left else None
    joined = st.joined.start
    if end >= joined and (left is None or start <= left):
        return None
    span = f"is a participating state from {st.joined.text}"
    if st.left:
        span = f"was a participating state from {st.joined.text} to {st.left.text}"
    meant = sorted(
        label(states, s.code)
        for s in states.values()
        if (code in s.successors or s.code in st.successors)
        and s.joined.start <= end
        and (s.left is None or s.left.end >= start)
    )
    when = asked or _span_text(start, end)
    hint = f"; for {when} you probably mean {' or '.join(meant)}" if meant else f", not in {when}"
    return f"{label(states, code)} {span}{hint}"
