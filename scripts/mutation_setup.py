"""The work folder of one package's mutation run (scripts/mutation), and its score afterwards.

    python scripts/mutation_setup.py PACKAGE WORK           lay out WORK for `mutmut run`
    python scripts/mutation_setup.py --score PACKAGE WORK   print the score of the finished run

mutmut 3 reads ``[tool.mutmut]`` from the ``pyproject.toml`` of the folder it runs in, copies the source and the
tests into ``mutants/`` there, and runs them with that copy first on the path. On each run it copies the tests and
the files it does not mutate again, and mutates a file of the package that changed afresh, keeping the results of
each function whose code did not change (it compares their hashes). WORK links every top-level entry
of the repository (the tests read docs/ and examples/), and holds a ``pyproject.toml`` that is the repository's
plus the one package's settings, so each package keeps its own results and a run of one does not disturb another.
The subpackages the repository keeps as top-level folders (components/, dynamic_providers/, emulator/) are not
mutated: the editable install's mapping still serves them, from the repository.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
#: The tests that reach each package without the Pulumi CLI (tiers 1 and 2); the engine tier is too slow to run
#: per mutant, so a rule only an engine test holds shows up as a survivor, to be pinned in a faster tier.
TESTS: dict[str, list[str]] = {
    "review": ["tests/review", "tests/policy"],  # the policy pack judges with review's rules
    "check": ["tests/check"],
    "policy": ["tests/policy"],
    "adopt": ["tests/adopt", "tests/unit/test_adopt_pieces.py"],
}
#: Not linked into the work folder: the virtualenv, git, and build/ (where the work folders live).
SKIPPED = {".git", ".venv", "build", "mutants", "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache"}


def prepare(package: str, work: Path) -> None:
    work.mkdir(parents=True, exist_ok=True)
    linked = []
    for entry in sorted(REPO.iterdir()):
        if entry.name in SKIPPED or entry.name == "pyproject.toml":
            continue
        link = work / entry.name
        if not link.is_symlink():
            link.symlink_to(entry)
        if entry.name not in ("sparkpost_tracking", "tests"):  # mutmut copies these two itself
            linked.append(entry.name)
    settings = {
        "source_paths": ["sparkpost_tracking"],
        "only_mutate": [f"sparkpost_tracking/{package}/*"],
        "also_copy": linked,
        "pytest_add_cli_args_test_selection": TESTS[package],
        "pytest_add_cli_args": ["-p", "no:cacheprovider"],
    }
    text = (REPO / "pyproject.toml").read_text()
    tomllib.loads(text)  # the repository's own file must parse before anything is added to it
    (work / "pyproject.toml").write_text(text + "\n[tool.mutmut]\n" + "".join(
        f"{key} = {json.dumps(value)}\n" for key, value in settings.items()))


def score(package: str, work: Path) -> None:
    subprocess.run([str(Path(sys.executable).parent / "mutmut"), "export-cicd-stats"], cwd=work, check=True,
                   capture_output=True)
    stats = json.loads((work / "mutants" / "mutmut-cicd-stats.json").read_text())
    detected = stats["killed"] + stats["timeout"]
    judged = detected + stats["survived"] + stats["no_tests"] + stats["suspicious"] + stats["segfault"]
    share = f"{100 * detected / judged:.1f}%" if judged else "n/a"
    unrun = stats["total"] - stats["skipped"] - judged  # an interrupted run: the next one goes on with these
    print(f"mutation score of sparkpost_tracking/{package}/: {detected}/{judged} detected ({share}); "
          f"killed {stats['killed']}, timeout {stats['timeout']}, survived {stats['survived']}, "
          f"no tests {stats['no_tests']}, suspicious {stats['suspicious']}"
          + (f"; {unrun} of {stats['total']} not run yet" if unrun else ""))
    listed = subprocess.run([str(Path(sys.executable).parent / "mutmut"), "results"], cwd=work, check=True,
                            capture_output=True, text=True).stdout
    undetected = [(name, status) for name, _, status in (line.strip().partition(": ") for line in listed.splitlines())
                  if status in UNDETECTED]
    if undetected:
        print(f"not killed, by function (each mutant: {work}/mutants/not-killed.txt; mutmut show NAME in {work}):")
        by_function = Counter((name.rpartition("__mutmut_")[0], status) for name, status in undetected)
        for (function, status), count in sorted(by_function.items()):
            print(f"  {count:4d} {status:<10} {function}")
        (work / "mutants" / "not-killed.txt").write_text("".join(f"{n}: {s}\n" for n, s in undetected))


#: The results that count against the score (a timeout is a detection: the mutant made the tests hang).
UNDETECTED = ("survived", "no tests", "suspicious", "segfault")


if __name__ == "__main__":
    if sys.argv[1] == "--score":
        score(sys.argv[2], Path(sys.argv[3]))
    else:
        prepare(sys.argv[1], Path(sys.argv[2]))
