"""Where records end up: one storage interface (reviewcrawl.storage.base.Store), one schema
(reviewcrawl.storage.schema), two backends: SQLite (embedded default) and PostgreSQL (psycopg 3).

``open_database(url)`` takes ``sqlite:///PATH`` or ``postgresql://user@host/db``; ``redact(url)``
is the URL as logs and messages may show it (no password).
"""

from __future__ import annotations

import sqlite3
from urllib.parse import unquote

from reviewcrawl.storage.base import PageState, SchemaError, Store
from reviewcrawl.storage.sqlite import SQLiteStore

__all__ = [
    "POSTGRES_SCHEMES",
    "PageState",
    "SQLiteStore",
    "SchemaError",
    "Store",
    "is_unavailable",
    "open_database",
    "redact",
]

POSTGRES_SCHEMES = ("postgresql", "postgres")


SECRET_PARAMETERS = ("password", "sslpassword")


def redact(url: str) -> str:
    """The URL as messages and logs may show it: no password, whether in the user part
    (``postgresql://reviews:***@db/x``, even when it holds / # ? unencoded) or a query parameter
    (``?password=***``).

    >>> redact("postgresql://reviews:s3/cr#t@db.internal:5432/reviews?sslmode=require&password=x")
    'postgresql://reviews:***@db.internal:5432/reviews?sslmode=require&password=***'
    """
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    if "@" in rest:
        userinfo, _, rest = rest.rpartition("@")
        user = userinfo.split(":", 1)[0]
        rest = f"{user}:***@{rest}" if ":" in userinfo else f"{user}@{rest}"
    base, q, query = rest.partition("?")
    if q:
        pairs = [
            f"{p.split('=', 1)[0]}=***" if p.split("=", 1)[0] in SECRET_PARAMETERS else p for p in query.split("&")
        ]
        base = f"{base}?{'&'.join(pairs)}"
    return f"{scheme}://{base}"


def mask(message: str, url: str) -> str:
    """A driver's message with any password of the URL in it replaced by *** (libpq quotes the
    part of a URL it cannot parse, a password included)."""
    secrets = set()
    _, _, rest = url.partition("://")
    if "@" in rest:
        userinfo = rest.rpartition("@")[0]
        if ":" in userinfo:
            secrets.add(userinfo.split(":", 1)[1])
    for pair in rest.partition("?")[2].split("&"):
        key, _, value = pair.partition("=")
        if key in SECRET_PARAMETERS:
            secrets.add(value)
    for secret in sorted((s for s in secrets | {unquote(s) for s in secrets} if s), key=len, reverse=True):
        message = message.replace(secret, "***")
    return message


def is_unavailable(exc: BaseException) -> bool:
    """The database cannot be written now (gone, unreachable, full, read-only, locked): worth a
    retry. Anything else (data it refuses, a bug) will fail the same way again."""
    import psycopg

    return isinstance(exc, OSError | sqlite3.OperationalError | psycopg.OperationalError | psycopg.InterfaceError)


def open_database(url: str) -> Store:
    """The store a database URL names; ValueError for a URL of no backend."""
    scheme = url.partition("://")[0]
    if url.startswith("sqlite:///"):
        return SQLiteStore(url[len("sqlite:///") :])
    if scheme in POSTGRES_SCHEMES:
        from reviewcrawl.storage.postgres import PostgresStore

        return PostgresStore(url)
    raise ValueError(f"unsupported database URL {redact(url)!r}: use sqlite:///PATH or postgresql://USER@HOST/DB")
