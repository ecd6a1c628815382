"""The Python API as a user calls it: ``lint_text`` and ``lint_paths``, each setting a keyword-only parameter."""

import inspect

import pytest
from conftest import GOOD

import lflint
from lflint.config import KEYS

BAD = GOOD.replace("conflict_strategy: UPSERT", "conflict_strategy: upsert")


@pytest.mark.parametrize(
    "function, own",
    [
        (lflint.lint_text, {"text", "filename", "config", "isolated"}),
        (lflint.lint_paths, {"paths", "config", "isolated", "jobs"}),
    ],
)
def test_every_setting_is_a_keyword_only_parameter(function, own):
    parameters = inspect.signature(function).parameters
    settings = {name for name, p in parameters.items() if p.kind is p.KEYWORD_ONLY} - own
    assert settings == set(KEYS.values())
    assert all(parameters[name].default is None for name in settings)


def test_settings_are_checked_as_the_config_file_is(tmp_path):
    assert [d.rule for d in lflint.lint_text(BAD, "a.lfjob.yaml", severity={"LF104": "info"})] == ["LF104"]
    assert [d.severity for d in lflint.lint_text(BAD, "a.lfjob.yaml", severity={"LF104": "info"})] == ["info"]
    assert lflint.lint_text(BAD, "jobs/a.lfjob.yaml", per_file_ignores={"jobs/*": ["LF104"]}) == []
    with pytest.raises(lflint.ConfigError, match="'severity' must be a table"):
        lflint.lint_text(BAD, severity="info")
    with pytest.raises(lflint.ConfigError, match="unknown rule 'LF999'"):
        lflint.lint_text(BAD, ignore=["LF999"])
