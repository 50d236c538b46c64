"""The files an import writes: which spellings name one file, and a write that never leaves half a file.

A stack file holds what no import can make again (its ``encryptionsalt``, the secure values encrypted with it), so
every write here replaces the file whole in one rename, on the file a symlink points at, keeping its mode.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def same_file(first: str, second: str) -> bool:
    """Whether two paths name one file, in any spelling: relative or absolute, through a symlink or ``..``, a hard
    link, or (in one directory) another case, which a case-insensitive file system maps to the same file. Two
    names that differ only in case are treated as one even where the file system tells them apart: writing both
    would be a trap on the next machine."""
    a, b = Path(first).resolve(), Path(second).resolve()
    if a == b:
        return True
    if a.exists() and b.exists() and os.path.samefile(a, b):
        return True
    parents_same = a.parent == b.parent or (a.parent.exists() and b.parent.exists()
                                            and os.path.samefile(a.parent, b.parent))
    return parents_same and a.name.casefold() == b.name.casefold()


def write_replacing(path: str, text: str) -> None:
    """Write ``text`` to ``path`` in one step: a temporary file beside the target, renamed over it. The target is
    the file a symlink names (the link stays a link), and an existing file keeps its permissions."""
    target = Path(path).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    mode = target.stat().st_mode & 0o7777 if target.exists() else _new_file_mode()
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _new_file_mode() -> int:
    """What ``open(path, "w")`` would give a new file (the temporary file starts private)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
