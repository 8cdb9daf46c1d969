"""The command-line tool: parses options, calls the library, maps errors to exit codes.

Exit codes (see :mod:`.errors`): 0 ok; 1 a gate the user asked for failed (``validate --strict``
with warnings, ``test-rules`` failures, ``--fail-on``); 2 bad input or usage, nothing written.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import click

from . import __version__, api
from .errors import EXIT_BAD_INPUT, EXIT_GATE_FAILED, DataError, HelsinkiError
from .tables import COLOURS, scorecard_csv, scorecard_markdown, scorecard_table, to_json


def _colour_enabled() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def _style(text: str, status: str) -> str:
    if not _colour_enabled() or status not in COLOURS:
        return text
    return click.style(text, fg=COLOURS[status])


class Ctx:
    def __init__(self, data: str | None, quiet: bool, verbose: bool, debug: bool) -> None:
        self.data = data
        self.quiet = quiet
        self.verbose = verbose
        self.debug = debug

    def info(self, message: str) -> None:
        if not self.quiet:
            click.echo(message, err=True)


def handle_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn library errors into one line per problem and exit code 2; no tracebacks."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        debug = bool(ctx.obj and ctx.obj.debug)
        try:
            return fn(*args, **kwargs)
        except DataError as exc:
            for p in exc.problems:
                click.echo(str(p), err=True)
            n = len(exc.problems)
            click.echo(f"{n} problem{'s' if n != 1 else ''}; nothing was written.", err=True)
            ctx.exit(EXIT_BAD_INPUT)
        except HelsinkiError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort, BrokenPipeError):
            raise
        except OSError as exc:
            if debug:
                raise
            click.echo(f"error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), err=True)
            ctx.exit(EXIT_BAD_INPUT)
        except Exception as exc:  # noqa: BLE001 - the last line of defence: no traceback for users
            if debug:
                raise
            click.echo(f"internal error: {type(exc).__name__}: {exc} (run with --debug for details)", err=True)
            ctx.exit(3)

    return wrapper


def _as_of(value: str | None) -> date:
    if value is None:
        return date.today()
    return api.parse_as_of(value)


AS_OF = click.option("--as-of", "as_of", metavar="DATE", help="Count only observations known by DATE (default: today).")
FORMAT = click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "markdown"]), default="table", show_default=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="helsinki-compliance")
@click.option("--data", metavar="DIR", envvar="HELSINKI_COMPLIANCE_DATA", help="Data directory (default: ./ if it has commitments/, else the bundled corpus).")
@click.option("-q", "--quiet", is_flag=True, help="Print only results and errors.")
@click.option("-v", "--verbose", is_flag=True, help="Print more about what is done.")
@click.option("--debug", is_flag=True, help="Show Python tracebacks for internal errors.")
@click.option("--no-cache", is_flag=True, envvar="HELSINKI_COMPLIANCE_NO_CACHE",
              help="Parse every file afresh; do not read or write DIR/.helsinki-cache.")
@click.pass_context
def main(ctx: click.Context, data: str | None, quiet: bool, verbose: bool, debug: bool, no_cache: bool) -> None:
    """Track compliance with the Helsinki Final Act and later CSCE human-dimension commitments.

    \b
    Examples:
      helsinki-compliance validate
      helsinki-compliance scorecard --state SU --period year --from 1975 --to 1991
      helsinki-compliance explain hfa.b3.info.broadcast --state SU --period 1988
      helsinki-compliance goals --state SU --as-of 1987-12-31
      helsinki-compliance report
    """
    ctx.obj = Ctx(data, quiet, verbose, debug)
    ctx.obj.cache = not no_cache


def _load(obj: Ctx, today: date | None = None) -> api.Corpus:
    return api.load(obj.data, today=today, cache=getattr(obj, "cache", False))


@main.command()
@click.option("--strict", is_flag=True, help="Exit 1 when there are warnings.")
@click.pass_obj
@handle_errors
def validate(obj: Ctx, strict: bool) -> None:
    """Check every data file; print FILE:LINE: path: message for each problem.

    \b
    Examples:
      helsinki-compliance validate
      helsinki-compliance validate --strict
    """
    corpus = _load(obj, today=date.today())
    for w in corpus.warnings:
        click.echo(str(w), err=True)
    click.echo(
        f"ok: {len(corpus.files)} files, {len(corpus.commitments)} commitments, "
        f"{sum(len(c.rules) for c in corpus.commitments.values())} rules, {len(corpus.observations)} observations, "
        f"{len(corpus.sources)} sources, {len(corpus.cases)} cases; {len(corpus.warnings)} warnings"
    )
    if strict and corpus.warnings:
        sys.exit(EXIT_GATE_FAILED)


@main.command()
@click.option("--state", "states", multiple=True, default=["SU"], show_default=True, help="State code (repeatable) or 'all'.")
@click.option("--period", default="year", show_default=True, help="year, half, quarter, month, a named period or group.")
@click.option("--from", "first", type=int, default=1975, show_default=True)
@click.option("--to", "last", type=int, default=1991, show_default=True)
@click.option("--commitment", "commitments", multiple=True, help="Only these commitments (prefix match).")
@click.option("--fail-on", type=click.Choice(["violation", "partial"]), help="Exit 1 if any cell is this bad or worse.")
@AS_OF
@FORMAT
@click.pass_obj
@handle_errors
def scorecard(obj: Ctx, states: tuple[str, ...], period: str, first: int, last: int, commitments: tuple[str, ...],
              fail_on: str | None, as_of: str | None, fmt: str) -> None:
    """Per-period compliance scorecard: commitments down, periods across.

    \b
    Examples:
      helsinki-compliance scorecard --state SU --period year --from 1975 --to 1991
      helsinki-compliance scorecard --state PL --period review-meetings --format markdown
      helsinki-compliance scorecard --state SU --period quarter --from 1987 --to 1988 --format csv
    """
    corpus = _load(obj)
    card = api.scorecard(corpus, states=list(states), period=period, first=first, last=last,
                         as_of=_as_of(as_of), commitments=list(commitments) or None)
    if fmt == "json":
        click.echo(to_json(card.to_dict(corpus)), nl=False)
    elif fmt == "csv":
        click.echo(scorecard_csv(card, corpus), nl=False)
    elif fmt == "markdown":
        click.echo(scorecard_markdown(card), nl=False)
    else:
        click.echo(scorecard_table(card, _style), nl=False)
    if fail_on:
        bad = {"violation"} if fail_on == "violation" else {"violation", "partial"}
        if any(c.status in bad for c in card.cells.values()):
            sys.exit(EXIT_GATE_FAILED)


@main.command()
@click.argument("commitment")
@click.option("--state", default="SU", show_default=True)
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
    corpus = _load(obj)
    e = api.explain(corpus, commitment, state=state, period=period, as_of=_as_of(as_of))
    if fmt == "json":
        click.echo(to_json(e), nl=False)
    else:
        from .explain import render_text

        click.echo(render_text(e), nl=False)


@main.command()
@click.option("--out", default="schemas", show_default=True, metavar="DIR", help="Directory to write the schemas to.")
@click.pass_obj
@handle_errors
def schema(obj: Ctx, out: str) -> None:
    """Write the JSON Schema of every file kind (for editors and the YAML language server).

    \b
    Example:
      helsinki-compliance schema --out schemas
    """
    written = api.write_schemas(Path(out))
    obj.info(f"wrote {len(written)} schemas to {out}/")


@main.command("commitments")
@click.option("--state", default=None, help="Show when each commitment binds this state.")
@AS_OF
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_obj
@handle_errors
def commitments_cmd(obj: Ctx, state: str | None, as_of: str | None, fmt: str) -> None:
    """List the commitment catalogue (id, instrument, section, title, in force from, weight).

    \b
    Examples:
      helsinki-compliance commitments
      helsinki-compliance commitments --state KZ --as-of 2010-12-31 --format json
    """
    corpus = _load(obj)
    rows = api.catalogue(corpus, state=state, as_of=_as_of(as_of) if as_of else None)
    if fmt == "json":
        click.echo(to_json(rows), nl=False)
        return
    w = max([len(r["id"]) for r in rows] + [10])
    click.echo(f"{'id'.ljust(w)}  {'instrument':<15} {'in force':<10} {'wt':>3}  title")
    for r in rows:
        click.echo(f"{r['id'].ljust(w)}  {r['instrument']:<15} {r['in_force'] or 'never':<10} {r['weight']:>3g}  {r['title']}")


@main.command("test-rules")
@click.option("--commitment", default=None, help="Only commitments whose id starts with this.")
@click.pass_obj
@handle_errors
def test_rules(obj: Ctx, commitment: str | None) -> None:
    """Run the rule fixtures under commitments/tests/ and report rule coverage (like `opa test`).

    \b
    Example:
      helsinki-compliance test-rules --commitment hfa.b3.info
    """
    from .ruletests import run_rule_tests

    corpus = _load(obj)
    report = run_rule_tests(corpus, commitment)
    for r in report.failed:
        why = r.error or f"expected {r.expected}, got {r.actual}"
        click.echo(f"FAIL {r.commitment}/{r.rule}: {r.name}: {why}")
    for u in report.uncovered:
        click.echo(f"UNCOVERED {u}")
    n, f = len(report.results), len(report.failed)
    click.echo(f"{n - f} passed, {f} failed, {len(report.uncovered)} rules uncovered")
    if not report.ok:
        sys.exit(EXIT_GATE_FAILED)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_obj
@handle_errors
def stats(obj: Ctx, fmt: str) -> None:
    """Summarise the corpus: observations per source, state, decade, kind, commitment; cases.

    \b
    Example:
      helsinki-compliance stats --format json
    """
    corpus = _load(obj)
    s = api.stats(corpus)
    if fmt == "json":
        click.echo(to_json(s), nl=False)
        return
    click.echo(f"{s['observations']} observations, {s['cases']} cases, {s['commitments']} commitments")
    for section in ("by_source", "by_state", "by_decade", "by_kind", "by_commitment"):
        click.echo(f"\n{section.replace('_', ' ')}:")
        for k, v in s[section].items():
            click.echo(f"  {k:<40} {v:>5}")
    click.echo("\ncommitments with no evidence:")
    for c in s["commitments_without_evidence"]:
        click.echo(f"  {c}")


def run() -> None:
    """Console entry point: the click group, with a quiet exit on a closed pipe (``| head``)."""
    try:
        main(prog_name="helsinki-compliance")
    except BrokenPipeError:  # pragma: no cover - depends on the reader
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(0)


@main.command("goals")
@click.option("--goal-set", default=None, help="Goal set id (default: the first, schifter-1987).")
@click.option("--state", default=None, help="State (default: the goal set's state).")
@click.option("--baseline", default=None, metavar="DATE", help="Measure progress from DATE instead of the goal set's baseline.")
@click.option("--timeline", default=None, metavar="FROM:TO", help="Verdicts period by period, e.g. 1985:1991.")
@click.option("--period", default="year", show_default=True, help="Period kind for --timeline.")
@AS_OF
@click.option("--format", "fmt", type=click.Choice(["table", "json", "markdown"]), default="table", show_default=True)
@click.pass_obj
@handle_errors
def goals_cmd(obj: Ctx, goal_set: str | None, state: str | None, baseline: str | None, timeline: str | None,
              period: str, as_of: str | None, fmt: str) -> None:
    """Goal progress as of a date: baseline and current status, verdict and evidence per goal.

    \b
    Examples:
      helsinki-compliance goals --state SU --as-of 1987-12-31
      helsinki-compliance goals --state SU --timeline 1985:1991 --period year
      helsinki-compliance goals --baseline 1986-01 --as-of 1989-12-31 --format json
    """
    from . import goals as goals_mod
    from .tables import md_escape

    corpus = _load(obj)
    at = _as_of(as_of)
    base = api.parse_as_of(baseline) if baseline else None
    code = api.resolve_states(corpus, [state])[0] if state else None
    if timeline:
        try:
            a, b = (int(x) for x in timeline.split(":"))
        except ValueError:
            raise click.BadParameter("use FROM:TO, e.g. 1985:1991", param_hint="--timeline") from None
        t = goals_mod.timeline(corpus, api.periods(corpus, period, a, b), goal_set, state=code, baseline=base,
                               as_of=at if as_of else None)
        if fmt == "json":
            click.echo(to_json(t), nl=False)
            return
        ids = list(t["timeline"][0]["verdicts"]) if t["timeline"] else []
        sep = " | " if fmt == "markdown" else "  "
        head = ["goal"] + [r["period"] for r in t["timeline"]]
        if fmt == "markdown":
            click.echo("| " + " | ".join(head) + " |")
            click.echo("|---" * len(head) + "|")
        else:
            click.echo(f"{'goal':<26}" + "".join(f"{h:<22}" for h in head[1:]))
        for gid in ids:
            cells = [r["verdicts"][gid] for r in t["timeline"]]
            if fmt == "markdown":
                click.echo("| " + sep.join([gid, *cells]) + " |")
            else:
                click.echo(f"{gid:<26}" + "".join(f"{c:<22}" for c in cells))
        return
    t = goals_mod.track(corpus, goal_set, as_of=at, state=code, baseline=base)
    if fmt == "json":
        click.echo(to_json(t), nl=False)
        return
    if fmt == "markdown":
        click.echo(f"### {md_escape(t['title'])}: {t['state']} as of {t['as_of']} (baseline {t['baseline']})\n")
        click.echo("| goal | tier | baseline | current | verdict |")
        click.echo("|---|---|---|---|---|")
        for g in t["goals"]:
            click.echo(f"| `{g['id']}` | {g['tier']} | {g['baseline']['status']} | {g['current']['status']} | **{g['verdict']}** |")
        click.echo("\n" + "\n".join(f"- {tier}: **{v}**" for tier, v in t["tiers"].items()))
        return
    click.echo(f"{t['title']}\n{t['state']} as of {t['as_of']}; baseline {t['baseline']}\n")
    for g in t["goals"]:
        b, c = g["baseline"], g["current"]
        fmt_p = lambda m: "  --" if m["progress"] is None else f"{m['progress']:.2f}"  # noqa: E731
        click.echo(f"{g['id']:<26} {g['tier']:<13} {fmt_p(b)} -> {fmt_p(c)}  {_style(g['verdict'], 'compliant' if g['verdict'] in ('met', 'significant-progress') else 'partial' if g['verdict'] == 'slight-progress' else 'violation')}")
        click.echo(f"{'':<27}target: {g['target']}")
        click.echo(f"{'':<27}now: {c['detail']}")
        if g["evidence"] and not obj.quiet:
            click.echo(f"{'':<27}evidence: {', '.join(g['evidence'])}")
    click.echo("\nTiers: " + "; ".join(f"{tier} {v}" for tier, v in t["tiers"].items()))


@main.command()
@click.option("--state", "states", multiple=True, help="State code (repeatable) or 'all'. Default: SU, then an all-states overview.")
@click.option("--period", default="year", show_default=True, help="year, half, quarter, month, a named period or group.")
@click.option("--from", "first", type=int, default=1975, show_default=True)
@click.option("--to", "last", type=int, default=1991, show_default=True)
@click.option("--out", default="reports", show_default=True, metavar="DIR")
@click.option("--format", "formats", default="html,md,json,csv", show_default=True, help="Comma-separated: html, md, json, csv.")
@AS_OF
@click.pass_obj
@handle_errors
def report(obj: Ctx, states: tuple[str, ...], period: str, first: int, last: int, out: str, formats: str,
           as_of: str | None) -> None:
    """Write compliance reports (HTML with charts, Markdown, JSON, CSV) to reports/.

    With no options: a 1975-1991 report for every state with evidence (the USSR's with the
    memo's goals) and an all-states overview, as of 1991-12-31 (use --as-of to change).

    \b
    Examples:
      helsinki-compliance report
      helsinki-compliance report --state PL --period review-meetings --format html,md
    """
    from . import goals as goals_mod
    from .reporting import write_report

    corpus = _load(obj)
    wanted = [f.strip() for f in formats.split(",") if f.strip()]
    bad = sorted(set(wanted) - {"html", "md", "json", "csv"})
    if bad:
        raise click.BadParameter(f"unknown format(s): {', '.join(bad)}", param_hint="--format")
    at = _as_of(as_of) if as_of else date(1991, 12, 31)
    # default: every state with evidence (the USSR report among them) and the all-states overview
    codes = api.resolve_states(corpus, list(states) or ["all"])
    goal_data = None
    sets = [gs for gs in sorted(corpus.goal_sets.values(), key=lambda g: g.id) if gs.state in codes]
    if sets:
        goal_data = {"goal_sets": [
            {**goals_mod.track(corpus, gs.id, as_of=at),
             **goals_mod.timeline(corpus, api.periods(corpus, "year", max(first, 1985), last), gs.id, as_of=at)}
            for gs in sets
        ]}
    show = not obj.quiet and sys.stderr.isatty()
    with click.progressbar(length=4 * len(codes) + 3, label="writing reports", file=sys.stderr) if show else _null() as bar:
        written = write_report(corpus, states=codes, period=period, first=first, last=last, as_of=at,
                               out_dir=Path(out), formats=wanted, goals=goal_data, progress=lambda step: bar.update(1))
    click.echo(f"wrote {len(written)} files to {out}/ (as of {at.isoformat()}): " + ", ".join(sorted(p.name for p in written)))


class _null:
    def __enter__(self) -> _null:
        return self

    def __exit__(self, *a: object) -> None:
        return None

    def update(self, n: int) -> None:
        return None


# ---------------------------------------------------------------- synth (issue #8: benchmarks)


@main.command("synth")
@click.option("--observations", "n_obs", type=int, required=True, help="How many observations to write.")
@click.option("--states", "n_states", type=int, default=57, show_default=True, help="How many participating states.")
@click.option("--years", default="1975-2025", show_default=True, metavar="FROM-TO", help="Years the dates fall in.")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed; the same seed writes the same bytes.")
@click.option("--out", required=True, metavar="DIR", help="Data directory to write (must be empty, or use --force).")
@click.option("--force", is_flag=True, help="Replace the data directories in a non-empty DIR.")
@click.pass_obj
@handle_errors
def synth_cmd(obj: Ctx, n_obs: int, n_states: int, years: str, seed: int, out: str, force: bool) -> None:
    """Write a synthetic corpus (real catalogue, synthetic observations) for benchmarks.

    \b
    Example:
      helsinki-compliance synth --observations 100000 --states 57 --years 1975-2025 --seed 1 --out /tmp/hc-100k
      helsinki-compliance --data /tmp/hc-100k validate
    """
    from .errors import UsageError
    from .synth import synthesize

    try:
        first, last = (int(y) for y in years.split("-"))
    except ValueError:
        raise click.BadParameter("use FROM-TO, e.g. 1975-2025", param_hint="--years") from None
    base = _load(obj)
    try:
        s = synthesize(base, Path(out), observations=n_obs, states=n_states, years=(first, last), seed=seed, force=force)
    except (ValueError, FileExistsError) as exc:
        raise UsageError(str(exc)) from None
    obj.info(f"wrote {s.observations:,} observations of {len(s.states)} states in {s.files} files "
             f"({s.bytes / 1e6:.1f} MB) to {out}/")
