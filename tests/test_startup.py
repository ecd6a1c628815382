"""Start-up: what a one-file run (a pre-commit hook) loads. A clean file's check imports nothing it does not use
(docs/performance.md, "Start-up"); the cheaper ways it avoids them give the same answers."""

import datetime
import json
import subprocess
import sys
from difflib import SequenceMatcher

from conftest import GOOD
from hypothesis import example, given
from hypothesis import strategies as st

from lflint import secrets

# Never on the start path of a clean file's check: each costs milliseconds (or megabytes) and is needed only by
# something the run does not do.
NOT_AT_START = {
    "email.utils": "jsonschema_rs's build time (compiler.jsonschema_rs)",
    "socket": "email.utils",
    "difflib": "a key close to a secret's name, or a did-you-mean",
    "pkgutil": "the list of report formats",
    "importlib.util": "pkgutil",
    "jsonschema": "the reference path, user rules' schemas",
    "ruamel": "YAML that libyaml cannot read",
    "hashlib": "the cache, the baseline's entries",
    "tempfile": "writing a file",
    "multiprocessing": "--jobs",
    "secrets": "the standard library's: the cache key",
    "lflint.report.json": "--format json",
}

# The console script's process (``lflint.__main__.run``), reporting what it imported and the collector's state
# as it exits.
REPORT = """
import atexit, gc, json, sys
out = sys.argv[1]
def report():
    with open(out, "w") as fh:
        json.dump({"modules": sorted(sys.modules), "collecting": gc.isenabled()}, fh)
atexit.register(report)
sys.argv = ["lflint", *sys.argv[2:]]
from lflint.__main__ import run
run()
"""


def test_a_clean_file_imports_only_what_it_uses(tmp_path):
    spec = tmp_path / "job.lfjob.yaml"
    spec.write_text(GOOD)
    out = tmp_path / "modules.json"
    done = subprocess.run(
        [sys.executable, "-c", REPORT, str(out), "check", spec.name],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (done.returncode, done.stdout) == (0, "All checks passed in 1 file.\n"), done.stderr
    found = json.loads(out.read_text())
    loaded = {m for m in found["modules"] for name in NOT_AT_START if m == name or m.startswith(name + ".")}
    assert not loaded, {m: NOT_AT_START.get(m, NOT_AT_START.get(m.split(".")[0])) for m in loaded}
    assert found["collecting"]  # the collector is off only while start-up loads the modules


def _close_by_difflib(folded: str) -> bool:
    """``secrets._close`` as its docstring defines it: difflib's ratio with a secret's name reaches ``CLOSE``."""
    return folded in secrets._NAMES or any(
        SequenceMatcher(None, folded, name).ratio() >= secrets.CLOSE for name in secrets._NAMES
    )


@given(st.text(alphabet="passwordaccesskeysecrtxy_0", max_size=24))
@example("secretxxxxx")  # 2 * 6 / 20: exactly CLOSE
@example("passw")
@example("executeday")  # a clean file's key: stops at the bound, before difflib
@example("networktype")
@example("")
def test_keys_close_to_a_secret_name_are_those_difflib_finds(folded):
    assert secrets._close(folded) == _close_by_difflib(folded)


# jsonschema_rs started without email.utils (compiler.jsonschema_rs): its build time is the same datetime, and
# whatever else a newer release asks of email.utils is the real module's.
STAND_IN = """
import sys
from lflint import compiler
rs = compiler.jsonschema_rs()
spared = "email.utils" not in sys.modules
built = rs.jsonschema_rs.__build__["info-time"]
from email.utils import parsedate_to_datetime, formatdate
sys.modules.pop("email.utils")
stand_in = __import__("types").ModuleType("email.utils")
stand_in.__getattr__ = compiler._real_email_utils
sys.modules["email.utils"] = stand_in
from email.utils import formatdate as forwarded
same = built == parsedate_to_datetime(built.strftime("%a, %d %b %Y %H:%M:%S +0000"))
print(spared, same, forwarded(0) == formatdate(0))
"""


def test_jsonschema_rs_starts_without_email_utils_and_gets_the_same_answers():
    done = subprocess.run([sys.executable, "-c", STAND_IN], capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["True", "True", "True"], done.stderr


UTC = datetime.timezone.utc


@given(st.datetimes(timezones=st.just(UTC)))
@example(datetime.datetime(99, 1, 1, tzinfo=UTC))  # email.utils reads the year 0099 as 1999
@example(datetime.datetime(2026, 11, 8, 16, 26, 25, tzinfo=UTC))
def test_the_stand_in_reads_a_build_time_as_email_utils_does(when):
    from email.utils import format_datetime, parsedate_to_datetime

    from lflint import compiler

    for text in (format_datetime(when.replace(microsecond=0)), "Sun, 8 Nov 2026 16:26:25 -0500"):
        assert compiler._build_time(text) == parsedate_to_datetime(text)
