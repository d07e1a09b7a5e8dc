"""Raw strings to typed values: no HTML, no Scrapy."""

from __future__ import annotations

from reviewcrawl.parsing.authors import normalize_author, split_authors
from reviewcrawl.parsing.dates import ParsedDate, parse_date
from reviewcrawl.parsing.rating import Rating, parse_rating, rating_from_values

__all__ = [
    "ParsedDate",
    "Rating",
    "normalize_author",
    "parse_date",
    "parse_rating",
    "rating_from_values",
    "split_authors",
]
