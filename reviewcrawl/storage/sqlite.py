"""The embedded database: a SQLite file in WAL mode (the data directory's state database by default)."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from reviewcrawl.storage.base import (
    CONTENT_COLUMNS,
    KILLED,
    RUNNING,
    PageState,
    SchemaError,
    Store,
    content_of,
)
from reviewcrawl.storage.schema import SCHEMA_VERSION

__all__ = [
    "CONTENT_COLUMNS",
    "KILLED",
    "RUNNING",
    "SCHEMA_VERSION",
    "PageState",
    "SQLiteStore",
    "SchemaError",
    "content_of",
]


#: the page size of a new database file (an existing one keeps its own)
PAGE_SIZE = 16384
#: how much WAL a commit may leave before SQLite copies it back into the database file
WAL_CHECKPOINT_BYTES = 64 * 1024 * 1024


class SQLiteStore(Store):
    distinct = "IS NOT"  # SQLite's IS NOT compares NULLs like IS DISTINCT FROM (which needs 3.39)
    collate_c = ""  # SQLite compares text byte by byte (BINARY) by default

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.where = str(self.path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # one thread at a time, but not always the one that opened it (the database writer thread)
        self.conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        try:
            # review rows are a few KB: pages of 16 KB hold several (4 KB ones hold one, spilling
            # onto overflow pages), and a checkpoint every 64 MB of WAL instead of every 4 MB
            # (1,000 pages) saves most of its fsyncs; together about twice the rows/s of the
            # defaults in batches of 1,000 (benchmarks/storage.py). page_size only takes on a new file.
            self.conn.execute(f"PRAGMA page_size={PAGE_SIZE}")
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute(f"PRAGMA wal_autocheckpoint={WAL_CHECKPOINT_BYTES // self._page_size()}")
            self.migrate()
            # older reviewcrawl versions read this: keep it true
            self.conn.execute(f"PRAGMA user_version = {self.schema_version()}")
        except BaseException:
            self.conn.close()
            raise

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Cursor]:
        cur = self.conn.cursor()
        cur.execute("BEGIN IMMEDIATE")  # take the write lock now: no upgrade deadlock between writers
        try:
            yield cur
        except BaseException:
            self.conn.rollback()
            raise
        else:
            self.conn.commit()
        finally:
            cur.close()

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self.conn.execute(sql, params).fetchall()

    def _page_size(self) -> int:
        return int(self.conn.execute("PRAGMA page_size").fetchone()[0])

    def _legacy_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def close(self) -> None:
        self.conn.close()
