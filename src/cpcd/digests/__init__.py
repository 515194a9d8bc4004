"""What an export's integrity rests on: SHA256SUMS, the digest of what a build read, and the
digest of the DuckDB file's content.
"""
