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

__all__ = ["HINT_RE", "PageScan", "marker_hit", "scan"]

# class/id words that mark an element some cascade wants: content containers, bylines, dates,
# ratings, headlines, hReview. A cheap screen: each cascade checks its own words again.
HINT_WORDS = (
    "content", "body", "text", "author", "byline", "by-line", "writer", "creator", "date", "time",
    "publish", "posted", "meta", "dateline", "stamp", "datum", "fecha", "autor", "auteur", "verfasser",
    "review", "rating", "star", "score", "grade", "verdict", "title", "headline", "vcard", "entry",
    "post", "article", "story", "hentry", "h-entry", "info", "credit",
)  # fmt: skip


def _word_trie(words: list[str]) -> str:
    """A regex that finds any of ``words``, factored by common prefixes: re tries the branches
    of a plain alternation one by one at every position, a trie one branch per character. Only
    whether a word occurs is kept: a word that extends a shorter one adds nothing."""
    if "" in words:
        return ""
    groups: dict[str, list[str]] = {}
    for w in words:
        groups.setdefault(w[0], []).append(w[1:])
    alts = [re.escape(c) + _word_trie(tails) for c, tails in sorted(groups.items())]
    return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"


HINT_RE = re.compile(_word_trie(list(HINT_WORDS)))
# matched against the lower-cased marker: IGNORECASE makes this search ~10x slower
# class/id strings repeat within a page and across a site's pages: the screen runs once per string
_HINT_CACHE: dict[str | tuple[str | None, str | None], str | None] = {}
_MISSING = object()
_SCAN_ATTRS = frozenset({"class", "id", "itemprop", "itemscope", "typeof", "rel", "data-rating", "data-score"})
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
    #: every element, in document order (see scan)
    elements: list[etree._Element] = field(default_factory=list)
    #: a <script> with itemprop or itemscope (its attributes are read nowhere else)
    scripts_with_items: bool = False
    _marked: dict[re.Pattern[str], list[etree._Element]] = field(default_factory=dict)

    def marked(self, pattern: re.Pattern[str]) -> list[etree._Element]:
        """The hinted elements whose marker ``pattern`` finds, in document order (the same list
        on every call: callers copy before they change it)."""
        found = self._marked.get(pattern)
        if found is None:
            hits = _MARKER_HITS.get(pattern)
            if hits is None:
                hits = _MARKER_HITS[pattern] = {}
            elif len(hits) > 50_000:
                hits.clear()
            found = []
            for el, marker in self.hinted:
                hit = hits.get(marker)
                if hit is None:
                    hit = hits[marker] = pattern.search(marker) is not None
                if hit:
                    found.append(el)
            self._marked[pattern] = found
        return found


# per pattern, whether it finds something in a marker: markers repeat within a page and a site
_MARKER_HITS: dict[re.Pattern[str], dict[str, bool]] = {}


def marker_hit(pattern: re.Pattern[str], marker: str) -> bool:
    """``pattern.search(marker) is not None``, remembered per marker string."""
    hits = _MARKER_HITS.get(pattern)
    if hits is None:
        hits = _MARKER_HITS[pattern] = {}
    hit = hits.get(marker)
    if hit is None:
        if len(hits) > 50_000:
            hits.clear()
        hit = hits[marker] = pattern.search(marker) is not None
    return hit


def scan(root: etree._Element) -> PageScan:
    """Sort the page's elements into PageScan buckets in one pass."""
    s = PageScan()
    hinted = s.hinted
    order = s.order
    itemprops = s.itemprops
    item_roots = s.item_roots
    hint_cache = _HINT_CACHE
    scan_tags = _SCAN_TAGS
    scan_attrs = _SCAN_ATTRS
    n = 0
    # elements only: the parser drops comments and processing instructions, and the count
    # below is the element's position among elements, as before
    # The list keeps a Python proxy alive for every element until the page is done: lxml hands
    # out the live proxy again instead of building a new one, so the cascades' later walks over
    # the same elements (text blocks, ancestors, bylines) cost less.
    s.elements = elements = list(root.iter(etree.Element))
    for el in elements:
        n += 1
        tag = el.tag
        if tag in scan_tags:
            if tag == "meta":
                s.metas.append(el)
            elif tag == "link":
                s.links.append(el)
            elif tag == "title":
                s.titles.append(el)
            elif tag == "script":
                if "ld+json" in (el.get("type") or "").lower():
                    s.ld_scripts.append(el)
                if el.get("itemprop") is not None or el.get("itemscope") is not None:
                    s.scripts_with_items = True
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
        keys = el.keys()  # attribute names only: most attributes (href, src, style) are no signal
        if not keys:
            continue
        if len(keys) == 1:  # most often a lone class: the marker is the class, keyed by it alone
            key = keys[0]
            if key == "class":
                cls = el.get("class")
                marker = hint_cache.get(cls, _MISSING)
                if marker is _MISSING:
                    if len(hint_cache) > 50_000:
                        hint_cache.clear()
                    marker = cls.lower() + " " if cls else ""
                    if not cls or HINT_RE.search(marker) is None:
                        marker = None
                    hint_cache[cls] = marker
                if marker is not None:
                    hinted.append((el, marker))
                    order[el] = n
                continue
            if key not in scan_attrs:
                continue
        elif scan_attrs.isdisjoint(keys):
            continue
        cls = ident = prop = None
        scoped = rated = False
        for key in keys:
            if key not in scan_attrs:
                continue
            if key == "class":
                cls = el.get("class")
            elif key == "id":
                ident = el.get("id")
            elif key == "itemprop":
                prop = el.get("itemprop")
            elif key == "itemscope":
                scoped = True
            elif key == "typeof":  # RDFa Lite: vocab="https://schema.org/" typeof="Review"
                s.rdfa_roots.append(el)
            elif key == "rel":
                if "author" in el.get("rel").lower():
                    s.rel_author.append(el)
                    order[el] = n
            else:  # data-rating, data-score
                rated = True
        if cls is not None or ident is not None:
            # the cache maps class (or (class, id)) to the lower-cased marker, None for no hint
            key = cls if ident is None else (cls, ident)
            marker = hint_cache.get(key, _MISSING)
            if marker is _MISSING:
                if len(hint_cache) > 50_000:
                    hint_cache.clear()
                marker = f"{cls or ''} {ident or ''}".lower() if cls or ident else ""
                if not (cls or ident) or HINT_RE.search(marker) is None:
                    marker = None
                hint_cache[key] = marker
            if marker is not None:
                hinted.append((el, marker))
                order[el] = n
        if prop is not None:
            itemprops.append(el)
            order[el] = n
        elif scoped:
            item_roots.append(el)
        if rated:
            s.data_rated.append(el)
    return s
