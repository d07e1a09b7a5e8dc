"""One walk over the parsed page that collects every element the field cascades look at.

Why one walk: each XPath with an attribute predicate (``//*[contains(@class, ...)]``) is a full
pass over the tree, ~0.5-1.5 ms on a typical page, as long as lxml's parse itself. Walking the
tree once in Python and sorting elements into buckets costs about one such pass, and every
cascade after it reads buckets instead of searching the tree again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

__all__ = ["HINT_RE", "PageScan", "scan"]

# class/id words that mark an element some cascade wants: content containers, bylines, dates,
# ratings, headlines, hReview. A cheap screen: each cascade checks its own words again.
HINT_RE = re.compile(
    r"content|body|text|author|byline|by-line|writer|creator|date|time|publish|posted|meta|dateline|"
    r"stamp|datum|fecha|autor|auteur|verfasser|review|rating|star|score|grade|verdict|title|headline|"
    r"vcard|entry|post|article|story|hentry|h-entry|info|credit",
)  # matched against the lower-cased marker: IGNORECASE makes this search ~10x slower
# class/id strings repeat within a page and across a site's pages: the screen runs once per string
_HINT_CACHE: dict[str, bool] = {}
_SCAN_TAGS = frozenset({"meta", "link", "title", "script", "h1", "time", "article", "main"})


@dataclass
class PageScan:
    """Elements of one page by role, in document order."""

    metas: list[etree._Element] = field(default_factory=list)
    links: list[etree._Element] = field(default_factory=list)
    titles: list[etree._Element] = field(default_factory=list)
    ld_scripts: list[etree._Element] = field(default_factory=list)
    h1s: list[etree._Element] = field(default_factory=list)
    times: list[etree._Element] = field(default_factory=list)
    articles: list[etree._Element] = field(default_factory=list)
    mains: list[etree._Element] = field(default_factory=list)
    #: elements with itemscope and no itemprop: top-level microdata items
    item_roots: list[etree._Element] = field(default_factory=list)
    #: elements with an itemprop (author, datePublished, reviewBody ...)
    itemprops: list[etree._Element] = field(default_factory=list)
    #: elements with rel="author" (and other rel values on <a>)
    rel_author: list[etree._Element] = field(default_factory=list)
    #: elements whose class or id matches HINT_RE, with that marker text (lower-cased)
    hinted: list[tuple[etree._Element, str]] = field(default_factory=list)
    #: RDFa elements with a typeof (items, in document order)
    rdfa_roots: list[etree._Element] = field(default_factory=list)
    #: elements with data-rating/data-score style attributes
    data_rated: list[etree._Element] = field(default_factory=list)
    #: document position of every element in a bucket above (for "nearest to the heading")
    order: dict[etree._Element, int] = field(default_factory=dict)


def scan(root: etree._Element) -> PageScan:
    """Sort the page's elements into PageScan buckets in one pass."""
    s = PageScan()
    hinted = s.hinted
    order = s.order
    n = 0
    for el in root.iter():
        tag = el.tag
        if not isinstance(tag, str):
            continue
        n += 1
        if tag in _SCAN_TAGS:
            if tag == "meta":
                s.metas.append(el)
            elif tag == "link":
                s.links.append(el)
            elif tag == "title":
                s.titles.append(el)
            elif tag == "script":
                if "ld+json" in (el.get("type") or "").lower():
                    s.ld_scripts.append(el)
                continue
            elif tag == "h1":
                s.h1s.append(el)
                order[el] = n
            elif tag == "time":
                s.times.append(el)
                order[el] = n
            elif tag == "article":
                s.articles.append(el)
            elif tag == "main":
                s.mains.append(el)
        cls = ident = prop = None
        scoped = rated = False
        for key, value in el.items():
            if key == "class":
                cls = value
            elif key == "id":
                ident = value
            elif key == "itemprop":
                prop = value
            elif key == "itemscope":
                scoped = True
            elif key == "typeof":  # RDFa Lite: vocab="https://schema.org/" typeof="Review"
                s.rdfa_roots.append(el)
            elif key == "rel":
                if "author" in value.lower():
                    s.rel_author.append(el)
                    order[el] = n
            elif key in ("data-rating", "data-score"):
                rated = True
        if cls or ident:
            marker = f"{cls or ''} {ident or ''}".lower()
            hit = _HINT_CACHE.get(marker)
            if hit is None:
                if len(_HINT_CACHE) > 50_000:
                    _HINT_CACHE.clear()
                hit = _HINT_CACHE[marker] = HINT_RE.search(marker) is not None
            if hit:
                hinted.append((el, marker))
                order[el] = n
        if prop is not None:
            s.itemprops.append(el)
            order[el] = n
        elif scoped:
            s.item_roots.append(el)
        if rated:
            s.data_rated.append(el)
    return s
