"""Read the paper's printed reference entries: their web addresses and access dates.

The reference list reached us through text extraction, which broke many
addresses: spaces inside them, ``h ttps``, underscores printed as ``\\_`` or as
a space, ``. html``, query strings capitalised and spaced. Each repair below is
a named rule; :func:`repair_url` applies them in order and says which fired, so
a repaired address in ``sources.url`` can always be recomputed from
``sources.url_as_printed``. Where a rule is a judgement (an underscore or
nothing, a case change), it follows the pattern of the same site's addresses
elsewhere in the list, or the length of the site's identifiers; the evidence
is written beside the rule.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
# The address ends at a comma and a space before a plain word ("June", "accessed",
# "visit", "causing"), or at a full stop before a month ("... .shtml. June 15").
URL_START = re.compile(r"h\s*t\s*t\s*p\s*s?\s*:\s*//")
URL_END = re.compile(rf",\s+(?=[A-Za-z]+\b(?![^\s,]*[/%=]))|\.\s+(?=(?:{MONTHS})\b)|\s*$")


@dataclass(frozen=True)
class Repair:
    """A repaired address and the names of the rules that changed it, in order."""

    url: str
    rules: tuple[str, ...]


def extract_url(entry: str) -> str | None:
    """The address in a printed reference entry, exactly as printed (whitespace normalised)."""
    entry = " ".join(entry.split())
    start = URL_START.search(entry)
    if start is None:
        return None
    end = URL_END.search(entry, start.end())
    return entry[start.start() : end.start()].rstrip()


def _host_bounds(url: str) -> tuple[int, int]:
    """Start and end of the host in ``scheme://host/path`` (the host may hold stray spaces)."""
    start = url.index("://") + 3
    slash = url.find("/", start)
    return start, len(url) if slash < 0 else slash


def _join_scheme(url: str) -> str:
    return URL_START.sub(lambda m: re.sub(r"\s+", "", m.group(0)), url, count=1)


def _unescape_underscore(url: str) -> str:
    # "content\_2850045" and "YYL \_ 26587": a backslash-escaped underscore, spaced or not.
    return re.sub(r"\s*\\_\s*", "_", url)


def _strip_text_fragment(url: str) -> str:
    # "#:~:text=..." is a browser highlight directive copied with the address, not
    # part of it; here it is also capitalised and spaced beyond repair.
    return re.sub(r"#\s*:\s*~\s*:.*$", "", url)


def _join_host(url: str) -> str:
    # "www.mfa.gov. cn", "paper.p eople.com.cn": host names hold no spaces.
    start, end = _host_bounds(url)
    return url[:start] + re.sub(r"\s+", "", url[start:end]) + url[end:]


def _join_extension(url: str) -> str:
    return re.sub(r"\.\s+(s?html?)\b", r".\1", url)


def _join_after_hyphen(url: str) -> str:
    # "c134- 1307": people.cn-style article ids are <channel>-<number> ("c1002-40134753" in [21]).
    return re.sub(r"-\s+", "-", url)


def _repair_query(url: str) -> str:
    # "s?. ID = 1800907450908701901 & WFR = Spider & for = P C": Baidu Baijiahao
    # share links are "?id=<number>&wfr=spider&for=pc", all lower case; the spaces
    # and capitals come from extraction. Only a query that holds spaces is touched.
    head, mark, query = url.partition("?")
    if not mark or not re.search(r"\s", query):
        return url
    query = re.sub(r"^\.\s*", "", query)
    return head + "?" + re.sub(r"\s+", "", query).lower()


# A space inside the path where the site writes an underscore, with the evidence.
UNDERSCORE_SPACES: tuple[tuple[str, str], ...] = (
    # gov.cn, gmw.cn, people.com.cn: "content_<number>" ([2], [6], [7], [16] print it).
    (r"(/content) (\d)", r"\1_\2"),
    # "t<YYYYMMDD>_<number>", "n<YYYYMMDD>_<number>" ([17], [18], [20], [28] print it).
    (r"(/[tn]\d{8}) (\d)", r"\1_\2"),
    # mfa.gov.cn channel segments "gjhdq_676201/gj_676203/..." ([8] prints the same address).
    (r"(/(?:gjhdq|gj|yz|1206|sbgx)) (?=\d{6}/)", r"\1_"),
    # WeChat article ids are 22 characters; "pVypEJ gz1a-reYyh-G51g" has 21 without the space.
    (r"(mp\.weixin\.qq\.com/s/[\w-]{6}) ([\w-]{15})$", r"\1_\2"),
)


def _space_as_underscore(url: str) -> str:
    for pattern, replacement in UNDERSCORE_SPACES:
        url = re.sub(pattern, replacement, url)
    return url


def _join_word_breaks(url: str) -> str:
    # Any other space splits one identifier or word: "n67588 38" ([30] prints
    # n6758838), "2006 0602415794" (MOFCOM ids have 14 digits, as in [4]),
    # 32-digit hexadecimal ids on news.cn and shanghai.gov.cn, "c limate".
    return re.sub(r"(?<=\S)\s+(?=\S)", "", url)


# Sites whose paths are all lower case; a capital there comes from extraction.
LOWER_CASE_PATH_HOSTS = ("edition.cnn.com", "www.nytimes.com")


def _lower_case_path(url: str) -> str:
    start, end = _host_bounds(url)
    if url[start:end] not in LOWER_CASE_PATH_HOSTS:
        return url
    return url[:end] + url[end:].lower()


RULES: tuple[tuple[str, Callable[[str], str]], ...] = (
    ("join_scheme", _join_scheme),
    ("unescape_underscore", _unescape_underscore),
    ("strip_text_fragment", _strip_text_fragment),
    ("join_host", _join_host),
    ("join_extension", _join_extension),
    ("join_after_hyphen", _join_after_hyphen),
    ("repair_query", _repair_query),
    ("space_as_underscore", _space_as_underscore),
    ("join_word_breaks", _join_word_breaks),
    ("lower_case_path", _lower_case_path),
)


def repair_url(printed: str) -> Repair:
    """Apply every rule in order to a printed address; see the module docstring."""
    url = " ".join(printed.split())
    fired = []
    for name, rule in RULES:
        repaired = rule(url)
        if repaired != url:
            fired.append(name)
            url = repaired
    return Repair(url, tuple(fired))


ACCESS_DAY = re.compile(rf"({MONTHS})(\d{{1,2}})(?:st|nd|rd|th)?,(\d{{4}})\.?$")
ACCESS_YEAR = re.compile(r"date:(\d{4})\.?$")


def parse_access_date(entry: str) -> str | None:
    """The access date at the end of an entry, as EDTF text (``2024-06-15`` or ``2024``).

    Printed forms seen: "June 15, 2024", "June 1 5, 2024", "Jun e 15, 2024",
    "June 15, 20 24", "July 11th, 2024", "accessed on July 15th, 2024",
    "visit time: July 15th, 2024", "visit date: 2024". Extraction put spaces
    inside words and numbers, so they are read with all whitespace removed.
    A year alone stays a year: it is not padded to a day.
    """
    squeezed = re.sub(r"\s+", "", entry)
    day = ACCESS_DAY.search(squeezed)
    if day:
        month, dd, year = day.groups()
        return datetime.strptime(f"{month} {dd} {year}", "%B %d %Y").date().isoformat()
    year = ACCESS_YEAR.search(squeezed)
    if year:
        return year.group(1)
    return None
