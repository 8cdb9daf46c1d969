"""The goals command: goal progress as of a date, or a timeline."""

from __future__ import annotations

import click

from helsinki_compliance import api
from helsinki_compliance.cli.app import AS_OF, Ctx, as_of_date, echo, handle_errors, load_corpus, main, style
from helsinki_compliance.engine import goals as goals_mod
from helsinki_compliance.model import defaults
from helsinki_compliance.model.dates import MAX_YEAR, MIN_YEAR
from helsinki_compliance.render.goal_tables import render_goals, render_timeline
from helsinki_compliance.render.tables import (
    to_json,
)


@main.command("goals")
@click.option(
    "--goal-set", default=None, help=f"Goal set id (default: {defaults.GOAL_SET}, or the only goal set of the corpus)."
)
@click.option("--state", default=None, help="State (default: the goal set's state).")
@click.option(
    "--baseline", default=None, metavar="DATE", help="Measure progress from DATE instead of the goal set's baseline."
)
@click.option("--timeline", default=None, metavar="FROM:TO", help="Verdicts period by period, e.g. 1985:1991.")
@click.option("--period", default="year", show_default=True, help="Period kind for --timeline.")
@AS_OF
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json", "markdown", "csv"]), default="table", show_default=True
)
@click.pass_obj
@handle_errors
def goals_cmd(
    obj: Ctx,
    goal_set: str | None,
    state: str | None,
    baseline: str | None,
    timeline: str | None,
    period: str,
    as_of: str | None,
    fmt: str,
) -> None:
    """Goal progress as of a date: baseline and current status, verdict and evidence per goal.

    \b
    Examples:
      helsinki-compliance goals --state SU --as-of 1987-12-31
      helsinki-compliance goals --state SU --timeline 1985:1991 --period year
      helsinki-compliance goals --baseline 1986-01 --as-of 1989-12-31 --format json
    """

    corpus = load_corpus(obj)
    at = as_of_date(as_of, corpus)
    base = api.parse_as_of(baseline, "--baseline") if baseline else None
    code = api.resolve_states(corpus, [state])[0] if state else None
    if timeline:
        try:
            a, b = (int(x) for x in timeline.split(":"))
            if not (MIN_YEAR <= a <= MAX_YEAR and MIN_YEAR <= b <= MAX_YEAR):
                raise ValueError
        except ValueError:
            raise click.BadParameter(
                f"use FROM:TO with years {MIN_YEAR} to {MAX_YEAR}, e.g. 1985:1991", param_hint="--timeline"
            ) from None
        t = goals_mod.timeline(
            corpus, api.periods(corpus, period, a, b), goal_set, state=code, baseline=base, as_of=at if as_of else None
        )
        echo(to_json(t) if fmt == "json" else render_timeline(t, fmt), nl=False)
        return
    t = goals_mod.track(corpus, goal_set, as_of=at, state=code, baseline=base)
    echo(to_json(t) if fmt == "json" else render_goals(t, fmt, style=style, evidence=not obj.quiet), nl=False)
