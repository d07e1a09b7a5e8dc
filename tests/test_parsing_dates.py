"""parse_date on date strings from real pages; NOW is fixed, never datetime.now()."""

from __future__ import annotations

import datetime as dt

import pytest

from reviewcrawl.parsing.dates import parse_date, search_date

NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)

# (raw, date order or None, expected ISO output)
DATES = [
    ("2025-06-07", None, "2025-06-07"),
    ("2025-06-07 12:00:00", None, "2025-06-07"),
    ("2025-06-07T12:00:00+00:00", None, "2025-06-07T12:00:00+00:00"),
    ("2025-06-07T12:00:00Z", None, "2025-06-07T12:00:00+00:00"),
    ("2014-11-23T16:00:00+04:00", None, "2014-11-23T16:00:00+04:00"),
    ("2025-06-07T09:30:00.000-04:00", None, "2025-06-07T09:30:00-04:00"),
    ("20250607", None, "2025-06-07"),
    ("Sat, 07 Jun 2025 12:00:00 +0000", None, "2025-06-07T12:00:00+00:00"),
    ("Sat, 14 Jun 2025 16:40:02 +0000", None, "2025-06-14T16:40:02+00:00"),
    ("June 7, 2025", None, "2025-06-07"),
    ("Jun 7, 2025", None, "2025-06-07"),
    ("June 7th, 2025", None, "2025-06-07"),
    ("Saturday, June 7, 2025", None, "2025-06-07"),
    ("7 June 2025", None, "2025-06-07"),
    ("7th June 2025", None, "2025-06-07"),
    ("Published on June 7, 2025", None, "2025-06-07"),
    ("Posted on Jun 14, 2025", None, "2025-06-14"),
    ("Updated: 2025-06-08", None, "2025-06-08"),
    ("June 7, 2025 at 12:00 pm", None, "2025-06-07"),
    ("07/06/2025", "DMY", "2025-06-07"),
    ("06/07/2025", "MDY", "2025-06-07"),
    ("25/12/2024", None, "2024-12-25"),
    ("12/25/2024", None, "2024-12-25"),
    ("7.6.2025", "DMY", "2025-06-07"),
    ("2025/06/07", None, "2025-06-07"),
    ("Veröffentlicht am 7. Juni 2025", None, "2025-06-07"),
    ("publié le 7 juin 2025", None, "2025-06-07"),
    ("7 de junio de 2025", None, "2025-06-07"),
    ("3 days ago", None, "2026-11-19"),
    ("01.11.2023 12:43", None, "2023-11-01"),
]

NOT_DATES = [
    "N/A", "NA", "on:", "", "June 2025", "2025", "tomorrow's news", "Published", "12/06/2025",
    "2031-01-01", "1989-05-01", "version 4.5", "Chapter 12", "12/06/2025 12:43:42",
]  # fmt: skip


@pytest.mark.parametrize(("raw", "order", "expected"), DATES, ids=[d[0] for d in DATES])
def test_parse_date(raw: str, order: str | None, expected: str) -> None:
    d = parse_date(raw, date_order=order, now=NOW)
    assert d is not None and d.isoformat() == expected


@pytest.mark.parametrize("raw", NOT_DATES)
def test_not_a_date(raw: str) -> None:
    """No day (never filled from today), ambiguous numbers without an order, out of bounds."""
    assert parse_date(raw, now=NOW) is None


# (text, expected) for search_date(human=True): the date a reader is shown, not a leftover timestamp
SHOWN = [
    ("Isabell Angele 2022-12-07T10:10:52+01:00 25. Dezember 2022 |", "2022-12-25"),
    ("2022-12-07T10:10:52+01:00", None),
]


@pytest.mark.parametrize(("text", "expected"), SHOWN, ids=[t for t, _ in SHOWN])
def test_search_date_shown(text: str, expected: str | None) -> None:
    d = search_date(text, now=NOW, human=True)
    assert (d.isoformat() if d else None) == expected


# (raw, languages, expected): dateparser raises on a language it does not know (once a ValueError
# out of extract_review for a page with <html lang="xx">); codes are matched case-insensitively,
# a locale by its language ("de-AT" -> "de"), and unknown ones are left to detection
LANGUAGES = [
    ("le 7 juin 2025 à 12h", ("zz",), "2025-06-07"),
    ("vor 3 Tagen", ("xx", "de"), "2026-11-19"),
    ("vor 3 Tagen", ("DE-at",), "2026-11-19"),
    ("vor 3 Tagen", ("de_DE",), "2026-11-19"),
    ("0000", ("xx",), None),
]


@pytest.mark.parametrize(("raw", "languages", "expected"), LANGUAGES)
def test_languages(raw: str, languages: tuple[str, ...], expected: str | None) -> None:
    d = parse_date(raw, languages=languages, now=NOW)
    assert (d.isoformat() if d else None) == expected


def test_rfc822_with_a_huge_day_is_no_date() -> None:
    """email.utils overflowed (OverflowError) on a day too large for a C long."""
    assert parse_date("Sat, 9999999999999999999999907 Jun 2025 12:00:00 +0000", now=NOW) is None


@pytest.mark.parametrize("offset", ["+24:00", "-2400", "+05:60", "+99:99"])
def test_impossible_utc_offset_keeps_the_day(offset: str) -> None:
    """datetime.timezone raised ValueError on an offset of a day or more: now the offset is dropped."""
    d = parse_date(f"2025-06-07T12:00:00{offset}", now=NOW)
    assert d is not None and d.isoformat() == "2025-06-07"
