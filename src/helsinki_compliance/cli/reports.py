"""The report command: write HTML, Markdown, JSON and CSV reports."""

from __future__ import annotations

import sys

import click

from helsinki_compliance import api
from helsinki_compliance.cli.app import YEAR, Ctx, as_of_date, echo, handle_errors, load_corpus, main
from helsinki_compliance.engine import goals as goals_mod
from helsinki_compliance.engine.selection import years_asked
from helsinki_compliance.model import defaults
from helsinki_compliance.render.reports import FORMATS


@main.command()
@click.option(
    "--state",
    "states",
    multiple=True,
    help="State: a code, name or alias (USSR, GDR), any case; repeatable; or 'all'. Default: every state with evidence, then an all-states overview.",
)
@click.option(
    "--period", default="year", show_default=True, help="year, half, quarter, month, a named period or group."
)
@click.option("--from", "first", type=YEAR, default=defaults.FIRST_YEAR, show_default=True)
@click.option("--to", "last", type=YEAR, default=defaults.LAST_YEAR, show_default=True)
@click.option("--out", default="reports", show_default=True, metavar="DIR")
@click.option(
    "--format",
    "formats",
    default=None,
    help="Comma-separated: html, md, json, csv (default: all four for the USSR and the overview, md and csv for the others).",
)
@click.option(
    "--as-of",
    "as_of",
    metavar="DATE",
    help="Count only observations known by DATE (default: the corpus's clock, as for every command).",
)
@click.pass_obj
@handle_errors
def report(
    obj: Ctx, states: tuple[str, ...], period: str, first: int, last: int, out: str, formats: str, as_of: str | None
) -> None:
    """Write compliance reports (HTML with charts, Markdown, JSON, CSV) to reports/.

    With no options: a 1975-1991 report for every state with evidence (the USSR's with the
    memo's goals, in every format; the others in Markdown and CSV) and an all-states overview,
    as of the corpus's clock, the one default of every command (use --as-of to change).

    \b
    Examples:
      helsinki-compliance report
      helsinki-compliance report --state PL --period review-meetings --format html,md
    """

    corpus = load_corpus(obj)
    wanted = [f.strip() for f in (formats or ",".join(FORMATS)).split(",") if f.strip()]
    bad = sorted(set(wanted) - set(FORMATS))
    if bad:
        raise click.BadParameter(f"unknown format(s): {', '.join(bad)}", param_hint="--format")
    at = as_of_date(as_of, corpus)
    # default: every state with evidence and the all-states overview
    asked = api.periods(corpus, period, first, last) if states else None  # named states must have been members
    codes = api.resolve_states(corpus, list(states) or ["all"], asked, years_asked(period, first, last))
    # the default set: every format for the states with a goal set (the USSR), Markdown and CSV for the rest
    full = None if (states or formats) else {gs.state for gs in corpus.goal_sets.values()}
    goal_data = goals_mod.report_goals(corpus, codes, first=first, last=last, as_of=at)
    names = api.report_names(corpus, states=codes, period=period, first=first, last=last, formats=wanted, full=full)
    show = not obj.quiet and sys.stderr.isatty()
    with click.progressbar(length=len(names) + 1, label="writing reports", file=sys.stderr) if show else _null() as bar:
        written = api.report(
            corpus,
            states=codes,
            period=period,
            first=first,
            last=last,
            as_of=at,
            out_dir=obj.path(out, "--out"),
            formats=wanted,
            goals=goal_data,
            progress=lambda step: bar.update(1),
            full=full,
        )
    echo(
        f"wrote {len(written)} files to {out}/ (as of {at.isoformat()}): " + ", ".join(sorted(p.name for p in written))
    )


class _null:
    def __enter__(self) -> _null:
        return self

    def __exit__(self, *a: object) -> None:
        return None

    def update(self, n: int) -> None:
        return None
