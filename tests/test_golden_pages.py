"""Golden pages: the sample sites' review pages, one assertion per field.

The sample sites copy the three seed reviews; their facts come from shared/seeds/README.md.
"""

from __future__ import annotations

import pytest

from reviewcrawl.extract import extract_review

from .conftest import NOW, demo_page

SEED_001_TITLE = (
    "From the World of John Wick: Ballerina (2025) – A Dazzling Spin-Off That Dances with Vengeance and Grace"
)

GOLDEN = {
    "http://prestonmoline.example/2025/06/07/ballerina.html": {
        "title": "Ballerina", "author": "prestonmoline", "date_published": "2025-06-07T12:00:00+00:00",
        "rating": (4.0, 5.0, 0.0, 0.8), "aggregate_rating": None, "language": "en", "kind": "review",
        "text_starts": "Review:\nI thoroughly enjoyed this movie", "text_ends": "Rating:\n4/5",
        "sources": {"title": "jsonld", "author": "jsonld", "rating": "text"},
    },
    "http://reelverdict.example/ballerina-2025-review/": {
        "title": SEED_001_TITLE, "author": None, "date_published": None,
        "rating": (8.8, 10.0, 1.0, 0.8667), "aggregate_rating": None, "language": "en-US", "kind": "review",
        "item_reviewed": {"name": "From the World of John Wick: Ballerina", "type": "Movie", "year": 2025},
        "text_starts": "From the World of John Wick: Ballerina (2025), directed by Len Wiseman",
        "text_ends": "Keanu Reeves cameo, top movies 2025.",
        # the <h1> in the post's <article> (a "right-sidebar" body class is the layout, not a sidebar)
        "sources": {"title": "text", "rating": "jsonld"},
    },
    "http://headphonesthoughts.example/archives/1187/": {
        "title": None, "author": "headphonesthoughts", "date_published": None,
        "rating": (3.5, 5.0, 0.0, 0.7), "aggregate_rating": None, "language": "en-US", "kind": "review",
        "text_starts": "Ballerina (2024) is the much-anticipated action-thriller spinoff",
        "sources": {"author": "text", "rating": "text"},
    },
    "http://prestonmoline.example/2025/04/20/sinners.html": {
        "title": "Sinners", "author": "prestonmoline", "date_published": "2025-04-20T10:15:00+00:00",
        "rating": (5.0, 5.0, 0.0, 1.0), "kind": "review",
    },
    "http://reelverdict.example/nobody-2021-review/": {
        "title": "Nobody (2021) – Bob Odenkirk Becomes an Unlikely Action Hero", "author": None,
        "rating": (7.9, 10.0, 1.0, 0.7667), "kind": "review",
        "item_reviewed": {"name": "Nobody", "type": "Movie", "year": 2021},
    },
    "http://headphonesthoughts.example/archives/1203/": {
        "title": "Mission: Impossible – The Final Reckoning (2025)", "author": "headphonesthoughts",
        "rating": (3.0, 5.0, 0.0, 0.6), "kind": "review",
    },
    "http://reviewroundup.example/reviews/ballerina-prestonmoline/": {
        "title": "Ballerina review: how good is the first John Wick spinoff?", "author": "prestonmoline",
        "date_published": "2025-06-12T09:30:00+00:00", "rating": (4.0, 5.0, 0.0, 0.8), "kind": "review",
    },
    # pages that are no review: no rating read, classified as listing/page
    "http://reelverdict.example/": {"rating": None, "kind": "listing"},
    "http://reelverdict.example/category/action-movies/page/2/": {"rating": None, "kind": "listing"},
    "http://prestonmoline.example/": {"rating": None, "kind": "listing"},
    "http://prestonmoline.example/about/": {"rating": None, "kind": "page"},
    "http://headphonesthoughts.example/contact/": {"rating": None, "author": None, "kind": "page"},
    "http://reviewroundup.example/": {"rating": None, "kind": "listing"},
}  # fmt: skip

CASES = [(url, field) for url, fields in GOLDEN.items() for field in fields]
_cache: dict[str, object] = {}


def extracted(url: str):  # type: ignore[no-untyped-def]
    if url not in _cache:
        _cache[url] = extract_review(demo_page(url), url, now=NOW)
    return _cache[url]


@pytest.mark.parametrize(("url", "field"), CASES, ids=[f"{u.removeprefix('http://')}:{f}" for u, f in CASES])
def test_golden_field(url: str, field: str) -> None:
    got = extracted(url)
    want = GOLDEN[url][field]
    if field == "rating":
        r = got.rating
        assert (None if r is None else (r.value, r.best, r.worst, r.normalized)) == want
    elif field == "text_starts":
        assert (got.text or "").startswith(want)
    elif field == "text_ends":
        assert (got.text or "").endswith(want)
    elif field == "sources":
        assert {k: got.sources.get(k) for k in want} == want
    else:
        assert getattr(got, field) == want
