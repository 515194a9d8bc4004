"""The package descriptor checked against the Data Package standard, by frictionless.

A descriptor that passed is remembered in the user cache by the digest of its
bytes, its schema files' bytes and the frictionless version: loading
frictionless (and the pandas it imports) is most of the start-up time of a
validation, and the descriptor rarely changes between two runs.
"""

from __future__ import annotations

import hashlib
import json
from importlib.metadata import version
from pathlib import Path

from cpcd.common.problems import Problem

CHECKED_DIR = "descriptor-checks"  # under the user cache: one empty file per passed digest


def descriptor_digest(path: Path) -> str:
    """sha256 over the frictionless version, the descriptor and each schema file it names."""
    digest = hashlib.sha256(f"frictionless {version('frictionless')}\n".encode())
    raw = path.read_bytes()
    digest.update(raw)
    try:
        resources = json.loads(raw).get("resources", [])
    except (ValueError, AttributeError):
        resources = []
    for resource in resources if isinstance(resources, list) else []:
        schema = resource.get("schema") if isinstance(resource, dict) else None
        if isinstance(schema, str) and (path.parent / schema).is_file():
            digest.update(schema.encode() + b"\n" + (path.parent / schema).read_bytes())
    return digest.hexdigest()


def check_descriptor(path: Path) -> list[Problem]:
    """The descriptor's problems as frictionless reports them; none if this very descriptor
    passed before."""
    from cpcd.common.paths import cache_dir

    marker = cache_dir() / CHECKED_DIR / descriptor_digest(path)
    if marker.is_file():
        return []
    from frictionless import Package

    report = Package.validate_descriptor(str(path))
    problems = [
        Problem(str(path), None, None, None, f"{kind}: {message}")
        for kind, message in report.flatten(["type", "message"])
    ]
    if not problems:
        try:
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.touch()
        except OSError:
            pass  # a read-only cache only costs the check next time
    return problems
