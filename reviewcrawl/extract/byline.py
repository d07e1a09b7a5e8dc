"""Who wrote the review: schema.org authors, author meta tags, then the byline the reader sees.

Why proximity: a page carries many bylines (related posts, comments, "more from" boxes); the
reviewer's is the one in the article around the page's heading, usually right below or above
it. Candidates are ranked by whether they sit in the article's scope, then by their distance
in document order from the heading. Organisations and the site's own name never count as a
reviewer, and a name that cannot be told apart from boilerplate is left out.
"""

from __future__ import annotations

import re
from itertools import islice
from typing import Any

from lxml import etree

from reviewcrawl.extract.jsonld import first_text, types_of
from reviewcrawl.extract.scan import marker_hit
from reviewcrawl.parsing.authors import normalize_author

__all__ = ["ORG_TYPES", "byline_candidates", "byline_in_segments", "byline_in_text", "person_names"]

ORG_TYPES = frozenset(
    {"Organization", "NewsMediaOrganization", "Corporation", "WebSite", "LocalBusiness", "Brand",
     "EducationalOrganization", "GovernmentOrganization", "NGO", "OnlineBusiness", "Store"}
)  # fmt: skip
AUTHOR_MARKER_RE = re.compile(
    r"(?:^|[\s_-])(?:by|byline|by-line|bylines|author|authors|author-name|authorname|post-author|entry-author|"
    r"article-author|p-author|writer|creator|autor|autoren|verfasser|auteur|autore)(?:$|[\s_-])|"
    r"author(?:name|text|link|info)?\b|byline",
    re.IGNORECASE,
)
# author boxes whose text is a biography, not a byline
BIO_RE = re.compile(r"bio|description|about|avatar|image|photo|img|follow|social|more-from|other", re.IGNORECASE)
# ancestors whose bylines belong to other content
OTHER_CONTENT_RE = re.compile(
    r"(?:^|[\s_-])(?:comments?|comment-list|respond|reply|replies|related|recommend\w*|sidebar|widget|"
    r"more|teaser|teasers|card|cards|promo|footer|nav|menu|popular|trending|latest|recent|list|"
    r"user-reviews?|reviews-list|testimonials?)(?:$|[\s_-])",
    re.IGNORECASE,
)
OTHER_CONTENT_TAGS = frozenset({"nav", "aside", "footer"})
# a whole short line that is a byline: "By Jane Doe", "Von Anna Müller | 7. Juni 2025"; never
# "directed by Len Wiseman" inside a sentence (the film's director, the book's author)
_NAME = r"[A-ZÀ-ÖØ-Þ@][\w'’.@-]+(?:\s+(?:[A-ZÀ-ÖØ-Þ][\w'’.-]+|de|van|von|der|den|da|di|la|le|y)){0,4}"
BY_LINE_RE = re.compile(
    r"^(?i:by|von|par|por|door|di|av|af|written by|posted by|reviewed by|words by|text:|autor:|author:|"
    r"autoren:?|authors:?)\s+"
    rf"(?P<name>{_NAME}(?:(?:\s*,\s*{_NAME})*\s*(?:&|\b(?:and|und|et|e|y|en)\b)\s*{_NAME})?)"
    r"(?:\s*(?:$|[|•·,–—])|\s+-|\s(?i:on|am|le|el|il|op)\s|\s\d)",  # not "Von Barzahler-Rabatten profitieren"
)


def person_names(value: Any, ids: dict[str, dict[str, Any]] | None = None) -> tuple[list[str], list[str], bool]:
    """Names of Person authors, names of the organisations given as authors, and whether every
    person's name comes from a node typed Person (a personal site's name may be its author's).

    ``ids`` resolves references ({"@id": ...}) to the graph's nodes, as Yoast's @graph writes them.
    """
    names: list[str] = []
    orgs: list[str] = []
    typed = True
    for v in value if isinstance(value, list) else [value]:
        if isinstance(v, dict) and ids and "@id" in v and ("@type" not in v or "name" not in v):
            v = ids.get(v["@id"], v) | {k: x for k, x in v.items() if k != "@id"}
        if isinstance(v, dict):
            if types_of(v) & ORG_TYPES and "Person" not in types_of(v):  # Yoast: ["Person", "Organization"]
                name = first_text(v.get("name"))
                if name:
                    orgs.append(name)
                continue
            typed = typed and "Person" in types_of(v)
            name = first_text(v.get("name"))
        else:
            typed = False
            name = first_text(v)
        if name and not name.startswith(("http://", "https://", "/")):
            names.append(name)
    return names, orgs, typed and bool(names)


def _other_content(el: etree._Element, stop: etree._Element | None) -> bool:
    ancestors = list(el.iterancestors())
    for i, a in enumerate(ancestors):
        if a is stop:
            return False
        if a.tag in OTHER_CONTENT_TAGS:
            # an <article>'s own footer holds its byline; the page's footer does not
            if a.tag == "footer" and any(b.tag in ("article", "main") for b in ancestors[i + 1 :]):
                continue
            return True
        marker = f"{a.get('class', '')} {a.get('id', '')}"
        if marker.strip() and marker_hit(OTHER_CONTENT_RE, marker):
            return True
    return False


def _text(el: etree._Element) -> str:
    return " ".join(" ".join(t for t in el.itertext()).split())


def byline_candidates(
    elements: list[etree._Element],
    order: dict[etree._Element, int],
    heading: etree._Element | None,
    scope: etree._Element | None,
) -> list[tuple[str, etree._Element]]:
    """Byline texts from author-marked elements, the likeliest first."""
    head_pos = order.get(heading, 0) if heading is not None else 0
    ranked: list[tuple[int, int, str, etree._Element]] = []
    seen: set[etree._Element] = set()
    for el in elements:
        if el in seen:
            continue
        seen.add(el)
        marker = f"{el.get('class', '')} {el.get('id', '')}"
        if el.tag in ("img", "picture", "figure", "svg") or (BIO_RE.search(marker) and "name" not in marker.lower()):
            continue
        if el.tag == "meta":
            text = el.get("content") or ""
        else:
            text = _text(el)
        if not text or len(text) > 160:
            continue
        in_scope = scope is not None and any(a is scope for a in el.iterancestors())
        if not in_scope and _other_content(el, None):
            continue
        if in_scope and _other_content(el, scope):
            continue
        distance = abs(order.get(el, head_pos) - head_pos)
        ranked.append((0 if in_scope else 1, distance, text, el))
    ranked.sort(key=lambda x: (x[0], x[1]))
    return [(text, el) for _, _, text, el in ranked]


# an element whose own text opens a byline ("By ", "Von ", "yas! | By ")
BY_START_RE = re.compile(
    r"(?:.{0,40}[|•·]\s*)?(?i:by|von|par|por|door|di|av|af|written|posted|reviewed|words|text|autor|author)\b"
)
BY_LABEL_RE = re.compile(r"^(?i:by|von|par|por|door|written by|posted by|reviewed by|words by)\s*:?$")
SEGMENT_SPLIT_RE = re.compile(r"\s*[|•·]\s*|\s{2,}|\n")


def byline_in_segments(text: str) -> str | None:
    """A "By Jane Doe" segment of a meta line: "yas! | By Cara Stiles | April 13, 2020"."""
    for segment in SEGMENT_SPLIT_RE.split(text):
        m = BY_LINE_RE.match(segment.strip())
        if m:
            return normalize_author(m.group("name"))
    return None


def byline_in_text(heading: etree._Element | None) -> str | None:
    """A "By Jane Doe" line just around the heading, where no element is marked as a byline."""
    area = heading.getparent() if heading is not None else None
    # the area one level down, and how many lines it checked when it was read to its end: each
    # element's verdict is the same whatever the area, so a wider area skips it and adds its count
    inner: etree._Element | None = None
    inner_checked: int | None = None
    for _ in range(5):
        if area is None:
            return None
        checked = 0
        complete = True
        walker = etree.iterwalk(area, events=("start",))
        for _event, el in walker:
            if el is inner and inner_checked is not None:
                walker.skip_subtree()
                checked += inner_checked
                if checked > 40:
                    complete = False
                    break
                continue
            if el is heading or not isinstance(el.tag, str) or el.tag in ("script", "style"):
                continue
            own = (el.text or "").strip()
            if not (BY_START_RE.match(own) or (not own and len(el) and "|" in (el[0].tail or ""))):
                continue
            if BY_LABEL_RE.match(own) and not len(el) and el.getparent() is not None:
                el = el.getparent()  # <span>By</span><a href="/profile/jane">Jane Doe</a>
            text = _text(el)
            if 4 < len(text) < 200:
                checked += 1
                name = byline_in_segments(text)
                if name:
                    return name
            if checked > 40:
                complete = False
                break
        if _text_longer(area, 1500):
            return None
        inner, inner_checked = area, (checked if complete else None)
        area = area.getparent()
    return None


def _text_longer(el: etree._Element, limit: int) -> bool:
    """``len(_text(el)) > limit``, reading no more of the text than it takes: the words of the
    joined text are each text node's words, one space between them (read 32 nodes at a time)."""
    length = -1
    texts = el.itertext()
    while True:
        chunk = list(islice(texts, 32))
        if not chunk:
            return False
        words = " ".join(chunk).split()
        length += sum(map(len, words)) + len(words)
        if length > limit:
            return True
