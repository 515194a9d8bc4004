"""The cookbook and the README's code cannot go stale: both run against a fresh build."""

from __future__ import annotations

import contextlib
import io
import re

from conftest import ROOT

import cpcd
from cpcd.cookbook import parse, stale

COOKBOOK = (ROOT / "docs" / "queries.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_cookbook_has_at_least_twelve_questions():
    queries = parse(COOKBOOK)
    assert len(queries) >= 12
    # Every question in the file was parsed: none lost to a malformed block.
    assert len(queries) == len(re.findall(r"^## ", COOKBOOK, re.MULTILINE))


def test_cookbook_results_are_what_the_queries_return(exports):
    assert stale(COOKBOOK, cpcd.connect(exports)) == []


def test_a_changed_result_is_detected(exports):
    tampered = COOKBOOK.replace("| Long March 3B | 2 | 2 |", "| Long March 3B | 3 | 2 |")
    assert tampered != COOKBOOK
    assert stale(tampered, cpcd.connect(exports)) == [
        "How many satellites and launches per vehicle?"
    ]


PYTHON_BLOCKS = re.findall(r"```python\n(.*?)```", README, re.DOTALL)


def test_readme_python_runs(exports, monkeypatch):
    """The README's Python blocks, in order and in one namespace, as a reader runs them."""
    assert len(PYTHON_BLOCKS) >= 2
    monkeypatch.setenv("CPCD_EXPORTS", str(exports))
    namespace: dict = {}
    with contextlib.redirect_stdout(io.StringIO()) as output:
        for number, code in enumerate(PYTHON_BLOCKS):
            exec(compile(code, f"README.md python block {number}", "exec"), namespace)
    assert "PRSC-EO1" in output.getvalue()  # printed by the launches-after-the-paper answer


def test_readme_pandas_block_answers_every_cookbook_question():
    pandas_block = next(
        code for code in PYTHON_BLOCKS if "# When did space cooperation start?" in code
    )
    for query in parse(COOKBOOK):
        if query.question.startswith(
            ("What did the paper get wrong", "Which of the paper's figures")
        ):
            assert "# What did the paper get wrong, and which figures are disputed?" in pandas_block
        else:
            assert f"# {query.question}" in pandas_block, query.question
