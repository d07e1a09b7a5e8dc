"""Raw rating text -> ``Rating``.

One result type that keeps the raw text, one entry point, in the shape of price-parser.

>>> parse_rating("Rating: 3.5 out of 5 stars")
Rating(value=3.5, best=5.0, worst=0.0, raw='3.5 out of 5')
>>> parse_rating("**Rating:** 4/5").normalized
0.8
>>> parse_rating("8,5/10").value
8.5
>>> parse_rating("★★★½")
Rating(value=3.5, best=5.0, worst=0.0, raw='★★★½')
>>> parse_rating("two and a half stars").value
2.5
>>> parse_rating("Rating: B+")
Rating(value=9.0, best=12.0, worst=0.0, raw='B+')
>>> parse_rating("4/5/2025") is None    # a date, not a rating
True
>>> parse_rating("open 24/7") is None
True
>>> parse_rating("IMDb: 7.0/10") is None   # another rater's score
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["LETTER_GRADES", "Rating", "parse_rating", "rating_from_values"]


@dataclass(frozen=True)
class Rating:
    value: float
    best: float
    worst: float = 0.0
    raw: str = ""

    @property
    def normalized(self) -> float:
        """(value - worst) / (best - worst), in [0, 1]."""
        return round((self.value - self.worst) / (self.best - self.worst), 4)

    def as_dict(self) -> dict[str, object]:
        return {
            "value": self.value,
            "best": self.best,
            "worst": self.worst,
            "normalized": self.normalized,
            "raw": self.raw,
        }


# Scales reviewers actually use. A "value/best" with another best (1/12, 3/8, 24/7) is a page
# counter, a fraction or a time, not a rating.
ALLOWED_BEST = frozenset({3.0, 4.0, 5.0, 6.0, 7.0, 10.0, 20.0, 100.0})

LETTER_GRADES = {
    g: float(i) for i, g in enumerate(["F", "D-", "D", "D+", "C-", "C", "C+", "B-", "B", "B+", "A-", "A", "A+"])
}
LETTER_BEST = 12.0

NUMBER_WORDS = {
    "zero": 0, "no": 0, "one": 1, "a": 1, "an": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    # de, fr, es, it, nl: common words in star lines of European reviews
    "eins": 1, "ein": 1, "einen": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5,
    "une": 1, "un": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5,
    "uno": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5,
    "due": 2, "tre": 3, "quattro": 4, "cinque": 5,
    "een": 1, "twee": 2, "drie": 3, "vier_nl": 4, "vijf": 5,
}  # fmt: skip

_NUM = r"\d{1,3}(?:[.,]\d{1,2})?"
_WORD_NUM = "|".join(sorted((re.escape(w) for w in NUMBER_WORDS if "_" not in w), key=len, reverse=True))

# Scores of other raters quoted next to the reviewer's own: "IMDb 7.0/10", "Metacritic 71".
OTHER_RATERS_RE = re.compile(
    r"\b(?:imdb|metacritic|metascore|rotten\s*tomatoes|tomatometer|rt|letterboxd|audience"
    r"|users?|readers?|viewers?|critics?|average|avg|tmdb|goodreads|amazon|steam)\b[\s\w'’]{0,20}"
    r"(?:score|rating)?\s*[:=]?\s*$",
    re.IGNORECASE,
)

# "7.75 out of 10", "4 von 5 Sternen", "4 sur 5", "3 de 5", "4 su 5", "4 of 5"
OUT_OF_RE = re.compile(
    rf"(?<![\d.,/])(?P<value>{_NUM})\s*(?:\*|stars?|sterne?n?|étoiles?|estrellas?)?\s*"
    r"(?:out\s+of|of|von|sur|de|su|uit|van|из|/\s*)\s*"
    rf"(?P<best>{_NUM})(?![\d/]|[.,]\d)",
    re.IGNORECASE,
)
# the value/best form alone, with guards against dates (4/5/2025) and fractions (1/2 cup)
SLASH_RE = re.compile(rf"(?<![\d/.,])(?P<value>{_NUM})\s*/\s*(?P<best>\d{{1,3}})(?![\d/]|[.,]\d)")
PERCENT_RE = re.compile(r"(?<![\d.,])(?P<value>\d{1,3}(?:[.,]\d)?)\s*%")
STARS_RE = re.compile(r"(?P<full>[★⭐✭✮✯✰✪✩☆]+)\s*(?P<half>½|1/2)?")
WORD_STARS_RE = re.compile(
    rf"\b(?P<whole>{_WORD_NUM}|\d(?:[.,]5)?)"
    r"(?P<half>\s+and\s+a\s+half|\s+(?:et|und)\s+(?:demie?|halb|einhalb)|\s*½)?"
    r"(?:\s*[-‐]?\s*|\s+)(?:stars?|sterne?n?|étoiles?|estrellas?|stelle|sterren)\b"
    r"(?:\s+(?:out\s+of|of|von|sur|de)\s+(?P<best>\d{1,2}|five|ten|fünf|cinq|cinco))?",
    re.IGNORECASE,
)
HALF_ONLY_RE = re.compile(r"\b(?:half\s+a|a\s+half)\s+stars?\b", re.IGNORECASE)
GRADE_RE = re.compile(
    r"(?:grade|rating|note|score|verdict|bewertung|calificación|voto)\s*[:：-]?\s*"
    r"(?:\*\*)?\s*(?P<grade>[A-D][+-]?|F)(?![\w+-])",
    re.IGNORECASE,
)
# "Top 10", "Top 5/10" page titles, "10/10 best", counters "Page 1/12", episode "3/10"
LOOKALIKE_CONTEXT_RE = re.compile(
    r"(?:\btop|\bpage|\bseite|\bpart|\bepisode|\bep\.?|\bchapter|\bstep|\bphoto|\bimage|\bslide"
    r"|\bno\.?|#|\bvol\.?|\bseason|\bday|\bround|\bgame|\bmatch|\bcup|\btbsp|\btsp)\s*$",
    re.IGNORECASE,
)
DATE_LIKE_RE = re.compile(r"\d{1,4}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{1,4}")
TIME_LIKE_RE = re.compile(r"\d{1,2}:\d{2}")
UNIT_AFTER_RE = re.compile(
    r"^\s*(?:cups?|tbsp|tsp|teaspoons?|tablespoons?|oz|lb|g\b|kg|ml|l\b|inch|in\b|mm|cm|pounds?|ounces?)",
    re.IGNORECASE,
)


def _num(text: str) -> float:
    return float(text.replace(",", "."))


def rating_from_values(
    value: object, best: object = None, worst: object = None, raw: str | None = None
) -> Rating | None:
    """Typed rating from structured data (schema.org ratingValue/bestRating/worstRating).

    >>> rating_from_values("8.8", "10", "1")
    Rating(value=8.8, best=10.0, worst=1.0, raw='8.8/10')
    >>> rating_from_values("4", None) .best      # schema.org: bestRating defaults to 5
    5.0
    >>> rating_from_values("92", None).best       # ... unless the value says otherwise
    100.0
    >>> rating_from_values("", "5") is None
    True
    """
    try:
        v = _num(str(value).strip())
    except (TypeError, ValueError):
        grade = str(value).strip().upper() if value is not None else ""
        if grade in LETTER_GRADES:
            return Rating(LETTER_GRADES[grade], LETTER_BEST, 0.0, raw or grade)
        return None
    b: float | None
    try:
        b = _num(str(best).strip()) if best not in (None, "") else None
    except ValueError:
        b = None
    try:
        w = _num(str(worst).strip()) if worst not in (None, "") else 0.0
    except ValueError:
        w = 0.0
    if b is None:
        b = 5.0 if v <= 5 else 10.0 if v <= 10 else 100.0 if v <= 100 else None
        if b is None:
            return None
    if not (b > w and w <= v <= b) or v != v:  # v != v: NaN
        return None
    return Rating(v, b, w, raw or f"{_fmt(v)}/{_fmt(b)}")


def _fmt(x: float) -> str:
    return str(int(x)) if x == int(x) else str(x)


def _make(value: float, best: float, raw: str) -> Rating | None:
    if best not in ALLOWED_BEST or not 0 <= value <= best:
        return None
    if best <= 10 and round(value * 100) % 5 and round(value * 100) % 10:
        # 3.37/5 is a measurement, not a rating; ratings step by tenths, quarters or halves
        if round(value * 4) != value * 4:
            return None
    return Rating(value, best, 0.0, raw.strip())


def _other_rater_before(text: str, start: int) -> bool:
    return bool(OTHER_RATERS_RE.search(text[max(0, start - 40) : start]))


def _in_lookalike(text: str, m: re.Match[str]) -> bool:
    start, end = m.span()
    before = text[max(0, start - 12) : start]
    if LOOKALIKE_CONTEXT_RE.search(before):
        return True
    window = text[max(0, start - 6) : end + 6]
    date_like = DATE_LIKE_RE.search(window)
    if date_like and date_like.group().count("/") >= 2:
        return True
    if UNIT_AFTER_RE.match(text[end:]):
        return True
    return _other_rater_before(text, start)


def parse_rating(text: str | None, *, best: float | None = None) -> Rating | None:
    """Find the rating in a short string (a rating line, an alt text, a badge).

    ``best`` is the scale to assume for a bare number ("4.5" with best=5).
    Returns None when the string holds no rating, or only a look-alike.
    """
    if not text:
        return None
    text = " ".join(text.split())
    if len(text) > 400:
        return None

    m = GRADE_RE.search(text)
    if m and not _other_rater_before(text, m.start()):
        grade = m.group("grade").upper()
        return Rating(LETTER_GRADES[grade], LETTER_BEST, 0.0, m.group("grade"))

    for m in OUT_OF_RE.finditer(text):
        if _in_lookalike(text, m):
            continue
        r = _make(_num(m.group("value")), _num(m.group("best")), m.group(0))
        if r:
            return r
    for m in SLASH_RE.finditer(text):
        if _in_lookalike(text, m):
            continue
        r = _make(_num(m.group("value")), _num(m.group("best")), m.group(0))
        if r:
            return r

    m = STARS_RE.search(text)
    if m:
        glyphs = m.group("full")
        full = sum(1 for ch in glyphs if ch not in "☆✩")
        value = full + (0.5 if m.group("half") else 0.0)
        total = len(glyphs) + (1 if m.group("half") and len(glyphs) > full else 0)
        scale = float(total) if total in (4, 5, 10) and total >= value else 5.0
        if value > 0 or total >= 4:
            return _make(value, scale, m.group(0))

    m = WORD_STARS_RE.search(text)
    if m and not _other_rater_before(text, m.start()):
        word = m.group("whole").lower()
        whole = float(NUMBER_WORDS[word]) if word in NUMBER_WORDS else _num(word)
        value = whole + (0.5 if m.group("half") else 0.0)
        b = m.group("best")
        scale = 5.0 if not b else float(NUMBER_WORDS.get(b.lower(), 0) or _num(b))
        return _make(value, scale, m.group(0))
    if HALF_ONLY_RE.search(text):
        return _make(0.5, 5.0, HALF_ONLY_RE.search(text).group(0))  # type: ignore[union-attr]

    m = PERCENT_RE.search(text)
    if m and not _in_lookalike(text, m):
        return _make(_num(m.group("value")), 100.0, m.group(0))

    if best is not None:
        bare = re.fullmatch(rf"\s*({_NUM})\s*", text)
        if bare:
            return _make(_num(bare.group(1)), float(best), bare.group(1))
    return None
