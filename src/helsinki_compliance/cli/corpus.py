"""Commands that make corpora: init (a corpus of one's own) and synth (a synthetic one for benchmarks)."""

from __future__ import annotations

from pathlib import Path

import click

from helsinki_compliance import api
from helsinki_compliance.cli.app import Ctx, echo, handle_errors, load_corpus, main
from helsinki_compliance.errors import (
    UsageError,
)
from helsinki_compliance.load.config import check_extends
from helsinki_compliance.load.config import init as init_dir
from helsinki_compliance.tools.synth import synthesize

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

    target = obj.path(directory, "DIRECTORY")
    base = check_extends(target, extends)
    if base is not None and not Path(extends).is_absolute():
        obj.path(str(base), "--extends")  # a relative --extends obeys the same guard as every path
    written = init_dir(target, extends)
    for p in written:
        echo(f"created {p}")
    obj.info(
        f"next: cd {directory}; register your source with `helsinki-compliance source add` "
        "and add observations with `helsinki-compliance observe add` (see --help on each)"
    )


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
    base = load_corpus(obj)
    try:
        s = synthesize(
            base,
            obj.path(out, "--out"),
            observations=n_obs,
            states=n_states,
            years=(first, last),
            seed=seed,
            force=force,
            roots=api.data_roots(obj.data),
        )
    except (ValueError, FileExistsError) as exc:
        raise UsageError(str(exc)) from None
    obj.info(
        f"wrote {s.observations:,} observations of {len(s.states)} states in {s.files} files "
        f"({s.bytes / 1e6:.1f} MB) to {out}/"
    )


# ---------------------------------------------------------------- export (issue #19: the columnar corpus)


@main.command("export")
@click.option("--format", "fmt", type=click.Choice(["parquet"]), default="parquet", show_default=True)
@click.option("--out", required=True, metavar="DIR", help="Directory to write (files in it are replaced).")
@click.pass_obj
@handle_errors
def export_cmd(obj: Ctx, fmt: str, out: str) -> None:
    """Export the validated corpus as columns: observations/state=XX/part-0.parquet and texts.parquet.

    \b
    Example (the layout the Spark engine and any Parquet reader take):
      helsinki-compliance export --format parquet --out corpus-parquet
    """
    corpus = load_corpus(obj)
    written = api.export_parquet(corpus, obj.path(out, "--out"))
    obj.info(f"wrote {len(corpus.observations):,} observations in {len(written)} files to {out}")
