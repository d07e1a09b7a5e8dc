"""normalize_author on bylines from real pages."""

from __future__ import annotations

import pytest

from reviewcrawl.parsing.authors import normalize_author

BYLINES = [
    ("prestonmoline", "prestonmoline"),
    ("@headphonesthoughts", "headphonesthoughts"),
    ("By @headphonesthoughts", "headphonesthoughts"),
    ("By Jane Doe", "Jane Doe"),
    ("by Jane Doe", "Jane Doe"),
    ("Written by Jane Doe", "Jane Doe"),
    ("Posted by Jane Doe on June 7, 2025", "Jane Doe"),
    ("By Jane Doe | June 7, 2025", "Jane Doe"),
    ("By Jane Doe, Senior Film Critic", "Jane Doe"),
    ("Jane Doe, Film Critic", "Jane Doe"),
    ("By Jane Doe and John Roe", "Jane Doe, John Roe"),
    ("Jane Doe & John Roe", "Jane Doe, John Roe"),
    ("Von Anna Müller und Jan Schmidt", "Anna Müller, Jan Schmidt"),
    ("Par Marie Dupont", "Marie Dupont"),
    ("Por María García", "María García"),
    ("JANE DOE", "Jane Doe"),
    ("By Jane Doe jane@example.com", "Jane Doe"),
    (["Jane Doe", "John Roe"], "Jane Doe, John Roe"),
    (["Jane Doe", "jane doe"], "Jane Doe"),
]

NOT_AUTHORS = [
    "Staff",
    "admin",
    "By Staff",
    "The Editors",
    "Redaktion",
    "",
    "By",
    "12345",
    "https://example.com/author/jane",
]


@pytest.mark.parametrize(("raw", "expected"), BYLINES, ids=[str(b[0]) for b in BYLINES])
def test_normalize_author(raw: str | list[str], expected: str) -> None:
    assert normalize_author(raw) == expected


@pytest.mark.parametrize("raw", NOT_AUTHORS)
def test_not_an_author(raw: str) -> None:
    assert normalize_author(raw) is None
