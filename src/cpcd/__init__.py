"""China-Pakistan Cooperation Dataset (CPCD).

>>> import cpcd
>>> cpcd.tables()                          # doctest: +SKIP
>>> launches = cpcd.load("satellite_launches")   # doctest: +SKIP
>>> con = cpcd.connect()                   # doctest: +SKIP
"""

from importlib.metadata import PackageNotFoundError, version

from cpcd.api import connect, load, tables
from cpcd.common.problems import CpcdError

try:
    __version__ = version("cpcd")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

__all__ = ["CpcdError", "__version__", "connect", "load", "tables"]
