"""Where records end up: one storage interface (reviewcrawl.storage.base.Store), one schema
(reviewcrawl.storage.schema), two backends: SQLite (embedded default) and PostgreSQL (psycopg 3).

``open_database(url)`` takes ``sqlite:///PATH`` or ``postgresql://user@host/db``; ``redact(url)``
is the URL as logs and messages may show it (no password).
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from reviewcrawl.storage.base import PageState, SchemaError, Store
from reviewcrawl.storage.sqlite import SQLiteStore

__all__ = ["POSTGRES_SCHEMES", "PageState", "SQLiteStore", "SchemaError", "Store", "open_database", "redact"]

POSTGRES_SCHEMES = ("postgresql", "postgres")


def redact(url: str) -> str:
    """The URL without its password: postgresql://reviews:secret@db/x -> postgresql://reviews:***@db/x."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[1]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc}"))


def open_database(url: str) -> Store:
    """The store a database URL names; ValueError for a URL of no backend."""
    scheme = urlsplit(url).scheme
    if url.startswith("sqlite:///"):
        return SQLiteStore(url[len("sqlite:///") :])
    if scheme in POSTGRES_SCHEMES:
        from reviewcrawl.storage.postgres import PostgresStore

        return PostgresStore(url)
    raise ValueError(f"unsupported database URL {redact(url)!r}: use sqlite:///PATH or postgresql://USER@HOST/DB")
