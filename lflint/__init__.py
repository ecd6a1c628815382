"""lflint: an offline linter for Huawei Cloud LakeFormation job specs."""

__version__ = "0.1.0"


def __getattr__(name):  # lazy: `lflint --version` and the CLI start without loading the linter
    if name in ("lint_text", "lint_paths", "fix_text", "Diagnostic", "ConfigError"):
        from . import api

        return getattr(api, name)
    if name == "Runner":
        from .runner import Runner

        return Runner
    raise AttributeError(f"module 'lflint' has no attribute {name!r}")


__all__ = ["ConfigError", "Diagnostic", "Runner", "__version__", "fix_text", "lint_paths", "lint_text"]
