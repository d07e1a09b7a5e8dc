"""Ratings drawn in markup: star images, star classes, star bars, rating attributes, icon rows.

Pure functions over lxml elements (``lxml.html`` or a plain ``etree.HTMLParser`` tree); no Scrapy,
no network. ``rating_from_element`` reads one widget; ``find_star_ratings`` lists the widgets of a
subtree. Which widget holds the reviewer's own rating is the caller's decision.

Signals, most explicit first (the first that gives a rating wins):

1. ``<meter value min max>`` in a rating context (its class/id/label, or its parent's, says rating/star/score).
2. ``data-rating`` / ``data-score`` / ``data-rateit-value`` / ``data-stars`` ... with ``data-max`` /
   ``data-best`` / ``data-rateit-max`` ... when present; ``data-value`` only on a rating-classed element.
3. microdata ``itemprop="ratingValue"`` (with ``bestRating`` / ``worstRating``) inside the widget.
4. ``aria-label`` / ``title`` / ``alt`` ("Rated 4 out of 5", "4.5 stars"), screen-reader text, Goodreads
   phrases on a star element ("really liked it" = 4/5), and star image file names.
5. class-name conventions (below).
6. a star bar: ``style="width: 90%"`` on, or inside, a star/rating-classed element -> 4.5/5.
7. a row of star icons: Font Awesome (``fa-star`` / ``fa-star-half-o`` / ``fa-star-o``, ``fas``/``far``),
   dashicons (``star-filled`` / ``star-half`` / ``star-empty``), Bootstrap icons, ``svg`` or ``img``
   stars marked full/half/empty (on/off, active, checked ...), Goodreads ``p10``/``p0``.
8. the widget's own short text: "★★★★☆", "4.5 out of 5 stars" (``parse_rating``).

Class names and file names, the conventions accepted:

* ``a-star-4-5``, ``stars-4-5``, ``star-rating-4-5``, ``stars_4_half``, ``i-stars--regular-4-half``,
  ``stars-4-5.png``, ``4_5-stars.gif``, ``star_rating_4.5.png``: digit, separator, 5 (or "half") = 4.5 of 5.
* ``stars-45``, ``bubble_45``, ``bubble_40``, ``star-rating-40``: two digits on a *star* or *bubble* base are
  tenths of a star (TripAdvisor's bubbles, many themes): 4.5 and 4.0 of 5.
* ``rating-45``, ``rating_45.png``: two digits on a *rating* base only when they end in 5. ``rating-40`` is
  rejected: themes use both tenths (4.0 stars) and percents (40% = 2 stars) there.
* ``stars-4``, ``rating-4``, ``rated-4``, ``4star.png``, ``5-stars.svg``: one digit 1-5 = that many of 5.
  A digit above 5 (``rating-8``) says nothing about the scale and is rejected.
* A number class on a star *icon* (``star star-3`` in a row of five) is the icon's position, not a rating:
  class numbers of the widget's descendants count only when they all agree.
* Zero (``stars-0``, ``data-rating="0"``, ``width:0%``) is how unrated widgets render: rejected.

Not ratings: interactive widgets (inside ``form``/``button``/``input``/``select``/``label``: the reader is
asked to rate), widgets whose text counts votes or reviews ("4.5 (12 votes)": an average of visitors'
ratings), film certificates ("PG-13", "Rated R").
"""

from __future__ import annotations

import re
from typing import TypeAlias
from urllib.parse import unquote

from lxml import etree

from reviewcrawl.extract.document import split_url
from reviewcrawl.parsing.rating import ALLOWED_BEST, Rating, parse_rating, rating_from_values, rating_on_scale

__all__ = ["find_star_ratings", "rating_from_element"]

MAX_NODES = 80  # elements of one widget read for its rating; a bigger subtree is read by its own attributes only
MAX_TEXT = 300  # characters of a widget's own text worth parsing
MAX_CANDIDATES = 2000
MAX_RESULTS = 50

INTERACTIVE_TAGS = frozenset({"form", "button", "input", "select", "option", "textarea", "label"})
UNREAD_TAGS = frozenset({"script", "style", "noscript", "template", "head", "title"})

STARISH_RE = re.compile(r"star(?!t)")
STAR_ICON_RE = re.compile(r"star(?!t)|bubble")
IMAGE_EXT_RE = re.compile(r"\.(?:png|gif|jpe?g|svg|webp|avif|bmp)$")
DIGITS_RE = re.compile(r"\d+")
WORD_SPLIT_RE = re.compile(r"[-_.\s#]+")
NUMBER_RE = re.compile(r"\d{1,3}(?:[.,]\d+)?")
RATINGISH_RE = re.compile(r"star(?!t)|rating|rated|bubble|rateit|review-?score|\bscore\b")
# Sections of other people's ratings: comments, user reviews, testimonials, averages of visitors' votes.
SKIP_SECTION_RE = re.compile(
    r"comment|review-?list|reviews-?list|user-?review|customer-?review|testimonial|aggregate|average|visitor"
    r"|user-?rating"
)
AGGREGATE_TEXT_RE = re.compile(
    r"(?<![\d.,/])\d{1,3}(?:[,.]\d{3})*\s*k?\+?\s*(?:votes?|ratings?|reviews?|stimmen|bewertungen|rezensionen|avis|votos|voti"
    r"|valoraciones|reseñas|recensioni|beoordelingen|stemmen|recensies)\b",
    re.IGNORECASE,
)
# Elements whose width is the filled part of a star bar: WooCommerce "star-rating", WP Review "review-result",
# "rating-fill", "filled_star", "stars-active" ... but not "star-wars-banner" or "progress-bar".
WIDTH_CONTEXT_RE = re.compile(
    r"rating|rated|rateit|score|bubble|stars(?![a-z])|star-?(?:fill|bar|active|inner|top|front|over|rating|result"
    r"|value|level|percent)|(?:fill|filled|active|top|front|over|inner|review-total|review-result)-?stars?(?![a-z])"
    r"|review-result"
)
WIDTH_RE = re.compile(r"(?<![-\w])width\s*:\s*(\d{1,3}(?:\.\d+)?)\s*%")
# class tokens: see the module docstring
CLASS_NUMBER_RE = re.compile(
    r"^(?P<base>(?:[a-z]+[-_]+)*?(?:stars?|bubbles?|rating|rated))[-_]+"
    r"(?:(?:small|medium|large|regular|mini|micro|sm|md|lg|xl|xs|s|m|l)[-_]+)?"
    r"(?P<a>\d{1,2})(?:[-_](?P<b>5|0|half))?$"
)
CLASS_EXCLUDE_RE = re.compile(r"hotel|class|categor|level|size|count|votes|total|user|visitor|avg|average|col|grid")
FILE_OUT_OF_RE = re.compile(r"(?<!\d)(?P<a>\d(?:[._]\d)?)[-_]?(?:of|out[-_]of|von|sur|de)[-_]?(?P<b>\d{1,2})(?!\d)")
FILE_HALF_RE = re.compile(r"(?<![\d.])(?P<a>[0-5])(?:[-_.](?P<b>[05])|[-_]?(?P<h>half))(?![\d])")
FILE_TWO_RE = re.compile(r"(?<![\d.])(?P<a>[0-5])(?P<b>[05])(?![\d])")
FILE_ONE_RE = re.compile(r"(?<![\d.])(?P<a>[1-5])(?![\d])")
FILE_SIZE_RE = re.compile(r"\d+x\d*|@\d+x|\d+px|[-_](?:16|20|24|32|48|64|96|128)(?=[-_.]|$)")
# The text of an element with no rating class still counts when it shows stars or names a rating.
TEXT_HINT_RE = re.compile(
    r"[★☆⭐✭✮✯✪✩✰⯨⯪]|\b(?:rating|rated|score|stars?|sterne?n?|étoiles?|estrellas?|stelle|sterren|note|wertung"
    r"|bewertung|voto|nota|puntuación|valoración|valutazione|beoordeling|verdict|grade)\b",
    re.IGNORECASE,
)
GOODREADS_PHRASES = {
    "did not like it": 1.0,
    "it was ok": 2.0,
    "liked it": 3.0,
    "really liked it": 4.0,
    "it was amazing": 5.0,
}
SR_TEXT_RE = re.compile(r"a-icon-alt|sr-only|screen-reader|visually-hidden|screen-only|assistive|hidden-text")

DATA_VALUE_ATTRS = (
    "data-rating", "data-score", "data-rateit-value", "data-rating-value", "data-star-rating", "data-stars",
    "data-rate", "data-review-rating", "data-rating-score",
)  # fmt: skip
DATA_MAX_ATTRS = (
    "data-max", "data-best", "data-rateit-max", "data-max-rating", "data-best-rating", "data-rating-max",
    "data-stars-max", "data-out-of", "data-outof", "data-scale", "data-number", "data-star-count", "data-stars-count",
)  # fmt: skip
DATA_MIN_ATTRS = ("data-min", "data-worst", "data-rateit-min", "data-worst-rating")

# Star icon states, by class token (or file-name word)
FULL_TOKENS = frozenset(
    {"full", "filled", "fill", "on", "active", "checked", "selected", "rated", "star-full", "star-filled",
     "star-on", "star-fill", "dashicons-star-filled", "glsr-star-full", "bi-star-fill", "p10", "fas", "fa-solid",
     "gold", "yellow", "lit", "highlighted", "is-active", "is-filled", "star-active", "full-star", "filled-star"}
)  # fmt: skip
EMPTY_TOKENS = frozenset(
    {"empty", "off", "inactive", "unfilled", "outline", "outlined", "blank", "grey", "gray", "disabled", "uncheck",
     "unchecked", "unrated", "none", "star-empty", "star-off", "star-o", "fa-star-o", "far", "fa-regular",
     "star-outline", "star-border", "dashicons-star-empty", "glsr-star-empty", "bi-star", "p0", "empty-star",
     "star-inactive", "is-empty"}
)  # fmt: skip
MATERIAL_ICONS = {"star": "full", "star_rate": "full", "grade": "full", "star_half": "half", "star_border": "empty",
                  "star_outline": "empty"}  # fmt: skip

CANDIDATES_XPATH = etree.XPath(
    ".//*[contains(@class, 'star') or contains(@class, 'Star') or contains(@class, 'rating')"
    " or contains(@class, 'Rating') or contains(@class, 'rated') or contains(@class, 'bubble')"
    " or contains(@class, 'rateit') or contains(@class, 'score')"
    " or @data-rating or @data-score or @data-rateit-value or @data-stars or @data-star-rating"
    " or contains(@aria-label, 'star') or contains(@aria-label, 'Star') or contains(@aria-label, 'ated ')"
    " or contains(@aria-label, 'bubble') or contains(@title, 'star') or contains(@title, 'Star')"
    " or contains(@title, 'ated ') or contains(@title, 'Stern') or contains(@title, 'étoile')"
    " or contains(@title, 'estrella') or contains(@title, 'sterren') or contains(@title, 'stelle')"
    " or @itemprop = 'reviewRating' or self::meter"
    " or self::img[contains(@alt, 'star') or contains(@alt, 'Star') or contains(@src, 'star')"
    "   or contains(@src, 'rating') or contains(@src, 'bubble')]"
    " or text()[contains(., '★') or contains(., '☆') or contains(., '⭐')]]"
)
SKIP_XPATH = etree.XPath(
    ".//*[contains(translate(concat(@class, ' ', @id), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ_', 'abcdefghijklmnopqrstuvwxyz-'),"
    " 'comment') or contains(translate(concat(@class, ' ', @id), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ_',"
    " 'abcdefghijklmnopqrstuvwxyz-'), 'review') or contains(translate(concat(@class, ' ', @id),"
    " 'ABCDEFGHIJKLMNOPQRSTUVWXYZ_', 'abcdefghijklmnopqrstuvwxyz-'), 'testimonial')"
    " or contains(translate(concat(@class, ' ', @id), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ_', 'abcdefghijklmnopqrstuvwxyz-'),"
    " 'aggregate') or contains(translate(concat(@class, ' ', @id), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ_',"
    " 'abcdefghijklmnopqrstuvwxyz-'), 'average') or contains(translate(concat(@class, ' ', @id),"
    " 'ABCDEFGHIJKLMNOPQRSTUVWXYZ_', 'abcdefghijklmnopqrstuvwxyz-'), 'visitor')"
    " or contains(translate(concat(@class, ' ', @id), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ_', 'abcdefghijklmnopqrstuvwxyz-'),"
    " 'user-rating')"
    " or @itemprop = 'aggregateRating' or self::form or self::button or self::select or self::noscript"
    " or self::script or self::template]"
)

Element: TypeAlias = etree._Element


def _is_element(node: object) -> bool:
    return isinstance(node, etree._Element) and isinstance(node.tag, str)


def _cls(el: Element) -> str:
    return " ".join((el.get("class") or "").lower().split())


def _ident(el: Element) -> str:
    return f"{_cls(el)} {(el.get('id') or '').lower()}".replace("_", "-")


def _ratingish(el: Element) -> bool:
    return bool(RATINGISH_RE.search(_ident(el)))


def _subtree(el: Element) -> list[Element] | None:
    """el's descendant elements (not el), without interactive or unread parts; None when more than MAX_NODES."""
    out: list[Element] = []
    stack = [c for c in reversed(el) if _is_element(c)]
    while stack:
        node = stack.pop()
        if node.tag in INTERACTIVE_TAGS or node.tag in UNREAD_TAGS:
            continue
        out.append(node)
        if len(out) > MAX_NODES:
            return None
        stack.extend(c for c in reversed(node) if _is_element(c))
    return out


def _own_text(el: Element) -> str | None:
    """el's text (its descendants' too), whitespace-normalised; None when longer than MAX_TEXT."""
    parts: list[str] = []
    size = 0
    for node in el.iter():
        if not _is_element(node) or node.tag in UNREAD_TAGS:
            if node is not el and node.tail:
                parts.append(node.tail)
            continue
        for piece in (node.text, node.tail if node is not el else None):
            if piece:
                parts.append(piece)
                size += len(piece)
        if size > MAX_TEXT * 3:
            return None
    text = " ".join(" ".join(parts).split())
    return text if len(text) <= MAX_TEXT else None


def _checked(r: Rating | None) -> Rating | None:
    """Keep ratings on a reviewers' scale, drop zero (an unrated widget)."""
    if r is None or r.value == r.worst == 0 or r.best not in ALLOWED_BEST:
        return None
    return r


# --- 1. <meter>


def _from_meter(el: Element) -> Rating | None:
    if el.tag != "meter":
        return None
    parent = el.getparent()
    context = " ".join(
        [_ident(el), el.get("aria-label") or "", el.get("title") or ""]
        + ([_ident(parent)] if parent is not None else [])
    ).lower()
    if not RATINGISH_RE.search(context):
        return None  # disk usage, battery, progress
    return _checked(rating_from_values(el.get("value"), el.get("max") or "1", el.get("min")))


# --- 2. data attributes


def _first_attr(el: Element, names: tuple[str, ...]) -> str | None:
    for name in names:
        v = el.get(name)
        if v is not None and v.strip():
            return v.strip()
    return None


def _from_data(el: Element) -> Rating | None:
    value = _first_attr(el, DATA_VALUE_ATTRS)
    if value is None and _ratingish(el):
        value = _first_attr(el, ("data-value",))
    if value is None:
        return None
    best = _first_attr(el, DATA_MAX_ATTRS)
    worst = _first_attr(el, DATA_MIN_ATTRS)
    if not NUMBER_RE.fullmatch(value):
        return _checked(parse_rating(value, best=float(best) if best and best.isdigit() else None))
    if worst in (None, "0") and (best is None or best.isdigit()):
        v = float(value.replace(",", "."))
        scale = float(best) if best else 5.0 if v <= 5 else 10.0 if v <= 10 else 100.0
        return _checked(rating_on_scale(v, scale, f"{value}/{best}" if best else value))
    return _checked(rating_from_values(value, best, worst))


# --- 3. microdata inside the widget


def _from_microdata(el: Element, nodes: list[Element]) -> Rating | None:
    value = best = worst = None
    for node in [el, *nodes]:
        prop = node.get("itemprop")
        if prop in ("ratingValue", "bestRating", "worstRating"):
            v = (node.get("content") or node.get("value") or "".join(node.itertext())).strip()
            if prop == "ratingValue" and value is None:
                value = v
            elif prop == "bestRating" and best is None:
                best = v
            elif prop == "worstRating" and worst is None:
                worst = v
    return _checked(rating_from_values(value, best, worst)) if value else None


# --- 4. labels, screen-reader text, file names


def _from_label_text(text: str | None, starish: bool) -> Rating | None:
    if not text:
        return None
    text = " ".join(text.split())
    if starish and text.lower() in GOODREADS_PHRASES:
        return Rating(GOODREADS_PHRASES[text.lower()], 5.0, 0.0, text)
    if len(text) > MAX_TEXT or AGGREGATE_TEXT_RE.search(text):
        return None
    return _checked(parse_rating(text))


def _file_stem(url: str) -> str:
    """The lower-cased file name without extension or size suffix; a <use href="#id"> gives the id."""
    url = url.strip()
    if url.startswith("data:"):
        return ""
    parts = split_url(url)
    stem = unquote(parts.path or parts.fragment).rsplit("/", 1)[-1].lower()
    return FILE_SIZE_RE.sub("-", IMAGE_EXT_RE.sub("", stem))


def _from_file_name(url: str | None) -> Rating | None:
    """stars-4-5.png, 4_5-stars.gif, rating_45.png, 4star.png, 4-of-5-stars.png, #stars-3-5-star"""
    stem = _file_stem(url or "")
    starish = "star" in stem or "bubble" in stem
    if not (starish or "rating" in stem or "rate" in stem):
        return None
    digits = DIGITS_RE.findall(stem)
    if not digits or len(digits) > 2:
        return None  # "stars-2024-05-12": a date or a version
    m = FILE_OUT_OF_RE.search(stem)
    if m:
        return _checked(rating_on_scale(float(m.group("a").replace("_", ".")), float(m.group("b")), stem))
    m = FILE_HALF_RE.search(stem)
    if m:
        half = 0.5 if m.group("h") or m.group("b") == "5" else 0.0
        return _checked(rating_on_scale(int(m.group("a")) + half, 5, stem))
    if len(digits) > 1:
        return None
    m = FILE_TWO_RE.search(stem)
    if m and (starish or m.group("b") == "5"):
        return _checked(rating_on_scale(int(m.group("a")) + int(m.group("b")) / 10, 5, stem))
    m = FILE_ONE_RE.search(stem)
    return _checked(rating_on_scale(float(m.group("a")), 5, stem)) if m else None


def _label_of(node: Element, starish: bool) -> Rating | None:
    for attr in ("aria-label", "title", "alt", "data-title", "data-original-title"):
        r = _from_label_text(node.get(attr), starish)
        if r:
            return r
    if node.tag == "img":
        return _from_file_name(node.get("src") or node.get("data-src"))
    if node.tag == "use":
        return _from_file_name(node.get("href") or node.get("xlink:href"))
    return None


def _unique(found: list[Rating]) -> Rating | None:
    """One rating when every descendant that states one agrees; icons of a row state their positions."""
    if not found:
        return None
    first = found[0]
    return first if all((r.value, r.best) == (first.value, first.best) for r in found) else None


def _from_labels(el: Element, nodes: list[Element]) -> Rating | None:
    starish = bool(STARISH_RE.search(_cls(el)))
    r = _label_of(el, starish)
    if r:
        return r
    found: list[Rating] = []
    for node in nodes:
        if SR_TEXT_RE.search(_cls(node)):
            r = _from_label_text("".join(node.itertext()), starish)
            if r:
                return r  # screen-reader text says what the widget shows: "4.5 out of 5 stars"
        r = _label_of(node, starish or bool(STARISH_RE.search(_cls(node))))
        if r:
            found.append(r)
    if len(found) > 1 and any(len(row) > 1 for row in _icon_rows(nodes)):
        return None  # per-icon titles ("1 star" ... "5 stars"): the row is read by counting
    return _unique(found)


# --- 5. class names


def _class_rating(el: Element) -> Rating | None:
    found = []
    for token in _cls(el).split():
        if CLASS_EXCLUDE_RE.search(token):
            continue
        m = CLASS_NUMBER_RE.match(token)
        if not m:
            continue
        a, b, base = m.group("a"), m.group("b"), m.group("base")
        starish = "star" in base or "bubble" in base
        if b:
            value = int(a) + (0.5 if b in ("5", "half") else 0.0) if len(a) == 1 else -1.0
        elif len(a) == 2:
            value = int(a) / 10 if (starish or a[1] == "5") and a[1] in "05" else -1.0
        else:
            value = float(a)
        r = _checked(rating_on_scale(value, 5.0, token)) if 0 < value <= 5 else None
        if r:
            found.append(r)
    return _unique(found)


def _from_classes(el: Element, nodes: list[Element]) -> Rating | None:
    r = _class_rating(el)
    if r:
        return r
    found = [r for r in map(_class_rating, nodes) if r]
    return _unique(found)


# --- 6. star bars


def _from_width(el: Element, nodes: list[Element]) -> Rating | None:
    """The innermost width:N% inside a star/rating-classed element: the filled part of the bar."""
    chosen: float | None = None
    rating_ctx = {el} if WIDTH_CONTEXT_RE.search(_ident(el)) else set()
    for node in [el, *nodes]:
        parent = node.getparent()
        if (node is not el and parent in rating_ctx) or WIDTH_CONTEXT_RE.search(_ident(node)):
            rating_ctx.add(node)
        m = WIDTH_RE.search(node.get("style") or "")
        if m and node in rating_ctx:
            chosen = float(m.group(1))
    if chosen is None or not 0 < chosen <= 100:
        return None
    if chosen % 5 == 0:
        return rating_on_scale(chosen / 20, 5.0, f"width:{_fmt_num(chosen)}%")
    return rating_on_scale(chosen, 100.0, f"width:{_fmt_num(chosen)}%")


def _fmt_num(x: float) -> str:
    return str(int(x)) if x == int(x) else str(x)


# --- 7. icon rows


def _icon_state(node: Element) -> str | None:
    """'full', 'half', 'empty', 'star' (a star icon with no state) or None (not a star icon)."""
    tokens = set(_cls(node).split())
    words: set[str] = set()
    if node.tag == "img":
        stem = _file_stem(node.get("src") or node.get("data-src") or "")
        words = set(WORD_SPLIT_RE.split(stem))
        if not any("star" in w or "bubble" in w for w in words):
            return None
    elif node.tag == "use":
        words = set(WORD_SPLIT_RE.split((node.get("href") or node.get("xlink:href") or "").lower()))
    text = (node.text or "").strip().lower()
    if text in MATERIAL_ICONS and "icon" in _cls(node):
        return MATERIAL_ICONS[text]
    star_icon = node.tag == "img" or any(STAR_ICON_RE.search(t) for t in tokens | words) or "staticstar" in tokens
    if not star_icon:
        return None
    if any("half" in t for t in tokens | words) or tokens & {"p3", "p5", "p6"}:
        return "half"
    if tokens & EMPTY_TOKENS or words & {"empty", "off", "blank", "grey", "gray", "outline", "border", "o"}:
        return "empty"
    if tokens & FULL_TOKENS or words & {"full", "filled", "fill", "on", "gold", "yellow", "active"}:
        return "full"
    if "fa-star" in tokens and "fa" in tokens:
        return "full"  # Font Awesome 4: fa-star is the solid star, fa-star-o the empty one
    return "star"


def _icon_unit(node: Element, root: Element) -> tuple[Element, str | None]:
    """The icon's state, looking through single-child wrappers (<li class="unchecked"><i class="star">)."""
    state = _icon_state(node)
    unit = node
    parent = node.getparent()
    while parent is not None and parent is not root and sum(1 for c in parent if _is_element(c)) == 1:
        if parent.tag not in ("li", "span", "div", "a", "i", "em"):
            break
        unit = parent
        wrapper_state = _icon_state(parent) if state is None else None
        tokens = set(_cls(parent).split())
        if state in ("star", None) and tokens & EMPTY_TOKENS:
            state = "empty"
        elif state in ("star", None) and tokens & FULL_TOKENS:
            state = "full"
        elif state is None:
            state = wrapper_state
        parent = parent.getparent()
    return unit, state


def _icon_rows(nodes: list[Element]) -> list[list[str]]:
    """Star icons grouped by the element that holds them, in document order (dicts keep insertion order)."""
    rows: dict[Element, list[str]] = {}
    root = nodes[0].getparent() if nodes else None
    seen: set[Element] = set()
    for node in nodes:
        if node in seen or root is None:
            continue
        unit, state = _icon_unit(node, root)
        holder = unit.getparent()
        if state is not None and holder is not None:
            seen.update(n for n in unit.iter() if _is_element(n))
            rows.setdefault(holder, []).append(state)
    return list(rows.values())


def _row_rating(states: list[str]) -> Rating | None:
    if not 2 <= len(states) <= 10:
        return None
    marked = [s for s in states if s != "star"]
    if not marked:
        return None  # plain star icons, nothing says which are lit
    if "full" in marked and "empty" not in marked:
        states = ["empty" if s == "star" else s for s in states]  # <span class="star on"> ... <span class="star">
    elif "empty" in marked and "full" not in marked:
        states = ["full" if s == "star" else s for s in states]
    full, half, empty = states.count("full"), states.count("half"), states.count("empty")
    if half > 1 or states.count("star"):
        return None
    total = full + half + empty
    value = full + 0.5 * half
    scale = float(total) if empty or half else 5.0 if total <= 5 else 10.0
    raw = "★" * full + ("½" if half else "") + "☆" * empty
    return _checked(rating_on_scale(value, scale, raw))


def _from_icons(el: Element, nodes: list[Element]) -> Rating | None:
    for states in _icon_rows(nodes):
        r = _row_rating(states)
        if r:
            return r
    return None


# --- entry points


def rating_from_element(el: Element) -> Rating | None:
    """The rating one widget shows: ``el`` and (up to MAX_NODES of) its descendants.

    None for an interactive widget (the reader is asked to rate), a widget that counts votes or
    reviews next to its stars (an average of other people's ratings), or no rating at all.
    """
    if not _is_element(el) or el.tag in INTERACTIVE_TAGS or el.tag in UNREAD_TAGS:
        return None
    nodes = _subtree(el)
    text = _own_text(el)
    if text and AGGREGATE_TEXT_RE.search(text):
        return None
    r = _from_meter(el) or _from_data(el)
    if r:
        return r
    if nodes is None:  # a big subtree: trust only what el itself says
        return _label_of(el, bool(STARISH_RE.search(_cls(el)))) or _class_rating(el)
    for node in nodes:
        if node.tag == "meter":
            r = _from_meter(node)
            if r:
                return r
    r = (
        _unique([r for r in (_from_data(n) for n in nodes) if r])
        or _from_microdata(el, nodes)
        or _from_labels(el, nodes)
        or _from_classes(el, nodes)
        or _from_width(el, nodes)
        or _from_icons(el, nodes)
    )
    if r:
        return r
    if el.tag == "meter" or not text:
        return None
    r = _from_label_text(text, bool(STARISH_RE.search(_cls(el))))
    if r and not (_ratingish(el) or any(map(_ratingish, nodes)) or TEXT_HINT_RE.search(text)):
        return None if r.raw.endswith("%") else r  # "80%" alone, with nothing saying rating, is any share
    return r


def _icon_row_member(el: Element, rows_cache: dict[Element, bool]) -> bool:
    """el is one icon of a row of star icons: the row, not the icon, is the widget."""
    parent = el.getparent()
    if parent is None or _icon_state(el) is None or "".join(el.itertext()).strip():
        return False
    if parent not in rows_cache:
        icons = 0
        for child in parent:
            if _is_element(child) and _icon_state(child) is not None:
                icons += 1
                if icons == 2:
                    break
        rows_cache[parent] = icons >= 2
    return rows_cache[parent]


def _icon_positions(row: Element) -> bool:
    """The icons' class numbers count 1, 2, 3 ... (``star star-1`` ... ``star star-5``): positions, not ratings."""
    numbers = [r.value for r in (_class_rating(c) for c in row if _is_element(c) and _icon_state(c)) if r]
    return len(numbers) >= 2 and numbers == [float(i) for i in range(1, len(numbers) + 1)]


def find_star_ratings(container: Element) -> list[tuple[Rating, Element]]:
    """Every rating widget in ``container``, in document order, with the element that shows it.

    Skips widgets inside comments, user reviews, review lists, testimonials, averages and visitor
    votes (class or id), ``itemprop="aggregateRating"``, forms and buttons. The innermost widget
    wins: a box holding several star rows gives one rating per row, not one for the box; a row of
    star icons is one widget, read from the element that holds the icons. Which widget holds the
    reviewer's own rating is the caller's call.
    """
    skip = {e for e in SKIP_XPATH(container) if e.tag in INTERACTIVE_TAGS or e.tag in UNREAD_TAGS or _skip_section(e)}
    candidates = [el for el in CANDIDATES_XPATH(container) if _is_element(el)][:MAX_CANDIDATES]
    found: dict[Element, Rating] = {}
    holds_widget: set[Element] = set()  # ancestors of the widgets found: containers, not widgets

    def read(el: Element) -> bool:
        if el in found or el in holds_widget or _has_ancestor_in(el, container, skip):
            return el in found
        r = rating_from_element(el)
        if r is None:
            return False
        found[el] = r
        node = el.getparent()
        while node is not None and node not in holds_widget:
            holds_widget.add(node)
            if node is container:
                break
            node = node.getparent()
        return True

    rows: dict[Element, bool] = {}  # icon row -> done with its icons (read as a row, or numbered positions)
    holds_icons: dict[Element, bool] = {}
    for el in reversed(candidates):  # innermost first
        if el is not container and _icon_row_member(el, holds_icons):
            row = el.getparent()
            if row not in rows:
                rows[row] = read(row) or _icon_positions(row)
            if rows[row]:
                continue
        read(el)
    in_order = [el for el in container.iter() if el in found] if len(found) > 1 else list(found)
    return [(found[el], el) for el in in_order][:MAX_RESULTS]


def _skip_section(el: Element) -> bool:
    return el.get("itemprop") == "aggregateRating" or bool(SKIP_SECTION_RE.search(_ident(el)))


def _has_ancestor_in(el: Element, container: Element, marked: set[Element]) -> bool:
    if not marked:
        return False
    node: Element | None = el
    while node is not None:
        if node in marked:
            return True
        if node is container:
            return False
        node = node.getparent()
    return False
