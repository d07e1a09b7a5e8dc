"""PostgreSQL through psycopg 3: the same schema and queries as SQLite (reviewcrawl/storage/base.py).

Crawl batches go through ``executemany``, which psycopg 3 sends in pipeline mode (one round trip
for the batch, not one per row); bulk loads (``scrapy load``) ``COPY`` the rows into a temporary
table and merge them with one ``INSERT ... SELECT ... ON CONFLICT``. Credentials come from the URL
or libpq's environment (PGPASSWORD, ~/.pgpass, PGUSER...); messages name the database by
``redact(url)``, never with its password. Put the tables in a schema of their own with
``?options=-csearch_path%3Dreviews`` on the URL.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import psycopg
from psycopg.conninfo import conninfo_to_dict

from reviewcrawl.storage.base import COLUMNS, Store, row_from_record

__all__ = ["PostgresStore"]

#: a server that stops answering (a network cut, a frozen host) is found out in about 20 s, not
#: hours: TCP keepalives on an idle connection, tcp_user_timeout on a write nobody acknowledges.
#: Options given in the URL win over these.
CONNECT_OPTIONS: dict[str, Any] = {
    "connect_timeout": 10,
    "application_name": "reviewcrawl",
    "keepalives": 1,
    "keepalives_idle": 10,
    "keepalives_interval": 5,
    "keepalives_count": 2,
    "tcp_user_timeout": 20_000,
}

#: pg_advisory_xact_lock key: migrations of one database run one at a time
MIGRATION_LOCK = 0x7265766965770001


def _pg(sql: str) -> str:
    """The shared SQL's ? placeholders as psycopg's %s (the shared SQL has no other ? or %)."""
    return sql.replace("?", "%s")


class _Cursor:
    """A psycopg cursor that takes the shared SQL."""

    def __init__(self, cur: psycopg.Cursor[Any]) -> None:
        self.cur = cur

    def execute(self, sql: str, params: Sequence[Any] = ()) -> _Cursor:
        self.cur.execute(_pg(sql), params or None)
        return self

    def executemany(self, sql: str, params: Iterable[Sequence[Any]]) -> _Cursor:
        self.cur.executemany(_pg(sql), params)
        return self

    def fetchone(self) -> Any:
        return self.cur.fetchone()

    def fetchall(self) -> list[Any]:
        return self.cur.fetchall()

    @property
    def rowcount(self) -> int:
        return self.cur.rowcount


class PostgresStore(Store):
    def __init__(self, url: str) -> None:
        from reviewcrawl.storage import redact

        self.url = url
        self.where = redact(url)
        self.conn = self._connect()
        try:
            self.migrate()
        except BaseException:
            self.conn.close()
            raise

    def _connect(self) -> psycopg.Connection[Any]:
        try:
            given = conninfo_to_dict(self.url)
            options = {k: v for k, v in CONNECT_OPTIONS.items() if k not in given}
            return psycopg.connect(self.url, autocommit=True, **options)
        except psycopg.Error as exc:
            from reviewcrawl.storage import mask

            raise psycopg.OperationalError(mask(f"{self.where}: {exc}".strip(), self.url)) from None

    def _live(self) -> psycopg.Connection[Any]:
        """The connection, made again when the server dropped it (a restart, a network cut)."""
        if self.conn.closed or self.conn.broken:
            self.conn = self._connect()
        return self.conn

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[_Cursor]:
        with self._live().transaction(), self.conn.cursor() as cur:
            yield _Cursor(cur)

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._live().cursor() as cur:
            cur.execute(_pg(sql), params or None)
            return cur.fetchall()

    def _lock_migrations(self, cur: Any) -> None:
        cur.execute("SELECT pg_advisory_xact_lock(?)", (MIGRATION_LOCK,))

    def load(self, records: Iterable[Mapping[str, Any]]) -> int:
        """COPY into a temporary table, then one INSERT ... ON CONFLICT with upsert's rules: when
        the batch holds a canonical_url twice, the line seen last (on a tie, the later line) gives
        the content and the earliest fetch its first_seen, as upserting the lines in order would."""
        n = 0
        cols = ", ".join(COLUMNS)
        with self._live().transaction(), self.conn.cursor() as cur:
            cur.execute(
                "CREATE TEMP TABLE IF NOT EXISTS reviews_load (LIKE reviews, line bigint) ON COMMIT DELETE ROWS"
            )
            with cur.copy(f"COPY reviews_load ({cols}, line) FROM STDIN") as copy:
                for record in records:
                    n += 1
                    copy.write_row((*row_from_record(record), n))
            picked = cols.replace("first_seen", "min(first_seen) OVER (PARTITION BY canonical_url)")
            cur.execute(
                f"INSERT INTO reviews ({cols}) SELECT DISTINCT ON (canonical_url) {picked} FROM reviews_load "
                'ORDER BY canonical_url, last_seen COLLATE "C" DESC, line DESC ' + _pg(self._on_conflict())
            )
        return n

    def close(self) -> None:
        self.conn.close()
