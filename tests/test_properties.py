"""Property tests (hypothesis): the parsers and extract_review on random and mutated input.

No exception escapes, and every result stays inside its declared bounds:
- a Rating has finite numbers, best > worst, worst <= value <= best, normalized in [0, 1];
- a date is ISO 8601 (the record schema's pattern), not before 1995 (EARLIEST) and not after the
  fetch time ``now`` (one day of slack: the page's own time zone may already be a day ahead);
- an author is None or a non-empty stripped string on one line;
- extract_review's record, as the pipeline builds it, validates against the record schema.

Mutated input starts from real-looking seeds (below) and inserts, deletes, replaces, duplicates
or truncates, or injects awkward text: bidi and zero-width marks, huge numbers, NaN/inf, negative
numbers, random unicode. Pages are also cut at random points, given unbalanced tags, broken
JSON-LD, huge attributes, and encoded in random charsets, with or without a BOM.

Every input that once broke a property stays here as an explicit ``@example``.
"""

from __future__ import annotations

import codecs
import datetime as dt
import html
import json
import math
import os
import re
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from reviewcrawl.extract import extract_review
from reviewcrawl.items import REVIEW_FIELDS, Review
from reviewcrawl.parsing.authors import normalize_author, split_authors
from reviewcrawl.parsing.dates import EARLIEST, ParsedDate, parse_date, search_date
from reviewcrawl.parsing.rating import Rating, parse_rating, rating_from_values, rating_on_scale
from reviewcrawl.pipelines import load_schema

NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)
# REVIEWCRAWL_PROPERTY_SCALE=20 searches 20 times longer (by hand, to hunt); CI keeps the default 1
SCALE = max(1, int(os.environ.get("REVIEWCRAWL_PROPERTY_SCALE", "1") or 1))
VALIDATOR = Draft202012Validator(load_schema())
ISODATE_RE = re.compile(load_schema()["$defs"]["isodate"]["pattern"])

# ---------------------------------------------------------------------------------------------
# seeds

RATING_SEEDS = [
    "4/5", "8.8/10", "8,5/10", "3.5 out of 5 stars", "Rating: 3.5 out of 5 stars", "★★★½", "★★★☆☆",
    "⭐⭐⭐⭐", "Rating: B+", "Grade: A-", "Note : 4/5", "4 von 5 Sternen", "two and a half stars",
    "Four stars", "***½", "Rating: ****", "92%", "Score: 92%", "Terningkast 5", "**Rating:** 4/5",
    "Overall: 9/10 (Story 8/10)", "IMDb: 7.0/10", "4.5★", "4.5 out of 5 stars (1,234 reviews)",
    "Verdict: 7 out of 10", "dreieinhalb Sterne", "trois étoiles et demie", "Page 3/10", "4/5/2025",
]  # fmt: skip
DATE_SEEDS = [
    "2025-06-07T12:00:00+02:00", "2025-06-07", "2025-06-07T09:30:00.000-04:00", "20250607",
    "June 7, 2025", "June 7th, 2025 at 12:00 pm", "7 June 2025", "07.06.2025", "07/06/2025",
    "Veröffentlicht am 7. Juni 2025", "publié le 7 juin 2025", "7 de junio de 2025",
    "Sat, 07 Jun 2025 12:00:00 +0000", "Posted on Jun 14, 2025", "3 days ago", "01.11.2023 12:43",
    "Pete Evans · Posted: Oct 14, 2022 9:27 AM ET",
]  # fmt: skip
# dates real pages and databases write that no calendar has, or that no review has
DATE_EDGES = [
    "0000-00-00", "0000-00-00 00:00:00", "9999-12-31", "1970-01-01", "2025-02-30", "2025-13-01",
    "2025-06-07T25:00:00Z", "2025-06-07T12:00:00+99:99", "-2025-06-07", "٢٠٢٥-٠٦-٠٧", "12345", "2019",
    "2025-06-07T12:00:00.123456789+02:00", "2025-06-07T12:00:00+0200", "1994-12-31", "2026-11-24",
]  # fmt: skip
DATEISH = DATE_SEEDS + DATE_EDGES
AUTHOR_SEEDS = [
    "By Jane Doe", "Jane Doe, Staff Writer", "By Jane Doe, Senior Film Critic", "@headphonesthoughts",
    "Von Anna Müller und Jan Schmidt", "Posted by admin on June 7, 2025", "Gillman, Steve",
    "December 15, 2016 3:33 PM ET Rebecca Hersher", "Rebecca Hersher Twitter", "Staff",
    "Jean-Luc de la Tour", "por María José García", "07.06.2025, 14:30 Uhr | Von Anna Müller",
]  # fmt: skip

_REVIEW_LD = {
    "@context": "https://schema.org",
    "@type": "Review",
    "name": "Café Example review",
    "author": {"@type": "Person", "name": "Jane Doe"},
    "datePublished": "2025-06-07T12:00:00+02:00",
    "dateModified": "2025-06-08",
    "reviewRating": {"@type": "Rating", "ratingValue": "4.5", "bestRating": "5", "worstRating": "1"},
    "itemReviewed": {"@type": "Restaurant", "name": "Café Example", "dateCreated": "2019"},
    "reviewBody": "Good coffee, slow service.",
}
_PRODUCT_LD = {
    "@context": "https://schema.org",
    "@type": "Product",
    "name": "Widget",
    "aggregateRating": {"@type": "AggregateRating", "ratingValue": 4.2, "bestRating": 5, "ratingCount": "1,234"},
    "review": [{"@type": "Review", "reviewRating": {"ratingValue": 3}, "author": "Reader"}],
}
HTML_SEEDS = [
    # JSON-LD review
    "<!doctype html><html lang='en-US'><head><meta charset='utf-8'><title>Café Example review | Eats</title>"
    f"<script type='application/ld+json'>{json.dumps(_REVIEW_LD)}</script>"
    "<link rel='canonical' href='/reviews/cafe-example'></head><body><article><h1>Café Example review</h1>"
    "<p class='byline'>By Jane Doe</p><time datetime='2025-06-07'>June 7, 2025</time>"
    "<p>Good coffee, slow service. We went twice.</p><p>Rating: 4.5 out of 5 stars</p></article></body></html>",
    # JSON-LD product with readers' reviews, in a @graph
    "<html><head><script type='application/ld+json'>"
    f"{json.dumps({'@graph': [_PRODUCT_LD, {'@type': 'WebPage', 'name': 'Widget'}]})}"
    "</script></head><body><h1>Widget</h1><div class='rating'>★★★★☆</div></body></html>",
    # microdata review
    "<html lang='de'><head><title>Test: Kaffeemaschine</title></head><body>"
    "<div itemscope itemtype='https://schema.org/Review'><h1 itemprop='name'>Kaffeemaschine im Test</h1>"
    "<span itemprop='author' itemscope itemtype='https://schema.org/Person'><span itemprop='name'>Anna Müller"
    "</span></span><meta itemprop='datePublished' content='2025-06-07'>"
    "<div itemprop='reviewRating' itemscope itemtype='https://schema.org/Rating'>"
    "<meta itemprop='worstRating' content='1'><span itemprop='ratingValue'>4</span>/"
    "<span itemprop='bestRating'>5</span></div><p itemprop='reviewBody'>Veröffentlicht am 7. Juni 2025."
    " Sehr gut. Fazit: 4 von 5 Sternen</p></div></body></html>",
    # meta tags and a byline, no structured data
    "<html><head><meta property='og:title' content='The Film: a review'>"
    "<meta property='og:url' content='https://film.example/review/the-film'>"
    "<meta property='article:published_time' content='2025-06-07T12:00:00+00:00'>"
    "<meta name='author' content='Gillman, Steve'><meta property='og:type' content='article'></head>"
    "<body><div class='post'><h1 class='entry-title'>The Film: a review</h1>"
    "<div class='meta'>Posted by <a rel='author' href='/author/jd'>Jane Doe</a> on June 7, 2025</div>"
    "<div class='entry-content'><p>It is long.</p><p>Verdict: 7 out of 10</p>"
    "<span class='star-rating' data-rating='3.5'></span></div></div></body></html>",
    # hReview-ish, with a rdfa item and a score alone
    "<html><body><div class='hreview'><h2 class='summary'>Nice place</h2><span class='reviewer'>By Sam Lee</span>"
    "<abbr class='rating' title='4'>★★★★</abbr><span class='dtreviewed'>07.06.2025</span></div>"
    "<div vocab='https://schema.org/' typeof='Review'><span property='name'>X</span>"
    "<span property='datePublished'>2025-06-07</span></div><p class='score'>8.5</p></body></html>",
]

JUNK = [
    "\u200f", "\u200e", "\u202e", "\u202c", "\u200b", "\u200d", "\ufeff", "\u00ad", "\xa0", "\u2028", "\u2029",
    "\x85", "\x1c", "\x00", "\n", "\r\n", "\t", " ", "1e308", "-1e308", "1e309", "1E+308", "NaN", "nan", "inf",
    "-inf", "Infinity", "-1", "-5", "-0", "0", "00", "99999999999999999999999", "9" * 400, "½", "★", "☆", "*",
    "/", "/0", "/ 0", " out of ", " von ", " of ", "%", ".", ",", "-", "٤", "٥", "१०", "𝟒", "Ⅳ", "²", "①", "B+",
    " stars", " Sterne", "Rating: ", "Overall: ", "IMDb ", "0000", "9999", "1994", "2099", "12:00", "+14:00",
    "T25:61:61", "-13-45", "31.02.", "Feb 30,", " ago", "By ", ", ", " and ", "@", "https://x.example/a",
    "a@b.co", "(", ")", '"', "'", "\\", "{", "}", "<", ">", "&amp;", "&#0;", "&#xD800;", "𝕁𝕒𝕟𝕖", "李小龙",
    "مراجعة", "עברית", "Ǆ", "ß", "İ", "ﬁ",
]  # fmt: skip
HTML_JUNK = [
    "<div>", "</div>", "<p>", "</p>", "<script>", "</script>", "<script type='application/ld+json'>",
    "<style>", "<!--", "-->", "<![CDATA[", "]]>", "<?xml version='1.0'?>", "<!doctype html>", "<html>",
    "</html>", "<body>", "<head>", "<title>", "</title>", "<h1>", "</h1>", "<br>", "<table><tr><td>", "<svg>",
    "<math>", "<template>", "<noscript>", "<iframe>", "<textarea>", "<plaintext>", "<time datetime='",
    "<meta charset='utf-16'>", "<meta charset='x-unknown'>", "<meta http-equiv='content-type' content='text/html;"
    " charset=shift_jis'>", ",}", ",]", "/* c */", "// c\n", "NaN", "Infinity", "-Infinity", "1e999", "null",
    '"@type": "Review", ', '"ratingValue": "1e308", ', '"bestRating": "-5", ', '"worstRating": "NaN", ',
    '"datePublished": "9999-12-31", ', '"author": {"name": ""}, ', '"@graph": [', '{"@type": ["Review", 5]}',
    "<link rel='canonical' href='javascript:alert(1)'>", "<link rel='canonical' href='http://[::1'>",
    "<link rel='canonical' href='https://x.example/" + "a" * 5000 + "'>", "<html lang='xx-QQ'>",
    "<html lang='123'>", "<html lang='en_us'>", "<html lang='zz'>", "<meta property='og:locale' content='qq_QQ'>",
    " itemscope itemtype='https://schema.org/Review'", " itemprop='ratingValue' content='NaN'",
    " class='rating' data-rating='1e308'", " class='star-rating' data-rating='-3'",
    " title='" + "x" * 20000 + "'", " data-x='" + "é" * 5000 + "'", "\x00", "\ufeff",
]  # fmt: skip
URL_SEEDS = [
    "http://blog.example/2025/06/07/review.html", "https://film.example/review/the-film",
    "https://news.example/20200428/slug", "http://x.example/meldungen/29-10-2021", "https://x.example/",
    "http://x.example/2099/12/31/", "http://x.example/1994/01/01/old", "https://x.example/0000/00/00/",
]  # fmt: skip
ENCODINGS = ["utf-8", "utf-16", "utf-16-le", "utf-32", "cp1252", "latin-1", "shift_jis", "euc-kr", "koi8-r", "gb18030",
             "iso-8859-7", "utf-7", "ascii", "cp437"]  # fmt: skip
CHARSETS = [*ENCODINGS, "", "bogus", "x-user-defined", "utf8", "UTF-8", '"utf-8"', "'latin1'", "unicode-1-1-utf-7",
            "utf-8; charset=latin1", "iso-2022-jp", "hz-gb-2312", "x-mac-roman", "\xe9", "utf-8\x00",
            # Python codecs that are no web charset: one raises on every byte, others turn bytes into bytes
            "undefined", "base64", "hex", "zlib", "rot13", "unicode_escape", "punycode", "idna"]  # fmt: skip

# ---------------------------------------------------------------------------------------------
# strategies

text_any = st.text(max_size=60)  # hypothesis' default alphabet has no surrogates


@st.composite
def mutated(draw: st.DrawFn, seeds: list[str], junk: list[str], max_edits: int = 4) -> str:
    """A seed with a few random edits: insert, delete, replace, duplicate, truncate, inject."""
    s = draw(st.sampled_from(seeds))
    for _ in range(draw(st.integers(0, max_edits))):
        n = len(s)
        i = draw(st.integers(0, n))
        j = draw(st.integers(i, min(n, i + 12)))
        op = draw(st.sampled_from(["insert", "delete", "replace", "duplicate", "truncate", "inject", "inject"]))
        if op == "insert":
            s = s[:i] + draw(text_any) + s[i:]
        elif op == "delete":
            s = s[:i] + s[j:]
        elif op == "replace":
            s = s[:i] + draw(st.text(min_size=1, max_size=4)) + s[j:]
        elif op == "duplicate":
            s = s[:j] + s[i:j] * draw(st.integers(1, 3)) + s[j:]
        elif op == "truncate":
            s = s[:i]
        else:
            s = s[:i] + draw(st.sampled_from(junk)) + s[i:]
    return s


def _either(seeds: list[str], junk: list[str]) -> st.SearchStrategy[str]:
    return st.one_of(mutated(seeds, junk), text_any, st.sampled_from(junk))


rating_texts = _either(RATING_SEEDS, JUNK)
date_texts = _either(DATEISH, JUNK)
author_texts = _either(AUTHOR_SEEDS, JUNK)
nows = st.one_of(
    st.just(NOW),
    st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2100, 1, 1), timezones=st.just(dt.UTC)),
    st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2100, 1, 1)),  # naive
)
languages = st.one_of(
    st.none(), st.just(()), st.lists(st.sampled_from(["en", "de", "fr", "es", "xx", "", "EN", "de-AT"]), max_size=2)
)
date_orders = st.sampled_from([None, "DMY", "MDY", "YMD"])
NUMBERISH = ["", "4", "4.5", "8,5", "10", "5", "1", "0", "-1", "NaN", "inf", "-inf", "1e308", "-1e308", "1e309",
             "B+", "a+", "F", " 3 ", "٤", "4/5", "Infinity"]  # fmt: skip
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**30), 10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(NUMBERISH),
    text_any,
)


# Pages built from random schema.org data: they reach the fields' code far more often than edits
# of the seeds do (a rating's count, a reviewed item's year, an author object in a list).
LD_TYPES = ["Review", "CriticReview", "Product", "Recipe", "Movie", "Person", "Organization", "AggregateRating",
            "Rating", "NewsArticle", "BlogPosting", "WebPage", "Restaurant", "https://schema.org/Review", "schema:Review"]  # fmt: skip
text_or_junk = st.one_of(text_any, st.sampled_from(JUNK))


def weighted(*options: tuple[int, st.SearchStrategy[Any]]) -> st.SearchStrategy[Any]:
    """one_of with weights (hypothesis flattens nested one_of and favours the first, simplest branches)."""
    return st.sampled_from([s for weight, s in options for _ in range(weight)]).flatmap(lambda s: s)


RATING_VALUES = weighted(
    (4, st.sampled_from(["4", "3.5", "8", "92", 4, 4.5, 9, 100, "5", "10", "1", "0", "4,5", "1,234", "-5"])),
    (2, st.floats(-1, 11)),
    (2, st.sampled_from(NUMBERISH)),
    (1, st.integers(-10, 10**6)),
    (1, scalars),
)


def _ld_value(key: str, depth: int) -> st.SearchStrategy[Any]:
    if key in ("reviewRating", "aggregateRating"):
        keys = ["bestRating", "worstRating", "ratingCount", "reviewCount"]
        rating = st.fixed_dictionaries(
            {"ratingValue": RATING_VALUES}, optional={"@type": st.just("Rating")} | dict.fromkeys(keys, RATING_VALUES)
        )
        return weighted((6, rating), (1, st.lists(rating, max_size=2)), (1, scalars))
    if key.startswith("date") or key in ("uploadDate", "copyrightYear", "releaseDate", "startDate"):
        return weighted((3, st.sampled_from(DATEISH)), (3, mutated(DATEISH, JUNK, max_edits=2)), (1, scalars))
    if key == "author":
        name = weighted((4, author_texts), (1, scalars))
        person = st.fixed_dictionaries({"@type": st.sampled_from(["Person", "Organization", "Thing"]), "name": name})
        return weighted((3, name), (3, person), (1, st.lists(weighted((1, name), (1, person)), max_size=3)))
    if key in ("itemReviewed", "publisher", "review", "@graph") and depth < 2:
        return weighted((4, ld_nodes(depth + 1)), (1, st.lists(ld_nodes(depth + 1), max_size=2)), (1, scalars))
    return weighted((4, text_or_junk), (1, scalars), (1, st.lists(text_or_junk, max_size=2)))


LD_KEYS = ["name", "headline", "author", "datePublished", "dateModified", "dateCreated", "uploadDate", "copyrightYear",
           "releaseDate", "reviewRating", "aggregateRating", "itemReviewed", "reviewBody", "articleBody", "publisher",
           "inLanguage", "review", "@id", "url", "@graph"]  # fmt: skip


@st.composite
def ld_nodes(draw: st.DrawFn, depth: int = 0) -> dict[str, Any]:
    """A schema.org node: mostly a Review (at the top) with typical keys, each value drawn for its key."""
    types = st.sampled_from(LD_TYPES)
    review = st.just("Review") if depth == 0 else types
    node: dict[str, Any] = {
        "@type": draw(weighted((4, review), (3, types), (1, st.lists(types, max_size=2)), (1, scalars)))
    }
    if depth == 0:  # each key in about half the nodes
        node |= draw(st.fixed_dictionaries({}, optional={key: _ld_value(key, depth) for key in LD_KEYS}))
    else:
        for key in draw(st.lists(st.sampled_from(LD_KEYS), max_size=6, unique=True)):
            node[key] = draw(_ld_value(key, depth))
    return node


def _microdata(node: Any, prop: str | None = None) -> str:
    """A node as microdata markup: nested items for objects, <meta content> for the rest."""
    attr = f" itemprop='{html.escape(prop, quote=True)}'" if prop else ""
    if isinstance(node, list):
        return "".join(_microdata(x, prop) for x in node)
    if not isinstance(node, dict):
        return f"<meta{attr} content='{html.escape(str(node), quote=True)}'><span{attr}>{html.escape(str(node))}</span>"
    types = node.get("@type")
    itemtype = " ".join(f"https://schema.org/{t}" for t in (types if isinstance(types, list) else [types]))
    inner = "".join(_microdata(v, k) for k, v in node.items() if not k.startswith("@"))
    return f"<div{attr} itemscope itemtype='{html.escape(itemtype, quote=True)}'>{inner}</div>"


@st.composite
def structured_pages(draw: st.DrawFn) -> str:
    """A page whose JSON-LD or microdata is random schema.org data; the JSON sometimes broken."""
    node = draw(ld_nodes())
    lang = draw(st.sampled_from(["en", "en-US", "de-DE", "fr", "xx", "zz-ZZ", "", "123", "en_GB", "zh-Hans"]))
    head = f"<html lang='{lang}'><head><title>{html.escape(draw(text_or_junk))}</title>"
    for key in draw(
        st.lists(st.sampled_from(["og:title", "article:published_time", "author", "og:url", "date"]), max_size=3)
    ):
        head += f"<meta property='{key}' name='{key}' content='{html.escape(draw(st.one_of(text_or_junk, st.sampled_from(DATEISH))), quote=True)}'>"
    if draw(st.booleans()):
        data = json.dumps(node, ensure_ascii=draw(st.booleans()))  # NaN and Infinity as JavaScript writes them
        if draw(st.booleans()):
            data = draw(
                mutated([data], [",}", ",]", "/* c */", "// c\n", "NaN", "}", "{", '"', "\\", "\n"], max_edits=2)
            )
        head += f"<script type='application/ld+json'>{data}</script></head><body>"
    else:
        head += f"</head><body>{_microdata(node)}"
    return (
        head
        + f"<article><h1>{html.escape(draw(text_or_junk))}</h1><p>{html.escape(draw(text_or_junk))}</p></article></body></html>"
    )


@st.composite
def pages(draw: st.DrawFn) -> str:
    """A small HTML page, mutated; sometimes cut at a random point."""
    seeds = st.one_of(mutated(HTML_SEEDS, HTML_JUNK + JUNK, max_edits=6), structured_pages())
    text = draw(seeds)
    if draw(st.booleans()):
        text = text[: draw(st.integers(0, len(text)))]
    return text


@st.composite
def bodies(draw: st.DrawFn) -> tuple[bytes | str, str | None]:
    """(body, content_type): a page in some charset, with or without a BOM, or random bytes."""
    kind = draw(st.sampled_from(["page", "page", "page", "str", "bytes"]))
    if kind == "bytes":
        body: bytes | str = draw(st.binary(max_size=400))
    elif kind == "str":
        body = draw(pages())
    else:
        encoding = draw(st.sampled_from(ENCODINGS))
        body = draw(pages()).encode(encoding, errors=draw(st.sampled_from(["replace", "ignore", "xmlcharrefreplace"])))
    if isinstance(body, bytes):
        bom = draw(
            st.sampled_from([b"", b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32])
        )
        body = bom + body
    content_type = draw(
        st.one_of(
            st.none(),
            st.sampled_from(CHARSETS).map(lambda c: f"text/html; charset={c}"),
            st.sampled_from(["text/html", "application/octet-stream", "text/plain; charset=", "image/png"]),
            text_any,
        )
    )
    return body, content_type


urls = st.one_of(
    st.sampled_from(URL_SEEDS),
    mutated(
        URL_SEEDS, ["/", "//", "2025", "/2025/02/30/", "%", "%zz", "?a=1", "#x", "é", "\u200f", "[::1]", ":99999"]
    ).filter(lambda u: u.startswith(("http://", "https://"))),
)

# ---------------------------------------------------------------------------------------------
# bounds


def assert_rating(r: Rating | None) -> None:
    if r is None:
        return
    assert isinstance(r, Rating)
    assert all(isinstance(x, float) and math.isfinite(x) for x in (r.value, r.best, r.worst)), r
    assert r.best > r.worst, r
    assert r.worst <= r.value <= r.best, r
    assert 0.0 <= r.normalized <= 1.0, r
    assert isinstance(r.raw, str), r
    json.dumps(r.as_dict(), allow_nan=False)


def assert_date(d: ParsedDate | None, now: dt.datetime | None) -> None:
    if d is None:
        return
    iso = d.isoformat()
    assert ISODATE_RE.match(iso), iso
    limit = (now or dt.datetime.now(dt.UTC)).date() + dt.timedelta(days=1)
    assert EARLIEST <= d.day <= limit, (iso, now)
    assert dt.date.fromisoformat(iso[:10]) == d.day, iso


def assert_author(a: str | None) -> None:
    if a is None:
        return
    assert isinstance(a, str) and a, repr(a)
    assert a == a.strip(), repr(a)
    assert len(a.splitlines()) == 1, repr(a)


# ---------------------------------------------------------------------------------------------
# properties


@settings(max_examples=1000 * SCALE, deadline=None)
@given(text=st.one_of(rating_texts, st.none()), best=st.one_of(st.none(), st.sampled_from([5, 10, 100.0]), st.floats()))
def test_parse_rating(text: str | None, best: float | None) -> None:
    assert_rating(parse_rating(text, best=best))


@settings(max_examples=600 * SCALE, deadline=None)
@given(value=scalars, best=scalars, worst=scalars, raw=st.one_of(st.none(), text_any))
@example(value="-inf", best=None, worst="-inf", raw=None)  # OverflowError in the raw text's formatting
@example(value=0, best=None, worst="-inf", raw=None)  # worst=-inf was kept
@example(value="4", best="inf", worst=None, raw=None)
@example(value="1e308", best="1e308", worst="-1e308", raw=None)  # best - worst overflows: normalized NaN
def test_rating_from_values(value: Any, best: Any, worst: Any, raw: str | None) -> None:
    assert_rating(rating_from_values(value, best, worst, raw))


@settings(max_examples=300 * SCALE, deadline=None)
@given(value=st.floats(), best=st.one_of(st.floats(), st.sampled_from([5, 10, 100])))
def test_rating_on_scale(value: float, best: float) -> None:
    assert_rating(rating_on_scale(value, best))


@settings(max_examples=500 * SCALE, deadline=None)
@given(text=st.one_of(date_texts, st.none()), langs=languages, order=date_orders, now=nows, fast=st.booleans())
@example(text="0000", langs=["xx"], order=None, now=NOW, fast=False)  # dateparser: "Unknown language(s): 'xx'"
@example(text="7 Juni 2025 12h", langs=["EN", "de-AT"], order=None, now=NOW, fast=False)
@example(text="Sat, 9999999999999999999999907 Jun 2025 12:00:00 +0000", langs=None, order=None, now=NOW, fast=False)
@example(text="2025-06-07T12:00:00+24:00", langs=None, order=None, now=NOW, fast=False)  # datetime.timezone raised
def test_parse_date(
    text: str | None, langs: tuple[str, ...] | None, order: str | None, now: dt.datetime, fast: bool
) -> None:
    langs = tuple(langs) if langs is not None else None
    assert_date(parse_date(text, languages=langs, date_order=order, now=now, fast_only=fast), now)


@settings(max_examples=500 * SCALE, deadline=None)
@given(
    text=st.one_of(date_texts, st.lists(date_texts, max_size=4).map(" · ".join), st.none()),
    order=date_orders,
    now=nows,
    human=st.booleans(),
)
def test_search_date(text: str | None, order: str | None, now: dt.datetime, human: bool) -> None:
    assert_date(search_date(text, date_order=order, now=now, human=human), now)


@settings(max_examples=1000 * SCALE, deadline=None)
@given(
    text=st.one_of(author_texts, st.none(), st.lists(author_texts, max_size=3)),
    declared=st.booleans(),
)
@example(text="x" * 20_000, declared=True)  # took 3 s: now over 1000 characters is no byline
def test_normalize_author(text: str | list[str] | None, declared: bool) -> None:
    assert_author(normalize_author(text, declared))
    if isinstance(text, str):
        for name in split_authors(text, declared):
            assert_author(name)


def _ld_script(node: dict[str, Any]) -> bytes:
    return f"<script type='application/ld+json'>{json.dumps(node)}</script><h1>A film review</h1>".encode()


def page_example(body: bytes, url: str = URL_SEEDS[0]) -> example:
    """An explicit example for test_extract_review: this body at this URL, no hints, fetched at NOW."""
    return example(page=(body, None), url=url, hints=None, now=NOW)


def _record(
    body: bytes | str, url: str, content_type: str | None, now: dt.datetime, hints: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The record the pipeline would export for this page (ExtractPipeline, then ValidatePipeline)."""
    fields = extract_review(body, url, content_type=content_type, hints=hints, now=now)
    review = Review(url=url, site="example", fetched_at=now.isoformat(), run_id="prop", **fields.as_record())
    record = {name: getattr(review, name) for name in REVIEW_FIELDS}
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in VALIDATOR.iter_errors(record)]
    assert not errors, errors
    json.dumps(record, allow_nan=False)
    assert_author(fields.author)
    assert_rating(fields.rating)
    for key in ("date_published", "date_modified"):
        value = record[key]
        if value is not None:
            assert EARLIEST <= dt.date.fromisoformat(value[:10]) <= now.date() + dt.timedelta(days=1), (key, value)
    if fields.title is not None:
        assert fields.title == fields.title.strip() and fields.title, repr(fields.title)
    return record


# a site profile's hints (reviewcrawl.sites: language, date order); its CSS selectors are the project's own
hints = st.one_of(
    st.none(),
    st.fixed_dictionaries(
        {},
        optional={
            "languages": st.lists(st.sampled_from(["en", "de", "fr", "xx", "EN", "pt-BR"]), max_size=2),
            "date_order": date_orders,
        },
    ),
)
fetch_times = st.one_of(
    st.just(NOW),
    st.datetimes(min_value=dt.datetime(1996, 1, 1), max_value=dt.datetime(2100, 1, 1), timezones=st.just(dt.UTC)),
)


@settings(max_examples=800 * SCALE, deadline=None)
@given(page=bodies(), url=urls, hints=hints, now=fetch_times)
@page_example(b"", url="http://[:::1]blog.example/2025/06/07/review.html")  # ValueError from urlsplit
@page_example(b"<link rel=canonical href='http://[::1'><h1><a href='//[::1/x'>T</a></h1>")  # the same
@page_example(f"<link rel=canonical href='https://x.example/{'a' * 5000}'>".encode())  # canonical > maxLength
@page_example(b"<title><link rel=x>" + b"a" * 1001 + b"</title>")  # title > maxLength
@page_example(_ld_script({"@type": "Product", "aggregateRating": {"ratingValue": 4, "ratingCount": "inf"}}))
@page_example(_ld_script({"@type": "Product", "aggregateRating": {"ratingValue": 4, "ratingCount": -1}}))
@page_example(_ld_script({"@type": "Review", "itemReviewed": {"@type": "Movie", "dateCreated": "0000-00-00"}}))
@page_example(b"<meta property='article:published_time' content='0000-0-0T0:00:00-2400'>")  # timezone raised
# a page whose lang dateparser does not know: ValueError out of extract_review
@page_example(b"<html lang='xx'><head><meta property='article:published_time' content='7 Juni 2025 12h'>")
@page_example(b"<meta charset=undefined><h1>Caf\xe9 review</h1>")  # UnicodeError, as charset=undefined in the header
def test_extract_review(
    page: tuple[bytes | str, str | None], url: str, hints: dict[str, Any] | None, now: dt.datetime
) -> None:
    body, content_type = page
    _record(body, url, content_type, now, hints)


@settings(max_examples=200 * SCALE, deadline=None)
@given(body=st.binary(max_size=2000), charset=st.one_of(st.sampled_from(CHARSETS), text_any))
@example(body=b"\x00", charset="UNDEFINED")  # UnicodeError out of extract_review
@example(body=b"<h1>Caf\xc3\xa9</h1>", charset="base64")  # LookupError: not a text encoding
def test_extract_review_random_bytes(body: bytes, charset: str) -> None:
    _record(body, URL_SEEDS[0], f"text/html; charset={charset}", NOW)
