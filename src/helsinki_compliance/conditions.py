"""Declarative conditions: one operator table for the evaluator and the schema.

A condition is data, never code::

    {field: metric.value, op: ge, value: 10000}
    {all: [cond, ...]}   {any: [cond, ...]}   {not: cond}

:data:`OPERATORS` maps each operator name to its Python function; the JSON Schema's ``op``
enum is built from the same table, so the two cannot disagree. :func:`compile_condition`
turns a condition into a plain Python callable once, at load time.
"""

from __future__ import annotations

import operator
from enum import Enum
from collections.abc import Callable
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag


def _in(a: Any, b: Any) -> bool:
    return isinstance(b, list) and a in b


def _contains(a: Any, b: Any) -> bool:
    return isinstance(a, (list, str)) and b in a


def _ordered(fn: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    def compare(a: Any, b: Any) -> bool:
        if isinstance(a, bool) or isinstance(b, bool):
            return False
        if isinstance(a, (int, float)) and isinstance(b, (int, float)):
            return fn(a, b)
        if isinstance(a, str) and isinstance(b, str):
            return fn(a, b)
        return False

    return compare


#: The one operator table. A new operator is one line here.
OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "lt": _ordered(operator.lt),
    "le": _ordered(operator.le),
    "gt": _ordered(operator.gt),
    "ge": _ordered(operator.ge),
    "in": _in,
    "not_in": lambda a, b: not _in(a, b),
    "contains": _contains,
    "exists": lambda a, b: (a is not None) == bool(b),
}

#: Operators that compare numbers (thresholds use these).
NUMERIC_OPERATORS = ("eq", "ne", "lt", "le", "gt", "ge")

#: Fields of an observation that a condition may read.
FIELDS = (
    "kind",
    "tags",
    "state",
    "source",
    "confidence",
    "claim",
    "cases",
    "commitments",
    "metric.name",
    "metric.value",
    "metric.unit",
    "metric.qualifier",
    "standing.condition",
    "standing.subject",
    "standing.in_effect",
)

OperatorName = Literal["eq", "ne", "lt", "le", "gt", "ge", "in", "not_in", "contains", "exists"]
FieldName = Literal[
    "kind",
    "tags",
    "state",
    "source",
    "confidence",
    "claim",
    "cases",
    "commitments",
    "metric.name",
    "metric.value",
    "metric.unit",
    "metric.qualifier",
    "standing.condition",
    "standing.subject",
    "standing.in_effect",
]

Scalar = Union[str, int, float, bool, None]


class Comparison(BaseModel):
    """``{field, op, value}``: compare one field of an observation with a value."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    field: FieldName
    op: OperatorName
    value: Union[Scalar, list[Scalar]] = None


class AllOf(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    all: list[Condition] = Field(min_length=1)


class AnyOf(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    any: list[Condition] = Field(min_length=1)


class Not(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    not_: Condition = Field(alias="not")


def _condition_branch(v: Any) -> str | None:
    """Pick the branch from the key present, so an error names the branch the author meant."""
    if isinstance(v, dict):
        for key in ("field", "all", "any", "not"):
            if key in v:
                return key
        return None
    return {Comparison: "field", AllOf: "all", AnyOf: "any", Not: "not"}.get(type(v))


Condition = Annotated[
    Union[
        Annotated[Comparison, Tag("field")],
        Annotated[AllOf, Tag("all")],
        Annotated[AnyOf, Tag("any")],
        Annotated[Not, Tag("not")],
    ],
    Discriminator(
        _condition_branch,
        custom_error_type="condition_kind",
        custom_error_message="a condition is {field, op, value}, {all: [...]}, {any: [...]} or {not: ...}",
    ),
]
AllOf.model_rebuild()
AnyOf.model_rebuild()
Not.model_rebuild()

Predicate = Callable[[Any], bool]


def field_getter(name: str) -> Callable[[Any], Any]:
    """A function reading ``name`` (dotted for nested) from an observation model."""
    parts = name.split(".")

    def get(obj: Any) -> Any:
        for part in parts:
            obj = getattr(obj, part, None)
            if obj is None:
                return None
        if isinstance(obj, tuple):
            return list(obj)
        return obj.value if isinstance(obj, Enum) else obj

    return get


def compile_condition(cond: Condition) -> Predicate:
    """Compile a condition into a callable once; evaluation is then plain Python."""
    if isinstance(cond, Comparison):
        get = field_getter(cond.field)
        fn = OPERATORS[cond.op]
        value = cond.value
        return lambda obs: fn(get(obs), value)
    if isinstance(cond, AllOf):
        parts = [compile_condition(c) for c in cond.all]
        return lambda obs: all(p(obs) for p in parts)
    if isinstance(cond, AnyOf):
        parts = [compile_condition(c) for c in cond.any]
        return lambda obs: any(p(obs) for p in parts)
    inner = compile_condition(cond.not_)
    return lambda obs: not inner(obs)


def compare(op: str, a: float, b: float) -> bool:
    """Apply a numeric operator from the table."""
    return OPERATORS[op](a, b)
