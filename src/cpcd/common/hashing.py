"""The one way cpcd hashes a file: sha256 by :func:`hashlib.file_digest`.

Checksums, the hashes in the exports' descriptor, the inputs digest, the DuckDB
content digest, the release archive's checksum and the site's download list all
use it, so that a file has one hash wherever cpcd prints it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path


def file_sha256(path: Path) -> str:
    """The sha256 of the file at ``path``, as hexadecimal digits."""
    with Path(path).open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()
