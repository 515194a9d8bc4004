"""The one reader of CHANGELOG.md (Keep a Changelog): its releases, their dates and text.

The file is parsed with markdown-it-py, so a heading is what CommonMark calls
one (not a ``##`` inside a code block). The ``keepachangelog`` package drops the
unreleased section and the blank lines of each entry, which the site shows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt

# "[VERSION] - YYYY-MM-DD", or "[Unreleased]": the text of a release's level-two heading.
HEADING = re.compile(r"\[(?P<version>[^\]]+)\](?:\s+-\s+(?P<date>\d{4}-\d{2}-\d{2}))?")
# A stated row count: a number, then a table's name in backticks.
COUNT = re.compile(r"(\d+)\s+`([a-z_]+)`")


@dataclass(frozen=True)
class Release:
    """One version's entry: its name, its date (none while unreleased) and its Markdown."""

    version: str
    date: str | None
    body: str

    def counts(self, tables: Iterable[str]) -> dict[str, int]:
        """Row counts the entry states (``N `table```); a table's first count is the one kept."""
        names = set(tables)
        found: dict[str, int] = {}
        for number, name in COUNT.findall(self.body):
            if name in names and name not in found:
                found[name] = int(number)
        return found


@dataclass(frozen=True)
class Changelog:
    """The text before the first release, then every release in the file's order."""

    intro: str
    releases: tuple[Release, ...]

    def release(self, version: str) -> Release | None:
        return next((r for r in self.releases if r.version == version), None)


def parse(text: str) -> Changelog:
    """Split the text at its level-two headings that name a version."""
    lines = text.splitlines(keepends=True)
    tokens = MarkdownIt("commonmark").parse(text)
    starts: list[tuple[int, int, re.Match[str]]] = []  # (heading line, body line, match)
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag == "h2" and token.map:
            match = HEADING.fullmatch(tokens[i + 1].content.strip())
            if match:
                starts.append((token.map[0], token.map[1], match))
    ends = [line for line, _, _ in starts[1:]] + ([len(lines)] if starts else [])
    intro_end = starts[0][0] if starts else len(lines)
    releases = tuple(
        Release(match["version"], match["date"], "".join(lines[body:end]).strip("\n"))
        for (_, body, match), end in zip(starts, ends, strict=True)
    )
    return Changelog(_strip_title("".join(lines[:intro_end])), releases)


def _strip_title(text: str) -> str:
    """The intro without the document's own ``# Changelog`` title."""
    return re.sub(r"\A\s*#\s[^\n]*\n", "", text).strip("\n")


def read(path: Path) -> Changelog:
    """The changelog at ``path``; an empty one when there is no such file."""
    path = Path(path)
    return parse(path.read_text(encoding="utf-8") if path.is_file() else "")
