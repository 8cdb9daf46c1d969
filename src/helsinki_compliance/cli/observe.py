"""The observe commands: add, import, list and show observations."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import click

from helsinki_compliance import api
from helsinki_compliance.cli.app import Ctx, echo, handle_errors, load_corpus, main
from helsinki_compliance.cli.reader import complete
from helsinki_compliance.errors import (
    DataError,
    UsageError,
    did_you_mean,
)
from helsinki_compliance.model import defaults
from helsinki_compliance.model.dates import DateError, parse_date
from helsinki_compliance.observe import core as obs_mod
from helsinki_compliance.observe import drafts as obs_drafts
from helsinki_compliance.observe import infer
from helsinki_compliance.observe import writer as obs_writer
from helsinki_compliance.render.tables import (
    to_json,
    write_csv,
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


def _writable(obj: Ctx, command: str) -> None:
    """Refuse before any prompt or parsing when the write would land in the bundled data (a dry
    run too: it takes the data directory's lock, a file, and the bundled data may not be writable)."""
    api.writable(api.data_config(obj.data), command)


def _add(obj: Ctx, drafts: Any, target: str | None, dry_run: bool, allow_duplicate: str | None) -> Any:
    cfg = api.data_config(obj.data)
    api.writable(cfg, "observe add")
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
        echo(to_json(result.to_dict()), nl=False)
        return
    verb = "added" if result.written else "would add (dry run, nothing written)"
    for oid in result.ids:
        echo(f"{verb} {oid}")
    if result.files:
        echo(f"{'in' if result.written else 'to'} {', '.join(result.files)}")
    for w in result.warnings:
        echo(str(w), err=True)
    if result.changes:
        echo("changes:")
        for ch in result.changes:
            echo(f"  {ch}")
    else:
        echo("changes: none (no scorecard cell or goal verdict moves)")


def _prompt_fields(corpus: api.Corpus) -> dict[str, Any]:
    """Ask for each field on a terminal, with the registries as choices."""
    voc = corpus.vocabulary
    ask = click.prompt

    def checked(field: str) -> Callable[[str], str]:
        """A prompt's value check: a bad answer is explained and asked again, the others are kept."""

        def proc(value: str) -> str:
            problem = obs_drafts.check_field(corpus, field, value)
            if problem:
                raise click.BadParameter(problem)
            return value.strip()

        return proc

    opts: dict[str, Any] = {}
    opts["state"] = ask("state", default=defaults.STATE, type=click.Choice(sorted(corpus.states)), show_choices=False)
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
        if opts["ended"]:
            opts["ended_by"] = (
                ask(
                    "how did it end (blank if the source does not say)",
                    default="",
                    show_default=False,
                    type=click.Choice(["", *sorted(voc.endings)]),
                    show_choices=True,
                )
                or None
            )
    if click.confirm("a figure (metric)?", default=False):
        opts["metric"] = ask("metric", type=click.Choice(sorted(voc.metrics)), show_choices=True)
        opts["value"] = ask("value", type=float)
        opts["unit"] = ask("unit", default=voc.metrics[opts["metric"]].unit)
    return opts


@observe.command("add")
@click.option(
    "--state",
    help="[required] State: a code, name or alias in any case, e.g. SU, USSR, East Germany (list: helsinki-compliance states).",
    shell_complete=complete("states"),
)
@click.option(
    "--date", help="[required] 1988-11-30, 1988-11, 1988, 1988-Q4, a range 1987-09/1987-12; 30/11/1988 is understood."
)
@click.option(
    "--kind",
    help="[required] Observation kind (list: helsinki-compliance vocabulary).",
    shell_complete=complete("kinds"),
)
@click.option(
    "--source",
    help="[required] Source id (list: helsinki-compliance sources; a new one: helsinki-compliance source add).",
    shell_complete=complete("sources"),
)
@click.option("--locator", help="[required] Where in the source: page, paragraph, section.")
@click.option("--quote", help="[required] A short exact quote.")
@click.option("--dated-by", help="[optional, inferred] The words that date it (default: says the date was entered).")
@click.option(
    "--confidence",
    type=click.Choice(["high", "medium", "low"], case_sensitive=False),
    help="[optional, inferred] How sure the reading is (default: the source's reliability).",
)
@click.option("--tag", "tags", multiple=True, help="[optional] Tag (repeatable).", shell_complete=complete("tags"))
@click.option(
    "--commitment",
    "commitments",
    multiple=True,
    help="[optional] Commitment id it bears on (repeatable).",
    shell_complete=complete("commitments"),
)
@click.option(
    "--case", "cases", multiple=True, help="[optional] Case id (repeatable).", shell_complete=complete("cases")
)
@click.option("--claim", is_flag=True, help="[optional] A government's claim (never counted as evidence).")
@click.option("--note", help="[optional] A note for readers.")
@click.option("--metric", help="[optional] Metric name, e.g. emigration.annual-rate.")
@click.option("--value", type=float, help="[optional] The metric's value.")
@click.option("--unit", help="[optional] The metric's unit.")
@click.option(
    "--qualifier",
    type=click.Choice(["exact", "approx", "below", "above", "at-least", "at-most"]),
    help="[optional] How exact the value is.",
)
@click.option(
    "--standing",
    help="[optional] A standing condition this records, e.g. radio-jamming.",
    shell_complete=complete("conditions"),
)
@click.option("--subject", help="[optional] The condition's subject (a case id or a station such as rferl).")
@click.option("--ended", is_flag=True, help="[optional] The condition ended (default: it is in effect).")
@click.option(
    "--ended-by",
    "ended_by",
    help="[optional] How the condition ended (implies --ended): released, died-in-custody, expelled-abroad, ...",
    shell_complete=complete("endings"),
)
@click.option(
    "--all-subjects",
    is_flag=True,
    help="With --standing C --ended: end C for every subject in effect for the state on that date.",
)
@click.option("--since", help="When the condition began, if the source says.")
@click.option("--known-by", "known_by", help="When the fact became known (published), if later than --date.")
@click.option(
    "--fact", help="A key naming the fact, shared by every source that reports it (e.g. su-rferl-jamming-ended)."
)
@click.option("--adopted", help="For a legal act: when it was adopted.")
@click.option("--in-force", "in_force", help="For a legal act: when it entered into force.")
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

    Required: --state, --date, --kind, --source, --locator, --quote. Everything else is
    optional; --dated-by and --confidence are inferred when not given, and what was inferred is
    printed. Valid words: `helsinki-compliance vocabulary`, `states`, `sources`; a new source:
    `helsinki-compliance source add`.

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
    _writable(obj, "observe add")
    given = {k: v for k, v in fields.items() if v not in (None, (), False)}
    if obs_id:
        given["id"] = obs_id
    if files and given:
        raise click.UsageError("give either --file or field options, not both")
    if interactive is None:
        interactive = not files and not given and sys.stdin.isatty()
    drafts: list[obs_drafts.Draft] = []
    if files:
        for f in files:
            drafts.extend(obs_drafts.drafts_from_file(obj.path(f, "--file")))
    elif interactive:
        drafts.append(obs_drafts.draft_from_options(_prompt_fields(api.load(obj.data))))
    elif given:
        corpus = api.load(obj.data)
        opts = {**fields, "id": obs_id}
        # --all-subjects: one draft per subject, each inferred as a single one is (said once, not per subject)
        base = (
            obs_drafts.drafts_for_all_subjects(corpus, opts)
            if fields.get("all_subjects")
            else [obs_drafts.draft_from_options(opts)]
        )
        said: list[str] = []
        for draft in base:
            try:
                data, notes = infer.normalise(corpus, draft.data, today=date.today())
            except infer.FieldError as exc:
                raise DataError([draft.problem([exc.field], str(exc))]) from None
            drafts.append(obs_drafts.Draft(data))
            said.extend(n for n in notes if n not in said)
        for note in said:
            click.echo(f"inferred: {note}", err=fmt == "json")
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
    _writable(obj, "observe import")
    drafts = obs_drafts.drafts_from_file(obj.path(file, "FILE"))
    _print_result(obj, _add(obj, drafts, target, dry_run, allow_duplicate), fmt)


@observe.command("list")
@click.option("--state", help="State: a code, name or alias (USSR, East Germany), any case.")
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

    corpus = load_corpus(obj)
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
        echo(to_json(records), nl=False)
        return
    if fmt == "csv":
        header = ["id", "date", "state", "kind", "source", "locator", "quote", "commitments"]
        body = [[";".join(v) if isinstance(v, list) else v for v in r.values()] for r in records]
        echo(write_csv([header, *body]), nl=False)
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
        echo(f"{r['id']:<{width}}  {r['date']:<21}  {r['state']:<2}  {r['kind']:<18}  {r['source']:<16}  {what}")
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

    corpus = load_corpus(obj)
    found = {o.id: o for o in corpus.observations}
    if obs_id not in found:
        raise UsageError(f"no observation {obs_id!r}{did_you_mean(obs_id, found)}")
    o = found[obs_id]
    origin = corpus.origin("observations", obs_id)
    last = max(defaults.LAST_YEAR, o.date.end.year)
    cells = obs_mod.cited_in(corpus, o, max(defaults.FIRST_YEAR, o.date.start.year), last, api.default_as_of(corpus))
    if fmt == "json":
        echo(
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
    echo(f"# {origin.file}:{origin.line}" if origin else "#")
    echo(obs_writer.observation_yaml(o, 0), nl=False)
    echo("cited in:" if cells else "cited in: no scorecard cell (no rule reads it)")
    for c in cells:
        echo(f"  {c}")
