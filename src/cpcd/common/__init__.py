"""Helpers every part uses: problems and the one error type, SQL quoting, values as text, files
and directories replaced whole, file hashes, where the package's files are, the changelog
reader. Imports no other part of cpcd.
"""
