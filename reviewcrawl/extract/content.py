"""The page's main text, and the signals read from it: rating lines, bylines, dates.

Why these heuristics: the review body is the one block of paragraphs that the page's template
wraps in a content container (``entry-content``, ``post-content``, ``articleBody`` ...); ratings,
bylines and dates in sidebars, "related" lists and comments belong to other reviews.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree

from reviewcrawl.parsing.rating import Rating, parse_rating

__all__ = [
    "count_articles",
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
    re.IGNORECASE,
)
CONTENT_XPATHS = [
    etree.XPath(x)
    for x in (
        "//*[@itemprop='reviewBody']",
        "//*[@itemprop='articleBody']",
        "//*[contains(concat(' ', normalize-space(@class), ' '), ' e-content ')]",
        "//*[contains(concat(' ', normalize-space(@class), ' '), ' entry-content ')]",
        "//*[contains(concat(' ', normalize-space(@class), ' '), ' post-content ')]",
        "//*[contains(concat(' ', normalize-space(@class), ' '), ' article-content ')]",
        "//*[contains(concat(' ', normalize-space(@class), ' '), ' article-body ')]",
        "//*[contains(concat(' ', normalize-space(@class), ' '), ' post-body ')]",
        "//*[contains(concat(' ', normalize-space(@class), ' '), ' review-body ')]",
        "//*[contains(concat(' ', normalize-space(@class), ' '), ' story-body ')]",
        "//*[contains(concat(' ', normalize-space(@class), ' '), ' post__content ')]",
        "//article",
        "//main",
        "//*[@id='content']",
    )
]
BODY_XPATH = etree.XPath("//body")
ARTICLE_XPATH = etree.XPath("//article")
P_XPATH = etree.XPath(".//p")

# A rating line: "Rating: 4/5", "**Rating:** 4/5", "Score: 9/10", "Note : 4/5", "Verdict: ★★★★"
RATING_LABEL_RE = re.compile(
    r"(?:^|[\s(\[|•])(?:(?:my|our|final|overall|the|total|reviewer'?s?|critic'?s?)\s+)*"
    r"(?:rating|score|verdict|grade|note|bewertung|wertung|gesamtwertung|fazit|urteil|"
    r"calificación|puntuación|valoración|voto|valutazione|giudizio|beoordeling|cijfer|oordeel|"
    r"ocena|betyg|karakter|arvosana|évaluation|avis)\s*[:：]\s*",
    re.IGNORECASE,
)
# "a stellar 8.8/10 rating", "earning its 8.8/10 rating", "I give it 4 out of 5"
RATING_PHRASE_RE = re.compile(
    r"(?:\b(?:i|we)\s+(?:give|gave|rate|rated|award|awarded)\s+(?:it|this|the\s+\w+)\s+(?:an?\s+)?"
    r"(?P<r>\d{1,3}(?:[.,]\d{1,2})?\s*(?:/|out\s+of)\s*\d{1,3}(?:\s*stars?)?)"
    r"|\b(?:a|an|its|my|our)\s+(?:\w+\s+)?"
    r"(?P<r2>\d{1,3}(?:[.,]\d{1,2})?\s*(?:/|out\s+of)\s*\d{1,3})\s+(?:rating|score)\b)",
    re.IGNORECASE,
)


def is_boilerplate(el: etree._Element) -> bool:
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag in SKIP_TAGS:
        return True
    marker = f"{el.get('class', '')} {el.get('id', '')}"
    if marker.strip() and BOILERPLATE_RE.search(marker):
        return True
    role = el.get("role")
    return role in ("navigation", "complementary", "contentinfo", "banner", "search")


def _p_text_len(el: etree._Element) -> int:
    return sum(len("".join(p.itertext())) for p in P_XPATH(el))


def count_articles(root: etree._Element) -> int:
    return len(ARTICLE_XPATH(root))


def main_container(root: etree._Element) -> etree._Element | None:
    """The element that holds the review body."""
    for xp in CONTENT_XPATHS:
        found = [el for el in xp(root) if not any(is_boilerplate(a) for a in el.iterancestors())]
        if not found:
            continue
        best = max(found, key=_p_text_len)
        if _p_text_len(best) >= 150 or (len(found) == 1 and len("".join(best.itertext())) > 300):
            return best
    bodies = BODY_XPATH(root)
    if not bodies:
        return None
    # no named container: the parent of the most paragraph text
    scores: dict[etree._Element, int] = {}
    for p in P_XPATH(bodies[0]):
        parent = p.getparent()
        if parent is not None:
            scores[parent] = scores.get(parent, 0) + len("".join(p.itertext()))
    if not scores:
        return bodies[0]
    return max(scores, key=scores.__getitem__)


CONTAINER_BREAK_TAGS = frozenset({"div", "section", "article", "main", "table", "ul", "ol", "dl", "hr", "br"})


def text_blocks(container: etree._Element) -> Iterator[str]:
    """Block texts in reading order, boilerplate subtrees skipped (iterative: pages nest deep)."""
    inline: list[str] = []
    link_chars = [0]

    def flush() -> Iterator[str]:
        if inline:
            joined = " ".join(" ".join(inline).split())
            inline.clear()
            linked, link_chars[0] = link_chars[0], 0
            if joined and not _mostly_links(len(joined), linked):
                yield joined

    # events: (element, True) = enter, (element, False) = leave (emit its tail)
    stack: list[tuple[etree._Element, bool]] = [(container, True)]
    while stack:
        el, entering = stack.pop()
        if not entering:
            if el.tag in CONTAINER_BREAK_TAGS:
                yield from flush()
            if el is not container and el.tail:
                inline.append(el.tail)
            continue
        if not isinstance(el.tag, str):
            if el.tail:
                inline.append(el.tail)
            continue
        if el is not container and is_boilerplate(el):
            if el.tail:
                inline.append(el.tail)
            continue
        if el.tag in BLOCK_TAGS:
            yield from flush()
            text = _text_with_breaks(el)
            if _mostly_links(len(text.strip()), sum(len("".join(a.itertext()).strip()) for a in el.iter("a"))):
                if el.tail:
                    inline.append(el.tail)
                continue
            text = "\n".join(" ".join(line.split()) for line in text.split("\n")).strip()
            text = re.sub(r"\n{2,}", "\n", text)
            if text:
                yield text
            if el.tail:
                inline.append(el.tail)
            continue
        if el.tag in CONTAINER_BREAK_TAGS:
            yield from flush()
        if el.tag == "a":
            link_chars[0] += len("".join(el.itertext()).strip())
        if el.text:
            inline.append(el.text)
        stack.append((el, False))
        for child in reversed(el):
            stack.append((child, True))
    yield from flush()


def _mostly_links(length: int, linked: int) -> bool:
    """A short run of text that is all link text is navigation ("Next post", "Read more")."""
    return 0 < length < 120 and linked >= 0.8 * length


def _text_with_breaks(el: etree._Element) -> str:
    parts: list[str] = []
    for node in el.iter():
        if node is not el and isinstance(node.tag, str) and node.tag in SKIP_TAGS:
            continue
        if isinstance(node.tag, str) and node.tag == "br":
            parts.append("\n")
        if node.text and isinstance(node.tag, str) and node.tag not in SKIP_TAGS:
            parts.append(node.text)
        if node is not el and node.tail:
            parts.append(node.tail)
    return "".join(parts)


def rating_in_blocks(blocks: list[str]) -> tuple[Rating, str] | None:
    """The reviewer's rating stated in the body: a labelled rating line first, then a phrase."""
    for block in blocks:
        if len(block) > 600:
            continue
        for m in RATING_LABEL_RE.finditer(block):
            after = block[m.end() : m.end() + 60].split("\n\n")[0]
            r = parse_rating(after.split("\n")[0] if after.split("\n")[0].strip() else after)
            if r is None and "\n" in after:
                r = parse_rating(after)
            if r:
                return r, block
    for block in blocks:
        m = RATING_PHRASE_RE.search(block)
        if m:
            r = parse_rating(m.group("r") or m.group("r2"))
            if r:
                return r, block
    return None
