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
from collections.abc import Callable
from enum import Enum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Discriminator, Field, Tag, WithJsonSchema


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


def _operator(v: Any) -> Any:
    if not isinstance(v, str) or v not in OPERATORS:
        raise ValueError(f"unknown operator {v!r}; expected one of: {', '.join(OPERATORS)}")
    return v


#: An operator name: validated against, and published in the schema from, :data:`OPERATORS` itself.
OperatorName = Annotated[str, BeforeValidator(_operator), WithJsonSchema({"type": "string", "enum": list(OPERATORS)})]
#: Fields of an observation that a condition may read.
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
    "standing.ended_by",
    "standing.all_subjects",
    "attribution.type",
]

Scalar = str | int | float | bool | None


def _scalar_or_list(v: Any) -> Any:
    """A comparison value: one scalar or a list of scalars (checked once, so an error is one line)."""
    items = v if isinstance(v, list) else [v]
    for item in items:
        if item is not None and not isinstance(item, (str, int, float, bool)):
            what = (
                "a mapping" if isinstance(item, dict) else "a list" if isinstance(item, list) else type(item).__name__
            )
            where = "in the list " if isinstance(v, list) else ""
            raise ValueError(
                f"a condition value is a string, number, true/false, null or a list of them; found {what} {where}".rstrip()
            )
    return v


class Comparison(BaseModel):
    """``{field, op, value}``: compare one field of an observation with a value."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    field: FieldName
    op: OperatorName
    value: Annotated[Scalar | list[Scalar], BeforeValidator(_scalar_or_list)] = None


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
    branches: dict[type, str] = {Comparison: "field", AllOf: "all", AnyOf: "any", Not: "not"}
    return branches.get(type(v))


Condition = Annotated[
    Annotated[Comparison, Tag("field")]
    | Annotated[AllOf, Tag("all")]
    | Annotated[AnyOf, Tag("any")]
    | Annotated[Not, Tag("not")],
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


# ---------------------------------------------------------------- checks at load time

#: Fields by the type of value they hold (the rest hold one string).
NUMBER_FIELDS = frozenset({"metric.value"})
FLAG_FIELDS = frozenset({"claim", "standing.in_effect", "standing.all_subjects"})
LIST_FIELDS = frozenset({"tags", "cases", "commitments"})
ORDERED_OPERATORS = frozenset({"lt", "le", "gt", "ge"})


def comparisons(cond: Condition, path: tuple[str | int, ...] = ()) -> list[tuple[tuple[str | int, ...], Comparison]]:
    """Every comparison in a condition tree with its path inside the tree (``('all', 0)``)."""
    out: list[tuple[tuple[str | int, ...], Comparison]] = []
    stack: list[tuple[tuple[str | int, ...], Any]] = [(path, cond)]
    while stack:
        p, c = stack.pop()
        if isinstance(c, Comparison):
            out.append((p, c))
        elif isinstance(c, AllOf):
            stack.extend(((*p, "all", i), x) for i, x in enumerate(c.all))
        elif isinstance(c, AnyOf):
            stack.extend(((*p, "any", i), x) for i, x in enumerate(c.any))
        else:
            stack.append(((*p, "not"), c.not_))
    return sorted(out, key=lambda pc: [str(x) for x in pc[0]])


def _kind_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, list):
        return "a list"
    return "a string"


def _fits(field: str, value: Any) -> bool:
    """Whether one comparison value can ever equal a value of ``field``."""
    if value is None:
        return True
    if field in NUMBER_FIELDS:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if field in FLAG_FIELDS:
        return isinstance(value, bool)
    return isinstance(value, str)


def comparison_problem(c: Comparison) -> str | None:
    """Why a comparison can never be true as written (wrong value type for its field and op), or None."""
    want = "a number" if c.field in NUMBER_FIELDS else "true/false" if c.field in FLAG_FIELDS else "a string"
    if c.op == "exists":
        return None if isinstance(c.value, bool) else f"op 'exists' takes true or false, not {_kind_of(c.value)}"
    if c.op in ("in", "not_in"):
        if not isinstance(c.value, list):
            return f"op {c.op!r} takes a list of values, not {_kind_of(c.value)}"
        if c.field in LIST_FIELDS:
            return f"field {c.field!r} holds a list; use op 'contains' with one value"
        bad = [v for v in c.value if not _fits(c.field, v)]
        return f"field {c.field!r} holds {want}; the list has {_kind_of(bad[0])}" if bad else None
    if isinstance(c.value, list):
        return f"op {c.op!r} takes one value, not a list (use 'in' for a list)"
    if c.op == "contains":
        if c.field in LIST_FIELDS or c.field not in NUMBER_FIELDS | FLAG_FIELDS:
            return None if isinstance(c.value, str) else f"op 'contains' looks for a string, not {_kind_of(c.value)}"
        return f"op 'contains' needs a list or text field; {c.field!r} holds {want}"
    if c.field in LIST_FIELDS:
        return f"field {c.field!r} holds a list; use op 'contains' (or 'exists')"
    if c.op in ORDERED_OPERATORS and c.field in FLAG_FIELDS:
        return f"op {c.op!r} cannot order true/false values"
    if not _fits(c.field, c.value) or (c.op in ORDERED_OPERATORS and c.value is None):
        return f"field {c.field!r} holds {want}; the value is {_kind_of(c.value)}"
    return None
