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

from lxml import etree

from reviewcrawl.extract.byline import (
    AUTHOR_MARKER_RE,
    ORG_TYPES,
    byline_candidates,
    byline_in_segments,
    byline_in_text,
    person_names,
)
from reviewcrawl.extract.content import main_container, rating_in_blocks, text_blocks
from reviewcrawl.extract.document import absolute_url, parse_html, split_url
from reviewcrawl.extract.headline import choose_title, heading_text, is_site_heading, same_page_key
from reviewcrawl.extract.jsonld import first_text, jsonld_nodes, types_of
from reviewcrawl.extract.meta import HeadMeta, microdata_nodes, rdfa_nodes, read_head
from reviewcrawl.extract.scan import PageScan, marker_hit, scan
from reviewcrawl.extract.stars import rating_from_element
from reviewcrawl.parsing.authors import normalize_author
from reviewcrawl.parsing.dates import ParsedDate, parse_date, search_date
from reviewcrawl.parsing.rating import Rating, parse_rating, rating_from_values

__all__ = ["Extraction", "extract_review"]

REVIEW_TYPES = frozenset({"Review", "CriticReview", "UserReview", "EmployerReview", "ClaimReview"})
ARTICLE_TYPES = frozenset(
    {"Article", "NewsArticle", "BlogPosting", "Blog", "ReportageNewsArticle", "AnalysisNewsArticle",
     "OpinionNewsArticle", "ReviewNewsArticle", "TechArticle", "ScholarlyArticle", "WebPage",
     "SocialMediaPosting", "LiveBlogPosting", "Report", "Recipe", "HowTo", "ItemPage"}
)  # fmt: skip
# parents whose nested reviews are readers', not the page's
USER_REVIEW_PARENTS = frozenset({"Recipe", "LocalBusiness", "Restaurant", "Place", "Course", "SoftwareApplication"})

URL_DATE_RE = re.compile(r"/((?:19|20)\d{2})[/_-](0?[1-9]|1[0-2])[/_-](0?[1-9]|[12]\d|3[01])(?:/|[_-]|$)")
# other dates a path spells out: /20200428/slug (year, month, day run together), /meldungen/29-10-2021
URL_COMPACT_DATE_RE = re.compile(r"/((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?:/|[_-]|\.html?$|$)")
URL_DMY_DATE_RE = re.compile(r"/(0?[1-9]|[12]\d|3[01])[._-](0?[1-9]|1[0-2])[._-]((?:19|20)\d{2})(?:/|[_-]|\.html?$|$)")
CLASS_RATING_XPATH = etree.XPath(".//*[contains(@class, 'rating') or contains(@class, 'p-rating') or @data-rating]")
COMMENT_ANCESTOR_RE = re.compile(
    r"(?:^|[\s_-])(?:comments?|commentlist|comment-list|respond|reply|replies|related|sidebar|widget|site-footer|"
    r"colophon|teasers?|recommended|recommendations?|popular|trending)(?:$|[\s_-])",
    re.I,
)
DATE_MARKER_RE = re.compile(
    r"date|time|publish|posted|datum|fecha|dateline|stamp|meta|byline|info|data|published|created", re.I
)
META_LINE_RE = re.compile(r"meta|info|details|posted|dateline|credit|header|subline|byline", re.I)
STRONG_DATE_MARKER_RE = re.compile(r"date|datum|fecha|publish|posted|dateline|created|time", re.I)
PARSELY_PUB_RE = re.compile(r'"pub_date"\s*:\s*"([^"]+)"')
UPDATED_RE = re.compile(r"updated|modified|aktualisiert|edit|last-mod", re.I)
TITLE_MARKER_RE = re.compile(
    r"(?:^|[\s_-])(?:entry-title|post-title|article-title|headline|p-name|title)(?:$|[\s_-])", re.I
)
DOMAIN_LIKE_RE = re.compile(r"^[\w-]+(?:\.[\w-]+)*\.[a-z]{2,6}$", re.I)
DMY_REGIONS = frozenset({"GB", "AU", "NZ", "IE", "IN", "ZA", "SG"})
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
    #: what was invalid in the page's structured data (JSON-LD that is no JSON, wrong types)
    problems: list[str] = field(default_factory=list)

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
    scan: PageScan
    head: HeadMeta
    ld: list[tuple[dict[str, Any], dict[str, Any] | None, str | None]]
    hints: dict[str, Any]
    now: dt.datetime | None
    heading: etree._Element | None = None
    _blocks: list[str] | None = None
    _container: etree._Element | None = None
    _scope: etree._Element | None = None
    _scoped: bool = False
    _lang: str | None = None
    _date_elements: list[etree._Element] | None = None
    #: _not_other_content's answers by ancestor
    outside_memo: dict[etree._Element, bool] = field(default_factory=dict)
    #: _date_place's answers by (ancestor, in scope), for this heading and scope
    _place_memo: dict[Any, bool] = field(default_factory=dict)
    _place_memo_for: tuple[etree._Element | None, etree._Element | None] | None = None

    @property
    def container(self) -> etree._Element | None:
        if self._container is None:
            self._container = main_container(self.scan, self.root)
        return self._container

    @property
    def blocks(self) -> list[str]:
        if self._blocks is None:
            c = self.container
            self._blocks = list(text_blocks(c)) if c is not None else []
        return self._blocks

    @property
    def scope(self) -> etree._Element | None:
        """The article around the heading: the nearest element holding both heading and body."""
        if not self._scoped:
            self._scoped = True
            container, heading = self.container, self.heading
            if heading is not None and container is not None:
                # the list keeps the proxies alive: lxml reuses a live proxy, so ids stay unique
                heading_ancestors = list(heading.iterancestors())
                ancestors = {id(a) for a in heading_ancestors}
                for a in [container, *container.iterancestors()]:
                    if id(a) in ancestors or a is heading:
                        self._scope = a if a.tag not in ("body", "html") else None
                        break
            elif container is not None and container.tag not in ("body", "html"):
                self._scope = container
        return self._scope

    def date_opts(self) -> dict[str, Any]:
        langs = self.hints.get("languages")
        order = self.hints.get("date_order")
        if not langs and self._lang:
            langs = [self._lang.split("-")[0]]
        if not order and self._lang:
            lang, _, region = self._lang.partition("-")
            if lang == "en":
                order = "MDY" if region == "US" else ("DMY" if region in DMY_REGIONS else None)
            elif lang not in ("zh", "ja", "ko", "hu", "lt"):
                order = "DMY"
        return {"languages": tuple(langs) if langs else None, "date_order": order, "now": self.now}


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
    """The page's article node: an article type other than WebPage first, top-level first."""
    ranked = []
    for i, (node, parent, key) in enumerate(nodes):
        types = types_of(node)
        if not types & ARTICLE_TYPES or key in ("review", "reviews", "comment", "hasPart", "relatedLink"):
            continue
        ranked.append(("WebPage" in types and len(types) == 1, parent is not None, i, node))
    return min(ranked, key=lambda x: x[:3])[3] if ranked else None


def _article_nodes(nodes: list[tuple[dict[str, Any], dict[str, Any] | None, str | None]]) -> list[dict[str, Any]]:
    return [n for n, _, key in nodes if types_of(n) & ARTICLE_TYPES and key not in ("review", "reviews", "comment")]


COPYRIGHT_NOISE_RE = re.compile(r"copyright|\(c\)|©|\b(?:19|20)\d\d\b|[-–]|all rights reserved\.?", re.IGNORECASE)


def _site_names(page: _Page, with_host: bool = False) -> set[str]:
    """Names the site goes by; with_host adds the host's labels (for titles, never for
    authors: a personal blog's handle is often its host name)."""
    names = set()
    for key in ("og:site_name", "application-name", "twitter:site", "publisher", "dc.publisher"):
        for v in page.head.meta.get(key, ()):
            names.add(v.strip().lstrip("@").casefold())
    for key in ("copyright", "dcterms.rightsholder", "rights"):  # "Copyright (c) Condé Nast 2022"
        for v in page.head.meta.get(key, ()):
            holder = COPYRIGHT_NOISE_RE.sub(" ", v)
            holder = " ".join(holder.split()).strip(" .,")
            if holder and len(holder) <= 60:
                names.add(holder.casefold())
    for node, _, _ in page.ld:
        if types_of(node) & ORG_TYPES:
            name = first_text(node.get("name"))
            if name:
                names.add(name.casefold())
    if with_host:
        for part in (split_url(page.url).hostname or "").split("."):
            if len(part) > 3:
                names.add(part.casefold())
    return names


# --- fields -----------------------------------------------------------------------------------


def _headings(page: _Page) -> list[etree._Element]:
    """The page's <h1>s; without any, headline-marked elements (entry-title, itemprop=headline)."""
    if page.scan.h1s:
        return page.scan.h1s
    found = [el for el in page.scan.itemprops if el.get("itemprop") == "headline" and el.tag != "meta"]
    found += [
        el
        for el, marker in page.scan.hinted
        if TITLE_MARKER_RE.search(marker) and el.tag in ("h2", "h3", "div", "span", "p", "header")
    ]
    return found[:5]


def _title(page: _Page, review: dict[str, Any] | None, main: dict[str, Any] | None) -> tuple[str | None, str | None]:
    headings = _headings(page)
    recipe = None if review else _recipe_name(page)  # a review of a recipe keeps the review's headline
    if recipe:
        # a recipe page is about the dish: its schema.org name, not the post's dressed-up headline
        page.heading = next((h for h in headings if heading_text(h)), None)
        return recipe, "jsonld"
    declared: list[tuple[str, str]] = []
    for node in (review, main):
        if node:
            for key in ("headline", "name"):
                t = first_text(node.get(key))
                if t:
                    declared.append((t, "jsonld"))
                    break
    for key in ("og:title", "twitter:title", "dc.title", "dcterms.title", "title", "headline"):
        for v in page.head.meta.get(key, ()):
            if v:
                declared.append((v, "meta"))
                break
    if page.head.title:
        declared.append((page.head.title, "meta"))
    site_names = _site_names(page, with_host=True)
    title, signal = choose_title(headings, declared, site_names, page.url)
    if signal != "text" and declared and all(is_site_heading(h, page.url) for h in headings):
        # no article <h1> (none, or only the site's logo): the article's <h2>s and the <h2>s that
        # link to this very page (a classic blog's permalink heading), where a declared title agrees
        weaker = _weaker_headings(page)
        shown, shown_signal = choose_title(weaker, declared, site_names, page.url, supported_only=True)
        if shown_signal == "text":
            title, signal = shown, shown_signal  # (page.heading stays an <h1>, as the date and author cascades know)
    if signal == "text":
        page.heading = next((h for h in headings if heading_text(h) == title), None)
    if page.heading is None:
        page.heading = next((h for h in headings if heading_text(h)), None)
    return title, signal


def _weaker_headings(page: _Page) -> list[etree._Element]:
    found = [h for scope in (page.scan.articles or page.scan.mains)[:1] for h in scope.iter("h2")][:5]
    here = {same_page_key(page.url)}
    for href in page.head.links.get("canonical", ()):
        here.add(same_page_key(absolute_url(page.url, href)))
    for h in page.root.iter("h2", "h3"):
        links = list(h.iter("a"))
        if len(links) == 1 and h not in found and same_page_key(absolute_url(page.url, links[0].get("href"))) in here:
            found.append(h)
    return found


def _recipe_name(page: _Page) -> str | None:
    for node, _, key in page.ld:
        if "Recipe" in types_of(node) and key not in (
            "review",
            "reviews",
            "comment",
            "relatedLink",
            "hasPart",
            "itemReviewed",
            "about",
            "mentions",
        ):
            name = first_text(node.get("name"))
            if name and len(name) <= 200:
                return " ".join(name.split())
    return None


def _author_filter(page: _Page) -> Any:
    site_names = _site_names(page)

    def ok(name: str | None) -> str | None:
        if not name:
            return None
        kept = []
        for n in name.split(", "):
            folded = n.casefold()
            if folded in site_names or DOMAIN_LIKE_RE.match(n):
                continue
            kept.append(n)
        return ", ".join(kept) or None

    return ok


def _author(
    page: _Page, review: dict[str, Any] | None, main: dict[str, Any] | None, micro_main: dict[str, Any] | None
) -> tuple[str | None, str | None]:
    """The author fields first; a visible byline where they name nobody, or only a first name or a
    login ("Colleen" in the schema, "Colleen Christensen" under the heading)."""
    ok = _author_filter(page)
    declared, signal = _declared_author(page, ok, review, main, micro_main)
    if declared and not _weak_name(declared):
        return declared, signal
    if signal == "review-org":
        return None, None  # the review says it is by an organisation: no reviewer named
    visible = _visible_author(page, ok)
    if declared and not (visible and _fuller_name(declared, visible)):
        return declared, signal
    return (visible, "text") if visible else (None, None)


def _weak_name(name: str) -> bool:
    return " " not in name


def _fuller_name(weak: str, visible: str) -> bool:
    """ "Colleen" -> "Colleen Christensen", "Jennifer" -> "Jenn Segal", "staysnatched" -> "Brandi
    Crawford": a byline that names a whole person where the field had a first name or a login."""
    if " " not in visible or "," in visible:
        return False
    login = weak.islower() or any(c in weak for c in "._0123456789")
    return login or weak[:3].casefold() == visible[:3].casefold()


def _declared_author(
    page: _Page,
    ok: Any,
    review: dict[str, Any] | None,
    main: dict[str, Any] | None,
    micro_main: dict[str, Any] | None,
) -> tuple[str | None, str | None]:
    ids = {n["@id"]: n for n, _, _ in page.ld if isinstance(n.get("@id"), str)}
    nodes = [(review, "jsonld"), (main, "jsonld"), (micro_main, "microdata")]
    nodes += [(n, "jsonld") for n in _article_nodes(page.ld) if n is not main]
    for node, signal in nodes:
        if node and node.get("author") is not None:
            names, orgs, typed = person_names(node.get("author"), ids)
            name = normalize_author(names, declared=True) if typed else ok(normalize_author(names, declared=True))
            if name:
                return name, signal
            if orgs and node is review:
                return None, "review-org"
    found = page.head.get(
        "author", "article:author", "dc.creator", "dcterms.creator", "byl", "sailthru.author", "parsely-author"
    )
    if found and not found[1].startswith(("http://", "https://", "/")):
        given = normalize_author(found[1], declared=True)
        # "Giromatch, Frankfurt a. M., Germany": beside the site's name stands its address, not a person
        if given and ok(given) == given:
            return given, "meta"
    # Yoast and Slack's unfurl labels: twitter:label1 "Written by", twitter:data1 "Jane Doe"
    for i in "12":
        label = page.head.get(f"twitter:label{i}")
        data = page.head.get(f"twitter:data{i}")
        if label and data and WRITTEN_BY_RE.match(label[1]):
            name = ok(normalize_author(data[1], declared=True))
            if name:
                return name, "meta"
    # article:author given as the author's page: the link to it names them ("Jon Fingas")
    if found and found[1].startswith(("http://", "https://")):
        name = _author_link_text(page, found[1])
        if name:
            return ok(name), "text"
    return None, None


WRITTEN_BY_RE = re.compile(r"^(?:written by|author|by|geschrieben von|verfasst von|von|écrit par|escrito por)\b", re.I)


def _author_link_text(page: _Page, url: str) -> str | None:
    path = split_url(url).path.rstrip("/")
    if not path or path.count("/") < 1:
        return None
    for a in page.root.iter("a"):
        href = a.get("href")
        if href and href.rstrip("/").endswith(path) and len(a) <= 1:
            name = normalize_author(" ".join("".join(a.itertext()).split()))
            if name and " " in name:
                return name
    return None


def _visible_author(page: _Page, ok: Any) -> str | None:
    elements = [el for el in page.scan.itemprops if el.get("itemprop") == "author"]
    elements += page.scan.rel_author
    elements += page.scan.marked(AUTHOR_MARKER_RE)
    for text, el in byline_candidates(elements, page.scan.order, page.heading, page.scope)[:6]:
        if el.get("itemscope") is not None:
            names = [" ".join("".join(n.itertext()).split()) for n in el.iter() if n.get("itemprop") == "name"]
            text = names[0] if names else text
        name = ok(normalize_author(text))
        if name:
            return name
    meta_lines = page.scan.marked(META_LINE_RE)
    for el in _nearest(page, meta_lines)[:6]:
        text = " ".join("".join(el.itertext()).split())
        if len(text) <= 200:
            name = ok(byline_in_segments(text))
            if name:
                return name
    name = ok(byline_in_text(page.heading))
    if name:
        return name
    # a line of its own opening or closing the article: "Von Cosima Künzel", "By Jane Doe"
    blocks = page.blocks
    for text in blocks[:3] + blocks[-3:] if len(blocks) > 6 else blocks:
        if len(text) <= 80:
            name = ok(byline_in_segments(text))
            if name:
                return name
    return None


def _not_other_content(el: etree._Element, memo: dict[etree._Element, bool] | None = None) -> bool:
    """Outside comments, sidebars and related-post lists (the <body>'s own classes don't count:
    WordPress writes "comments-open" there).

    ``memo`` (one per page) keeps the answer for every ancestor walked: the walk up from an
    ancestor ends where the element's does, so elements sharing ancestors walk them once."""
    walked = []
    verdict = True
    for a in el.iterancestors():
        if memo is not None:
            known = memo.get(a)
            if known is not None:
                verdict = known
                break
            walked.append(a)
        if a.tag in ("body", "html"):
            break
        if a.tag in ("aside", "nav"):
            verdict = False
            break
        marker = f"{a.get('class', '')} {a.get('id', '')}"
        if marker != " " and marker_hit(COMMENT_ANCESTOR_RE, marker):
            verdict = False
            break
    if memo is not None:
        for a in walked:
            memo[a] = verdict
    return verdict


def _nearest(page: _Page, elements: list[etree._Element]) -> list[etree._Element]:
    """Elements outside comments and sidebars, those in the article first, nearest the heading first."""
    order = page.scan.order
    head_pos = order.get(page.heading, 0) if page.heading is not None else 0
    scope = page.scope
    ranked = []
    for el in elements:
        if not _not_other_content(el, page.outside_memo):
            continue
        in_scope = scope is not None and any(a is scope for a in el.iterancestors())
        ranked.append((0 if in_scope else 1, abs(order.get(el, head_pos) - head_pos), el))
    ranked.sort(key=lambda x: (x[0], x[1]))
    return [el for _, _, el in ranked]


# page furniture whose dates are the site's, not the article's: navigation bars and mastheads
# ("Mittwoch, 01. November 2023" above the menu is today's date), page headers and footers
# ("Aktuelle Zeit: 14.10.2020" under a forum thread)
NAV_MARKER_RE = re.compile(
    r"(?:^|[\s_-])(?:nav\w*|menu\w*|masthead|top-?bar|breadcrumbs?|related\w*|recirc\w*|ticker)(?:$|[\s_-])", re.I
)
INVARIANT_DATETIME_RE = re.compile(r"^\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2}(?::\d{2})?(?: [AP]M)?$", re.I)
# Blogger's column of posts is a "widget" like any sidebar box: <div class="widget Blog" id="Blog1">
BLOG_POSTS_WIDGET_RE = re.compile(r"(?:^|\s)widget\s+blog(?:$|\s)", re.I)
PUBLISHED_MARKER_RE = re.compile(r"published|datePublished|dateCreated", re.I)
AMBIGUOUS_NUMERIC_RE = re.compile(r"^(?:0?[1-9]|1[0-2])[/-](?:0?[1-9]|1[0-2])[/-]\d{2,4}$")
PAGE_FURNITURE_RE = re.compile(r"(?:^|\s)(?:(?:page|site|global|main)[-_]?)?(?:header|footer)(?:$|\s)", re.I)


_OTHER_CONTENT_CACHE: dict[str, bool] = {}


def _other_content_marker(marker: str) -> bool:
    hit = _OTHER_CONTENT_CACHE.get(marker)
    if hit is None:
        if len(_OTHER_CONTENT_CACHE) > 50_000:
            _OTHER_CONTENT_CACHE.clear()
        hit = _OTHER_CONTENT_CACHE[marker] = bool(
            COMMENT_ANCESTOR_RE.search(marker) or NAV_MARKER_RE.search(marker) or PAGE_FURNITURE_RE.search(marker)
        )
    return hit


def _date_place(
    el: etree._Element,
    holders: set[int],
    scope: etree._Element | None,
    memo: dict[Any, bool] | None = None,
) -> int | None:
    """0 for a date element in the article, 1 elsewhere on the page, None in comments, sidebars,
    navigation and the page's own header and footer.

    ``holders`` are the ids of the heading's ancestors: a container that holds the headline is the
    article's (Blogger wraps the whole post list in a "widget"), whatever its class says. Headers
    and footers count only outside the article (``scope``): a post's own footer carries its date.

    ``memo`` (one per page, heading and scope) keeps, per ancestor and in-scope flag, whether the
    walk up from that ancestor rules the element out, and (flag None) whether the scope is that
    ancestor or above it: elements sharing ancestors walk them once.
    """
    if memo is None:
        ancestors = list(el.iterancestors())
        in_scope = scope is not None and any(a is scope for a in ancestors)
    else:
        in_scope = _scope_above(el, scope, memo)
    walked = []
    excluded = False
    for a in el.iterancestors() if memo is not None else ancestors:
        if memo is not None:
            key = (a, in_scope)
            known = memo.get(key)
            if known is not None:
                excluded = known
                break
            walked.append(key)
        tag = a.tag
        if tag in ("body", "html"):
            break
        if id(a) in holders:
            continue
        if tag == "nav":
            excluded = True
            break
        if tag in ("aside", "header") or (tag == "footer" and not in_scope):
            if not any(b.tag == "article" for b in a.iterancestors()):
                excluded = True
                break
        marker = f"{a.get('class', '')} {a.get('id', '')}"
        if marker != " " and _other_content_marker(marker) and not BLOG_POSTS_WIDGET_RE.search(marker):
            excluded = True
            break
    if memo is not None:
        for key in walked:
            memo[key] = excluded
    if excluded:
        return None
    return 0 if in_scope else 1


def _scope_above(el: etree._Element, scope: etree._Element | None, memo: dict[Any, bool]) -> bool:
    """Whether ``scope`` is an ancestor of ``el``; ``memo`` keeps the answer per ancestor walked
    (under the key (ancestor, None): whether scope is that ancestor or above it)."""
    if scope is None:
        return False
    walked = []
    found = False
    for a in el.iterancestors():
        if a is scope:
            found = True
            break
        key = (a, None)
        known = memo.get(key)
        if known is not None:
            found = known
            break
        walked.append(key)
    for key in walked:
        memo[key] = found
    return found


def _dated_nearest(page: _Page, elements: list[etree._Element], limit: int = 0) -> list[etree._Element]:
    """Date elements of the article, those in the article first, nearest the heading first;
    the first ``limit`` of them (all with 0)."""
    order = page.scan.order
    head_pos = order.get(page.heading, 0) if page.heading is not None else 0
    scope = page.scope
    holder_list = list(page.heading.iterancestors()) if page.heading is not None else []
    holders = {id(a) for a in holder_list}  # the list keeps the proxies (and so their ids) alive
    by_distance = sorted(elements, key=lambda el: abs(order.get(el, head_pos) - head_pos))
    if page._place_memo_for != (page.heading, scope):
        page._place_memo_for, page._place_memo = (page.heading, scope), {}
    inside, outside = [], []
    for el in by_distance:
        place = _date_place(el, holders, scope, page._place_memo)
        if place == 0:
            inside.append(el)
            if len(inside) == limit:
                break  # the rest are farther: none of them would rank before these
        elif place == 1:
            outside.append(el)
    found = inside + outside
    return found[:limit] if limit else found


READERS_ITEM_PROPS = frozenset(
    {"review", "reviews", "comment", "comments", "answer", "suggestedAnswer", "acceptedAnswer"}
)


def _readers_item(el: etree._Element) -> bool:
    """An itemprop of a nested item that readers wrote: a product's reviews, a post's comments."""
    for a in el.iterancestors():
        if a.get("itemscope") is not None:
            return a.get("itemprop") in READERS_ITEM_PROPS
    return False


def _published_times(page: _Page, modified: bool) -> list[etree._Element]:
    times = []
    for el in page.scan.times:
        marker = f"{el.get('class', '')} {el.get('id', '')} {el.get('itemprop', '')}"
        # WordPress marks a never-edited post's one <time> "entry-date published updated": published
        updated = bool(UPDATED_RE.search(marker)) and not PUBLISHED_MARKER_RE.search(marker)
        if updated == modified:
            times.append(el)
    return _dated_nearest(page, times, 5)


def _shown_date(page: _Page) -> ParsedDate | None:
    """The publication day as the page shows it to the reader: the text of the article's first
    <time> (or date-marked element) that spells out a whole date. Not its datetime attribute:
    that is often UTC, a day off the day the site printed."""
    order = page.date_opts()["date_order"]
    scope, heading = page.scope, page.heading
    head_pos = page.scan.order.get(heading, 0) if heading is not None else 0
    for el in _published_times(page, False) + _date_elements(page)[:24]:
        if el.tag == "meta":
            continue
        text = " ".join(" ".join(el.itertext()).split())
        if len(text) > 200:
            continue
        d = search_date(text, date_order=order, now=page.now, human=True)
        if d is None:
            continue
        if AMBIGUOUS_NUMERIC_RE.match(d.raw):
            return None  # 11/01/2021: the page's own order is a guess, the declared date is not
        if page.scan.order.get(el, 0) < head_pos and not (
            scope is not None and any(a is scope for a in el.iterancestors())
        ):
            return None  # above the headline and outside the article: the masthead's today
        return d
    return None


def _date_elements(page: _Page) -> list[etree._Element]:
    """Elements that may hold the article's date, best first: date-marked ones, then weaker
    markers (meta, info), then bylines; each group nearest the heading first."""
    if page._date_elements is None:
        page._date_elements = _find_date_elements(page)
    return page._date_elements


# the scan's markers are lower-cased already: the same patterns without IGNORECASE (~10x faster)
_DATE_MARKER_LC = re.compile(DATE_MARKER_RE.pattern)
_STRONG_DATE_MARKER_LC = re.compile(STRONG_DATE_MARKER_RE.pattern)
_UPDATED_LC = re.compile(UPDATED_RE.pattern)
_AUTHOR_MARKER_LC = re.compile(AUTHOR_MARKER_RE.pattern)
_DATE_MARKER_CACHE: dict[str, int] = {}
_STRONG, _WEAK, _BYLINE = 1, 2, 3


def _date_marker_kind(marker: str) -> int:
    """What a class/id says about dates: 1 a date, 2 maybe a date (meta, info), 3 a byline, 0 none."""
    kind = _DATE_MARKER_CACHE.get(marker)
    if kind is None:
        if len(_DATE_MARKER_CACHE) > 50_000:
            _DATE_MARKER_CACHE.clear()
        if _DATE_MARKER_LC.search(marker) and not _UPDATED_LC.search(marker):
            kind = _STRONG if _STRONG_DATE_MARKER_LC.search(marker) else _WEAK
        else:
            kind = _BYLINE if _AUTHOR_MARKER_LC.search(marker) else 0
        _DATE_MARKER_CACHE[marker] = kind
    return kind


def _find_date_elements(page: _Page) -> list[etree._Element]:
    strong, weak, bylines = [], [], []
    groups = (None, strong, weak, bylines)
    for el, marker in page.scan.hinted:
        kind = _date_marker_kind(marker)
        if kind and el.tag not in ("time", "body", "html"):
            groups[kind].append(el)  # (a byline often carries the date: "von Fred Hüning 31.10.2023")
    strong += [
        el
        for el in page.scan.itemprops
        if el.get("itemprop") in ("datePublished", "dateCreated") and not _readers_item(el)
    ]
    return _dated_nearest(page, strong, 12) + _dated_nearest(page, weak, 12) + _dated_nearest(page, bylines, 6)


def _visible_date(page: _Page, modified: bool) -> tuple[ParsedDate | None, str | None]:
    """A date the reader sees: <time>, date-marked elements, bylines, near the heading."""
    opts = page.date_opts()
    for el in _published_times(page, modified):
        d = parse_date(el.get("datetime"), **opts) if el.get("datetime") else None
        # the day printed wins over a datetime attribute that names another day (a later edit, UTC)
        shown = search_date(" ".join(el.itertext()), date_order=opts["date_order"], now=page.now, human=True)
        if shown and (d is None or shown.day != d.day) and not AMBIGUOUS_NUMERIC_RE.match(shown.raw):
            d = shown
        if d:
            return d, "text"
    if modified:
        return None, None
    holders = list(page.heading.iterancestors()) if page.heading is not None else []
    for el in _date_elements(page):
        # microformats put the machine date in an <abbr title> (Blogger: <abbr class="published" title=...>)
        value = el.get("content") or el.get("datetime") or (el.get("title") if el.tag == "abbr" else None)
        d = parse_date(value, **opts) if value else None
        if d is None:
            text = " ".join(" ".join(el.itertext()).split())
            if len(text) > 200:
                if any(a is el for a in holders):
                    continue  # the whole post (WordPress marks it "status-publish")
                # a long meta line ("Dieser Beitrag wurde am Samstag, 3. Dezember 2011 ... veröffentlicht
                # und unter ... abgelegt"): its opening only
                text = text[:100]
            d = search_date(text, date_order=opts["date_order"], now=page.now)
        if d:
            return d, "text"
    d = _url_date(page.url, page.now)
    if d:
        return d, "url"
    return _date_near_heading(page)


def _url_date(url: str, now: dt.datetime | None = None) -> ParsedDate | None:
    """The day a path spells out: /2025/06/07/, /2025-06-07-slug, /20250607/, /07-06-2025."""
    path = split_url(url).path
    m = URL_DATE_RE.search(path) or URL_COMPACT_DATE_RE.search(path)
    if m:
        y, mo, d = m.group(1), m.group(2), m.group(3)
    else:
        m = URL_DMY_DATE_RE.search(path)
        if not m:
            return None
        d, mo, y = m.group(1), m.group(2), m.group(3)
    return parse_date(f"{y}-{int(mo):02d}-{int(d):02d}", now=now)


def _date_near_heading(page: _Page) -> tuple[ParsedDate | None, str | None]:
    """A date written in the lines around the heading ("Samstag, 5. Oktober 2013" above a blog post)."""
    area = page.heading.getparent() if page.heading is not None else None
    order = page.date_opts()["date_order"]
    for _ in range(3):
        if area is None or area.tag in ("body", "html"):
            return None, None
        text = " ".join(" ".join(area.itertext()).split())
        d = search_date(text[:1500], date_order=order, now=page.now)
        if d:
            return d, "text"
        if len(text) > 1500:
            return None, None
        area = area.getparent()
    return None, None


def _date(
    page: _Page,
    keys: tuple[str, ...],
    meta_keys: tuple[str, ...],
    nodes: tuple[list[dict[str, Any] | None], list[dict[str, Any] | None]],
    modified: bool,
) -> tuple[ParsedDate | None, str | None]:
    d, signal = _declared_date(page, keys, meta_keys, nodes, modified)
    if d is None:
        return _visible_date(page, modified)
    if not modified:
        shown = _shown_date(page)
        if shown is not None and shown.day != d.day:
            return shown, "text"
    return d, signal


def _declared_date(
    page: _Page,
    keys: tuple[str, ...],
    meta_keys: tuple[str, ...],
    nodes: tuple[list[dict[str, Any] | None], list[dict[str, Any] | None]],
    modified: bool,
) -> tuple[ParsedDate | None, str | None]:
    opts = page.date_opts()
    ld_nodes, micro_nodes = nodes
    d = _node_date(ld_nodes, keys, opts)
    if d:
        return d, "jsonld"
    for key in meta_keys:
        for v in _meta_values(page, key):
            # "11/01/2023 12:43:42" in a meta is a program's invariant format: month first
            d = parse_date(v, **(opts | {"date_order": "MDY"} if INVARIANT_DATETIME_RE.match(v) else opts))
            if d:
                return d, "meta"
    if not modified:
        for v in page.head.meta.get("parsely-page", ()):
            m = PARSELY_PUB_RE.search(v)
            d = parse_date(m.group(1), **opts) if m else None
            if d:
                return d, "meta"
        # a site's own vocabulary: "five_hundred_pixels:uploaded", "cXenseParse:publishtime", "pub-date"
        for key, values in page.head.meta.items():
            if key not in meta_keys and OWN_PUBLISHED_META_RE.search(key):
                for v in values:
                    d = parse_date(v, **opts, fast_only=True)
                    if d:
                        return d, "meta"
    d = _node_date(micro_nodes, keys, opts)
    if d:
        return d, "microdata"
    return None, None


def _node_date(nodes: list[dict[str, Any] | None], keys: tuple[str, ...], opts: dict[str, Any]) -> ParsedDate | None:
    for node in nodes:
        if node:
            for key in keys:
                d = parse_date(first_text(node.get(key)), **opts)
                if d:
                    return d
    return None


def _meta_values(page: _Page, key: str) -> list[str]:
    """A head meta's values; for schema.org names only <meta name=...>: an itemprop <meta> in the
    body belongs to whichever item holds it (a reader's review, a comment), read as microdata."""
    if key not in ("datepublished", "datemodified"):
        return page.head.meta.get(key, [])
    return [
        " ".join((el.get("content") or el.get("value") or "").split())
        for el in page.scan.metas
        if (el.get("name") or el.get("property") or "").lower() == key
    ]


PUBLISHED_META = ("article:published_time", "og:published_time", "datepublished", "dc.date.issued",
                  "dcterms.issued", "dc.date", "dcterms.date", "date", "pubdate", "publish-date",
                  "publish_date", "sailthru.date", "parsely-pub-date", "article.published", "citation_publication_date")  # fmt: skip
OWN_PUBLISHED_META_RE = re.compile(
    r"(?:^|[:._-])(?:published|publish|pub|uploaded|upload|created|creation|release)[-_.]?(?:date|time|at|on)?$"
)
MODIFIED_META = ("article:modified_time", "og:updated_time", "datemodified", "dcterms.modified", "last-modified")


HREVIEW_RE = re.compile(r"(?:^|\s)h-?review(?:$|\s)", re.IGNORECASE)


def _hreviews(page: _Page) -> list[etree._Element]:
    return page.scan.marked(HREVIEW_RE)


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
    for el in _hreviews(page):
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
    return _star_widget(page)


STAR_MARKER_RE = re.compile(r"star|rating|score|bubble|grade|verdict")
READERS_WIDGET_RE = re.compile(r"confirm|vote|voting|rate-?this|your|user|reader|visitor|average|aggregate|feedback")


def _readers_widget(el: etree._Element) -> bool:
    """A widget where readers vote ("rate this", "your rating"), not the reviewer's verdict."""
    inside = [n for i, n in zip(range(30), el.iterdescendants()) if isinstance(n.tag, str)]
    for node in [el, *list(el.iterancestors())[:3], *inside]:
        if READERS_WIDGET_RE.search(f"{node.get('class', '')} {node.get('id', '')}".lower()):
            return True
    return False


OVERALL_RE = re.compile(r"overall|total|final|verdict|summary|gesamt|global|fazit", re.I)


def _star_widget(page: _Page) -> tuple[Rating | None, str | None]:
    """A star widget in the article (star images, star bars, icon rows, data-rating): used when
    the article's widgets agree on one rating, or one of them is marked as the overall score."""
    area = page.scope if page.scope is not None else page.container
    if area is None or area.tag in ("body", "html"):
        return None, None
    if any(
        types_of(n) & {"Recipe", "Product", "AggregateRating"} or "aggregateRating" in n for n, _, _ in page.ld
    ) or any(
        re.search(r"Recipe|Product", el.get("itemtype") or el.get("typeof") or "")
        for el in page.scan.item_roots + page.scan.rdfa_roots
    ):
        return None, None  # widgets on recipe and product pages are the readers' stars
    # widgets are the article's elements whose class says star/rating, or that carry data-rating
    marked = page.scan.marked(STAR_MARKER_RE) + page.scan.data_rated
    widgets = []
    for el in marked:
        if len(widgets) >= 20 or not any(a is area for a in el.iterancestors()):
            continue
        r = rating_from_element(el)
        if r is not None and _not_other_content(el) and not _readers_widget(el):
            widgets.append((r, el))
    if not widgets:
        bare = _bare_score(page, marked, area)
        return (bare, "text") if bare else (None, None)
    values = {(r.value, r.best) for r, _ in widgets}
    if len(values) == 1:
        return widgets[0][0], "text"
    overall = [r for r, el in widgets if OVERALL_RE.search(f"{el.get('class', '')} {el.get('id', '')}")]
    if len({(r.value, r.best) for r in overall}) == 1:
        return overall[0], "text"
    return None, None  # several different scores (per dish, per chapter): none is the verdict


BARE_SCORE_RE = re.compile(r"^(?:10[.,]0|\d[.,]\d)$")
REVIEW_PAGE_RE = re.compile(r"review|rezension|kritik|critique|recensione|rese[ñn]a|recensie|anmeldelse", re.I)


def _calls_itself_a_review(page: _Page) -> bool:
    return bool(REVIEW_PAGE_RE.search(f"{split_url(page.url).path} {page.head.title or ''}"))


def _bare_score(page: _Page, marked: list[etree._Element], area: etree._Element) -> Rating | None:
    """A score alone in a score-marked element of a review ("<p class='Rating'>6.2</p>"): Pitchfork's
    and many magazines' tenths out of 10. Only on a page that calls itself a review, and only
    where every such element shows the same score."""
    if not _calls_itself_a_review(page):
        return None
    scores = set()
    for el in marked:
        text = "".join(el.itertext()).strip()
        if BARE_SCORE_RE.match(text) and any(a is area for a in el.iterancestors()) and not _readers_widget(el):
            scores.add(text.replace(",", "."))
    if len(scores) != 1:
        return None
    raw = scores.pop()
    return Rating(value=float(raw), best=10.0, worst=0.0, raw=raw)


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
                except (ValueError, OverflowError):  # "abc", "inf"
                    n = None
                if n is not None and n < 0:
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
        if m and int(m.group(1)) >= 1000:  # not "0000-00-00", a database's empty date
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


MAX_URL = 4096  # the record schema's maxLength: a longer canonical would get the record rejected


def _canonical(page: _Page) -> tuple[str | None, str | None]:
    for href in page.head.links.get("canonical", ()):
        url = absolute_url(page.url, href)
        if url and len(url) <= MAX_URL:
            return url, "meta"
    og = page.head.get("og:url")
    if og:
        url = absolute_url(page.url, og[1])
        if url and len(url) <= MAX_URL:
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
    ``root`` is an already parsed document, to avoid a second parse. A page without an address
    (``url`` None or empty) is read all the same; only what the URL would tell is missing.
    """
    url = url if isinstance(url, str) else ""
    if root is None:
        root = parse_html(body, content_type)
    found = scan(root)
    head = read_head(root, found)
    problems: list[str] = []
    page = _Page(
        url=url, root=root, scan=found, head=head, ld=jsonld_nodes(found.ld_scripts, problems), hints=hints or {},
        now=now,
    )  # fmt: skip
    micro_nodes = microdata_nodes(found) if found.item_roots else []
    micro_nodes += rdfa_nodes(found) if found.rdfa_roots else []
    micro_flat = _micro_flat(micro_nodes)
    out = Extraction(url=url, problems=problems)
    review = _own_review(page.ld)
    micro_review = _own_review(micro_flat)
    main = _main_node(page.ld)
    micro_main = _main_node(micro_flat)
    sources = out.sources

    def put(name: str, value: Any, signal: str | None) -> None:
        if value is not None and value != "":
            setattr(out, name, value)
            if signal:
                sources[name] = signal

    put("language", *_language(page))
    page._lang = out.language
    put("canonical_url", *_canonical(page))
    put("title", *_title(page, review or micro_review, main or micro_main))
    put("author", *_author(page, review or micro_review, main, micro_main))
    # JSON-LD, then the head's meta, then microdata (often a theme's leftover, or a comment's item)
    date_nodes = ([review, main], [micro_review, micro_main])
    published, sig = _date(page, ("datePublished", "dateCreated", "uploadDate"), PUBLISHED_META, date_nodes, False)
    modified, msig = _date(page, ("dateModified",), MODIFIED_META, date_nodes, True)
    if published is None and modified is not None and msig in ("jsonld", "meta"):
        published, sig = modified, msig
    put("date_published", published.isoformat() if published else None, sig)
    sig = msig
    if modified and published and modified.day < published.day:
        modified = None
    put("date_modified", modified.isoformat() if modified else None, sig)
    rating, sig = _rating(page, review, micro_review)
    aggregate, agg_signal = _aggregate(page.ld), "jsonld"
    if aggregate is None:
        aggregate, agg_signal = _aggregate(micro_flat), "microdata"
    put("aggregate_rating", aggregate, agg_signal)
    put("item_reviewed", _item_reviewed(review or micro_review), "jsonld" if review else "microdata")
    put("text", *_text(page, review, main))

    # archives and home pages: many entries or pagination links; og:type "website" is no article
    og_type = (page.head.get("og:type") or ("", ""))[1].lower()
    if review or micro_review or _hreviews(page):
        out.kind = "review"
    elif len(found.articles) > 2 or page.head.links.get("next") or page.head.links.get("prev"):
        out.kind = "listing"
    elif og_type == "website" and not (rating is not None and _calls_itself_a_review(page)):
        out.kind = "page"  # (many CMSs write "website" on every page: a review's URL or title outranks it)
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
