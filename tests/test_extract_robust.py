"""extract_review never raises, sniffs charsets, and repairs the JSON-LD real pages ship."""

from __future__ import annotations

import json

import pytest

from reviewcrawl.extract import extract_review
from reviewcrawl.extract.jsonld import load_jsonld

from .conftest import NOW

URL = "http://blog.example/2025/06/07/review.html"


@pytest.mark.parametrize(
    "body",
    [b"", b"   ", b"\x00\x01\x02binary\xff\xfe", b"<html><body><p>unclosed <b>tags <i>everywhere",
     b"<script type='application/ld+json'>{broken", "<html>" * 5000, b"<?xml version='1.0'?><rss></rss>"],
    ids=["empty", "blank", "binary", "unclosed", "bad-jsonld", "deep", "xml"],
)  # fmt: skip
def test_bad_pages_do_not_raise(body: bytes | str) -> None:
    result = extract_review(body, URL, now=NOW)
    assert result.rating is None


@pytest.mark.parametrize("url", [None, ""])
def test_a_page_without_an_address_is_read(url: str | None) -> None:
    body = b"<html><head><title>Ballerina review</title></head><body><h1>Ballerina review</h1></body></html>"
    assert extract_review(body, url, now=NOW).title == "Ballerina review"  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("<html><head><meta charset='windows-1252'><title>Caf\xe9 review</title></head></html>".encode("cp1252"), None),
        ("<html><head><title>Caf\xe9 review</title></head></html>".encode("cp1252"), "text/html; charset=windows-1252"),
        (
            "\ufeff<html><head><title>Caf\xe9 review</title></head></html>".encode("utf-8"),
            "text/html; charset=iso-8859-1",
        ),
        ("<html><head><title>Caf\xe9 review</title></head></html>".encode(), None),
        ("<html><head><title>Caf\xe9 review</title></head></html>".encode("cp1252"), None),
        # a Danish news page's template: declares Latin-1, its text is UTF-8 (read as such, not "CafÃ©")
        ("<html><head><meta charset='iso-8859-1'><title>Caf\xe9 review</title></head></html>".encode(), None),
        ("<html><head><title>Caf\xe9 review</title></head></html>".encode(), "text/html; charset=ISO-8859-1"),
    ],
    ids=["meta-charset", "http-header", "bom-beats-header", "utf8-sniffed", "cp1252-sniffed",
         "latin1-declared-utf8-bytes", "latin1-header-utf8-bytes"],
)  # fmt: skip
def test_charset(body: bytes, content_type: str | None) -> None:
    assert extract_review(body, URL, content_type=content_type, now=NOW).title == "Café review"


@pytest.mark.parametrize(
    "text",
    [
        '{"@type": "Review", "name": "A",}',
        '{"@type": "Review", // a comment\n "name": "A"}',
        '{"@type": "Review", "name": "A\nB"}',
        '<![CDATA[{"@type": "Review", "name": "A"}]]>',
        '{"@type": "Review", "name": "A"};',
        '{"@type": "Review", "name": "A"}{"@type": "Person", "name": "B"}',
        '{"@type": "Review", "name": "A &amp; B"}',
    ],
    ids=["trailing-comma", "comment", "raw-newline", "cdata", "semicolon", "two-objects", "entity"],
)
def test_lenient_jsonld(text: str) -> None:
    data = load_jsonld(text)
    first = data[0] if isinstance(data, list) else data
    assert first["@type"] == "Review"


REVIEW_WITH_USER_REVIEWS = """<html><head><script type="application/ld+json">
{"@context": "https://schema.org", "@type": "Recipe", "name": "Pancakes",
 "aggregateRating": {"@type": "AggregateRating", "ratingValue": "4.6", "ratingCount": "212"},
 "review": [{"@type": "Review", "author": {"@type": "Person", "name": "Reader One"}, "reviewRating": {"ratingValue": "5"}},
            {"@type": "Review", "author": {"@type": "Person", "name": "Reader Two"}, "reviewRating": {"ratingValue": "2"}}]}
</script></head><body><h1>Pancakes</h1><p>Mix and fry.</p></body></html>"""


def test_readers_reviews_are_not_the_reviewers_rating() -> None:
    result = extract_review(REVIEW_WITH_USER_REVIEWS, URL, now=NOW)
    assert result.rating is None


def test_aggregate_rating_is_read_as_such() -> None:
    result = extract_review(REVIEW_WITH_USER_REVIEWS, URL, now=NOW)
    assert result.aggregate_rating == {"value": 4.6, "best": 5.0, "worst": 0.0, "count": 212, "raw": "4.6/5"}


def test_microdata_review() -> None:
    page = """<html><body><div itemscope itemtype="https://schema.org/Review">
      <h1 itemprop="name">Dune: Part Two</h1> by <span itemprop="author" itemscope itemtype="https://schema.org/Person"><span itemprop="name">Ana Critic</span></span>
      <div itemprop="reviewRating" itemscope itemtype="https://schema.org/Rating"><meta itemprop="worstRating" content="1">
      <span itemprop="ratingValue">9</span>/<span itemprop="bestRating">10</span></div>
      <div itemprop="reviewBody"><p>Big, loud, and worth it.</p></div></div></body></html>"""
    result = extract_review(page, URL, now=NOW)
    assert (
        result.rating and (result.rating.value, result.rating.best, result.rating.worst),
        result.author,
        result.sources.get("rating"),
    ) == ((9.0, 10.0, 1.0), "Ana Critic", "microdata")


@pytest.mark.parametrize(
    "href",
    ["http://[::1", "http://[:::1]/x", "//[::1/x", "https://x.example/" + "a" * 5000],
    ids=["unclosed-ipv6", "bad-ipv6", "relative-ipv6", "too-long"],
)
def test_bad_links_do_not_raise(href: str) -> None:
    """Links urlsplit rejects (once a ValueError out of extract_review) are no links; a canonical
    longer than the schema allows (4096) is ignored: the record would be rejected."""
    page = (
        f"<html><head><link rel=canonical href='{href}'><meta property=og:url content='{href}'></head><body>"
        f"<header><h1><a href='{href}'>Site</a></h1></header><article><h1><a href='{href}'>Title</a></h1>"
        f"<img class=rating src='{href}'><p>Text.</p></article></body></html>"
    )
    assert extract_review(page, URL, now=NOW).canonical_url == URL


@pytest.mark.parametrize("url", ["http://[:::1]blog.example/2025/06/07/review.html", "http://::1]blog.example/"])
def test_bad_page_url_does_not_raise(url: str) -> None:
    assert extract_review("<h1>Title</h1><p>Text.</p>", url, now=NOW).text


def test_title_longer_than_the_schema_allows_is_no_title() -> None:
    """An unclosed <title> swallows the page: over the schema's 1000 characters the record was rejected."""
    long = "<html><head><title><link rel=x>" + "a" * 1001 + "</title></head><body><p>Text.</p></body></html>"
    assert extract_review(long, URL, now=NOW).title is None
    assert extract_review(long.replace("<body>", "<body><h1>A film review</h1>"), URL, now=NOW).title == "A film review"


def _ld_page(node: dict[str, object]) -> str:
    return f"<html><head><script type='application/ld+json'>{json.dumps(node)}</script></head><body><h1>A film review</h1></body></html>"


@pytest.mark.parametrize("count", ["-1", "inf", "1e400", -5])
def test_aggregate_count_out_of_bounds_is_no_count(count: object) -> None:
    """A negative count got the record rejected (schema minimum 0); "inf" raised OverflowError."""
    node = {"@type": "Product", "name": "W", "aggregateRating": {"ratingValue": "4", "ratingCount": count}}
    aggregate = extract_review(_ld_page(node), URL, now=NOW).aggregate_rating
    assert aggregate is not None and aggregate["count"] is None


def test_zero_year_of_the_reviewed_item_is_no_year() -> None:
    """ "0000-00-00" (a database's empty date) gave year 0: under the schema's minimum, the record was rejected."""
    item = {"@type": "Movie", "name": "X", "dateCreated": "0000-00-00", "copyrightYear": "2019"}
    review = extract_review(_ld_page({"@type": "Review", "name": "R", "itemReviewed": item}), URL, now=NOW)
    assert review.item_reviewed == {"name": "X", "type": "Movie", "year": 2019}


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"<h1>Caf\xc3\xa9 review</h1>", "text/html; charset=undefined"),
        (b"<meta charset=undefined><h1>Caf\xc3\xa9 review</h1>", None),
        (b"<meta charset='base64'><h1>Caf\xc3\xa9 review</h1>", None),
        (b"<h1>Caf\xc3\xa9 review</h1>\x00", "text/html; charset=hex"),
    ],
    ids=["undefined-header", "undefined-meta", "base64-meta", "hex-header"],
)
def test_charset_python_cannot_decode_with(body: bytes, content_type: str | None) -> None:
    """Python's "undefined" codec raises on every byte (UnicodeError), "base64" and "hex" are no
    text encodings (LookupError): the page is read as if it declared nothing."""
    assert "Café review" in (extract_review(body, URL, content_type=content_type, now=NOW).text or "")
