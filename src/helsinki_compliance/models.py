"""Pydantic models of the data files: commitments and their rules, observations, sources,
states, instruments, periods, cases, assessments, goals, and the vocabulary.

Every model is strict (unknown keys are errors) and frozen. Numbers must be written as numbers
(``10000``, not ``"10000"``, never ``true``) and flags as ``true``/``false`` (not ``yes``, ``"no"``
or ``1``): a value of the wrong type is an error, never silently converted. The JSON Schemas
published in ``schemas/`` are generated from these models, so schema and loader cannot disagree.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    PlainSerializer,
    Tag,
    WithJsonSchema,
    model_validator,
)

from .conditions import NUMERIC_OPERATORS, Condition
from .dates import DateSpec, parse_date

# ---------------------------------------------------------------- vocabulary of values

#: Statuses a finding can have, best first.
FINDING_STATUSES = ("compliant", "partial", "violation")
#: The full, closed status vocabulary of a cell.
STATUSES = ("compliant", "partial", "violation", "not-assessed", "not-in-force")
STATUS_SCORES = {"compliant": 1.0, "partial": 0.5, "violation": 0.0}
SEVERITY_WEIGHTS = {"minor": 1.0, "moderate": 2.0, "serious": 3.0}
CONFIDENCE_VALUES = {"high": 1.0, "medium": 0.7, "low": 0.4}

FindingStatus = Literal["compliant", "partial", "violation"]
Status = Literal["compliant", "partial", "violation", "not-assessed", "not-in-force"]
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

def _describe(v: Any) -> str:
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
        hint = " (remove the quotes)" if isinstance(v, str) else ""
        raise ValueError(f"expected a number, found {_describe(v)}{hint}")
    return v


def _flag(v: Any) -> Any:
    """A flag as written in YAML: ``true`` or ``false`` only."""
    if not isinstance(v, bool):
        raise ValueError(f"expected true or false, found {_describe(v)}")
    return v


def _list(v: Any) -> Any:
    """A YAML list (kept as a tuple): ``[monitor]``, not the bare string ``monitor``."""
    if isinstance(v, (list, tuple)):
        return v
    hint = f" (write [{v}])" if isinstance(v, str) and v else ""
    raise ValueError(f"expected a list, found {_describe(v)}{hint}")


Number = Annotated[float, BeforeValidator(_number)]
Flag = Annotated[bool, BeforeValidator(_flag)]
Id = Annotated[str, Field(pattern=ID_PATTERN, max_length=120)]
StateCode = Annotated[str, Field(pattern=STATE_PATTERN)]
#: Lists of ids, codes and words, written as YAML lists and kept as tuples.
Ids = Annotated[tuple[Id, ...], BeforeValidator(_list)]
StateCodes = Annotated[tuple[StateCode, ...], BeforeValidator(_list)]
Words = Annotated[tuple[str, ...], BeforeValidator(_list)]
Text = Annotated[str, Field(min_length=1, max_length=4000)]


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
    unit: Text
    description: Text


class ConditionDefinition(Strict):
    description: Text
    subjects: Words | None = None


class Vocabulary(Strict):
    """Observation kinds, tags, metrics and standing conditions that rules read."""

    kinds: dict[Id, Text]
    tags: dict[Id, Text]
    metrics: dict[Id, MetricDefinition]
    conditions: dict[Id, ConditionDefinition]


class Source(Strict):
    id: Id
    title: Text
    author: Text
    date: DateField
    kind: Literal["primary", "government-document", "ngo-report", "scholarship", "secondary", "press", "fixture"]
    reliability: Confidence
    file: str | None = None
    url: str | None = None
    note: str | None = None


class State(Strict):
    code: StateCode
    name: Text
    joined: DateField
    left: DateField | None = None
    successors: StateCodes = ()


class Instrument(Strict):
    id: Id
    title: Text
    adopted: DateField
    place: str | None = None


class PeriodRef(Strict):
    """A period edge given relative to another named period."""

    after: Id | None = None
    before: Id | None = None

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
    id: Id
    title: Text
    group: Id | None = None
    start: PeriodEdge
    end: PeriodEdge


class Case(Strict):
    id: Id
    name: Text
    state: StateCode
    roles: Ids = ()
    note: str | None = None


# ---------------------------------------------------------------- observations


class Metric(Strict):
    name: Id
    value: Number
    unit: Text
    qualifier: Literal["exact", "approx", "below", "above", "at-least", "at-most"] = "exact"

    @property
    def effective(self) -> float:
        """The value used in comparisons: 'below 10,000' compares as just under 10,000."""
        if self.qualifier == "below":
            return self.value - 1e-6 * max(abs(self.value), 1.0)
        if self.qualifier == "above":
            return self.value + 1e-6 * max(abs(self.value), 1.0)
        return self.value


class Standing(Strict):
    condition: Id
    subject: str | None = None
    in_effect: Flag
    since: DateField | None = None

    @model_validator(mode="after")
    def _since_only_when_in_effect(self) -> Standing:
        if self.since is not None and not self.in_effect:
            raise ValueError("'since' is only meaningful when in_effect is true")
        return self


class Observation(Strict):
    id: Id
    date: DateField
    dated_by: Text
    state: StateCode
    kind: Id
    tags: Ids = ()
    commitments: Ids = ()
    cases: Ids = ()
    metric: Metric | None = None
    standing: Standing | None = None
    source: Id
    locator: Text
    quote: Annotated[str, Field(min_length=1, max_length=600)]
    confidence: Confidence
    claim: Flag = False
    note: str | None = None

    @model_validator(mode="after")
    def _since_not_after_date(self) -> Observation:
        if self.standing and self.standing.since and self.standing.since.start > self.date.end:
            raise ValueError("standing.since is after the observation's date")
        return self


# ---------------------------------------------------------------- rules


class RuleBase(Strict):
    id: Id
    description: str | None = None
    severity: Severity = "moderate"


class EventMatch(Strict):
    kinds: Ids = Field(default=(), description="observation kinds; empty = any kind")
    tags_any: Ids = ()
    tags_all: Ids = ()
    cited: Flag = Field(default=False, description="only observations that list this commitment")
    include_claims: Flag = False
    where: Condition | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> EventMatch:
        if not (self.kinds or self.tags_any or self.tags_all or self.cited or self.where):
            raise ValueError("a match must name kinds, tags, cited or a where condition")
        return self


class EventRule(RuleBase):
    """Observations of a kind/tags in the period yield a finding with ``status``."""

    kind: Literal["event"]
    match: EventMatch
    status: FindingStatus


class StandingRule(RuleBase):
    """A standing condition carried forward: a finding while in effect (and when ended)."""

    kind: Literal["standing"]
    condition: Id
    subjects: Words | None = None
    tags_any: Ids = ()
    tags_all: Ids = ()
    include_claims: Flag = False
    while_in_effect: FindingStatus = "violation"
    when_ended: FindingStatus | None = None


class Threshold(Strict):
    op: NumericOp
    value: Number
    status: FindingStatus


class MetricRule(RuleBase):
    """Aggregate a metric over the period and compare it with thresholds (first match wins)."""

    kind: Literal["metric"]
    metric: Id
    aggregate: Literal["sum", "max", "min", "mean", "latest", "count"] = "latest"
    thresholds: list[Threshold] = Field(min_length=1)
    include_claims: Flag = False


Rule = Annotated[EventRule | StandingRule | MetricRule, Field(discriminator="kind")]


class Indicators(Strict):
    kinds: Ids = ()
    tags: Ids = ()
    metrics: Ids = ()
    conditions: Ids = ()
    note: str | None = None


class Commitment(Strict):
    id: Id
    instrument: Id
    section: Text
    title: Text
    summary: Text
    basket: Literal["I", "III", "human-dimension"]
    chapter: Text
    in_force: DateField | None = None
    weight: Annotated[Number, Field(gt=0, le=10)] = 1.0
    indicators: Indicators = Indicators()
    rules: list[Rule] = Field(min_length=1)


class RuleTestCase(Strict):
    name: Text
    state: StateCode = "SU"
    period: Text
    as_of: DateField | None = None
    observations: list[dict[str, Any]] = []
    expect: Literal["compliant", "partial", "violation", "none"]


class RuleTest(Strict):
    commitment: Id
    rule: Id
    cases: list[RuleTestCase] = Field(min_length=1)


class Assessment(Strict):
    """An analyst's judgement that sets or adjusts one cell; never applied silently."""

    id: Id
    state: StateCode
    commitment: Id
    period: Text
    action: Literal["set", "adjust"]
    status: FindingStatus | None = None
    adjust: Annotated[Number, Field(ge=-1, le=1)] | None = None
    justification: Text
    author: Text
    date: DateField
    expires: DateField | None = None

    @model_validator(mode="after")
    def _action_fields(self) -> Assessment:
        if self.action == "set" and self.status is None:
            raise ValueError("action 'set' needs a status")
        if self.action == "adjust" and self.adjust is None:
            raise ValueError("action 'adjust' needs an adjust value (-1 to 1)")
        return self


# ---------------------------------------------------------------- goals


class MetricTarget(Strict):
    metric: Id
    op: NumericOp = "ge"
    value: Number
    aggregate: Literal["latest", "max", "sum"] = "latest"
    baseline_value: Number | None = Field(
        default=None,
        description="the metric's value at the baseline when the metric counts from the baseline "
        "(e.g. 'share released since January' is 0 in January)",
    )


class Goal(Strict):
    id: Id
    tier: Literal["immediate", "intermediate", "long-range"]
    title: Text
    target: Text
    commitments: Ids = ()
    metric: MetricTarget | None = None
    rules: list[Rule] = []
    scorecard: Flag = Field(default=False, description="read the state's overall scorecard score")

    @model_validator(mode="after")
    def _has_measure(self) -> Goal:
        if not (self.metric or self.rules or self.scorecard):
            raise ValueError("a goal needs a metric target, rules, or scorecard: true")
        return self


class VerdictBands(Strict):
    """Progress (0-1) gained since the baseline that counts as slight / significant."""

    slight: Number = 0.05
    significant: Number = 0.25


class GoalSet(Strict):
    id: Id
    title: Text
    source: Id
    state: StateCode
    baseline: DateField
    assessed: DateField | None = None
    bands: VerdictBands = VerdictBands()
    goals: list[Goal] = Field(min_length=1)


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
