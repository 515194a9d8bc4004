"""The seed paper's text as paragraphs, each with its section and citation markers.

The paper is only needed by the tests that hold `paper_quote` to the printed text; it lives
outside the repository (`../shared/seed/`) and those tests skip when it is absent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

PAPER_PATH = Path(__file__).resolve().parents[2] / "shared" / "seed" / "000_51cd5497a1bf5185.txt"

_HEADING = re.compile(r"^#+\s*(?:(\d+(?:\.\d+)?)\.?\s)?")
_MARKER = re.compile(r"\[(\d+)\]")
# A line that does not end a sentence was broken by the text extraction and goes on below.
_SENTENCE_END = re.compile(r"""[.!?:;")\]>]\s*$""")


_MARKUP = re.compile(r"</?sup>|\\(?=[$_])")


def normalise(text: str) -> str:
    """The words as printed: no superscript tags or Markdown escapes, whitespace collapsed."""
    return " ".join(_MARKUP.sub("", text).split())


@dataclass(frozen=True)
class Paragraph:
    section: str
    text: str

    @property
    def markers(self) -> frozenset[int]:
        return frozenset(int(n) for n in _MARKER.findall(self.text))


def paragraphs(path: Path = PAPER_PATH) -> list[Paragraph]:
    """Body paragraphs up to the reference list, with the number of the section they sit in."""
    found: list[Paragraph] = []
    section = "0"
    pending: list[str] = []

    def close() -> None:
        if pending:
            found.append(Paragraph(section, normalise(" ".join(pending))))
            pending.clear()

    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        heading = _HEADING.match(line)
        if heading:
            close()
            if "REFERENCES" in line:
                break
            if heading.group(1):
                section = heading.group(1)
            continue
        pending.append(line)
        if _SENTENCE_END.search(line):
            close()
    close()
    return found


@dataclass(frozen=True)
class Occurrence:
    """Where a quote sits: its paragraph and the markers that govern it.

    The paper puts a reference marker after the sentences it supports, so a quote is
    governed by the first group of markers that follows it in its paragraph (``[18]`` or
    ``[18][19]``); a quote after the paragraph's last marker has none.
    """

    paragraph: Paragraph
    governing: frozenset[int]


_MARKER_GROUP = re.compile(r"(?:\s*\[\d+\])+")


def occurrences(quote: str, found: list[Paragraph]) -> list[Occurrence]:
    """Every place `quote` occurs verbatim (after normalising), with its governing markers."""
    wanted = normalise(quote)
    hits: list[Occurrence] = []
    for paragraph in found:
        start = paragraph.text.find(wanted)
        while start != -1:
            rest = paragraph.text[start + len(wanted) :]
            marker = _MARKER.search(rest)
            governing: frozenset[int] = frozenset()
            if marker:
                group = _MARKER_GROUP.match(rest, marker.start())
                governing = frozenset(int(n) for n in _MARKER.findall(group.group(0)))
            hits.append(Occurrence(paragraph, governing))
            start = paragraph.text.find(wanted, start + 1)
    return hits
