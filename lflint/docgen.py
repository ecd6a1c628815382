"""Rule docs and example runs, both generated from the rule files (never written twice)."""

from __future__ import annotations

from .diagnostic import Diagnostic
from .engine import Linter
from .rules import FIXED_KEYS, Rule, builtin_rules, expected_findings

HEADER = """# Rules

Generated from `rules/*.yaml` by `python -m lflint.docgen > docs/rules.md`; do not edit by hand.
`lflint rule ID` prints one of these in the terminal.

| id | slug | severity | summary |
| --- | --- | --- | --- |
"""


def rule_markdown(rule: Rule, level: int = 1) -> str:
    h = "#" * level
    parts = [
        f"{h} {rule.id} {rule.slug}\n",
        f"{rule.summary}. Default severity: **{rule.severity}**.\n",
        f"{h}# What it does\n",
        rule.docs["what"].strip() + "\n",
        f"{h}# Why it matters\n",
        rule.docs["why"].strip() + "\n",
        f"{h}# How to fix\n",
        rule.docs["fix"].strip() + "\n",
        f"**Fix:** {_autofix(rule)}\n",
    ]
    for kind, title in (("bad", "Example that is reported"), ("good", "Example that passes")):
        if rule.examples[kind]:
            parts.append(f"{h}# {title}\n")
            parts.append("```yaml\n" + rule.examples[kind][0].rstrip("\n") + "\n```\n")
    return "\n".join(parts)


def _autofix(rule: Rule) -> str:
    """What ``check --fix`` does for the rule's findings (``docs.autofix``), with the first bad example that states
    its fixed text for each applicability, as a diff (before/after); "none" without ``docs.autofix``."""
    if "autofix" not in rule.docs:
        return "none: lflint would have to invent a value or choose between meanings."
    parts = [rule.docs["autofix"].strip()]
    for applicability in FIXED_KEYS:
        number = next((n for n, stated in enumerate(rule.fixed) if applicability in stated), None)
        if number is not None:
            flags = "--fix" + (" --unsafe-fixes" if applicability == "unsafe" else "")
            shown = _diff(rule.examples["bad"][number], rule.fixed[number][applicability])
            parts.append(f"\nExample ({applicability}, `{flags}`):\n\n```diff\n{shown}```")
    return "\n".join(parts)


def _diff(before: str, after: str) -> str:
    """The hunks of a unified diff of ``before`` to ``after``, with one line of context."""
    import difflib

    lines = difflib.unified_diff(before.splitlines(True), after.splitlines(True), n=1)
    return "".join(line for line in lines if not line.startswith(("---", "+++")))


def fixed_text(example: str, name: str, unsafe: bool, rules: dict[str, Rule], settings: dict | None = None) -> str:
    """``example`` as ``check --fix`` (``unsafe``: with ``--unsafe-fixes``) leaves it, with every rule of
    ``rules`` on and the config keys ``settings``."""
    result = _runner(rules, settings, fix=True, unsafe_fixes=unsafe).fix_bytes(example, name)
    return example if result.text is None else result.text


def _runner(rules: dict[str, Rule], settings: dict | None, **overrides):
    """A Runner with every rule of ``rules`` on, and ``settings`` (config keys, as an example states them)."""
    from .config import KEYS, Settings, check_overrides
    from .runner import Runner, context_for

    given = check_overrides({KEYS.get(k, k): v for k, v in (settings or {}).items()})
    linter = Linter({r.id: r for r in rules.values()}.values(), context_for(Settings(**given)))
    return Runner(isolated=True, overrides={**given, **overrides}, cache=False, linter=linter)


def rules_markdown() -> str:
    rules = builtin_rules()
    table = "".join(f"| [{r.id}](#{r.id.lower()}-{r.slug}) | {r.slug} | {r.severity} | {r.summary} |\n" for r in rules)
    return HEADER + table + "\n" + "\n".join(rule_markdown(r, 2) for r in rules)


def example_findings(rule: Rule, rules: dict[str, Rule]) -> dict[tuple[str, int], list[Diagnostic]]:
    """The diagnostics of each of ``rule``'s examples, by (kind, number), with every rule of ``rules`` on (and a
    bad example's ``settings``)."""
    return {
        (kind, number): _runner(rules, rule.settings[number - 1] if kind == "bad" else None).lint_bytes(
            example, f"{rule.id}-{kind}.yaml"
        )
        for kind in ("good", "bad")
        for number, example in enumerate(rule.examples[kind], 1)
    }


def run_examples(rule: Rule, rules: dict[str, Rule]) -> list[str]:
    """What is wrong with a rule's examples: a good one with findings, a bad one whose findings differ from
    its ``# expect:`` marks. Every rule is on, so an example must be a clean spec apart from what it shows."""
    problems = []
    for (kind, number), diagnostics in example_findings(rule, rules).items():
        found = sorted((d.line, d.rule) for d in diagnostics)
        expected = expected_findings(rule.examples[kind][number - 1]) if kind == "bad" else []
        if kind == "bad" and not any(r == rule.id for _, r in expected):
            problems.append(f"bad example {number} marks no finding of {rule.id}")
        if found != expected:
            problems.append(f"{kind} example {number}: expected {expected}, found {found}")
    for number, stated in enumerate(rule.fixed, 1):
        for applicability, text in stated.items():
            name = f"{rule.id}-bad.yaml"
            spec, settings = rule.examples["bad"][number - 1], rule.settings[number - 1]
            got = fixed_text(spec, name, applicability == "unsafe", rules, settings)
            if got != text:
                problems.append(
                    f"bad example {number}: `{FIXED_KEYS[applicability]}` is not what `check --fix"
                    + (" --unsafe-fixes" if applicability == "unsafe" else "")
                    + "` leaves (- stated, + left):\n"
                    + _diff(text, got)
                )
    return problems


if __name__ == "__main__":
    print(rules_markdown(), end="")
