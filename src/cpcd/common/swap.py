"""Replace a directory whole: readers see the previous one or the new one, never half.

The new directory is written beside the old one and put in place by two
renames. Builds into the same place take turns (a lock file, by ``filelock``, which
works on every platform), and a build killed at any point harms nothing: the
next one puts a moved-aside export back and removes what was left over.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path

from filelock import FileLock

KILL_AT = "CPCD_KILL_AT"  # a test hook: the build kills itself at the named checkpoint


def checkpoint(name: str) -> None:
    """Where a test may stop the build dead (SIGKILL), to prove a killed build harms nothing."""
    if os.environ.get(KILL_AT) == name:
        os.kill(os.getpid(), signal.SIGKILL)


@contextlib.contextmanager
def replaced_directory(out: Path) -> Iterator[Path]:
    """A new empty directory to fill; put at ``out`` when the block ends without error."""
    out = Path(out).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(_lock_path(out)):
        _recover(out)
        _remove_leftovers(out)
        new = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
        try:
            yield new
            _swap_in(new, out)
        finally:
            shutil.rmtree(new, ignore_errors=True)


def _lock_path(out: Path) -> Path:
    """The lock file of builds into ``out``: in the temporary folder, named by ``out``'s path,
    so that the folder readers see holds nothing but the directories themselves."""
    name = hashlib.sha256(os.fsencode(out)).hexdigest()[:32]
    return Path(tempfile.gettempdir()) / f"cpcd-{name}.lock"


def _recover(out: Path) -> None:
    """Undo a swap that was killed between its two renames: the previous directory is put
    back where readers look for it."""
    if out.exists():
        return
    for leftover in sorted(out.parent.glob(f".{out.name}.old-*")):
        previous = leftover / out.name
        if previous.is_dir():
            os.rename(previous, out)
            return


def _remove_leftovers(out: Path) -> None:
    """Temporary directories of builds that were killed before they could clean up."""
    for leftover in out.parent.glob(f".{out.name}.*-*"):
        if leftover.is_dir() and leftover.name.split(".")[-1].startswith(("tmp-", "old-")):
            shutil.rmtree(leftover, ignore_errors=True)


def _swap_in(new: Path, out: Path) -> None:
    """Put ``new`` at ``out`` by two renames, the previous export moved aside first.

    A build killed between the renames leaves the previous export whole beside
    ``out``; the next build puts it back (:func:`_recover`) before anything else.
    """
    if not out.exists():
        os.rename(new, out)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    os.rename(out, old / out.name)
    checkpoint("swap")
    os.rename(new, out)
    new.mkdir()  # for the caller's clean-up, which removes it
    shutil.rmtree(old, ignore_errors=True)
