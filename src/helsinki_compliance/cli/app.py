"""The command-line tool's frame: the ``helsinki-compliance`` group, its global options, the
error-to-exit-code mapping and the helpers every command shares. The commands live in the
modules beside this one (one per command group) and only parse, call the library and print.

Exit codes (see :mod:`helsinki_compliance.errors`): 0 ok; 1 a gate the user asked for failed
(``validate --strict`` with warnings, ``test-rules`` failures, ``--fail-on``); 2 bad input or
usage, nothing written; 3 an internal error.
"""

from __future__ import annotations

import functools
import gc
import os
import re
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import click

from helsinki_compliance import api
from helsinki_compliance.errors import (
    EXIT_BAD_INPUT,
    EXIT_INTERNAL,
    DataError,
    HelsinkiError,
    UsageError,
)
from helsinki_compliance.load.yaml_reader import UNSAFE_TEXT
from helsinki_compliance.model.dates import MAX_YEAR, MIN_YEAR, DateError
from helsinki_compliance.model.periods import PeriodError
from helsinki_compliance.render.tables import (
    COLOURS,
)
from helsinki_compliance.version import __version__

#: What :func:`echo` escapes: the characters refused in data (C0 other than tab and newline, DEL,
#: C1, bidirectional controls), except the colour codes :func:`style` itself adds (SGR, ``ESC[..m``).
_TERMINAL = re.compile("\x1b\\[[0-9;]*m|" + UNSAFE_TEXT.pattern)


def terminal_safe(text: str) -> str:
    """``text`` with every control and bidirectional character shown as an escape (``\\u001b``)."""

    def escape(m: re.Match[str]) -> str:
        ch = m.group()
        if len(ch) > 1:  # a colour code of style()
            return ch
        return f"\\u{ord(ch):04x}"  # also a valid escape inside a JSON string

    return _TERMINAL.sub(escape, text)


def echo(message: object = "", *, err: bool = False, nl: bool = True) -> None:
    """``click.echo`` for everything the tool prints: no data can move the cursor, retitle or clear
    the terminal, or reorder text (see :func:`terminal_safe`); the colours of :func:`style` stay."""
    click.echo(terminal_safe(str(message)), err=err, nl=nl)


def colour_enabled() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def style(text: str, status: str) -> str:
    if not colour_enabled() or status not in COLOURS:
        return text
    return click.style(terminal_safe(text), fg=COLOURS[status])


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
        place explicitly and is taken as given; an empty one is refused (it would mean the current
        directory without saying so)."""
        if not value.strip():
            raise UsageError(f"{option}: empty path; name a file or directory ('.' for the current directory)")
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
            echo(message, err=True)


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
                echo(str(p), err=True)
            n = len(exc.problems)
            echo(f"{n} problem{'s' if n != 1 else ''}; nothing was written.", err=True)
            ctx.exit(EXIT_BAD_INPUT)
        except HelsinkiError as exc:
            echo(f"error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except (DateError, PeriodError) as exc:  # a date or period the user gave that reached the engine
            echo(f"error: {exc}", err=True)
            ctx.exit(EXIT_BAD_INPUT)
        except (click.exceptions.Exit, click.ClickException, click.Abort, BrokenPipeError):
            raise
        except OSError as exc:
            if debug:
                raise
            echo(f"error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), err=True)
            ctx.exit(EXIT_BAD_INPUT)
        except Exception as exc:  # noqa: BLE001 - the last line of defence: no traceback for users
            if debug:
                raise
            echo(f"internal error: {type(exc).__name__}: {exc} (run with --debug for details)", err=True)
            ctx.exit(EXIT_INTERNAL)

    return wrapper


def as_of_date(value: str | None, corpus: api.Corpus) -> date:
    """``--as-of`` as a date; without it, the one default of every command: the corpus's clock."""
    if value is None:
        return api.default_as_of(corpus)
    return api.parse_as_of(value, "--as-of")


#: The type of the year options (``--from``/``--to``): the years a date may name.
YEAR = click.IntRange(MIN_YEAR, MAX_YEAR)

AS_OF = click.option(
    "--as-of",
    "as_of",
    metavar="DATE",
    help=(
        "Count only observations known by DATE (default: the corpus's clock, the day its latest "
        "evidence became known; the same for every command and report)."
    ),
)
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
    help="Parse every file afresh; do not read or write the per-user cache.",
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


def load_corpus(obj: Ctx, today: date | None = None) -> api.Corpus:

    corpus = api.load(obj.data, today=today, cache=obj.cache)
    gc.freeze()  # the corpus lives until the command ends: keep it out of every later collection
    return corpus


def run() -> None:
    """Console entry point: the click group, with a quiet exit on a closed pipe (``| head``)."""
    try:
        main(prog_name="helsinki-compliance")
    except BrokenPipeError:  # pragma: no cover - depends on the reader
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(0)
