"""Raw date text -> ``ParsedDate``.

A fast path reads ISO 8601, RFC 822 and the common numeric and English forms without dateparser;
the rest goes to one reused ``dateparser.DateDataParser`` per (languages, date order, base
time): ``dateparser.parse`` re-detects the language on every call and is ~10x slower.

Known traps handled here (from dateparser's and htmldate's trackers): a missing day or month
silently filled from today (we require all parts), "N/A"/"on:" read as dates, day-first numbers
read month-first, leading words ("Published", "Veröffentlicht am", "publié le") that make
dateparser give up.

>>> parse_date("2025-06-07 12:00:00").isoformat()
'2025-06-07'
>>> parse_date("2025-06-07T12:00:00+00:00").isoformat()
'2025-06-07T12:00:00+00:00'
>>> parse_date("Sat, 07 Jun 2025 12:00:00 +0000").isoformat()
'2025-06-07T12:00:00+00:00'
>>> parse_date("Published on June 7, 2025").isoformat()
'2025-06-07'
>>> parse_date("07/06/2025", date_order="DMY").isoformat()
'2025-06-07'
>>> parse_date("N/A") is None
True
>>> parse_date("June 2025") is None      # no day: never filled in from today
True
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

__all__ = ["EARLIEST", "ParsedDate", "parse_date", "search_date"]

EARLIEST = dt.date(1995, 1, 1)  # before the web had review sites


@dataclass(frozen=True)
class ParsedDate:
    value: dt.date | dt.datetime
    raw: str

    def isoformat(self) -> str:
        """A date, or a date-time with its UTC offset; a naive time is reduced to its date."""
        v = self.value
        if isinstance(v, dt.datetime):
            if v.tzinfo is None or v.utcoffset() is None:
                return v.date().isoformat()
            return v.isoformat()
        return v.isoformat()

    @property
    def day(self) -> dt.date:
        v = self.value
        return v.date() if isinstance(v, dt.datetime) else v


# Month names and abbreviations in English, German, French, Spanish, Italian, Dutch and
# Portuguese: the fast path reads "7 June 2025", "7. Juni 2025", "7 juin 2025" without dateparser.
MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("january", "jan", "januar", "jänner", "janvier", "janv", "enero", "ene", "gennaio", "gen",
             "januari", "janeiro"),
            ("february", "feb", "februar", "feber", "février", "févr", "fevrier", "febrero", "febbraio",
             "februari", "fevereiro", "fev"),
            ("march", "mar", "märz", "maerz", "mrz", "mars", "marzo", "maart", "março", "marco"),
            ("april", "apr", "avril", "avr", "abril", "abr", "aprile"),
            ("may", "mai", "mayo", "maggio", "mag", "mei", "maio"),
            ("june", "jun", "juni", "juin", "junio", "giugno", "giu", "junho"),
            ("july", "jul", "juli", "juillet", "juil", "julio", "luglio", "lug", "julho"),
            ("august", "aug", "août", "aout", "agosto", "ago", "augustus"),
            ("september", "sep", "sept", "septembre", "septiembre", "settembre", "set", "setembro"),
            ("october", "oct", "oktober", "okt", "octobre", "octubre", "ottobre", "ott", "outubro", "out"),
            ("november", "nov", "novembre", "noviembre", "novembro"),
            ("december", "dec", "dezember", "dez", "décembre", "déc", "decembre", "diciembre", "dic",
             "dicembre", "dezembro"),
        ],
        start=1,
    )
    for m in names
}  # fmt: skip
_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))

ISO_RE = re.compile(
    r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:[T ](?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,]\d+)?)?"
    r"\s*(?P<tz>Z|[+-]\d{2}:?\d{2}|UTC|GMT)?)?$",
    re.IGNORECASE,
)
COMPACT_RE = re.compile(r"^(?P<y>(?:19|20)\d{2})(?P<m>[01]\d)(?P<d>[0-3]\d)(?:T\d{4,6}Z?)?$")
NUMERIC_RE = re.compile(
    r"^(?P<a>\d{1,4})[./-](?P<b>\d{1,2})[./-](?P<c>\d{2,4})(?:,?\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?)?$",
    re.IGNORECASE,
)
MDY_WORDS_RE = re.compile(
    rf"^(?:\w+,?\s+)?(?P<mon>{_MONTH_RE})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})"
    r"(?:,?\s+(?:at\s+)?(?P<H>\d{1,2}):(?P<M>\d{2})\s*(?P<ampm>[ap]\.?m\.?)?)?(?:\s+\w{2,5})?$",
    re.IGNORECASE,
)
DMY_WORDS_RE = re.compile(
    rf"^(?:\w+,?\s+)?(?P<d>\d{{1,2}})(?:st|nd|rd|th|er|º)?\.?\s+(?:de\s+)?(?P<mon>{_MONTH_RE})\.?,?\s+(?:de\s+)?"
    r"(?P<y>\d{4})"
    r"(?:,?\s+(?P<H>\d{1,2}):(?P<M>\d{2}))?$",
    re.IGNORECASE,
)
# Words before a date that make dateparser give up; stripped instead of search_dates (slow, wrong).
PREFIX_RE = re.compile(
    r"^(?:(?:first\s+|originally\s+)?(?:published|posted|updated|last\s+updated|modified|written|"
    r"reviewed|released|created|date|dated|veröffentlicht|aktualisiert|erschienen|stand|"
    r"publié|mis\s+à\s+jour|publicado|actualizado|pubblicato|aggiornato|gepubliceerd|"
    r"geplaatst|opublikowano)\b\s*(?:on|am|le|el|il|op|at|:)?\s*[:\-–—|]?\s*)+",
    re.IGNORECASE,
)
NOT_A_DATE = frozenset({"", "na", "n/a", "none", "null", "unknown", "tbd", "tba", "on", "on:", "-"})
HAS_DIGIT = re.compile(r"\d")
TZ_ABBREV = {"utc": 0, "gmt": 0, "z": 0, "est": -5, "edt": -4, "cst": -6, "cdt": -5,
             "mst": -7, "mdt": -6, "pst": -8, "pdt": -7, "cet": 1, "cest": 2, "bst": 1}  # fmt: skip


def _tz(text: str | None) -> dt.tzinfo | None:
    if not text:
        return None
    t = text.strip().lower()
    if t in TZ_ABBREV:
        return dt.timezone(dt.timedelta(hours=TZ_ABBREV[t]))
    m = re.fullmatch(r"([+-])(\d{2}):?(\d{2})", t)
    if not m:
        return None
    hours, minutes = int(m.group(2)), int(m.group(3))
    if hours >= 24 or minutes >= 60:
        return None  # "+24:00", "-99:99": no offset (datetime.timezone raises)
    sign = 1 if m.group(1) == "+" else -1
    return dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))


def _build(
    y: int, m: int, d: int, hh: int | None = None, mm: int = 0, ss: int = 0,
    tz: dt.tzinfo | None = None,
) -> dt.date | dt.datetime | None:  # fmt: skip
    try:
        if hh is None:
            return dt.date(y, m, d)
        return dt.datetime(y, m, d, hh, mm, ss, tzinfo=tz)
    except ValueError:
        return None


def _fast(text: str, date_order: str | None) -> dt.date | dt.datetime | None:
    m = ISO_RE.match(text)
    if m:
        hh = m.group("H")
        return _build(
            int(m["y"]), int(m["m"]), int(m["d"]),
            int(hh) if hh is not None else None, int(m["M"] or 0), int(m["S"] or 0), _tz(m["tz"]),
        )  # fmt: skip
    m = COMPACT_RE.match(text)
    if m:
        return _build(int(m["y"]), int(m["m"]), int(m["d"]))
    m = NUMERIC_RE.match(text)
    if m:
        a, b, c = m["a"], m["b"], m["c"]
        if len(a) == 4:
            return _build(int(a), int(b), int(c))
        year = int(c) + (2000 if len(c) == 2 and int(c) < 70 else 1900 if len(c) == 2 else 0)
        first, second = int(a), int(b)
        if first > 12:
            order = "DMY"
        elif second > 12:
            order = "MDY"
        elif date_order in ("DMY", "MDY"):
            order = date_order
        elif "." in text:
            order = "DMY"  # 07.06.2025: dotted numeric dates are day-first wherever they are used
        else:
            return None  # ambiguous without the page's language or the profile's date order
        day, month = (first, second) if order == "DMY" else (second, first)
        return _build(year, month, day)
    for rx in (MDY_WORDS_RE, DMY_WORDS_RE):
        m = rx.match(text)
        if m:
            hh = int(m["H"]) if m["H"] else None
            if hh is not None and m.groupdict().get("ampm"):
                hh = hh % 12 + (12 if m["ampm"].lower().startswith("p") else 0)
            # a time without a zone is local to the site: keep the day only
            return _build(int(m["y"]), MONTHS[m["mon"].lower()], int(m["d"]))
    if "," in text and re.match(r"^\w{3},\s", text):
        try:
            return parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError, OverflowError):  # "Sat, 99999999999 Jun 2025 ..."
            return None
    return None


@functools.lru_cache(maxsize=32)
def _parser(languages: tuple[str, ...] | None, date_order: str | None, base: dt.datetime | None):  # type: ignore[no-untyped-def]
    from dateparser.date import DateDataParser  # imported lazily: ~0.3 s at import time

    settings: dict[str, object] = {
        "REQUIRE_PARTS": ["day", "month", "year"],
        "PREFER_DATES_FROM": "past",
        "RETURN_AS_TIMEZONE_AWARE": False,
        "STRICT_PARSING": True,
    }
    if date_order:
        settings["DATE_ORDER"] = date_order
    if base is not None:
        settings["RELATIVE_BASE"] = base.replace(tzinfo=None)
    return DateDataParser(languages=list(languages) if languages else None, settings=settings)


@functools.cache
def _dateparser_languages() -> dict[str, str]:
    from dateparser.data.languages_info import language_order

    return {code.lower(): code for code in language_order}


def _known_languages(languages: tuple[str, ...] | None) -> tuple[str, ...] | None:
    """The languages dateparser knows, by code or by the code's language part ("de-AT" -> "de");
    None (detect) when it knows none of them: it raises on an unknown one (a page's lang="xx")."""
    if not languages:
        return None
    known = _dateparser_languages()
    out: list[str] = []
    for lang in languages:
        code = str(lang).strip().lower().replace("_", "-")
        hit = known.get(code) or known.get(code.split("-")[0])
        if hit and hit not in out:
            out.append(hit)
    return tuple(out) or None


def _clean(text: str) -> str:
    text = " ".join(text.replace("\xa0", " ").split()).strip(" .,;:|–—-•·")
    return PREFIX_RE.sub("", text).strip(" .,;:|–—-•·")


def parse_date(
    text: str | None,
    *,
    languages: tuple[str, ...] | None = None,
    date_order: str | None = None,
    now: dt.datetime | None = None,
    fast_only: bool = False,
) -> ParsedDate | None:
    """Read one date string; None when it is no date, incomplete, or out of bounds.

    ``now`` is the fetch time: relative dates ("3 days ago") count from it and nothing may
    lie after it. ``date_order`` ("DMY", "MDY", "YMD") decides ambiguous numeric dates.
    """
    if not text:
        return None
    raw = text
    text = _clean(text)
    if text.lower() in NOT_A_DATE or len(text) > 80 or len(text) < 4:
        return None
    value = _fast(text, date_order)
    if value is None and NUMERIC_RE.match(text):
        return None  # ambiguous day/month, or impossible: dateparser would guess month-first
    if value is None and not fast_only:
        if not HAS_DIGIT.search(text) and "ago" not in text.lower() and "yesterday" not in text.lower():
            return None
        data = _parser(_known_languages(languages), date_order, now).get_date_data(text)
        if data and data.date_obj is not None and data.period == "day":
            obj = data.date_obj
            value = obj if (obj.hour or obj.minute) and obj.tzinfo is not None else obj.date()
    if value is None:
        return None
    day = value.date() if isinstance(value, dt.datetime) else value
    limit = (now or dt.datetime.now(dt.UTC)).date() + dt.timedelta(days=1)
    if not EARLIEST <= day <= limit:
        return None
    return ParsedDate(value, raw.strip())


SEARCH_RE = re.compile(
    r"(?<![\d.])(?:(?:19|20)\d{2}-[01]?\d-[0-3]?\d(?:T[\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?"
    r"|[0-3]?\d(?P<sep>[./])[01]?\d(?P=sep)(?:19|20)\d{2}"
    rf"|(?:{_MONTH_RE})\.?\s+[0-3]?\d(?:st|nd|rd|th)?,?\s+(?:19|20)\d{{2}}"
    rf"|[0-3]?\d(?:st|nd|rd|th|er|º)?\.?\s+(?:de\s+)?(?:{_MONTH_RE})\.?,?\s+(?:de\s+)?(?:19|20)\d{{2}})(?![\d])",
    re.IGNORECASE,
)


# every form SEARCH_RE reads spells a year 19xx or 20xx: text without one is searched no further
YEAR_SCREEN_RE = re.compile(r"(?:19|20)\d\d")


def search_date(
    text: str | None,
    *,
    date_order: str | None = None,
    now: dt.datetime | None = None,
    human: bool = False,
) -> ParsedDate | None:
    """The first complete date written inside a longer text ("Pete Evans · Posted: Oct 14, 2022").

    Fast forms only (ISO, numeric, month names in seven languages): no dateparser, no guessing.
    ``human`` skips ISO date-times: what a reader is shown, not a timestamp left in the markup.

    >>> search_date("Pete Evans · CBC News · Posted: Oct 14, 2022 9:27 AM ET").isoformat()
    '2022-10-14'
    >>> search_date("Veröffentlicht am 8. November 2021 von Anna").isoformat()
    '2021-11-08'
    >>> search_date("Open 24/7, 10.5 km away") is None
    True
    >>> search_date("a stellar 8.8/10 rating, 9/10 for the score") is None   # ratings, not dates
    True
    """
    if not text or not HAS_DIGIT.search(text) or not YEAR_SCREEN_RE.search(text, 0, 2000):
        return None
    for m in SEARCH_RE.finditer(text[:2000]):
        if human and "T" in m.group():
            continue  # a machine timestamp left in the text ("2022-12-07T10:10:52+01:00"), hidden by CSS
        d = parse_date(m.group(), date_order=date_order, now=now, fast_only=True)
        if d:
            return d
    return None
