"""Generated passages of the README and docs/ (cog blocks): each runs a real command or reads a real figure,
so the docs cannot drift from the tool. Regenerate: `cog -r -I docs README.md docs/*.md`; a test runs
`cog --check` (tests/test_docs_fresh.py).

A block looks like this in Markdown (the HTML comments hide the generator from readers):

    <!-- [[[cog import docgen; docgen.console("helsinki-compliance stats") ]]] -->
    ...generated...
    <!-- [[[end]]] -->
"""

from __future__ import annotations

import json
import os
import shlex
import tempfile
import textwrap
from pathlib import Path
from typing import Any

import cog  # type: ignore[import-not-found]  # provided by cogapp while it runs the blocks
from click.testing import CliRunner

from helsinki_compliance import api
from helsinki_compliance.cli.main import main
from helsinki_compliance.model import conflicts

REPO = Path(__file__).resolve().parents[1]


def run(command: str) -> str:
    """What ``command`` (a helsinki-compliance command line) prints, run on the bundled data in this checkout."""
    args = shlex.split(command)
    assert args[0] == "helsinki-compliance", command
    env = {"NO_COLOR": "1", "COLUMNS": "100"}
    old = Path.cwd()
    os.chdir(REPO)
    try:
        result = CliRunner(env=env).invoke(main, args[1:], catch_exceptions=False)
    finally:
        os.chdir(old)
    if result.exit_code not in (0, 1):
        raise RuntimeError(f"{command} exited {result.exit_code}: {result.output}")
    return result.stdout


def console(command: str, lang: str = "text") -> None:
    """A fenced block with the command's output, preceded by the command itself."""
    cog.outl(f"`{command}`\n")
    cog.outl(f"```{lang}")
    cog.out(run(command).rstrip("\n") + "\n")
    cog.outl("```")


def corpus() -> Any:
    return api.load(REPO)


def text(template: str, **figures: Any) -> None:
    """A sentence or paragraph whose figures are computed: ``template`` with ``{name}`` placeholders."""
    cog.outl(template.format(**figures))


# ---------------------------------------------------------------- docs/corpus.md

WARSAW_PACT = ("SU", "PL", "CS", "DD", "HU", "RO", "BG")


def _layer(path: str) -> str:
    return "record" if "/record/" in path else "seed"


def layers_table() -> None:
    """The two layers of the bundled corpus: observations and sources per layer."""
    c = corpus()
    rows: dict[str, tuple[set[str], set[str]]] = {"seed": (set(), set()), "record": (set(), set())}
    for o in c.observations:
        origin = c.origin("observations", o.id)
        layer = _layer(origin.file if origin else "")
        rows[layer][0].add(o.id)
        rows[layer][1].add(o.source)
    stored = sum(1 for s in c.sources.values() if s.text)
    excerpts = sum(1 for s in c.sources.values() if s.text and s.excerpt)
    cog.outl("| layer | where | observations | sources | how quotes are checked |")
    cog.outl("|---|---|---:|---:|---|")
    seed, record = rows["seed"], rows["record"]
    cog.outl(
        f"| the five seed documents | `observations/*.yaml` | {len(seed[0])} | {len(seed[1])} "
        "| verbatim against `../shared/sources/` |"
    )
    cog.outl(
        f"| the documented record, 1975-1991 | `observations/record/` | {len(record[0])} | {len(record[1])} "
        f"| verbatim against `observations/texts/` for the {stored} stored public-domain U.S. government texts "
        f"({excerpts} of them excerpts, marked `excerpt: true`); URL and locator for the others |"
    )


def source_kinds() -> None:
    """Sources of the record by kind, one sentence."""
    c = corpus()
    used = {o.source for o in c.observations}
    counts: dict[str, int] = {}
    for sid in used:
        counts[c.sources[sid].kind] = counts.get(c.sources[sid].kind, 0) + 1
    parts = [f"{kind} {n}" for kind, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    copies = sum(1 for s in c.sources.values() if s.copy_url and not s.url)
    cog.outl(f"Sources by kind: {', '.join(parts)}. {copies} sources were read only on a copy (a mirror or an")
    cog.outl(
        "aggregator): their `copy_url` says where, and they have no `url` until the publisher's own address is found."
    )


def by_year_table(first: int = 1975, last: int = 1991, states: tuple[str, ...] = WARSAW_PACT) -> None:
    """Observations dated within each year, per state, with the kinds of source for 1988-1991."""
    table = api.by_state_year(corpus())
    cog.outl("| year | " + " | ".join(states) + " |")
    cog.outl("|---|" + "---|" * len(states))
    for year in [*(str(y) for y in range(first, last + 1)), "range"]:
        cells = []
        for s in states:
            c = table.get(s, {}).get(year)
            n = c["observations"] if c else 0
            cells.append(f"{n} ({c['source_kinds']})" if c and year >= "1988" and year != "range" else str(n))
        cog.outl(f"| {year} | " + " | ".join(cells) + " |")


# ---------------------------------------------------------------- README: the bundled corpus


def corpus_summary() -> None:
    """The README's figures of the bundled corpus, computed."""
    c = corpus()
    obs = c.observations
    layer = {o.id: _layer((c.origin("observations", o.id) or type("O", (), {"file": ""})).file) for o in obs}
    record = [o for o in obs if layer[o.id] == "record"]
    per_state = {s: sum(1 for o in obs if o.state == s) for s in WARSAW_PACT}
    facts: dict[str, set[str]] = {}
    for o in obs:
        if o.fact:
            facts.setdefault(o.fact, set()).add(o.source)
    shared = sum(1 for sources in facts.values() if len(sources) > 1)
    disputed = len({k.fact for k in conflicts.find(obs, c.sources)})
    stored = [s for s in c.sources.values() if s.text]
    others = ", ".join(
        f"{name} {per_state[code]}"
        for code, name in (
            ("DD", "the GDR"),
            ("PL", "Poland"),
            ("CS", "Czechoslovakia"),
            ("HU", "Hungary"),
            ("RO", "Romania"),
            ("BG", "Bulgaria"),
        )
    )
    paragraph = (
        f"{len(obs)} observations, every one with a source id, a locator, a short exact quote and a date at the "
        f"precision the text supports: {len(obs) - len(record)} from the five seed documents and {len(record)} "
        f"from the documented record ({len({o.source for o in record})} sources); the USSR {per_state['SU']}, "
        f"{others}. {len(stored)} public-domain U.S. government texts are stored in `observations/texts/` "
        f"({sum(1 for s in stored if s.excerpt)} of them excerpts, marked so) and their quotes are checked word for "
        f"word. {shared} facts are reported by several sources (`fact:` keys); {disputed} of them disagree (dates, "
        f"figures, whether a condition held), and every reading is kept. "
        f"{sum(1 for o in obs if o.claim or o.attribution)} observations report a claim, belief, allegation or plan "
        f"(`claim: true` or `attribution:`), never scored as fact; {sum(1 for o in obs if o.context)} are "
        f"background (`context: true`), shown and never scored."
    )
    cog.outl(textwrap.fill(paragraph, 100, break_on_hyphens=False))


# ---------------------------------------------------------------- docs/scoring.md: figures of the bundled corpus


def scorecard_json(state: str, first: int, last: int, as_of: str = "1991-12-31") -> dict[str, Any]:
    command = f"helsinki-compliance scorecard --state {state} --from {first} --to {last} --as-of {as_of} --format json"
    result: dict[str, Any] = json.loads(run(command))
    return result


def overall(state: str, year: int, as_of: str = "1991-12-31") -> dict[str, Any]:
    """The overall group score of ``state`` in ``year`` (a JSON dict: score, assessed, in_force, coverage, band)."""
    card = scorecard_json(state, year, year, as_of)
    return next(g for g in card["groups"] if g["group"] == "overall")


def percent(score: float | None) -> str:
    return "ie" if score is None else str(round(100 * score))


def carried_cells(state: str, year: int, as_of: str = "1991-12-31") -> tuple[int, int]:
    """(cells with a status, cells whose scored findings are all carried in from earlier periods)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "evidence.json"
        card = json.loads(
            run(
                f"helsinki-compliance scorecard --state {state} --from {year} --to {year} --as-of {as_of} "
                f"--format json --evidence {path}"
            )
        )
        evidence = json.loads(path.read_text(encoding="utf-8"))
    col = {name: i for i, name in enumerate(evidence["columns"])}
    fresh = {  # cells with a scored finding not carried in from an earlier period
        (r[col["commitment"]], r[col["period"]])
        for r in evidence["evidence"]
        if r[col["scored"]] and not r[col["carried"]]
    }
    rated = [c for c in card["cells"] if c["status"] in ("compliant", "partial", "violation")]
    carried = [c for c in rated if (c["commitment"], c["period"]) not in fresh]
    return len(rated), len(carried)


def claims() -> int:
    """Observations recording a claim, belief, allegation or plan (never scored as fact)."""
    return sum(1 for o in corpus().observations if o.claim or o.attribution is not None)


def share(state: str, first: int = 1975, last: int = 1991) -> tuple[int, int]:
    """(observations about ``state`` dated within first-last, all observations dated within first-last)."""
    within = [o for o in corpus().observations if first <= o.date.start.year and o.date.end.year <= last]
    return sum(1 for o in within if o.state == state), len(within)
