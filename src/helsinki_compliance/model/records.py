"""Pydantic models of the data files: commitments and their rules, observations, sources,
states, instruments, periods, cases, assessments, goals, and the vocabulary.

Every model is strict (unknown keys are errors) and frozen. Numbers must be written as numbers
(``10000``, not ``"10000"``, never ``true``) and flags as ``true``/``false`` (not ``yes``, ``"no"``
or ``1``): a value of the wrong type is an error, never silently converted. The JSON Schemas
published in ``schemas/`` are generated from these models, so schema and loader cannot disagree.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Iterator, Sequence
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    PlainSerializer,
    Tag,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from helsinki_compliance.model import defaults
from helsinki_compliance.model.conditions import NUMERIC_OPERATORS, Condition, compile_condition
from helsinki_compliance.model.dates import DateSpec, parse_date

# ---------------------------------------------------------------- vocabulary of values

#: Statuses a finding can have, best first.
#: The full, closed status vocabulary of a cell.
STATUSES = ("compliant", "partial", "violation", "not-assessed", "not-in-force", "not-yet")
STATUS_SCORES = {"compliant": 1.0, "partial": 0.5, "violation": 0.0}
SEVERITY_WEIGHTS = {"minor": 1.0, "moderate": 2.0, "serious": 3.0}
CONFIDENCE_VALUES = {"high": 1.0, "medium": 0.7, "low": 0.4}

FindingStatus = Literal["compliant", "partial", "violation"]
Status = Literal["compliant", "partial", "violation", "not-assessed", "not-in-force", "not-yet"]
Severity = Literal["minor", "moderate", "serious"]
Confidence = Literal["high", "medium", "low"]
NumericOp = Literal["eq", "ne", "lt", "le", "gt", "ge"]
assert set(NumericOp.__args__) == set(NUMERIC_OPERATORS)  # type: ignore[attr-defined]

ID_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"
STATE_PATTERN = r"^[A-Z]{2}$"
DATE_PATTERN = (
    r"^\d{4}(-\d{2}(-\d{2})?|-Q[1-4]|-H[12])?"
    r"(/\d{4}(-\d{2}(-\d{2})?|-Q[1-4]|-H[12])?)?$"
)


def describe_value(v: Any) -> str:
    """How a YAML value reads in a message: ``the string '10'``, ``true``, ``a mapping``."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, str):
        return f"the string {v!r}"
    if isinstance(v, dict):
        return "a mapping"
    if isinstance(v, list):
        return "a list"
    return repr(v)


def _number(v: Any) -> Any:
    """A number as written in YAML: an int or a float, not a bool, not a quoted string."""
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise ValueError(f"expected a number, found {describe_value(v)}{_number_hint(v)}")
    if isinstance(v, float) and not math.isfinite(v):
        raise ValueError(f"expected a number, found {v!r} (not a finite number)")
    return v


def _number_hint(v: Any) -> str:
    """Why a string is not a number: quoted (a number in quotes), or written with a decimal comma."""
    if not isinstance(v, str):
        return ""
    t = v.strip()
    if "," in t:
        return " (write decimals with a point, 0.5; a comma only between thousands, 12,000)"
    try:
        ok = math.isfinite(float(t))
    except ValueError:
        return ""
    return " (remove the quotes)" if ok else " (not a finite number)"


def _flag(v: Any) -> Any:
    """A flag as written in YAML: ``true`` or ``false`` only."""
    if not isinstance(v, bool):
        raise ValueError(f"expected true or false, found {describe_value(v)}")
    return v


def _list(v: Any) -> Any:
    """A YAML list (kept as a tuple): ``[monitor]``, not the bare string ``monitor``."""
    if isinstance(v, (list, tuple)):
        return v
    hint = f" (write [{v}])" if isinstance(v, str) and v else ""
    raise ValueError(f"expected a list, found {describe_value(v)}{hint}")


Number = Annotated[float, BeforeValidator(_number)]
Flag = Annotated[bool, BeforeValidator(_flag)]
Id = Annotated[str, Field(pattern=ID_PATTERN, max_length=120)]
StateCode = Annotated[str, Field(pattern=STATE_PATTERN)]
#: Lists of ids, codes and words, written as YAML lists and kept as tuples.
Ids = Annotated[tuple[Id, ...], BeforeValidator(_list)]
StateCodes = Annotated[tuple[StateCode, ...], BeforeValidator(_list)]
Words = Annotated[tuple[str, ...], BeforeValidator(_list)]


def _not_blank(v: str) -> str:
    """Text that says something: not empty, not only spaces or line breaks."""
    if not v.strip():
        raise ValueError("is blank (only spaces or line breaks)")
    return v


Text = Annotated[str, Field(min_length=1, max_length=4000), AfterValidator(_not_blank)]


def _to_date(v: Any) -> Any:
    if isinstance(v, DateSpec):
        return v
    return parse_date(v)


DateField = Annotated[
    DateSpec,
    BeforeValidator(_to_date),
    PlainSerializer(lambda d: d.text, return_type=str),
    WithJsonSchema({"type": "string", "pattern": DATE_PATTERN}),
]


class Strict(BaseModel):
    """Base of every data model: unknown keys are errors; instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


# ---------------------------------------------------------------- registries


class MetricDefinition(Strict):
    """A figure that observations may report (e.g. emigration per year) and metric rules aggregate."""

    unit: Text = Field(description="the unit every observation of this metric must give, e.g. `persons/year`")
    description: Text = Field(description="what the figure counts")


class ConditionDefinition(Strict):
    """A standing condition: a state of affairs that lasts until a source says it has ended."""

    description: Text = Field(description="what the condition is, and what its subject names")
    subjects: Words | None = Field(
        default=None, description="the subjects it may name (e.g. radio stations); absent = any subject or none"
    )


class EndingDefinition(Strict):
    """How a standing condition ended (released, emigrated, died in custody, ...), and what that means for scoring."""

    description: Text = Field(description="what the ending is")
    effect: Literal["compliant", "partial", "violation", "neutral"] = Field(
        default="compliant",
        description=(
            "`compliant`: the ending counts as the rule's `when_ended` status; `partial`: it counts at most as partial "
            "(a release bought with a recantation); `violation`: the ending is itself a "
            "violation in its period (e.g. a death in custody, an expulsion abroad); `neutral`: the condition ends "
            "without a finding of either kind"
        ),
    )


class Vocabulary(Strict):
    """Observation kinds, tags, metrics, standing conditions and endings that rules read."""

    kinds: dict[Id, Text] = Field(description="observation kind id -> what an observation of that kind records")
    tags: dict[Id, Text] = Field(description="tag id -> what the tag marks (topic, group, station, ...)")
    metrics: dict[Id, MetricDefinition] = Field(description="metric id -> its unit and meaning")
    conditions: dict[Id, ConditionDefinition] = Field(description="standing condition id -> its meaning and subjects")
    endings: dict[Id, EndingDefinition] = Field(
        default_factory=dict, description="ending id -> how a condition ended (`standing.ended_by`) and its effect"
    )


class Source(Strict):
    """A document that observations cite; its reliability caps their confidence."""

    id: Id = Field(description="the id observations give in `source`")
    title: Text = Field(description="the source's title")
    author: Text = Field(description="author or issuing body")
    date: DateField = Field(description="when it was written or published, at the precision known")
    kind: Literal[
        "primary", "government-document", "ngo-report", "scholarship", "secondary", "press", "speech", "fixture"
    ] = Field(description="what sort of document it is (`fixture` is for rule tests only)")
    reliability: Confidence = Field(
        description="how far the source is trusted: an observation's confidence is at most this"
    )
    file: str | None = Field(
        default=None, description="file name of the source text in `../shared/sources/`; the quote check reads it"
    )
    url: str | None = Field(
        default=None, description="the publisher's own address, or an archive's (never a copy site's)"
    )
    copy_url: str | None = Field(
        default=None,
        description="where the text was read, when that is a copy (a mirror or an aggregator), not the publisher",
    )
    publisher: str | None = Field(default=None, description="publisher, journal or issuing body, with volume and pages")
    accessed: DateField | None = Field(default=None, description="when the URL was read (access date)")
    licence: Literal["public-domain", "copyright", "unknown"] = Field(
        default="unknown",
        description="`public-domain` (e.g. U.S. government works): its text may be stored; otherwise only short quotes",
    )
    text: str | None = Field(
        default=None,
        description="for public-domain sources: the stored text (path under `observations/texts/`) the quote check reads",
    )
    excerpt: Flag = Field(
        default=False, description="true when the stored `text` is an excerpt of the document, not its whole text"
    )
    note: str | None = Field(default=None, description="free remarks")

    def summary(self) -> dict[str, str]:
        """The fields a listing of sources shows (the `sources` command, a report's list of sources)."""
        return {
            "id": self.id,
            "title": self.title,
            "author": self.author,
            "date": self.date.text,
            "kind": self.kind,
            "reliability": self.reliability,
        }

    @model_validator(mode="after")
    def _text_only_when_public_domain(self) -> Source:
        if self.text is not None and self.licence != "public-domain":
            raise ValueError("a stored 'text' is allowed only for a public-domain source (licence: public-domain)")
        return self


class State(Strict):
    """A participating state; commitments bind it from the later of adoption and joining."""

    code: StateCode = Field(description="two upper-case letters (historical codes: SU, CS, DD, YU)")
    name: Text = Field(description="the state's name")
    joined: DateField = Field(description="when it became a participating state")
    left: DateField | None = Field(
        default=None, description="the last day it existed as one; later periods are `not-in-force`"
    )
    successors: StateCodes = Field(default=(), description="codes of the states that succeeded it")
    aliases: Annotated[tuple[Text, ...], BeforeValidator(_list)] = Field(
        default=(),
        description="other names people write for it (`USSR`, `East Germany`, `ČSSR`); matched in any case, "
        "wherever a state is given",
    )


class Instrument(Strict):
    """A CSCE document whose commitments the catalogue encodes."""

    id: Id = Field(description="the id commitments give in `instrument`")
    title: Text = Field(description="the document's title")
    adopted: DateField = Field(description="adoption date: its commitments bind no one before it")
    place: str | None = Field(default=None, description="where it was adopted")


class PeriodRef(Strict):
    """A period edge given relative to another named period."""

    after: Id | None = Field(default=None, description="the day after this named period ends")
    before: Id | None = Field(default=None, description="the day before this named period starts")

    @model_validator(mode="after")
    def _one(self) -> PeriodRef:
        if (self.after is None) == (self.before is None):
            raise ValueError("give exactly one of 'after' or 'before'")
        return self


def _edge_kind(v: Any) -> str:
    return "ref" if isinstance(v, (dict, PeriodRef)) else "date"


#: A named period's edge: a date, or ``{after: id}`` / ``{before: id}`` (one branch is tried, so an
#: error names what the author meant, not both readings).
PeriodEdge = Annotated[
    Annotated[DateField, Tag("date")] | Annotated[PeriodRef, Tag("ref")],
    Discriminator(_edge_kind),
]


class NamedPeriod(Strict):
    """A named span of time (a review meeting, a leader's era) usable as `--period`."""

    id: Id = Field(description="the name given to `--period`")
    title: Text = Field(description="a readable title")
    group: Id | None = Field(default=None, description="a group name: `--period GROUP` selects all its periods")
    start: PeriodEdge = Field(description="first day: a date, or relative to another period")
    end: PeriodEdge = Field(description="last day: a date, or relative to another period")


class Case(Strict):
    """A named person or group whose history observations follow."""

    id: Id = Field(description="the id observations give in `cases` and standing subjects")
    name: Text = Field(description="the person's or group's name")
    state: StateCode = Field(description="the state concerned")
    roles: Ids = Field(default=(), description="vocabulary tags describing the case (monitor, refusenik, ...)")
    note: str | None = Field(default=None, description="free remarks")


# ---------------------------------------------------------------- observations


class Metric(Strict):
    """A figure an observation reports, with how exactly the source states it."""

    name: Id = Field(description="a metric id from `vocabulary.metrics`")
    value: Number = Field(description="the figure as the source gives it")
    unit: Text = Field(description="must equal the metric's unit in the vocabulary")
    qualifier: Literal["exact", "approx", "below", "above", "at-least", "at-most"] = Field(
        default="exact", description="how the source qualifies the figure; `below 10,000` compares as just under it"
    )

    @property
    def effective(self) -> float:
        """The value used in comparisons: 'below 10,000' compares as just under 10,000."""
        if self.qualifier == "below":
            return self.value - 1e-6 * max(abs(self.value), 1.0)
        if self.qualifier == "above":
            return self.value + 1e-6 * max(abs(self.value), 1.0)
        return self.value


class Standing(Strict):
    """A lasting state of affairs reported by an observation, carried forward until ended."""

    condition: Id = Field(description="a condition id from `vocabulary.conditions`")
    subject: str | None = Field(
        default=None, description="what it applies to: a case id, a station (`voa`, `rferl`), ..."
    )
    in_effect: Flag = Field(description="true: the condition holds (begins or continues); false: it has ended")
    since: DateField | None = Field(
        default=None, description="when it began, if the source says so (only with `in_effect: true`)"
    )
    ended_by: Id | None = Field(
        default=None,
        description="how it ended, an ending id from `vocabulary.endings` (only with `in_effect: false`)",
    )
    all_subjects: Flag = Field(
        default=False,
        description=(
            "true: the ending applies to every subject of the condition in the state from this date "
            "(a general amnesty, a law abolishing a practice); only with `in_effect: false` and no `subject`"
        ),
    )

    @model_validator(mode="after")
    def _since_only_when_in_effect(self) -> Standing:
        if self.since is not None and not self.in_effect:
            raise ValueError("'since' is only meaningful when in_effect is true")
        if self.ended_by is not None and self.in_effect:
            raise ValueError("'ended_by' is only meaningful when in_effect is false")
        if self.all_subjects and (self.in_effect or self.subject is not None):
            raise ValueError("'all_subjects' is only meaningful with in_effect: false and no subject")
        return self


class Attribution(Strict):
    """Whose claim, belief, allegation or plan an observation reports: content the source does not establish as fact."""

    type: Literal["claim", "belief", "allegation", "plan"] = Field(
        description="`claim` (a party's statement about its own conduct), `belief` (what someone believes), "
        "`allegation` (an accusation the source does not confirm), `plan` (an announced intention, not a measure in effect)"
    )
    by: Text = Field(description="who claims, believes, alleges or plans it")


class LawDates(Strict):
    """The dates of a legal act: adopted, published, in force (each at the precision the source gives)."""

    adopted: DateField | None = Field(default=None, description="when the act was adopted or signed")
    published: DateField | None = Field(default=None, description="when it was published")
    in_force: DateField | None = Field(default=None, description="when it entered into force")

    @model_validator(mode="after")
    def _not_empty(self) -> LawDates:
        if self.adopted is None and self.published is None and self.in_force is None:
            raise ValueError("give at least one of adopted, published, in_force")
        for later, name in ((self.published, "published"), (self.in_force, "in_force")):
            if self.adopted is not None and later is not None and later.end < self.adopted.start:
                raise ValueError(
                    f"{name} ({later}) is before adopted ({self.adopted}): an act takes effect after it is adopted"
                )
        return self


class Observation(Strict):
    """One dated, cited fact about one state, at the precision its source supports."""

    id: Id = Field(description="stable and unique across all files; never reused")
    date: DateField = Field(description="when it happened, never more precise than the source")
    dated_by: Text = Field(description="the words in the source that date it, or how the date was inferred")
    state: StateCode = Field(description="the participating state concerned (`commitments/states.yaml`)")
    kind: Id = Field(description="what happened: a kind id from `vocabulary.kinds`")
    tags: Ids = Field(default=(), description="tag ids from `vocabulary.tags`; rules match on them")
    commitments: Ids = Field(default=(), description="ids of commitments it bears on")
    cases: Ids = Field(default=(), description="ids of cases it concerns")
    metric: Metric | None = Field(default=None, description="a figure the source gives")
    standing: Standing | None = Field(default=None, description="a condition that lasts (begins, continues or ends)")
    source: Id = Field(description="the source id (`observations/sources.yaml`)")
    locator: Text = Field(description="where in the source: page, paragraph, footnote")
    quote: Annotated[str, Field(min_length=1, max_length=600), AfterValidator(_not_blank)] = Field(
        description="short, exact words from the source (one sentence at most)"
    )
    confidence: Confidence = Field(
        description="how sure the source is of this fact; capped by the source's reliability"
    )
    claim: Flag = Field(
        default=False, description="true when it records a government's claim, which rules do not count unless asked"
    )
    attribution: Attribution | None = Field(
        default=None,
        description="set when the content is someone's claim, belief, allegation or plan: never scored as a fact",
    )
    known_by: DateField | None = Field(
        default=None,
        description="when the fact became known (published, reported), if later than `date`; `--as-of` filters on it",
    )
    law: LawDates | None = Field(default=None, description="for a legal act: adopted, published and in-force dates")
    context: Flag = Field(
        default=False,
        description="true for background (e.g. a statement about a whole bloc): shown and counted, never scored",
    )
    fact: Id | None = Field(
        default=None,
        description="a key naming the fact; observations from different sources with the same key are compared",
    )
    note: str | None = Field(default=None, description="free remarks")

    @property
    def hearsay(self) -> str | None:
        """What the observation reports when it is not a fact its source establishes: its attribution's type
        (claim, belief, allegation, plan), ``claim`` for the older ``claim: true``; None for a fact."""
        if self.attribution is not None:
            return self.attribution.type
        return "claim" if self.claim else None

    def counts(self, include_claims: bool = False) -> bool:
        """Whether a rule scores it: facts always; claims only where the rule asks (``include_claims``); a
        belief, an allegation or a plan never (method 3, docs/scoring.md "Attribution")."""
        h = self.hearsay
        return h is None or (include_claims and h == "claim")

    @model_validator(mode="after")
    def _since_not_after_date(self) -> Observation:
        if self.standing and self.standing.since and self.standing.since.start > self.date.end:
            raise ValueError("standing.since is after the observation's date")
        return self


# ---------------------------------------------------------------- rules


#: A reference from a rule to the vocabulary: (path inside the rule, word, vocabulary part, what it is).
Reference = tuple[tuple[str | int, ...], str, str, str]


class RuleBase(Strict):
    """Fields every rule kind has, and what each kind says about itself.

    Each kind answers the same questions, so that validation, incremental evaluation and the
    "no rule reads this" warning never branch on the rule's class: which vocabulary words it
    names (:meth:`references`), which evidence it reads (:meth:`reads`, :meth:`reach`), what makes
    two rules read the same evidence (:meth:`signature`) and with what outcome (:meth:`outcome`).
    """

    id: Id = Field(description="unique within its commitment or goal")
    description: str | None = Field(default=None, description="what the rule looks for, in words")
    severity: Severity = Field(
        default="moderate", description="the finding's weight in the cell score: minor 1, moderate 2, serious 3"
    )

    def references(self) -> Iterator[Reference]:
        """The vocabulary words the rule names, each with its path inside the rule."""
        return iter(())

    def where_condition(self) -> tuple[tuple[str | int, ...], Condition] | None:
        """A declarative condition the rule carries (path, condition), if any."""
        return None

    def signature(self) -> str:
        """Rules with equal signatures read the same evidence."""
        raise NotImplementedError

    def outcome(self) -> str:
        """What the rule concludes from its evidence (compared between rules of equal signature)."""
        raise NotImplementedError

    def reads(self, o: Observation, commitment: str) -> bool:
        """Whether the rule (of ``commitment``) can read ``o`` at all (may say yes needlessly, never no wrongly)."""
        raise NotImplementedError

    def reach(self, into: Reach) -> None:
        """Add what the rule reads to ``into`` (for the "no rule reads this observation" warning)."""
        raise NotImplementedError


class Reach:
    """What a set of rules reads: kinds, tag sets read from any kind, conditions, metrics."""

    def __init__(self) -> None:
        self.kinds: set[str] = set()
        self.tagged: list[tuple[set[str], set[str]]] = []
        self.conditions: set[str] = set()
        self.metrics: set[str] = set()
        self.matching: list[Callable[[Observation], bool]] = []  # rules that name neither kinds nor tags

    def covers(self, o: Observation) -> bool:
        """Whether some rule could read ``o`` (by kind, condition, metric or tags)."""
        if o.kind in self.kinds:
            return True
        if o.standing and o.standing.condition in self.conditions:
            return True
        if o.metric and o.metric.name in self.metrics:
            return True
        tags = set(o.tags)
        if any((not anyt or anyt & tags) and alltags <= tags for anyt, alltags in self.tagged):
            return True
        return any(match(o) for match in self.matching)


def reach_of(rules: Iterator[RuleBase] | Sequence[RuleBase]) -> Reach:
    """What ``rules`` read, together."""
    out = Reach()
    for r in rules:
        r.reach(out)
    return out


class EventMatch(Strict):
    """Which observations an event rule matches; every part given must hold."""

    kinds: Ids = Field(default=(), description="observation kinds; empty = any kind")
    tags_any: Ids = Field(default=(), description="at least one of these tags")
    tags_all: Ids = Field(default=(), description="all of these tags")
    cited: Flag = Field(default=False, description="only observations that list this commitment")
    include_claims: Flag = Field(
        default=False, description="also count government claims (`claim: true` or `attribution: {type: claim}`)"
    )
    where: Condition | None = Field(default=None, description="a declarative condition on the observation's fields")

    @model_validator(mode="after")
    def _not_empty(self) -> EventMatch:
        if not (self.kinds or self.tags_any or self.tags_all or self.cited or self.where):
            raise ValueError("a match must name kinds, tags, cited or a where condition")
        return self


class EventRule(RuleBase):
    """Observations of a kind/tags in the period yield a finding with ``status``."""

    kind: Literal["event"] = Field(description="`event`: observations in the period")
    match: EventMatch = Field(description="which observations count")
    status: FindingStatus = Field(description="the finding's status when any observation matches")

    def references(self) -> Iterator[Reference]:
        for j, k in enumerate(self.match.kinds):
            yield ("match", "kinds", j), k, "kinds", "observation kind"
        for field in ("tags_any", "tags_all"):
            for j, t in enumerate(getattr(self.match, field)):
                yield ("match", field, j), t, "tags", "tag"

    def where_condition(self) -> tuple[tuple[str | int, ...], Condition] | None:
        return (("match", "where"), self.match.where) if self.match.where is not None else None

    def signature(self) -> str:
        return repr((self.match.model_dump(), "event"))

    def outcome(self) -> str:
        return repr(self.status)

    def reads(self, o: Observation, commitment: str) -> bool:
        return event_predicate(self, commitment)(o)

    def reach(self, into: Reach) -> None:
        if self.match.kinds:
            into.kinds.update(self.match.kinds)
        elif self.match.tags_any or self.match.tags_all or self.match.where is None:
            into.tagged.append((set(self.match.tags_any), set(self.match.tags_all)))
        else:  # only a where condition: what it reads is what it matches
            into.matching.append(compile_condition(self.match.where))


class StandingRule(RuleBase):
    """A standing condition carried forward: a finding while in effect (and when ended)."""

    kind: Literal["standing"] = Field(description="`standing`: a condition carried forward")
    condition: Id = Field(description="a condition id from `vocabulary.conditions`")
    subjects: Words | None = Field(default=None, description="only these subjects; absent = every subject")
    tags_any: Ids = Field(default=(), description="only subjects whose reporting observations have one of these tags")
    tags_all: Ids = Field(default=(), description="only subjects whose reporting observations have all of these tags")
    include_claims: Flag = Field(
        default=False, description="also count government claims (`claim: true` or `attribution: {type: claim}`)"
    )
    while_in_effect: FindingStatus = Field(default="violation", description="the status while the condition holds")
    when_ended: FindingStatus | None = Field(
        default=None, description="the status once it is known to have ended; absent = no finding then"
    )

    def references(self) -> Iterator[Reference]:
        yield ("condition",), self.condition, "conditions", "condition"
        for j, s in enumerate(self.subjects or ()):
            yield ("subjects", j), s, f"subjects:{self.condition}", f"subject of {self.condition}"
        for field in ("tags_any", "tags_all"):
            for j, t in enumerate(getattr(self, field)):
                yield (field, j), t, "tags", "tag"

    def signature(self) -> str:
        return repr((self.condition, self.subjects, self.tags_any, self.tags_all, "standing"))

    def outcome(self) -> str:
        return repr(self.while_in_effect)

    def reads(self, o: Observation, commitment: str) -> bool:
        if o.standing is None or o.standing.condition != self.condition:
            return False
        if not o.counts(self.include_claims):
            return False
        return self.subjects is None or o.standing.subject in self.subjects or o.standing.all_subjects

    def reach(self, into: Reach) -> None:
        into.conditions.add(self.condition)


class Threshold(Strict):
    """``aggregate OP value`` -> status."""

    op: NumericOp = Field(description="comparison of the aggregated figure with `value`")
    value: Number = Field(description="the figure to compare with")
    status: FindingStatus = Field(description="the finding's status when the comparison holds")


class EarlierLevel(Strict):
    """Band a figure against the state's own earlier level (method 3, docs/scoring.md "Figures that count")."""

    years: Annotated[int, Field(ge=1, le=30)] = Field(
        description="how many calendar years before the period to search for the state's highest yearly figure"
    )
    thresholds: list[Threshold] = Field(
        min_length=1,
        description="compared with the period's figure as a share of that level (1.0 = the earlier highest); "
        "the first that holds decides. Without an earlier level the rule's own `thresholds` decide",
    )


class MetricRule(RuleBase):
    """Aggregate a metric over the period and compare it with thresholds (first match wins)."""

    kind: Literal["metric"] = Field(description="`metric`: a figure aggregated over the period")
    metric: Id = Field(description="a metric id from `vocabulary.metrics`")
    aggregate: Literal["sum", "max", "min", "mean", "latest", "count"] = Field(
        default="latest", description="how the period's figures are combined into one (each `fact` counted once)"
    )
    thresholds: list[Threshold] = Field(min_length=1, description="tried in order; the first that holds decides")
    include_claims: Flag = Field(
        default=False, description="also count government claims (`claim: true` or `attribution: {type: claim}`)"
    )
    parts: Ids = Field(
        default=(),
        description="metrics that count a part of `metric` (Jewish emigrants of all emigrants): read when the "
        "period has no figure of `metric`, as a lower bound",
    )
    earlier: EarlierLevel | None = Field(
        default=None, description="band the figure against the state's own earlier level of the same series"
    )
    where: Condition | None = Field(
        default=None, description="a declarative condition the figure's observation must meet (e.g. not `forced`)"
    )

    def references(self) -> Iterator[Reference]:
        yield ("metric",), self.metric, "metrics", "metric"
        for j, m in enumerate(self.parts):
            yield ("parts", j), m, "metrics", "metric"

    def where_condition(self) -> tuple[tuple[str | int, ...], Condition] | None:
        return (("where",), self.where) if self.where is not None else None

    @property
    def series(self) -> tuple[str, ...]:
        """The metrics the rule reads: its own, then its parts."""
        return (self.metric, *self.parts)

    def signature(self) -> str:
        where = self.where.model_dump() if self.where is not None else None
        return repr((self.metric, self.parts, self.aggregate, where, "metric"))

    def outcome(self) -> str:
        earlier = self.earlier.model_dump() if self.earlier is not None else None
        return repr(([t.model_dump() for t in self.thresholds], earlier))

    def reads(self, o: Observation, commitment: str) -> bool:
        return metric_predicate(self)(o)

    def reach(self, into: Reach) -> None:
        into.metrics.update(self.series)


Rule = Annotated[EventRule | StandingRule | MetricRule, Field(discriminator="kind")]

_COMPILED: dict[tuple[int, str], tuple[Any, Callable[[Observation], bool]]] = {}


def tags_ok(tags: Collection[str], tags_any: Sequence[str], tags_all: Sequence[str]) -> bool:
    if tags_any and not any(t in tags for t in tags_any):
        return False
    return all(t in tags for t in tags_all)


def metric_predicate(rule: MetricRule) -> Callable[[Observation], bool]:
    """Whether a metric rule reads an observation's figure: its series, not hearsay, and its ``where``."""
    key = (id(rule), "")
    hit = _COMPILED.get(key)
    if hit is not None and hit[0] is rule:
        return hit[1]
    series = frozenset(rule.series)
    where = compile_condition(rule.where) if rule.where is not None else None

    def predicate(o: Observation) -> bool:
        if o.metric is None or o.metric.name not in series:
            return False
        if not o.counts(rule.include_claims):
            return False
        return where is None or where(o)

    _COMPILED[key] = (rule, predicate)
    return predicate


def event_predicate(rule: EventRule, commitment: str) -> Callable[[Observation], bool]:
    """The rule's match compiled once into a callable."""
    key = (id(rule), commitment)
    hit = _COMPILED.get(key)
    if hit is not None and hit[0] is rule:
        return hit[1]
    m = rule.match
    kinds = frozenset(m.kinds)
    where = compile_condition(m.where) if m.where is not None else None

    def predicate(o: Observation, _c: str = commitment) -> bool:
        if kinds and o.kind not in kinds:
            return False
        if not o.counts(m.include_claims):
            return False
        if not tags_ok(o.tags, m.tags_any, m.tags_all):
            return False
        if m.cited and _c not in o.commitments:
            return False
        return where is None or where(o)

    if len(_COMPILED) > 100_000:
        _COMPILED.clear()
    _COMPILED[key] = (rule, predicate)
    return predicate


class Indicators(Strict):
    """What evidence bears on a commitment: guidance for people adding observations."""

    kinds: Ids = Field(default=(), description="observation kinds to record")
    tags: Ids = Field(default=(), description="tags to give them")
    metrics: Ids = Field(default=(), description="metrics to report")
    conditions: Ids = Field(default=(), description="standing conditions to record")
    note: str | None = Field(default=None, description="advice in words")


class Commitment(Strict):
    """One undertaking of a CSCE instrument, with the rules that judge compliance with it."""

    id: Id = Field(description="stable id, e.g. `hfa.b3.info.broadcast`")
    instrument: Id = Field(description="the instrument id (`commitments/instruments.yaml`)")
    section: Text = Field(description="where in the instrument, e.g. `Basket III, 2(a)(iii)`")
    title: Text = Field(description="a short title")
    summary: Text = Field(description="a paraphrase (never the treaty text) of what the states undertook")
    basket: Literal["I", "III", "human-dimension"] = Field(description="the group its score counts in")
    chapter: Text = Field(description="the heading it is listed under in scorecards")
    in_force: DateField | None = Field(default=None, description="when it binds; absent = the instrument's adoption")
    weight: Number = Field(default=1.0, gt=0, le=10, description="how much it counts in basket and overall scores")
    indicators: Indicators = Field(default=Indicators(), description="what evidence bears on it")
    rules: list[Rule] = Field(min_length=1, description="the rules whose findings make up each cell")


class RuleTestCase(Strict):
    """Given these observations, the rule's finding in the period must have this status."""

    name: Text = Field(description="what the case shows, in words")
    state: StateCode = Field(default=defaults.STATE, description="the state the fixture observations concern")
    period: Text = Field(description="a period id: year, half, quarter, month, or a named period")
    as_of: DateField | None = Field(default=None, description="evaluate as of this date (default: far future)")
    observations: list[dict[str, Any]] = Field(
        default=[], description="observation fields that matter; the rest get fixture defaults"
    )
    expect: Literal["compliant", "partial", "violation", "none"] = Field(
        description="the status of the rule's finding; `none` = no finding"
    )


class RuleTest(Strict):
    """Fixtures for one rule of one commitment: at least one passing and one failing case."""

    commitment: Id = Field(description="the commitment id")
    rule: Id = Field(description="the rule id within the commitment")
    cases: list[RuleTestCase] = Field(min_length=1, description="the cases")


class Assessment(Strict):
    """An analyst's judgement that sets or adjusts one cell; never applied silently."""

    id: Id = Field(description="stable, unique id")
    state: StateCode = Field(description="the cell's state")
    commitment: Id = Field(description="the cell's commitment id")
    period: Text = Field(description="the cell's period id, e.g. `1988` or `vienna`")
    action: Literal["set", "adjust"] = Field(description="`set` the status, or `adjust` the computed score")
    status: FindingStatus | None = Field(default=None, description="the status to set (with `action: set`)")
    adjust: Annotated[float, Field(ge=-1, le=1)] | None = Field(
        default=None, description="added to the computed score (with `action: adjust`); the result is kept in 0..1"
    )
    justification: Text = Field(description="why, with the evidence the rules cannot see")
    author: Text = Field(description="who made the judgement")
    date: DateField = Field(description="when; it applies only as of dates after this")
    expires: DateField | None = Field(default=None, description="after this date it no longer applies")

    @field_validator("adjust", mode="before")
    @classmethod
    def _adjust_is_a_number(cls, v: Any) -> Any:
        return v if v is None else _number(v)

    @model_validator(mode="after")
    def _action_fields(self) -> Assessment:
        if self.action == "set" and self.status is None:
            raise ValueError("action 'set' needs a status")
        if self.action == "adjust" and self.adjust is None:
            raise ValueError("action 'adjust' needs an adjust value (-1 to 1)")
        return self


# ---------------------------------------------------------------- goals


class YearlyTotal(Strict):
    """A metric whose calendar-year total may stand for a goal's annual rate."""

    metric: Id = Field(description="a metric id from `vocabulary.metrics`, e.g. `emigration.persons`")
    bound: Literal["exact", "at-least"] = Field(
        default="exact",
        description="`at-least` when the figure counts only a part (Jewish emigrants of all emigrants): a lower bound",
    )


class MetricTarget(Strict):
    """A goal's figure: ``metric OP value`` is the target."""

    metric: Id = Field(description="a metric id from `vocabulary.metrics`")
    op: NumericOp = Field(default="ge", description="how the figure is compared with the target")
    value: Number = Field(description="the target figure")
    aggregate: Literal["latest", "max", "sum"] = Field(
        default="latest", description="how the window's figures are combined"
    )
    baseline_value: Number | None = Field(
        default=None,
        description="the metric's value at the baseline when the metric counts from the baseline "
        "(e.g. 'share released since January' is 0 in January)",
    )
    yearly: list[YearlyTotal] = Field(
        default=[],
        description="metrics whose total for one calendar year is read as that year's rate (persons a year)",
    )


class Goal(Strict):
    """One goal: measured by a metric target, by rules, or by the overall scorecard."""

    id: Id = Field(description="stable id within the goal set")
    tier: Literal["immediate", "intermediate", "long-range"] = Field(description="the tier it is judged in")
    title: Text = Field(description="a short title")
    target: Text = Field(description="what meeting the goal means, in words")
    commitments: Ids = Field(
        default=(), description="commitments it relates to; a scorecard goal reads only these when given"
    )
    metric: MetricTarget | None = Field(default=None, description="a figure to reach")
    rules: list[Rule] = Field(default=[], description="rules (any kind) whose findings measure progress")
    scorecard: Flag = Field(default=False, description="read the state's overall scorecard score")

    @model_validator(mode="after")
    def _has_measure(self) -> Goal:
        if not (self.metric or self.rules or self.scorecard):
            raise ValueError("a goal needs a metric target, rules, or scorecard: true")
        return self


class VerdictBands(Strict):
    """Progress (0-1) gained since the baseline that counts as slight / significant."""

    slight: Number = Field(default=0.05, description="at least this gain is slight progress (this loss, regression)")
    significant: Number = Field(default=0.25, description="at least this gain is significant progress")


class GoalSet(Strict):
    """Goals set for one state at a baseline date, tracked as of any later date."""

    id: Id = Field(description="the id given to `goals --goal-set`")
    title: Text = Field(description="a readable title")
    source: Id = Field(description="the source id of the document that set the goals")
    state: StateCode = Field(description="the state the goals are for (default for `goals`)")
    baseline: DateField = Field(description="when the goals were set: progress is measured from here")
    assessed: DateField | None = Field(default=None, description="when the source itself judged progress")
    bands: VerdictBands = Field(default=VerdictBands(), description="how much progress counts as slight / significant")
    goals: list[Goal] = Field(min_length=1, description="the goals")


# ---------------------------------------------------------------- file kinds

#: top-level key -> (model of one item, whether the value is a list of items)
FILE_KINDS: dict[str, tuple[type[BaseModel], bool]] = {
    "vocabulary": (Vocabulary, False),
    "instruments": (Instrument, True),
    "states": (State, True),
    "periods": (NamedPeriod, True),
    "commitments": (Commitment, True),
    "rule_tests": (RuleTest, True),
    "sources": (Source, True),
    "cases": (Case, True),
    "observations": (Observation, True),
    "assessments": (Assessment, True),
    "goal_sets": (GoalSet, True),
}
