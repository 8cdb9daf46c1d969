"""Commands that check and describe the data: validate, schema, commitments, test-rules, stats."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from helsinki_compliance import api
from helsinki_compliance.cli.app import AS_OF, Ctx, as_of_date, echo, handle_errors, load_corpus, main
from helsinki_compliance.engine.ruletests import run_rule_tests
from helsinki_compliance.errors import (
    EXIT_GATE_FAILED,
)
from helsinki_compliance.render.schemadoc import render_reference
from helsinki_compliance.render.tables import render_by_year, to_json
from helsinki_compliance.storage import atomic_write


@main.command()
@click.option("--strict", is_flag=True, help="Exit 1 when there are warnings.")
@click.pass_obj
@handle_errors
def validate(obj: Ctx, strict: bool) -> None:
    """Check every data file; print FILE:LINE: path: message for each problem.

    Warnings about what is so on purpose (an observation citing no commitment that no rule reads,
    kept as context; a fact reported two ways, one reading kept; background dated before a state
    joined) are counted as informational and printed only with -v. --strict fails on every warning.

    \b
    Examples:
      helsinki-compliance validate
      helsinki-compliance validate --strict
    """
    cfg = api.data_config(obj.data)
    corpus = load_corpus(obj, today=date.today())
    # a corpus that extends another is answerable for its own files; the base's warnings are counted
    own = [w for w in corpus.warnings if cfg.base is None or not Path(w.file).is_absolute()]
    inherited = len(corpus.warnings) - len(own)
    own += api.open_detention_warnings(corpus, own_only=cfg.base is not None)
    notes = [w for w in own if w.informational]
    for w in own:
        if obj.verbose or not w.informational:
            echo(str(w), err=True)
    if inherited and obj.verbose:
        for w in corpus.warnings:
            if w not in own:
                echo(str(w), err=True)
    echo(
        f"ok: {len(corpus.files)} files, {len(corpus.commitments)} commitments, "
        f"{sum(len(c.rules) for c in corpus.commitments.values())} rules, {len(corpus.observations)} observations, "
        f"{len(corpus.sources)} sources, {len(corpus.cases)} cases; {len(own) - len(notes)} warnings"
        + (f", {len(notes)} informational (kept so on purpose; -v shows them)" if notes else "")
        + (f" (and {inherited} in the data it extends; -v shows them)" if inherited else "")
    )
    if strict and own:
        sys.exit(EXIT_GATE_FAILED)


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
    corpus = load_corpus(obj)
    rows = api.catalogue(corpus, state=state, as_of=as_of_date(as_of, corpus) if as_of else None)
    if fmt == "json":
        echo(to_json(rows), nl=False)
        return
    w = max([len(r["id"]) for r in rows] + [10])
    echo(f"{'id'.ljust(w)}  {'instrument':<15} {'in force':<10} {'wt':>3}  title")
    for r in rows:
        echo(
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

    corpus = load_corpus(obj)
    report = run_rule_tests(corpus, commitment)
    for r in report.failed:
        why = r.error or f"expected {r.expected}, got {r.actual}"
        echo(f"FAIL {r.commitment}/{r.rule}: {r.name}: {why}")
    for u in report.uncovered:
        echo(f"UNCOVERED {u}")
    n, f = len(report.results), len(report.failed)
    echo(f"{n - f} passed, {f} failed, {len(report.uncovered)} rules uncovered")
    if not report.ok:
        sys.exit(EXIT_GATE_FAILED)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option(
    "--by-year", is_flag=True, help="Per state and year: observations, sources, kinds of source, commitments cited."
)
@click.option("--state", "states", multiple=True, help="With --by-year: only these states (repeatable).")
@click.pass_obj
@handle_errors
def stats(obj: Ctx, fmt: str, by_year: bool, states: tuple[str, ...]) -> None:
    """Summarise the corpus: observations per source, state, decade, kind, commitment; cases.

    \b
    Examples:
      helsinki-compliance stats --format json
      helsinki-compliance stats --by-year --state SU --state PL
    """
    corpus = load_corpus(obj)
    s = api.stats(corpus)
    if by_year:
        wanted = set(api.resolve_states(corpus, list(states))) if states else None
        table = {k: v for k, v in s["by_state_year"].items() if wanted is None or k in wanted}
        click.echo(to_json(table) if fmt == "json" else render_by_year(table), nl=False)
        return
    if fmt == "json":
        echo(to_json(s), nl=False)
        return
    echo(f"{s['observations']} observations, {s['cases']} cases, {s['commitments']} commitments")
    for section in ("by_source", "by_state", "by_decade", "by_kind", "by_commitment"):
        echo(f"\n{section.replace('_', ' ')}:")
        for k, v in s[section].items():
            echo(f"  {k:<40} {v:>5}")
    echo("\ncommitments with no evidence:")
    for c in s["commitments_without_evidence"]:
        echo(f"  {c}")
