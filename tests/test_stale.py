"""Never old data in silence: exports record what they were built from; in a checkout,
load and connect warn and verify fails once data/, schemas/, views/ or the descriptor
have changed since."""

from __future__ import annotations

import shutil
import warnings

import pytest
from conftest import copy_package, run_cli

import cpcd
import cpcd.api
import cpcd.cli.data_commands
from cpcd.api import StaleExportsWarning
from cpcd.digests.inputs import STALE_RULE, inputs_digest, is_stale
from cpcd.exports.build import build
from cpcd.releases.verify import verify


@pytest.fixture
def checkout(tmp_path, monkeypatch, exports):
    """A copy of the package with a copy of its build (the session's, made from the same
    files), standing in for the repository cpcd runs from."""
    descriptor = copy_package(tmp_path)
    out = tmp_path / "exports"
    shutil.copytree(exports, out)
    for module in (cpcd.api, cpcd.cli.data_commands):
        monkeypatch.setattr(module, "DESCRIPTOR", descriptor)
        monkeypatch.setattr(module, "exports_dir", lambda: out)
        monkeypatch.setattr(
            module, "is_checkout_exports", lambda folder: folder.resolve() == out.resolve()
        )
    return tmp_path


def _append(path, text):
    with path.open("a", encoding="utf-8") as fh:
        fh.write(text)


EDITS = {
    "data": lambda root: (root / "data" / "errata.csv").write_text(
        (root / "data" / "errata.csv").read_text().replace("disputed", "confirmed", 1)
    ),
    "schemas": lambda root: _append(root / "schemas" / "errata.json", "\n"),
    "views": lambda root: _append(root / "views" / "timeline.sql", "\n-- edited\n"),
    "descriptor": lambda root: _append(root / "datapackage.json", "\n"),
}


def test_fresh_exports_are_served_without_a_warning(checkout):
    assert not is_stale(checkout / "exports", checkout / "datapackage.json")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(cpcd.load("errata")) > 0
        cpcd.connect().close()
    assert run_cli("verify").returncode == 0


@pytest.mark.parametrize("edited", list(EDITS))
def test_every_input_counts_in_the_inputs_digest(tmp_path, edited):
    """An edit to the data, a schema, a view or the descriptor changes the digest the
    exports record, so each makes them stale (the whole path is tested once, below)."""
    descriptor = copy_package(tmp_path)
    before = inputs_digest(descriptor)
    EDITS[edited](tmp_path)
    assert inputs_digest(descriptor) != before


def test_an_edit_after_the_build_is_never_served_in_silence(checkout):
    EDITS["data"](checkout)
    assert is_stale(checkout / "exports", checkout / "datapackage.json")
    with pytest.warns(StaleExportsWarning, match="run `cpcd build`"):
        cpcd.load("errata")
    with pytest.warns(StaleExportsWarning, match="exports are older than data/"):
        cpcd.connect().close()
    assert [p.rule for p in verify(checkout / "exports", checkout / "datapackage.json")] == [
        STALE_RULE
    ]
    done = run_cli("verify")
    assert done.returncode == 1
    assert "exports are older than data/" in done.stderr
    # A rebuild makes them current again.
    build(checkout / "datapackage.json", checkout / "exports")
    assert run_cli("verify").returncode == 0


def test_exports_elsewhere_are_not_compared_with_the_checkout(checkout, tmp_path_factory):
    """An export folder kept elsewhere (a download, an unpacked release) was built from its
    own data; only the checkout's exports/ is held to the checkout's data."""
    elsewhere = tmp_path_factory.mktemp("download") / "exports"
    shutil.copytree(checkout / "exports", elsewhere)
    EDITS["data"](checkout)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cpcd.load("errata", exports=elsewhere)
    assert run_cli("verify", "--exports", str(elsewhere)).returncode == 0


def test_only_the_checkouts_own_exports_are_held_to_its_data(tmp_path):
    from conftest import ROOT

    from cpcd.common.paths import is_checkout_exports

    assert is_checkout_exports(ROOT / "exports")
    assert is_checkout_exports(ROOT / "data" / ".." / "exports")
    assert not is_checkout_exports(tmp_path / "exports")
