"""HTML + URL -> the fields of a review record, each with the signal it came from.

Pure: no Scrapy, no network. Per field an ordered cascade, specific to generic:
schema.org JSON-LD / microdata, OpenGraph and article meta, the site profile's selectors,
patterns in the page's own text, the URL. Where unsure, a field stays empty: an analyst would
rather have nothing than something wrong.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from lxml import etree

from reviewcrawl.extract.content import (
    count_articles,
    is_boilerplate,
    main_container,
    rating_in_blocks,
    text_blocks,
)
from reviewcrawl.extract.document import absolute_url, parse_html
from reviewcrawl.extract.jsonld import first_text, jsonld_nodes, types_of
from reviewcrawl.extract.meta import HeadMeta, microdata_nodes, read_head
from reviewcrawl.parsing.authors import normalize_author
from reviewcrawl.parsing.dates import ParsedDate, parse_date
from reviewcrawl.parsing.rating import Rating, parse_rating, rating_from_values

__all__ = ["Extraction", "extract_review"]

REVIEW_TYPES = frozenset({"Review", "CriticReview", "UserReview", "EmployerReview", "ClaimReview"})
ARTICLE_TYPES = frozenset(
    {"Article", "NewsArticle", "BlogPosting", "Blog", "ReportageNewsArticle", "AnalysisNewsArticle",
     "OpinionNewsArticle", "ReviewNewsArticle", "TechArticle", "ScholarlyArticle", "WebPage",
     "SocialMediaPosting", "LiveBlogPosting", "Report", "Recipe", "HowTo", "ItemPage"}
)  # fmt: skip
ORG_TYPES = frozenset({"Organization", "NewsMediaOrganization", "Corporation", "WebSite", "LocalBusiness"})
# parents whose nested reviews are readers', not the page's
USER_REVIEW_PARENTS = frozenset({"Recipe", "LocalBusiness", "Restaurant", "Place", "Course", "SoftwareApplication"})

TITLE_SEPARATORS_RE = re.compile(r"\s+[|–—:·•»«-]\s+|\s+[|]\s*|\s*[|]\s+")
URL_DATE_RE = re.compile(r"/((?:19|20)\d{2})[/_-](0?[1-9]|1[0-2])[/_-](0?[1-9]|[12]\d|3[01])(?:/|[_-]|$)")
H1_XPATH = etree.XPath("//h1")
TIME_XPATH = etree.XPath("//time[@datetime or @pubdate]")
BYLINE_XPATH = etree.XPath(
    "//*[@rel='author' or contains(@class, 'byline') or contains(@class, 'author') "
    "or @itemprop='author' or contains(@class, 'p-author')]"
)
HREVIEW_XPATH = etree.XPath(
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' hreview ') or "
    "contains(concat(' ', normalize-space(@class), ' '), ' h-review ')]"
)
CLASS_RATING_XPATH = etree.XPath(".//*[contains(@class, 'rating') or contains(@class, 'p-rating') or @data-rating]")
COMMENT_ANCESTOR_RE = re.compile(r"comment|respond|reply|related|sidebar|widget|site-footer|colophon", re.I)
LANG_RE = re.compile(r"^([a-zA-Z]{2,3})(?:[-_]([a-zA-Z0-9]{2,8}))?")


@dataclass
class Extraction:
    """The fields extract_review reads off one page."""

    url: str
    canonical_url: str | None = None
    title: str | None = None
    author: str | None = None
    date_published: str | None = None
    date_modified: str | None = None
    rating: Rating | None = None
    aggregate_rating: dict[str, Any] | None = None
    item_reviewed: dict[str, Any] | None = None
    language: str | None = None
    text: str | None = None
    sources: dict[str, str] = field(default_factory=dict)
    #: "review" (the page reviews something), "listing" (many entries) or "page"
    kind: str = "page"

    def as_record(self) -> dict[str, Any]:
        """The Review item's extracted fields, JSON-ready."""
        return {
            "canonical_url": self.canonical_url or self.url,
            "title": self.title,
            "author": self.author,
            "date_published": self.date_published,
            "date_modified": self.date_modified,
            "rating": self.rating.as_dict() if self.rating else None,
            "aggregate_rating": self.aggregate_rating,
            "item_reviewed": self.item_reviewed,
            "language": self.language,
            "text": self.text,
            "sources": dict(self.sources),
        }


@dataclass
class _Page:
    """What the cascade reads, computed once per page."""

    url: str
    root: etree._Element
    head: HeadMeta
    ld: list[tuple[dict[str, Any], dict[str, Any] | None, str | None]]
    micro: list[dict[str, Any]]
    hints: dict[str, Any]
    now: dt.datetime | None
    _blocks: list[str] | None = None
    _container: etree._Element | None = None

    @property
    def container(self) -> etree._Element | None:
        if self._container is None:
            self._container = main_container(self.root)
        return self._container

    @property
    def blocks(self) -> list[str]:
        if self._blocks is None:
            c = self.container
            self._blocks = list(text_blocks(c)) if c is not None else []
        return self._blocks

    def date_opts(self) -> dict[str, Any]:
        langs = self.hints.get("languages")
        return {
            "languages": tuple(langs) if langs else None,
            "date_order": self.hints.get("date_order"),
            "now": self.now,
        }


def _micro_flat(nodes: list[dict[str, Any]]) -> list[tuple[dict[str, Any], dict[str, Any] | None, str | None]]:
    out: list[tuple[dict[str, Any], dict[str, Any] | None, str | None]] = []

    def walk(node: dict[str, Any], parent: dict[str, Any] | None, key: str | None) -> None:
        out.append((node, parent, key))
        for k, v in node.items():
            for x in v if isinstance(v, list) else [v]:
                if isinstance(x, dict) and "@type" in x:
                    walk(x, node, k)

    for n in nodes:
        walk(n, None, None)
    return out


def _own_review(nodes: list[tuple[dict[str, Any], dict[str, Any] | None, str | None]]) -> dict[str, Any] | None:
    """The page's own Review: top-level, or the single review of a reviewed item.

    Reviews nested under a Recipe or a business, or one of several under a Product, are
    readers' reviews, not the page's.
    """
    nested: dict[int, list[dict[str, Any]]] = {}
    for node, parent, key in nodes:
        if not types_of(node) & REVIEW_TYPES:
            continue
        if parent is None or key not in ("review", "reviews"):
            return node
        nested.setdefault(id(parent), []).append(node)
    for node, parent, key in nodes:
        if parent is None or not types_of(node) & REVIEW_TYPES or key not in ("review", "reviews"):
            continue
        if types_of(parent) & USER_REVIEW_PARENTS or len(nested.get(id(parent), [])) != 1:
            continue
        if parent.get("aggregateRating") is not None:
            continue
        return node | {"itemReviewed": node.get("itemReviewed") or parent}
    return None


def _main_node(nodes: list[tuple[dict[str, Any], dict[str, Any] | None, str | None]]) -> dict[str, Any] | None:
    for node, parent, _ in nodes:
        if parent is None and types_of(node) & ARTICLE_TYPES - {"WebPage"}:
            return node
    for node, _parent, _ in nodes:
        if types_of(node) & ARTICLE_TYPES:
            return node
    return None


def _site_names(page: _Page, with_host: bool = False) -> set[str]:
    """Names the site goes by; with_host adds the host's labels (for titles, never for
    authors: a personal blog's handle is often its host name)."""
    names = set()
    for key in ("og:site_name", "application-name", "twitter:site", "publisher", "dc.publisher"):
        for v in page.head.meta.get(key, ()):
            names.add(v.strip().lstrip("@").casefold())
    for node, _, _ in page.ld:
        if types_of(node) & ORG_TYPES:
            name = first_text(node.get("name"))
            if name:
                names.add(name.casefold())
    if with_host:
        for part in (urlsplit(page.url).hostname or "").split("."):
            if len(part) > 3:
                names.add(part.casefold())
    return names


def _person_names(value: Any) -> tuple[list[str], bool]:
    """Names of Person authors; the flag says an author was given but is an organisation."""
    names: list[str] = []
    org = False
    for v in value if isinstance(value, list) else [value]:
        if isinstance(v, dict):
            if types_of(v) & ORG_TYPES:
                org = True
                continue
            name = first_text(v.get("name"))
        else:
            name = first_text(v)
        if name and not name.startswith(("http://", "https://")):
            names.append(name)
    return names, org


# --- fields -----------------------------------------------------------------------------------


def _title(page: _Page, review: dict[str, Any] | None, main: dict[str, Any] | None) -> tuple[str | None, str | None]:
    site_names = _site_names(page, with_host=True)
    candidates: list[tuple[str, str]] = []
    for node, signal in ((review, "jsonld"), (main, "jsonld")):
        if node:
            for key in ("headline", "name"):
                t = first_text(node.get(key))
                if t:
                    candidates.append((t, signal))
                    break
    og = page.head.get("og:title", "twitter:title", "dc.title", "title", "headline")
    if og:
        candidates.append((og[1], "meta"))
    h1s = [
        " ".join("".join(h.itertext()).split())
        for h in H1_XPATH(page.root)
        if not any(is_boilerplate(a) for a in h.iterancestors())
    ]
    if len(h1s) == 1 and h1s[0]:
        candidates.append((h1s[0], "text"))
    if page.head.title:
        candidates.append((page.head.title, "meta"))
    for text, signal in candidates:
        cleaned = _strip_site_name(text, site_names)
        if cleaned and cleaned.casefold() not in site_names and len(cleaned) >= 2:
            return cleaned, signal
    return None, None


def _strip_site_name(title: str, site_names: set[str]) -> str | None:
    title = " ".join(title.split())
    parts = TITLE_SEPARATORS_RE.split(title)
    if len(parts) > 1:
        kept = [p for p in parts if p.strip().casefold() not in site_names]
        if len(kept) < len(parts):
            return " – ".join(kept).strip() or None if len(kept) > 1 else (kept[0].strip() if kept else None)
    return title or None


def _author(page: _Page, review: dict[str, Any] | None, main: dict[str, Any] | None) -> tuple[str | None, str | None]:
    site_names = _site_names(page)

    def ok(name: str | None) -> str | None:
        if not name:
            return None
        kept = [n for n in name.split(", ") if n.casefold() not in site_names]
        return ", ".join(kept) or None

    for node, signal in ((review, "jsonld"), (main, "jsonld")):
        if node and node.get("author") is not None:
            names, org = _person_names(node.get("author"))
            name = ok(normalize_author(names))
            if name:
                return name, signal
            if org and node is review:
                return None, None  # the review says it is by an organisation: no reviewer named
    found = page.head.get(
        "author", "article:author", "dc.creator", "dcterms.creator", "byl", "sailthru.author", "parsely-author"
    )
    if found and not found[1].startswith(("http://", "https://")):
        name = ok(normalize_author(found[1]))
        if name:
            return name, "meta"
    for el in BYLINE_XPATH(page.root):
        if any(COMMENT_ANCESTOR_RE.search(f"{a.get('class', '')} {a.get('id', '')}") for a in el.iterancestors()):
            continue
        text = " ".join("".join(el.itertext()).split())
        if not text or len(text) > 120:
            continue
        name = ok(normalize_author(text))
        if name:
            return name, "text"
    return None, None


def _date(
    page: _Page,
    keys: tuple[str, ...],
    meta_keys: tuple[str, ...],
    nodes: list[dict[str, Any] | None],
    time_class: str | None,
) -> tuple[ParsedDate | None, str | None]:
    opts = page.date_opts()
    for node in nodes:
        if node:
            for key in keys:
                d = parse_date(first_text(node.get(key)), **opts)
                if d:
                    return d, "jsonld"
    for key in meta_keys:
        for v in page.head.meta.get(key, ()):
            d = parse_date(v, **opts)
            if d:
                return d, "meta"
    if time_class is None:
        return None, None
    for el in TIME_XPATH(page.root):
        if any(COMMENT_ANCESTOR_RE.search(f"{a.get('class', '')} {a.get('id', '')}") for a in el.iterancestors()):
            continue
        cls = el.get("class", "")
        if time_class == "modified" and "updated" not in cls and "modified" not in cls:
            continue
        if time_class == "published" and ("updated" in cls or "modified" in cls):
            continue
        d = parse_date(el.get("datetime") or "".join(el.itertext()), **opts)
        if d:
            return d, "text"
    if time_class == "published":
        m = URL_DATE_RE.search(urlsplit(page.url).path)
        if m:
            d = parse_date(f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}", **opts)
            if d:
                return d, "url"
    return None, None


PUBLISHED_META = ("article:published_time", "og:published_time", "datepublished", "dc.date.issued",
                  "dcterms.issued", "dc.date", "dcterms.date", "date", "pubdate", "publish-date",
                  "publish_date", "sailthru.date", "parsely-pub-date", "article.published", "citation_publication_date")  # fmt: skip
MODIFIED_META = ("article:modified_time", "og:updated_time", "datemodified", "dcterms.modified", "last-modified")


def _rating(
    page: _Page, review: dict[str, Any] | None, micro_review: dict[str, Any] | None
) -> tuple[Rating | None, str | None]:
    for node, signal in ((review, "jsonld"), (micro_review, "microdata")):
        if node:
            rr = node.get("reviewRating")
            rr = rr[0] if isinstance(rr, list) and rr else rr
            if isinstance(rr, dict):
                r = rating_from_values(
                    first_text(rr.get("ratingValue")),
                    first_text(rr.get("bestRating")),
                    first_text(rr.get("worstRating")),
                )
                if r:
                    return r, signal
            elif isinstance(rr, (str, int, float)):
                r = parse_rating(str(rr)) or rating_from_values(rr)
                if r:
                    return r, signal
    for el in HREVIEW_XPATH(page.root):
        for rel in CLASS_RATING_XPATH(el):
            r = parse_rating(rel.get("data-rating") or " ".join("".join(rel.itertext()).split()), best=5)
            if r:
                return r, "microdata"
    selector = page.hints.get("selectors", {}).get("rating")
    if selector:
        from parsel import Selector  # profile selectors are CSS, as site profiles write them

        text = " ".join(Selector(root=page.root).css(selector).xpath("string()").getall())
        r = parse_rating(text)
        if r:
            return r, "profile"
    found = rating_in_blocks(page.blocks)
    if found:
        return found[0], "text"
    return None, None


def _aggregate(nodes: list[tuple[dict[str, Any], dict[str, Any] | None, str | None]]) -> dict[str, Any] | None:
    for node, _, _ in nodes:
        agg = node.get("aggregateRating") if not types_of(node) & {"AggregateRating"} else node
        agg = agg[0] if isinstance(agg, list) and agg else agg
        if isinstance(agg, dict):
            r = rating_from_values(
                first_text(agg.get("ratingValue")),
                first_text(agg.get("bestRating")),
                first_text(agg.get("worstRating")),
            )
            if r:
                count = first_text(agg.get("ratingCount")) or first_text(agg.get("reviewCount"))
                try:
                    n = int(float(str(count).replace(",", ""))) if count else None
                except ValueError:
                    n = None
                return {"value": r.value, "best": r.best, "worst": r.worst, "count": n, "raw": r.raw}
    return None


def _item_reviewed(review: dict[str, Any] | None) -> dict[str, Any] | None:
    if not review:
        return None
    item = review.get("itemReviewed")
    item = item[0] if isinstance(item, list) and item else item
    if isinstance(item, str):
        return {"name": item.strip() or None, "type": None, "year": None}
    if not isinstance(item, dict):
        return None
    name = first_text(item.get("name"))
    types = sorted(types_of(item))
    year = None
    for key in ("dateCreated", "datePublished", "releaseDate", "copyrightYear", "startDate"):
        m = re.match(r"\s*(\d{4})", str(first_text(item.get(key)) or ""))
        if m:
            year = int(m.group(1))
            break
    if not name and not types:
        return None
    return {"name": name, "type": types[0] if types else None, "year": year}


def _language(page: _Page) -> tuple[str | None, str | None]:
    for value, signal in (
        (page.head.lang, "meta"),
        ((page.head.get("content-language", "og:locale", "dc.language", "language") or (None, None))[1], "meta"),
        (page.hints.get("language"), "profile"),
    ):
        if value:
            m = LANG_RE.match(value.strip())
            if m:
                lang = m.group(1).lower()
                return (f"{lang}-{m.group(2).upper()}" if m.group(2) and len(m.group(2)) == 2 else lang), signal
    return None, None


def _canonical(page: _Page) -> tuple[str | None, str | None]:
    for href in page.head.links.get("canonical", ()):
        url = absolute_url(page.url, href)
        if url:
            return url, "meta"
    og = page.head.get("og:url")
    if og:
        url = absolute_url(page.url, og[1])
        if url:
            return url, "meta"
    return page.url, "url"


def _text(page: _Page, review: dict[str, Any] | None, main: dict[str, Any] | None) -> tuple[str | None, str | None]:
    blocks = page.blocks
    body = "\n\n".join(blocks).strip()
    for node in (review, main):
        if node:
            t = first_text(node.get("reviewBody")) or first_text(node.get("articleBody"))
            if t and len(t) > len(body) * 0.8:
                return t, "jsonld"
    return (body or None), ("text" if body else None)


def extract_review(
    body: bytes | str,
    url: str,
    *,
    content_type: str | None = None,
    hints: dict[str, Any] | None = None,
    now: dt.datetime | None = None,
    root: etree._Element | None = None,
) -> Extraction:
    """Read one page. ``body`` is raw bytes (charset sniffed) or text; ``url`` its address.

    ``hints`` come from the site profile (language, date_order, CSS selectors per field);
    ``now`` is the fetch time (relative dates count from it, nothing may lie after it);
    ``root`` is an already parsed document, to avoid a second parse.
    """
    if root is None:
        root = parse_html(body, content_type)
    page = _Page(url=url, root=root, head=read_head(root), ld=jsonld_nodes(root), micro=[], hints=hints or {}, now=now)
    page.micro = microdata_nodes(root)
    micro_flat = _micro_flat(page.micro)
    out = Extraction(url=url)
    review = _own_review(page.ld)
    micro_review = _own_review(micro_flat)
    main = _main_node(page.ld)
    sources = out.sources

    def put(name: str, value: Any, signal: str | None) -> None:
        if value is not None and value != "":
            setattr(out, name, value)
            if signal:
                sources[name] = signal

    put("canonical_url", *_canonical(page))
    put("title", *_title(page, review or micro_review, main))
    put("author", *_author(page, review or micro_review, main))
    published, sig = _date(
        page, ("datePublished", "dateCreated", "uploadDate"), PUBLISHED_META, [review, micro_review, main], "published"
    )
    put("date_published", published.isoformat() if published else None, sig)
    modified, sig = _date(page, ("dateModified",), MODIFIED_META, [review, micro_review, main], "modified")
    if modified and published and modified.day < published.day:
        modified = None
    put("date_modified", modified.isoformat() if modified else None, sig)
    rating, sig = _rating(page, review, micro_review)
    aggregate, agg_signal = _aggregate(page.ld), "jsonld"
    if aggregate is None:
        aggregate, agg_signal = _aggregate(micro_flat), "microdata"
    put("aggregate_rating", aggregate, agg_signal)
    put("item_reviewed", _item_reviewed(review or micro_review), "jsonld" if review else "microdata")
    put("language", *_language(page))
    put("text", *_text(page, review, main))

    # archives and home pages: many entries or pagination links; og:type "website" is no article
    og_type = (page.head.get("og:type") or ("", ""))[1].lower()
    if review or micro_review or HREVIEW_XPATH(root):
        out.kind = "review"
    elif count_articles(root) > 2 or page.head.links.get("next") or page.head.links.get("prev"):
        out.kind = "listing"
    elif og_type == "website":
        out.kind = "page"
    elif rating is not None:
        out.kind = "review"
    if out.kind != "review":
        rating = None
    put("rating", rating, sig if rating else None)
    if (
        out.rating
        and out.aggregate_rating
        and sig != "jsonld"
        and out.rating.value == out.aggregate_rating["value"]
        and out.rating.best == out.aggregate_rating["best"]
    ):
        # a rating read from text that equals the readers' average is the average, quoted
        out.rating = None
        sources.pop("rating", None)
    return out
