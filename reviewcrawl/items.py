"""The items that flow through the pipelines.

``Page``   spider -> ExtractPipeline: one fetched page, not yet read.
``Review`` the record analysts get: field names and order are a contract (README, JSON Schema).
``Rejected`` a record that failed validation; exported to the errors feed, never dropped silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

#: characters no record keeps: NUL (PostgreSQL refuses it in text) and lone UTF-16 surrogates
#: (from a JSON "\\ud800" escape; no UTF-8 file or database can hold them)
_UNWRITABLE = re.compile("[\x00\ud800-\udfff]")


def clean_text(text: str) -> str:
    """Text without NUL, lone surrogates replaced by U+FFFD (see scrub)."""
    if not text.isascii():
        try:
            text.encode("utf-8")  # fails on a lone surrogate, and only then
        except UnicodeEncodeError:
            return _UNWRITABLE.sub(lambda m: "" if m.group() == "\x00" else "\ufffd", text)
    return text.replace("\x00", "") if "\x00" in text else text


def scrub(value: Any) -> Any:
    r"""A record value with NUL removed and lone surrogates replaced by U+FFFD, in nested
    dicts and lists too: what every feed and database can store, the same in each.

    >>> scrub({"text": "a\x00b \ud800", "sources": ["x"]})
    {'text': 'ab �', 'sources': ['x']}
    """
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {k: scrub(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(scrub(v) for v in value)
    return value


@dataclass
class Page:
    url: str
    body: bytes = field(repr=False)
    status: int = 200
    content_type: str | None = None
    fetched_at: str | None = None
    site: str | None = None
    #: extraction hints from the site profile (selectors, language, date order)
    hints: dict[str, Any] = field(default_factory=dict, repr=False)
    #: the profile says this URL is a review page; None when no profile decides
    is_review: bool | None = None
    #: the page already parsed (reviewcrawl.extract.document.parse_html) by the spider, which
    #: extracted its links from it: the extractor reads the same tree, one parse per page
    document: Any = field(default=None, repr=False, compare=False)


@dataclass
class Review:
    url: str | None = None
    canonical_url: str | None = None
    site: str | None = None
    title: str | None = None
    author: str | None = None
    date_published: str | None = None
    date_modified: str | None = None
    rating: dict[str, Any] | None = None
    aggregate_rating: dict[str, Any] | None = None
    item_reviewed: dict[str, Any] | None = None
    language: str | None = None
    text: str | None = None
    fingerprint: str | None = None
    duplicate_of: str | None = None
    sources: dict[str, str] = field(default_factory=dict)
    fetched_at: str | None = None
    run_id: str | None = None


@dataclass
class Rejected:
    url: str | None
    reason: str
    kind: str
    record: dict[str, Any] | None = field(default=None, repr=False)
    run_id: str | None = None
    fetched_at: str | None = None


REVIEW_FIELDS: tuple[str, ...] = tuple(Review.__dataclass_fields__)
