"""Run a doc's shell blocks as a reader would: one terminal, block after block, in a fresh home.

Each block runs in bash (``set -e -o pipefail``) where the previous one left off: its working directory and its
exported variables carry over, as in one terminal. ``HOME`` is a new directory, so ``~/…`` in the docs is the
test's own; the first directory is a copy of this repository (the files git knows, uncommitted edits included),
as a clone would be. The ``python3`` is the system's, whose venvs get the pip it ships with.

What differs from a reader's terminal, and nothing else: the Pulumi CLI directory is on ``PATH``, pip may use
the user's download cache, the engine does not fetch plugins, and ``substitutions`` (e.g. the emulator's port, so
parallel test runs do not collide) are applied to the blocks' text.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

from tests.docs.markdown_blocks import ROOT, Block

BLOCK_TIMEOUT = 900  # seconds: a block may build a wheel and install pulumi into a venv


@dataclass
class Ran:
    block: Block
    returncode: int
    output: str


def copy_of_repository(target: Path) -> Path:
    """The files git knows (tracked, and new ones not ignored), copied to ``target`` and committed there: a clone,
    local edits included (``git+file`` installs take a clone's commit)."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            check=True, capture_output=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    identity = ["-c", "user.name=docs test", "-c", "user.email=docs-test@example.com", "-c", "commit.gpgsign=false"]
    for args in (["init", "--quiet"], ["add", "--all"], ["commit", "--quiet", "--no-verify", "-m", "clone"]):
        subprocess.run(["git", *identity, *args], cwd=target, check=True, capture_output=True)
    return target


def _system_path() -> list[str]:
    """``PATH`` without any virtualenv's bin (this test runs in one; the reader's shell is not)."""
    venv_bins = {str(Path(sys.prefix) / "bin"), os.environ.get("VIRTUAL_ENV", "") + "/bin"}
    return [p for p in os.environ.get("PATH", "").split(os.pathsep) if p and p not in venv_bins]


@dataclass
class DocSession:
    workdir: Path
    cli_dir: Path | None = None
    substitutions: dict[str, str] = field(default_factory=dict)
    #: The reader's activated virtualenv (the package installed), for pages that assume one; None: none.
    activated: Path | None = None
    transcript: list[Ran] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.home = self.workdir / "home"
        self.state = self.workdir / "session"
        for d in (self.home, self.state):
            d.mkdir(parents=True, exist_ok=True)
        start = copy_of_repository(self.workdir / "clone")
        (self.state / "cwd").write_text(str(start))
        (self.state / "env").write_text("")
        cache = Path(os.environ.get("PIP_CACHE_DIR") or Path.home() / ".cache" / "pip")
        self.env = {
            **{k: v for k, v in os.environ.items()
               if not k.startswith(("PULUMI_", "SPARKPOST_", "VIRTUAL_ENV", "PYTHON"))},
            "HOME": str(self.home),
            "PATH": os.pathsep.join([*([str(self.activated / "bin")] if self.activated else []),
                                     *([str(self.cli_dir)] if self.cli_dir else []), *_system_path()]),
            **({"VIRTUAL_ENV": str(self.activated)} if self.activated else {}),
            "PIP_CACHE_DIR": str(cache),
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
            "NO_COLOR": "1",
        }
        # The Pulumi CLI that scripts/get-pulumi built (minutes, with Go) is the machine's, not the home's.
        built = Path(os.environ.get("SPARKPOST_TRACKING_CACHE") or Path.home() / ".cache" / "sparkpost-tracking")
        if built.is_dir():
            self.env["SPARKPOST_TRACKING_CACHE"] = str(built)
        self._background: list[subprocess.Popen[str]] = []

    def text_of(self, block: Block) -> str:
        text = block.text
        for old, new in self.substitutions.items():
            text = text.replace(old, new)
        return text

    @property
    def cwd(self) -> Path:
        return Path((self.state / "cwd").read_text().strip())

    def _script(self, body: str, *, save: bool) -> str:
        state = self.state
        after = f'\npwd > "{state}/cwd"\nexport -p > "{state}/env"\n' if save else ""
        return (f'cd "$(cat "{state}/cwd")"\n. "{state}/env"\nset -e -o pipefail\n'
                f"{body}{after}")

    def run(self, block: Block) -> Ran:
        """Run one block; a file block writes its text to the file it names, in the shell's directory."""
        if "file" in block.markers:
            (self.cwd / block.markers["file"]).write_text(self.text_of(block))
            ran = Ran(block, 0, f"(wrote {block.markers['file']})")
        else:
            proc = subprocess.run(["bash", "-c", self._script(self.text_of(block), save=True)], env=self.env,
                                  capture_output=True, text=True, timeout=BLOCK_TIMEOUT, stdin=subprocess.DEVNULL)
            ran = Ran(block, proc.returncode, proc.stdout + proc.stderr)
        self.transcript.append(ran)
        return ran

    def start(self, block: Block, ready_timeout: float = 60) -> str:
        """Start a background block (another terminal); return its first line on stdout once it is printed."""
        proc = subprocess.Popen(["bash", "-c", self._script("exec " + self.text_of(block).strip(), save=False)],
                                env=self.env, stdout=subprocess.PIPE, text=True, start_new_session=True,
                                stderr=(self.state / f"background-{len(self._background)}.err").open("w"))
        self._background.append(proc)
        first: list[str] = []
        ready = threading.Event()

        def drain() -> None:
            assert proc.stdout is not None
            for line in proc.stdout:  # keep reading, so a chatty process never blocks on a full pipe
                if not first:
                    first.append(line)
                    ready.set()
            ready.set()

        threading.Thread(target=drain, daemon=True).start()
        if not ready.wait(ready_timeout) or not first:
            raise AssertionError(f"{block.where}: the background command printed nothing (exit {proc.poll()})")
        self.transcript.append(Ran(block, 0, first[0]))
        return first[0]

    def close(self) -> None:
        for proc in self._background:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=30)

    def show(self) -> str:
        return "\n".join(f"--- {r.block.where} (exit {r.returncode})\n{self.text_of(r.block)}>>>\n{r.output}"
                         for r in self.transcript)
