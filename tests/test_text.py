"""One value formatter: every place that prints a value writes it as the CSV files do."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from cpcd.common.text import cell_text
from cpcd.docs.cookbook import cell

# Each value beside the text a person writes in data/*.csv for it (the README's rules).
CASES = [
    (None, None),
    (pd.NA, None),
    (pd.NaT, None),
    (float("nan"), None),
    (True, "true"),
    (np.bool_(False), "false"),
    (664.0, "664"),
    (np.float64(397.6), "397.6"),
    (0.1, "0.1"),
    (7, "7"),
    (dt.date(850, 3, 1), "0850-03-01"),
    (pd.Timestamp("2024-05-30"), "2024-05-30"),  # pandas holds a date as its midnight
    (
        dt.datetime(2024, 5, 30, 12, 12, tzinfo=dt.timezone(dt.timedelta(hours=8))),
        "2024-05-30T04:12:00Z",
    ),
    (pd.Timestamp("2011-08-11T16:15:04Z"), "2011-08-11T16:15:04Z"),
    ("more than 800", "more than 800"),
]


@pytest.mark.parametrize(("value", "text"), CASES, ids=[repr(v) for v, _ in CASES])
def test_cell_text_writes_a_value_as_the_csv_does(value, text):
    assert cell_text(value) == text


@pytest.mark.parametrize(("value", "text"), CASES, ids=[repr(v) for v, _ in CASES])
def test_the_cookbook_prints_the_same_text(value, text):
    assert cell(value) == (text or "")


def test_the_cookbook_escapes_a_pipe():
    assert cell("a|b") == "a\\|b"
