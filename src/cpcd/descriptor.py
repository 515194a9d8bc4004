"""The package descriptor checked against the Data Package standard, by frictionless.

frictionless's check needs nothing else cpcd reads, and costs about half a
second, mostly importing frictionless. :class:`DescriptorCheck` therefore runs
it in a child process, started before the tables are read (and, from the
command line, before the heavy libraries are imported), so that on a machine
with two cores it costs no time. When the child cannot run, the check runs in
this process instead; the problems are the same either way.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from cpcd.problems import Problem


def _rules(path: Path | str) -> list[str]:
    from frictionless import Package

    report = Package.validate_descriptor(str(path))
    return [f"{kind}: {message}" for kind, message in report.flatten(["type", "message"])]


def _problems(path: Path, rules: list[str]) -> list[Problem]:
    return [Problem(str(path), None, None, None, rule) for rule in rules]


def check_descriptor(path: Path) -> list[Problem]:
    """The descriptor's problems as frictionless reports them, checked in this process."""
    return _problems(path, _rules(path))


class DescriptorCheck:
    """A check of ``path`` running in a child process; :meth:`problems` waits for it."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self._child: subprocess.Popen[bytes] | None = subprocess.Popen(
                [sys.executable, "-m", "cpcd.descriptor", str(self.path)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        except OSError:
            self._child = None

    def problems(self) -> list[Problem]:
        """The problems found; the check is repeated here when the child failed."""
        if self._child is not None:
            output, _ = self._child.communicate()
            if self._child.returncode == 0:
                try:
                    return _problems(self.path, json.loads(output))
                except ValueError:
                    pass
        return check_descriptor(self.path)


if __name__ == "__main__":  # the child: the rules broken, as JSON
    json.dump(_rules(sys.argv[1]), sys.stdout)
