"""``lflint new TYPE``: a commented starting spec for a job type, written from the job schema.

Every required field is there, each optional one commented out, each with its documentation line. A value the
user must choose is ``<FILL_ME>`` (with the schema's example, when it has one); an enum with one value is written,
one with several its first value, with the others named. Fields that a rule requires of the values chosen (the
connection fields of a ``datasource_type``, LF206) are found by linting the spec with its placeholders filled from
the examples, so the spec lints clean once they are filled.
"""

from __future__ import annotations

import json
import re

from .rules import JOB_SCHEMA, json_file

FILL = "<FILL_ME>"
_EXAMPLE = re.compile(r"(?P<key>[a-z_]+): <FILL_ME>(?:  # e\.g\. (?P<example>\S+))?")


def job_types() -> list[str]:
    return json_file(JOB_SCHEMA)["properties"]["type"]["enum"]


def _resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        target = schema["$defs"][node["$ref"].rsplit("/", 1)[1]]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def _doc(node: dict) -> str:
    return " ".join(str(node.get("description") or node.get("title") or "").split())


def _scalar(node: dict) -> tuple[str, str]:
    """(value, comment) of a scalar field."""
    options = node.get("enum")
    if options:
        others = f" (one of {', '.join(map(str, options))})" if len(options) > 1 else ""
        return str(options[0]), others
    example = node.get("examples", [None])[0]
    return (
        FILL,
        f" e.g. {json.dumps(example) if not isinstance(example, str) else example}" if example is not None else "",
    )


def _lines(schema: dict, node: dict, pointer: str, indent: int, extra: set[str]) -> list[str]:
    pad = " " * indent
    required = set(node.get("required", ()))
    out: list[str] = []
    props = node.get("properties", {})
    for key in sorted(props, key=lambda k: k not in required and f"{pointer}/{k}" not in extra):
        child = _resolve(schema, props[key])
        here = f"{pointer}/{key}"
        active = key in required or here in extra
        doc = _doc(child)
        kind = child.get("type")
        items = _resolve(schema, child.get("items", {})) if kind == "array" else {}
        if kind == "object":
            body = _lines(schema, child, here, indent + 2, extra) if active else []
            empty = " {}" if active and all(line.lstrip().startswith("#") for line in body) else ""
            out.append(f"{pad}{'' if active else '# '}{key}:{empty}{'  # ' + doc if doc else ''}")
            out.extend(body)
        elif kind == "array" and items.get("type") == "object":
            out.append(f"{pad}{'' if active else '# '}{key}:{'  # ' + doc if doc else ''}")
            if active:
                body = _lines(schema, items, f"{here}/0", indent + 4, extra)
                first = next(i for i, line in enumerate(body) if not line.lstrip().startswith("#"))
                body[first] = f"{pad}  - {body[first][indent + 4 :]}"
                out.extend(body)
        elif kind == "array":
            value = f"[{', '.join(map(str, items['enum']))}]" if "enum" in items else f"[{FILL}]"
            out.append(f"{pad}{'' if active else '# '}{key}: {value}{'  # ' + doc if doc else ''}")
        else:
            value, note = _scalar(child)
            comment = f"e.g.{note[5:]} — {doc}" if note.startswith(" e.g.") else doc + note
            out.append(f"{pad}{'' if active else '# '}{key}: {value}{'  # ' + comment if comment else ''}")
    return out


def _spec(job_type: str, extra: set[str]) -> str:
    schema = json_file(JOB_SCHEMA)
    props = schema["properties"]
    block = f"{job_type.lower()}_parameter"
    body = _lines(schema, _resolve(schema, props["parameter"]["properties"][block]), f"/parameter/{block}", 4, extra)
    name_value, name_note = _scalar(props["name"])
    return "\n".join(
        [
            f"# A {job_type} job (lflint new). Replace every {FILL}; uncomment the optional fields you need.",
            f"name: {name_value}  # e.g.{name_note[5:]} — {_doc(props['name'])}",
            f"# description: {FILL}  # {_doc(props['description'])}",
            f"type: {job_type}",
            "parameter:",
            f"  {block}:",
            *body,
            "",
        ]
    )


def _exists(pointer: str) -> bool:
    """Whether the job schema has a field at ``pointer`` (``/parameter/<block>/...``; an item as ``0``)."""
    schema = json_file(JOB_SCHEMA)
    node = schema
    for token in pointer.split("/")[1:]:
        node = _resolve(schema, node)
        node = node.get("items", {}) if token.isdigit() else node.get("properties", {}).get(token)
        if node is None:
            return False
    return True


def filled(text: str) -> str:
    """``text`` with each ``<FILL_ME>`` replaced by the example its comment gives (``fill_me`` without one)."""
    return "\n".join(
        _EXAMPLE.sub(lambda m: m[0].replace(FILL, m["example"] or "fill_me", 1), line)
        if not line.lstrip().startswith("#")
        else line
        for line in text.split("\n")
    )


def new_spec(job_type: str) -> str:
    """The starting spec of ``job_type``; with the fields that the rules require of its values added."""
    from .api import lint_text

    extra: set[str] = set()
    for _ in range(5):
        text = _spec(job_type, extra)
        needed = set()
        for d in lint_text(filled(text), "new.lfjob.yaml", isolated=True):
            # a rule that requires fields of the values chosen says "... needs `a`, `b` and `c` ...", at the
            # mapping that lacks them or at the field that needs them
            if " needs `" in d.message:
                names = re.findall(r"`([^`]+)`", d.message.split(" needs ", 1)[1])
                parent = d.pointer.rsplit("/", 1)[0]
                needed |= {
                    f"{base}/{name}" for base in (d.pointer, parent) for name in names if _exists(f"{base}/{name}")
                }
        if needed <= extra:
            return text
        extra |= needed
    return text
