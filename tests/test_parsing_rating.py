"""parse_rating on rating strings as they appear on real review pages (price-parser style)."""

from __future__ import annotations

import pytest

from reviewcrawl.parsing.rating import parse_rating, rating_from_values

# (raw string, value, best)
RATINGS = [
    ("4/5", 4, 5),
    ("**Rating:** 4/5", 4, 5),
    ("Rating:\n4/5", 4, 5),
    ("8.8/10", 8.8, 10),
    ("a stellar 8.8/10 rating", 8.8, 10),
    ("Rating: 3.5 out of 5 stars", 3.5, 5),
    ("3.5 out of 5 stars", 3.5, 5),
    ("7.75 out of 10", 7.75, 10),
    ("Score: 9/10", 9, 10),
    ("9/10 - Excellent", 9, 10),
    ("87/100", 87, 100),
    ("87%", 87, 100),
    ("Our score: 92%", 92, 100),
    ("4 von 5 Sternen", 4, 5),
    ("4 sur 5", 4, 5),
    ("Note : 4/5", 4, 5),
    ("8,5/10", 8.5, 10),
    ("Wertung: 8,5/10", 8.5, 10),
    ("★★★★☆", 4, 5),
    ("★★★½", 3.5, 5),
    ("★★★★★", 5, 5),
    ("★☆☆☆☆", 1, 5),
    ("★★★★☆ (4/5)", 4, 5),
    ("⭐⭐⭐⭐", 4, 4),
    ("Four stars", 4, 5),
    ("two and a half stars", 2.5, 5),
    ("three stars out of five", 3, 5),
    ("4.5 stars", 4.5, 5),
    ("4 stars", 4, 5),
    ("1 star", 1, 5),
    ("3½ stars", 3.5, 5),
    ("Rating: 4 out of 5 stars", 4, 5),
    ("Rating: 3 out of 5 stars", 3, 5),
    ("My rating: 2/4", 2, 4),
    ("3/4 stars", 3, 4),
    ("14/20", 14, 20),
    ("Verdict: 7/10", 7, 10),
    ("Final score: 6.5/10", 6.5, 10),
    ("Overall: 8 / 10", 8, 10),
    ("9.1 / 10", 9.1, 10),
    ("4.25/5", 4.25, 5),
    ("10/10", 10, 10),
    ("0/10", 0, 10),
    ("5 out of 5", 5, 5),
    ("2 of 5", 2, 5),
    ("Bewertung: 4 von 5", 4, 5),
    ("Calificación: 8/10", 8, 10),
    ("Voto: 7,5/10", 7.5, 10),
    ("I give it 4 out of 5", 4, 5),
    ("I'd give this movie a 7/10", 7, 10),
    ("Rated 4.5/5", 4.5, 5),
]

GRADES = [("Rating: B+", 9), ("Grade: A-", 10), ("Grade: C", 5), ("Verdict: A+", 12), ("Grade: F", 0), ("Note: D-", 1)]

# Look-alikes: none of these is a reviewer's rating
NOT_RATINGS = [
    "4/5/2025",
    "12/06/2025",
    "open 24/7",
    "Top 10 movies of 2025",
    "1/2 cup sugar",
    "3/4 tsp salt",
    "Page 1/12",
    "Photo 3/10",
    "Episode 4/10",
    "IMDb: 7.0/10",
    "IMDb 7.0/10",
    "Rotten Tomatoes: 78%",
    "Metacritic 71/100",
    "Average user rating: 4.2/5",
    "at 10:30",
    "3/8",
    "1/12",
    "",
    "no rating here",
    "Season 2, episode 3/10",
    "Step 2/5",
]


@pytest.mark.parametrize(("raw", "value", "best"), RATINGS, ids=[r[0] for r in RATINGS])
def test_parse_rating(raw: str, value: float, best: float) -> None:
    r = parse_rating(raw)
    assert r is not None and (r.value, r.best) == (value, best)


@pytest.mark.parametrize(("raw", "value"), GRADES)
def test_letter_grades(raw: str, value: float) -> None:
    r = parse_rating(raw)
    assert r is not None and (r.value, r.best) == (value, 12)


@pytest.mark.parametrize("raw", NOT_RATINGS)
def test_not_a_rating(raw: str) -> None:
    assert parse_rating(raw) is None


@pytest.mark.parametrize(
    ("value", "best", "worst", "expected"),
    [
        ("8.8", "10", "1", (8.8, 10, 1, 0.8667)),
        ("4", None, None, (4, 5, 0, 0.8)),
        ("4", "5", "1", (4, 5, 1, 0.75)),
        ("92", None, None, (92, 100, 0, 0.92)),
        ("3,5", "5", None, (3.5, 5, 0, 0.7)),
        (4.5, 5, 0, (4.5, 5, 0, 0.9)),
    ],
)
def test_rating_from_structured_values(value: object, best: object, worst: object, expected: tuple[float, ...]) -> None:
    r = rating_from_values(value, best, worst)
    assert r is not None and (r.value, r.best, r.worst, r.normalized) == expected


@pytest.mark.parametrize(("value", "best"), [("", "5"), ("6", "5"), ("-1", "5"), ("abc", "5"), ("nan", "5")])
def test_structured_values_out_of_bounds(value: str, best: str) -> None:
    assert rating_from_values(value, best) is None
