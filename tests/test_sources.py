"""The bibliography: 50 citations, their distinct works, address repairs, access dates, exports.

Expected values here are counted by hand from the paper's reference list.
"""

from __future__ import annotations

import json
from datetime import date, datetime

import bibtexparser
import pytest
from bibtexparser.middlewares import LatexDecodingMiddleware
from conftest import DATA, TABLES, read_rows, schema
from reference_text import extract_url, parse_access_date, repair_url

SOURCES = {row["source_id"]: row for row in read_rows(DATA / "sources.csv", "sources")}
CITATIONS = {row["citation_number"]: row for row in read_rows(DATA / "citations.csv", "citations")}
PAPER = "gong_zhou_ma_2024"


def test_fifty_citations_numbered_one_to_fifty():
    assert sorted(CITATIONS) == list(range(1, 51))


def test_works_cited_more_than_once_share_one_source():
    by_source: dict[str, list[int]] = {}
    for number, row in CITATIONS.items():
        by_source.setdefault(row["source_id"], []).append(number)
    shared = sorted(sorted(numbers) for numbers in by_source.values() if len(numbers) > 1)
    # Same work, same address: [1]/[6] Guangming, [8]/[9] MFA, [14]/[17]/[19] ict.edu.cn,
    # [31]/[33] House of Commons Library.
    assert shared == [[1, 6], [8, 9], [14, 17, 19], [31, 33]]
    # 50 numbers - 5 repeats = 45 distinct cited works.
    assert len(by_source) == 45


def test_similar_titles_from_different_outlets_stay_separate():
    # [24] China Belt and Road Network and [25] Xinhua: "New Chinese crop varieties help upgrade ..."
    assert CITATIONS[24]["source_id"] != CITATIONS[25]["source_id"]
    # [26] and [30]: two CNSA launch reports with the same title pattern.
    assert CITATIONS[26]["source_id"] != CITATIONS[30]["source_id"]


def test_every_source_is_cited_the_paper_or_used_by_a_row():
    cited = {row["source_id"] for row in CITATIONS.values()}
    used = set()
    for table in TABLES:
        names = {f["name"] for f in schema(table)["fields"]}
        for column in ("source_id", "evidence_source_id", "supplement_source_id"):
            if column in names and table not in ("sources", "citations"):
                used |= {row[column] for row in read_rows(DATA / f"{table}.csv", table)} - {None}
    assert set(SOURCES) - cited - used - {PAPER} == set()
    assert SOURCES[PAPER]["doi"] == "10.55014/pij.v7i4.661"
    outside = set(SOURCES) - cited - {PAPER}
    assert outside, "outside sources used by errata and non-paper rows have their own rows"


def test_every_citation_number_used_anywhere_exists():
    for table in TABLES:
        if "citation_number" not in {f["name"] for f in schema(table)["fields"]}:
            continue
        numbers = {row["citation_number"] for row in read_rows(DATA / f"{table}.csv", table)}
        assert numbers - {None} <= set(CITATIONS), table


def test_text_as_printed_is_whitespace_normalised():
    for row in CITATIONS.values():
        text = row["text_as_printed"]
        assert text == " ".join(text.split())
        assert not text.startswith("[")


@pytest.mark.parametrize("number", sorted(CITATIONS))
def test_each_citation_agrees_with_its_source(number):
    """Address and access date of every citation lead to its source row's values."""
    text = CITATIONS[number]["text_as_printed"]
    source = SOURCES[CITATIONS[number]["source_id"]]
    printed = extract_url(text)
    if printed is None:
        assert source["url"] is None and source["url_status"] is None
    elif source["url_status"] == "unrecoverable":
        assert source["url"] == printed == source["url_as_printed"]
    else:
        repair = repair_url(printed)
        assert source["url"] == repair.url
        assert source["url_status"] == ("repaired" if repair.rules else "as_printed")
    assert parse_access_date(text) == source["accessed_edtf"]


def test_first_citation_gives_the_printed_address():
    for source_id, source in SOURCES.items():
        numbers = sorted(n for n, c in CITATIONS.items() if c["source_id"] == source_id)
        if numbers and source["url_as_printed"] is not None:
            assert source["url_as_printed"] == extract_url(CITATIONS[numbers[0]]["text_as_printed"])


# Each repair rule with a real entry from the list and the address it must give.
RULE_CASES = [
    (
        "join_scheme",
        "h ttps://theory.gmw.cn/2024-04/12/content_37259675.htm",
        "https://theory.gmw.cn/2024-04/12/content_37259675.htm",
    ),
    (
        "unescape_underscore",
        r"https://www.gov.cn/xinwen/2015-04/21/content\_2850045.htm",
        "https://www.gov.cn/xinwen/2015-04/21/content_2850045.htm",
    ),
    (
        "unescape_underscore",
        r"http://www.scio.gov.cn/gxzl/YYL \_ 26587/hzwj \_ 26601/202406/t20240611 \_ 851249.html",
        "http://www.scio.gov.cn/gxzl/YYL_26587/hzwj_26601/202406/t20240611_851249.html",
    ),
    (
        "strip_text_fragment",
        "https://gulfnews.com/world/asia/pakistan/how-fatf-grey-list-impacts-pakistan-and-what-progress-has-been-made-1.80226738#: ~: text = Pakistan% 2 0WAS% 20Placed",
        "https://gulfnews.com/world/asia/pakistan/how-fatf-grey-list-impacts-pakistan-and-what-progress-has-been-made-1.80226738",
    ),
    (
        "join_host",
        "https://www.chinanews.com. cn/gn/2023/10-26/10101260.shtml",
        "https://www.chinanews.com.cn/gn/2023/10-26/10101260.shtml",
    ),
    (
        "join_host",
        "http://paper.p eople.com.cn/rmrbhwb/html/2024-03/13/content_26046432.htm",
        "http://paper.people.com.cn/rmrbhwb/html/2024-03/13/content_26046432.htm",
    ),
    (
        "join_extension",
        "http://www.beltandroadforum.org/n101/2023/1023/c134-1307. html",
        "http://www.beltandroadforum.org/n101/2023/1023/c134-1307.html",
    ),
    (
        "join_after_hyphen",
        "http://www.beltandroadforum.org/n101/2023/1023/c134- 1307.html",
        "http://www.beltandroadforum.org/n101/2023/1023/c134-1307.html",
    ),
    (
        "repair_query",
        "https://baijiahao.baidu.com/s?. ID = 1800907450908701901 & WFR = Spider & for = P C",
        "https://baijiahao.baidu.com/s?id=1800907450908701901&wfr=spider&for=pc",
    ),
    (
        "space_as_underscore",
        "https://www.gov.cn/yaowen/liebiao/202405/content 6950324.htm",
        "https://www.gov.cn/yaowen/liebiao/202405/content_6950324.htm",
    ),
    (
        "space_as_underscore",
        "https://www.most.gov.cn/kjbgz/202405/t20240523 190964.html",
        "https://www.most.gov.cn/kjbgz/202405/t20240523_190964.html",
    ),
    (
        "space_as_underscore",
        "https://www.ict.edu.cn/sknews/sjjyxx/neirong/n20231206 83781.shtml",
        "https://www.ict.edu.cn/sknews/sjjyxx/neirong/n20231206_83781.shtml",
    ),
    (
        "space_as_underscore",
        "https://www.mfa.gov.cn/web/gjhdq 676201/gj 676203/yz 676205/1206 676308/sbgx 676312/",
        "https://www.mfa.gov.cn/web/gjhdq_676201/gj_676203/yz_676205/1206_676308/sbgx_676312/",
    ),
    (
        "space_as_underscore",
        "https://mp.weixin.qq.com/s/pVypEJ gz1a-reYyh-G51g",
        "https://mp.weixin.qq.com/s/pVypEJ_gz1a-reYyh-G51g",
    ),
    (
        "join_word_breaks",
        "https://www.cnsa.gov.cn/n6758823/n67588 38/c6771452/content.html",
        "https://www.cnsa.gov.cn/n6758823/n6758838/c6771452/content.html",
    ),
    (
        "join_word_breaks",
        "http://pk.mofcom.gov.cn/article/zxhz/al/200606/2006 0602415794.shtml",
        "http://pk.mofcom.gov.cn/article/zxhz/al/200606/20060602415794.shtml",
    ),
    (
        "join_word_breaks",
        "http://www.news.cn/world/20240611/e51f 56ea159d42739ab7e771c0ee6fb3/c.html",
        "http://www.news.cn/world/20240611/e51f56ea159d42739ab7e771c0ee6fb3/c.html",
    ),
    (
        "lower_case_path",
        "https://www.nytimes.com/2023/05/09/world/Asia/imran-Khan-Arrest-Pakistan.html",
        "https://www.nytimes.com/2023/05/09/world/asia/imran-khan-arrest-pakistan.html",
    ),
]


@pytest.mark.parametrize(("rule", "printed", "expected"), RULE_CASES)
def test_each_repair_rule(rule, printed, expected):
    repair = repair_url(printed)
    assert repair.url == expected
    assert repair.rules == (rule,)


def test_identifier_lengths_support_the_joins():
    # MOFCOM article ids have 14 digits ([4] prints 20190402858360), news.cn and
    # shanghai.gov.cn use 32 hexadecimal digits, WeChat ids 22 characters.
    assert len(
        SOURCES["mofcom_2003_joint_declaration_bilateral_cooperation"]["url"]
        .rsplit("/", 1)[1]
        .split(".")[0]
    ) == len("20190402858360")
    assert len(SOURCES["xinhua_2024_new_crop_varieties"]["url"].split("/")[-2]) == 32
    assert (
        len(
            SOURCES["shanghai_gov_2024_embassy_safety_reminder"]["url"]
            .rsplit("/", 1)[1]
            .split(".")[0]
        )
        == 32
    )
    assert len(SOURCES["guoguan_pakistani_negative_reports"]["url"].rsplit("/", 1)[1]) == 22


def test_an_intact_address_is_left_alone():
    printed = "http://world.people.com.cn/n1/2023/1208/c1002-40134753.html"
    assert repair_url(printed).rules == ()


@pytest.mark.parametrize(
    ("entry", "address"),
    [
        # [14]: the address ends at ". June", not at the first full stop.
        (
            '"...", https://www.ict.edu.cn/sknews/sjjyxx/neirong/n20231206 83781.shtml. June 15, 2024.',
            "https://www.ict.edu.cn/sknews/sjjyxx/neirong/n20231206 83781.shtml",
        ),
        # [31]: the issued date and the address are glued by a comma.
        (
            'House of Commons Library, "Pakistan: 2024 General Election", May 28, 2024,https://commonslibrary.parliament.uk/research-briefings/cbp-10028/, accessed on July 15th, 2024.',
            "https://commonslibrary.parliament.uk/research-briefings/cbp-10028/",
        ),
        # [38]: a comma without a space stays inside the address; ", causing" ends it.
        (
            "CNN, x, https://edition.cnn.com/a.html#:~:text=33%20million%2 0people,to%20the%20NDMA% 29, causing 33 million people. Visit time: July 15, 2024.",
            "https://edition.cnn.com/a.html#:~:text=33%20million%2 0people,to%20the%20NDMA% 29",
        ),
        (
            "Chen Ruihua. Construction ... [J]. Journal of Yili Normal University, 2023, 41(01):15-21.",
            None,
        ),
    ],
)
def test_extract_url(entry, address):
    assert extract_url(entry) == address


@pytest.mark.parametrize(
    ("tail", "expected"),
    [
        ("June 15, 2024.", "2024-06-15"),
        ("June 1 5, 2024.", "2024-06-15"),  # [2]
        ("Jun e 15, 2024.", "2024-06-15"),  # [5]
        ("June 15, 20 24.", "2024-06-15"),  # [18]
        ("June 15, 2024", "2024-06-15"),  # [4], no full stop
        ("accessed on July 15th, 2024.", "2024-07-15"),
        ("accessed on July 11th, 2024.", "2024-07-11"),
        ("accessed on July 1 1th, 2024.", "2024-07-11"),  # [50]
        ("accessed on July 15, 2024.", "2024-07-15"),  # [35]
        ("visit time: July 15th, 2024.", "2024-07-15"),  # [36]
        ("Visit time: July 15, 2024.", "2024-07-15"),  # [38]
        ("visit date: 2024.", "2024"),  # [37]: a year stays a year
        ("International forum, 2024, 26 (02): 95-116+158-159.", None),
    ],
)
def test_access_date_forms(tail, expected):
    assert parse_access_date("Publisher, Title, https://example.org/x, " + tail) == expected


def test_access_dates_in_the_table():
    # [37] gives only a year: no padded day.
    gulf = SOURCES["gulfnews_fatf_grey_list"]
    assert (gulf["accessed_edtf"], gulf["accessed"]) == ("2024", None)
    assert SOURCES["gmw_2024_closer_community_of_destiny"]["accessed"] == date(2024, 6, 15)


def csl_date(text: str | None) -> dict | None:
    """A CSL date at the EDTF value's precision, read by the standard library's strptime; an
    interval START/END is CSL's range of two dates."""
    if text is None:
        return None
    return {"date-parts": [day_parts(end) for end in text.split("/")]}


def day_parts(text: str) -> list[int]:
    for form, parts in (("%Y-%m-%d", 3), ("%Y-%m", 2), ("%Y", 1)):
        try:
            day = datetime.strptime(text, form)
        except ValueError:
            continue
        return [day.year, day.month, day.day][:parts]
    raise AssertionError(f"not a year, month or day: {text}")


# Counted by hand from the paper's reference list: [31] "May 28, 2024, ... accessed on July
# 15th, 2024"; [37] "visit date: 2024."; [1] "June 15, 2024"; the paper itself, 2024.
CSL_DATES = {
    "commons_library_2024_pakistan_general_election": ([[2024, 5, 28]], [[2024, 7, 15]]),
    "gulfnews_fatf_grey_list": (None, [[2024]]),
    "gmw_2024_closer_community_of_destiny": (None, [[2024, 6, 15]]),
    "gong_zhou_ma_2024": ([[2024]], None),
}


def test_csl_dates_keep_their_precision(exports):
    items = {i["id"]: i for i in json.loads((exports / "sources.csl.json").read_text("utf-8"))}
    for source_id, (issued, accessed) in CSL_DATES.items():
        item = items[source_id]
        assert item.get("issued") == (issued and {"date-parts": issued}), source_id
        assert item.get("accessed") == (accessed and {"date-parts": accessed}), source_id
    # A month stays a month: [[2025, 10]], not a first day.
    assert SOURCES["alexa_ng_2025_hs_1"]["issued"] == "2025-10"
    assert items["alexa_ng_2025_hs_1"]["issued"] == {"date-parts": [[2025, 10]]}


def test_an_issued_interval_is_a_csl_range():
    from cpcd.exports.bibliography import date_parts

    # CSL-JSON's schema: "date-parts" holds one date, or two for a range, each at its own
    # precision.
    assert date_parts("2023-01/2023-11") == {"date-parts": [[2023, 1], [2023, 11]]}
    assert date_parts("2019/2024-05-30") == {"date-parts": [[2019], [2024, 5, 30]]}


def test_csl_json_round_trip(exports):
    items = json.loads((exports / "sources.csl.json").read_text(encoding="utf-8"))
    assert [item["id"] for item in items] == sorted(SOURCES)
    csl_types = set(schema("sources")["fields"][1]["constraints"]["enum"])
    for item in items:
        row = SOURCES[item["id"]]
        assert item["type"] == row["csl_type"] and item["type"] in csl_types
        assert item["title"] == row["title"]
        assert item.get("URL") == row["url"]
        assert item.get("DOI") == row["doi"]
        assert item.get("publisher") == row["publisher"]
        assert item.get("container-title") == row["container_title"]
        assert item.get("issued") == csl_date(row["issued"])
        assert item.get("accessed") == csl_date(row["accessed_edtf"])
        names = [a["literal"] for a in item.get("author", [])]
        assert names == (row["authors"].split("; ") if row["authors"] else [])


def test_bibtex_round_trip(exports):
    path = str(exports / "sources.bib")
    # Text fields are LaTeX-encoded; addresses, dates and DOIs are verbatim.
    decoded = bibtexparser.parse_file(path, append_middleware=[LatexDecodingMiddleware()])
    raw = bibtexparser.parse_file(path)
    assert decoded.failed_blocks == [] and raw.failed_blocks == []
    assert sorted(e.key for e in decoded.entries) == sorted(SOURCES)
    verbatim = {e.key: {n: f.value for n, f in e.fields_dict.items()} for e in raw.entries}
    for entry in decoded.entries:
        row = SOURCES[entry.key]
        text = {name: field.value for name, field in entry.fields_dict.items()}
        if row["csl_type"] == "webpage":
            assert entry.entry_type == "online"
        assert text["title"] == row["title"]
        assert text.get("note") == row["note"]
        authors = text.get("author")
        assert (authors.split(" and ") if authors else []) == (
            row["authors"].split("; ") if row["authors"] else []
        )
        fields = verbatim[entry.key]
        assert fields.get("url") == row["url"]
        assert fields.get("date") == row["issued"]
        assert fields.get("urldate") == row["accessed_edtf"]
        assert fields.get("doi") == row["doi"]
