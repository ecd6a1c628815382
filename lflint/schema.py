"""The job schema as editors read it: exported for YAML/JSON editors, and walked for hover and completion.

``schemas/job.schema.json`` is Draft 2020-12, what lflint validates with. Editors are surest with draft-07:
yaml-language-server (VS Code's YAML extension) long validated with draft-07 only, and editor setups often run
older releases; VS Code's JSON support documents draft-07 as fully supported. So ``lflint schema`` prints a
draft-07 translation (``$defs`` become ``definitions``; a ``$ref`` with sibling keywords, which draft-07 ignores,
moves into an ``allOf``, keeping the field's own title and description beside it for yaml-language-server's
hover), with ``markdownDescription`` and ``markdownEnumDescriptions`` beside the plain ones, which both editors
render; ``--draft 2020-12`` prints the schema as it is.
"""

from __future__ import annotations

import json
from typing import Any

from .rules import JOB_SCHEMA, json_file

DRAFT_07 = "http://json-schema.org/draft-07/schema#"
_ANNOTATIONS = ("title", "description", "markdownDescription")


def job_schema() -> dict:
    return json_file(JOB_SCHEMA)


def for_editors(schema: dict) -> dict:
    """The draft-07 translation described above."""

    def convert(node: Any) -> Any:
        if isinstance(node, list):
            return [convert(v) for v in node]
        if not isinstance(node, dict):
            return node
        out = {
            ("definitions" if k == "$defs" else k): convert(v) for k, v in node.items() if k not in ("$schema", "$ref")
        }
        if "description" in node and isinstance(node["description"], str):
            out["markdownDescription"] = node["description"]
        if "enumDescriptions" in node:
            out["markdownEnumDescriptions"] = node["enumDescriptions"]
        if "$ref" in node:
            ref = {"$ref": node["$ref"].replace("#/$defs/", "#/definitions/")}
            # yaml-language-server hovers with the first description it meets, and it meets an allOf's items
            # before the schema around them; it reads a $ref's siblings (its own keys win over the target's),
            # so the field's own words go beside the $ref too
            ref.update((k, out[k]) for k in _ANNOTATIONS if k in out)
            out = {**out, "allOf": [ref, *out.get("allOf", [])]} if out else ref
        return out

    return {"$schema": DRAFT_07, **convert(schema)}


def render(draft: str) -> str:
    schema = job_schema()
    return json.dumps(for_editors(schema) if draft == "7" else schema, indent=2, ensure_ascii=False) + "\n"


def resolve(schema: dict) -> dict:
    """``schema`` with its ``$ref`` (into the job schema's ``$defs``) followed; the referring keywords win."""
    while isinstance(schema, dict) and "$ref" in schema:
        target = job_schema()["$defs"][schema["$ref"].rsplit("/", 1)[-1]]
        schema = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
    return schema


def schema_at(tokens: list[str]) -> dict | None:
    """The subschema of the value at ``tokens`` (keys; list indexes or ``*`` for items), or None if unknown."""
    schema = resolve(job_schema())
    for token in tokens:
        properties = schema.get("properties", {})
        if token in properties:
            schema = resolve(properties[token])
        elif (token == "*" or token.isdigit()) and "items" in schema:
            schema = resolve(schema["items"])
        else:
            return None
    return schema


def enum_of(schema: dict) -> list[tuple[Any, str]]:
    """(value, description) for each value the field takes from a fixed set."""
    if "enum" in schema:
        notes = schema.get("enumDescriptions", [])
        return [(v, notes[i] if i < len(notes) else "") for i, v in enumerate(schema["enum"])]
    types = schema.get("type")
    if types == "boolean" or isinstance(types, list) and "boolean" in types:
        return [(True, ""), (False, "")]
    return []


def field_markdown(name: str, schema: dict, required: bool = False) -> str:
    """Hover text for a field: title, description, type and constraints, values, default and examples."""
    types = schema.get("type")
    kind = " or ".join(types) if isinstance(types, list) else types or ("list" if "items" in schema else "value")
    head = f"**{name}**" + (f" — {schema['title']}" if schema.get("title") and schema["title"] != name else "")
    lines = [head, "", f"*{kind}*" + (", required" if required else "")]
    if schema.get("description"):
        lines += ["", schema["description"]]
    limits = []
    if "minLength" in schema or "maxLength" in schema:
        limits.append(f"{schema.get('minLength', 0)} to {schema.get('maxLength', '…')} characters")
    if "x-expected" in schema:
        limits.append(schema["x-expected"])
    elif "pattern" in schema:
        limits.append(f"matches `{schema['pattern']}`")
    if "minimum" in schema or "maximum" in schema:
        limits.append(f"from {schema.get('minimum', '…')} to {schema.get('maximum', '…')}")
    if "maxItems" in schema:
        limits.append(f"at most {schema['maxItems']} items")
    if limits:
        lines += ["", "Allowed: " + "; ".join(limits) + "."]
    values = enum_of(schema) if "enum" in schema else []
    if values:
        lines += [""] + [f"- `{json.dumps(v)}`" + (f" — {note}" if note else "") for v, note in values]
    if "default" in schema:
        lines += ["", f"Default: `{json.dumps(schema['default'])}`"]
    if schema.get("examples"):
        lines += ["", "Example: " + ", ".join(f"`{json.dumps(e)}`" for e in schema["examples"])]
    return "\n".join(lines)
