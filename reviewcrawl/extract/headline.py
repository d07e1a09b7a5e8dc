"""The page's title: the visible headline, confirmed by the title the page declares.

Why the visible heading first: og:title, schema.org ``headline`` and ``<title>`` are often
SEO titles written for search results ("Slow Cooker Beef and Broccoli (Super Tender!) - Chef
Savvy"), while readers (and analysts) know the review by the ``<h1>`` above its text. The
``<h1>`` is trusted when a declared title supports it (shares most of its words), or when it is
the page's only article heading; otherwise the declared titles are used, with the site's name
cut off ("Ballerina review | The Reel Verdict" -> "Ballerina review").
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Iterable

from lxml import etree

from reviewcrawl.extract.document import join_url, split_url

__all__ = ["SEPARATORS_RE", "choose_title", "heading_text", "is_site_heading", "same_page_key", "strip_site_name"]

# (« and » need spaces around them to separate: «Liebe kennt keine Pause» is a quotation)
SEPARATORS_RE = re.compile(r"\s+[|–—·•»«›‹:/~-]{1,2}\s+|\s*[|•·›‹]\s*|\s+::\s+")
DOMAIN_RE = re.compile(r"^(?:www\.)?[\w-]+(?:\.[\w-]+)*\.[a-z]{2,6}$", re.IGNORECASE)
GENERIC_PARTS = frozenset({"blog archive", "home", "startseite", "news", "blog", "homepage", "accueil", "inicio"})
WORD_RE = re.compile(r"\w+")
NON_WORD_RE = re.compile(r"\W+")
ENTITY_RE = re.compile(r"&(?:#\d{2,5}|#x[0-9a-f]{2,4}|[a-z]{2,8});", re.IGNORECASE)
SECTION_SEPARATORS = " |:/»›"
# parts of a heading that are not the title: kickers above it, labels beside it
KICKER_RE = re.compile(
    r"kicker|overline|topline|toptitle|pretitle|overtitle|dachzeile|spitzmarke|roofline|eyebrow|supertitle|"
    r"subline|category|label|rubric|"
    r"breadcrumb|badge|tag|sr-only|screen-reader|visually-hidden|date|time|byline|author|rating|stars|score",
    re.IGNORECASE,
)
# a verdict in stars written into the heading's text: "Dune: Part Two review ★★★★☆"
STAR_GLYPHS_RE = re.compile(r"\s*[★☆✩✪✭✮⭐]+(?:\s*[★☆✩✪✭✮⭐]+)*\s*")
# containers whose headings belong to the site or to other content, not to this page's article
NOT_ARTICLE_RE = re.compile(
    r"(?:^|[\s_-])(?:site-title|site-name|site-branding|site-header|logo|brand|branding|masthead|navbar|nav|menu|"
    r"sidebar|widget|footer|comments?|related|modal|popup|cookie|newsletter)(?:$|[\s_-])",
    re.IGNORECASE,
)
ARTICLE_CLASS_RE = re.compile(r"(?:^|\s)(?:hentry|type-post|h-entry|post-\d+)(?:$|\s)")
ARTICLE_ITEMTYPE_RE = re.compile(r"schema\.org/(?:\w*Article|BlogPosting|\w*Review|Recipe)\b", re.IGNORECASE)
NOT_ARTICLE_TAGS = frozenset({"nav", "aside", "footer", "form"})


def _words(text: str) -> list[str]:
    return WORD_RE.findall(text.casefold())


def heading_text(h: etree._Element) -> str:
    """A heading's text without its kicker, label or screen-reader parts."""
    parts: list[str] = []
    if h.text:
        parts.append(h.text)
    for child in h:
        if isinstance(child.tag, str):
            marker = f"{child.get('class', '')} {child.get('id', '')}"
            if child.tag not in ("script", "style", "time") and not (marker.strip() and KICKER_RE.search(marker)):
                parts.append("".join(child.itertext()))
        if child.tail:
            parts.append(child.tail)
    text = " ".join(STAR_GLYPHS_RE.sub(" ", "".join(parts)).split())
    if text:
        return _cut_section_link(h, text)
    # a heading whose only text sits in a "breadcrumb-headline-title" span is that text
    return " ".join("".join(t for t in h.itertext() if t).split())


def _cut_section_link(h: etree._Element, text: str) -> str:
    """A heading that opens with a link to its section and the separator after it, in one element:
    "<div><a>Preps |</a></div> Title". The link is the section's name, not part of the title."""
    if (h.text or "").strip() or not len(h) or not isinstance(h[0].tag, str):
        return text
    first = h[0]
    link = first if first.tag == "a" else next(first.iter("a"), None)
    if link is None:
        return text
    label = " ".join("".join(first.itertext()).split())
    name = label.rstrip(SECTION_SEPARATORS).strip()
    if not name or " ".join("".join(link.itertext()).split()).rstrip(SECTION_SEPARATORS).strip() != name:
        return text
    if not text.startswith(label) or len(_words(name)) > 3:
        return text
    if label == name:
        return text  # the separator outside the link: "<a>Radiohead</a>: OK Computer" may be the title
    rest = text[len(label) :].strip()
    return rest if len(_words(rest)) >= 3 else text


def _is_article_container(el: etree._Element) -> bool:
    """An element that holds one post: WordPress's post_class() ("post-123 type-post hentry") or
    a schema.org Article/Review item."""
    if ARTICLE_CLASS_RE.search(el.get("class", "")):
        return True
    itemtype = el.get("itemtype")
    return bool(itemtype and ARTICLE_ITEMTYPE_RE.search(itemtype))


def is_site_heading(h: etree._Element, page_url: str) -> bool:
    """A heading that names the site: in the site header or nav, or all one link to the home page."""
    ancestors = h.iterancestors()
    for a in ancestors:
        if a.tag in ("article", "main", "body") or _is_article_container(a):
            # what wraps the article is the page's layout ("content-sidebar-wrap", a body class
            # "has-sidebar"), not a header or a widget the heading sits in; but a teaser's <article>
            # in an <aside> is still the aside's
            if any(o.tag in ("aside", "nav", "footer") for o in ancestors):
                return True
            break
        if a.tag in NOT_ARTICLE_TAGS:
            return True
        marker = f"{a.get('class', '')} {a.get('id', '')}"
        if marker.strip() and NOT_ARTICLE_RE.search(marker):
            return True
    marker = f"{h.get('class', '')} {h.get('id', '')}"
    if marker.strip() and NOT_ARTICLE_RE.search(marker):
        return True
    links = list(h.iter("a"))
    if len(links) == 1:
        href = (links[0].get("href") or "").strip()
        path = split_url(href).path if href else None
        host = split_url(href).hostname
        same_site = host is None or host == split_url(page_url).hostname
        if path in ("", "/", "/index.html", "/index.php") and same_site:
            return True
    return False


def _similarity(heading: str, declared: str) -> float:
    """Shared words over the longer of the two, against the declared title or any of its parts."""
    hw = set(_words(heading))
    if not hw:
        return 0.0
    if len(heading) >= 8 and heading.casefold() in declared.casefold():
        return 1.0  # also where words are not spaced: "注意喚起" in "注意喚起：IPA 独立行政法人"
    best = 0.0
    for variant in [declared, *SEPARATORS_RE.split(declared)]:
        vw = set(_words(variant))
        if vw:
            best = max(best, len(hw & vw) / max(len(hw), len(vw)))
    return best


@functools.lru_cache(maxsize=4096)
def _compact(text: str) -> str:
    return NON_WORD_RE.sub("", text)


def _is_site_name(part: str, site_names: set[str]) -> bool:
    folded = part.strip().casefold()
    if not folded:
        return True
    if folded in site_names or folded in GENERIC_PARTS or DOMAIN_RE.match(folded):
        return True
    compact = _compact(folded)
    for name in site_names:
        name_compact = _compact(name)
        if len(name_compact) >= 3 and (compact == name_compact or (len(compact) >= 4 and compact in name_compact)):
            return True
        if len(name_compact) >= 4 and name_compact in compact and len(compact) <= len(name_compact) + 12:
            return True
    return False


def strip_site_name(title: str, site_names: set[str], others: Iterable[str] = ()) -> str | None:
    """Cut the site's name off a declared title. ``others`` are the page's other declared titles:
    an end part they all share ("... | TechCrunch") is the site's name too."""
    title = " ".join(title.split())
    parts = SEPARATORS_RE.split(title)
    if len(parts) == 1:
        return None if _is_site_name(title, site_names) else title
    site = [i for i, p in enumerate(parts) if _is_site_name(p, site_names)]
    if site and 0 < site[0]:
        # "Post : Site | Site's motto | Founded 2005": what follows the site's name is the site's too
        kept = parts[: site[0]]
    else:
        kept = [p for p in parts if not _is_site_name(p, site_names)]
    if len(kept) == len(parts):
        # nothing known: an end part shared with another declared title is the site's name
        for other in others:
            other = " ".join(other.split())
            if other.casefold().endswith(title.casefold()) or title.casefold().endswith(other.casefold()):
                continue  # "Blog: Post - Subtitle" beside "Post - Subtitle": the difference is in front
            other_parts = SEPARATORS_RE.split(other)
            if len(other_parts) > 1 and other_parts[-1].casefold() == parts[-1].casefold():
                kept = parts[:-1]
                break
    if not kept:
        return None
    if len(kept) == len(parts):
        return title
    # keep the original separators between kept neighbours
    first, last = kept[0], kept[-1]
    start = title.find(first)
    end = title.rfind(last) + len(last)
    return title[start:end].strip() if start >= 0 and end > start else " ".join(kept)


def _cut_site_suffix(text: str, site_names: set[str]) -> str:
    """A heading ending in the site's own name or domain, exactly: "Post title | FASSETTE.NET"."""
    while True:
        separators = list(SEPARATORS_RE.finditer(text))
        if not separators:
            return text
        last = separators[-1]
        tail = text[last.end() :].strip()
        if not tail or not (tail.casefold() in site_names or DOMAIN_RE.match(tail)):
            return text
        text = text[: last.start()].strip()


def same_page_key(url: str | None) -> str | None:
    """A URL without its scheme, fragment and trailing slash: two links to one page match."""
    if not url:
        return None
    parts = split_url(url)
    return f"{parts.netloc.lower()}{parts.path.rstrip('/')}?{parts.query}"


def _links_elsewhere(h: etree._Element, page_url: str) -> bool:
    """A heading that is all one link to another page of the same site: a teaser for another story
    ("<a href=/story/42><h1>...</h1></a>")."""
    links = [a for a in h.iter("a") if a.get("href")]
    wrapping = [a for a in h.iterancestors() if a.tag == "a" and a.get("href")][:1]
    if len(links) + len(wrapping) != 1:
        return False
    link = (links or wrapping)[0]
    if links and " ".join("".join(link.itertext()).split()) != heading_text(h):
        return False
    target = join_url(page_url, (link.get("href") or "").strip())
    if split_url(target).hostname != split_url(page_url).hostname:
        return False
    return same_page_key(target) != same_page_key(page_url)


MAX_TITLE = 1000  # the record schema's maxLength: a longer "title" (an unclosed <title>) is no headline


def choose_title(
    headings: list[etree._Element],
    declared: list[tuple[str, str]],
    site_names: set[str],
    page_url: str,
    supported_only: bool = False,
) -> tuple[str | None, str | None]:
    """The title and the signal it came from; declared = [(text, signal)] in order of trust.
    supported_only: the headings are weaker ones (<h2>s), taken only where a declared title agrees."""
    # a CMS that escapes twice writes "Australia&amp;#039;s" into its meta: the reader sees "Australia's"
    declared = [(html.unescape(t) if ENTITY_RE.search(t) else t, signal) for t, signal in declared]
    candidates: list[str] = []
    owner: dict[str, etree._Element] = {}
    stripped: dict[str, str | None] = {}
    in_parts: set[str] = set()
    texts = list(dict.fromkeys(t for t, _ in declared))
    chrome = [is_site_heading(h, page_url) for h in headings]
    htexts = [heading_text(h) for h in headings]
    # a "site name" holding the page's own heading is a CMS writing the title into og:site_name or
    # application-name ("Land zahlt Prämie für Wildschweine | Ministerium"): not the site's name
    shown = [t.casefold() for t, c in zip(htexts, chrome, strict=True) if not c]
    shown = [t for t in shown if len(_words(t)) >= 4]
    site_names = {n for n in site_names if not any(t in n for t in shown)}
    for htext, is_chrome in zip(htexts, chrome, strict=True):
        if is_chrome:
            # the blog's name in its header <h1>, where a declared title ends with it: "Post | Blog name"
            text = htext.casefold()
            firsts = [SEPARATORS_RE.split(t)[0].casefold() for t in texts]
            lasts = [p.casefold() for t in texts for p in SEPARATORS_RE.split(t)[1:]]
            if text and text in lasts and text not in firsts:
                site_names.add(text)
    folded = {" ".join(t.split()).casefold() for t in texts}
    for h, text, is_chrome in zip(headings, htexts, chrome, strict=True):
        if is_chrome and not (
            len(_words(text)) >= 4 and text.casefold() in folded and strip_site_name(text, site_names) == text
        ):
            # (a heading in the page's header or breadcrumb that is a whole declared title, and no
            # site name, is the title)
            continue
        text = _cut_site_suffix(text, site_names)  # "Post title | FASSETTE.NET"
        whole = text.casefold() in folded and text.casefold() not in site_names
        if 2 <= len(text) <= 300 and (whole or not _is_site_name(text, site_names)):
            candidates.append(text)
            owner.setdefault(text, h)
            # a heading in parts (a kicker span, then the title span): each part may be the title
            parts = [" ".join("".join(c.itertext()).split()) for c in h if isinstance(c.tag, str)]
            parts = [p for p in parts if len(p) >= 8 and p != text]
            if len(parts) >= 2:
                candidates.extend(parts)
                in_parts.update(parts)
    if candidates:
        # support from the declared titles without the site's name: "Creative Commons" in the
        # heading "How Creative Commons licences work" is no support from "How it works - Creative Commons"
        stripped = {t: strip_site_name(t, site_names, texts) for t in texts}
        supports = [stripped[t] or t for t in texts]
        # ties (two headings each matching some declared title) go to the heading that is a whole
        # declared title over one that is only a part of one ("detail" in "Foundation - detail")
        scored = [
            (
                max((_similarity(c, d) for d in supports), default=0.0),
                c not in in_parts and c.casefold() in folded,
                -i,
                c,
            )
            for i, c in enumerate(dict.fromkeys(candidates))
        ]
        support, _, _, best = max(scored)
        if support >= 0.5:
            return best, "text"
        # a lone heading no declared title supports is still the title, unless it runs to a paragraph
        # (a registration notice in an <h1>): no headline in the wild has more than ~25 words
        lone = len(set(candidates)) == 1 and (not texts or 3 <= len(_words(best)) <= 25)
        # (nor where it is all one link to another story, and the page declares a title of its own)
        declares = any(stripped[t] for t in texts)
        if not supported_only and lone and not (declares and _links_elsewhere(owner[best], page_url)):
            return best, "text"
    for text, signal in declared:
        cleaned = stripped[text] if text in stripped else strip_site_name(text, site_names, texts)
        if cleaned and 2 <= len(cleaned) <= MAX_TITLE:
            return cleaned, signal
    return None, None
