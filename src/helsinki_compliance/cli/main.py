"""The command-line tool: parses options, calls the library, maps errors to exit codes.

Exit codes (see :mod:`.errors`): 0 ok; 1 a gate the user asked for failed (``validate --strict``
with warnings, ``test-rules`` failures, ``--fail-on``); 2 bad input or usage, nothing written.
"""

from __future__ import annotations

import functools
import gc
import os
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import click

from helsinki_compliance import api
from helsinki_compliance.engine import goals as goals_mod
from helsinki_compliance.engine.explain import render_text
from helsinki_compliance.engine.ruletests import run_rule_tests
from helsinki_compliance.errors import (
    EXIT_BAD_INPUT,
    EXIT_GATE_FAILED,
    EXIT_INTERNAL,
    DataError,
    HelsinkiError,
    UsageError,
    did_you_mean,
)
from helsinki_compliance.load.config import init as init_dir
from helsinki_compliance.model.dates import DateError, parse_date
from helsinki_compliance.observe import core as obs_mod
from helsinki_compliance.render.goal_tables import render_goals, render_timeline
from helsinki_compliance.render.reports import FORMATS, REPORT_AS_OF, report_names, write_report
from helsinki_compliance.render.schemadoc import render_reference
from helsinki_compliance.render.tables import (
    COLOURS,
    scorecard_csv,
    scorecard_markdown,
    scorecard_table,
    to_json,
    write_csv,
)
from helsinki_compliance.storage import atomic_write
from helsinki_compliance.tools.synth import synthesize
from helsinki_compliance.version import __version__


def _colour_enabled() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def _style(text: str, status: str) -> str:
    if not _colour_enabled() or status not in COLOURS:
        return text
    return click.style(text, fg=COLOURS[status])


class Ctx:
    def __init__(self, data: str | None, quiet: bool, verbose: bool, debug: bool, allow_outside: bool = False) -> None:
        self.data = data
        self.quiet = quiet
        self.verbose = verbose
        self.debug = debug
        self.allow_outside = allow_outside
        self.cache = False

    def path(self, value: str, option: str) -> Path:
        """A path the user gave. Relative paths must stay inside the current directory once
        ``..`` and symlinks are resolved, unless ``--allow-outside``; an absolute path names its
        place explicitly and is taken as given."""
        p = Path(value)
        if p.is_absolute() or self.allow_outside:
            return p
        here = Path.cwd().resolve()
        real = (here / p).resolve()
        if not real.is_relative_to(here):
            raise UsageError(
                f"{option} {value}: leads outside the current directory (to {real}) through '..' or a symlink; "
                "give its absolute path, or pass --allow-outside"
            )
        return p

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
            ctx.exit(EXIT_INTERNAL)

    return wrapper


def _as_of(value: str | None) -> date:
    if value is None:
        return date.today()
    return api.parse_as_of(value, "--as-of")


AS_OF = click.option("--as-of", "as_of", metavar="DATE", help="Count only observations known by DATE (default: today).")
FORMAT = click.option(
    "--format", "fmt", type=click.Choice(["table", "json", "csv", "markdown"]), default="table", show_default=True
)


class GlobalOptionsGroup(click.Group):
    """A group whose own options may also be given after the subcommand (``scorecard --data X``,
    ``validate -v``), as users type them. An option is moved only when the subcommand has no
    option of the same name; everything after ``--`` is left alone."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, _hoist_global_options(self, list(args)))


def _hoist_global_options(group: click.Group, args: list[str]) -> list[str]:
    takes_value: dict[str, bool] = {}
    for param in group.params:
        if isinstance(param, click.Option):
            for name in [*param.opts, *param.secondary_opts]:
                takes_value[name] = not param.is_flag
    # where the subcommand starts: the first argument that is not a group option or its value
    i = 0
    while i < len(args) and args[i].startswith("-") and args[i] != "--":
        name = args[i].split("=", 1)[0]
        i += 2 if takes_value.get(name) and "=" not in args[i] else 1
    if i >= len(args) or args[i] not in group.commands:
        return args
    command: click.Command = group.commands[args[i]]
    own: set[str] = set()
    stack = [command]
    while stack:
        c = stack.pop()
        own.update(n for p in c.params if isinstance(p, click.Option) for n in [*p.opts, *p.secondary_opts])
        if isinstance(c, click.Group):
            stack.extend(c.commands.values())
    head, rest, moved = args[: i + 1], [], []
    j = i + 1
    while j < len(args):
        a = args[j]
        if a == "--":
            rest.extend(args[j:])
            break
        name = a.split("=", 1)[0]
        if name in takes_value and name not in own:
            if takes_value[name] and "=" not in a and j + 1 < len(args):
                moved.extend(args[j : j + 2])
                j += 2
                continue
            moved.append(a)
        else:
            rest.append(a)
        j += 1
    return moved + head + rest


@click.group(cls=GlobalOptionsGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="helsinki-compliance")
@click.option(
    "--data",
    metavar="DIR",
    envvar="HELSINKI_COMPLIANCE_DATA",
    help="Data directory (default: ./ if it has commitments/, else the bundled corpus).",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only results and errors.")
@click.option("-v", "--verbose", is_flag=True, help="Print more about what is done.")
@click.option("--debug", is_flag=True, help="Show Python tracebacks for internal errors.")
@click.option(
    "--no-cache",
    is_flag=True,
    envvar="HELSINKI_COMPLIANCE_NO_CACHE",
    help="Parse every file afresh; do not read or write DIR/.helsinki-cache.",
)
@click.option(
    "--allow-outside", is_flag=True, help="Let relative --out/--file paths lead outside the current directory."
)
@click.pass_context
def main(
    ctx: click.Context, data: str | None, quiet: bool, verbose: bool, debug: bool, no_cache: bool, allow_outside: bool
) -> None:
    """Track compliance with the Helsinki Final Act and later CSCE human-dimension commitments.

    \b
    Examples:
      helsinki-compliance validate
      helsinki-compliance scorecard --state SU --period year --from 1975 --to 1991
      helsinki-compliance explain hfa.b3.info.broadcast --state SU --period 1988
      helsinki-compliance goals --state SU --as-of 1987-12-31
      helsinki-compliance report
    """
    ctx.obj = Ctx(data, quiet, verbose, debug, allow_outside)
    ctx.obj.cache = not no_cache


def _load(obj: Ctx, today: date | None = None) -> api.Corpus:

    corpus = api.load(obj.data, today=today, cache=obj.cache)
    gc.freeze()  # the corpus lives until the command ends: keep it out of every later collection
    return corpus


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
    cfg = api.data_config(obj.data)
    corpus = _load(obj, today=date.today())
    # a corpus that extends another is answerable for its own files; the base's warnings are counted
    own = [w for w in corpus.warnings if cfg.base is None or not Path(w.file).is_absolute()]
    inherited = len(corpus.warnings) - len(own)
    for w in own:
        click.echo(str(w), err=True)
    if inherited and obj.verbose:
        for w in corpus.warnings:
            if w not in own:
                click.echo(str(w), err=True)
    click.echo(
        f"ok: {len(corpus.files)} files, {len(corpus.commitments)} commitments, "
        f"{sum(len(c.rules) for c in corpus.commitments.values())} rules, {len(corpus.observations)} observations, "
        f"{len(corpus.sources)} sources, {len(corpus.cases)} cases; {len(own)} warnings"
        + (f" (and {inherited} in the data it extends; -v shows them)" if inherited else "")
    )
    if strict and own:
        sys.exit(EXIT_GATE_FAILED)


@main.command()
@click.option(
    "--state", "states", multiple=True, default=["SU"], show_default=True, help="State code (repeatable) or 'all'."
)
@click.option(
    "--period", default="year", show_default=True, help="year, half, quarter, month, a named period or group."
)
@click.option("--from", "first", type=int, default=1975, show_default=True)
@click.option("--to", "last", type=int, default=1991, show_default=True)
@click.option("--commitment", "commitments", multiple=True, help="Only these commitments (prefix match).")
@click.option("--fail-on", type=click.Choice(["violation", "partial"]), help="Exit 1 if any cell is this bad or worse.")
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
    as_of: str | None,
    fmt: str,
) -> None:
    """Per-period compliance scorecard: commitments down, periods across.

    \b
    Examples:
      helsinki-compliance scorecard --state SU --period year --from 1975 --to 1991
      helsinki-compliance scorecard --state PL --period review-meetings --format markdown
      helsinki-compliance scorecard --state SU --period quarter --from 1987 --to 1988 --format csv
    """
    corpus = _load(obj)
    card = api.scorecard(
        corpus,
        states=list(states),
        period=period,
        first=first,
        last=last,
        as_of=_as_of(as_of),
        commitments=list(commitments) or None,
    )
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
        click.echo(render_text(e), nl=False)


@main.command()
@click.option("--out", default="schemas", show_default=True, metavar="DIR", help="Directory to write the schemas to.")
@click.option("--markdown", metavar="FILE", help="Instead, write the Markdown reference of the file formats to FILE.")
@click.pass_obj
@handle_errors
def schema(obj: Ctx, out: str, markdown: str | None) -> None:
    """Write the JSON Schema of every file kind and output (for editors and the YAML language server).

    \b
    Examples:
      helsinki-compliance schema --out schemas
      helsinki-compliance schema --markdown docs/reference.md
    """
    if markdown:
        atomic_write(obj.path(markdown, "--markdown"), render_reference())
        obj.info(f"wrote the file-format reference to {markdown}")
        return
    written = api.write_schemas(obj.path(out, "--out"))
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
        click.echo(
            f"{r['id'].ljust(w)}  {r['instrument']:<15} {r['in_force'] or 'never':<10} {r['weight']:>3g}  {r['title']}"
        )


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
@click.option(
    "--goal-set", default=None, help="Goal set id (default: schifter-1987, or the only goal set of the corpus)."
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

    corpus = _load(obj)
    at = _as_of(as_of)
    base = api.parse_as_of(baseline, "--baseline") if baseline else None
    code = api.resolve_states(corpus, [state])[0] if state else None
    if timeline:
        try:
            a, b = (int(x) for x in timeline.split(":"))
        except ValueError:
            raise click.BadParameter("use FROM:TO, e.g. 1985:1991", param_hint="--timeline") from None
        t = goals_mod.timeline(
            corpus, api.periods(corpus, period, a, b), goal_set, state=code, baseline=base, as_of=at if as_of else None
        )
        click.echo(to_json(t) if fmt == "json" else render_timeline(t, fmt), nl=False)
        return
    t = goals_mod.track(corpus, goal_set, as_of=at, state=code, baseline=base)
    click.echo(to_json(t) if fmt == "json" else render_goals(t, fmt, style=_style, evidence=not obj.quiet), nl=False)


@main.command()
@click.option(
    "--state",
    "states",
    multiple=True,
    help="State code (repeatable) or 'all'. Default: SU, then an all-states overview.",
)
@click.option(
    "--period", default="year", show_default=True, help="year, half, quarter, month, a named period or group."
)
@click.option("--from", "first", type=int, default=1975, show_default=True)
@click.option("--to", "last", type=int, default=1991, show_default=True)
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
    help="Count only observations known by DATE (default for reports: 1991-12-31, the end of the period covered).",
)
@click.pass_obj
@handle_errors
def report(
    obj: Ctx, states: tuple[str, ...], period: str, first: int, last: int, out: str, formats: str, as_of: str | None
) -> None:
    """Write compliance reports (HTML with charts, Markdown, JSON, CSV) to reports/.

    With no options: a 1975-1991 report for every state with evidence (the USSR's with the
    memo's goals, in every format; the others in Markdown and CSV) and an all-states overview,
    as of 1991-12-31 (use --as-of to change).

    \b
    Examples:
      helsinki-compliance report
      helsinki-compliance report --state PL --period review-meetings --format html,md
    """

    corpus = _load(obj)
    wanted = [f.strip() for f in (formats or ",".join(FORMATS)).split(",") if f.strip()]
    bad = sorted(set(wanted) - set(FORMATS))
    if bad:
        raise click.BadParameter(f"unknown format(s): {', '.join(bad)}", param_hint="--format")
    at = _as_of(as_of) if as_of else REPORT_AS_OF
    # default: every state with evidence and the all-states overview
    codes = api.resolve_states(corpus, list(states) or ["all"])
    # the default set: every format for the states with a goal set (the USSR), Markdown and CSV for the rest
    full = None if (states or formats) else {gs.state for gs in corpus.goal_sets.values()}
    goal_data = goals_mod.report_goals(corpus, codes, first=first, last=last, as_of=at)
    names = report_names(corpus, states=codes, period=period, first=first, last=last, formats=wanted, full=full)
    show = not obj.quiet and sys.stderr.isatty()
    with click.progressbar(length=len(names) + 1, label="writing reports", file=sys.stderr) if show else _null() as bar:
        written = write_report(
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
    click.echo(
        f"wrote {len(written)} files to {out}/ (as of {at.isoformat()}): " + ", ".join(sorted(p.name for p in written))
    )


class _null:
    def __enter__(self) -> _null:
        return self

    def __exit__(self, *a: object) -> None:
        return None

    def update(self, n: int) -> None:
        return None


# ---------------------------------------------------------------- init


@main.command()
@click.argument("directory", type=click.Path(file_okay=False))
@click.option(
    "--extends",
    default="bundled",
    show_default=True,
    help="bundled (catalogue and corpus), catalogue (commitments only), none, or a path to a data directory.",
)
@click.pass_obj
@handle_errors
def init(obj: Ctx, directory: str, extends: str) -> None:
    """Create a data directory of your own that extends the bundled catalogue and corpus.

    \b
    Example:
      helsinki-compliance init my-corpus && cd my-corpus
      helsinki-compliance observe add ...      # writes under my-corpus/observations/
    """

    written = init_dir(Path(directory), extends)
    for p in written:
        click.echo(f"created {p}")
    obj.info(
        f"next: add your source to {Path(directory) / 'observations' / 'sources.yaml'}, "
        "then `helsinki-compliance observe add` inside the directory"
    )


# ---------------------------------------------------------------- observe


@main.group()
def observe() -> None:
    """Add, import, list and show observations.

    \b
    Examples:
      helsinki-compliance observe add --state SU --date 1988-11-30 --kind policy-change \\
        --commitment hfa.b3.info.broadcast --tag radio --tag rferl \\
        --standing radio-jamming --subject rferl --ended --source my-source --locator "p. 1" \\
        --quote "..." --dated-by "30 November 1988" --confidence high
      helsinki-compliance observe import new-rows.csv --dry-run
      helsinki-compliance observe list --state SU --kind jamming
      helsinki-compliance observe show memo.rferl-jammed
    """


def _add(obj: Ctx, drafts: Any, target: str | None, dry_run: bool, allow_duplicate: str | None) -> Any:

    cfg = api.data_config(obj.data)
    return obs_mod.add(
        cfg.root,
        drafts,
        cache=obj.cache,
        target=Path(target) if target else None,
        dry_run=dry_run,
        allow_duplicate=allow_duplicate,
        base=cfg.base,
        base_dirs=cfg.base_dirs,
    )


def _print_result(obj: Ctx, result: Any, fmt: str) -> None:
    if fmt == "json":
        click.echo(to_json(result.to_dict()), nl=False)
        return
    verb = "added" if result.written else "would add (dry run, nothing written)"
    for oid in result.ids:
        click.echo(f"{verb} {oid}")
    if result.files:
        click.echo(f"{'in' if result.written else 'to'} {', '.join(result.files)}")
    for w in result.warnings:
        click.echo(str(w), err=True)
    if result.changes:
        click.echo("changes:")
        for ch in result.changes:
            click.echo(f"  {ch}")
    else:
        click.echo("changes: none (no scorecard cell or goal verdict moves)")


def _prompt_fields(corpus: api.Corpus) -> dict[str, Any]:
    """Ask for each field on a terminal, with the registries as choices."""
    voc = corpus.vocabulary
    ask = click.prompt

    def checked(field: str) -> Callable[[str], str]:
        """A prompt's value check: a bad answer is explained and asked again, the others are kept."""

        def proc(value: str) -> str:
            problem = obs_mod.check_field(corpus, field, value)
            if problem:
                raise click.BadParameter(problem)
            return value.strip()

        return proc

    opts: dict[str, Any] = {}
    opts["state"] = ask("state", default="SU", type=click.Choice(sorted(corpus.states)), show_choices=False)
    opts["date"] = ask("date (1988-11-30, 1988-11, 1988, 1988-Q4, or a range A/B)", value_proc=checked("date"))
    opts["dated_by"] = ask("dated by (the words that date it)", value_proc=checked("dated_by"))
    opts["kind"] = ask("kind", type=click.Choice(sorted(voc.kinds)), show_choices=False)
    tags = ask("tags (comma-separated, blank for none)", default="", show_default=False, value_proc=checked("tags"))
    opts["tags"] = [t.strip() for t in tags.split(",") if t.strip()]
    comms = ask(
        "commitments (comma-separated ids, blank for none)",
        default="",
        show_default=False,
        value_proc=checked("commitments"),
    )
    opts["commitments"] = [c.strip() for c in comms.split(",") if c.strip()]
    opts["source"] = ask("source", type=click.Choice(sorted(corpus.sources)), show_choices=True)
    opts["locator"] = ask("locator (page, paragraph, section)", value_proc=checked("locator"))
    opts["quote"] = ask("quote (short and exact)", value_proc=checked("quote"))
    opts["confidence"] = ask("confidence", default="medium", type=click.Choice(["high", "medium", "low"]))
    if click.confirm("a standing condition (lasts until ended)?", default=False):
        opts["standing"] = ask("condition", type=click.Choice(sorted(voc.conditions)), show_choices=False)
        opts["subject"] = ask("subject (blank for none)", default="", show_default=False) or None
        opts["ended"] = click.confirm("does this observation record its end?", default=False)
    if click.confirm("a figure (metric)?", default=False):
        opts["metric"] = ask("metric", type=click.Choice(sorted(voc.metrics)), show_choices=True)
        opts["value"] = ask("value", type=float)
        opts["unit"] = ask("unit", default=voc.metrics[opts["metric"]].unit)
    return opts


@observe.command("add")
@click.option("--state", help="State code, e.g. SU.")
@click.option("--date", help="1988-11-30, 1988-11, 1988, 1988-Q4, 1988-H2, or a range 1987-09/1987-12.")
@click.option("--dated-by", help="The words that date it, or how the date was inferred.")
@click.option("--kind", help="Observation kind (commitments/vocabulary.yaml).")
@click.option("--tag", "tags", multiple=True, help="Tag (repeatable).")
@click.option("--commitment", "commitments", multiple=True, help="Commitment id it bears on (repeatable).")
@click.option("--case", "cases", multiple=True, help="Case id (repeatable).")
@click.option("--source", help="Source id (observations/sources.yaml).")
@click.option("--locator", help="Where in the source: page, paragraph, section.")
@click.option("--quote", help="A short exact quote.")
@click.option("--confidence", type=click.Choice(["high", "medium", "low"]), help="How sure the reading is.")
@click.option("--claim", is_flag=True, help="A government's claim (never counted as evidence).")
@click.option("--note", help="A note for readers.")
@click.option("--metric", help="Metric name, e.g. emigration.annual-rate.")
@click.option("--value", type=float, help="The metric's value.")
@click.option("--unit", help="The metric's unit.")
@click.option("--qualifier", type=click.Choice(["exact", "approx", "below", "above", "at-least", "at-most"]))
@click.option("--standing", help="A standing condition this records, e.g. radio-jamming.")
@click.option("--subject", help="The condition's subject (a case id or a station such as rferl).")
@click.option("--ended", is_flag=True, help="The condition ended (default: it is in effect).")
@click.option(
    "--all-subjects",
    is_flag=True,
    help="With --standing C --ended: end C for every subject in effect for the state on that date.",
)
@click.option("--since", help="When the condition began, if the source says.")
@click.option("--id", "obs_id", help="An id of your own (default: derived from the fact).")
@click.option(
    "--file",
    "files",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="YAML/JSON file of one or many observations.",
)
@click.option(
    "--to",
    "target",
    type=click.Path(dir_okay=False),
    help="The observations file to write (default: the file of its source).",
)
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@click.option(
    "--allow-duplicate",
    metavar="REASON",
    help="Add even if it duplicates an observation (the reason goes in its note).",
)
@click.option(
    "--interactive/--no-interactive",
    default=None,
    help="Prompt for each field (default: on a terminal when no field is given).",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_obj
@handle_errors
def observe_add(
    obj: Ctx,
    files: tuple[str, ...],
    target: str | None,
    dry_run: bool,
    allow_duplicate: str | None,
    interactive: bool | None,
    fmt: str,
    obs_id: str | None,
    **fields: Any,
) -> None:
    """Add an observation: validate it, write it under observations/, print what it changes.

    Nothing is written when anything is wrong (exit 2), with --dry-run, or when it duplicates an
    observation already in the corpus (same state, date, kind, source and locator, or the same
    quote from the same source for the same state).

    \b
    Examples:
      helsinki-compliance observe add --state SU --date 1988-11-30 --kind policy-change \\
        --commitment hfa.b3.info.broadcast --tag radio --tag rferl \\
        --standing radio-jamming --subject rferl --ended \\
        --source my-source --locator "p. 1" --quote "..." --dated-by "30 November 1988" --confidence high
      helsinki-compliance observe add --file new.yaml --dry-run
    """

    given = {k: v for k, v in fields.items() if v not in (None, (), False)}
    if obs_id:
        given["id"] = obs_id
    if files and given:
        raise click.UsageError("give either --file or field options, not both")
    if interactive is None:
        interactive = not files and not given and sys.stdin.isatty()
    drafts: list[obs_mod.Draft] = []
    if files:
        for f in files:
            drafts.extend(obs_mod.drafts_from_file(obj.path(f, "--file")))
    elif interactive:
        drafts.append(obs_mod.draft_from_options(_prompt_fields(api.load(obj.data))))
    elif given and fields.get("all_subjects"):
        drafts.extend(obs_mod.drafts_for_all_subjects(api.load(obj.data), {**fields, "id": obs_id}))
    elif given:
        drafts.append(obs_mod.draft_from_options({**fields, "id": obs_id}))
    else:
        raise click.UsageError("no observation given: use field options, --file, or --interactive")
    _print_result(obj, _add(obj, drafts, target, dry_run, allow_duplicate), fmt)


@observe.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--to",
    "target",
    type=click.Path(dir_okay=False),
    help="The observations file to write (default: the file of each source).",
)
@click.option("--dry-run", is_flag=True, help="Validate and show what would change; write nothing.")
@click.option("--allow-duplicate", metavar="REASON", help="Add rows even if they duplicate observations.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_obj
@handle_errors
def observe_import(
    obj: Ctx, file: str, target: str | None, dry_run: bool, allow_duplicate: str | None, fmt: str
) -> None:
    """Bulk import from CSV, JSON or YAML; all or nothing: one bad row rejects the batch.

    CSV columns: id (optional), date, dated_by, state, kind, tags, commitments, cases (lists
    separated by ';'), source, locator, quote, confidence, claim, note, metric_name, metric_value,
    metric_unit, metric_qualifier, standing_condition, standing_subject, standing_in_effect,
    standing_since. Every row's errors are listed as FILE:LINE: field: message.

    \b
    Examples:
      helsinki-compliance observe import rows.csv --dry-run
      helsinki-compliance observe import export.json --to observations/my-import.yaml
    """

    drafts = obs_mod.drafts_from_file(obj.path(file, "FILE"))
    _print_result(obj, _add(obj, drafts, target, dry_run, allow_duplicate), fmt)


@observe.command("list")
@click.option("--state", help="State code.")
@click.option("--from", "start", metavar="DATE", help="Observations whose dates reach DATE or later.")
@click.option("--to", "end", metavar="DATE", help="Observations whose dates begin by DATE.")
@click.option("--kind", help="Observation kind.")
@click.option("--source", help="Source id.")
@click.option("--commitment", help="Commitment id (prefix match).")
@click.option("--case", help="Case id.")
@click.option("--text", help="Words in the id, quote, note or locator (case-insensitive).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.pass_obj
@handle_errors
def observe_list(
    obj: Ctx,
    state: str | None,
    start: str | None,
    end: str | None,
    kind: str | None,
    source: str | None,
    commitment: str | None,
    case: str | None,
    text: str | None,
    fmt: str,
) -> None:
    """List observations matching every filter given.

    \b
    Examples:
      helsinki-compliance observe list --state SU --kind jamming
      helsinki-compliance observe list --from 1987 --to 1988 --source schifter-1987 --format json
    """

    corpus = _load(obj)
    try:
        a = parse_date(start).start if start else None
        b = parse_date(end).end if end else None
    except DateError as exc:
        raise click.BadParameter(str(exc), param_hint="--from/--to") from None
    rows = obs_mod.select(
        corpus, state=state, start=a, end=b, kind=kind, source=source, commitment=commitment, case=case, text=text
    )
    records = [
        {
            "id": o.id,
            "date": o.date.text,
            "state": o.state,
            "kind": o.kind,
            "source": o.source,
            "locator": o.locator,
            "quote": o.quote,
            "commitments": list(o.commitments),
        }
        for o in rows
    ]
    if fmt == "json":
        click.echo(to_json(records), nl=False)
        return
    if fmt == "csv":
        header = ["id", "date", "state", "kind", "source", "locator", "quote", "commitments"]
        body = [[";".join(v) if isinstance(v, list) else v for v in r.values()] for r in records]
        click.echo(write_csv([header, *body]), nl=False)
        return
    width = max((len(r["id"]) for r in records), default=0)
    for o, r in zip(rows, records):
        if o.standing:
            subject = f" [{o.standing.subject}]" if o.standing.subject else ""
            what = f"{o.standing.condition}{subject} {'in effect' if o.standing.in_effect else 'ended'}"
        elif o.metric:
            what = f"{o.metric.name} = {o.metric.value:g}"
        else:
            quote = str(r["quote"])
            what = quote if len(quote) <= 50 else quote[:47] + "..."
        click.echo(f"{r['id']:<{width}}  {r['date']:<21}  {r['state']:<2}  {r['kind']:<18}  {r['source']:<16}  {what}")
    obj.info(f"{len(records)} observation{'s' if len(records) != 1 else ''}")


@observe.command("show")
@click.argument("obs_id", metavar="ID")
@click.option("--format", "fmt", type=click.Choice(["yaml", "json"]), default="yaml", show_default=True)
@click.pass_obj
@handle_errors
def observe_show(obj: Ctx, obs_id: str, fmt: str) -> None:
    """One observation: its fields, where it is written, and the scorecard cells that cite it.

    \b
    Example:
      helsinki-compliance observe show memo.rferl-jammed
    """

    corpus = _load(obj)
    found = {o.id: o for o in corpus.observations}
    if obs_id not in found:
        raise UsageError(f"no observation {obs_id!r}{did_you_mean(obs_id, found)}")
    o = found[obs_id]
    origin = corpus.origin("observations", obs_id)
    last = max(1991, o.date.end.year)
    cells = obs_mod.cited_in(corpus, o, max(1975, o.date.start.year), last, date.today())
    if fmt == "json":
        click.echo(
            to_json(
                {
                    "observation": o.model_dump(mode="json", exclude_defaults=True),
                    "file": origin.file if origin else None,
                    "line": origin.line if origin else None,
                    "cited_in": cells,
                }
            ),
            nl=False,
        )
        return
    click.echo(f"# {origin.file}:{origin.line}" if origin else "#")
    click.echo(obs_mod.observation_yaml(o, 0), nl=False)
    click.echo("cited in:" if cells else "cited in: no scorecard cell (no rule reads it)")
    for c in cells:
        click.echo(f"  {c}")


# ---------------------------------------------------------------- synth (issue #8: benchmarks)


@main.command("synth")
@click.option("--observations", "n_obs", type=int, required=True, help="How many observations to write.")
@click.option("--states", "n_states", type=int, default=57, show_default=True, help="How many participating states.")
@click.option("--years", default="1975-2025", show_default=True, metavar="FROM-TO", help="Years the dates fall in.")
@click.option(
    "--seed", type=int, default=0, show_default=True, help="Random seed; the same seed writes the same bytes."
)
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

    try:
        first, last = (int(y) for y in years.split("-"))
    except ValueError:
        raise click.BadParameter("use FROM-TO, e.g. 1975-2025", param_hint="--years") from None
    base = _load(obj)
    try:
        s = synthesize(
            base, Path(out), observations=n_obs, states=n_states, years=(first, last), seed=seed, force=force
        )
    except (ValueError, FileExistsError) as exc:
        raise UsageError(str(exc)) from None
    obj.info(
        f"wrote {s.observations:,} observations of {len(s.states)} states in {s.files} files "
        f"({s.bytes / 1e6:.1f} MB) to {out}/"
    )
