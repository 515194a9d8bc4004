"""Every fact row is tied to the words it rests on.

Rows from the paper carry `paper_quote`, held here to the printed text: the quote
occurs in the paper, its citation marker is the one the paper puts after it, and
its section is the row's. Rows from outside the paper carry `source_quote` and an
outside source with an address.
"""

from __future__ import annotations

import pytest
from conftest import DATA, FACT_TABLES, read_rows, schema
from paper import PAPER_PATH, Paragraph, occurrences, paragraphs

PAPER = "gong_zhou_ma_2024"
MAX_QUOTE_WORDS = 30


def row_id(table: str, row: dict) -> str:
    return "|".join(str(row[k]) for k in schema(table)["primaryKey"])


def fact_rows() -> list[tuple[str, str, dict]]:
    return [
        (table, row_id(table, row), row)
        for table in FACT_TABLES
        for row in read_rows(DATA / f"{table}.csv", table)
    ]


ROWS = fact_rows()
PAPER_ROWS = [r for r in ROWS if r[2]["in_paper"]]
OUTSIDE_ROWS = [r for r in ROWS if not r[2]["in_paper"]]
CITATIONS = {r["citation_number"]: r for r in read_rows(DATA / "citations.csv", "citations")}
SOURCES = {r["source_id"]: r for r in read_rows(DATA / "sources.csv", "sources")}


def test_every_fact_table_declares_the_provenance_columns():
    for table in FACT_TABLES:
        names = [f["name"] for f in schema(table)["fields"]]
        assert {"in_paper", "paper_quote", "source_quote"} <= set(names), table


@pytest.mark.parametrize(("table", "key", "row"), PAPER_ROWS, ids=[r[1] for r in PAPER_ROWS])
def test_paper_row_has_a_short_quote_and_matching_source(table, key, row):
    quote = row["paper_quote"]
    assert quote, "a row from the paper needs paper_quote"
    assert len(quote.split()) <= MAX_QUOTE_WORDS
    assert row["paper_section"], "a row from the paper names its section"
    number = row["citation_number"]
    if number is None:
        assert row["source_id"] == PAPER, "a statement without a marker cites the paper itself"
    else:
        assert row["source_id"] == CITATIONS[number]["source_id"]


@pytest.mark.parametrize(("table", "key", "row"), OUTSIDE_ROWS, ids=[r[1] for r in OUTSIDE_ROWS])
def test_outside_row_rests_on_a_quoted_source_with_an_address(table, key, row):
    assert row["paper_quote"] is None and row["citation_number"] is None
    assert row["paper_section"] is None
    assert row["source_id"] != PAPER
    assert row["source_quote"], "a row from outside the paper needs source_quote"
    assert len(row["source_quote"].split()) <= MAX_QUOTE_WORDS
    source = SOURCES[row["source_id"]]
    assert source["url"], f"{row['source_id']} has no address"
    assert source["accessed"] is not None, f"{row['source_id']} has no access date"


def test_quote_word_limit_is_declared_in_the_schemas():
    """The 30-word limit is a schema pattern, so validation enforces it, not only this test."""
    import re

    for table in FACT_TABLES:
        fields = {f["name"]: f for f in schema(table)["fields"]}
        for name in ("paper_quote", "source_quote"):
            pattern = re.compile(fields[name]["constraints"]["pattern"])
            assert pattern.fullmatch(" ".join(["word"] * MAX_QUOTE_WORDS))
            assert not pattern.fullmatch(" ".join(["word"] * (MAX_QUOTE_WORDS + 1)))
            # Quotes are stored with whitespace normalised: no line breaks or double spaces.
            assert not pattern.fullmatch("two\rwords") and not pattern.fullmatch("two  words")


needs_paper = pytest.mark.skipif(
    not PAPER_PATH.exists(),
    reason=f"the seed paper is not at {PAPER_PATH}: quotes cannot be compared with it",
)


@pytest.fixture(scope="module")
def body() -> list[Paragraph]:
    return paragraphs()


@needs_paper
@pytest.mark.parametrize(("table", "key", "row"), PAPER_ROWS, ids=[r[1] for r in PAPER_ROWS])
def test_quote_is_verbatim_and_its_marker_is_the_rows_citation(body, table, key, row):
    """The paper puts [n] after the sentences it supports: the first marker after the quote
    is the row's citation_number; a quote with no marker after it in its paragraph has none."""
    found = occurrences(row["paper_quote"], body)
    assert found, "the quote does not occur in the paper"
    number = row["citation_number"]
    wanted = frozenset() if number is None else None
    agreeing = [
        o
        for o in found
        if (number in o.governing if wanted is None else o.governing == wanted)
        and o.paragraph.section == row["paper_section"]
    ]
    where = [(o.paragraph.section, sorted(o.governing)) for o in found]
    assert agreeing, (
        f"citation [{number}] in section {row['paper_section']} disagrees with the quote's "
        f"place in the paper (section, markers after it): {where}"
    )


@needs_paper
def test_marker_rule_reads_the_paper_as_printed(body):
    """Hand-checked against the printed text: the youth sentence 'in 2015' is followed by [5],
    the 'since 2015' one by [6]; the election of February 8 sits in the paragraph closed by
    [32]; the Education Action sentence is printed twice, before [18] and before [19]."""
    assert [o.governing for o in occurrences("have visited China in 2015", body)] == [{5}]
    assert [o.governing for o in occurrences("have visited China since 2015", body)] == [{6}]
    election = occurrences("were conducted on February 8", body)
    assert [(o.paragraph.section, o.governing) for o in election] == [("3.1", {32})]
    action = occurrences('published "Education Action to Promote the Construction', body)
    assert [o.governing for o in action] == [{18}, {19}]
    assert occurrences("no such words in the paper", body) == []
