"""The page's main text, and the signals read from it: rating lines, bylines, dates.

Why these heuristics: the review body is the one block of paragraphs that the page's template
wraps in a content container (``entry-content``, ``post-content``, ``articleBody`` ...); ratings,
bylines and dates in sidebars, "related" lists and comments belong to other reviews.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree

from reviewcrawl.extract.scan import PageScan
from reviewcrawl.parsing.rating import Rating, parse_rating

__all__ = [
    "is_boilerplate",
    "main_container",
    "rating_in_blocks",
    "text_blocks",
]

SKIP_TAGS = frozenset(
    {"script", "style", "noscript", "nav", "aside", "footer", "form", "button", "select",
     "iframe", "svg", "template", "header", "figcaption", "object", "input", "textarea"}
)  # fmt: skip
BLOCK_TAGS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "dd", "dt", "td", "th",
     "figcaption", "summary"}
)  # fmt: skip
BOILERPLATE_RE = re.compile(
    r"(?:^|[\s_-])(?:comment|comments|respond|reply|sidebar|widget|related|recommend|share|sharing|"
    r"social|newsletter|subscribe|advert|ads?|ad-slot|adsense|sponsor|promo|cookie|banner|breadcrumbs?|"
    r"menu|navbar|nav|footer|masthead|site-header|pagination|pager|tags|tag-links|cat-links|"
    r"author-bio|author-box|about-author|signup|popup|modal|disqus|jp-relatedposts|yarpp|"
    r"post-navigation|nav-links|entry-meta|post-meta|meta-info|byline|toc)(?:$|[\s_-])",
)  # matched against lower-cased class and id
# Content containers by class token, most specific first: the review body's own wrapper.
CONTENT_CLASSES = (
    "e-content", "review-body", "entry-content", "post-content", "article-content", "article-body",
    "post-body", "story-body", "post__content", "article__body", "article__content", "articlebody",
    "entry-body", "td-post-content", "blog-post-content", "single-content", "content-body",
    "article-text", "story-content", "post-entry", "main-content", "text-content", "rich-text", "entry",
)  # fmt: skip
_CLASS_RANK = {c: i for i, c in enumerate(CONTENT_CLASSES)}
# whether BOILERPLATE_RE finds the marker, per (class, id): they repeat within a page and a site
_BOILERPLATE_CACHE: dict[tuple[str | None, str | None], bool] = {}
# a marker's best CONTENT_CLASSES rank (None: no content class), per marker string
_RANK_CACHE: dict[str, int | None] = {}
_MISSING = object()

# A rating line: "Rating: 4/5", "**Rating:** 4/5", "Score: 9/10", "Note : 4/5", "Verdict: ★★★★"
RATING_LABELS = (
    "rating", "score", "verdict", "grade", "note", "bewertung", "wertung", "gesamtwertung", "fazit", "urteil",
    "calificación", "puntuación", "valoración", "voto", "valutazione", "giudizio", "beoordeling", "cijfer",
    "oordeel", "ocena", "betyg", "karakter", "arvosana", "évaluation", "avis",
)  # fmt: skip
RATING_LABEL_RE = re.compile(
    r"(?:^|[\s(\[|•])(?:(?:my|our|final|overall|the|total|reviewer'?s?|critic'?s?)\s+)*"
    rf"(?:{'|'.join(RATING_LABELS)})\s*[:：]\s*",
    re.IGNORECASE,
)
# the ASCII labels, for a screen before RATING_LABEL_RE: a label word right before a colon
_ASCII_LABELS = tuple(w for w in RATING_LABELS if w.isascii())
_LABEL_TAIL = max(map(len, RATING_LABELS))
# what every RATING_PHRASE_RE match holds: "8.8/10", "4 out of 5"
PHRASE_SCREEN_RE = re.compile(r"\d\s*(?:/|out\s+of)\s*\d", re.IGNORECASE)
# "a stellar 8.8/10 rating", "earning its 8.8/10 rating", "I give it 4 out of 5"
RATING_PHRASE_RE = re.compile(
    r"(?:\b(?:i|we)\s+(?:give|gave|rate|rated|award|awarded)\s+(?:it|this|the\s+\w+)\s+(?:an?\s+)?"
    r"(?P<r>\d{1,3}(?:[.,]\d{1,2})?\s*(?:/|out\s+of)\s*\d{1,3}(?:\s*stars?)?)"
    r"|\b(?:a|an|its|my|our)\s+(?:\w+\s+)?"
    r"(?P<r2>\d{1,3}(?:[.,]\d{1,2})?\s*(?:/|out\s+of)\s*\d{1,3})\s+(?:rating|score)\b)",
    re.IGNORECASE,
)


def is_boilerplate(el: etree._Element) -> bool:
    if el.tag in SKIP_TAGS:  # (a comment's tag is a function: in no set of names)
        return True
    get = el.get
    cls, ident = get("class"), get("id")
    if cls or ident:
        key = (cls, ident)
        hit = _BOILERPLATE_CACHE.get(key)
        if hit is None:
            if len(_BOILERPLATE_CACHE) > 50_000:
                _BOILERPLATE_CACHE.clear()
            hit = _BOILERPLATE_CACHE[key] = BOILERPLATE_RE.search(f"{cls or ''} {ident or ''}".lower()) is not None
        if hit:
            return True
    role = get("role")
    return role in ("navigation", "complementary", "contentinfo", "banner", "search")


def _p_text_len(el: etree._Element, memo: dict[etree._Element, int] | None = None) -> int:
    if memo is None:
        return sum(len("".join(p.itertext())) for p in el.iter("p"))
    total = 0
    for p in el.iter("p"):  # nested candidates hold the same paragraphs: each is read once
        length = memo.get(p)
        if length is None:
            length = memo[p] = len("".join(p.itertext()))
        total += length
    return total


def _inside_boilerplate(el: etree._Element, memo: dict[etree._Element, bool] | None = None) -> bool:
    if memo is None:
        return any(is_boilerplate(a) for a in el.iterancestors())
    for a in el.iterancestors():  # candidates share ancestors: each is judged once
        hit = memo.get(a)
        if hit is None:
            hit = memo[a] = is_boilerplate(a)
        if hit:
            return True
    return False


def main_container(page: PageScan, root: etree._Element) -> etree._Element | None:
    """The element that holds the review body: the best-ranked named container with text,
    else the parent of the most paragraph text."""
    ranked: list[tuple[int, etree._Element]] = []
    content_ids: list[etree._Element] = []  # id="content"
    boiler_memo: dict[etree._Element, bool] = {}
    p_memo: dict[etree._Element, int] = {}
    for el in page.itemprops:
        if el.get("itemprop") in ("reviewBody", "articleBody"):
            ranked.append((0 if el.get("itemprop") == "reviewBody" else 1, el))
    for el, marker in page.hinted:
        best = _RANK_CACHE.get(marker, _MISSING)
        if best is _MISSING:
            if len(_RANK_CACHE) > 50_000:
                _RANK_CACHE.clear()
            best = _RANK_CACHE[marker] = min(
                (_CLASS_RANK[t] for t in marker.lower().split() if t in _CLASS_RANK), default=None
            )
        if best is not None:
            ranked.append((2 + best, el))
        if "content" in marker and el.get("id") == "content":
            content_ids.append(el)
    n = len(CONTENT_CLASSES) + 2
    ranked.extend((n, el) for el in page.articles)
    ranked.extend((n + 1, el) for el in page.mains)
    ranked.extend((n + 2, el) for el in content_ids)
    for rank in sorted({r for r, _ in ranked}):
        found = [el for r, el in ranked if r == rank and not _inside_boilerplate(el, boiler_memo)]
        if not found:
            continue
        sized = [(_p_text_len(el, p_memo), el) for el in found]
        length, best = max(sized, key=lambda x: x[0])
        if length >= 150 or (len(found) == 1 and len("".join(best.itertext())) > 300):
            return best
    body = root.find("body")
    if body is None:
        return None
    # no named container: the parent of the most paragraph text
    scores: dict[etree._Element, int] = {}
    for p in body.iter("p"):
        parent = p.getparent()
        if parent is not None:
            length = p_memo.get(p)
            if length is None:
                length = len("".join(p.itertext()))
            scores[parent] = scores.get(parent, 0) + length
    if not scores:
        return body
    return max(scores, key=scores.__getitem__)


CONTAINER_BREAK_TAGS = frozenset({"div", "section", "article", "main", "table", "ul", "ol", "dl", "hr", "br"})


def text_blocks(container: etree._Element) -> Iterator[str]:
    """Block texts in reading order, boilerplate subtrees skipped.

    lxml's iterwalk does the walking in C (no recursion limit on deeply nested pages); a block
    element's text is read whole and its subtree skipped.
    """
    inline: list[str] = []
    linked = 0

    def flush() -> str | None:
        """The inline run gathered so far as one block (called only when there is one)."""
        nonlocal linked
        joined = " ".join(" ".join(inline).split())
        inline.clear()
        link_len, linked = linked, 0
        if joined and not _mostly_links(len(joined), link_len):
            return joined
        return None

    walker = etree.iterwalk(container, events=("start", "end"))
    for event, el in walker:
        tag = el.tag
        if event == "end":
            if inline and tag in CONTAINER_BREAK_TAGS:
                joined = flush()
                if joined:
                    yield joined
            if el is not container and el.tail:
                inline.append(el.tail)
            continue
        if not isinstance(tag, str):
            continue
        if el is not container and is_boilerplate(el):
            walker.skip_subtree()
            continue
        if tag in BLOCK_TAGS:
            if inline:
                joined = flush()
                if joined:
                    yield joined
            walker.skip_subtree()
            text = _text_with_breaks(el)
            stripped = text.strip()
            if not stripped:
                continue
            # only short blocks can be mostly links: the link text is read for those alone
            if len(stripped) < _LINKS_MAX and _mostly_links(
                len(stripped), sum(len("".join(a.itertext()).strip()) for a in el.iter("a"))
            ):
                continue
            if "\n" in stripped:
                stripped = MULTI_NEWLINE_RE.sub(
                    "\n", "\n".join(" ".join(line.split()) for line in stripped.split("\n"))
                )
            else:
                stripped = " ".join(stripped.split())
            if stripped.strip():
                yield stripped.strip()
            continue
        if tag in CONTAINER_BREAK_TAGS:
            if inline:
                joined = flush()
                if joined:
                    yield joined
        elif tag == "a":
            linked += len("".join(el.itertext()).strip())
        if el.text:
            inline.append(el.text)
    if inline:
        joined = flush()
        if joined:
            yield joined


MULTI_NEWLINE_RE = re.compile(r"\n{2,}")


_LINKS_MAX = 120


def _mostly_links(length: int, linked: int) -> bool:
    """A short run of text that is all link text is navigation ("Next post", "Read more")."""
    return 0 < length < _LINKS_MAX and linked >= 0.8 * length


def _text_with_breaks(el: etree._Element) -> str:
    """The element's text with <br> as a newline; skipped elements (script, style ...) give
    neither their own text nor their tail (their children's text and tails stay)."""
    parts: list[str] = []
    append = parts.append
    for node in el.iter():
        tag = node.tag
        if tag in SKIP_TAGS:  # (a comment's tag is a function: in no set of names)
            continue  # the element itself: neither its text nor (as it is el) its tail
        if tag == "br":
            append("\n")
        if node.text and isinstance(tag, str):
            append(node.text)
        if node is not el and node.tail:
            append(node.tail)
    return "".join(parts)


# a cheap screen before the full label search: a label word followed by a colon somewhere
LABEL_SCREEN_RE = re.compile(r"[:：]")


def _label_before_colon(text: str) -> bool:
    """Whether RATING_LABEL_RE may find something: some colon has a label word right before it
    (white space between). Where the word could hold a character other than ASCII, the answer is
    yes: IGNORECASE matches "ſ" to "s", "K" (Kelvin) to "k", which lower() does not."""
    for colon in (":", "："):
        i = text.find(colon)
        while i != -1:
            tail = text[:i].rstrip()[-_LABEL_TAIL:]
            if not tail.isascii() or tail.lower().endswith(_ASCII_LABELS):
                return True
            i = text.find(colon, i + 1)
    return False


def rating_in_blocks(blocks: list[str]) -> tuple[Rating, str] | None:
    """The reviewer's rating stated in the body: a labelled rating line first, then a phrase."""
    for block in blocks:
        if len(block) > 600 or not LABEL_SCREEN_RE.search(block) or not _label_before_colon(block):
            continue
        for m in RATING_LABEL_RE.finditer(block):
            after = block[m.end() : m.end() + 60].split("\n\n")[0]
            r = parse_rating(after.split("\n")[0] if after.split("\n")[0].strip() else after)
            if r is None and "\n" in after:
                r = parse_rating(after)
            if r:
                return r, block
    for block in blocks:
        if "/" not in block and "out of" not in block.lower():
            continue
        if not PHRASE_SCREEN_RE.search(block):
            continue
        m = RATING_PHRASE_RE.search(block)
        if m:
            r = parse_rating(m.group("r") or m.group("r2"))
            if r:
                return r, block
    return None
