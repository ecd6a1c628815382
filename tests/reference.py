"""The reference path the fast one is compared with: ruamel.yaml (round trip) reads, python-jsonschema checks."""

import io


def ruamel_dump(value) -> str:
    from ruamel.yaml import YAML

    out = io.StringIO()
    YAML().dump(value, out)
    return out.getvalue()


def ruamel_load(text: str):
    from ruamel.yaml import YAML

    return YAML(typ="rt").load(text)


def plain(value):
    """ruamel's round-trip types as plain JSON data."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    return str(value)
