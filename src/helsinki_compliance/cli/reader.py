"""Commands for finding valid words and registering sources without reading YAML, and ``diff``.

``vocabulary``, ``states``, ``sources`` list what the loaded corpus knows (``--format json``
too); ``source add`` registers a source; ``diff`` lists every cell and goal that moved between
two as-of dates with the observations that moved it. :func:`complete` gives shell completion
of commitment ids, states, kinds, tags, sources and goal ids from the loaded corpus.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import click
from click.shell_completion import CompletionItem

from helsinki_compliance import api
from helsinki_compliance.cli.app import Ctx, handle_errors, load_corpus, main
from helsinki_compliance.model import defaults
from helsinki_compliance.observe import sources as sources_mod
from helsinki_compliance.render.tables import to_json

__all__ = ["complete"]

_FMT = click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)


def _registry(corpus: api.Corpus, what: str) -> dict[str, str]:
    voc = corpus.vocabulary
    if what == "states":
        return {k: s.name for k, s in corpus.states.items()}
    if what == "commitments":
        return {k: c.title for k, c in corpus.commitments.items()}
    if what == "kinds":
        return dict(voc.kinds)
    if what == "tags":
        return dict(voc.tags)
    if what == "conditions":
        return {k: c.description for k, c in voc.conditions.items()}
    if what == "endings":
        return {k: f"{e.effect}: {e.description}" for k, e in voc.endings.items()}
    if what == "sources":
        return {k: s.title for k, s in corpus.sources.items()}
    if what == "goals":
        return {f"{gs.id}/{g.id}": g.title for gs in corpus.goal_sets.values() for g in gs.goals} | {
            gs.id: gs.title for gs in corpus.goal_sets.values()
        }
    if what == "cases":
        return {k: c.name for k, c in corpus.cases.items()}
    return {}


def complete(what: str) -> Callable[[click.Context, click.Parameter, str], list[CompletionItem]]:
    """A ``shell_complete`` callback offering the ids of ``what`` from the corpus being used."""

    def callback(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
        root = ctx.find_root()
        data = root.params.get("data") if root is not None else None
        try:
            corpus = api.load(data, cache=True)
        except Exception:  # noqa: BLE001 - completion must never print a traceback into the shell
            return []
        return [
            CompletionItem(k, help=v[:60])
            for k, v in sorted(_registry(corpus, what).items())
            if k.casefold().startswith(incomplete.casefold())
        ]

    return callback


def _table(rows: Sequence[Sequence[Any]], header: Sequence[str]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header) - 1)]
    lines = []
    for r in [header, *rows]:
        lines.append("  ".join(str(x).ljust(w) for x, w in zip(r, widths, strict=False)) + "  " + str(r[-1]))
    return "\n".join(lines) + "\n"


@main.command()
@_FMT
@click.pass_obj
@handle_errors
def vocabulary(obj: Ctx, fmt: str) -> None:
    """The words observations use: kinds, tags, standing conditions (with subjects), metrics (with units).

    \b
    Examples:
      helsinki-compliance vocabulary
      helsinki-compliance vocabulary --format json
    """
    voc = load_corpus(obj).vocabulary
    data: dict[str, Any] = {
        "kinds": dict(sorted(voc.kinds.items())),
        "tags": dict(sorted(voc.tags.items())),
        "conditions": {
            k: {"description": c.description, "subjects": list(c.subjects) if c.subjects else None}
            for k, c in sorted(voc.conditions.items())
        },
        "metrics": {k: {"unit": m.unit, "description": m.description} for k, m in sorted(voc.metrics.items())},
    }
    if fmt == "json":
        click.echo(to_json(data), nl=False)
        return
    for title, key in (("kinds", "kinds"), ("tags", "tags")):
        click.echo(f"{title} (--{key[:-1]}):")
        click.echo(_table([(k, v) for k, v in data[key].items()], ("id", "meaning")))
    click.echo("standing conditions (--standing, --subject):")
    rows = [(k, ", ".join(c["subjects"] or ["any"]), c["description"]) for k, c in data["conditions"].items()]
    click.echo(_table(rows, ("id", "subjects", "meaning")))
    click.echo("metrics (--metric, --unit):")
    click.echo(
        _table([(k, m["unit"], m["description"]) for k, m in data["metrics"].items()], ("id", "unit", "meaning"))
    )


@main.command()
@_FMT
@click.pass_obj
@handle_errors
def states(obj: Ctx, fmt: str) -> None:
    """The participating states: codes, names, joined and left dates, successors, aliases.

    A state may be given by its code, name or an alias (USSR, East Germany, ČSSR), in any case.
    An observation about a state outside its dates is refused when it cites a commitment, or
    names a successor for its predecessor's years (Czechoslovakia is CS until 1992; the Czech
    Republic, CZ, from 1993); other background from before a state joined (a law in force, a
    condition carried into its first period) is kept with a warning.
    """
    corpus = load_corpus(obj)
    data = [
        {
            "code": s.code,
            "name": s.name,
            "joined": s.joined.text,
            "left": s.left.text if s.left else None,
            "successors": list(s.successors),
            "aliases": list(s.aliases),
        }
        for s in sorted(corpus.states.values(), key=lambda s: s.code)
    ]
    if fmt == "json":
        click.echo(to_json(data), nl=False)
        return
    rows = [(d["code"], d["joined"], d["left"] or "", d["name"]) for d in data]
    click.echo(_table(rows, ("code", "joined", "left", "name")), nl=False)


@main.command("sources")
@_FMT
@click.pass_obj
@handle_errors
def sources_cmd(obj: Ctx, fmt: str) -> None:
    """The registered sources an observation can cite (add one with `source add`)."""
    corpus = load_corpus(obj)
    data = [s.summary() for s in sorted(corpus.sources.values(), key=lambda s: s.id)]
    if fmt == "json":
        click.echo(to_json(data), nl=False)
        return
    rows = [(d["id"], d["date"], d["reliability"], f"{d['author']}: {d['title']}"[:90]) for d in data]
    click.echo(_table(rows, ("id", "date", "reliability", "author: title")), nl=False)


@main.group()
def source() -> None:
    """Register sources (the documents observations cite)."""


@source.command("add")
@click.option("--id", "sid", required=True, help="[required] A short id of your own, e.g. nyt-1989-01-17.")
@click.option("--title", required=True, help="[required] The source's title.")
@click.option("--author", required=True, help="[required] Author, newspaper or issuing body.")
@click.option("--date", "when", required=True, help="[required] When it was published: 1989-01-17, 1989-01 or 1989.")
@click.option(
    "--kind",
    required=True,
    type=click.Choice(
        ["primary", "government-document", "ngo-report", "scholarship", "secondary", "press", "speech"],
        case_sensitive=False,
    ),
    help="[required] What sort of document it is.",
)
@click.option(
    "--reliability",
    required=True,
    type=click.Choice(["high", "medium", "low"], case_sensitive=False),
    help="[required] How far it is trusted; caps the confidence of what cites it.",
)
@click.option("--url", help="[optional] Where it can be read.")
@click.option("--publisher", help="[optional] Publisher, journal, volume and pages.")
@click.option("--accessed", help="[optional] When the URL was read.")
@click.option(
    "--licence",
    type=click.Choice(["public-domain", "copyright", "unknown"]),
    help="[optional] public-domain texts may be stored; otherwise only short quotes.",
)
@click.option("--note", help="[optional] A note for readers.")
@click.option("--dry-run", is_flag=True, help="Check it; write nothing.")
@click.pass_obj
@handle_errors
def source_add(obj: Ctx, sid: str, when: str, dry_run: bool, **fields: Any) -> None:
    """Register a source in observations/sources.yaml: validated, duplicates refused, written atomically.

    \b
    Example:
      helsinki-compliance source add --id nyt-1989-01-17 --title "Soviet Union stops jamming" \\
        --author "The New York Times" --date 1989-01-17 --kind press --reliability medium
    Then cite it: helsinki-compliance observe add --source nyt-1989-01-17 ...
    """
    cfg = api.data_config(obj.data)
    api.writable(cfg, "source add")  # a dry run too: it takes the data directory's lock
    data = {"id": sid, "date": when, **fields}
    added = sources_mod.add_source(cfg.root, data, dry_run=dry_run, base=cfg.base, base_dirs=cfg.base_dirs)
    verb = "added source" if added.written else "would add source (dry run, nothing written)"
    click.echo(f"{verb} {added.id}\nin {added.file}\ncite it with: observe add --source {added.id} ...")


def _diff_text(d: dict[str, Any]) -> str:
    out = [f"changes between {d['before']} and {d['after']} ({', '.join(d['states'])}, {d['period']}):"]
    if not d["cells"] and not d["goals"]:
        out.append("  nothing moved")
    for c in d["cells"]:
        b, a = c["before"], c["after"]
        out.append(
            f"  {c['state']} {c['period']} {c['commitment']}: {b['status']} {_score(b['score'])} -> "
            f"{a['status']} {_score(a['score'])}  ({c['why']})"
        )
        out.extend(f"      + {o}" for o in c["added"])
        out.extend(f"      - {o}" for o in c["dropped"])
    for g in d["goals"]:
        out.append(
            f"  goal {g['goal_set']}/{g['goal']} ({g['state']}): {g['before']['verdict']} -> {g['after']['verdict']}"
            f"  ({g['why']})"
        )
        out.extend(f"      + {o}" for o in g["added"])
        out.extend(f"      - {o}" for o in g["dropped"])
    return "\n".join(out) + "\n"


def _score(x: float | None) -> str:
    return "" if x is None else f"{x:.2f}"


@main.command("diff")
@click.option(
    "--as-of", "dates", multiple=True, required=True, metavar="DATE", help="Give twice: the earlier and the later date."
)
@click.option(
    "--state", "states", multiple=True, default=(defaults.STATE,), show_default=True, shell_complete=complete("states")
)
@click.option("--period", default="year", show_default=True)
@click.option("--from", "first", type=int, default=defaults.FIRST_YEAR, show_default=True)
@click.option("--to", "last", type=int, default=defaults.LAST_YEAR, show_default=True)
@_FMT
@click.pass_obj
@handle_errors
def diff_cmd(
    obj: Ctx, dates: tuple[str, ...], states: tuple[str, ...], period: str, first: int, last: int, fmt: str
) -> None:
    """What changed between two as-of dates: every cell and goal whose status or score moved,
    with the observations that moved it (+ newly counted, - no longer counted).

    \b
    Examples:
      helsinki-compliance diff --as-of 1987-12-31 --as-of 1989-12-31
      helsinki-compliance diff --as-of 1986 --as-of 1988 --state PL --format json
    """
    if len(dates) != 2:
        raise click.BadParameter("give exactly two dates: --as-of A --as-of B", param_hint="--as-of")
    a, b = (api.parse_as_of(x, "--as-of") for x in dates)
    corpus = load_corpus(obj)
    d = api.diff(corpus, states=list(states), before=a, after=b, period=period, first=first, last=last)
    click.echo(to_json(d) if fmt == "json" else _diff_text(d), nl=False)
