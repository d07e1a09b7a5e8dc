"""A generated review site for the crawl benchmarks (distributed.py, crawl.py).

``bench.example``: an index, listings of 100 links each and review pages of their own words
(title, JSON-LD Review, an article of 4 paragraphs), seeded, so every run crawls the same site.
Served on 127.0.0.1 by the sample-site server (``tests.conftest.serve_sites``); the profile folder
(``profiles/bench.toml``) goes in ``REVIEWCRAWL_SITE_DIRS``.

``realistic=True`` (crawl.py) makes the pages look like the sample sites' pages: each review page
takes the ``<head>`` of one of the sample sites' review pages (their CSS, scripts and meta tags;
canonical, Open Graph, title and JSON-LD replaced by the page's own), and is padded to 50-300 KB
with what fills real pages: a sidebar widget of 20 related-review links (to other pages of the
site), inline JSON blobs like a theme's state script, and comments. Listings are paginated ("next"
links from one to the next rather than all linked from the index), and there is a sitemap
(``/sitemap.xml``, named in robots.txt and in the profile) of every review page.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_SITES = ROOT / "reviewcrawl" / "demo" / "sites"
HOST = "bench.example"
PER_LISTING = 100
PROFILE = f"""name = "bench"
description = "a generated review site for the benchmarks (benchmarks/benchsite.py)"
start_urls = ["http://{HOST}/"]
review_urls = ['^/r/\\d+\\.html$']
language = "en"
preferred = true
"""
# one review page of each sample site: their <head> is the template of the realistic pages
TEMPLATES = [
    "reelverdict.example/ballerina-2025-review/index.html",
    "prestonmoline.example/2025/06/07/ballerina.html",
    "headphonesthoughts.example/archives/1203/index.html",
    "reviewroundup.example/reviews/ballerina-2025-reelverdict/index.html",
]
_PAGE_SPECIFIC = re.compile(
    r"<title>.*?</title>|<script[^>]*application/ld\+json[^>]*>.*?</script>|<link[^>]*rel=.canonical[^>]*>"
    r"|<meta[^>]*(?:property|name)=.(?:og:|article:|twitter:|author|description)[^>]*>",
    re.S | re.I,
)
VOCAB = "film story actor scene light score music plot pace cast writer frame sound cut shot role".split()


def words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(VOCAB) + str(rng.randrange(5000)) for _ in range(n))


def heads() -> list[str]:
    """The sample review pages' <head> contents, without what belongs to one page."""
    out = []
    for name in TEMPLATES:
        html = (SAMPLE_SITES / name).read_text(encoding="utf-8")
        head = html[html.lower().find("<head") : html.lower().find("</head>")]
        head = head[head.find(">") + 1 :]
        out.append(_PAGE_SPECIFIC.sub("", head))
    return out


def _padding(rng: random.Random, i: int, pages: int, target: int) -> str:
    """Markup of about `target` characters: a widget of 20 related links, then state scripts and
    comments (real pages of this size are mostly inline scripts, styles and markup, not links)."""
    parts: list[str] = []
    size = 0
    while size < target:
        kind = rng.randrange(1, 3) if parts else 0  # one widget of related links, as real sidebars have
        if kind == 0:
            links = "".join(f'<li class="related-item"><a href="/r/{rng.randrange(pages)}.html" class="related-link">'
                            f"{words(rng, 4)}</a> <span class=\"meta\">{rng.randrange(1, 28)} May</span></li>"
                            for _ in range(20))  # fmt: skip
            part = f'<section class="widget widget_related"><h3 class="widget-title">Related</h3><ul>{links}</ul></section>'
        elif kind == 1:
            state = {"page": i, "items": [{"id": rng.randrange(10**6), "t": words(rng, 6)} for _ in range(30)]}
            part = f'<script type="text/javascript">window.__THEME_STATE__ = {json.dumps(state)};</script>'
        else:
            part = (f'<div class="comment" id="comment-{rng.randrange(10**6)}"><div class="comment-author vcard">'
                    f'<cite class="fn">Reader {rng.randrange(900)}</cite></div><div class="comment-content">'
                    f"<p>{words(rng, 30)}</p></div></div>")  # fmt: skip
        parts.append(part)
        size += len(part)
    return "".join(parts)


def generate(root: Path, pages: int, seed: int = 20261130, realistic: bool = False) -> Path:
    """Writes ``root/sites/bench.example`` and ``root/profiles/bench.toml``; returns root."""
    rng = random.Random(seed)
    site = root / "sites" / HOST
    (site / "r").mkdir(parents=True)
    (site / "list").mkdir()
    listings = -(-pages // PER_LISTING)
    robots = "User-agent: *\nAllow: /\n"
    if realistic:
        robots += f"Sitemap: http://{HOST}/sitemap.xml\n"
        links = '<li><a href="/list/0.html">all reviews</a></li>'
        urls = "".join(
            f"<url><loc>http://{HOST}/r/{i}.html</loc><lastmod>2025-06-07</lastmod></url>" for i in range(pages)
        )
        (site / "sitemap.xml").write_text(
            f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"{urls}</urlset>"
        )
    else:
        links = "".join(f'<li><a href="/list/{j}.html">page {j}</a></li>' for j in range(listings))
    (site / "robots.txt").write_text(robots)
    (site / "index.html").write_text(f"<html><head><title>Bench</title></head><body><ul>{links}</ul></body></html>")
    for j in range(listings):
        items = "".join(f'<li><a href="/r/{i}.html">review {i}</a></li>'
                        for i in range(j * PER_LISTING, min(pages, (j + 1) * PER_LISTING)))  # fmt: skip
        if realistic and j + 1 < listings:
            items += f'<li><a class="next page-numbers" href="/list/{j + 1}.html">Next</a></li>'
        (site / "list" / f"{j}.html").write_text(f"<html><body><h1>Reviews {j}</h1><ul>{items}</ul></body></html>")
    templates = heads() if realistic else []
    for i in range(pages):
        title = f"Review {i}: {words(rng, 3)}"
        body = "".join(f"<p>{words(rng, 40)}.</p>" for _ in range(4))
        ld = json.dumps({"@context": "https://schema.org", "@type": "Review", "name": title,
                         "author": {"@type": "Person", "name": f"Writer {i % 17}"}, "datePublished": "2025-06-07",
                         "reviewRating": {"@type": "Rating", "ratingValue": i % 5 + 1, "bestRating": 5}})  # fmt: skip
        head = f'<title>{title}</title><script type="application/ld+json">{ld}</script>'
        article = f"<article><h1>{title}</h1>{body}</article>"
        if not realistic:
            (site / "r" / f"{i}.html").write_text(f"<html><head>{head}</head><body>{article}</body></html>")
            continue
        template = templates[i % len(templates)]
        target = rng.randrange(50_000, 300_000)
        html = (f'<!DOCTYPE html><html lang="en"><head>{template}{head}'
                f'<link rel="canonical" href="http://{HOST}/r/{i}.html"></head><body class="post-template">'
                f'<header class="site-header"><a href="/">Bench</a> <a href="/list/0.html">Reviews</a></header>'
                f'<main class="site-main">{article}')  # fmt: skip
        html += f'<aside class="sidebar">{_padding(rng, i, pages, target - len(html))}</aside></main>'
        html += '<footer class="site-footer"><p>&copy; 2025 Bench</p></footer></body></html>'
        (site / "r" / f"{i}.html").write_text(html, encoding="utf-8")
    profiles = root / "profiles"
    profiles.mkdir()
    profile = PROFILE + (f'sitemaps = ["http://{HOST}/robots.txt"]\n' if realistic else "")
    (profiles / "bench.toml").write_text(profile)
    return root
