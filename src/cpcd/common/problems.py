"""Problems found in the input, and the one error type the command line reports.

Every check returns problems instead of raising, so that a user sees every
mistake in one run. A problem names the file, the line, the column, the value
and the rule it breaks: ``file:line: column: value: rule``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

VALUE_WIDTH = 40
DEFAULT_CAP = 50


@dataclass(frozen=True)
class Problem:
    """One broken rule at one place in the input."""

    path: str
    line: int | None
    column: str | None
    value: str | None
    rule: str

    def as_dict(self) -> dict[str, str | int | None]:
        """The problem for machines: the same five parts, unshortened."""
        return {
            "file": self.path,
            "line": self.line,
            "column": self.column,
            "value": self.value,
            "rule": self.rule,
        }

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.column or '-'}: {shorten(self.value)}: {self.rule}"


def shorten(value: str | None, width: int = VALUE_WIDTH) -> str:
    """Quote a value for a report line, cut to ``width`` characters."""
    if value is None:
        return "-"
    text = value if len(value) <= width else value[: width - 1] + "…"
    return repr(text)


def ordered(problems: Iterable[Problem]) -> list[Problem]:
    """Problems in report order, the same in the text and the JSON report: files in the
    order their problems were found (the descriptor's order of tables), each file's
    problems by line, then column and rule."""
    problems = list(problems)
    first: dict[str, int] = {}
    for problem in problems:
        first.setdefault(problem.path, len(first))
    return sorted(problems, key=lambda p: (first[p.path], p.line or 0, p.column or "", p.rule))


def render(problems: Iterable[Problem], cap: int = DEFAULT_CAP) -> list[str]:
    """Report lines in :func:`ordered` order, at most ``cap`` of them plus a count of the
    rest."""
    ordered_problems = ordered(problems)
    lines = [str(p) for p in ordered_problems[:cap]]
    if len(ordered_problems) > cap:
        lines.append(f"... and {len(ordered_problems) - cap} more")
    files = len({p.path for p in ordered_problems})
    lines.append(f"{len(ordered_problems)} problem(s) in {files} file(s)")
    return lines


class CpcdError(Exception):
    """A failure the user can act on; the command line prints it without a traceback."""

    def __init__(
        self,
        message: str,
        problems: list[Problem] | None = None,
        notices: list[Problem] | None = None,
    ) -> None:
        super().__init__(message)
        self.problems = problems or []
        self.notices = notices or []
