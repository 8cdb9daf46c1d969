"""Render the JSON Schemas of the data files as a Markdown reference (``docs/reference.md``).

The reference is generated from :func:`helsinki_compliance.api.schemas`, which is generated
from the pydantic models, so the three cannot disagree. For each file kind it lists the models
the file holds; for each model, its fields with type, whether required, default, description
and allowed values (enums, patterns, bounds). A model used by several file kinds (the rule
kinds, the condition tree) is described once, where it first appears, and linked elsewhere.

Regenerate the committed reference with::

    python -m helsinki_compliance.schemadoc docs/reference.md
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from helsinki_compliance.model.records import DATE_PATTERN, ID_PATTERN, STATE_PATTERN
from helsinki_compliance.render import file_schemas
from helsinki_compliance.storage import atomic_write

__all__ = ["render_reference", "main", "REGENERATE"]

Schema = Mapping[str, Any]

#: The command that rewrites the committed reference.
REGENERATE = "helsinki-compliance schema --markdown docs/reference.md"

#: Patterns with a name: shown as that value type, described once in "Value types".
NAMED_PATTERNS = {ID_PATTERN: "id", STATE_PATTERN: "state code", DATE_PATTERN: "date"}
_VALUE_TYPE_ANCHOR = "value-types"
_TEXT_LIMITS = (1, 4000)
_MAX_DEFAULT_WIDTH = 60

_INTRO = """\
Every data file is YAML with **one top-level key** that says what it holds; the loader reads
`commitments/`, `observations/` and `goals/` and takes each file's kind from that key. This
page lists, for every file kind, the fields of each item: their type, whether they are
required, the default when they are left out, what they mean and which values are allowed.
Unknown keys are errors. Examples of every kind are in [data-format.md](data-format.md).

Editors with the YAML language server check a file as you type when its first line names
its schema, e.g. `# yaml-language-server: $schema=../schemas/observations.schema.json`."""

_DATE_PATTERN_CELL = DATE_PATTERN.replace("|", "\\|")  # a table cell: the pipes escaped
_VALUE_TYPES = f"""\
| type | what it is |
|---|---|
| id | lower-case letters, digits, `.`, `_`, `-`, starting with a letter or digit (at most 120 characters): `{ID_PATTERN}` |
| state code | two upper-case letters (`SU`, `PL`, `DD`): `{STATE_PATTERN}` |
| date | a quoted date at the precision the source supports: `"1977-02-03"`, `"1977-02"`, `"1977-Q1"`, `"1977-H2"`, `"1977"`, or a range `"1987-09-21/1987-12-31"` (pattern `{_DATE_PATTERN_CELL}`) |
| text | a non-empty string of at most 4000 characters |"""


def render_reference(schemas: Mapping[str, Schema] | None = None) -> str:
    """The Markdown reference of every file kind, from ``schemas`` (default: :func:`api.schemas`)."""
    if schemas is None:
        schemas = file_schemas.schemas()
    kinds = [_FileKind.from_schema(name, schema) for name, schema in schemas.items()]
    out = [
        "<!-- Generated from the JSON Schemas by helsinki_compliance.schemadoc.render_reference(); do not edit.",
        f"     Regenerate: {REGENERATE} -->",
        "",
        "# File format reference",
        "",
        _INTRO,
        "",
        "## File kinds",
        "",
        "| top-level key | schema | holds |",
        "|---|---|---|",
    ]
    for k in kinds:
        out.append(f"| [`{k.key}`](#{_slug(k.heading)}) | `schemas/{k.file}` | {k.holds()} |")
    out += ["", "## Value types", "", _VALUE_TYPES, ""]
    described: dict[str, str] = {}
    for k in kinds:
        out += k.render(described)
    return "\n".join(out).rstrip("\n") + "\n"


class _FileKind:
    """One schema file: its top-level key, the root model and the models reachable from it."""

    def __init__(self, file: str, key: str, root: Schema, many: bool, defs: Mapping[str, Schema]) -> None:
        self.file = file
        self.key = key
        self.many = many
        self.defs = dict(defs)
        self.root_name = _ref_name(root) or str(root.get("title", key))
        if _ref_name(root) is None:  # the root model is inline (a single mapping, e.g. vocabulary)
            self.defs[self.root_name] = root
        self.heading = f"`{key}` files"

    @classmethod
    def from_schema(cls, file: str, schema: Schema) -> _FileKind:
        (key,) = schema["properties"]
        value = schema["properties"][key]
        many = value.get("type") == "array"
        root = value["items"] if many else value
        return cls(file, key, root, many, schema.get("$defs", {}))

    def holds(self) -> str:
        link = _model_link(self.root_name)
        return f"a list of {link} items" if self.many else f"one {link} mapping"

    def models(self) -> list[str]:
        """Model names reachable from the root, breadth first in field order."""
        order = [self.root_name]
        i = 0
        while i < len(order):
            for ref in _refs(self.defs[order[i]]):
                if ref not in order:
                    order.append(ref)
            i += 1
        return order

    def render(self, described: dict[str, str]) -> list[str]:
        out = [f"## {self.heading}", ""]
        out.append(f"Schema `schemas/{self.file}`. The top-level key `{self.key}` holds {self.holds()}.")
        models = self.models()
        elsewhere = [m for m in models if m in described]
        if elsewhere:
            links = ", ".join(f"{_model_link(m)} (under `{described[m]}`)" for m in elsewhere)
            out.append(f"Also uses {links}.")
        out.append("")
        for name in models:
            if name in described:
                continue
            described[name] = self.key
            out += _render_model(name, self.defs[name])
        return out


def _render_model(name: str, schema: Schema) -> list[str]:
    out = [f"### {name}", ""]
    if schema.get("description"):
        out += [_prose(schema["description"]), ""]
    props: Mapping[str, Schema] = schema.get("properties", {})
    required = set(schema.get("required", ()))
    out += ["| field | type | required | default | description | allowed values |", "|---|---|---|---|---|---|"]
    for field, prop in props.items():
        cells = [
            f"`{field}`",
            _type(prop),
            "yes" if field in required else "no",
            _default(prop) if field not in required else "",
            _prose(prop.get("description", "")),
            "; ".join(_allowed(prop)),
        ]
        out.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    out.append("")
    return out


# ---------------------------------------------------------------- types and constraints


def _branches(schema: Schema) -> tuple[list[Schema], bool]:
    """The alternatives of an ``anyOf``/``oneOf`` (without ``null``) and whether null is allowed."""
    alts = schema.get("anyOf") or schema.get("oneOf")
    if alts is None:
        return [schema], False
    real = [a for a in alts if a.get("type") != "null"]
    flat: list[Schema] = []
    nullable = len(real) < len(alts)
    for a in real:
        inner, inner_null = _branches(a)
        flat += inner
        nullable = nullable or inner_null
    return flat, nullable


def _type(schema: Schema) -> str:
    alts, nullable = _branches(schema)
    text = " or ".join(_single_type(a) for a in alts)
    disc = schema.get("discriminator") or next((a.get("discriminator") for a in schema.get("anyOf", ())), None)
    if disc:
        text = f"one of {', '.join(_single_type(a) for a in alts)} (chosen by `{disc['propertyName']}`)"
    return f"{text}, or null" if nullable else text


def _single_type(schema: Schema) -> str:
    ref = _ref_name(schema)
    if ref:
        return _model_link(ref)
    if "const" in schema:
        return f"`{json.dumps(schema['const'])}`"
    if "anyOf" in schema or "oneOf" in schema:
        return _type(schema)
    kind = schema.get("type")
    if kind == "array":
        items = schema.get("items")
        if not items:
            return "list"
        inner = _type(items)
        return f"list of ({inner})" if " or " in inner and "one of" not in inner else f"list of {inner}"
    if kind == "object":
        patterned = schema.get("patternProperties")
        if patterned:
            ((pattern, value),) = patterned.items()
            key = NAMED_PATTERNS.get(pattern, "key")
            return f"mapping of {_value_type_link(key)} to {_single_type(value)}"
        return "mapping"
    if kind == "string":
        named = NAMED_PATTERNS.get(schema.get("pattern", ""))
        if named:
            return _value_type_link(named)
        if (schema.get("minLength"), schema.get("maxLength")) == _TEXT_LIMITS:
            return _value_type_link("text")
        return "string"
    if kind in ("number", "integer", "boolean"):
        return str(kind)
    return "any value"


def _allowed(schema: Schema) -> list[str]:
    """Constraints a value must meet, in words (patterns of named types are on the types)."""
    alts, _ = _branches(schema)
    out: list[str] = []
    for a in alts:
        out += _constraints(a)
        items = a.get("items")
        if a.get("type") == "array" and isinstance(items, Mapping):
            out += [f"each: {c}" for c in _constraints(items)]
    return list(dict.fromkeys(out))


def _constraints(schema: Schema) -> list[str]:
    out = []
    if "enum" in schema:
        out.append("one of " + ", ".join(f"`{v}`" for v in schema["enum"]))
    pattern = schema.get("pattern")
    if pattern and pattern not in NAMED_PATTERNS:
        out.append(f"matches `{pattern}`")
    lengths = (schema.get("minLength"), schema.get("maxLength"))
    if lengths != _TEXT_LIMITS and not (pattern in NAMED_PATTERNS and lengths == (None, 120)):
        if lengths[0] == 1:
            out.append("not empty")
        elif lengths[0] is not None:
            out.append(f"at least {lengths[0]} characters")
        if lengths[1] is not None:
            out.append(f"at most {lengths[1]} characters")
    for key, words in (("minimum", ">="), ("exclusiveMinimum", ">"), ("maximum", "<="), ("exclusiveMaximum", "<")):
        if key in schema:
            out.append(f"{words} {_number(schema[key])}")
    if "minItems" in schema:
        n = schema["minItems"]
        out.append(f"at least {n} item{'s' if n != 1 else ''}")
    return out


def _default(schema: Schema) -> str:
    if "default" not in schema:
        return ""
    value = schema["default"]
    text = json.dumps(value, separators=(", ", ": "))
    if isinstance(value, dict) and len(text) > _MAX_DEFAULT_WIDTH:
        return "the defaults of its fields"
    return f"`{text}`"


def _refs(schema: Any) -> list[str]:
    """Every model a schema refers to, in order of appearance."""
    found: list[str] = []
    if isinstance(schema, Mapping):
        ref = _ref_name(schema)
        if ref:
            found.append(ref)
        for key, value in schema.items():
            if key not in ("$ref", "default"):
                found += _refs(value)
    elif isinstance(schema, list):
        for value in schema:
            found += _refs(value)
    return list(dict.fromkeys(found))


# ---------------------------------------------------------------- Markdown


def _ref_name(schema: Schema) -> str | None:
    ref = schema.get("$ref")
    return str(ref).rsplit("/", 1)[-1] if ref else None


def _model_link(name: str) -> str:
    return f"[{name}](#{_slug(name)})"


def _value_type_link(name: str) -> str:
    return f"[{name}](#{_VALUE_TYPE_ANCHOR})"


def _slug(heading: str) -> str:
    """The anchor GitHub gives a heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def _prose(text: str) -> str:
    """Docstring markup (``code``) as Markdown, on one line."""
    return " ".join(text.replace("``", "`").split())


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _number(x: Any) -> str:
    return str(int(x)) if isinstance(x, float) and x.is_integer() else str(x)


# ---------------------------------------------------------------- command line


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m helsinki_compliance.schemadoc [PATH]``: write the reference to PATH or stdout."""
    args = list(sys.argv[1:] if argv is None else argv)
    text = render_reference()
    if not args:
        sys.stdout.write(text)
        return 0

    atomic_write(Path(args[0]), text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
