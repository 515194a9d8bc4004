"""The package descriptor checked against the Data Package standard, by frictionless."""

from __future__ import annotations

from pathlib import Path

from cpcd.problems import Problem


def check_descriptor(path: Path) -> list[Problem]:
    """The descriptor's problems as frictionless reports them."""
    from frictionless import Package

    report = Package.validate_descriptor(str(path))
    return [
        Problem(str(path), None, None, None, f"{kind}: {message}")
        for kind, message in report.flatten(["type", "message"])
    ]
