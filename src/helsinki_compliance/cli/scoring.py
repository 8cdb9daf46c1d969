"""Commands that score: scorecard and explain."""

from __future__ import annotations

import shutil
import sys

import click

from helsinki_compliance import api
from helsinki_compliance.cli.app import (
    AS_OF,
    FORMAT,
    YEAR,
    Ctx,
    as_of_date,
    echo,
    handle_errors,
    load_corpus,
    main,
    style,
)
from helsinki_compliance.engine.engines import DUCKDB_FROM, ENGINES
from helsinki_compliance.engine.explain import render_text
from helsinki_compliance.errors import (
    EXIT_GATE_FAILED,
)
from helsinki_compliance.model import defaults
from helsinki_compliance.render.scorecard_out import (
    evidence_bytes,
    evidence_format,
    evidence_rows,
    json_rows_text,
    scorecard_record,
)
from helsinki_compliance.render.tables import (
    scorecard_csv,
    scorecard_markdown,
    scorecard_table,
    to_json,
)
from helsinki_compliance.storage import atomic_write


@main.command()
@click.option(
    "--state",
    "states",
    multiple=True,
    default=[defaults.STATE],
    show_default=True,
    help="State: a code, name or alias (USSR, GDR, ČSSR), any case; repeatable; or 'all'.",
)
@click.option(
    "--period", default="year", show_default=True, help="year, half, quarter, month, a named period or group."
)
@click.option("--from", "first", type=YEAR, default=defaults.FIRST_YEAR, show_default=True)
@click.option("--to", "last", type=YEAR, default=defaults.LAST_YEAR, show_default=True)
@click.option("--commitment", "commitments", multiple=True, help="Only these commitments (prefix match).")
@click.option("--fail-on", type=click.Choice(["violation", "partial"]), help="Exit 1 if any cell is this bad or worse.")
@click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default="auto",
    show_default=True,
    help=f"python (the reference), duckdb, spark; auto: duckdb from {DUCKDB_FROM:,} observations when installed.",
)
@click.option("--master", metavar="URL", help="Spark master URL for --engine spark (default local[2]).")
@click.option(
    "--evidence",
    metavar="FILE",
    help="Also write the observation ids behind every finding to FILE (.json, .csv or .parquet); "
    "the JSON and CSV scorecards themselves carry only counts.",
)
@AS_OF
@FORMAT
@click.pass_obj
@handle_errors
def scorecard(
    obj: Ctx,
    states: tuple[str, ...],
    period: str,
    first: int,
    last: int,
    commitments: tuple[str, ...],
    fail_on: str | None,
    engine: str,
    master: str | None,
    evidence: str | None,
    as_of: str | None,
    fmt: str,
) -> None:
    """Per-period compliance scorecard: commitments down, periods across.

    \b
    Examples:
      helsinki-compliance scorecard --state SU --period year --from 1975 --to 1991
      helsinki-compliance scorecard --state PL --period review-meetings --format markdown
      helsinki-compliance scorecard --state SU --period quarter --from 1987 --to 1988 --format csv
      helsinki-compliance scorecard --state all --engine spark --master local[2]
      helsinki-compliance scorecard --state all --format json --evidence evidence.parquet > card.json
    """
    if master is not None and engine != "spark":
        raise click.BadParameter("--master is for --engine spark only", param_hint="--master")
    evidence_path = obj.path(evidence, "--evidence") if evidence is not None else None
    evidence_fmt = evidence_format(evidence_path) if evidence_path is not None else ""
    corpus = load_corpus(obj)
    card = api.scorecard(
        corpus,
        states=list(states),
        period=period,
        first=first,
        last=last,
        as_of=as_of_date(as_of, corpus),
        commitments=list(commitments) or None,
        engine=engine,
        master=master,
    )
    if card.engine_summary:
        obj.info(card.engine_summary)
    if evidence_path is not None:
        atomic_write(evidence_path, evidence_bytes(evidence_rows(card, corpus), evidence_fmt))
    if fmt == "json":
        echo(json_rows_text(scorecard_record(card)), nl=False)
    elif fmt == "csv":
        echo(scorecard_csv(card), nl=False)
    elif fmt == "markdown":
        echo(scorecard_markdown(card), nl=False)
    else:
        # the legend wraps at words to the terminal's width ($COLUMNS, else the terminal, else 80)
        echo(scorecard_table(card, style, columns=shutil.get_terminal_size().columns), nl=False)
    if fail_on:
        bad = {"violation"} if fail_on == "violation" else {"violation", "partial"}
        if any(c.status in bad for c in card.cells.values()):
            sys.exit(EXIT_GATE_FAILED)


@main.command()
@click.argument("commitment")
@click.option("--state", default=defaults.STATE, show_default=True)
@click.option("--period", required=True, help="A period id: 1977, 1977-H2, 1977-Q3, 1977-07, or a named period.")
@AS_OF
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_obj
@handle_errors
def explain(obj: Ctx, commitment: str, state: str, period: str, as_of: str | None, fmt: str) -> None:
    """Why a cell has its status: rules, findings, evidence, and the arithmetic.

    \b
    Example:
      helsinki-compliance explain hfa.b3.info.broadcast --state SU --period 1988 --as-of 1991-12-31
    """
    corpus = load_corpus(obj)
    e = api.explain(corpus, commitment, state=state, period=period, as_of=as_of_date(as_of, corpus))
    if fmt == "json":
        echo(to_json(e), nl=False)
    else:
        echo(render_text(e), nl=False)
