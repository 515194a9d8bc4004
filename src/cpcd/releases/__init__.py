"""Versions: the release archive, `cpcd verify` and `cpcd diff` between two versions."""
