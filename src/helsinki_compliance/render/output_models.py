"""The outputs the tool writes, as pydantic models: their JSON Schemas are generated from them.

``goals --format json``, ``goals --timeline``, ``scorecard --format json``, ``scorecard
--evidence`` and a report's JSON are promises to the people who read them; these models state
them (field by field, with descriptions), and :mod:`.output_schemas` publishes
``model_json_schema()`` of each. The enums are the tuples the engine uses, so they cannot drift.
Every model forbids other keys; fields that older outputs lack (added by methods 2 and 3) have
defaults, so they are not required.
"""

from __future__ import annotations

from typing import Annotated, Any, get_args

from pydantic import BaseModel, ConfigDict, Field

from helsinki_compliance.engine.coverage import INSUFFICIENT
from helsinki_compliance.engine.goals import VERDICTS
from helsinki_compliance.model.records import Status
from helsinki_compliance.render.scorecard_out import EVIDENCE_COLUMNS

TIERS = ("immediate", "intermediate", "long-range")


def _enum(values: Any) -> dict[str, Any]:
    return {"type": "string", "enum": list(values)}


Date = Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$")]
StatusWord = Annotated[str, Field(json_schema_extra=_enum(get_args(Status)))]
Verdict = Annotated[str, Field(json_schema_extra=_enum(VERDICTS))]
Tiers = Annotated[dict[str, Verdict], Field(json_schema_extra={"propertyNames": _enum(TIERS)})]
Count = Annotated[int, Field(ge=0)]


class Out(BaseModel):
    """An output object: no keys beyond its fields."""

    model_config = ConfigDict(extra="forbid")


class Measure(Out):
    progress: float | None = Field(
        ge=0, le=1, description="0 = nothing of the target achieved, 1 = target reached; null = no evidence"
    )
    status: str
    met: bool
    detail: str
    evidence: list[str]


class Goal(Out):
    id: str
    tier: Annotated[str, Field(json_schema_extra=_enum(TIERS))]
    title: str
    target: str
    commitments: list[str]
    baseline: Measure
    current: Measure
    verdict: Verdict
    evidence: list[str]
    latest_evidence: str | None = Field(None, description="date of the latest evidence")
    stale: bool = Field(False, description="latest evidence more than two years before the as-of date")
    no_evidence_since: str | None = Field(
        None, description="method 3: with verdict no-evidence-since, the date of the latest evidence"
    )
    uncorroborated: bool = Field(
        False, description="method 3: the target reads met, but on uncorroborated evidence (verdict not met)"
    )


class Hindsight(Out):
    known_by: Date
    verdicts: dict[str, Verdict]
    verdict_texts: dict[str, str]
    progress: dict[str, float | None]
    tiers: Tiers


class TimelineRow(Out):
    period: str
    as_of: Date
    verdicts: dict[str, Verdict]
    progress: dict[str, float | None]
    tiers: Tiers
    stale: list[str] = []
    verdict_texts: dict[str, str] = {}
    hindsight: Hindsight | None = None


class Bands(Out):
    significant: float
    slight: float


class GoalReport(Out):
    goal_set: str
    title: str
    source: str | None
    state: str
    baseline: str
    as_of: Date
    bands: Bands
    goals: list[Goal]
    tiers: Tiers
    known_by: Date | None = None
    timeline: list[TimelineRow] = []
    readings: dict[str, str] = {}


class GoalTimeline(Out):
    goal_set: str
    state: str
    timeline: list[TimelineRow]
    as_of: Date | None = None
    readings: dict[str, str] = {}


class Coverage(Out):
    observations: int
    sources: list[str]
    evidence_from: str | None
    evidence_to: str | None
    stale_findings: int


class Cell(Out):
    """One state x commitment x period: counts and scores (its evidence ids: ``--evidence``)."""

    state: str
    commitment: str
    period: str
    status: StatusWord
    score: float | None
    confidence: float | None
    computed_status: StatusWord
    computed_score: float | None
    assessment: str | None = Field(description="the id of the analyst assessment applied")
    findings: Count = Field(description="findings scored or shown; their evidence: --evidence")
    too_old: Count = Field(description="method 3: conditions beyond the scoring horizon, shown, not scored")
    observations: Count = Field(description="observations behind the cell")
    sources: Count = Field(description="sources behind the cell")
    evidence_from: str | None
    evidence_to: str | None
    stale_findings: Count
    stale: bool
    partial_period: bool = Field(description="method 3: the as-of date falls inside the period")


class Band(Out):
    low: float | None
    high: float | None


class Group(Out):
    state: str
    group: str
    period: str
    status: Annotated[str, Field(json_schema_extra=_enum((*get_args(Status), INSUFFICIENT)))]
    score: float | None = Field(description="null when nothing is assessed or the evidence is insufficient")
    assessed: int
    in_force: int
    raw_score: float | None = Field(None, description="the weighted mean even when insufficient: not a score")
    coverage: Coverage | None = None
    partial_period: bool = Field(False, description="method 3: the as-of date falls inside the period")
    band: Band | None = Field(
        None, description="method 3: the score's range under the documented alternative method choices"
    )


class PeriodOut(Out):
    id: str
    kind: str
    label: str
    start: Date
    end: Date
    not_yet: bool = False
    partial_period: bool = False


class CommitmentOut(Out):
    id: str
    instrument: str
    title: str
    basket: str
    chapter: str | None
    weight: float


class Scorecard(Out):
    as_of: Date
    states: list[str]
    periods: list[PeriodOut]
    commitments: list[CommitmentOut]
    cells: list[Cell]
    groups: list[Group]
    method: dict[str, Any]


class Evidence(Out):
    """One row per observation behind a finding of a cell."""

    columns: list[Annotated[str, Field(json_schema_extra=_enum(EVIDENCE_COLUMNS))]]
    evidence: list[list[str | bool | None]]


class Change(Out):
    commitment: str
    before: StatusWord
    after: StatusWord


class Changes(Out):
    from_: str = Field(alias="from")
    to: str
    better: list[Change]
    worse: list[Change]
    other: list[Change]


class Conflict(Out):
    fact: str
    state: str
    kept: str
    set_aside: list[str]
    reason: str
    readings: list[str]


class ObservationBrief(Out):
    date: str
    kind: str
    source: str
    locator: str
    quote: str


class ReportMeta(BaseModel):
    """The report's own description (further keys allowed)."""

    model_config = ConfigDict(extra="allow")
    state: Any
    period: Any
    as_of: Any
    periods: Any
    files: Any


class GoalSets(Out):
    goal_sets: list[GoalReport]


class Report(Out):
    report: ReportMeta
    scorecard: Scorecard
    changes: list[Changes]
    dossiers: list[dict[str, Any]]
    observations: dict[str, ObservationBrief]
    goals: GoalSets | None = None
    conflicts: list[Conflict] = Field([], description="method 2: reports of one fact that disagree, with the one kept")
