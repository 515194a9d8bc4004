"""The ``sources`` table as a bibliography: CSL-JSON and BibLaTeX.

CSL-JSON is one-to-one with the table (the columns follow CSL's variables);
BibLaTeX maps the CSL types to its entry types, ``@online`` for web pages.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa


from cpcd.common.text import cell_text

# CSL type -> BibLaTeX entry type, the field that holds `publisher`, and fixed fields.
BIBLATEX_TYPES: dict[str, tuple[str, str, dict[str, str]]] = {
    "article-journal": ("article", "publisher", {}),
    "article-newspaper": ("article", "journaltitle", {"entrysubtype": "newspaper"}),
    "book": ("book", "publisher", {}),
    "report": ("report", "institution", {"type": "Report"}),
    "speech": ("misc", "publisher", {"howpublished": "Speech"}),
    "thesis": ("thesis", "institution", {"type": "Thesis"}),
    "webpage": ("online", "organization", {}),
}
LANGIDS = {"en": "english", "zh": "chinese"}
# BibLaTeX with biber reads UTF-8: only the characters special to LaTeX are escaped.
LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "$": r"\$",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def date_parts(edtf: str | None) -> dict[str, list[list[int]]] | None:
    """A CSL date from EDTF text at its own precision (``2024`` -> [[2024]]); an interval
    ``START/END`` is CSL's range, two dates."""
    if not edtf:
        return None
    return {"date-parts": [[int(part) for part in end.split("-")] for end in edtf.split("/")]}


def authors(value: str | None) -> list[str]:
    return [name.strip() for name in value.split(";")] if value else []


def csl_items(sources: pa.Table) -> list[dict[str, Any]]:
    """One CSL-JSON item per source, in table order; empty cells are left out."""
    items = []
    for row in sources.to_pylist():
        item: dict[str, Any] = {"id": row["source_id"], "type": row["csl_type"]}
        names = authors(cell_text(row.get("authors")))
        if names:
            item["author"] = [{"literal": name} for name in names]
        for column, variable in (
            ("title", "title"),
            ("publisher", "publisher"),
            ("container_title", "container-title"),
            ("volume", "volume"),
            ("issue", "issue"),
            ("page", "page"),
            ("url", "URL"),
            ("doi", "DOI"),
            ("language", "language"),
            ("note", "note"),
        ):
            value = cell_text(row.get(column))
            if value:
                item[variable] = value
        for column, variable in (("issued", "issued"), ("accessed_edtf", "accessed")):
            parts = date_parts(cell_text(row.get(column)))
            if parts:
                item[variable] = parts
        items.append(item)
    return items


def csl_json(sources: pa.Table) -> str:
    return json.dumps(csl_items(sources), indent=2, ensure_ascii=False) + "\n"


def bibtex(sources: pa.Table) -> str:
    """BibLaTeX entries, text fields LaTeX-encoded, dates and addresses verbatim."""
    import bibtexparser
    from bibtexparser.model import Entry, Field
    from pylatexenc.latexencode import (
        RULE_DICT,
        UnicodeToLatexConversionRule,
        UnicodeToLatexEncoder,
    )

    rule = UnicodeToLatexConversionRule(RULE_DICT, {ord(k): v for k, v in LATEX_SPECIALS.items()})
    # Characters with no LaTeX macro stay as they are (BibLaTeX reads UTF-8), silently.
    encoder = UnicodeToLatexEncoder(
        conversion_rules=[rule], unknown_char_policy="keep", unknown_char_warning=False
    )

    library = bibtexparser.Library()
    for row in sources.to_pylist():
        entry_type, publisher_field, extra = BIBLATEX_TYPES[row["csl_type"]]
        text_fields = [
            ("title", cell_text(row["title"])),
            ("author", " and ".join(authors(cell_text(row.get("authors"))))),
            (publisher_field, cell_text(row.get("publisher"))),
            ("journaltitle", cell_text(row.get("container_title"))),
            ("volume", cell_text(row.get("volume"))),
            ("number", cell_text(row.get("issue"))),
            ("pages", cell_text(row.get("page"))),
            ("note", cell_text(row.get("note"))),
            *extra.items(),
        ]
        verbatim_fields = [
            ("date", cell_text(row.get("issued"))),
            ("urldate", cell_text(row.get("accessed_edtf"))),
            ("url", cell_text(row.get("url"))),
            ("doi", cell_text(row.get("doi"))),
            ("langid", LANGIDS.get(cell_text(row.get("language")) or "")),
        ]
        fields = [
            Field(key, encoder.unicode_to_latex(value)) for key, value in text_fields if value
        ]
        fields += [Field(key, value) for key, value in verbatim_fields if value]
        library.add(Entry(entry_type, row["source_id"], fields))
    return bibtexparser.write_string(library)


def write_bibliography(sources: pa.Table, out: Path) -> None:
    """``sources.csl.json`` (CSL-JSON) and ``sources.bib`` (BibLaTeX) from the sources table."""
    (out / "sources.csl.json").write_text(csl_json(sources), encoding="utf-8")
    (out / "sources.bib").write_text(bibtex(sources), encoding="utf-8")
