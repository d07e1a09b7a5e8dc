"""PostgreSQL through psycopg 3: the same schema and queries as SQLite (reviewcrawl/storage/base.py).

Reviews are written by ``COPY``: those the table does not have yet straight into it, the others
into a temporary table that one ``INSERT ... SELECT ... ON CONFLICT`` merges with upsert's rules
(a crawl batch that holds a review twice goes through ``executemany`` instead, which psycopg 3
sends in pipeline mode: one round trip for the batch, as a prepared statement). Texts over ~2 KB
are compressed by the server (TOAST): with lz4 when the server has it and nobody chose a method
(``default_toast_compression`` left at its default), about twice the rows/s of pglz
(benchmarks/storage.py). Credentials come from the URL or libpq's environment (PGPASSWORD,
~/.pgpass, PGUSER...); messages name the database by ``redact(url)``, never with its password.
Put the tables in a schema of their own with ``?options=-csearch_path%3Dreviews`` on the URL.
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


_FIRST, _LAST = COLUMNS.index("first_seen"), COLUMNS.index("last_seen")


def _merged(records: Iterable[Mapping[str, Any]]) -> tuple[dict[str, tuple[Any, ...]], int]:
    """The records as rows, one per canonical_url (see PostgresStore.load); and how many records."""
    rows: dict[str, tuple[Any, ...]] = {}
    n = 0
    for record in records:
        n += 1
        row = row_from_record(record)
        old = rows.get(row[0])
        if old is not None:
            first = min((v for v in (old[_FIRST], row[_FIRST]) if v is not None), default=None)
            if (row[_LAST] or "") < (old[_LAST] or ""):
                row = old
            row = (*row[:_FIRST], first, *row[_FIRST + 1 :])
        rows[row[0]] = row
    return rows, n


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
            conn = psycopg.connect(self.url, autocommit=True, **options)
        except psycopg.Error as exc:
            from reviewcrawl.storage import mask

            raise psycopg.OperationalError(mask(f"{self.where}: {exc}".strip(), self.url)) from None
        try:
            # lz4 (PostgreSQL 14+, when built with it) unless the server, database, role or URL chose
            lz4 = conn.execute(
                "SELECT source = 'default' AND 'lz4' = ANY(enumvals) FROM pg_settings "
                "WHERE name = 'default_toast_compression'"
            ).fetchone()
            if lz4 and lz4[0]:
                conn.execute("SET default_toast_compression = lz4")
        except BaseException:
            conn.close()
            raise
        return conn

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

    def upsert(self, records: Iterable[Mapping[str, Any]]) -> int:
        """A crawl batch. Every review in it once, as in a crawl's batches (a crawl drops a
        canonical_url it already exported): COPY, as load does, which leaves the rows that one
        INSERT ... ON CONFLICT per record would leave; a review given twice: one INSERT after the
        other, in order (executemany, which psycopg sends in pipeline mode)."""
        rows = [row_from_record(r) for r in records]
        keyed = {row[0]: row for row in rows}
        if len(keyed) == len(rows):
            self._copy(keyed)
        else:
            self._upsert_rows(rows)
        return len(rows)

    def load(self, records: Iterable[Mapping[str, Any]]) -> int:
        """upsert's rules, by COPY. A review given twice is written once: its latest record (the
        later one when both were fetched at the same time), with the earliest fetch as first_seen."""
        rows, n = _merged(records)
        self._copy(rows)
        return n

    def _copy(self, rows: dict[str, tuple[Any, ...]]) -> None:
        """Write rows (by canonical_url) in one transaction: those the table does not have are
        COPYed into it, the others COPYed into a temporary table and merged with one INSERT ...
        SELECT ... ON CONFLICT (upsert's rules)."""
        if not rows:
            return
        cols = ", ".join(COLUMNS)
        with self._live().transaction(), self.conn.cursor() as cur:
            # no other writer may add one of these reviews between the look-up and the COPY
            cur.execute("LOCK TABLE reviews IN SHARE ROW EXCLUSIVE MODE")
            cur.execute("SELECT canonical_url FROM reviews WHERE canonical_url = ANY(%s)", (list(rows),))
            stored = {row[0] for row in cur.fetchall()}
            if len(stored) < len(rows):
                with cur.copy(f"COPY reviews ({cols}) FROM STDIN") as copy:
                    for key, row in rows.items():
                        if key not in stored:
                            copy.write_row(row)
            if stored:
                cur.execute("CREATE TEMP TABLE reviews_load (LIKE reviews) ON COMMIT DROP")
                with cur.copy(f"COPY reviews_load ({cols}) FROM STDIN") as copy:
                    for key in stored:
                        copy.write_row(rows[key])
                cur.execute(f"INSERT INTO reviews ({cols}) SELECT {cols} FROM reviews_load " + _pg(self._on_conflict()))

    def close(self) -> None:
        self.conn.close()
