"""parse_rating on rating strings as they appear on real review pages (price-parser style)."""

from __future__ import annotations

import time

import pytest

from reviewcrawl.parsing.rating import parse_rating, rating_from_values, rating_on_scale

# (raw string, value, best)
RATINGS = [
    # --- the original table
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
    # --- film reviews
    ("Rating: ★★★½ (out of four)", 3.5, 5),
    ("★★★★ out of 4", 4, 4),
    ("3 1/2 stars out of 4", 3.5, 4),
    ("3½ out of 4 stars", 3.5, 4),
    ("Our rating: 2.5/4", 2.5, 4),
    ("Grade: B-", 7, 12),
    ("Final grade: A-", 10, 12),
    ("Movie rating: 7/10", 7, 10),
    ("Score: 7/10 | IMDb: 8.1/10", 7, 10),
    ("IMDb: 8.1/10 | Our score: 7/10", 7, 10),
    ("Reel Verdict: 4/5", 4, 5),
    ("Verdict: Average (5/10)", 5, 10),
    ("The Verdict: 3.5 out of 5", 3.5, 5),
    ("Rating: *** (out of 4)", 3, 5),
    ("***½", 3.5, 5),
    ("**½", 2.5, 5),
    ("Stars: ****", 4, 5),
    ("three and a half stars out of four", 3.5, 4),
    ("two-and-a-half-star", 2.5, 5),
    ("a four-star film", 4, 5),
    ("Critic's rating: 4/5", 4, 5),
    ("Dune: Part Two (2024) - 9/10", 9, 10),
    ("Rated 7.5/10", 7.5, 10),
    ("7.5 out of 10.", 7.5, 10),
    # --- book reviews
    ("My rating: 4/5 stars", 4, 5),
    ("Rating: 4.5/5", 4.5, 5),
    ("4.5 stars, rounded up to 5", 4.5, 5),
    ("3.75 stars", 3.75, 5),
    ("I give it 3 out of 5 stars.", 3, 5),
    ("Five stars!", 5, 5),
    ("One star.", 1, 5),
    ("5/5 stars, would recommend", 5, 5),
    ("🌟🌟🌟🌟", 4, 4),
    ("⭐⭐⭐⭐⭐ 5/5", 5, 5),
    ("⭐️⭐️⭐️⭐️", 4, 4),
    ("★★★★½", 4.5, 5),
    ("★★★½☆", 3.5, 5),
    ("★ ★ ★ ★ ☆", 4, 5),
    ("★★☆☆☆ 2/5", 2, 5),
    ("Rating: 3 stars", 3, 5),
    ("half a star", 0.5, 5),
    ("Rating: no stars", 0, 5),
    ("My rating: one star", 1, 5),
    ("4.5★", 4.5, 5),
    ("★ 4.5", 4.5, 5),
    ("I rate it 4/5", 4, 5),
    ("zero stars", 0, 5),
    # --- game reviews
    ("Score: 8.5/10", 8.5, 10),
    ("8.5/10 – Great", 8.5, 10),
    ("Verdict: 9/10 - Amazing", 9, 10),
    ("Review score: 92/100", 92, 100),
    ("Score: 92%", 92, 100),
    ("92% - Must play", 92, 100),
    ("Overall: 88%", 88, 100),
    ("Story 3/5, Graphics 4/5, Overall 4/5", 4, 5),
    ("Gameplay: 8/10 Story: 7/10 Final score: 7.5/10", 7.5, 10),
    ("Total: 85/100", 85, 100),
    ("10/10 would play again", 10, 10),
    ("8/10 The game is a blast.", 8, 10),
    ("Rating: 4.0/5.0", 4, 5),
    ("4.5 / 5.0", 4.5, 5),
    ("8.8/10.0", 8.8, 10),
    ("Score: 3/5 (Good)", 3, 5),
    ("It gets a 7 out of 10 from me", 7, 10),
    # --- music reviews
    ("Rating: 8.2/10", 8.2, 10),
    ("7.8 out of 10", 7.8, 10),
    ("Album rating: 4/5", 4, 5),
    ("Score: 4/5 | Best track: Opener", 4, 5),
    ("★★★★ (4/5)", 4, 5),
    ("eight out of ten", 8, 10),
    ("a solid seven out of ten", 7, 10),
    ("Rating: 16/20", 16, 20),
    ("Rating: 3/6", 3, 6),
    ("3/7", 3, 7),
    # --- product reviews
    ("Our verdict: 4.5 out of 5", 4.5, 5),
    ("Rated 4.50 out of 5", 4.5, 5),
    ("Rating: 4.5 out of 5.", 4.5, 5),
    ("4 out of 5 stars", 4, 5),
    ("4 of 5 stars", 4, 5),
    ("4 stars out of 5", 4, 5),
    ("4.5 out of a possible 5", 4.5, 5),
    ("Our score: 8/10", 8, 10),
    ("Overall rating: 9/10", 9, 10),
    ("Rating: B+", 9, 12),
    ("B+", 9, 12),
    ("A-", 10, 12),
    ("Grade: C+", 6, 12),
    ("TL;DR: 4/5, buy it", 4, 5),
    ("Value: 4/5", 4, 5),
    ("Pros and cons... 7/10", 7, 10),
    ("Rating: 4 out of 5, great for travel", 4, 5),
    ("I'd give it 4 of 5 for effort", 4, 5),
    ("3/5 - fine for the price", 3, 5),
    # --- restaurant reviews
    ("Food: 4/5", 4, 5),
    ("Overall: 4 stars", 4, 5),
    ("Rating: ★★★★☆", 4, 5),
    ("Three stars", 3, 5),
    ("4-star", 4, 5),
    ("2 stars for the service", 2, 5),
    ("Rating: 3.5/5", 3.5, 5),
    ("Score: 17/20", 17, 20),
    ("Note globale : 15/20", 15, 20),
    ("Note : 14,5/20", 14.5, 20),
    # --- German
    ("Sterne: 4 von 5", 4, 5),
    ("vier von fünf Sternen", 4, 5),
    ("4 von 5 möglichen Sternen", 4, 5),
    ("4,5 von 5 Sternen", 4.5, 5),
    ("dreieinhalb Sterne", 3.5, 5),
    ("viereinhalb Sterne", 4.5, 5),
    ("3,5 Sterne", 3.5, 5),
    ("Bewertung: 4 Sterne", 4, 5),
    ("8 von 10 Punkten", 8, 10),
    ("Wertung: 85 %", 85, 100),
    ("Gesamtwertung: 87 %", 87, 100),
    ("Fazit: 4/5", 4, 5),
    ("Urteil: 7,5 von 10", 7.5, 10),
    ("Unsere Wertung: 8/10", 8, 10),
    # --- French
    ("Ma note : 4 sur 5", 4, 5),
    ("Note : 3/5 — pas mal", 3, 5),
    ("Notre note : 4,5/5", 4.5, 5),
    ("Note : 16/20", 16, 20),
    ("4 étoiles sur 5", 4, 5),
    ("quatre étoiles sur cinq", 4, 5),
    ("trois étoiles et demie", 3.5, 5),
    ("4,5 étoiles", 4.5, 5),
    ("Note : une étoile", 1, 5),
    ("8 sur 10", 8, 10),
    # --- Spanish
    ("4 de 5 estrellas", 4, 5),
    ("cuatro de cinco estrellas", 4, 5),
    ("tres estrellas y media", 3.5, 5),
    ("Puntuación: 8,5/10", 8.5, 10),
    ("Valoración: 4 de 5", 4, 5),
    ("Nota: 7/10", 7, 10),
    ("3,5 estrellas", 3.5, 5),
    # --- Italian
    ("3 su 5", 3, 5),
    ("Voto: 8/10", 8, 10),
    ("4 stelle su 5", 4, 5),
    ("tre stelle e mezzo", 3.5, 5),
    ("Valutazione: 4,5/5", 4.5, 5),
    ("Giudizio: 7 su 10", 7, 10),
    # --- Dutch
    ("4,5 sterren", 4.5, 5),
    ("vier sterren", 4, 5),
    ("drie en een halve ster", 3.5, 5),
    ("drieënhalve ster", 3.5, 5),
    ("4 uit 5 sterren", 4, 5),
    ("4 van de 5 sterren", 4, 5),
    ("Beoordeling: 8/10", 8, 10),
    ("Cijfer: 7,5/10", 7.5, 10),
    # --- Portuguese, Scandinavian, Polish, Russian
    ("4 de 5 estrelas", 4, 5),
    ("quatro estrelas", 4, 5),
    ("Betyg: 4 av 5", 4, 5),
    ("fyra stjärnor", 4, 5),
    ("5 stjerner", 5, 5),
    ("4 ud af 6 stjerner", 4, 6),
    ("Terningkast 5", 5, 6),
    ("terningkast: fem", 5, 6),
    ("Ocena: 8/10", 8, 10),
    ("4 gwiazdki", 4, 5),
    ("4 из 5", 4, 5),
]

GRADES = [("Rating: B+", 9), ("Grade: A-", 10), ("Grade: C", 5), ("Verdict: A+", 12), ("Grade: F", 0), ("Note: D-", 1)]

# Look-alikes: none of these is a reviewer's rating
NOT_RATINGS = [
    # dates and times
    "4/5/2025",
    "12/06/2025",
    "12/10/2024",
    "Posted on 4/5",
    "Updated 3/10 at 9:00",
    "Doors open 7/10 at 8pm",
    "at 10:30",
    "10:30 - 11:45",
    "open 24/7",
    # lists and counters
    "Top 10 movies of 2025",
    "Top 5/10",
    "Page 1/12",
    "Page 2 of 5",
    "Seite 2 von 5",
    "Photo 3/10",
    "Slide 3/10",
    "Image 4/5",
    "Step 2/5",
    "Step 2 of 5",
    "Part 2 of 3",
    "Teil 2 von 3",
    "Episode 4/10",
    "Season 2, episode 3/10",
    "Chapter 3/10",
    "Chapitre 3 sur 10",
    "Capítulo 3 de 10",
    "Book 2 of 3 in the series",
    "Vol. 2 of 4",
    "#3 of 10",
    "No. 4 of 5",
    "Showing 1 of 5 reviews",
    "3 of 5 people found this helpful",
    "2 of 5 finalists",
    "Game 3/7",
    "won 4/5 matches",
    "1/12",
    "3/8",
    "11/10",
    "6/5",
    # fractions, units, music, school
    "1/2 cup sugar",
    "3/4 tsp salt",
    "3/4 teaspoon vanilla",
    "3/4 Cup Flour",
    "1/3 of the budget",
    "3/4 of the way through",
    '1/4" jack',
    "1/4-inch jack",
    "1/100 sec shutter",
    "1/4 mile",
    "20/20 vision",
    "in 3/4 time",
    "a waltz in 3/4",
    "5/4 time signature",
    "9/10 times",
    "4/5 dentists recommend",
    "8 out of 10 people",
    "Nine out of ten cats prefer it",
    "4 von 5 Zahnärzten empfehlen",
    "Grades 4/5",
    "Ages 3/4",
    "Windows 7/10",
    "PS4/5",
    "1/10 scale model",
    "50/50 chance",
    "2/3 majority",
    "rated 4-5 stars",
    "from 1 to 5 stars",
    # other raters, aggregates, certifications
    "IMDb: 7.0/10",
    "IMDb 7.0/10",
    "IMDb Rating: 7.0/10",
    "7.0/10 on IMDb",
    "Rotten Tomatoes: 78%",
    "78% on Rotten Tomatoes",
    "RT: 78%",
    "78% Tomatometer",
    "Audience Score: 85%",
    "Metacritic 71/100",
    "Metacritic: 71",
    "Metascore: 71",
    "Users: 8.1/10",
    "User Score: 8.1",
    "Readers' rating: 4/5",
    "Letterboxd: 3.8/5",
    "Goodreads rating: 4.12/5",
    "Average user rating: 4.2/5",
    "Average rating: 4.2/5",
    "Google rating 4.5 ★",
    "Rated 4.67 out of 5 based on 3 customer ratings",
    "4.2 out of 5 stars from 2,351 reviews",
    "4.5 out of 5 stars (1,234 reviews)",
    "★★★★☆ 4.2 (1,234)",
    "4 stars (1,234)",
    "5 stars 70%",
    "5 star 68%",
    "Michelin 3 stars",
    "awarded three stars by Michelin",
    "3-star Michelin restaurant",
    "two Michelin stars",
    "Hygiene rating: 5/5",
    "Euro NCAP safety rating: 5 stars",
    "CBFC rating: A",
    "Energy rating: A",
    "Energy rating: A+++",
    "NYC health grade: A",
    "ESRB Rating: E",
    "Rated R",
    "Rated R for violence",
    "Rated PG-13",
    "PEGI 18",
    # words that look like stars or grades
    "A Star Is Born",
    "The film stars Tom Hanks",
    "starring Tom Hanks",
    "Star Wars",
    "no stars",
    "Una estrella",
    "a 5-star hotel",
    "4-star general",
    "five-star service",
    "hundreds of five-star reviews",
    "It has 5 stars in the cast",
    "The 4 stars of the show",
    "Rated 4 stars by 1,234 readers",
    "★ Editor's Pick",
    "* * *",
    "Note: A review copy was provided.",
    "Note : C'est un bon film",
    "Grade A beef",
    "Verdict: B-movie fun",
    # percentages that are not scores
    "100% cotton",
    "50% off",
    "Save 20% today",
    "I 100% recommend this",
    "85% cacao dark chocolate",
    "Battery at 80%",
    "5.5% ABV",
    # no rating at all
    "",
    "no rating here",
    "$4.99",
    "version 4.5",
    "iOS 17.4",
    "Score: 3-1",
    "Call 555-1234",
    "on a scale of 1-10",
]


@pytest.mark.parametrize(("raw", "value", "best"), RATINGS, ids=[r[0] for r in RATINGS])
def test_parse_rating(raw: str, value: float, best: float) -> None:
    r = parse_rating(raw)
    assert r is not None and (r.value, r.best) == (value, best)


def test_table_is_large_and_unique() -> None:
    raws = [r[0] for r in RATINGS]
    assert len(raws) >= 150
    assert len(set(raws)) == len(raws)
    assert len(set(NOT_RATINGS)) == len(NOT_RATINGS)


@pytest.mark.parametrize(("raw", "value"), GRADES)
def test_letter_grades(raw: str, value: float) -> None:
    r = parse_rating(raw)
    assert r is not None and (r.value, r.best) == (value, 12)


@pytest.mark.parametrize("raw", NOT_RATINGS)
def test_not_a_rating(raw: str) -> None:
    assert parse_rating(raw) is None


@pytest.mark.parametrize(
    ("raw", "best", "value"),
    [("4.5", 5, 4.5), ("8", 10, 8), ("Rating: 4", 5, 4), ("4.5 stars", 10, 4.5), ("7", 5, None), ("abc", 5, None)],
)
def test_bare_number_with_scale(raw: str, best: float, value: float | None) -> None:
    r = parse_rating(raw, best=best)
    assert (r.value if r else None) == value


def test_raw_keeps_the_matched_text() -> None:
    assert parse_rating("My verdict: 4 von 5 Sternen.").raw == "4 von 5"  # type: ignore[union-attr]
    assert parse_rating("Rating: ★★★★☆ — great").raw == "★★★★☆"  # type: ignore[union-attr]


def test_rating_on_scale() -> None:
    assert rating_on_scale(4.5, 5) is not None
    assert rating_on_scale(3, 8) is None  # not a reviewers' scale
    assert rating_on_scale(3.37, 5) is None  # a measurement or an average
    assert rating_on_scale(6, 5) is None


def test_fast_on_text_without_ratings() -> None:
    prose = (
        "The director returns with a quieter film about two sisters who inherit a farm in the hills, "
        "and it is the best thing she has made since her debut. "
    ) * 3
    lines = [prose, "Posted in Reviews by Jane Doe", "Share this article", *NOT_RATINGS, *(r[0] for r in RATINGS)]
    t0 = time.perf_counter()
    for _ in range(20):
        for line in lines:
            parse_rating(line)
    per_call = (time.perf_counter() - t0) / (20 * len(lines))
    assert per_call < 0.001  # well under a millisecond per text block


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


@pytest.mark.parametrize(
    ("value", "best", "worst"),
    [("", "5", None), ("6", "5", None), ("-1", "5", None), ("abc", "5", None), ("nan", "5", None),
     # not finite, or a scale too wide for best - worst: once an OverflowError, or normalized NaN
     ("-inf", None, "-inf"), ("0", None, "-inf"), ("4", "inf", None), ("1e308", "1e308", "-1e308")],
)  # fmt: skip
def test_structured_values_out_of_bounds(value: str, best: str | None, worst: str | None) -> None:
    assert rating_from_values(value, best, worst) is None
