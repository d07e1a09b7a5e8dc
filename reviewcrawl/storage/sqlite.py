"""The embedded database: one row per review (canonical_url), WAL, batched idempotent upserts."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["CONTENT_COLUMNS", "SCHEMA_VERSION", "PageState", "SQLiteStore", "content_of"]

SCHEMA_VERSION = 5  # 2: the duplicates table; 3: the runs table; 4: the pages table (incremental crawls);
# 5: runs.published, runs.lock, runs.pid (a run's row is written at its start: killed runs are found)

SCHEMA = """
CREATE TABLE IF NOT EXISTS reviews (
    canonical_url     TEXT PRIMARY KEY,
    url               TEXT NOT NULL,
    site              TEXT NOT NULL,
    title             TEXT,
    author            TEXT,
    date_published    TEXT,
    date_modified     TEXT,
    rating_value      REAL,
    rating_best       REAL,
    rating_worst      REAL,
    rating_normalized REAL,
    rating_raw        TEXT,
    aggregate_rating  TEXT,
    item_reviewed     TEXT,
    language          TEXT,
    text              TEXT,
    fingerprint       TEXT,
    duplicate_of      TEXT,
    sources           TEXT,
    fetched_at        TEXT,
    run_id            TEXT,
    first_seen        TEXT NOT NULL,
    last_seen         TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS reviews_site ON reviews(site);
CREATE INDEX IF NOT EXISTS reviews_duplicate_of ON reviews(duplicate_of);
-- every near-copy found, exported (marked) or not (dropped); an original that a preferred site
-- or an earlier date displaced is listed as a copy of the review that displaced it
CREATE TABLE IF NOT EXISTS duplicates (
    copy_url      TEXT PRIMARY KEY,
    original_url  TEXT NOT NULL,
    similarity    REAL,
    containment   REAL,
    exact         INTEGER NOT NULL DEFAULT 0,
    dropped       INTEGER NOT NULL DEFAULT 0,
    run_id        TEXT,
    found_at      TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS duplicates_original ON duplicates(original_url);
-- one row per run: its summary (the run-<run_id>.json beside the feed), the main counts as columns.
-- Written when the run starts (status 'running', exit_code 5 until it ends; its lock file and PID),
-- replaced when it ends; a run killed on the way stays 'running' until the next run that takes its
-- lock marks it 'killed' (reviewcrawl/recovery.py). published: 1 once every feed of the run is under
-- its final name; only published runs' pages and reviews count as exported (see page_state)
CREATE TABLE IF NOT EXISTS runs (
    run_id       TEXT PRIMARY KEY,
    started_at   TEXT NOT NULL,
    finished_at  TEXT,
    status       TEXT NOT NULL,
    exit_code    INTEGER NOT NULL,
    pages        INTEGER NOT NULL DEFAULT 0,
    reviews      INTEGER NOT NULL DEFAULT 0,
    near_copies  INTEGER NOT NULL DEFAULT 0,
    errors       INTEGER NOT NULL DEFAULT 0,
    summary      TEXT NOT NULL,
    published    INTEGER NOT NULL DEFAULT 1,
    lock         TEXT,
    pid          INTEGER
);
-- what the last fetch of each URL left for the next run (reviewcrawl/incremental.py): its HTTP
-- validators, when its body was last downloaded, the requests it led to (replayed when the page
-- answers 304 Not Modified), and the review it gave; no bodies
CREATE TABLE IF NOT EXISTS pages (
    url            TEXT PRIMARY KEY,
    etag           TEXT,
    last_modified  TEXT,
    fetched_at     TEXT,
    run_id         TEXT,
    links          TEXT,
    review         TEXT
);
"""

RUN_ADDED_COLUMNS = {"published": "INTEGER NOT NULL DEFAULT 1", "lock": "TEXT", "pid": "INTEGER"}
#: status of a run's row from its start to its end; of a run that never ended (reviewcrawl/recovery.py)
RUNNING, KILLED = "running", "killed"

RUN_COLUMNS = ("run_id", "started_at", "finished_at", "status", "exit_code", "pages", "reviews", "near_copies", "errors")  # fmt: skip

DUPLICATE_COLUMNS = ("copy_url", "original_url", "similarity", "containment", "exact", "dropped", "run_id", "found_at")

CONTENT_COLUMNS = (
    "url", "site", "title", "author", "date_published", "date_modified", "rating_value",
    "rating_best", "rating_worst", "rating_normalized", "rating_raw", "aggregate_rating",
    "item_reviewed", "language", "text", "fingerprint", "duplicate_of", "sources",
)  # fmt: skip
COLUMNS = ("canonical_url", *CONTENT_COLUMNS, "fetched_at", "run_id", "first_seen", "last_seen")

# Idempotent: a row changes only when its content changed; last_seen always moves on.
# A link to an original, once found, is kept: a later run that crawls only the copy's site
# cannot see the original and must not erase or replace what an earlier run learned (first seen wins).
UPSERT = f"""
INSERT INTO reviews ({", ".join(COLUMNS)}) VALUES ({", ".join("?" for _ in COLUMNS)})
ON CONFLICT(canonical_url) DO UPDATE SET
    {", ".join(f"{c} = excluded.{c}" for c in CONTENT_COLUMNS if c != "duplicate_of")},
    duplicate_of = COALESCE(reviews.duplicate_of, excluded.duplicate_of),
    fetched_at = CASE WHEN {" OR ".join(f"reviews.{c} IS NOT excluded.{c}" for c in CONTENT_COLUMNS)}
                      THEN excluded.fetched_at ELSE reviews.fetched_at END,
    run_id = CASE WHEN {" OR ".join(f"reviews.{c} IS NOT excluded.{c}" for c in CONTENT_COLUMNS)}
                  THEN excluded.run_id ELSE reviews.run_id END,
    last_seen = excluded.last_seen
"""


@dataclass(frozen=True)
class PageState:
    etag: str | None
    last_modified: str | None
    fetched_at: str | None
    #: (url, callback name) of the requests the page led to
    links: list[tuple[str, ...]]
    #: canonical_url of the review the page gave, if any
    review: str | None


def content_of(record: Mapping[str, Any]) -> dict[str, Any]:
    """A record's content as the reviews table stores it (every column but fetched_at, run_id)."""
    return dict(zip(COLUMNS, row_from_record(record), strict=True))


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def row_from_record(record: Mapping[str, Any]) -> tuple[Any, ...]:
    rating = record.get("rating") or {}
    seen = record.get("fetched_at")
    values = {
        **{k: record.get(k) for k in ("canonical_url", "url", "site", "title", "author", "date_published",
                                       "date_modified", "language", "text", "fingerprint", "duplicate_of",
                                       "fetched_at", "run_id")},
        "rating_value": rating.get("value"),
        "rating_best": rating.get("best"),
        "rating_worst": rating.get("worst"),
        "rating_normalized": rating.get("normalized"),
        "rating_raw": rating.get("raw"),
        "aggregate_rating": _json(record.get("aggregate_rating")),
        "item_reviewed": _json(record.get("item_reviewed")),
        "sources": _json(record.get("sources")),
        "first_seen": seen,
        "last_seen": seen,
    }  # fmt: skip
    return tuple(values[c] for c in COLUMNS)


class SQLiteStore:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise RuntimeError(
                f"{self.path}: schema version {version} is newer than this reviewcrawl ({SCHEMA_VERSION})"
            )
        self.conn.executescript(SCHEMA)
        if version < SCHEMA_VERSION:
            self._migrate()
            self.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _migrate(self) -> None:
        """Columns added to existing tables since their first version (CREATE TABLE IF NOT EXISTS
        leaves an older table as it was). Runs recorded before version 5 were recorded at their
        end, after their feeds: published."""
        have = {row[1] for row in self.conn.execute("PRAGMA table_info(runs)")}
        with self.conn:
            self.conn.execute("BEGIN")
            for column, decl in RUN_ADDED_COLUMNS.items():
                if column not in have:
                    self.conn.execute(f"ALTER TABLE runs ADD COLUMN {column} {decl}")

    def upsert(self, records: Iterable[Mapping[str, Any]]) -> int:
        """Write a batch in one transaction; returns the number of records given."""
        rows = [row_from_record(r) for r in records]
        if not rows:
            return 0
        with self.conn:  # BEGIN ... COMMIT, ROLLBACK on error
            self.conn.execute("BEGIN")
            self.conn.executemany(UPSERT, rows)
        return len(rows)

    def add_duplicates(self, rows: Iterable[Mapping[str, Any]]) -> int:
        """Record near-copies (copy_url -> original_url), in the order given. A copy found again
        keeps its first link; an original that displaced another is no copy itself (its old row
        goes), and every link to the displaced one moves to it."""
        values = [tuple(r.get(c) for c in DUPLICATE_COLUMNS) for r in rows]
        if not values:
            return 0
        with self.conn:
            self.conn.execute("BEGIN")
            for row in values:
                copy, original = row[0], row[1]
                self.conn.execute("DELETE FROM duplicates WHERE copy_url = ?", (original,))
                self.conn.execute(
                    f"INSERT INTO duplicates ({', '.join(DUPLICATE_COLUMNS)}) "
                    f"VALUES ({', '.join('?' * len(DUPLICATE_COLUMNS))}) ON CONFLICT(copy_url) DO NOTHING",
                    row,
                )
                self.conn.execute(
                    "UPDATE duplicates SET original_url = ? WHERE original_url = ? AND copy_url != ?",
                    (original, copy, original),
                )
        return len(values)

    def sync_links(self) -> int:
        """Make reviews.duplicate_of say what the duplicates table says (rows written before a
        link was found, or before an original was displaced); returns the rows changed."""
        with self.conn:
            self.conn.execute("BEGIN")
            changed = self.conn.execute(
                "UPDATE reviews SET duplicate_of = d.original_url FROM duplicates AS d "
                "WHERE d.copy_url = reviews.canonical_url AND reviews.duplicate_of IS NOT d.original_url"
            ).rowcount
            changed += self.conn.execute(
                "UPDATE reviews SET duplicate_of = NULL WHERE duplicate_of IS NOT NULL "
                "AND canonical_url NOT IN (SELECT copy_url FROM duplicates)"
            ).rowcount
        return changed

    def original_of(self, url: str) -> str | None:
        row = self.conn.execute("SELECT original_url FROM duplicates WHERE copy_url = ?", (url,)).fetchone()
        return row[0] if row else None

    def review_facts(self, url: str) -> tuple[str | None, str | None] | None:
        """(site, date_published) of a stored review, or None."""
        row = self.conn.execute("SELECT site, date_published FROM reviews WHERE canonical_url = ?", (url,)).fetchone()
        return (row[0], row[1]) if row else None

    def add_run(self, summary: Mapping[str, Any]) -> None:
        """Record a run's summary when it ends (a run recorded again, with the same run_id, is
        replaced; the lock and PID of its start row are kept). ``summary["published"]`` (default
        true) says whether its feeds are all under their final names."""
        columns = (*RUN_COLUMNS, "summary", "published")
        counts = ("pages", "reviews", "near_copies", "errors")
        values = (
            *(int(summary.get(c) or 0) if c in counts else summary.get(c) for c in RUN_COLUMNS),
            _json(dict(summary)),
            int(bool(summary.get("published", True))),
        )
        updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c != "run_id")
        with self.conn:
            self.conn.execute("BEGIN")
            self.conn.execute(
                f"INSERT INTO runs ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) "
                f"ON CONFLICT(run_id) DO UPDATE SET {updates}",
                values,
            )

    def start_run(self, run_id: str, started_at: str, *, lock: str | None, pid: int) -> None:
        """The row of a run that starts: 'running', not published, its lock file and PID. What the
        run writes before its row is replaced at its end (add_run) does not count as exported."""
        summary = {"run_id": run_id, "started_at": started_at, "status": RUNNING}
        with self.conn:
            self.conn.execute("BEGIN")
            self.conn.execute(
                "INSERT OR REPLACE INTO runs (run_id, started_at, status, exit_code, summary, published, lock, pid) "
                "VALUES (?, ?, ?, 5, ?, 0, ?, ?)",
                (run_id, started_at, RUNNING, _json(summary), lock, pid),
            )

    def running_runs(self) -> list[dict[str, Any]]:
        """Rows of runs that started and never ended (running now, or killed): run_id, started_at, lock, pid."""
        rows = self.conn.execute(
            "SELECT run_id, started_at, lock, pid FROM runs WHERE status = ? ORDER BY run_id", (RUNNING,)
        ).fetchall()
        return [dict(zip(("run_id", "started_at", "lock", "pid"), row, strict=True)) for row in rows]

    def run_statuses(self) -> dict[str, str]:
        return dict(self.conn.execute("SELECT run_id, status FROM runs").fetchall())

    # -- incremental crawls: only what a published run (its `runs` row says published = 1) left
    # counts; a run killed before its feeds were renamed into place published nothing, so what it
    # wrote is ignored by the next run, which fetches and exports it again --

    def page_state(self, url: str) -> PageState | None:
        """What the last published run learned about a URL, or None."""
        row = self.conn.execute(
            "SELECT p.etag, p.last_modified, p.fetched_at, p.links, p.review FROM pages p "
            "JOIN runs r ON r.run_id = p.run_id AND r.published = 1 WHERE p.url = ?",
            (url,),
        ).fetchone()
        if row is None:
            return None
        links = [tuple(link) for link in json.loads(row[3])] if row[3] else []
        return PageState(etag=row[0], last_modified=row[1], fetched_at=row[2], links=links, review=row[4])

    def save_pages(self, rows: Iterable[Mapping[str, Any]]) -> int:
        """Record fetched pages (url, etag, last_modified, fetched_at, run_id, links); keeps `review`."""
        values = [(r["url"], r.get("etag"), r.get("last_modified"), r.get("fetched_at"), r.get("run_id"),
                   _json(r.get("links"))) for r in rows]  # fmt: skip
        if not values:
            return 0
        with self.conn:
            self.conn.execute("BEGIN")
            self.conn.executemany(
                "INSERT INTO pages (url, etag, last_modified, fetched_at, run_id, links) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified, "
                "fetched_at = excluded.fetched_at, run_id = excluded.run_id, links = excluded.links",
                values,
            )
        return len(values)

    def mark_review_pages(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Note which review (canonical_url) each page URL gave."""
        values = list(pairs)
        if not values:
            return
        with self.conn:
            self.conn.execute("BEGIN")
            self.conn.executemany(
                "INSERT INTO pages (url, review) VALUES (?, ?) ON CONFLICT(url) DO UPDATE SET review = excluded.review",
                values,
            )

    def published_review(self, canonical_url: str) -> dict[str, Any] | None:
        """The stored content of a review as last exported by a published run, or None."""
        row = self.conn.execute(
            f"SELECT {', '.join('v.' + c for c in CONTENT_COLUMNS)} FROM reviews v "
            "JOIN runs r ON r.run_id = v.run_id AND r.published = 1 WHERE v.canonical_url = ?",
            (canonical_url,),
        ).fetchone()
        return dict(zip(CONTENT_COLUMNS, row, strict=True)) if row else None

    def touch_reviews(self, canonical_urls: Iterable[str], seen: str) -> None:
        """An unchanged review seen again: only its last_seen moves on."""
        values = [(seen, u) for u in canonical_urls]
        if values:
            with self.conn:
                self.conn.execute("BEGIN")
                self.conn.executemany("UPDATE reviews SET last_seen = ? WHERE canonical_url = ?", values)

    def count(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM reviews").fetchone()[0])

    def close(self) -> None:
        self.conn.close()
